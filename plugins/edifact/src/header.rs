//! The heading and summary sections every message shares.
//!
//! [`read`] takes BGM and the segments up to the first LIN (or CPS, or UNS): DTM dates, RFF
//! references, the NAD groups, FTX notes (FTX+AAB is the payment terms), CUX; what a message
//! maps itself (TDT, MEA, ALC, TAX, ...) is handed back in [`Header::rest`]. [`read_summary`]
//! takes what follows UNS: MOA totals, TAX and ALC groups are handed back. [`write_bgm`] and
//! [`write_common`] write them back in the directory's order.

use wharf_guest_sdk::canonical::{Dated, Extension, Identifier, Note, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::common::{
    read_currency, read_date, read_note, read_reference, seg, write_currency, write_dates,
    write_notes, write_references,
};
use crate::interchange::{Message, Segment};
use crate::items::ends_line;
use crate::parties;
use crate::reader::raw_extension;
use crate::writer::{Kept, Out};

/// The beginning of message and everything before the first line.
pub struct Header<'a> {
    /// BGM C002 1001, the document name code (220 order, 351 despatch advice, 380 invoice).
    pub code: Option<String>,
    /// BGM C106 1004, the document number.
    pub number: Option<String>,
    /// BGM 1225, the message function (9 original, 5 replace; ORDRSP's response code).
    pub function: Option<String>,
    pub dates: Vec<Dated>,
    pub references: Vec<Identifier>,
    pub parties: Vec<Party>,
    pub notes: Vec<Note>,
    pub payment_terms: Option<String>,
    pub currency: Option<String>,
    pub extensions: Vec<Extension>,
    pub rest: Vec<&'a Segment>,
    /// How many body segments the header took.
    pub length: usize,
}

impl Header<'_> {
    /// Keeps a message function other than 9 (original) for messages that do not map it.
    pub fn keep_function(&mut self) {
        if let Some(function) = self.function.as_deref().filter(|f| *f != "9") {
            let kept = wharf_guest_sdk::text_extension("edifact.BGM.1225", function);
            self.extensions.insert(0, kept);
        }
    }

    /// A reference's value by RFF qualifier, taken out of the references.
    pub fn take_reference(&mut self, qualifier: &str) -> Option<String> {
        let scheme = crate::common::reference_scheme(qualifier);
        let at = self.references.iter().position(|r| r.scheme == scheme)?;
        Some(self.references.remove(at).value)
    }
}

/// Reads BGM and the heading section of `message`.
pub fn read(message: &Message) -> Result<Header<'_>, AdapterError> {
    let body = &message.body;
    let Some(first) = body.first().filter(|s| s.tag == "BGM") else {
        let err = error::validation("a message starts with BGM after UNH");
        return Err(match body.first() {
            Some(segment) => err.at_segment(message.context.locate(segment, None, None)),
            None => err.at_segment(message.context.locate(&message.unh, None, None)),
        });
    };
    let bgm = seg(message, first);
    let mut header = Header {
        code: bgm.string(1, 1),
        number: bgm.string(2, 1),
        function: None,
        dates: Vec::new(),
        references: Vec::new(),
        parties: Vec::new(),
        notes: Vec::new(),
        payment_terms: None,
        currency: None,
        extensions: Vec::new(),
        rest: Vec::new(),
        length: 1,
    };
    header.function = bgm.string(3, 1);
    bgm.leftovers("edifact.BGM", &mut header.extensions);
    let mut at = 1;
    while let Some(segment) = body.get(at) {
        if ends_line(&segment.tag) {
            break;
        }
        let s = seg(message, segment);
        match segment.tag.as_str() {
            "DTM" => read_date(&s, &mut header.dates, &mut header.extensions)?,
            "RFF" => header.references.push(read_reference(&s)?),
            "FTX" if segment.text(1, 1) == Some("AAB") && header.payment_terms.is_none() => {
                header.payment_terms = Some(read_note(&s).text);
            }
            "FTX" => header.notes.push(read_note(&s)),
            "CUX" if header.currency.is_none() => header.currency = read_currency(&s),
            "NAD" => {
                let (party, taken) = parties::read(message, &body[at..], &mut header.extensions)?;
                header.parties.push(party);
                at += taken;
                continue;
            }
            _ => {
                header.rest.push(segment);
                at += 1;
                continue;
            }
        }
        let key = match segment.tag.as_str() {
            "CUX" => "edifact.CUX".to_owned(),
            tag => format!("edifact.{tag}[{}]", segment.text(1, 1).unwrap_or_default()),
        };
        s.leftovers(&key, &mut header.extensions);
        at += 1;
    }
    header.length = at;
    Ok(header)
}

