//! The code tables between SAP's qualifiers and the canonical model, in both directions.
//!
//! SAP's own code is always kept beside the canonical value (`Dated::qualifier`,
//! `Party::role_code`, `status_code`), so these tables only have to give the meaning; writing
//! back uses the kept code when the document came from an IDoc (see [`Origin`]). Units of
//! measure go through the canonical model's table ([`canonical_unit`]).

use wharf_guest_sdk::canonical::{
    ChangeKind, DateKind, Envelope, InvoiceKind, LineChangeKind, LineStatus, PartyRole,
    ResponseStatus,
};
use wharf_guest_sdk::units;

/// Where the document being encoded came from, which decides whether its source codes
/// (date qualifiers, partner functions) are SAP's and can be written as they are. An X12
/// qualifier `017` is not SAP's IDDAT `017`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub sap_codes: bool,
}

impl Origin {
    pub fn of(envelope: &Envelope) -> Self {
        Origin {
            sap_codes: envelope.standard.eq_ignore_ascii_case("idoc"),
        }
    }

    /// The source's code when it is SAP's and has SAP's three-digit shape.
    pub fn sap_qualifier<'a>(&self, code: Option<&'a str>) -> Option<&'a str> {
        code.filter(|c| self.sap_codes && is_three_digits(c))
    }
}

pub fn is_three_digits(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// E1EDK03/E1EDP03 IDDAT (domain IDDAT) to what the date means.
pub fn date_kind(iddat: &str) -> DateKind {
    match iddat {
        "001" => DateKind::PromisedDelivery,  // delivery date (supplier)
        "002" => DateKind::RequestedDelivery, // requested delivery date (customer)
        SHIPPING_DATE => DateKind::Shipped,   // shipping date (see `shipping_dates_as`)
        "012" | "022" => DateKind::Document,  // document date; purchase order date
        "016" | "026" => DateKind::Invoice,   // 026 is the invoice (billing) date INVOIC02 sends
        "019" => DateKind::Effective,         // start of validity
        "020" => DateKind::Expiry,            // end of validity
        "028" => DateKind::Due,
        "030" => DateKind::Received, // goods receipt date
        _ => DateKind::Other,
    }
}

/// The IDDAT a date of this meaning is written with, when SAP has one.
pub fn iddat_for(kind: DateKind) -> Option<&'static str> {
    match kind {
        DateKind::PromisedDelivery => Some("001"),
        DateKind::RequestedDelivery => Some("002"),
        DateKind::Document => Some("012"),
        DateKind::Invoice => Some("026"),
        DateKind::Effective => Some("019"),
        DateKind::Expiry => Some("020"),
        DateKind::Due => Some("028"),
        DateKind::Received => Some("030"),
        DateKind::Shipped | DateKind::RequestedShip | DateKind::PromisedShip => Some(SHIPPING_DATE),
        _ => None,
    }
}

/// IDDAT 010, "shipping date": what it means depends on the message, as EDIFACT's DTM+11
/// does. An invoice states when the goods were shipped; an order or a change when they are
/// to be, a response when they will be.
pub const SHIPPING_DATE: &str = "010";

/// Gives the dates read from IDDAT [`SHIPPING_DATE`] the meaning `kind` they have in this
/// message (RequestedShip in an order or change, PromisedShip in a response).
pub fn shipping_dates_as(dates: &mut [wharf_guest_sdk::canonical::Dated], kind: DateKind) {
    for date in dates {
        if date.kind == DateKind::Shipped && date.qualifier.as_deref() == Some(SHIPPING_DATE) {
            date.kind = kind;
        }
    }
}

/// E1EDKA1 PARVW (partner function) to the party's role.
pub fn party_role(parvw: &str) -> PartyRole {
    match parvw {
        "AG" => PartyRole::Buyer,    // sold-to party / ordering party
        "LF" => PartyRole::Supplier, // vendor
        "WE" => PartyRole::ShipTo,
        "RE" => PartyRole::BillTo,
        "RS" => PartyRole::RemitTo, // invoicing party
        "SP" => PartyRole::Carrier, // forwarding agent
        _ => PartyRole::Other,      // RG (payer) and the rest keep their PARVW in role_code
    }
}

/// The PARVW a party of this role is written with, when SAP has one.
pub fn parvw_for(role: PartyRole) -> Option<&'static str> {
    match role {
        PartyRole::Buyer | PartyRole::SoldTo => Some("AG"),
        PartyRole::Supplier => Some("LF"),
        PartyRole::ShipTo => Some("WE"),
        PartyRole::BillTo => Some("RE"),
        PartyRole::RemitTo => Some("RS"),
        PartyRole::Carrier => Some("SP"),
        _ => None,
    }
}

