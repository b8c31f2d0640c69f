//! Conversions between the generated binding types and the host's `model`.
//!
//! `model` mirrors the WIT field for field and variant for variant, and both sides derive serde
//! with the same names, so a value crosses by serializing one and deserializing the other. The
//! model's `deny_unknown_fields` makes any drift between the WIT and the model fail loudly
//! (and `tests::every_document_crosses_both_ways` catches it before a release).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model;

use super::bindings;

/// A value that did not survive the crossing: the WIT and the model disagree.
#[derive(Debug, thiserror::Error)]
#[error("canonical value does not fit the host model: {0}")]
pub struct ConvertError(#[from] serde_json::Error);

fn cross<From: Serialize, To: DeserializeOwned>(value: &From) -> Result<To, ConvertError> {
    Ok(cross_sized(value)?.0)
}

/// Crosses `value` and says how many bytes of JSON it took, which is what an adapter's output
/// limit counts.
fn cross_sized<From: Serialize, To: DeserializeOwned>(
    value: &From,
) -> Result<(To, usize), ConvertError> {
    let json = serde_json::to_vec(value)?;
    Ok((serde_json::from_slice(&json)?, json.len()))
}

/// A decoded document in model terms, with the size of its canonical JSON.
pub fn document_to_model(
    document: &bindings::CanonicalDocument,
) -> Result<(model::CanonicalDocument, usize), ConvertError> {
    cross_sized(document)
}

pub fn document_from_model(
    document: &model::CanonicalDocument,
) -> Result<bindings::CanonicalDocument, ConvertError> {
    cross(document)
}

pub fn functional_ack_from_model(
    ack: &model::FunctionalAck,
) -> Result<bindings::FunctionalAck, ConvertError> {
    cross(ack)
}

pub fn envelope_to_model(
    envelope: &bindings::wharf::canonical::types::Envelope,
) -> Result<model::Envelope, ConvertError> {
    cross(envelope)
}

pub fn doc_type_to_model(doc_type: bindings::DocType) -> model::DocType {
    use bindings::DocType as B;
    match doc_type {
        B::PurchaseOrder => model::DocType::PurchaseOrder,
        B::OrderResponse => model::DocType::OrderResponse,
        B::OrderChange => model::DocType::OrderChange,
        B::ShipNotice => model::DocType::ShipNotice,
        B::GoodsReceipt => model::DocType::GoodsReceipt,
        B::Invoice => model::DocType::Invoice,
        B::QualityNotification => model::DocType::QualityNotification,
        B::Supplier => model::DocType::Supplier,
        B::FunctionalAck => model::DocType::FunctionalAck,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A value of every document type with every optional field filled, built as JSON so the
    /// test names each field once.
    fn samples() -> Vec<serde_json::Value> {
        let id = json!({"scheme": "duns", "value": "123456789"});
        let qty = json!({"value": "10", "unit": "EA"});
        let money = json!({"amount": "12.5", "currency": "EUR"});
        let price = json!({"amount": "1.25", "currency": "EUR", "basis": qty});
        let dated = json!({"kind": "RequestedDelivery", "value": "2026-11-27", "qualifier": "002"});
        let ext = json!({"key": "x12.PO1.08", "value": {"Number": "3"}});
        let note = json!({"kind": "GEN", "text": "fragile"});
        let address = json!({"street": ["1 Dock Rd"], "city": "Hull", "region": null, "postal_code": "HU1", "country": "GB"});
        let contact =
            json!({"role": "buyer", "name": "Ann", "phone": null, "email": "ann@example.com"});
        let party = json!({"role": "ShipTo", "role_code": "ST", "ids": [id], "name": "Plant 1", "address": address, "contacts": [contact]});
        let tax = json!({"kind": "VAT", "rate": "19", "taxable": money, "amount": money, "jurisdiction": "DE"});
        let ac =
            json!({"is_charge": true, "code": "FRT", "description": "freight", "amount": money});
        let line = json!({"line_number": "0010", "parent_line": "0005", "item_ids": [id], "description": "bolt",
            "quantity": qty, "price": price, "schedule": [{"quantity": qty, "dates": [dated]}], "dates": [dated],
            "references": [id], "notes": [note], "extensions": [ext]});
        let item = json!({"line_number": "1", "order_line": "0010", "item_ids": [id], "description": "bolt", "quantity": qty,
            "ordered": qty, "lots": ["L1"], "serials": ["S1"], "extensions": [ext]});
        let bodies = [
            json!({"PurchaseOrder": {"po_number": "PO1", "order_type": "SA", "currency": "EUR", "dates": [dated], "parties": [party],
                "references": [id], "payment_terms": "NET30", "notes": [note], "lines": [line], "total": money, "extensions": [ext]}}),
            json!({"OrderResponse": {"response_number": "R1", "po_number": "PO1", "change_number": "C1", "status": "AcceptedWithChanges",
                "status_code": "AC", "currency": "EUR", "dates": [dated], "parties": [party], "references": [id], "notes": [note],
                "lines": [{"line_number": "0010", "status": "Backordered", "status_code": "IB", "item_ids": [id], "quantity": qty,
                    "price": price, "dates": [dated], "notes": [note], "extensions": [ext]}], "extensions": [ext]}}),
            json!({"OrderChange": {"change_number": "C1", "po_number": "PO1", "kind": "Update", "revision": "2", "currency": "EUR",
                "dates": [dated], "parties": [party], "references": [id], "notes": [note],
                "lines": [{"change": "ChangeQuantity", "change_code": "QI", "line": line}], "extensions": [ext]}}),
            json!({"ShipNotice": {"shipment_id": "S1", "structure": "0001", "purpose": "00", "dates": [dated], "parties": [party],
                "references": [id], "carrier": {"ids": [id], "name": "UPS", "mode": "M", "tracking_numbers": ["1Z"]},
                "gross_weight": qty, "package_count": "2",
                "orders": [{"po_number": "PO1", "references": [id], "dates": [dated],
                    "packs": [{"pack_id": "P1", "parent_pack": "P0", "marks": [{"scheme": "sscc", "value": "000000000000000001"}],
                        "packaging": "CTN", "weight": qty, "items": [item]}], "items": [item]}],
                "notes": [note], "extensions": [ext]}}),
            json!({"GoodsReceipt": {"receipt_number": "G1", "shipment_id": "S1", "dates": [dated], "parties": [party], "references": [id],
                "lines": [{"line_number": "1", "po_number": "PO1", "order_line": "0010", "item_ids": [id], "received": qty,
                    "rejected": qty, "lots": ["L1"], "location": "0001", "extensions": [ext]}], "extensions": [ext]}}),
            json!({"Invoice": {"invoice_number": "I1", "kind": "CreditNote", "po_numbers": ["PO1"], "currency": "EUR", "dates": [dated],
                "parties": [party], "references": [id], "payment_terms": "NET30",
                "lines": [{"line_number": "1", "po_number": "PO1", "order_line": "0010", "item_ids": [id], "description": "bolt",
                    "quantity": qty, "unit_price": price, "amount": money, "taxes": [tax], "allowances_charges": [ac], "extensions": [ext]}],
                "taxes": [tax], "allowances_charges": [ac],
                "totals": {"subtotal": money, "tax": money, "allowances_charges": money, "total": money, "due": money},
                "notes": [note], "extensions": [ext]}}),
            json!({"QualityNotification": {"notification_number": "Q1", "action": "Hold", "po_number": "PO1", "item_ids": [id],
                "lots": ["L1"], "quantity": qty, "defects": [{"code": "D1", "description": "scratch", "quantity": qty}],
                "dates": [dated], "parties": [party], "notes": [note], "extensions": [ext]}}),
            json!({"Supplier": {"ids": [id], "name": "Acme", "status": "active", "tax_ids": [id], "parties": [party],
                "certifications": [{"name": "ISO 9001", "number": "C1", "issuer": "TUV", "valid_until": "2027-01-01"}],
                "bank_accounts": [{"holder": "Acme", "iban": "DE00", "bic": "BIC", "account_number": "1", "bank_code": "2",
                    "bank_name": "Bank", "currency": "EUR"}],
                "compliance": [{"name": "conflict_minerals", "value": "compliant"}], "extensions": [ext]}}),
            json!({"FunctionalAck": {"interchange_control": "1", "group_control": "2", "group_type": "PO", "status": "PartiallyAccepted",
                "messages": [{"message_control": "0001", "message_type": "850", "status": "Rejected",
                    "errors": [{"segment_id": "PO1", "segment_position": 4, "element_position": 2, "code": "7", "description": "bad"}]}],
                "extensions": [{"key": "k", "value": {"Flag": true}}]}}),
        ];
        let envelope = json!({"standard": "x12", "version": "004010", "sender": [id], "receiver": [id],
            "interchange_control": "1", "group_control": "2", "message_control": "3", "message_type": "850", "test": true,
            "created": "2026-11-27T10:00:00Z", "raw_digest": "ab", "adapter": "x12@0.1.0", "extensions": [ext]});
        bodies
            .into_iter()
            .map(|body| json!({"envelope": envelope, "body": body}))
            .collect()
    }

    #[test]
    fn every_document_crosses_both_ways() {
        for sample in samples() {
            let model: model::CanonicalDocument = serde_json::from_value(sample.clone())
                .unwrap_or_else(|e| panic!("model rejects {sample}: {e}"));
            let wit = document_from_model(&model).unwrap();
            let (back, size) = document_to_model(&wit).unwrap();
            assert_eq!(size, serde_json::to_vec(&back).unwrap().len());
            assert_eq!(back, model);
            assert_eq!(serde_json::to_value(&back).unwrap(), sample);
        }
    }
}
