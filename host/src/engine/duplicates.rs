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

use crate::model::{DateKind, Document, InvoiceKind};
use crate::store::business::BusinessKey;

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
