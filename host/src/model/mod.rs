//! The canonical model: the Rust mirror of `wharf:canonical@0.1.0` that the engine, store and
//! API speak. No wasmtime, sqlx or hyper here; everything else points inward to this module.
//!
//! - [`types`]: identifiers, quantities, money, dates, parties, the envelope.
//! - [`documents`]: purchase orders through functional acknowledgments, and [`Document`].
//! - [`exception`]: exception kinds, their states and the actions an operator may take.
//! - [`validate`]: the rules a document must meet before the engine accepts it.
//! - [`units`]: units of measure as the model counts them (`units.tsv`), for matching.

mod documents;
pub mod exception;
mod types;
pub mod units;
pub mod validate;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use documents::*;
pub use exception::{ExceptionAction, ExceptionKind, ExceptionState};
pub use types::*;

/// The version of the canonical model this host speaks natively.
pub const MODEL_VERSION: &str = "0.1.0";

/// Names one order: a purchase-order number is unique only within the partner that released
/// it (the buyer), so two buyers may both have an order 4500000001.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OrderKey {
    pub buyer: String,
    pub po_number: String,
}

impl OrderKey {
    pub fn new(buyer: impl Into<String>, po_number: impl Into<String>) -> OrderKey {
        OrderKey {
            buyer: buyer.into(),
            po_number: po_number.into(),
        }
    }
}

impl std::fmt::Display for OrderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}", self.po_number, self.buyer)
    }
}

/// A document type, named as configuration and the API name it (`purchase_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    PurchaseOrder,
    OrderResponse,
    OrderChange,
    ShipNotice,
    GoodsReceipt,
    Invoice,
    QualityNotification,
    Supplier,
    FunctionalAck,
}

impl DocType {
    pub const ALL: [DocType; 9] = [
        DocType::PurchaseOrder,
        DocType::OrderResponse,
        DocType::OrderChange,
        DocType::ShipNotice,
        DocType::GoodsReceipt,
        DocType::Invoice,
        DocType::QualityNotification,
        DocType::Supplier,
        DocType::FunctionalAck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::PurchaseOrder => "purchase_order",
            DocType::OrderResponse => "order_response",
            DocType::OrderChange => "order_change",
            DocType::ShipNotice => "ship_notice",
            DocType::GoodsReceipt => "goods_receipt",
            DocType::Invoice => "invoice",
            DocType::QualityNotification => "quality_notification",
            DocType::Supplier => "supplier",
            DocType::FunctionalAck => "functional_ack",
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the document types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown document type {0:?}; expected one of purchase_order, order_response, order_change, ship_notice, goods_receipt, invoice, quality_notification, supplier, functional_ack"
)]
pub struct UnknownDocType(pub String);

impl FromStr for DocType {
    type Err = UnknownDocType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownDocType(s.to_owned()))
    }
}

impl Document {
    pub fn doc_type(&self) -> DocType {
        match self {
            Document::PurchaseOrder(_) => DocType::PurchaseOrder,
            Document::OrderResponse(_) => DocType::OrderResponse,
            Document::OrderChange(_) => DocType::OrderChange,
            Document::ShipNotice(_) => DocType::ShipNotice,
            Document::GoodsReceipt(_) => DocType::GoodsReceipt,
            Document::Invoice(_) => DocType::Invoice,
            Document::QualityNotification(_) => DocType::QualityNotification,
            Document::Supplier(_) => DocType::Supplier,
            Document::FunctionalAck(_) => DocType::FunctionalAck,
        }
    }

    /// The number people search this document by: PO number, shipment id, invoice number...
    pub fn business_key(&self) -> Option<&str> {
        let key = match self {
            Document::PurchaseOrder(d) => &d.po_number,
            Document::OrderResponse(d) => d.response_number.as_ref().unwrap_or(&d.po_number),
            Document::OrderChange(d) => d.change_number.as_ref().unwrap_or(&d.po_number),
            Document::ShipNotice(d) => &d.shipment_id,
            Document::GoodsReceipt(d) => &d.receipt_number,
            Document::Invoice(d) => &d.invoice_number,
            Document::QualityNotification(d) => &d.notification_number,
            Document::Supplier(d) => &d.name,
            Document::FunctionalAck(d) => d.interchange_control.as_ref()?,
        };
        Some(key.as_str())
    }

    /// The purchase orders this document is about, for the order's history.
    pub fn po_numbers(&self) -> Vec<&str> {
        let mut numbers: Vec<&str> = match self {
            Document::PurchaseOrder(d) => vec![&d.po_number],
            Document::OrderResponse(d) => vec![&d.po_number],
            Document::OrderChange(d) => vec![&d.po_number],
            Document::ShipNotice(d) => d.orders.iter().map(|o| o.po_number.as_str()).collect(),
            Document::GoodsReceipt(d) => d
                .lines
                .iter()
                .filter_map(|l| l.po_number.as_deref())
                .collect(),
            Document::Invoice(d) => d
                .po_numbers
                .iter()
                .map(String::as_str)
                .chain(d.lines.iter().filter_map(|l| l.po_number.as_deref()))
                .collect(),
            Document::QualityNotification(d) => d.po_number.iter().map(String::as_str).collect(),
            Document::Supplier(_) | Document::FunctionalAck(_) => Vec::new(),
        };
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_type_names_round_trip() {
        for t in DocType::ALL {
            assert_eq!(t.as_str().parse::<DocType>().unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert!("purchase-order".parse::<DocType>().is_err());
    }
}
