//! What frames every portal document: `schema` (the version of this JSON form), `type` (which
//! document follows) and the optional `envelope` (message id, parties, creation time, test
//! flag). The document's own fields stand beside them, at the top of the object.

use serde_json::Value;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document, Envelope};
use wharf_guest_sdk::contract::{AdapterError, EncodeContext, Encoded};
use wharf_guest_sdk::error;

use crate::common::{read_identifier, write_identifier};
use crate::json::{Obj, Out};
use crate::{invoice, order, quality, response, ship_notice, supplier};

/// The schema this adapter reads and writes, and the `version` of the envelopes it makes.
pub const SCHEMA: &str = "wharf.portal/1";

/// The standard named in envelopes this adapter makes.
pub const STANDARD: &str = "portal-json";

/// The document types, as `type` names them (the host API's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PurchaseOrder,
    OrderChange,
    OrderResponse,
    ShipNotice,
    Invoice,
    QualityNotification,
    Supplier,
}

const KINDS: &[(&str, Kind)] = &[
    ("purchase_order", Kind::PurchaseOrder),
    ("order_change", Kind::OrderChange),
    ("order_response", Kind::OrderResponse),
    ("ship_notice", Kind::ShipNotice),
    ("invoice", Kind::Invoice),
    ("quality_notification", Kind::QualityNotification),
    ("supplier", Kind::Supplier),
];

/// Reads one document at `path` (`$`, or `$[2]` in an array).
pub fn read(value: &Value, path: String) -> Result<CanonicalDocument, AdapterError> {
    let o = Obj::new(value, path)?;
    let schema = o.string("schema")?;
    if schema != SCHEMA {
        let message = if schema.starts_with("wharf.portal/") {
            format!("{schema:?} is not a version this adapter reads; it reads {SCHEMA}")
        } else {
            format!("{schema:?} is not a portal schema; this adapter reads {SCHEMA}")
        };
        return Err(error::unsupported(message).at_xml(o.path_of("schema")));
    }
    let kind_name = o.string("type")?;
    let kind = o.code("type", KINDS)?;
    let mut envelope = o
        .opt_object("envelope", read_envelope)?
        .unwrap_or_else(|| wharf_guest_sdk::envelope(STANDARD, SCHEMA));
    envelope.message_type = Some(kind_name);
    let body = match kind {
        Kind::PurchaseOrder => Document::PurchaseOrder(order::read_purchase_order(&o)?),
        Kind::OrderChange => Document::OrderChange(order::read_order_change(&o)?),
        Kind::OrderResponse => Document::OrderResponse(response::read(&o)?),
        Kind::ShipNotice => Document::ShipNotice(ship_notice::read(&o)?),
        Kind::Invoice => Document::Invoice(invoice::read(&o)?),
        Kind::QualityNotification => Document::QualityNotification(quality::read(&o)?),
        Kind::Supplier => Document::Supplier(supplier::read(&o)?),
    };
    o.finish()?;
    Ok(CanonicalDocument { envelope, body })
}

fn read_envelope(o: &Obj) -> Result<Envelope, AdapterError> {
    let mut envelope = wharf_guest_sdk::envelope(STANDARD, SCHEMA);
    envelope.interchange_control = o.opt_string("message_id")?;
    envelope.created = o.opt_date("created")?;
    envelope.sender = o.list("sender", read_identifier)?;
    envelope.receiver = o.list("receiver", read_identifier)?;
    envelope.test = o.flag("test")?;
    Ok(envelope)
}

/// Writes `document` as one pretty-printed JSON object. The host's control number becomes
/// `envelope.message_id` and its timestamp `envelope.created`; the document's own envelope
/// gives the parties and the test flag.
pub fn write(
    document: &CanonicalDocument,
    context: &EncodeContext,
) -> Result<Encoded, AdapterError> {
    let envelope = Out::new()
        .str("message_id", &context.control_number)
        .str("created", &context.timestamp)
        .list("sender", &document.envelope.sender, write_identifier)
        .list("receiver", &document.envelope.receiver, write_identifier)
        .flag("test", document.envelope.test);
    let head = |kind: &'static str| {
        Out::new()
            .str("schema", SCHEMA)
            .str("type", kind)
            .obj("envelope", envelope.clone())
    };
    let (kind, out) = match &document.body {
        Document::PurchaseOrder(po) => {
            let kind = "purchase_order";
            (kind, order::write_purchase_order(po, head(kind)))
        }
        Document::OrderChange(change) => {
            let kind = "order_change";
            (kind, order::write_order_change(change, head(kind)))
        }
        Document::OrderResponse(r) => {
            let kind = "order_response";
            (kind, response::write(r, head(kind)))
        }
        Document::ShipNotice(notice) => {
            let kind = "ship_notice";
            (kind, ship_notice::write(notice, head(kind)))
        }
        Document::Invoice(i) => {
            let kind = "invoice";
            (kind, invoice::write(i, head(kind)))
        }
        Document::QualityNotification(q) => {
            let kind = "quality_notification";
            (kind, quality::write(q, head(kind)))
        }
        Document::Supplier(s) => {
            let kind = "supplier";
            (kind, supplier::write(s, head(kind)))
        }
        Document::GoodsReceipt(_) | Document::FunctionalAck(_) => {
            return Err(error::unsupported(
                "wharf.portal/1 carries purchase orders, order changes, order responses, ship notices, invoices, quality notifications and supplier master data; not this document",
            ));
        }
    };
    let mut text = serde_json::to_string_pretty(&crate::json::Json::Obj(out))
        .map_err(|e| error::validation(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    let mut written = wharf_guest_sdk::envelope(STANDARD, SCHEMA);
    written.interchange_control = Some(context.control_number.clone());
    written.message_type = Some(kind.to_owned());
    written.created = Some(context.timestamp.clone());
    written.sender = document.envelope.sender.clone();
    written.receiver = document.envelope.receiver.clone();
    written.test = document.envelope.test;
    Ok(Encoded {
        bytes: text.into_bytes(),
        content_type: "application/json".to_owned(),
        envelope: written,
    })
}
