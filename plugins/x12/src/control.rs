//! ISA, GS and ST against the canonical envelope: [`read`] turns an interchange's headers into
//! the [`Envelope`] of each document; [`frame`] writes the headers and trailers around a
//! transaction set with the host's control number and reads the written headers back, so the
//! envelope reported for an encode is exactly what a decode of the output would give.

use wharf_guest_sdk::canonical::Envelope;
use wharf_guest_sdk::contract::{AdapterError, EncodeContext, SegmentLocation};
use wharf_guest_sdk::{date, error, id};

use crate::envelope::{self, Checks, Group, Interchange, Transaction};
use crate::reader::text_extension;
use crate::settings::Settings;
use crate::syntax;
use crate::writer::{Out, Writer};

/// GS01, the functional identifier code of each transaction set this adapter writes.
pub fn functional_id(set_id: &str) -> &'static str {
    match set_id {
        "850" => "PO",
        "855" => "PR",
        "856" => "SH",
        "860" => "PC",
        "865" => "CA",
        "810" => "IN",
        "842" => "NC",
        _ => "FA",
    }
}

fn gs_error(group: &Group, interchange: &str, element: u32, message: String) -> AdapterError {
    error::validation(message).at_segment(SegmentLocation {
        interchange: Some(interchange.to_owned()),
        group: Some(group.control().to_owned()),
        message: None,
        message_type: None,
        position: group.gs.file_position,
        segment_id: "GS".to_owned(),
        element: Some(element),
        component: None,
    })
}

/// Checks GS08 names an X12 version; the mapping does not differ between 003xxx and 005xxx
/// for the segments read here, but anything else is not X12 this adapter knows.
pub fn check_version(interchange: &Interchange, group: &Group) -> Result<(), AdapterError> {
    let version = version_of(interchange, group);
    let known = version.get(..6).is_some_and(|v| {
        v.bytes().all(|b| b.is_ascii_digit()) && ("003000".."008000").contains(&v)
    });
    if known {
        return Ok(());
    }
    Err(error::unsupported(format!(
        "X12 version {version:?} is not supported; the adapter reads 003xxx to 007xxx \
         (004010, 004060, 005010, …)"
    ))
    .at_segment(SegmentLocation {
        interchange: Some(interchange.control().to_owned()),
        group: Some(group.control().to_owned()),
        message: None,
        message_type: None,
        position: group.gs.file_position,
        segment_id: "GS".to_owned(),
        element: Some(8),
        component: None,
    }))
}

/// GS08, or ISA12 when a group does not say.
pub fn version_of(interchange: &Interchange, group: &Group) -> String {
    let gs08 = group.gs.raw(8).trim();
    if gs08.is_empty() {
        interchange.isa.raw(12).trim().to_owned()
    } else {
        gs08.to_owned()
    }
}

/// The canonical envelope of transaction set `transaction`.
pub fn read(
    interchange: &Interchange,
    group: &Group,
    transaction: &Transaction,
) -> Result<Envelope, AdapterError> {
    let isa = &interchange.isa;
    let gs = &group.gs;
    let mut envelope = wharf_guest_sdk::envelope("x12", &version_of(interchange, group));
    for (ids, qualifier, value) in [(&mut envelope.sender, 5, 6), (&mut envelope.receiver, 7, 8)] {
        let value = isa.raw(value).trim();
        if !value.is_empty() {
            ids.push(id(format!("x12:{}", isa.raw(qualifier).trim()), value));
        }
    }
    envelope.interchange_control = Some(interchange.control().to_owned());
    envelope.group_control = Some(group.control().to_owned());
    envelope.message_control = Some(transaction.control().to_owned());
    envelope.message_type = Some(transaction.set_id().to_owned());
    envelope.test = isa.raw(15).trim() == "T";
    let day = gs.raw(4).trim();
    if !day.is_empty() {
        let time = Some(gs.raw(5).trim()).filter(|t| !t.is_empty());
        let created = date::from_compact(&crate::reader::with_century(day), time).map_err(|e| {
            let element = if time == Some(e.text.as_str()) { 5 } else { 4 };
            gs_error(
                group,
                interchange.control(),
                element,
                format!("{:?} is not a valid date: {}", e.text, e.reason),
            )
        })?;
        envelope.created = Some(created);
    }
    for n in [1, 2, 3] {
        let value = gs.raw(n).trim();
        if !value.is_empty() {
            envelope
                .extensions
                .push(text_extension(format!("x12.GS{n:02}"), value));
        }
    }
    Ok(envelope)
}

