//! Third-party X12 from `shared/corpus` (files nobody on this team wrote) decodes, and the
//! values read match what the files say. Ignored, saying why, when the
//! corpus is absent.

// `decode` returns the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{Document, PartyRole};
use wharf_guest_sdk::contract::{AdapterError, Decoded, ErrorKind, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_x12::X12Adapter;

/// The third-party corpus, as the build script found it (`tests/corpus_cfg/corpus.rs`): tests
/// that read it are ignored, with the reason, where it is absent.
fn corpus() -> PathBuf {
    PathBuf::from(env!("WHARF_CORPUS_DIR"))
}

fn decode(dir: &Path, file: &str, strictness: &str) -> Result<Decoded, AdapterError> {
    let bytes = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    with_config(&[("strictness", strictness)], || {
        X12Adapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
}

fn one(dir: &Path, file: &str, strictness: &str) -> (Document, Decoded) {
    let decoded =
        decode(dir, file, strictness).unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
    assert_eq!(decoded.documents.len(), 1, "{file}");
    (decoded.documents[0].body.clone(), decoded)
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn node_x12_orders() {
    let dir = corpus();
    for file in ["node-x12/850.edi", "node-x12/850_2.edi"] {
        let (body, decoded) = one(&dir, file, "strict");
        let Document::PurchaseOrder(po) = body else {
            panic!("{file} is an 850")
        };
        let envelope = &decoded.documents[0].envelope;
        assert_eq!(
            envelope.interchange_control.as_deref(),
            Some("000003438"),
            "{file}"
        );
        assert_eq!(envelope.group_control.as_deref(), Some("1421"), "{file}");
        assert_eq!(envelope.version, "004010VICS", "{file}");
        assert_eq!(envelope.sender[0].value, "4405197800", "{file}");
        assert_eq!(envelope.sender[0].scheme, "x12:12", "{file}");
        assert_eq!(po.po_number, "08292233294", "{file}");
        assert_eq!(po.order_type.as_deref(), Some("SA"), "{file}");
        assert_eq!(po.lines.len(), 6, "{file}");
        let quantities: Vec<&str> = po.lines.iter().map(|l| l.quantity.value.as_str()).collect();
        assert_eq!(
            quantities,
            ["120", "220", "126", "76", "72", "696"],
            "{file}"
        );
        assert_eq!(
            po.lines[4].price.as_ref().map(|p| p.amount.as_str()),
            Some("7.5"),
            "{file}"
        );
        assert_eq!(
            po.lines[0].description.as_deref(),
            Some("SMALL WIDGET"),
            "{file}"
        );
        assert!(
            po.lines[0]
                .item_ids
                .iter()
                .any(|i| i.scheme == "supplier" && i.value == "AB3542"),
            "{file}"
        );
        assert_eq!(po.parties[0].role, PartyRole::ShipTo, "{file}");
        assert_eq!(po.parties[0].ids[0].scheme, "duns+4", "{file}");
        // AMT*1 states the line item total, 13045.94, which the six lines do add up to.
        assert_eq!(
            po.total.as_ref().map(|t| t.amount.as_str()),
            Some("13045.94"),
            "{file}"
        );
    }
    let (body, _) = one(&dir, "node-x12/850_3.edi", "strict");
    let Document::PurchaseOrder(po) = body else {
        panic!("850_3 is an 850")
    };
    assert_eq!(po.po_number, "----------");
    assert_eq!(po.lines.len(), 1);
    assert_eq!(
        po.lines[0].line_number, "1",
        "PO101 is empty, so the line is numbered by position"
    );
    assert_eq!(po.lines[0].quantity.value, "1");
    assert_eq!(po.lines[0].quantity.unit, "KI");
    assert_eq!(po.notes.len(), 1, "the MSG after N9");
    let roles: Vec<PartyRole> = po.parties.iter().map(|p| p.role).collect();
    assert_eq!(roles, [PartyRole::Supplier, PartyRole::ShipTo]);
    assert_eq!(po.parties[1].ids[0].scheme, "buyer");
    assert_eq!(po.parties[1].ids[0].value, "100");
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn node_x12_acknowledgment_and_ship_notice() {
    let dir = corpus();
    let (body, _) = one(&dir, "node-x12/855.edi", "strict");
    let Document::OrderResponse(response) = body else {
        panic!("855")
    };
    assert_eq!(response.po_number, "POTEST1112");
    assert_eq!(response.status_code.as_deref(), Some("AD"));
    assert_eq!(response.currency.as_deref(), Some("USD"));
    let codes: Vec<&str> = response
        .lines
        .iter()
        .filter_map(|l| l.status_code.as_deref())
        .collect();
    assert_eq!(codes, ["IA", "IR", "IR", "IA"]);
    assert_eq!(
        response.lines[0]
            .quantity
            .as_ref()
            .map(|q| q.value.as_str()),
        Some("3")
    );
    assert!(
        response.lines[0]
            .item_ids
            .iter()
            .any(|i| i.scheme == "gtin" && i.value == "9780446360265")
    );

    let (body, decoded) = one(&dir, "node-x12/856.edi", "strict");
    assert_eq!(decoded.documents[0].envelope.version, "004060");
    let Document::ShipNotice(notice) = body else {
        panic!("856")
    };
    assert_eq!(notice.shipment_id, "829716");
    assert_eq!(notice.structure.as_deref(), Some("0002"));
    assert_eq!(
        notice.gross_weight.as_ref().map(|w| w.value.as_str()),
        Some("60.31")
    );
    assert_eq!(notice.orders.len(), 1);
    assert_eq!(notice.orders[0].po_number, "99999817");
    let items = &notice.orders[0].items;
    let shipped: Vec<&str> = items.iter().map(|i| i.quantity.value.as_str()).collect();
    assert_eq!(shipped, ["24", "6"]);
    assert!(
        items[0]
            .item_ids
            .iter()
            .any(|i| i.scheme == "gtin" && i.value == "999999310145")
    );
    assert_eq!(notice.parties.len(), 3);
    // The bill of lading and the PRO number are both numbers the carrier tracks it by.
    assert_eq!(
        notice.carrier.as_ref().map(|c| c.tracking_numbers.clone()),
        Some(vec!["999999-001".to_owned(), "5787970539".to_owned()])
    );
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn edi_net_invoices_with_bom_and_indentation() {
    let dir = corpus();
    for (file, number, total, lines) in [
        ("edi-net/x12.810a.edi", "DO091003TESTINV01", "365.96", 2),
        ("edi-net/x12.810b.edi", "DO091003TESTINV01TAX", "401.92", 2),
    ] {
        let (body, decoded) = one(&dir, file, "strict");
        assert!(decoded.documents[0].envelope.test, "{file}: ISA15 T");
        let Document::Invoice(invoice) = body else {
            panic!("{file} is an 810")
        };
        assert_eq!(invoice.invoice_number, number, "{file}");
        assert_eq!(invoice.po_numbers, ["DO091003"], "{file}");
        assert_eq!(invoice.totals.total.amount, total, "{file}");
        assert_eq!(invoice.lines.len(), lines, "{file}");
        assert_eq!(invoice.lines[0].unit_price.amount, "99.99", "{file}");
        assert_eq!(invoice.lines[1].quantity.value, "2", "{file}");
        assert_eq!(invoice.currency.as_deref(), Some("USD"), "{file}");
        let roles: Vec<PartyRole> = invoice.parties.iter().map(|p| p.role).collect();
        assert_eq!(roles, [PartyRole::SoldTo, PartyRole::RemitTo], "{file}");
        assert_eq!(invoice.parties[0].contacts.len(), 2, "{file}");
        assert!(
            invoice
                .dates
                .iter()
                .any(|d| d.value == "2003-09-10T10:59:20-07:00"),
            "{file}: DTM04 PD"
        );
    }
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn edi_net_orders_with_a_wrong_iea02_fail_strict_and_warn_lenient() {
    let dir = corpus();
    for (file, po_number, lines) in [
        ("edi-net/x12.850.edi", "1000012", 1),
        ("edi-net/x12.850a.edi", "4600000406", 3),
    ] {
        let strict = decode(&dir, file, "strict").expect_err(file);
        assert!(
            render(&strict).contains("IEA02 \"000000001\" does not match ISA13 \"000000055\""),
            "{file}: {}",
            render(&strict)
        );
        let (body, decoded) = one(&dir, file, "lenient");
        assert_eq!(decoded.warnings.len(), 1, "{file}");
        let Document::PurchaseOrder(po) = body else {
            panic!("{file} is an 850")
        };
        assert_eq!(po.po_number, po_number, "{file}");
        assert_eq!(po.lines.len(), lines, "{file}");
    }
    let (body, _) = one(&dir, "edi-net/x12.850a.edi", "lenient");
    let Document::PurchaseOrder(po) = body else {
        panic!("850a")
    };
    assert_eq!(po.lines[0].line_number, "000100001");
    assert_eq!(po.lines[0].quantity.value, "2500");
    assert_eq!(
        po.lines[0].quantity.unit, "YRD",
        "X12's YD is read as Rec 20's yard"
    );
    assert_eq!(po.payment_terms.as_deref(), Some("NET 60 DAYS"));
    assert!(
        po.parties
            .iter()
            .any(|p| p.role == PartyRole::Supplier && p.ids[0].value == "0000600396")
    );
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn edifact_files_are_not_taken_for_x12() {
    let dir = corpus();
    for file in [
        "edi-net/edifact.ORDRSP.edi",
        "edi-net/edifact.01.multi-message.edi",
    ] {
        let err = decode(&dir, file, "strict").expect_err(file);
        assert_eq!(err.kind, ErrorKind::Syntax, "{file}");
        assert!(
            err.message.contains("starts with an ISA segment"),
            "{file}: {}",
            err.message
        );
    }
}
