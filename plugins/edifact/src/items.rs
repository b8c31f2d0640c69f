//! The line item group every message shares: LIN with its PIA, IMD, QTY, PRI, DTM, RFF, FTX,
//! MOA and CUX, read into a [`Line`] the message then maps ([`read_lines`] reads a message's
//! whole detail section so); and the writing of LIN, PIA, IMD, QTY and PRI.
//!
//! LIN 1082 is the line number as written; LIN C212 and each PIA C212 give item ids through
//! [`codes::item_scheme`] (a GTIN is written in LIN, everything else in PIA); IMD C273 texts
//! are the description; PRI AAA (else AAB) is the price, `basis` only for a unit price basis
//! other than 1. Segments the message maps itself (TAX, ALC, GIN, ...) are handed back in
//! [`Line::rest`]; unused elements stay as `edifact.<SEG>[..].<tag>` line extensions.

use wharf_guest_sdk::canonical::{
    Dated, Extension, Identifier, Note, Price, Quantity, ScheduleLine,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id, log};

use crate::codes;
use crate::common::{chunks, read_currency, read_date, read_note, read_reference, seg};
use crate::interchange::{Message, Segment};
use crate::writer::{Kept, Out, number};

/// A line item group as read.
pub struct Line<'a> {
    pub lin: &'a Segment,
    pub number: String,
    /// LIN 1229, the action requested or taken.
    pub action: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub description: Option<String>,
    /// QTY by 6063 qualifier.
    pub quantities: Vec<(String, Quantity)>,
    pub price: Option<Price>,
    pub dates: Vec<Dated>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub schedule: Vec<ScheduleLine>,
    pub extensions: Vec<Extension>,
    pub rest: Vec<&'a Segment>,
}

impl Line<'_> {
    /// A reference's value by RFF qualifier, taken out of the references.
    pub fn take_reference(&mut self, qualifier: &str) -> Option<String> {
        let scheme = crate::common::reference_scheme(qualifier);
        let at = self.references.iter().position(|r| r.scheme == scheme)?;
        Some(self.references.remove(at).value)
    }
}

/// Whether a segment ends the line group that precedes it.
pub fn ends_line(tag: &str) -> bool {
    matches!(tag, "LIN" | "UNS" | "CPS" | "CNT")
}

/// Reads the detail section of `message`, from body index `from` to its UNS (or the end): each
/// LIN group through [`read`], handed to `map` as it is read; a segment between groups that
/// opens none is kept as a raw extension. Returns the mapped lines and the index the section
/// ended at, where the summary begins. Every message with line items reads them so.
pub fn read_lines<'a, T>(
    message: &'a Message,
    from: usize,
    currency: Option<&str>,
    extensions: &mut Vec<Extension>,
    mut map: impl FnMut(Line<'a>) -> Result<T, AdapterError>,
) -> Result<(Vec<T>, usize), AdapterError> {
    let mut lines = Vec::new();
    let mut at = from;
    while let Some(segment) = message.body.get(at) {
        match segment.tag.as_str() {
            "UNS" => break,
            "LIN" => {
                let (line, taken) = read(message, &message.body[at..], currency)?;
                lines.push(map(line)?);
                at += taken;
            }
            _ => {
                extensions.push(crate::reader::raw_extension(segment));
                at += 1;
            }
        }
    }
    Ok((lines, at))
}

