//! 850 Purchase Order against the canonical purchase order.
//!
//! BEG gives number (BEG03), order type (BEG02) and the order date (BEG05, a `Document` date
//! without qualifier); CUR, REF, DTM, NTE/MSG, ITD and the N1 loops the header; each PO1 loop
//! a line, and each SLN after it a sub-line naming that line as its parent; CTT the counts
//! (checked, then written fresh) and AMT the stated total.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, Money, OrderLine, PurchaseOrder, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{Decimal, decimal, error};

use crate::codes;
use crate::common::{self, Header};
use crate::items::{self, LineBody};
use crate::notes_005010;
use crate::parties;
use crate::reader::{Body, Place, Seg};
use crate::syntax::Segment;
use crate::writer::{Out, extension, raw_segments};

/// Segments that end a line loop.
pub const LINE_END: [&str; 4] = ["PO1", "SLN", "CTT", "POC"];

pub fn read(segments: &[Segment], place: &Place) -> Result<PurchaseOrder, AdapterError> {
    let mut body = Body::new(segments, place);
    let beg = expect(&mut body, "BEG", segments, place)?;
    let mut po = PurchaseOrder {
        po_number: beg
            .require(3, "BEG03, the purchase order number,")?
            .to_owned(),
        order_type: beg.owned(2),
        currency: None,
        dates: Vec::new(),
        parties: Vec::new(),
        references: Vec::new(),
        payment_terms: None,
        notes: Vec::new(),
        lines: Vec::new(),
        total: None,
        extensions: Vec::new(),
    };
    if let Some(value) = beg.date(5, None)? {
        po.dates.push(document_date(value));
    }
    let purpose_default: &[usize] = if beg.text(1) == Some("00") {
        &[1, 2, 3, 5]
    } else {
        &[2, 3, 5]
    };
    beg.leftovers(purpose_default, "", &mut po.extensions);
    while let Some(seg) = body.next_seg() {
        match seg.id() {
            "N1" => po
                .parties
                .push(parties::read(seg, &mut body, &mut po.extensions)?),
            "N9" if let Some(note) = notes_005010::read(seg, &mut body) => po.notes.push(note),
            "PO1" => {
                let line = read_line(seg, &mut body, po.currency.as_ref(), po.lines.len())?;
                po.lines.push(line);
            }
            "SLN" => {
                let parent = po.lines.iter().rev().find(|l| l.parent_line.is_none());
                let parent = parent.map(|l| l.line_number.clone());
                let line = read_sub_line(seg, &mut body, po.currency.as_ref(), parent)?;
                po.lines.push(line);
            }
            "CTT" => {
                let top: Vec<&OrderLine> = po
                    .lines
                    .iter()
                    .filter(|l| l.parent_line.is_none())
                    .collect();
                let quantities: Vec<&str> = top.iter().map(|l| l.quantity.value.as_str()).collect();
                read_ctt(seg, top.len(), &quantities, &mut po.extensions);
            }
            "AMT" if po.total.is_none() && seg.only_uses(&[1, 2]) && seg.text(2).is_some() => {
                po.total = Some(Money {
                    amount: seg.decimal(2)?.unwrap_or_default(),
                    currency: po.currency.clone(),
                });
                if seg.text(1) != Some("TT") {
                    seg.leftovers(&[2], "", &mut po.extensions);
                }
            }
            _ => {
                let mut header = Header {
                    currency: &mut po.currency,
                    dates: &mut po.dates,
                    references: &mut po.references,
                    notes: &mut po.notes,
                    payment_terms: Some(&mut po.payment_terms),
                    extensions: &mut po.extensions,
                    entity: "BY",
                };
                if !header.read(seg)? {
                    po.extensions.push(seg.raw_extension(""));
                }
            }
        }
    }
    Ok(po)
}

/// The beginning segment every set opens with, or an error at ST.
pub fn expect<'a>(
    body: &mut Body<'a>,
    id: &str,
    segments: &'a [Segment],
    place: &'a Place,
) -> Result<Seg<'a>, AdapterError> {
    if let Some(seg) = body.next_if(&[id]) {
        return Ok(seg);
    }
    let found = body.peek_id().unwrap_or("SE");
    let st = segments
        .first()
        .ok_or_else(|| error::syntax("a transaction set without ST"))?;
    Err(Seg {
        segment: st,
        position: 1,
        place,
        previous: None,
    }
    .invalid(
        0,
        format!("ST is followed by {found}, not by the beginning segment {id}"),
    ))
}

pub fn document_date(value: String) -> Dated {
    Dated {
        kind: DateKind::Document,
        value,
        qualifier: None,
    }
}