/// E1EDP19 QUALF to the scheme of the item identifier it qualifies.
pub fn item_id_scheme(qualf: &str) -> String {
    match qualf {
        "001" => "buyer".to_owned(),    // customer's material number
        "002" => "supplier".to_owned(), // vendor's material number
        "003" => "gtin".to_owned(),     // EAN/UPC
        other => format!("sap:E1EDP19:{other}"),
    }
}

/// The E1EDP19 QUALF an item identifier of this scheme is written with.
pub fn item_id_qualifier(scheme: &str) -> Option<&str> {
    match scheme {
        "buyer" => Some("001"),
        "supplier" => Some("002"),
        "gtin" => Some("003"),
        other => other.strip_prefix("sap:E1EDP19:"),
    }
}

/// ORDRSP E1EDK01 ACTION to the response's status. No ACTION means no decision yet.
pub fn response_status(action: Option<&str>) -> ResponseStatus {
    match action {
        Some("000") => ResponseStatus::Accepted,
        Some("001") => ResponseStatus::Rejected,
        Some("002" | "003" | "004") => ResponseStatus::AcceptedWithChanges,
        _ => ResponseStatus::Pending,
    }
}

/// The E1EDK01 ACTION a response of this status is written with; pending writes none.
pub fn header_action(status: ResponseStatus) -> Option<&'static str> {
    match status {
        ResponseStatus::Accepted => Some("000"),
        ResponseStatus::AcceptedWithChanges => Some("004"),
        ResponseStatus::Rejected => Some("001"),
        ResponseStatus::Pending => None,
    }
}

/// ORDRSP E1EDP01 ACTION to the line's status. A confirmation line without an action code
/// confirms the line as it stands.
pub fn line_status(action: Option<&str>) -> LineStatus {
    match action {
        None | Some("004") => LineStatus::Accepted, // item not changed
        Some("001" | "002") => LineStatus::Changed, // item added; item changed
        Some("003") => LineStatus::Rejected,        // item cancelled
        _ => LineStatus::Pending,                   // 005 item locked, and codes we do not know
    }
}

/// The E1EDP01 ACTION a line of this status is written with.
pub fn item_action(status: LineStatus) -> &'static str {
    match status {
        LineStatus::Accepted => "004",
        LineStatus::Changed | LineStatus::Backordered => "002",
        LineStatus::Rejected | LineStatus::Deleted => "003",
        LineStatus::Pending => "005",
    }
}

/// E1EDK01/E1EDP01 ACTION of a change: the code that deletes (cancels) an order or item.
pub const DELETED: &str = "003";

/// ORDCHG E1EDK01 ACTION to what the change does to the order: 003 (deleted) cancels it, and
/// so does 001, which some senders use for a cancelled order; anything else updates it.
pub fn order_change_kind(action: Option<&str>) -> ChangeKind {
    match action {
        Some("001" | DELETED) => ChangeKind::Cancel,
        _ => ChangeKind::Update,
    }
}

/// ORDCHG E1EDP01 ACTION to what the change does to the item. The IDoc does not say which of
/// an item's values changed, so a change is only ever [`LineChangeKind::Change`].
pub fn line_change_kind(action: Option<&str>) -> LineChangeKind {
    match action {
        None | Some("004") => LineChangeKind::Unchanged,
        Some("001") => LineChangeKind::Add,
        Some(DELETED) => LineChangeKind::Cancel,
        _ => LineChangeKind::Change, // 002, and codes we do not know
    }
}

/// The E1EDP01 ACTION an item change of this kind is written with.
pub fn line_change_action(kind: LineChangeKind) -> &'static str {
    match kind {
        LineChangeKind::Add => "001",
        LineChangeKind::Cancel => DELETED,
        LineChangeKind::Unchanged => "004",
        LineChangeKind::ChangeQuantity
        | LineChangeKind::ChangePrice
        | LineChangeKind::ChangeDates
        | LineChangeKind::Change => "002",
    }
}

/// INVOIC02 E1EDK01 BSART to the invoice's kind: CRME is a credit memo, INVO (and anything
/// else) an invoice.
pub fn invoice_kind(bsart: Option<&str>) -> InvoiceKind {
    match bsart {
        Some("CRME") => InvoiceKind::CreditNote,
        _ => InvoiceKind::Invoice,
    }
}

/// The E1EDK01 BSART an invoice of this kind is written with. SAP has no document type of its
/// own for a debit note; it is an invoice that bills more.
pub fn invoice_bsart(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::CreditNote => "CRME",
        InvoiceKind::Invoice | InvoiceKind::DebitNote => "INVO",
    }
}