/// Reads the line group opening at `segments[0]` (a LIN); returns it and its length.
pub fn read<'a>(
    message: &'a Message,
    segments: &'a [Segment],
    currency: Option<&str>,
) -> Result<(Line<'a>, usize), AdapterError> {
    let Some(lin_segment) = segments.first() else {
        return Err(error::syntax("expected LIN"));
    };
    let lin = seg(message, lin_segment);
    let number = lin.require(1, 1, "line item number (1082)")?.to_owned();
    let mut line = Line {
        lin: lin_segment,
        number,
        action: lin.string(2, 1),
        item_ids: Vec::new(),
        description: None,
        quantities: Vec::new(),
        price: None,
        dates: Vec::new(),
        references: Vec::new(),
        notes: Vec::new(),
        schedule: Vec::new(),
        extensions: Vec::new(),
        rest: Vec::new(),
    };
    if let Some(value) = lin.get(3, 1) {
        line.item_ids
            .push(id(codes::item_scheme(lin.get(3, 2)), value));
    }
    lin.leftovers("edifact.LIN", &mut line.extensions);
    let mut descriptions: Vec<&str> = Vec::new();
    let (mut pia_count, mut imd_count) = (0, 0);
    let mut line_currency: Option<String> = None;
    let mut length = 1;
    let mut in_schedule = false;
    for segment in &segments[1..] {
        if ends_line(&segment.tag) {
            break;
        }
        length += 1;
        let s = seg(message, segment);
        in_schedule &= matches!(segment.tag.as_str(), "QTY" | "DTM");
        if in_schedule {
            read_schedule(&s, &mut line.schedule, &mut line.extensions)?;
            continue;
        }
        let prefix = match segment.tag.as_str() {
            "SCC" if segment.text(1, 1) == Some("1") => {
                in_schedule = true;
                continue;
            }
            "PIA" => {
                pia_count += 1;
                s.get(1, 1);
                for e in 2..=6 {
                    if let Some(value) = s.get(e, 1) {
                        line.item_ids
                            .push(id(codes::item_scheme(s.get(e, 2)), value));
                    }
                }
                format!("edifact.PIA[{pia_count}]")
            }
            "IMD" => {
                imd_count += 1;
                let texts: Vec<&str> = [s.get(3, 4), s.get(3, 5)].into_iter().flatten().collect();
                if texts.is_empty() {
                    line.extensions.push(crate::reader::raw_extension(segment));
                    continue;
                }
                s.get(1, 1);
                descriptions.extend(texts);
                format!("edifact.IMD[{imd_count}]")
            }
            "QTY" => {
                let qualifier = s.require(1, 1, "quantity qualifier (6063)")?;
                let value = s.require_decimal(1, 2, "quantity (6060)")?;
                let unit = s.get(1, 3).unwrap_or("C62");
                line.quantities.push((
                    qualifier.to_owned(),
                    Quantity {
                        value,
                        unit: unit.to_owned(),
                    },
                ));
                format!("edifact.QTY[{qualifier}]")
            }
            "PRI"
                if line.price.is_none() && matches!(s.segment.text(1, 1), Some("AAA" | "AAB")) =>
            {
                let qualifier = s.require(1, 1, "price qualifier (5125)")?;
                let amount = s.require_decimal(1, 2, "price (5118)")?;
                let basis = match s.decimal(1, 5)? {
                    Some(b) if b != "1" => Some(Quantity {
                        value: b,
                        unit: s
                            .get(1, 6)
                            .map(str::to_owned)
                            .or_else(|| line.quantities.first().map(|(_, q)| q.unit.clone()))
                            .unwrap_or_else(|| "C62".to_owned()),
                    }),
                    _ => None,
                };
                line.price = Some(Price {
                    amount,
                    currency: None,
                    basis,
                });
                format!("edifact.PRI[{qualifier}]")
            }
            "DTM" => {
                read_date(&s, &mut line.dates, &mut line.extensions)?;
                format!("edifact.DTM[{}]", s.get(1, 1).unwrap_or_default())
            }
            "RFF" => {
                line.references.push(read_reference(&s)?);
                format!("edifact.RFF[{}]", s.get(1, 1).unwrap_or_default())
            }
            "FTX" => {
                line.notes.push(read_note(&s));
                format!("edifact.FTX[{}]", s.get(1, 1).unwrap_or_default())
            }
            "CUX" if line_currency.is_none() => {
                line_currency = read_currency(&s);
                "edifact.CUX".to_owned()
            }
            _ => {
                line.rest.push(segment);
                continue;
            }
        };
        s.leftovers(&prefix, &mut line.extensions);
    }
    if !descriptions.is_empty() {
        line.description = Some(descriptions.join(" "));
    }
    if let Some(price) = &mut line.price {
        price.currency = line_currency.or_else(|| currency.map(str::to_owned));
    }
    Ok((line, length))
}

/// A QTY or DTM after SCC+1: a scheduled quantity opens a schedule line, a date belongs to
/// the last one.
fn read_schedule(
    s: &crate::reader::Seg<'_>,
    schedule: &mut Vec<ScheduleLine>,
    extensions: &mut Vec<Extension>,
) -> Result<(), AdapterError> {
    if s.tag() == "QTY" {
        s.get(1, 1);
        let value = s.require_decimal(1, 2, "quantity (6060)")?;
        let unit = s.get(1, 3).unwrap_or("C62").to_owned();
        schedule.push(ScheduleLine {
            quantity: Quantity { value, unit },
            dates: Vec::new(),
        });
        s.leftovers("edifact.SCC.QTY", extensions);
        return Ok(());
    }
    let Some(last) = schedule.last_mut() else {
        return Err(s.segment_error(error::validation(
            "a delivery schedule (SCC) gives a date before any quantity",
        )));
    };
    read_date(s, &mut last.dates, extensions)
}