/// CTT01 (line count) and CTT02 (hash total of quantities) are derived when written; kept
/// only when they disagree with the lines, so a wrong count is visible rather than fixed.
pub fn read_ctt(seg: Seg<'_>, count: usize, quantities: &[&str], extensions: &mut Vec<Extension>) {
    let mut used = Vec::new();
    if seg.text(1).and_then(|c| c.parse::<usize>().ok()) == Some(count) {
        used.push(1);
    }
    let hash = seg.text(2).and_then(|h| decimal::parse(h).ok());
    if hash.is_some() && hash == hash_total(quantities) {
        used.push(2);
    }
    seg.leftovers(&used, "", extensions);
}

pub fn hash_total(quantities: &[&str]) -> Option<Decimal> {
    let parsed: Option<Vec<Decimal>> = quantities.iter().map(|q| decimal::parse(q).ok()).collect();
    decimal::checked_sum(parsed?)
}

pub fn write_ctt(quantities: &[&str], extensions: &[Extension]) -> Out {
    Out::new("CTT")
        .with(1, quantities.len().to_string())
        .with_opt(2, hash_total(quantities).map(decimal::format))
        .restore(extensions, "")
}

fn read_line(
    po1: Seg<'_>,
    body: &mut Body<'_>,
    currency: Option<&String>,
    ordinal: usize,
) -> Result<OrderLine, AdapterError> {
    let mut extensions = Vec::new();
    let line_number = items::line_number(po1, ordinal, &mut extensions);
    let (quantity, mut used) = quantity(po1, 2, 3)?;
    let price = items::read_price(po1, 4, 5, &quantity.unit, currency, &mut used)?;
    let mut item_ids = Vec::new();
    used.extend(items::read_ids(po1, 6, "", &mut item_ids, &mut extensions));
    used.push(1);
    po1.leftovers(&used, "", &mut extensions);
    let rest = line_body(body)?;
    extensions.extend(rest.extensions);
    Ok(OrderLine {
        line_number,
        parent_line: None,
        item_ids,
        description: rest.description,
        quantity,
        price,
        schedule: rest.schedule,
        dates: rest.dates,
        references: rest.references,
        notes: rest.notes,
        extensions,
    })
}

/// A quantity from elements `value` and `unit` (the unit possibly a C001 composite).
pub fn quantity(
    seg: Seg<'_>,
    value: usize,
    unit: usize,
) -> Result<(Quantity, Vec<usize>), AdapterError> {
    let amount = seg.decimal(value)?.ok_or_else(|| {
        seg.invalid(
            value,
            format!("{}{value:02}, the quantity, is missing", seg.id()),
        )
    })?;
    Ok((
        Quantity {
            value: amount,
            unit: codes::canonical_unit(seg.component(unit, 1).unwrap_or("")),
        },
        if seg.component(unit, 2).is_some() {
            vec![value]
        } else {
            vec![value, unit]
        },
    ))
}

pub fn line_body(body: &mut Body<'_>) -> Result<LineBody, AdapterError> {
    let mut rest = LineBody::default();
    while let Some(seg) = body.peek().filter(|s| !LINE_END.contains(&s.id())) {
        body.next_seg();
        match seg.id() {
            "N9" => match notes_005010::read(seg, body) {
                Some(note) => rest.notes.push(note),
                None => rest.read(seg)?,
            },
            _ => rest.read(seg)?,
        }
    }
    Ok(rest)
}

fn read_sub_line(
    sln: Seg<'_>,
    body: &mut Body<'_>,
    currency: Option<&String>,
    parent: Option<String>,
) -> Result<OrderLine, AdapterError> {
    let mut extensions = Vec::new();
    let line_number = sln.require(1, "SLN01, the sub-line number,")?.to_owned();
    let parent_line = sln.owned(2).or(parent);
    let (quantity, mut used) = quantity(sln, 4, 5)?;
    let price = items::read_price(sln, 6, 7, &quantity.unit, currency, &mut used)?;
    let mut item_ids = Vec::new();
    used.extend(items::read_ids(sln, 9, "", &mut item_ids, &mut extensions));
    used.extend([1, 2]);
    if sln.text(3) == Some("I") {
        used.push(3);
    }
    sln.leftovers(&used, "", &mut extensions);
    let rest = line_body(body)?;
    extensions.extend(rest.extensions);
    Ok(OrderLine {
        line_number,
        parent_line,
        item_ids,
        description: rest.description,
        quantity,
        price,
        schedule: rest.schedule,
        dates: rest.dates,
        references: rest.references,
        notes: rest.notes,
        extensions,
    })
}

/// The header date BEG05 and friends: the first `Document` date without an X12 qualifier of
/// its own (none, or another standard's code such as SAP's IDDAT "012").
pub fn split_document_date(dates: &[Dated]) -> (Option<&Dated>, Vec<&Dated>) {
    let at = dates.iter().position(|d| {
        d.kind == DateKind::Document
            && d.qualifier
                .as_deref()
                .is_none_or(|q| codes::date_kind(q) != DateKind::Document || !codes::is_code(q))
    });
    let main = at.and_then(|i| dates.get(i));
    let rest = dates
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != at)
        .map(|(_, d)| d)
        .collect();
    (main, rest)
}

