//! ORDRSP, the order response, to and from a canonical order response.
//!
//! BGM 1004 is the response number, BGM 1225 the response (29 accepted, 4 accepted with
//! changes, 27 rejected, anything else pending) kept as `status_code`; RFF+ON names the order,
//! RFF+PP (purchase order change number) the order change a response answers.
//! Each LIN is a line response: LIN 1229 gives its status (5 accepted, 3/6/1 changed,
//! 7 rejected, 2 deleted, 4 pending; a QTY+83 backorder quantity makes it backordered) and is
//! kept as the line's `status_code`. QTY+113 (else 21) is the confirmed quantity.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, LineResponse, LineStatus, OrderResponse, ResponseStatus,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::common::{write_dates, write_notes};
use crate::header::{self, Common, keep_all, read_summary, write_bgm, write_common};
use crate::interchange::Message;
use crate::items::{self, write_item, write_price, write_quantity};
use crate::reader::CANONICAL;
use crate::writer::{Kept, Out};

/// RFF 1153 of the purchase order change number a response answers.
const CHANGE_NUMBER: &str = "PP";

fn response_status(code: Option<&str>) -> ResponseStatus {
    match code {
        Some("29") => ResponseStatus::Accepted,
        Some("4" | "3") => ResponseStatus::AcceptedWithChanges,
        Some("27") => ResponseStatus::Rejected,
        _ => ResponseStatus::Pending,
    }
}

fn response_code(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::Accepted => "29",
        ResponseStatus::AcceptedWithChanges => "4",
        ResponseStatus::Rejected => "27",
        ResponseStatus::Pending => "12",
    }
}

fn line_status(code: Option<&str>, backordered: bool) -> LineStatus {
    match code {
        Some("7") => LineStatus::Rejected,
        Some("2") => LineStatus::Deleted,
        _ if backordered => LineStatus::Backordered,
        Some("3" | "6" | "1") => LineStatus::Changed,
        Some("4") => LineStatus::Pending,
        _ => LineStatus::Accepted,
    }
}

fn line_code(status: LineStatus) -> &'static str {
    match status {
        LineStatus::Accepted => "5",
        LineStatus::Changed | LineStatus::Backordered => "3",
        LineStatus::Rejected => "7",
        LineStatus::Deleted => "2",
        LineStatus::Pending => "4",
    }
}

