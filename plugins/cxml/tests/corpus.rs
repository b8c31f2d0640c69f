//! Third-party cXML from `shared/corpus` (documents nobody on this team wrote): every file
//! decodes (orders, a ship notice, two invoices, a status update and a Response) with its key
//! fields as the file states them, and no SharedSecret leaks.
//! Ignored, saying why, when the corpus folder is absent (a fresh clone without it).

// `decode` returns the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{
    AckStatus, DateKind, Document, ExtensionValue, Invoice, InvoiceKind, Money,
};
use wharf_guest_sdk::contract::{AdapterError, Decoded, Inbound};
use wharf_guest_sdk::id;
use wharf_guest_sdk::testing::{call_context, decoded_json};
use wharf_plugin_cxml::CxmlAdapter;

/// The third-party corpus, as the build script found it (`tests/corpus_cfg/corpus.rs`): tests
/// that read it are ignored, with the reason, where it is absent.
fn corpus() -> PathBuf {
    PathBuf::from(env!("WHARF_CORPUS_DIR"))
}

fn decode(dir: &Path, file: &str) -> Result<Decoded, AdapterError> {
    let bytes = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    CxmlAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn third_party_orders_decode_without_their_secret() {
    let dir = corpus();
    for (file, secret, po_number, lines, test) in [
        ("cxml-php/OrderRequest.xml", "coyote", "DO1234", 2, true),
        (
            "officeluv-cxml/order_request.xml",
            "alsdkfjalksdjflaksjdfklj",
            "3309",
            2,
            false,
        ),
    ] {
        let decoded = decode(&dir, file)
            .unwrap_or_else(|e| panic!("{file}: {}", wharf_guest_sdk::error::render(&e)));
        let json = decoded_json(&decoded);
        assert!(!json.contains(secret), "{file} leaked its SharedSecret");
        assert!(json.contains("cxml.Sender.SharedSecret.present"), "{file}");
        let document = &decoded.documents[0];
        let Document::PurchaseOrder(po) = &document.body else {
            panic!("{file} is an OrderRequest");
        };
        assert_eq!(po.po_number, po_number, "{file}");
        assert_eq!(po.lines.len(), lines, "{file}");
        assert_eq!(document.envelope.test, test, "{file}");
        assert!(
            po.lines
                .iter()
                .all(|l| l.price.as_ref().is_some_and(|p| p.currency.is_some())),
            "{file}: every line price has its currency"
        );
    }
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn the_third_party_ship_notice_decodes() {
    let dir = corpus();
    let file = "cxml-php/ShipNoticeRequest.xml";
    let decoded = decode(&dir, file)
        .unwrap_or_else(|e| panic!("{file}: {}", wharf_guest_sdk::error::render(&e)));
    assert!(
        !decoded_json(&decoded).contains("abracadabra"),
        "{file} leaked its SharedSecret"
    );
    let document = &decoded.documents[0];
    assert_eq!(document.envelope.sender, [id("networkid", "AN00000123")]);
    let Document::ShipNotice(notice) = &document.body else {
        panic!("{file} is a ShipNoticeRequest");
    };
    assert_eq!(notice.shipment_id, "S2-123");
    let dates: Vec<(DateKind, &str)> = notice
        .dates
        .iter()
        .map(|d| (d.kind, d.value.as_str()))
        .collect();
    assert_eq!(
        dates,
        [
            (DateKind::Document, "2000-10-14T18:39:09-08:00"),
            (DateKind::Shipped, "2000-10-14T08:30:19-08:00"),
            (DateKind::ExpectedDelivery, "2000-10-18T09:00:00-08:00"),
        ]
    );
    let carrier = notice.carrier.as_ref().expect("a carrier");
    assert_eq!(carrier.ids, [id("scac", "FDE")]);
    assert_eq!(carrier.name.as_deref(), Some("Federal Express"));
    assert_eq!(carrier.tracking_numbers, ["8202 8261 1194"]);
    assert_eq!(notice.notes[0].text, "Got it all into one shipment.");
    assert_eq!(notice.orders.len(), 1);
    assert_eq!(notice.orders[0].po_number, "DO1234");
    assert_eq!(
        notice.orders[0].references,
        [id("previous-message", "32232995@hub.acme.com")]
    );
    assert!(notice.orders[0].items.is_empty() && notice.orders[0].packs.is_empty());
}

fn invoice(dir: &Path, file: &str, secret: &str) -> (Invoice, Decoded) {
    let decoded = decode(dir, file)
        .unwrap_or_else(|e| panic!("{file}: {}", wharf_guest_sdk::error::render(&e)));
    assert!(
        !decoded_json(&decoded).contains(secret),
        "{file} leaked its SharedSecret"
    );
    let Document::Invoice(invoice) = &decoded.documents[0].body else {
        panic!("{file} is an InvoiceDetailRequest");
    };
    (invoice.clone(), decoded)
}

fn money(amount: &str) -> Money {
    Money {
        amount: amount.to_owned(),
        currency: Some("USD".to_owned()),
    }
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn the_third_party_invoice_with_line_taxes_decodes() {
    let dir = corpus();
    let file = "officeluv-cxml/invoice_taxes_at_line.xml";
    let (invoice, decoded) = invoice(&dir, file, "\"secret\"");
    assert_eq!(invoice.invoice_number, "3495");
    assert_eq!(invoice.kind, InvoiceKind::Invoice);
    assert_eq!(invoice.dates[0].value, "2009-05-01T11:45:51-07:00");
    assert_eq!(invoice.payment_terms.as_deref(), Some("30 days"));
    // The order is known only by its payloadID.
    assert!(invoice.po_numbers.is_empty());
    assert_eq!(invoice.references, [id("previous-message", "123")]);
    let line = &invoice.lines[0];
    assert_eq!(invoice.lines.len(), 1);
    assert_eq!(
        (line.line_number.as_str(), line.order_line.as_deref()),
        ("1", Some("1"))
    );
    assert_eq!(line.po_number, None);
    assert_eq!(line.quantity.value, "1");
    assert_eq!(line.unit_price.amount, "365");
    assert_eq!(line.amount, Some(money("365")));
    assert_eq!(line.taxes.len(), 1);
    let tax = &line.taxes[0];
    assert_eq!(tax.kind, "CA");
    assert_eq!(tax.rate.as_deref(), Some("8.25"));
    assert_eq!(tax.taxable, Some(money("365")));
    assert_eq!(tax.amount, money("8"));
    assert_eq!(tax.jurisdiction.as_deref(), Some("CA"));
    assert_eq!(invoice.totals.subtotal, Some(money("365")));
    assert_eq!(invoice.totals.tax, Some(money("8")));
    let charges: Vec<(&str, &str)> = invoice
        .allowances_charges
        .iter()
        .map(|c| {
            (
                c.code.as_deref().unwrap_or_default(),
                c.amount.amount.as_str(),
            )
        })
        .collect();
    assert_eq!(
        charges,
        [("SpecialHandlingAmount", "5"), ("ShippingAmount", "30")]
    );
    // Its NetAmount is empty: the total is derived, and the decoder says so.
    assert_eq!(invoice.totals.total, money("408"));
    assert_eq!(decoded.warnings.len(), 1, "{:?}", decoded.warnings);
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn the_third_party_invoice_of_two_orders_decodes() {
    let dir = corpus();
    let file = "officeluv-cxml/invoice_backed_by_multiple_pos.xml";
    let (invoice, decoded) = invoice(&dir, file, "123456secret");
    assert_eq!(invoice.invoice_number, "INV00001");
    assert_eq!(
        decoded.documents[0].envelope.sender,
        [id("coupa", "SupplierID")]
    );
    assert_eq!(
        invoice.references,
        [
            id("previous-message", "2252"),
            id("previous-message", "2253")
        ]
    );
    let lines: Vec<(&str, &str, &str, Option<&str>)> = invoice
        .lines
        .iter()
        .map(|l| {
            let order = l
                .extensions
                .iter()
                .find(|e| e.key == "cxml.OrderReference.payloadID");
            let order = order.map(|e| match &e.value {
                wharf_guest_sdk::canonical::ExtensionValue::Text(t) => t.as_str(),
                _ => "",
            });
            (
                l.line_number.as_str(),
                l.quantity.value.as_str(),
                l.unit_price.amount.as_str(),
                order,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("1", "2", "100", Some("2252")),
            ("2", "2", "10", Some("2253"))
        ]
    );
    assert_eq!(invoice.lines[1].description.as_deref(), Some("Test Item"));
    assert_eq!(invoice.totals.subtotal, Some(money("220")));
    assert_eq!(invoice.totals.tax, Some(money("0")));
    assert_eq!(invoice.taxes.len(), 1);
    assert_eq!(
        invoice.taxes[0].taxable, None,
        "an empty TaxableAmount is none"
    );
    assert_eq!(invoice.totals.total, money("0"));
    assert!(decoded.warnings.is_empty());
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn the_third_party_answers_decode_as_acknowledgments() {
    let dir = corpus();
    for (file, message_type, answered, content) in [
        (
            "cxml-php/StatusUpdateRequest.xml",
            "StatusUpdateRequest",
            "0c300508b7863dcclb_14999",
            Some("Forwarded to supplier"),
        ),
        (
            "officeluv-cxml/response_status_200.xml",
            "Response",
            "1346769469000.process.162998590@officedepot.com",
            None,
        ),
    ] {
        let decoded = decode(&dir, file)
            .unwrap_or_else(|e| panic!("{file}: {}", wharf_guest_sdk::error::render(&e)));
        assert!(!decoded_json(&decoded).contains("abracadabra"), "{file}");
        let document = &decoded.documents[0];
        assert_eq!(
            document.envelope.message_type.as_deref(),
            Some(message_type)
        );
        let Document::FunctionalAck(ack) = &document.body else {
            panic!("{file} is an acknowledgment");
        };
        assert_eq!(ack.status, AckStatus::Accepted, "{file}");
        assert_eq!(ack.interchange_control.as_deref(), Some(answered), "{file}");
        assert!(ack.messages.is_empty(), "{file}");
        let kept = ack.extensions.iter().find(|e| e.key == "cxml.Status");
        assert_eq!(
            kept.map(|e| &e.value),
            content.map(|c| ExtensionValue::Text(c.to_owned())).as_ref(),
            "{file}"
        );
    }
}
