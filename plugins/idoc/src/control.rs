//! The IDoc frame: the control record EDI_DC40 and the `<ORDERS05><IDOC>` (or `<DELVRY07>`,
//! `<INVOIC02>`, `<MBGMCR03>`) around the data.
//!
//! Reading, [`read`] tells which message an IDoc holds ([`Message`]) and turns its control
//! record into the canonical [`Envelope`]: DOCNUM is the interchange control, the partners
//! become `sap:<partner type>` identifiers, fields without a canonical place (ports, client,
//! release) become `idoc.EDI_DC40.<FIELD>` extensions. Writing, [`frame`] builds the control
//! record from the agreement's configuration and the host's control number, and reads the
//! written record back into the envelope it reports, so both directions agree by construction.

use wharf_guest_sdk::canonical::Envelope;
use wharf_guest_sdk::contract::{AdapterError, EncodeContext};
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{config, error, id};

use crate::layout::{self, Layout};
use crate::message_type;
use crate::output::{compact_date, extension_text, segment};
use crate::segments::Segment;

/// The basic type of orders, order changes and order responses.
pub const ORDERS05: &str = "ORDERS05";

/// The messages this adapter handles, each carried by one basic type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// Purchase order (ORDERS05, MESTYP ORDERS).
    Orders,
    /// Order response / confirmation (ORDERS05, MESTYP ORDRSP).
    Ordrsp,
    /// Purchase order change (ORDERS05, MESTYP ORDCHG).
    Ordchg,
    /// Shipping notification (DELVRY07, MESTYP DESADV).
    Desadv,
    /// Invoice or credit memo (INVOIC02, MESTYP INVOIC).
    Invoice,
    /// Goods receipt posted as a goods movement (MBGMCR03, MESTYP MBGMCR).
    GoodsReceipt,
}

/// What each message is read from: the basic types accepted (the first is the one written)
/// and the message type.
const SUPPORTED: [(Message, &[&str], &str); 6] = [
    (Message::Orders, &[ORDERS05], "ORDERS"),
    (Message::Ordrsp, &[ORDERS05], "ORDRSP"),
    (Message::Ordchg, &[ORDERS05], "ORDCHG"),
    // DELVRY03 to DELVRY07 extend one another with fields and segments this adapter
    // either maps alike or keeps as extensions, so each reads the same way.
    (
        Message::Desadv,
        &["DELVRY07", "DELVRY06", "DELVRY05", "DELVRY03"],
        "DESADV",
    ),
    (Message::Invoice, &["INVOIC02"], "INVOIC"),
    // MBGMCR03 adds fields to MBGMCR02's segments (LINE_ID among them); both read alike.
    (Message::GoodsReceipt, &["MBGMCR03", "MBGMCR02"], "MBGMCR"),
];

/// What [`read`] names as supported when it meets anything else.
const SUPPORTED_TEXT: &str = "ORDERS05 with ORDERS, ORDRSP or ORDCHG; DELVRY03/05/06/07 with \
                              DESADV; INVOIC02 with INVOIC; MBGMCR03/02 with MBGMCR";

impl Message {
    fn entry(self) -> (Message, &'static [&'static str], &'static str) {
        SUPPORTED
            .into_iter()
            .find(|(message, _, _)| *message == self)
            .unwrap_or(SUPPORTED[0])
    }

    pub fn mestyp(self) -> &'static str {
        self.entry().2
    }

    /// The basic type this adapter writes the message in.
    pub fn basic_type(self) -> &'static str {
        self.entry().1.first().copied().unwrap_or(ORDERS05)
    }
}