/// The 850 body for `po`, in the segments GS08 `version` defines (header notes are NTE up to
/// 004060 and N9/MSG loops from 005010 on, see [`notes_005010`]).
pub fn write(po: &PurchaseOrder, today: &str, version: &str) -> Result<Vec<Out>, AdapterError> {
    let mut out = Vec::new();
    let (main, dates) = split_document_date(&po.dates);
    let beg_date = match main {
        Some(d) => common::compact(&d.value, "dates")?.0,
        None => today.to_owned(),
    };
    let currency = po.currency.clone().or_else(|| {
        po.lines
            .iter()
            .find_map(|l| l.price.as_ref().and_then(|p| p.currency.clone()))
    });
    out.push(
        Out::new("BEG")
            .with(
                1,
                extension(&po.extensions, "x12.BEG.01").unwrap_or_else(|| "00".to_owned()),
            )
            .with_opt(2, po.order_type.clone())
            .with(3, po.po_number.clone())
            .with(5, beg_date)
            .restore(&po.extensions, ""),
    );
    out.extend(common::write_cur(currency.as_ref(), &po.extensions, "BY"));
    out.extend(po.references.iter().filter_map(common::write_ref));
    let kept = raw_segments(&po.extensions, "");
    out.extend(common::write_terms(po.payment_terms.as_ref(), &kept));
    out.extend(kept);
    for (i, dated) in dates.iter().enumerate() {
        out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
    }
    let n9 = notes_005010::notes_in_n9(version);
    if n9 {
        out.extend(po.notes.iter().flat_map(notes_005010::write));
    } else {
        out.extend(po.notes.iter().flat_map(common::write_note));
    }
    for party in &po.parties {
        parties::write(party, &po.extensions, &mut out)?;
    }
    let mut previous: Option<&str> = None;
    for (i, line) in po.lines.iter().enumerate() {
        let path = format!("lines[{i}]");
        match &line.parent_line {
            None => {
                write_line(line, &path, n9, &mut out)?;
                previous = Some(&line.line_number);
            }
            Some(parent) => write_sub_line(line, parent, previous, &path, n9, &mut out)?,
        }
    }
    let quantities: Vec<&str> = po
        .lines
        .iter()
        .filter(|l| l.parent_line.is_none())
        .map(|l| l.quantity.value.as_str())
        .collect();
    out.push(write_ctt(&quantities, &po.extensions));
    if let Some(total) = &po.total {
        out.push(
            Out::new("AMT")
                .with(2, total.amount.clone())
                .restore(&po.extensions, "")
                .with_default(1, "TT"),
        );
    }
    Ok(out)
}

fn write_line(
    line: &OrderLine,
    path: &str,
    n9: bool,
    out: &mut Vec<Out>,
) -> Result<(), AdapterError> {
    let absent = items::line_number_absent("PO1", &line.extensions);
    let mut po1 = Out::new("PO1")
        .with(2, line.quantity.value.clone())
        .with(3, codes::x12_unit(&line.quantity.unit));
    if !absent {
        po1.set(1, line.line_number.clone());
    }
    if let Some(price) = &line.price {
        items::write_price(&mut po1, 4, 5, price, path)?;
    }
    items::write_ids(&mut po1, 6, 25, &line.item_ids, &line.extensions, "");
    out.push(po1.restore(&line.extensions, ""));
    body_of(line, n9).write(out, path)
}

fn write_sub_line(
    line: &OrderLine,
    parent: &str,
    previous: Option<&str>,
    path: &str,
    n9: bool,
    out: &mut Vec<Out>,
) -> Result<(), AdapterError> {
    let mut sln = Out::new("SLN")
        .with(1, line.line_number.clone())
        .with(4, line.quantity.value.clone())
        .with(5, codes::x12_unit(&line.quantity.unit));
    if previous != Some(parent) {
        sln.set(2, parent);
    }
    if let Some(price) = &line.price {
        items::write_price(&mut sln, 6, 7, price, path)?;
    }
    items::write_ids(&mut sln, 9, 28, &line.item_ids, &line.extensions, "");
    out.push(sln.restore(&line.extensions, "").with_default(3, "I"));
    body_of(line, n9).write(out, path)
}

fn body_of(line: &OrderLine, notes_in_n9: bool) -> LineBody {
    LineBody {
        plain: false,
        notes_in_n9,
        description: line.description.clone(),
        dates: line.dates.clone(),
        references: line.references.clone(),
        notes: line.notes.clone(),
        schedule: line.schedule.clone(),
        extensions: line.extensions.clone(),
    }
}
