//! The fields a batch's columns can hold, per document type, and which of them make up the
//! document's key. The order of each table is the column order written when the agreement
//! leaves the layout to the adapter.

use wharf_guest_sdk::canonical::PartyRole;

/// The documents a CSV batch can carry, one agreement one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    PurchaseOrder,
    ShipNotice,
    Invoice,
    Supplier,
}

impl Batch {
    pub const ALL: [(&'static str, Batch); 4] = [
        ("purchase_order", Batch::PurchaseOrder),
        ("ship_notice", Batch::ShipNotice),
        ("invoice", Batch::Invoice),
        ("supplier", Batch::Supplier),
    ];

    /// The name the `document` setting and the envelope's message type use.
    pub fn name(self) -> &'static str {
        match self {
            Batch::PurchaseOrder => "purchase_order",
            Batch::ShipNotice => "ship_notice",
            Batch::Invoice => "invoice",
            Batch::Supplier => "supplier",
        }
    }

    /// The document in words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Batch::PurchaseOrder => "purchase order",
            Batch::ShipNotice => "ship notice",
            Batch::Invoice => "invoice",
            Batch::Supplier => "supplier",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Batch::PurchaseOrder => PURCHASE_ORDER,
            Batch::ShipNotice => SHIP_NOTICE,
            Batch::Invoice => INVOICE,
            Batch::Supplier => SUPPLIER,
        }
    }

    /// The field whose value groups rows into documents.
    pub fn key(self) -> &'static str {
        self.fields()[0].name
    }
}

/// Whether a field belongs to the document (the same on every row of it) or to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Document,
    Row,
}

/// What a field's text is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Decimal,
    Date,
    /// An identifier; its scheme comes from `schemes.<field>` or this default.
    Id(&'static str),
    /// A party's identifier, in the role given.
    Party(PartyRole),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub level: Level,
    pub kind: Kind,
    pub required: bool,
}

const fn field(name: &'static str, level: Level, kind: Kind, required: bool) -> Field {
    Field {
        name,
        level,
        kind,
        required,
    }
}

use Kind::*;
use Level::*;

/// Purchase-order lines; rows with the same `po_number` are one order.
pub const PURCHASE_ORDER: &[Field] = &[
    field("po_number", Document, Text, true),
    field("order_date", Document, Date, false),
    field("currency", Document, Text, false),
    field("buyer", Document, Party(PartyRole::Buyer), false),
    field("supplier", Document, Party(PartyRole::Supplier), false),
    field("ship_to", Document, Party(PartyRole::ShipTo), false),
    field("payment_terms", Document, Text, false),
    field("line_number", Row, Text, true),
    field("item", Row, Id("buyer"), false),
    field("supplier_item", Row, Id("supplier"), false),
    field("description", Row, Text, false),
    field("quantity", Row, Decimal, true),
    field("unit", Row, Text, true),
    field("price", Row, Decimal, false),
    field("delivery_date", Row, Date, false),
];

/// Ship-notice lines; rows with the same `shipment_id` are one ship notice, and within it rows
/// with the same `po_number` one shipped order.
pub const SHIP_NOTICE: &[Field] = &[
    field("shipment_id", Document, Text, true),
    field("ship_date", Document, Date, false),
    field("delivery_date", Document, Date, false),
    field("carrier", Document, Text, false),
    field("tracking_number", Document, Text, false),
    field("ship_from", Document, Party(PartyRole::ShipFrom), false),
    field("ship_to", Document, Party(PartyRole::ShipTo), false),
    field("po_number", Row, Text, true),
    field("line_number", Row, Text, false),
    field("order_line", Row, Text, false),
    field("item", Row, Id("buyer"), false),
    field("supplier_item", Row, Id("supplier"), false),
    field("description", Row, Text, false),
    field("quantity", Row, Decimal, true),
    field("unit", Row, Text, true),
    field("lot", Row, Text, false),
    field("serial", Row, Text, false),
    field("sscc", Row, Text, false),
];

/// Invoice lines; rows with the same `invoice_number` are one invoice.
pub const INVOICE: &[Field] = &[
    field("invoice_number", Document, Text, true),
    field("invoice_date", Document, Date, false),
    field("due_date", Document, Date, false),
    field("currency", Document, Text, false),
    field("supplier", Document, Party(PartyRole::Supplier), false),
    field("buyer", Document, Party(PartyRole::Buyer), false),
    field("total", Document, Decimal, false),
    field("line_number", Row, Text, true),
    field("po_number", Row, Text, false),
    field("order_line", Row, Text, false),
    field("item", Row, Id("buyer"), false),
    field("supplier_item", Row, Id("supplier"), false),
    field("description", Row, Text, false),
    field("quantity", Row, Decimal, true),
    field("unit", Row, Text, true),
    field("unit_price", Row, Decimal, true),
    field("amount", Row, Decimal, false),
];

/// Supplier master data; rows with the same `supplier_id` are one supplier, one row per
/// certification (a supplier without any is one row).
pub const SUPPLIER: &[Field] = &[
    field("supplier_id", Document, Id("buyer"), true),
    field("name", Document, Text, true),
    field("status", Document, Text, false),
    field("tax_id", Document, Id("vat"), false),
    field("street", Document, Text, false),
    field("city", Document, Text, false),
    field("postal_code", Document, Text, false),
    field("country", Document, Text, false),
    field("email", Document, Text, false),
    field("phone", Document, Text, false),
    field("iban", Document, Text, false),
    field("bic", Document, Text, false),
    field("bank_name", Document, Text, false),
    field("certification", Row, Text, false),
    field("certification_number", Row, Text, false),
    field("certification_issuer", Row, Text, false),
    field("certification_valid_until", Row, Date, false),
];