/// Reads the control record of the IDoc `idoc` (marking it used) into the message it
/// announces and the envelope, with a warning when a customer message type was read as a
/// standard one (see [`crate::message_type`]).
pub fn read(
    idoc: &mut Segment<'_>,
) -> Result<(Message, Envelope, Option<AdapterError>), AdapterError> {
    let mut records = idoc.segments("EDI_DC40");
    if records.len() > 1 {
        return Err(
            error::validation("an IDoc has exactly one control record EDI_DC40")
                .at_xml(records[1].path()),
        );
    }
    let Some(mut record) = records.pop() else {
        return Err(error::validation("<IDOC> has no control record EDI_DC40")
            .at_xml(idoc.field_path("EDI_DC40")));
    };
    let idoctyp = record.require("IDOCTYP", "the IDoc basic type")?;
    let mestyp = record.require("MESTYP", "the message type")?;
    let standard: Vec<&'static str> = SUPPORTED
        .iter()
        .filter(|(_, types, _)| types.contains(&idoctyp))
        .map(|(_, _, message_type)| *message_type)
        .collect();
    let mut warning = None;
    let mut read_as = mestyp;
    if !standard.contains(&mestyp) && !standard.is_empty() && message_type::is_customer(mestyp) {
        let (found, why) = message_type::resolve(mestyp, &standard)?;
        warning = Some(
            error::unsupported(format!(
                "customer message type {mestyp} on basic type {idoctyp} is read as {found}, {why}"
            ))
            .at_xml(record.field_path("MESTYP")),
        );
        read_as = found;
    }
    let found = SUPPORTED
        .iter()
        .find(|(_, types, message_type)| types.contains(&idoctyp) && *message_type == read_as);
    let Some((message, _, _)) = found else {
        let field = if standard.is_empty() {
            "IDOCTYP"
        } else {
            "MESTYP"
        };
        return Err(error::unsupported(format!(
            "IDoc type {idoctyp} / message type {mestyp} is not supported by {} {}; \
             supported: {SUPPORTED_TEXT}, and customer message types (Y…, Z…, /NAMESPACE/…) on these basic types",
            crate::ADAPTER_ID,
            crate::ADAPTER_VERSION
        ))
        .at_xml(record.field_path(field)));
    };
    let envelope = envelope_of(&mut record, idoctyp, mestyp)?;
    Ok((*message, envelope, warning))
}

fn envelope_of(
    record: &mut Segment<'_>,
    idoctyp: &str,
    mestyp: &str,
) -> Result<Envelope, AdapterError> {
    let mut envelope = wharf_guest_sdk::envelope("idoc", idoctyp);
    envelope.message_type = Some(mestyp.to_owned());
    // TABNAM only ever says "EDI_DC40"; it is written again on the way out.
    record.text("TABNAM");
    envelope.interchange_control = record.text("DOCNUM").map(str::to_owned);
    envelope.created = record.date("CREDAT", "CRETIM")?;
    let mut extensions = Vec::new();
    match record.text("TEST") {
        Some("X") => envelope.test = true,
        Some(other) => {
            extensions.push(wharf_guest_sdk::text_extension("idoc.EDI_DC40.TEST", other))
        }
        None => {}
    }
    for (ids, kind, number) in [
        (&mut envelope.sender, "SNDPRT", "SNDPRN"),
        (&mut envelope.receiver, "RCVPRT", "RCVPRN"),
    ] {
        let partner_type = record.text(kind);
        match (record.text(number), partner_type) {
            (Some(partner), Some(partner_type)) => {
                ids.push(id(format!("sap:{partner_type}"), partner));
            }
            (Some(partner), None) => ids.push(id("sap", partner)),
            (None, Some(partner_type)) => extensions.push(wharf_guest_sdk::text_extension(
                format!("idoc.EDI_DC40.{kind}"),
                partner_type,
            )),
            (None, None) => {}
        }
    }
    record.leftovers("idoc.EDI_DC40", &mut extensions);
    envelope.extensions = extensions;
    Ok(envelope)
}

/// Which end of the interchange a partner stands at.
#[derive(Clone, Copy)]
enum End {
    Sender,
    Receiver,
}

impl End {
    fn keys(self) -> (&'static str, &'static str, &'static str) {
        match self {
            End::Sender => ("sender_port", "sender_partner_type", "sender_partner"),
            End::Receiver => ("receiver_port", "receiver_partner_type", "receiver_partner"),
        }
    }

    fn fields(self) -> (&'static str, &'static str, &'static str) {
        match self {
            End::Sender => ("SNDPOR", "SNDPRT", "SNDPRN"),
            End::Receiver => ("RCVPOR", "RCVPRT", "RCVPRN"),
        }
    }
}