/// The canonical (UN/ECE Rec 20) unit of an IDoc unit field. IDocs carry SAP's ISO unit codes,
/// which are Rec 20 (or GS1's PCE, which the table holds too); a landscape that sends its
/// internal units unconverted (ST, KG, M) gets them mapped through the canonical table
/// ([`wharf_guest_sdk::units`]). A code neither knows passes unchanged: an agreement may use
/// units of its own.
pub fn canonical_unit(code: &str) -> String {
    let code = code.trim();
    if units::rec20(code).is_some() {
        return code.to_owned();
    }
    units::from_sap(code).unwrap_or(code).to_owned()
}

/// SAP's internal unit for a canonical one, for the fields that hold internal units (a
/// goods movement's ENTRY_UOM); a unit the table has no SAP code for is written as it is.
pub fn sap_unit(code: &str) -> &str {
    let code = code.trim();
    units::to_sap(code).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_code_reads_back_to_its_meaning() {
        for kind in [
            DateKind::Shipped,
            DateKind::PromisedDelivery,
            DateKind::RequestedDelivery,
            DateKind::Document,
            DateKind::Invoice,
            DateKind::Effective,
            DateKind::Expiry,
            DateKind::Due,
            DateKind::Received,
        ] {
            let code = iddat_for(kind).expect("kind has an IDDAT");
            assert_eq!(date_kind(code), kind, "{code}");
        }
        assert_eq!(date_kind("022"), DateKind::Document);
        assert_eq!(date_kind("011"), DateKind::Other);
        assert_eq!(iddat_for(DateKind::Shipped), Some(SHIPPING_DATE));
        assert_eq!(iddat_for(DateKind::PromisedShip), Some(SHIPPING_DATE));
        assert_eq!(iddat_for(DateKind::ExpectedDelivery), None);

        for role in [
            PartyRole::Buyer,
            PartyRole::Supplier,
            PartyRole::ShipTo,
            PartyRole::BillTo,
            PartyRole::RemitTo,
            PartyRole::Carrier,
        ] {
            let code = parvw_for(role).expect("role has a PARVW");
            assert_eq!(party_role(code), role, "{code}");
        }
        assert_eq!(party_role("RG"), PartyRole::Other);
        assert_eq!(parvw_for(PartyRole::Other), None);

        for scheme in ["buyer", "supplier", "gtin", "sap:E1EDP19:Z01"] {
            let code = item_id_qualifier(scheme).expect("scheme has a QUALF");
            assert_eq!(item_id_scheme(code), scheme);
        }
        assert_eq!(item_id_qualifier("duns"), None);

        for status in [
            ResponseStatus::Accepted,
            ResponseStatus::AcceptedWithChanges,
            ResponseStatus::Rejected,
            ResponseStatus::Pending,
        ] {
            assert_eq!(response_status(header_action(status)), status);
        }
        for status in [
            LineStatus::Accepted,
            LineStatus::Changed,
            LineStatus::Rejected,
            LineStatus::Pending,
        ] {
            assert_eq!(line_status(Some(item_action(status))), status);
        }
        assert_eq!(item_action(LineStatus::Backordered), "002");
        assert_eq!(item_action(LineStatus::Deleted), "003");
        assert_eq!(line_status(None), LineStatus::Accepted);

        for kind in [
            LineChangeKind::Add,
            LineChangeKind::Cancel,
            LineChangeKind::Change,
            LineChangeKind::Unchanged,
        ] {
            assert_eq!(line_change_kind(Some(line_change_action(kind))), kind);
        }
        assert_eq!(order_change_kind(Some("001")), ChangeKind::Cancel);
        assert_eq!(order_change_kind(Some("004")), ChangeKind::Update);
        for kind in [InvoiceKind::Invoice, InvoiceKind::CreditNote] {
            assert_eq!(invoice_kind(Some(invoice_bsart(kind))), kind);
        }
        assert_eq!(date_kind("016"), DateKind::Invoice);
    }

    #[test]
    fn only_sap_documents_lend_their_codes() {
        let mut envelope = wharf_guest_sdk::envelope("x12", "004010");
        assert_eq!(Origin::of(&envelope).sap_qualifier(Some("017")), None);
        envelope.standard = "idoc".to_owned();
        let origin = Origin::of(&envelope);
        assert_eq!(origin.sap_qualifier(Some("017")), Some("017"));
        assert_eq!(origin.sap_qualifier(Some("EDATU")), None);
    }
}
