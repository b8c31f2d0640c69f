//! The canonical envelope from UNB/UNG/UNH, and UNA/UNB/UNH/UNT/UNZ around written messages.
//!
//! Read: standard `edifact`, version S009 0052+0054 (`D96A`), sender and receiver from UNB
//! S002/S003 in scheme `edifact:<qualifier>`, control references UNB 0020, UNG 0048, UNH 0062,
//! message type 0065, test from 0035, created from S004. The syntax identifier and the
//! association code are kept as `edifact.UNB.S001` and `edifact.UNH.0057`; whatever else the
//! service segments carry, as further `edifact.UNB.*`/`edifact.UNH.*` extensions.

use wharf_guest_sdk::canonical::{Envelope, Extension};
use wharf_guest_sdk::contract::{AdapterError, EncodeContext};
use wharf_guest_sdk::{date, error, id, text_extension};

use crate::interchange::{Interchange, Message};
use crate::reader::Seg;
use crate::settings::{Partner, Settings};
use crate::writer::{Out, render};

/// The envelope of one message of `interchange`.
pub fn read(interchange: &Interchange, message: &Message) -> Result<Envelope, AdapterError> {
    let unb = Seg::new(&interchange.unb, &message.context, message.decimal);
    let unh = Seg::new(&message.unh, &message.context, message.decimal);
    let version = format!(
        "{}{}",
        unh.get(2, 2).unwrap_or_default(),
        unh.get(2, 3).unwrap_or_default()
    );
    let mut envelope = wharf_guest_sdk::envelope("edifact", &version);
    let mut extensions: Vec<Extension> = Vec::new();
    for (element, side) in [(2, &mut envelope.sender), (3, &mut envelope.receiver)] {
        if let Some(value) = unb.get(element, 1) {
            let qualifier = unb.get(element, 2).unwrap_or("ZZZ");
            side.push(id(format!("edifact:{qualifier}"), value));
        }
    }
    let syntax: Vec<&str> = [unb.get(1, 1), unb.get(1, 2)]
        .into_iter()
        .flatten()
        .collect();
    extensions.push(text_extension("edifact.UNB.S001", syntax.join(":")));
    envelope.interchange_control = unb.string(5, 1);
    envelope.group_control = message.context.group.clone();
    envelope.message_control = unh.string(1, 1);
    envelope.message_type = unh.string(2, 1);
    unh.get(2, 4);
    if let Some(code) = unh.get(2, 5) {
        extensions.push(text_extension("edifact.UNH.0057", code));
    }
    envelope.test = unb.get(11, 1) == Some("1");
    envelope.created = created(&unb)?;
    unb.leftovers("edifact.UNB", &mut extensions);
    unh.leftovers("edifact.UNH", &mut extensions);
    if let Some(ung) = &message.group {
        extensions.push(crate::reader::raw_extension(ung));
    }
    envelope.extensions = extensions;
    Ok(envelope)
}

/// UNB S004 as ISO 8601; six-digit years are read in a window around 2000 (70-99 → 19xx),
/// since interchanges from the last century are still archived and replayed.
fn created(unb: &Seg<'_>) -> Result<Option<String>, AdapterError> {
    let Some(day) = unb.get(4, 1) else {
        return Ok(None);
    };
    let full = match day.len() {
        6 if day.bytes().all(|b| b.is_ascii_digit()) => {
            let century = if day.as_bytes()[0] >= b'7' {
                "19"
            } else {
                "20"
            };
            format!("{century}{day}")
        }
        _ => day.to_owned(),
    };
    date::from_compact(&full, unb.get(4, 2))
        .map(Some)
        .map_err(|e| unb.error(error::validation(e.to_string()), 4, 1))
}

/// What to write around one message.
pub struct Frame<'a> {
    pub settings: &'a Settings,
    pub sender: &'a Partner,
    pub receiver: &'a Partner,
    pub message_type: &'a str,
    /// S009 version and release, (`D`, `96A`); CONTRL uses its own.
    pub version: (&'a str, &'a str),
    pub association_code: Option<&'a str>,
    pub test: bool,
}

/// UNA, UNB, UNH, `body`, UNT and UNZ as wire bytes, and the envelope of what was written.
pub fn write(
    frame: &Frame<'_>,
    context: &EncodeContext,
    body: Vec<Out>,
) -> Result<(Vec<u8>, Envelope), AdapterError> {
    let settings = frame.settings;
    let reference = context.control_number.as_str();
    if reference.is_empty() || reference.len() > 14 {
        return Err(error::validation(format!(
            "control number {reference:?} does not fit UNB 0020 (1 to 14 characters)"
        )));
    }
    let (day, time) = date::to_compact(&context.timestamp)
        .map_err(|e| error::validation(format!("the host's timestamp: {e}")))?;
    let day = if settings.syntax.1 == "4" {
        day
    } else {
        day[2..].to_owned()
    };
    let time = time.map(|t| t[..4].to_owned()).unwrap_or_default();
    let syntax = [settings.syntax.0.as_str(), settings.syntax.1.as_str()];
    let mut unb = Out::new("UNB")
        .el(&syntax)
        .el(&[frame.sender.id.as_str(), frame.sender.qualifier.as_str()])
        .el(&[
            frame.receiver.id.as_str(),
            frame.receiver.qualifier.as_str(),
        ])
        .el(&[day.as_str(), time.as_str()])
        .el(&[reference]);
    if frame.test {
        unb.set(11, 1, "1");
    }
    let mut s009 = vec![
        frame.message_type,
        frame.version.0,
        frame.version.1,
        settings.agency.as_str(),
    ];
    if let Some(code) = frame.association_code {
        s009.push(code);
    }
    let unh = Out::new("UNH").el(&[reference]).el(&s009);
    let count = (body.len() + 2).to_string();
    let mut segments = Vec::with_capacity(body.len() + 4);
    segments.push(unb);
    segments.push(unh);
    segments.extend(body);
    segments.push(Out::new("UNT").el(&[count.as_str()]).el(&[reference]));
    segments.push(Out::new("UNZ").el(&["1"]).el(&[reference]));
    let mut bytes = Vec::new();
    if settings.write_una {
        bytes.extend_from_slice(settings.separators.una().as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend(render(&segments, &settings.separators, settings.charset)?);
    let mut envelope = wharf_guest_sdk::envelope(
        "edifact",
        &format!("{}{}", frame.version.0, frame.version.1),
    );
    envelope.sender = vec![id(
        format!("edifact:{}", frame.sender.qualifier),
        frame.sender.id.clone(),
    )];
    envelope.receiver = vec![id(
        format!("edifact:{}", frame.receiver.qualifier),
        frame.receiver.id.clone(),
    )];
    envelope.interchange_control = Some(reference.to_owned());
    envelope.message_control = Some(reference.to_owned());
    envelope.message_type = Some(frame.message_type.to_owned());
    envelope.test = frame.test;
    envelope.created = Some(context.timestamp.clone());
    envelope.extensions = vec![text_extension("edifact.UNB.S001", syntax.join(":"))];
    if let Some(code) = frame.association_code {
        envelope
            .extensions
            .push(text_extension("edifact.UNH.0057", code));
    }
    Ok((bytes, envelope))
}
