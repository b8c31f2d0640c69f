//! `<InvoiceDetailRequest>` against the canonical [`Invoice`](wharf_guest_sdk::canonical::Invoice),
//! with [`decode`] and [`encode`] inverse to each other, [`line`] for the items and
//! [`summary`] for the totals.
//!
//! | cXML | invoice |
//! | --- | --- |
//! | `InvoiceDetailRequestHeader@invoiceID` | `invoice_number` |
//! | `@invoiceDate` | date Invoice, qualifier `invoiceDate` |
//! | `@purpose` standard / creditMemo / debitMemo | kind Invoice / CreditNote / DebitNote |
//! | `@purpose` lineLevelCreditMemo / lineLevelDebitMemo | CreditNote / DebitNote, code kept as [`PURPOSE_KEY`] |
//! | `@operation` other than new | extension [`OPERATION_KEY`] |
//! | `InvoicePartner/Contact@role`, `IdReference` | parties, ids `(domain, identifier)` |
//! | `InvoiceDetailShipping/Contact` | parties |
//! | `PaymentTerm`, `Extrinsic name="PaymentTerms"` | `payment_terms`, "2% 14 days, 30 days" (see [`terms`]) or as stated |
//! | `Extrinsic name="date.<Kind>[.<qualifier>]"` | dates besides the invoice date, as in an order |
//! | `Comments` | notes |
//! | `InvoiceDetailOrder/InvoiceDetailOrderInfo/OrderReference@orderID` (or `OrderIDInfo`) | `po_numbers`, each line's `po_number` |
//! | its `DocumentReference@payloadID` | references `(previous-message, ..)`, line extension [`ORDER_PAYLOAD_KEY`] |
//! | its `@orderDate` | line extension [`ORDER_DATE_KEY`] |
//! | `InvoiceDetailItem`, `InvoiceDetailServiceItem` | lines (see [`line`]) |
//! | `InvoiceDetailHeaderOrder` | one line per order, 1 `LS`, flagged [`HEADER_ORDER_KEY`] |
//! | `InvoiceDetailSummary` | totals, taxes, allowances and charges (see [`summary`]) |
//!
//! An order reference with a blank or missing orderID (a purchase-order-less invoice, or an
//! order known only by its payloadID) leaves `po_number` empty; the encoder writes such lines
//! under `<OrderIDInfo orderID="">`.

pub mod decode;
pub mod encode;
pub mod line;
pub mod subtotal;
pub mod summary;
pub mod terms;

use wharf_guest_sdk::canonical::InvoiceKind;

/// The line extension holding the payloadID of the order the line bills.
pub const ORDER_PAYLOAD_KEY: &str = "cxml.OrderReference.payloadID";
/// The line extension holding the date of the order the line bills.
pub const ORDER_DATE_KEY: &str = "cxml.OrderReference.orderDate";
/// The line flag of an order invoiced as a whole (`InvoiceDetailHeaderOrder`).
pub const HEADER_ORDER_KEY: &str = "cxml.InvoiceDetailHeaderOrder";
/// The purpose code kept where the kind alone does not say it (the line-level memos).
pub const PURPOSE_KEY: &str = "cxml.InvoiceDetailRequestHeader.purpose";
/// An operation other than "new" (a deletion of an earlier invoice).
pub const OPERATION_KEY: &str = "cxml.InvoiceDetailRequestHeader.operation";
/// Unit of an order invoiced as a lump sum, as X12 names it.
pub const LUMP_SUM: &str = "LS";

const PURPOSES: &[(&str, InvoiceKind)] = &[
    ("standard", InvoiceKind::Invoice),
    ("creditMemo", InvoiceKind::CreditNote),
    ("debitMemo", InvoiceKind::DebitNote),
    ("lineLevelCreditMemo", InvoiceKind::CreditNote),
    ("lineLevelDebitMemo", InvoiceKind::DebitNote),
];

/// The invoice kind an `@purpose` stands for.
pub fn kind_of(purpose: &str) -> Option<InvoiceKind> {
    PURPOSES
        .iter()
        .find(|(name, _)| *name == purpose)
        .map(|(_, kind)| *kind)
}

/// The `@purpose` to write: `code` when it means `kind`, else the table's first for it.
pub fn purpose_of(kind: InvoiceKind, code: Option<&str>) -> &'static str {
    PURPOSES
        .iter()
        .find(|(name, k)| *k == kind && code == Some(*name))
        .or_else(|| PURPOSES.iter().find(|(_, k)| *k == kind))
        .map_or("standard", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_purpose_maps_and_writes_back() {
        for (code, kind) in PURPOSES {
            assert_eq!(kind_of(code), Some(*kind));
            assert_eq!(purpose_of(*kind, Some(code)), *code);
        }
        assert_eq!(purpose_of(InvoiceKind::CreditNote, None), "creditMemo");
        assert_eq!(kind_of("proforma"), None);
    }
}
