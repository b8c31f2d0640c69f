//! 860 Purchase Order Change Request against the canonical order change.
//!
//! BCH01 is the kind (01 cancel, 05 replace, anything else an update, the code kept when it
//! is not 04); BCH03 the PO number, BCH05 the change number, BCH06 the PO date (qualifier
//! "004") and BCH11 the change date (`Document`). Each POC loop is a line change: POC02 the
//! change code (AI add, DI cancel, QI/QD quantity, PC price, CT dates, NC unchanged, …, kept
//! in `change_code`), POC03/POC05 the quantity, POC06/POC07 the price, POC08 on the item ids.

use wharf_guest_sdk::canonical::{ChangeKind, LineChange, OrderChange, OrderLine};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::date;

use crate::codes;
use crate::common::{self, Header};
use crate::items::{self, LineBody};
use crate::order_response::po_date;
use crate::parties;
use crate::purchase_order::{
    self, document_date, expect, line_body, quantity, split_document_date,
};
use crate::reader::{Body, Place, Seg};
use crate::syntax::Segment;
use crate::writer::{Out, extension, raw_segments};

fn kind(code: &str) -> ChangeKind {
    match code {
        "01" => ChangeKind::Cancel,
        "05" => ChangeKind::Replace,
        _ => ChangeKind::Update,
    }
}

fn kind_code(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Cancel => "01",
        ChangeKind::Replace => "05",
        ChangeKind::Update => "04",
    }
}

pub fn read(segments: &[Segment], place: &Place) -> Result<OrderChange, AdapterError> {
    let mut body = Body::new(segments, place);
    let bch = expect(&mut body, "BCH", segments, place)?;
    let purpose = bch.require(1, "BCH01, the purpose,")?;
    let mut change = OrderChange {
        change_number: bch.owned(5),
        po_number: bch
            .require(3, "BCH03, the purchase order number,")?
            .to_owned(),
        kind: kind(purpose),
        revision: None,
        currency: None,
        dates: Vec::new(),
        parties: Vec::new(),
        references: Vec::new(),
        notes: Vec::new(),
        lines: Vec::new(),
        extensions: Vec::new(),
    };
    if let Some(value) = bch.date(11, None)? {
        change.dates.push(document_date(value));
    }
    if let Some(value) = bch.date(6, None)? {
        change.dates.push(po_date(value));
    }
    let mut used = vec![3, 5, 6, 11];
    if kind_code(change.kind) == purpose {
        used.push(1);
    }
    if bch.text(2) == Some("SA") {
        used.push(2);
    }
    bch.leftovers(&used, "", &mut change.extensions);
    while let Some(seg) = body.next_seg() {
        match seg.id() {
            "N1" => change
                .parties
                .push(parties::read(seg, &mut body, &mut change.extensions)?),
            "POC" => {
                let ordinal = change.lines.len();
                let line = read_line(seg, &mut body, change.currency.as_ref(), ordinal)?;
                change.lines.push(line);
            }
            "CTT" => {
                let quantities: Vec<&str> = change
                    .lines
                    .iter()
                    .map(|l| l.line.quantity.value.as_str())
                    .collect();
                purchase_order::read_ctt(
                    seg,
                    change.lines.len(),
                    &quantities,
                    &mut change.extensions,
                );
            }
            _ => {
                let mut header = Header {
                    currency: &mut change.currency,
                    dates: &mut change.dates,
                    references: &mut change.references,
                    notes: &mut change.notes,
                    payment_terms: None,
                    extensions: &mut change.extensions,
                    entity: "BY",
                };
                if !header.read(seg)? {
                    change.extensions.push(seg.raw_extension(""));
                }
            }
        }
    }
    Ok(change)
}

fn read_line(
    poc: Seg<'_>,
    body: &mut Body<'_>,
    currency: Option<&String>,
    ordinal: usize,
) -> Result<LineChange, AdapterError> {
    let mut extensions = Vec::new();
    let line_number = items::line_number(poc, ordinal, &mut extensions);
    let code = poc.require(2, "POC02, the change code,")?;
    let (quantity, mut used) = quantity(poc, 3, 5)?;
    let price = items::read_price(poc, 6, 7, &quantity.unit, currency, &mut used)?;
    let mut item_ids = Vec::new();
    used.extend(items::read_ids(poc, 8, "", &mut item_ids, &mut extensions));
    used.extend([1, 2]);
    poc.leftovers(&used, "", &mut extensions);
    let rest = line_body(body)?;
    extensions.extend(rest.extensions);
    Ok(LineChange {
        change: codes::line_change(code),
        change_code: Some(code.to_owned()),
        line: OrderLine {
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
        },
    })
}

pub fn write(change: &OrderChange) -> Result<Vec<Out>, AdapterError> {
    let mut out = Vec::new();
    let (main, dates) = split_document_date(&change.dates);
    let po_date_at = dates.iter().position(|d| date::is_order_date(d));
    let po_day = match po_date_at.and_then(|i| dates.get(i)) {
        Some(d) => common::compact(&d.value, "dates")?.0,
        None => return Err(crate::order_response::missing_order_date("BCH", 6)),
    };
    let purpose = extension(&change.extensions, "x12.BCH.01")
        .unwrap_or_else(|| kind_code(change.kind).to_owned());
    let mut bch = Out::new("BCH")
        .with(1, purpose)
        .with(3, change.po_number.clone())
        .with_opt(5, change.change_number.clone())
        .with(6, po_day);
    if let Some(d) = main {
        bch.set(11, common::compact(&d.value, "dates")?.0);
    }
    out.push(bch.restore(&change.extensions, "").with_default(2, "SA"));
    out.extend(common::write_cur(
        change.currency.as_ref(),
        &change.extensions,
        "BY",
    ));
    out.extend(change.references.iter().filter_map(common::write_ref));
    out.extend(raw_segments(&change.extensions, ""));
    for (i, dated) in dates
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != po_date_at)
    {
        out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
    }
    out.extend(change.notes.iter().flat_map(common::write_note));
    for party in &change.parties {
        parties::write(party, &change.extensions, &mut out)?;
    }
    for (i, line_change) in change.lines.iter().enumerate() {
        let path = format!("lines[{i}].line");
        let line = &line_change.line;
        let code = codes::keep_or(
            line_change.change_code.as_deref(),
            line_change.change,
            codes::line_change,
            codes::line_change_code(line_change.change),
        );
        let mut poc = Out::new("POC")
            .with(2, code)
            .with(3, line.quantity.value.clone())
            .with(5, codes::x12_unit(&line.quantity.unit));
        if !items::line_number_absent("POC", &line.extensions) {
            poc.set(1, line.line_number.clone());
        }
        if let Some(price) = &line.price {
            items::write_price(&mut poc, 6, 7, price, &path)?;
        }
        items::write_ids(&mut poc, 8, 27, &line.item_ids, &line.extensions, "");
        out.push(poc.restore(&line.extensions, ""));
        LineBody {
            plain: false,
            notes_in_n9: false,
            description: line.description.clone(),
            dates: line.dates.clone(),
            references: line.references.clone(),
            notes: line.notes.clone(),
            schedule: line.schedule.clone(),
            extensions: line.extensions.clone(),
        }
        .write(&mut out, &path)?;
    }
    let quantities: Vec<&str> = change
        .lines
        .iter()
        .map(|l| l.line.quantity.value.as_str())
        .collect();
    out.push(purchase_order::write_ctt(&quantities, &change.extensions));
    Ok(out)
}
