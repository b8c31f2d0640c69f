//! decode(encode(doc)) == doc for generated purchase orders, ship notices, invoices and
//! supplier master data in the form the decoder produces, under generated layouts: delimiter,
//! decimal mark, date format, line ending, header names or shuffled positions with unmapped
//! gaps. Values hold what a
//! writer must quote (delimiters, quotes, non-ASCII), amounts are large, negative and have up to
//! 6 decimals.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_guest_sdk::{Adapter, Decimal, decimal, id};
use wharf_plugin_csv::CsvAdapter;
use wharf_plugin_csv::layout::Batch;

#[path = "round_trip/documents.rs"]
mod documents;

/// An agreement's settings for `batch`, as `key = value` pairs.
fn settings(batch: Batch) -> impl Strategy<Value = Vec<(String, String)>> {
    let fields: Vec<&'static str> = batch.fields().iter().map(|f| f.name).collect();
    let count = fields.len();
    (
        select(vec![",", ";", "tab", "|"]),
        select(vec![".", ","]),
        select(vec!["YYYY-MM-DD", "DD.MM.YYYY", "YYYYMMDD", "MM/DD/YYYY"]),
        select(vec!["crlf", "lf"]),
        0..3u8,
        Just((0..count).map(|i| 2 * i + 1).collect::<Vec<_>>()).prop_shuffle(),
    )
        .prop_map(move |(delimiter, mark, dates, ending, layout, positions)| {
            let mut out: Vec<(String, String)> = vec![
                ("document".into(), batch.name().into()),
                ("delimiter".into(), delimiter.into()),
                ("decimal_mark".into(), mark.into()),
                ("date_format".into(), dates.into()),
                ("line_ending".into(), ending.into()),
            ];
            match layout {
                // Every field under its own name.
                0 => {}
                // Every field under a header of the partner's choosing.
                1 => out.extend(fields.iter().map(|f| {
                    (
                        format!("columns.{f}"),
                        format!("{} Spalte", f.to_uppercase()),
                    )
                })),
                // No header: shuffled positions, every other column unmapped.
                _ => {
                    out.push(("header".into(), "false".into()));
                    out.extend(
                        fields
                            .iter()
                            .zip(&positions)
                            .map(|(f, p)| (format!("columns.{f}"), p.to_string())),
                    );
                }
            }
            out
        })
}

fn round_trip(body: Document, settings: &[(String, String)]) -> Result<(), TestCaseError> {
    let config: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let document = CanonicalDocument {
        envelope: wharf_guest_sdk::envelope("portal-json", "wharf.portal/1"),
        body: body.clone(),
    };
    let encoded = with_config(&config, || CsvAdapter::encode(document, encode_context()))
        .map_err(|e| TestCaseError::fail(wharf_guest_sdk::error::render(&e)))?;
    let text = String::from_utf8(encoded.bytes.clone()).unwrap();
    let decoded = with_config(&config, || {
        CsvAdapter::decode(Inbound {
            bytes: encoded.bytes,
            content_type: None,
            context: call_context(),
        })
    })
    .map_err(|e| TestCaseError::fail(format!("{}\n{text}", wharf_guest_sdk::error::render(&e))))?;
    prop_assert!(
        decoded.rejected.is_empty(),
        "{:?}\n{}",
        decoded.rejected,
        text
    );
    prop_assert_eq!(decoded.documents.len(), 1, "{}", text);
    prop_assert_eq!(&decoded.documents[0].body, &body, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn purchase_orders_round_trip(
        settings in settings(Batch::PurchaseOrder),
        po in documents::purchase_order(),
    ) {
        round_trip(Document::PurchaseOrder(po), &settings)?;
    }

    #[test]
    fn ship_notices_round_trip(
        settings in settings(Batch::ShipNotice),
        notice in documents::ship_notice(),
    ) {
        round_trip(Document::ShipNotice(notice), &settings)?;
    }

    #[test]
    fn suppliers_round_trip(
        settings in settings(Batch::Supplier),
        supplier in documents::supplier(),
    ) {
        round_trip(Document::Supplier(supplier), &settings)?;
    }

    #[test]
    fn invoices_round_trip(
        settings in settings(Batch::Invoice),
        invoice in documents::invoice(),
    ) {
        round_trip(Document::Invoice(invoice), &settings)?;
    }
}

/// A value as a trimming reader gives it back: no blank at either end, never empty.
pub fn value() -> impl Strategy<Value = String> {
    "[\\PC&&\\S]([\\PC]{0,10}[\\PC&&\\S])?"
}

pub fn amount() -> impl Strategy<Value = String> {
    (any::<i64>(), 0u32..=6).prop_map(|(m, scale)| decimal::format(Decimal::new(m, scale)))
}

pub fn date() -> impl Strategy<Value = String> {
    "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
}

pub fn unit() -> impl Strategy<Value = String> {
    select(vec!["PCE", "EA", "KGM", "ST"]).prop_map(str::to_owned)
}

/// The item identifiers a row gives: the buyer's part number, then the supplier's.
pub fn item_ids() -> impl Strategy<Value = Vec<Identifier>> {
    (option::of(value()), option::of(value())).prop_map(|(buyer, supplier)| {
        let mut ids = Vec::new();
        ids.extend(buyer.map(|v| id("buyer", v)));
        ids.extend(supplier.map(|v| id("supplier", v)));
        ids
    })
}

/// Parties in the roles given, in that order, each with one id in the default scheme.
pub fn parties(roles: &'static [PartyRole]) -> impl Strategy<Value = Vec<Party>> {
    vec(option::of(value()), roles.len()).prop_map(move |values| {
        roles
            .iter()
            .zip(values)
            .filter_map(|(role, value)| {
                Some(Party {
                    role: *role,
                    role_code: None,
                    ids: vec![id("buyer", value?)],
                    name: None,
                    address: None,
                    contacts: Vec::new(),
                })
            })
            .collect()
    })
}

pub fn dated(kind: DateKind) -> impl Strategy<Value = Option<Dated>> {
    option::of(date()).prop_map(move |value| {
        value.map(|value| Dated {
            kind,
            value,
            qualifier: None,
        })
    })
}
