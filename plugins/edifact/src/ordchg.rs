//! ORDCHG, the purchase order change request, to and from a canonical order change.
//!
//! The message is laid out as ORDERS (UNTDID D.96A): BGM C002 1001 `230` (purchase order
//! change request) with the change's own number in 1004 and what it does to the order in 1225
//! (`1` cancels the whole order, `5` replaces it, `4` changes it; any other code reads as a
//! change and is kept); RFF+ON names the order changed. Each LIN group is a line change whose
//! LIN 1229 says what happens to the line: `1` added, `2` deleted, `3` changed, `4` no action
//! (kept as `change_code`). BGM C106 1060 is the `revision` (cXML's orderVersion). 1229 has one code for every change, so a line whose source said
//! *which* value changed (X12 POC02 `QI`, `PC`, `CT`) is written and read back as changed;
//! its new quantity, price and dates are in the line itself.

use wharf_guest_sdk::canonical::{
    ChangeKind, Extension, ExtensionValue, LineChange, LineChangeKind, OrderChange,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id};

use crate::header::{self, Common, keep_all, read_summary, write_bgm, write_common};
use crate::interchange::{Message, Segment};
use crate::items;
use crate::orders::{order_line, write_line};
use crate::reader::{CANONICAL, join_components};
use crate::writer::{Kept, Out};

/// BGM 1001 of an ORDCHG: "Purchase order change request".
const DOCUMENT_NAME: &str = "230";
/// The longest BGM C106 1060, revision number (an..6).
const REVISION_LENGTH: usize = 6;
/// RFF 1153 of the buyer's order number, the order being changed.
const ORDER_NUMBER: &str = "ON";

fn kind(function: Option<&str>) -> ChangeKind {
    match function {
        Some("1") => ChangeKind::Cancel,
        Some("5") => ChangeKind::Replace,
        _ => ChangeKind::Update,
    }
}

fn function(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Cancel => "1",
        ChangeKind::Replace => "5",
        ChangeKind::Update => "4",
    }
}

fn line_change(action: Option<&str>) -> LineChangeKind {
    match action {
        Some("1") => LineChangeKind::Add,
        Some("2") => LineChangeKind::Cancel,
        Some("4") => LineChangeKind::Unchanged,
        // 3 "changed", and a line that says nothing, which ORDCHG sends only to change it.
        _ => LineChangeKind::Change,
    }
}

fn line_action(change: LineChangeKind) -> &'static str {
    match change {
        LineChangeKind::Add => "1",
        LineChangeKind::Cancel => "2",
        LineChangeKind::Unchanged => "4",
        LineChangeKind::ChangeQuantity
        | LineChangeKind::ChangePrice
        | LineChangeKind::ChangeDates
        | LineChangeKind::Change => "3",
    }
}

/// Whether `code` can be a 1229 code as this adapter writes them (one or two digits): a code
/// kept from another standard (X12 `QI`, SAP `002`) is not written as one.
fn is_edifact_code(code: &str) -> bool {
    (1..=2).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// BGM C106 1060, the revision number. The heading kept what it did not read of C106 (1056
/// and 1060) as `edifact.BGM.C106`; the revision is taken out of it.
fn take_revision(bgm: &Segment, extensions: &mut Vec<Extension>) -> Option<String> {
    let revision = bgm.text(2, 3).filter(|r| !r.is_empty())?.to_owned();
    if let Some(at) = extensions.iter().position(|e| e.key == "edifact.BGM.C106") {
        let version = bgm
            .text(2, 2)
            .map(|v| CANONICAL.escape(v))
            .unwrap_or_default();
        let rest = join_components(&[String::new(), version]);
        if rest.is_empty() {
            extensions.remove(at);
        } else {
            extensions[at].value = ExtensionValue::Text(rest);
        }
    }
    Some(revision)
}

/// Reads an ORDCHG message.
pub fn read(message: &Message) -> Result<OrderChange, AdapterError> {
    let mut header = header::read(message)?;
    let Some(po_number) = header.take_reference(ORDER_NUMBER) else {
        let bgm = &message.body[0];
        return Err(
            error::validation("ORDCHG names no order to change (RFF+ON)")
                .at_segment(message.context.locate(bgm, None, None)),
        );
    };
    let change_kind = kind(header.function.as_deref());
    let mut extensions = std::mem::take(&mut header.extensions);
    let revision = take_revision(&message.body[0], &mut extensions);
    if let Some(code) = header
        .function
        .as_deref()
        .filter(|f| *f != function(change_kind))
    {
        extensions.insert(0, wharf_guest_sdk::text_extension("edifact.BGM.1225", code));
    }
    keep_all(&header.rest, &mut extensions);
    let currency = header.currency.clone();
    let (lines, at) = items::read_lines(
        message,
        header.length,
        currency.as_deref(),
        &mut extensions,
        |line| {
            let action = line.action.clone();
            Ok(LineChange {
                change: line_change(action.as_deref()),
                change_code: action,
                line: order_line(message, line)?,
            })
        },
    )?;
    keep_all(&read_summary(message, at), &mut extensions);
    Ok(OrderChange {
        change_number: header.number.clone(),
        po_number,
        kind: change_kind,
        revision,
        currency,
        dates: header.dates,
        parties: header.parties,
        references: header.references,
        notes: header.notes,
        lines,
        extensions,
    })
}

/// Writes an order change as the body of an ORDCHG message (BGM to CNT).
pub fn write(change: &OrderChange, mark: char) -> Result<Vec<Out>, AdapterError> {
    if change.po_number.is_empty() {
        return Err(
            error::validation("an ORDCHG must name the order it changes (RFF+ON)")
                .at_xml("po_number"),
        );
    }
    if let Some(revision) = &change.revision
        && revision.chars().count() > REVISION_LENGTH
    {
        return Err(error::validation(format!(
            "revision {revision:?} is longer than BGM C106 1060 allows ({REVISION_LENGTH})"
        ))
        .at_xml("revision"));
    }
    let mut kept = Kept::new(&change.extensions);
    let code = kept
        .take("edifact.BGM.1225")
        .filter(|c| kind(Some(c)) == change.kind)
        .unwrap_or_else(|| function(change.kind).to_owned());
    let number = change.change_number.as_deref().unwrap_or_default();
    let mut bgm = write_bgm(DOCUMENT_NAME, number, Some(&code), &mut kept);
    if let Some(revision) = &change.revision {
        bgm.set(2, 3, revision);
    }
    let mut out = vec![bgm];
    let mut references = vec![id(
        format!("edifact:{ORDER_NUMBER}"),
        change.po_number.clone(),
    )];
    references.extend(change.references.iter().cloned());
    out.extend(write_common(
        &Common {
            dates: &change.dates,
            notes: &change.notes,
            payment_terms: None,
            references: &references,
            parties: &change.parties,
            currency: change.currency.as_deref(),
        },
        &mut kept,
    )?);
    out.extend(kept.raw_segments());
    for (i, changed) in change.lines.iter().enumerate() {
        let action = changed
            .change_code
            .as_deref()
            .filter(|c| is_edifact_code(c) && line_change(Some(c)) == changed.change)
            .unwrap_or(line_action(changed.change));
        out.extend(write_line(
            &changed.line,
            change.currency.as_deref(),
            mark,
            Some(action),
            &format!("lines[{}].line", i + 1),
        )?);
    }
    out.push(Out::new("UNS").el(&["S"]));
    out.push(Out::new("CNT").el(&["2", &change.lines.len().to_string()]));
    Ok(out)
}
