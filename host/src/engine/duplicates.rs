//! Business duplicates: what identifies a business document to the partner that sent it, so
//! the same invoice, ship notice or order response arriving again under new control numbers
//! (a new ISA13, UNB reference or payloadID: bytes the edge has not seen) is recognised and
//! held instead of being processed twice. A byte-identical resend never gets this far: the
//! edge answers it with the first message's tracking id.
//!
//! The identity is always per sender and document type (the store keys it so):
//!
//! | document | identified by |
//! | --- | --- |
//! | invoice | its number, and its kind when it is a credit or debit note |
//! | ship notice | its shipment id, for an original only (a replacement or cancellation reuses the id on purpose) |
//! | order response | the PO it answers and its response number (else its document date) |
//!
//! Other documents have no business identity here and are never held as duplicates.

use super::decide::{Inbound, World};
use super::exceptions::{self, Involved};
use super::failure::Failure;
use super::lifecycle;
use crate::config::{Agreement, UnknownOrders};
use crate::model::{DateKind, Document, InvoiceKind};
use crate::store::business::{BusinessKey, FirstSeen};
use crate::store::exceptions::NewException;

/// A document held as a duplicate: what its sender is told, and what the owning team is.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub failure: Failure,
    pub exception: NewException,
}

/// Ship notice purposes that mean "the original": none given, X12 BSN01 `00`, EDIFACT
/// BGM 1225 `9`, cXML `@operation` `new`, IDoc E1EDL18 `ORI`.
const ORIGINAL_PURPOSES: [&str; 4] = ["00", "9", "new", "ori"];

/// The identity of `document` among its sender's documents, if it has one.
pub fn identity(document: &Document) -> Option<BusinessKey> {
    let key = match document {
        Document::Invoice(invoice) => match invoice.kind {
            InvoiceKind::Invoice => invoice.invoice_number.clone(),
            InvoiceKind::CreditNote => format!("credit_note {}", invoice.invoice_number),
            InvoiceKind::DebitNote => format!("debit_note {}", invoice.invoice_number),
        },
        Document::ShipNotice(notice) => {
            let original = notice.purpose.as_deref().is_none_or(|p| {
                let p = p.trim();
                p.is_empty() || ORIGINAL_PURPOSES.iter().any(|o| o.eq_ignore_ascii_case(p))
            });
            if !original {
                return None;
            }
            notice.shipment_id.clone()
        }
        Document::OrderResponse(response) => {
            let answer = response.response_number.clone().or_else(|| {
                response
                    .dates
                    .iter()
                    .find(|d| d.kind == DateKind::Document)
                    .map(|d| format!("of {}", d.value))
            })?;
            format!("{} response {answer}", response.po_number)
        }
        _ => return None,
    };
    if key.trim().is_empty() {
        return None;
    }
    Some(BusinessKey {
        doc_type: document.doc_type().as_str().to_owned(),
        key,
    })
}

/// Holds the document when `identity` was processed before (in an earlier message, or
/// earlier in this one): the refusal, and the `duplicate` exception that links the two.
pub fn held_if_seen(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    identity: &BusinessKey,
    earlier_here: &[BusinessKey],
    world: &World<'_>,
) -> Option<Held> {
    let first = match world.seen.get(identity) {
        Some(first) => first.clone(),
        None if earlier_here.contains(identity) => FirstSeen {
            message_id: inbound.message_id.to_owned(),
            document_id: "earlier in this message".to_owned(),
        },
        None => return None,
    };
    let doc_type = involved.document.body.doc_type();
    let failure = Failure::new(
        "document.duplicate",
        format!(
            "{doc_type} {} was received before (message {}); this copy, under new control \
             numbers, is held as a duplicate and not processed",
            identity.key, first.message_id
        ),
    );
    // The order it would concern, if its sender may see one, so the exception names it.
    let order = lifecycle::resolve(
        &involved.document.body,
        inbound.partner,
        world.orders,
        UnknownOrders::Route,
        &[],
    )
    .ok()
    .flatten()
    .map(|o| o.key.clone());
    let exception = exceptions::duplicate(
        world.settings,
        inbound,
        agreement,
        involved,
        &identity.key,
        &first,
        order,
    );
    Some(Held { failure, exception })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invoice(number: &str, kind: &str) -> Document {
        serde_json::from_value(json!({"Invoice": {
            "invoice_number": number, "kind": kind, "po_numbers": ["PO1"], "currency": null,
            "dates": [], "parties": [], "references": [], "payment_terms": null, "lines": [],
            "taxes": [], "allowances_charges": [],
            "totals": {"subtotal": null, "tax": null, "allowances_charges": null,
                "total": {"amount": "10.00", "currency": null}, "due": null},
            "notes": [], "extensions": []
        }}))
        .unwrap()
    }

    fn notice(id: &str, purpose: Option<&str>) -> Document {
        serde_json::from_value(json!({"ShipNotice": {
            "shipment_id": id, "structure": null, "purpose": purpose, "dates": [],
            "parties": [], "references": [], "carrier": null, "gross_weight": null,
            "package_count": null, "notes": [], "extensions": [], "orders": []
        }}))
        .unwrap()
    }

    fn response(number: Option<&str>, dates: serde_json::Value) -> Document {
        serde_json::from_value(json!({"OrderResponse": {
            "response_number": number, "po_number": "PO1", "change_number": null,
            "status": "Accepted", "status_code": null, "currency": null, "dates": dates,
            "parties": [], "references": [], "notes": [], "lines": [], "extensions": []
        }}))
        .unwrap()
    }

    fn key(document: &Document) -> Option<(String, String)> {
        identity(document).map(|k| (k.doc_type, k.key))
    }

    #[test]
    fn an_invoice_is_its_number_and_a_note_its_kind_too() {
        assert_eq!(
            key(&invoice("INV-1", "Invoice")),
            Some(("invoice".into(), "INV-1".into()))
        );
        assert_ne!(
            key(&invoice("INV-1", "CreditNote")),
            key(&invoice("INV-1", "Invoice"))
        );
    }

    #[test]
    fn only_an_original_ship_notice_has_an_identity() {
        for original in [None, Some("00"), Some("9"), Some("new"), Some("ORI")] {
            assert_eq!(
                key(&notice("SH-1", original)),
                Some(("ship_notice".into(), "SH-1".into())),
                "{original:?}"
            );
        }
        for replacement in ["05", "5", "update", "CHG", "01"] {
            assert_eq!(key(&notice("SH-1", Some(replacement))), None);
        }
    }

    #[test]
    fn an_order_response_is_its_po_and_its_number_or_date() {
        assert_eq!(
            key(&response(Some("R1"), json!([]))).unwrap().1,
            "PO1 response R1"
        );
        let dated = json!([{"kind": "Document", "value": "2026-11-30", "qualifier": null}]);
        assert_eq!(
            key(&response(None, dated)).unwrap().1,
            "PO1 response of 2026-11-30"
        );
        // Nothing tells two responses apart: no identity, never held.
        assert_eq!(key(&response(None, json!([]))), None);
    }
}