/// The segments of the summary section starting at `body[at]`, without UNS and without
/// CNT+2 (the line count, which the writer recomputes).
pub fn read_summary(message: &Message, at: usize) -> Vec<&Segment> {
    message
        .body
        .iter()
        .skip(at)
        .filter(|s| s.tag != "UNS" && !(s.tag == "CNT" && s.text(1, 1) == Some("2")))
        .collect()
}

/// Takes the first MOA with qualifier `qualifier` out of `segments` as a canonical decimal
/// (and its currency, when it gives one).
pub fn take_amount(
    message: &Message,
    segments: &mut Vec<&Segment>,
    qualifier: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Option<(String, Option<String>)>, AdapterError> {
    let Some(at) = segments
        .iter()
        .position(|s| s.tag == "MOA" && s.text(1, 1) == Some(qualifier))
    else {
        return Ok(None);
    };
    let segment = segments.remove(at);
    let s = seg(message, segment);
    s.get(1, 1);
    let amount = s.require_decimal(1, 2, "amount (5004)")?;
    let currency = s.string(1, 3);
    s.leftovers(&format!("edifact.MOA[{qualifier}]"), extensions);
    Ok(Some((amount, currency)))
}

/// Keeps every segment in `segments` whole as an extension.
pub fn keep_all(segments: &[&Segment], extensions: &mut Vec<Extension>) {
    extensions.extend(segments.iter().map(|s| raw_extension(s)));
}

/// BGM+<code>+<number>+<function>; without a function of its own, the kept one or 9.
pub fn write_bgm(code: &str, number: &str, function: Option<&str>, kept: &mut Kept) -> Out {
    let function = match function {
        Some(f) => f.to_owned(),
        None => kept
            .take("edifact.BGM.1225")
            .unwrap_or_else(|| "9".to_owned()),
    };
    let mut bgm = Out::new("BGM")
        .el(&[code])
        .el(&[number])
        .el(&[function.as_str()]);
    kept.restore("edifact.BGM", &mut bgm);
    bgm
}

/// What every heading section writes after BGM, in the directory's order: DTM, FTX, RFF,
/// NAD groups, CUX.
pub struct Common<'a> {
    pub dates: &'a [Dated],
    pub notes: &'a [Note],
    pub payment_terms: Option<&'a str>,
    pub references: &'a [Identifier],
    pub parties: &'a [Party],
    pub currency: Option<&'a str>,
}

pub fn write_common(common: &Common<'_>, kept: &mut Kept) -> Result<Vec<Out>, AdapterError> {
    let mut out = write_dates(common.dates, kept, "dates")?;
    out.extend(write_notes(common.notes));
    if let Some(terms) = common.payment_terms {
        out.extend(write_notes(&[Note {
            kind: Some("AAB".to_owned()),
            text: terms.to_owned(),
        }]));
    }
    out.extend(write_references(common.references));
    for (i, party) in common.parties.iter().enumerate() {
        out.extend(parties::write(party, kept, &format!("parties[{}]", i + 1))?);
    }
    if let Some(cux) = write_currency(common.currency) {
        out.push(cux);
    }
    Ok(out)
}