/// ISA13 and GS06 from the host's control number: one to nine digits.
fn control_numbers(context: &EncodeContext) -> Result<(String, String, String), AdapterError> {
    let number = context.control_number.trim();
    if number.is_empty() || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error::validation(format!(
            "control number {:?} does not fit ISA13 (one to nine digits)",
            context.control_number
        )));
    }
    Ok((
        format!("{number:0>9}"),
        number.to_owned(),
        format!("{number:0>4}"),
    ))
}

fn pad(value: &str, width: usize) -> String {
    format!("{value:<width$}")
}

/// Writes one interchange around one transaction set `set_id`, whose body segments `body`
/// writes, and returns the text and its envelope.
pub fn frame(
    settings: &Settings,
    context: &EncodeContext,
    set_id: &str,
    body: impl FnOnce(&mut Writer) -> Result<(), AdapterError>,
) -> Result<(String, Envelope), AdapterError> {
    let (isa13, gs06, st02) = control_numbers(context)?;
    let (day, time) = date::to_compact(&context.timestamp)
        .map_err(|e| error::validation(format!("the interchange timestamp: {e}")))?;
    let clock = time
        .as_deref()
        .and_then(|t| t.get(..4))
        .unwrap_or("0000")
        .to_owned();
    let d = settings.delimiters;
    let mut writer = Writer::new(d, settings.line_break);
    let isa = [
        "ISA".to_owned(),
        "00".to_owned(),
        pad("", 10),
        "00".to_owned(),
        pad("", 10),
        pad(&settings.sender.qualifier, 2),
        pad(&settings.sender.id, 15),
        pad(&settings.receiver.qualifier, 2),
        pad(&settings.receiver.id, 15),
        day.get(2..).unwrap_or("000101").to_owned(),
        clock.clone(),
        d.repetition
            .map_or("U".to_owned(), |r| char::from(r).to_string()),
        settings.interchange_version().to_owned(),
        isa13.clone(),
        "0".to_owned(),
        if settings.test { "T" } else { "P" }.to_owned(),
        char::from(d.component).to_string(),
    ];
    // ISA11 may be the repetition separator itself, and ISA16 is the component separator.
    for (n, value) in isa
        .iter()
        .enumerate()
        .skip(1)
        .take(15)
        .filter(|(n, _)| *n != 11)
    {
        check_isa(n, value, &d)?;
    }
    writer.raw(&isa.join(&char::from(d.element).to_string()));
    writer.put(
        &Out::new("GS")
            .with(1, functional_id(set_id))
            .with(2, settings.application_sender.clone())
            .with(3, settings.application_receiver.clone())
            .with(4, day)
            .with(5, clock)
            .with(6, gs06.clone())
            .with(7, "X")
            .with(8, settings.version.clone()),
    )?;
    writer.restart_count();
    writer.put(&Out::new("ST").with(1, set_id).with(2, st02.clone()))?;
    body(&mut writer)?;
    let count = writer.count() + 1;
    writer.put(&Out::new("SE").with(1, count.to_string()).with(2, st02))?;
    writer.put(&Out::new("GE").with(1, "1").with(2, gs06))?;
    writer.put(&Out::new("IEA").with(1, "1").with(2, isa13))?;
    let text = writer.into_text();
    let envelope = reread(&text)?;
    Ok((text, envelope))
}

fn check_isa(n: usize, value: &str, d: &syntax::Delimiters) -> Result<(), AdapterError> {
    let mut reserved = vec![d.element, d.segment, d.component];
    reserved.extend(d.repetition);
    let reserved: Vec<char> = reserved.into_iter().map(char::from).collect();
    if value.chars().any(|c| reserved.contains(&c)) {
        return Err(error::configuration(format!(
            "ISA{n:02} {value:?} contains a delimiter of this agreement"
        )));
    }
    Ok(())
}

/// The envelope of the first transaction set in `text`, which this adapter just wrote.
fn reread(text: &str) -> Result<Envelope, AdapterError> {
    let mut checks = Checks {
        strict: true,
        warnings: Vec::new(),
    };
    let raw = syntax::tokenize(text.as_bytes())?;
    let first = raw
        .into_iter()
        .next()
        .ok_or_else(|| error::syntax("nothing was written"))?;
    let interchange = envelope::structure(first, &mut checks)?;
    let group = interchange
        .groups
        .first()
        .ok_or_else(|| error::syntax("no group was written"))?;
    let transaction = group
        .transactions
        .first()
        .ok_or_else(|| error::syntax("no transaction set was written"))?;
    read(&interchange, group, transaction)
}