/// A configuration value, with blank counting as unset.
fn setting(key: &str) -> Option<String> {
    config::get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// One end of the interchange as the control record names it.
struct Partner {
    port: Option<String>,
    partner_type: String,
    number: String,
}

/// Port, partner type and partner number for one end: the agreement's settings first, else
/// the document's own `sap:<partner type>` identifier for that end.
fn partner(
    end: End,
    ids: &[wharf_guest_sdk::canonical::Identifier],
    basic_type: &str,
) -> Result<Partner, AdapterError> {
    let (port_key, type_key, partner_key) = end.keys();
    let (_, _, number_field) = end.fields();
    let from_document = ids.iter().find_map(|i| {
        let partner_type = i.scheme.strip_prefix("sap:")?;
        let value = i.value.trim();
        (!value.is_empty()).then(|| (partner_type.trim(), value))
    });
    let (number, partner_type) = match (setting(partner_key), from_document) {
        (Some(number), _) => (number, setting(type_key).unwrap_or_else(|| "LS".to_owned())),
        (None, Some((partner_type, number))) => {
            let partner_type = setting(type_key)
                .or_else(|| (!partner_type.is_empty()).then(|| partner_type.to_owned()))
                .unwrap_or_else(|| "LS".to_owned());
            (number.to_owned(), partner_type)
        }
        (None, None) => {
            return Err(error::configuration(format!(
                "the agreement does not set `{partner_key}` and the document's envelope names \
                 no SAP partner (an identifier with scheme sap:<partner type>) for {number_field}"
            ))
            .at_xml(format!("/{basic_type}/IDOC/EDI_DC40/{number_field}")));
        }
    };
    Ok(Partner {
        port: setting(port_key),
        partner_type,
        number,
    })
}

/// DOCNUM is the host's control number as it is, so the host finds its own number in what was
/// written. SAP keeps DOCNUM as sixteen digits (NUMC), so anything else cannot be written.
fn docnum(control_number: &str, basic_type: &str) -> Result<String, AdapterError> {
    let number = control_number.trim();
    if number.is_empty() || number.len() > 16 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error::validation(format!(
            "control number {control_number:?} does not fit the IDoc number DOCNUM \
             (one to sixteen digits)"
        ))
        .at_xml(format!("/{basic_type}/IDOC/EDI_DC40/DOCNUM")));
    }
    Ok(number.to_owned())
}

/// The extension type (CIMTYP) of the IDoc the document came from. Customer segments kept as
/// extensions are only valid in SAP together with the extension type that defines them, so an
/// IDoc written from such a document names it again.
fn extension_type(document: &Envelope) -> Option<String> {
    document
        .extensions
        .iter()
        .filter(|_| document.standard.eq_ignore_ascii_case("idoc"))
        .find(|e| e.key == "idoc.EDI_DC40.CIMTYP")
        .and_then(|e| extension_text(&e.value))
        .filter(|cimtyp| !cimtyp.trim().is_empty())
}

/// The control record for an IDoc this adapter writes into SAP (direction 2, inbound).
fn control_record(
    message: Message,
    document: &Envelope,
    context: &EncodeContext,
) -> Result<Element, AdapterError> {
    let basic_type = message.basic_type();
    let created = compact_date(&context.timestamp).map_err(|e| {
        error::validation(format!("the interchange timestamp: {e}"))
            .at_xml(format!("/{basic_type}/IDOC/EDI_DC40/CREDAT"))
    })?;
    let mut record = segment("EDI_DC40")
        .text_child("TABNAM", "EDI_DC40")
        .text_child("DOCNUM", docnum(&context.control_number, basic_type)?)
        .text_child("DIRECT", "2")
        .text_child_opt("TEST", document.test.then_some("X"))
        .text_child("IDOCTYP", basic_type)
        .text_child_opt("CIMTYP", extension_type(document))
        .text_child("MESTYP", message.mestyp());
    for (end, ids) in [
        (End::Sender, &document.sender),
        (End::Receiver, &document.receiver),
    ] {
        let (port_field, type_field, number_field) = end.fields();
        let partner = partner(end, ids, basic_type)?;
        record = record
            .text_child_opt(port_field, partner.port)
            .text_child(type_field, partner.partner_type)
            .text_child(number_field, partner.number);
    }
    Ok(record
        .text_child("CREDAT", created.0)
        .text_child_opt("CRETIM", created.1))
}

/// The whole interchange around one IDoc's data segments, and the envelope it was written
/// with. `data` are the segments after the control record, in any order; `layout` puts them
/// in the basic type's order.
pub fn frame(
    message: Message,
    document: &Envelope,
    context: &EncodeContext,
    data: Vec<Element>,
    layout: &Layout,
) -> Result<(String, Envelope), AdapterError> {
    let record = control_record(message, document, context)?;
    let basic_type = message.basic_type();
    let written = envelope_of(&mut Segment::new(&record), basic_type, message.mestyp())?;
    let mut idoc = Element::new("IDOC").attr("BEGIN", "1").child(record);
    idoc.children.extend(data);
    layout::arrange(&mut idoc, layout);
    let root = Element::new(basic_type).child(idoc);
    Ok((root.to_xml(None), written))
}
