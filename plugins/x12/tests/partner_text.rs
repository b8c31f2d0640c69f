//! Property tests over what partners actually send, beyond the tidy upper-case codes of
//! `round_trip.rs`: lowercase and non-ASCII text, amounts that are large, negative or carry
//! six decimals, and text holding the agreement's own delimiters, which X12 cannot escape and
//! the writer refuses at the segment and element (see `src/writer.rs`).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::contract::{AdapterError, ErrorKind, Inbound, Location};
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_guest_sdk::{decimal, envelope, id};
use wharf_plugin_x12::{X12Adapter, codes};

fn encode(body: Document) -> Result<Vec<u8>, AdapterError> {
    let mut env = envelope("x12", "004010");
    env.sender = vec![id("x12:ZZ", "SENDER")];
    env.receiver = vec![id("x12:ZZ", "RECEIVER")];
    with_config(&[], || {
        X12Adapter::encode(
            CanonicalDocument {
                envelope: env,
                body,
            },
            encode_context(),
        )
    })
    .map(|encoded| encoded.bytes)
}

fn round_trip(body: Document) -> Document {
    let bytes = encode(body).unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let decoded = X12Adapter::decode(Inbound {
        bytes: bytes.clone(),
        content_type: None,
        context: call_context(),
    })
    .unwrap_or_else(|e| {
        panic!(
            "{}\n{}",
            wharf_guest_sdk::error::render(&e),
            String::from_utf8_lossy(&bytes)
        )
    });
    assert!(decoded.warnings.is_empty() && decoded.rejected.is_empty());
    decoded
        .documents
        .into_iter()
        .next()
        .expect("one document")
        .body
}

/// Text as partners write it: mixed case, accents, CJK, punctuation X12 does not reserve.
fn partner_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9äöüÄÖÜßéèñçøå東京][a-zA-Z0-9äöüßéñçøå東京 .,/&'()#-]{0,18}[a-zA-Z0-9äöüßéñø東京]"
}

/// A decimal of up to eleven integer digits and up to six decimals, either sign, in canonical
/// spelling.
fn amount() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        0u64..100_000_000_000,
        0u32..1_000_000,
        0u32..=6,
    )
        .prop_map(|(negative, units, fraction, scale)| {
            let fraction = fraction % 10u32.pow(scale);
            let sign = if negative { "-" } else { "" };
            let text = if scale == 0 {
                format!("{sign}{units}")
            } else {
                format!("{sign}{units}.{fraction:0width$}", width = scale as usize)
            };
            decimal::normalize(&text).unwrap_or_default()
        })
}

/// A positive quantity with up to six decimals.
fn quantity() -> impl Strategy<Value = String> {
    (1u64..10_000_000_000, 0u32..1_000_000).prop_map(|(units, micro)| {
        decimal::normalize(&format!("{units}.{micro:06}")).unwrap_or_default()
    })
}

fn order(
    po_number: String,
    name: String,
    description: String,
    note: String,
    price: String,
    quantity: String,
) -> PurchaseOrder {
    PurchaseOrder {
        po_number,
        order_type: Some("SA".to_owned()),
        currency: Some("USD".to_owned()),
        dates: vec![Dated {
            kind: DateKind::Document,
            value: "2026-03-03".to_owned(),
            qualifier: None,
        }],
        parties: vec![Party {
            role: codes::party_role("ST"),
            role_code: Some("ST".to_owned()),
            ids: Vec::new(),
            name: Some(name),
            address: None,
            contacts: Vec::new(),
        }],
        references: Vec::new(),
        payment_terms: None,
        notes: vec![Note {
            kind: Some("GEN".to_owned()),
            text: note,
        }],
        lines: vec![OrderLine {
            line_number: "1".to_owned(),
            parent_line: None,
            item_ids: vec![id("buyer", "A-100")],
            description: Some(description),
            quantity: Quantity {
                value: quantity,
                unit: "EA".to_owned(),
            },
            price: Some(Price {
                amount: price,
                currency: Some("USD".to_owned()),
                basis: None,
            }),
            schedule: Vec::new(),
            dates: Vec::new(),
            references: Vec::new(),
            notes: Vec::new(),
            extensions: Vec::new(),
        }],
        total: None,
        extensions: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn partner_text_and_amounts_survive_encode_and_decode(
        po_number in partner_text(), name in partner_text(), description in partner_text(),
        note in partner_text(), price in amount(), quantity in quantity(),
    ) {
        let po = order(po_number, name, description, note, price, quantity);
        let body = Document::PurchaseOrder(po.clone());
        prop_assert_eq!(round_trip(body), Document::PurchaseOrder(po));
    }

    #[test]
    fn text_holding_a_delimiter_is_refused_at_its_segment_and_element(
        name in partner_text(), at in any::<prop::sample::Index>(),
        delimiter in prop::sample::select(vec!['*', '~', '>']),
    ) {
        let split = at.index(name.chars().count() + 1);
        let mut with: String = name.chars().take(split).collect();
        with.push(delimiter);
        with.extend(name.chars().skip(split));
        let po = order("4500017790".to_owned(), with, "Hex bolt".to_owned(), "Ship complete".to_owned(), "2.5".to_owned(), "10".to_owned());
        let refused = encode(Document::PurchaseOrder(po)).expect_err("a delimiter in N102");
        prop_assert_eq!(refused.kind, ErrorKind::Validation);
        let Some(Location::Segment(place)) = &refused.location else {
            panic!("no segment location: {}", refused.message)
        };
        prop_assert_eq!((place.segment_id.as_str(), place.element), ("N1", Some(2)));
        prop_assert!(refused.message.contains(delimiter), "{}", refused.message);
    }

    #[test]
    fn invoice_totals_in_whole_cents_survive_large_and_negative(
        cents in -100_000_000_000_000i64..100_000_000_000_000,
    ) {
        let total = decimal::normalize(&format!("{}.{:02}", cents / 100, (cents % 100).abs()))
            .unwrap_or_default();
        let total = if cents < 0 && !total.starts_with('-') && total != "0" { format!("-{total}") } else { total };
        let invoice = Invoice {
            invoice_number: "INV-1".to_owned(),
            kind: InvoiceKind::Invoice,
            po_numbers: vec!["4500017790".to_owned()],
            currency: Some("USD".to_owned()),
            dates: vec![Dated { kind: DateKind::Invoice, value: "2026-03-10".to_owned(), qualifier: None }],
            parties: Vec::new(),
            references: Vec::new(),
            payment_terms: None,
            lines: Vec::new(),
            taxes: Vec::new(),
            allowances_charges: Vec::new(),
            totals: InvoiceTotals {
                subtotal: None,
                tax: None,
                allowances_charges: None,
                total: Money { amount: total.clone(), currency: Some("USD".to_owned()) },
                due: None,
            },
            notes: Vec::new(),
            extensions: Vec::new(),
        };
        let Document::Invoice(again) = round_trip(Document::Invoice(invoice)) else {
            panic!("810")
        };
        prop_assert_eq!(again.totals.total.amount, total);
    }
}

#[test]
fn an_850_price_and_total_keep_six_decimals() {
    let mut po = order(
        "4500017791".to_owned(),
        "Plant 2".to_owned(),
        "Hex bolt".to_owned(),
        "Ship complete".to_owned(),
        "0.123456".to_owned(),
        "1000000".to_owned(),
    );
    // An 850 price may carry six decimals (R type); it is written as given.
    po.total = Some(Money {
        amount: "123456.123456".to_owned(),
        currency: Some("USD".to_owned()),
    });
    let bytes = encode(Document::PurchaseOrder(po)).unwrap_or_else(|e| panic!("{}", e.message));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("PO1*1*1000000*EA*0.123456"), "{text}");
    assert!(text.contains("AMT*TT*123456.123456"), "{text}");
}

