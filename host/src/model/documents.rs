//! The business documents of the order-to-invoice cycle. Mirrors
//! `wharf:canonical/documents@0.1.0` field for field, so the sandbox can convert between the
//! two mechanically (see `sandbox::convert`).

use serde::{Deserialize, Serialize};

use super::types::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleLine {
    pub quantity: Quantity,
    pub dates: Vec<Dated>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub line_number: String,
    pub parent_line: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub description: Option<String>,
    pub quantity: Quantity,
    pub price: Option<Price>,
    pub schedule: Vec<ScheduleLine>,
    pub dates: Vec<Dated>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseOrder {
    pub po_number: String,
    pub order_type: Option<String>,
    pub currency: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub payment_terms: Option<String>,
    pub notes: Vec<Note>,
    pub lines: Vec<OrderLine>,
    pub total: Option<Money>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseStatus {
    Accepted,
    AcceptedWithChanges,
    Rejected,
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineStatus {
    Accepted,
    Changed,
    Rejected,
    Backordered,
    Pending,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineResponse {
    pub line_number: String,
    pub status: LineStatus,
    pub status_code: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub quantity: Option<Quantity>,
    pub price: Option<Price>,
    pub dates: Vec<Dated>,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderResponse {
    pub response_number: Option<String>,
    pub po_number: String,
    pub change_number: Option<String>,
    pub status: ResponseStatus,
    pub status_code: Option<String>,
    pub currency: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub lines: Vec<LineResponse>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Update,
    Cancel,
    Replace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChangeKind {
    Add,
    Cancel,
    ChangeQuantity,
    ChangePrice,
    ChangeDates,
    Change,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineChange {
    pub change: LineChangeKind,
    pub change_code: Option<String>,
    pub line: OrderLine,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderChange {
    pub change_number: Option<String>,
    pub po_number: String,
    pub kind: ChangeKind,
    pub revision: Option<String>,
    pub currency: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub lines: Vec<LineChange>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    pub ids: Vec<Identifier>,
    pub name: Option<String>,
    pub mode: Option<String>,
    pub tracking_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedItem {
    pub line_number: String,
    pub order_line: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub description: Option<String>,
    pub quantity: Quantity,
    pub ordered: Option<Quantity>,
    pub lots: Vec<String>,
    pub serials: Vec<String>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub pack_id: String,
    pub parent_pack: Option<String>,
    pub marks: Vec<Identifier>,
    pub packaging: Option<String>,
    pub weight: Option<Quantity>,
    pub items: Vec<ShippedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedOrder {
    pub po_number: String,
    pub references: Vec<Identifier>,
    pub dates: Vec<Dated>,
    pub packs: Vec<Pack>,
    pub items: Vec<ShippedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipNotice {
    pub shipment_id: String,
    pub structure: Option<String>,
    pub purpose: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub carrier: Option<Carrier>,
    pub gross_weight: Option<Quantity>,
    pub package_count: Option<Decimal>,
    pub orders: Vec<ShippedOrder>,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    pub line_number: String,
    pub po_number: Option<String>,
    pub order_line: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub received: Quantity,
    pub rejected: Option<Quantity>,
    pub lots: Vec<String>,
    pub location: Option<String>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsReceipt {
    pub receipt_number: String,
    pub shipment_id: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub lines: Vec<ReceiptLine>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
    DebitNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLine {
    pub line_number: String,
    pub po_number: Option<String>,
    pub order_line: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub description: Option<String>,
    pub quantity: Quantity,
    pub unit_price: Price,
    pub amount: Option<Money>,
    pub taxes: Vec<Tax>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceTotals {
    pub subtotal: Option<Money>,
    pub tax: Option<Money>,
    pub allowances_charges: Option<Money>,
    pub total: Money,
    pub due: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    pub invoice_number: String,
    pub kind: InvoiceKind,
    pub po_numbers: Vec<String>,
    pub currency: Option<String>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub references: Vec<Identifier>,
    pub payment_terms: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub taxes: Vec<Tax>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub totals: InvoiceTotals,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualityAction {
    Hold,
    Release,
    Inform,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defect {
    pub code: String,
    pub description: Option<String>,
    pub quantity: Option<Quantity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityNotification {
    pub notification_number: String,
    pub action: QualityAction,
    pub po_number: Option<String>,
    pub item_ids: Vec<Identifier>,
    pub lots: Vec<String>,
    pub quantity: Option<Quantity>,
    pub defects: Vec<Defect>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub name: String,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub holder: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub account_number: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceAttribute {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    pub ids: Vec<Identifier>,
    pub name: String,
    pub status: Option<String>,
    pub tax_ids: Vec<Identifier>,
    pub parties: Vec<Party>,
    pub certifications: Vec<Certification>,
    pub bank_accounts: Vec<BankAccount>,
    pub compliance: Vec<ComplianceAttribute>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AckStatus {
    Accepted,
    AcceptedWithErrors,
    PartiallyAccepted,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckError {
    pub segment_id: Option<String>,
    pub segment_position: Option<u32>,
    pub element_position: Option<u32>,
    pub code: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageAck {
    pub message_control: String,
    pub message_type: Option<String>,
    pub status: AckStatus,
    pub errors: Vec<AckError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionalAck {
    pub interchange_control: Option<String>,
    pub group_control: Option<String>,
    pub group_type: Option<String>,
    pub status: AckStatus,
    pub messages: Vec<MessageAck>,
    pub extensions: Vec<Extension>,
}

/// One canonical document of any type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Document {
    PurchaseOrder(PurchaseOrder),
    OrderResponse(OrderResponse),
    OrderChange(OrderChange),
    ShipNotice(ShipNotice),
    GoodsReceipt(GoodsReceipt),
    Invoice(Invoice),
    QualityNotification(QualityNotification),
    Supplier(Supplier),
    FunctionalAck(FunctionalAck),
}

/// A document with the envelope it travelled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalDocument {
    pub envelope: Envelope,
    pub body: Document,
}