/// SCC+1 and, per schedule line, QTY+21 and its DTM segments.
pub fn write_schedule(
    schedule: &[ScheduleLine],
    mark: char,
    kept: &mut Kept,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    if schedule.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = vec![Out::new("SCC").el(&["1"])];
    for (i, line) in schedule.iter().enumerate() {
        let at = format!("{path}[{}]", i + 1);
        let value = number(&line.quantity.value, mark, &format!("{at}.quantity"))?;
        out.push(Out::new("QTY").el(&["21", value.as_str(), line.quantity.unit.as_str()]));
        out.extend(crate::common::write_dates(
            &line.dates,
            kept,
            &format!("{at}.dates"),
        )?);
    }
    Ok(out)
}

/// LIN, PIA and IMD for a line: the first GTIN in LIN, every other id in its own PIA, the
/// description in IMD segments of two 35-character texts.
pub fn write_item(
    number_text: &str,
    action: Option<&str>,
    item_ids: &[Identifier],
    description: Option<&str>,
    kept: &mut Kept,
) -> Vec<Out> {
    let gtin = item_ids.iter().position(|i| i.scheme == "gtin");
    let mut lin = Out::new("LIN").el(&[number_text]).opt(action);
    if let Some(at) = gtin {
        lin = lin.el(&[item_ids[at].value.as_str(), "EN"]);
    }
    kept.restore("edifact.LIN", &mut lin);
    let mut out = vec![lin];
    let function = if gtin.is_some() { "1" } else { "5" };
    let mut written = 0;
    for (i, item) in item_ids.iter().enumerate() {
        if Some(i) == gtin {
            continue;
        }
        let Some(kind) = codes::item_kind(&item.scheme) else {
            log::warn(&format!(
                "item id scheme {} has no EDIFACT code; not written",
                item.scheme
            ));
            continue;
        };
        written += 1;
        let mut pia = Out::new("PIA")
            .el(&[function])
            .el(&[item.value.as_str(), kind]);
        kept.restore(&format!("edifact.PIA[{written}]"), &mut pia);
        out.push(pia);
    }
    if let Some(text) = description {
        for (i, pair) in chunks(text, 35).chunks(2).enumerate() {
            let mut c273 = vec![String::new(), String::new(), String::new()];
            c273.extend(pair.iter().cloned());
            let mut imd = Out::new("IMD").el(&["F"]).el(&[""]).el(&c273);
            kept.restore(&format!("edifact.IMD[{}]", i + 1), &mut imd);
            out.push(imd);
        }
    }
    out
}

/// QTY+<qualifier>:<value>:<unit>.
pub fn write_quantity(
    qualifier: &str,
    quantity: &Quantity,
    mark: char,
    kept: &mut Kept,
    path: &str,
) -> Result<Out, AdapterError> {
    let value = number(&quantity.value, mark, path)?;
    let mut qty = Out::new("QTY").el(&[qualifier, value.as_str(), quantity.unit.as_str()]);
    kept.restore(&format!("edifact.QTY[{qualifier}]"), &mut qty);
    Ok(qty)
}

/// PRI+AAA:<amount>, with the unit price basis when the price is for another quantity than
/// one, and a CUX when the price is in another currency than the document.
pub fn write_price(
    price: &Price,
    document_currency: Option<&str>,
    mark: char,
    kept: &mut Kept,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let amount = number(&price.amount, mark, &format!("{path}.amount"))?;
    let mut c509 = vec![String::from("AAA"), amount];
    if let Some(basis) = &price.basis {
        let value = number(&basis.value, mark, &format!("{path}.basis"))?;
        c509.extend([String::new(), String::new(), value, basis.unit.clone()]);
    }
    let mut pri = Out::new("PRI").el(&c509);
    kept.restore("edifact.PRI[AAA]", &mut pri);
    let mut out = vec![pri];
    if let Some(currency) = price
        .currency
        .as_deref()
        .filter(|c| Some(*c) != document_currency)
    {
        out.push(Out::new("CUX").el(&["2", currency, "9"]));
    }
    Ok(out)
}