#[test]
fn an_invoice_total_with_fractions_of_a_cent_is_refused_not_rounded() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/invoice.encode.json"
    );
    let mut document = wharf_guest_sdk::testing::read_document(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("{e}"));
    let Document::Invoice(invoice) = &mut document.body else {
        panic!("810")
    };
    // TDS01 is type N2, whole cents: 81.505 has no spelling there.
    invoice.totals.total.amount = "81.505".to_owned();
    let refused = encode(document.body).expect_err("fractions of a cent");
    assert_eq!(refused.kind, ErrorKind::Validation);
    assert!(
        refused.message.contains("totals.total"),
        "{}",
        refused.message
    );
}

#[test]
fn a_party_needs_a_name_or_an_identifier_as_n1_syntax_note_r0203_says() {
    let base = || {
        order(
            "4500017792".to_owned(),
            "Plant 2".to_owned(),
            "Hex bolt".to_owned(),
            "Ship complete".to_owned(),
            "2.5".to_owned(),
            "10".to_owned(),
        )
    };
    // An identifier in a scheme X12 has no N103 code for is written as ZZ, mutually defined.
    let mut po = base();
    po.parties[0].name = None;
    po.parties[0].ids = vec![id("portal-site", "KS-0042")];
    let bytes = encode(Document::PurchaseOrder(po)).unwrap_or_else(|e| panic!("{}", e.message));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("~N1*ST**ZZ*KS-0042~"), "{text}");
    // With neither, there is nothing N1 may carry.
    let mut po = base();
    po.parties[0].name = None;
    let refused = encode(Document::PurchaseOrder(po)).expect_err("an empty N1");
    assert_eq!(refused.kind, ErrorKind::Validation);
    assert!(refused.message.contains("R0203"), "{}", refused.message);
}

#[test]
fn an_invoice_line_without_a_unit_is_refused_as_it1_p020304_says() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/invoice.encode.json"
    );
    let mut document = wharf_guest_sdk::testing::read_document(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("{e}"));
    let Document::Invoice(invoice) = &mut document.body else {
        panic!("810")
    };
    invoice.lines[0].quantity.unit = String::new();
    let refused = encode(document.body).expect_err("IT103 missing");
    assert!(
        refused.message.contains("lines[0].quantity.unit") && refused.message.contains("P020304"),
        "{}",
        refused.message
    );
}

#[test]
fn versions_before_004010_are_read_but_not_written() {
    let po = order(
        "4500017793".to_owned(),
        "Plant 2".to_owned(),
        "Hex bolt".to_owned(),
        "Ship complete".to_owned(),
        "2.5".to_owned(),
        "10".to_owned(),
    );
    let mut env = envelope("x12", "003040");
    env.sender = vec![id("x12:ZZ", "SENDER")];
    env.receiver = vec![id("x12:ZZ", "RECEIVER")];
    let document = CanonicalDocument {
        envelope: env,
        body: Document::PurchaseOrder(po),
    };
    // A document read from a 003040 file is written in the oldest version the writer has.
    let encoded = with_config(&[], || {
        X12Adapter::encode(document.clone(), encode_context())
    })
    .unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(encoded.envelope.version, "004010");
    // An agreement that asks for 003040 is told why not.
    let refused = with_config(&[("version", "003040")], || {
        X12Adapter::encode(document, encode_context())
    })
    .expect_err("003040 is not written");
    assert_eq!(refused.kind, ErrorKind::Configuration);
    assert!(refused.message.contains("YYMMDD"), "{}", refused.message);
}