/// Whether a source's status code can be an EDIFACT 1225 or 1229 code, which are one- or
/// two-digit numbers: the code kept from another standard (X12 `AC`, SAP `004`, cXML
/// `accept`) is not written as one, even where it happens to read as the same status.
fn is_edifact_code(code: &str) -> bool {
    (1..=2).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an ORDRSP message.
pub fn read(message: &Message) -> Result<OrderResponse, AdapterError> {
    let mut header = header::read(message)?;
    let Some(po_number) = header.take_reference("ON") else {
        let bgm = &message.body[0];
        return Err(error::validation("ORDRSP names no order (RFF+ON)")
            .at_segment(message.context.locate(bgm, None, None)));
    };
    let mut extensions = std::mem::take(&mut header.extensions);
    keep_all(&header.rest, &mut extensions);
    let currency = header.currency.clone();
    let (lines, at) = items::read_lines(
        message,
        header.length,
        currency.as_deref(),
        &mut extensions,
        |line| Ok(line_response(line)),
    )?;
    let summary = read_summary(message, at);
    keep_all(&summary, &mut extensions);
    Ok(OrderResponse {
        response_number: header.number.clone(),
        po_number,
        change_number: header.take_reference(CHANGE_NUMBER),
        status: response_status(header.function.as_deref()),
        status_code: header.function.clone(),
        currency,
        dates: promised(header.dates),
        parties: header.parties,
        references: header.references,
        notes: header.notes,
        lines,
        extensions,
    })
}

/// A response's DTM+11 is the despatch date the supplier commits to: 2005 code 11 is the date
/// on which goods "are or are expected to be despatched", and a response is written before
/// despatch, so it is a promised ship date here (in a DESADV or INVOIC it is the actual one).
fn promised(mut dates: Vec<Dated>) -> Vec<Dated> {
    for date in &mut dates {
        if date.kind == DateKind::Shipped && date.qualifier.as_deref() == Some("11") {
            date.kind = DateKind::PromisedShip;
        }
    }
    dates
}

fn line_response(mut line: items::Line<'_>) -> LineResponse {
    let backordered = line.quantities.iter().any(|(q, _)| q == "83");
    let status = line_status(line.action.as_deref(), backordered);
    let wanted: &[&str] = if status == LineStatus::Backordered {
        &["83"]
    } else {
        &["113", "21"]
    };
    let chosen = wanted
        .iter()
        .find_map(|w| line.quantities.iter().position(|(q, _)| q == w));
    let quantity = chosen.map(|at| line.quantities.remove(at).1);
    let mut extensions = std::mem::take(&mut line.extensions);
    for (qualifier, other) in &line.quantities {
        let kept = format!("{qualifier}:{}:{}", other.value, other.unit);
        extensions.push(wharf_guest_sdk::text_extension("edifact.QTY", kept));
    }
    keep_all(&line.rest, &mut extensions);
    // A line response has no description or references of its own: they are kept as the
    // segments they came in.
    if let Some(description) = &line.description {
        let text = format!("F++:::{}", CANONICAL.escape(description));
        extensions.push(wharf_guest_sdk::text_extension("edifact.IMD", text));
    }
    for reference in &line.references {
        let qualifier =
            crate::common::reference_qualifier(&reference.scheme).unwrap_or(&reference.scheme);
        let text = format!("{qualifier}:{}", CANONICAL.escape(&reference.value));
        extensions.push(wharf_guest_sdk::text_extension("edifact.RFF", text));
    }
    LineResponse {
        line_number: line.number,
        status,
        status_code: line.action,
        item_ids: line.item_ids,
        quantity,
        price: line.price,
        dates: promised(line.dates),
        notes: line.notes,
        extensions,
    }
}

/// Writes an order response as the body of an ORDRSP message (BGM to CNT).
pub fn write(response: &OrderResponse, mark: char) -> Result<Vec<Out>, AdapterError> {
    if response.po_number.is_empty() {
        return Err(
            error::validation("an ORDRSP must name the order it answers").at_xml("po_number"),
        );
    }
    let mut kept = Kept::new(&response.extensions);
    let code = response
        .status_code
        .as_deref()
        .filter(|c| is_edifact_code(c) && response_status(Some(c)) == response.status)
        .unwrap_or(response_code(response.status));
    let number = response.response_number.as_deref().unwrap_or_default();
    let mut out = vec![write_bgm("231", number, Some(code), &mut kept)];
    let mut references = vec![wharf_guest_sdk::id(
        "edifact:ON",
        response.po_number.clone(),
    )];
    references.extend(
        response
            .change_number
            .iter()
            .map(|n| wharf_guest_sdk::id(format!("edifact:{CHANGE_NUMBER}"), n.clone())),
    );
    references.extend(response.references.iter().cloned());
    out.extend(write_common(
        &Common {
            dates: &response.dates,
            notes: &response.notes,
            payment_terms: None,
            references: &references,
            parties: &response.parties,
            currency: response.currency.as_deref(),
        },
        &mut kept,
    )?);
    out.extend(kept.raw_segments());
    for (i, line) in response.lines.iter().enumerate() {
        let path = format!("lines[{}]", i + 1);
        let mut kept = Kept::new(&line.extensions);
        let backordered = line.status == LineStatus::Backordered;
        let action = line
            .status_code
            .as_deref()
            .filter(|c| is_edifact_code(c) && line_status(Some(c), backordered) == line.status)
            .unwrap_or(line_code(line.status));
        out.extend(write_item(
            &line.line_number,
            Some(action),
            &line.item_ids,
            None,
            &mut kept,
        ));
        if let Some(quantity) = &line.quantity {
            let qualifier = if line.status == LineStatus::Backordered {
                "83"
            } else {
                "113"
            };
            out.push(write_quantity(
                qualifier,
                quantity,
                mark,
                &mut kept,
                &format!("{path}.quantity"),
            )?);
        }
        out.extend(write_dates(
            &line.dates,
            &mut kept,
            &format!("{path}.dates"),
        )?);
        out.extend(write_notes(&line.notes));
        if let Some(price) = &line.price {
            out.extend(write_price(
                price,
                response.currency.as_deref(),
                mark,
                &mut kept,
                &format!("{path}.price"),
            )?);
        }
        out.extend(kept.raw_segments());
    }
    out.push(Out::new("UNS").el(&["S"]));
    out.push(Out::new("CNT").el(&["2", &response.lines.len().to_string()]));
    Ok(out)
}
