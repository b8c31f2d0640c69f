//! A generated batch of 500 ship-notice rows (50 shipments of 10) with one bad quantity: 49
//! ship notices come back complete, the bad row is reported at its line and column, and its
//! shipment is refused whole. The host runs the same batch end to end in its own tests.

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::Document;
use wharf_guest_sdk::contract::{Inbound, Location, TextLocation};
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_csv::CsvAdapter;

const SHIPMENTS: usize = 50;
const ROWS_PER_SHIPMENT: usize = 10;
/// 0-based among the data rows; the file line is this plus 2 (header, 1-based lines).
const BAD_ROW: usize = 317;

fn shipment_of(row: usize) -> String {
    format!("ASN-{:04}", row / ROWS_PER_SHIPMENT + 1)
}

fn batch() -> String {
    let mut text = String::from("ASN;Lieferdatum;Bestellung;Pos;Material;Menge;ME;SSCC\r\n");
    for row in 0..SHIPMENTS * ROWS_PER_SHIPMENT {
        let quantity = if row == BAD_ROW {
            "12.5".to_owned()
        } else {
            format!("{},5", row + 1)
        };
        text.push_str(&format!(
            "{};16.03.2026;45000{:05};{};M-{row:04};{quantity};ST;{}\r\n",
            shipment_of(row),
            row % 7,
            row % ROWS_PER_SHIPMENT + 1,
            if row % 2 == 0 {
                format!("3401234500{row:08}")
            } else {
                String::new()
            },
        ));
    }
    text
}

const CONFIG: [(&str, &str); 11] = [
    ("document", "ship_notice"),
    ("delimiter", ";"),
    ("decimal_mark", ","),
    ("date_format", "DD.MM.YYYY"),
    ("columns.shipment_id", "ASN"),
    ("columns.delivery_date", "Lieferdatum"),
    ("columns.po_number", "Bestellung"),
    ("columns.line_number", "Pos"),
    ("columns.item", "Material"),
    ("columns.quantity", "Menge"),
    ("columns.unit", "ME"),
];

#[test]
fn one_bad_row_in_500_refuses_its_shipment_and_nothing_else() {
    let mut config = CONFIG.to_vec();
    config.push(("columns.sscc", "SSCC"));
    let decoded = with_config(&config, || {
        CsvAdapter::decode(Inbound {
            bytes: batch().into_bytes(),
            content_type: Some("text/csv".into()),
            context: call_context(),
        })
    })
    .expect("a batch with good rows decodes");

    assert_eq!(decoded.rejected.len(), 1, "{:?}", decoded.rejected);
    let bad = &decoded.rejected[0];
    assert_eq!(
        bad.location,
        Some(Location::Text(TextLocation {
            line: BAD_ROW as u32 + 2,
            column: 6,
        }))
    );
    assert_eq!(
        bad.message,
        format!(
            "quantity (column \"Menge\"): \"12.5\" is not a decimal with ',' as decimal mark; ship notice {} is refused as a whole",
            shipment_of(BAD_ROW)
        )
    );

    assert_eq!(decoded.documents.len(), SHIPMENTS - 1);
    let mut rows_seen = 0;
    for (document, shipment) in decoded
        .documents
        .iter()
        .zip((0..SHIPMENTS).filter(|s| *s != BAD_ROW / ROWS_PER_SHIPMENT))
    {
        let Document::ShipNotice(notice) = &document.body else {
            panic!("a ship notice batch gives ship notices");
        };
        assert_eq!(notice.shipment_id, format!("ASN-{:04}", shipment + 1));
        assert_eq!(notice.dates[0].value, "2026-03-16");
        let mut items: Vec<_> = notice
            .orders
            .iter()
            .flat_map(|o| {
                o.packs
                    .iter()
                    .flat_map(|p| p.items.iter())
                    .chain(o.items.iter())
                    .map(move |item| (o.po_number.clone(), item))
            })
            .collect();
        items.sort_by_key(|(_, item)| item.line_number.parse::<usize>().unwrap());
        assert_eq!(items.len(), ROWS_PER_SHIPMENT);
        for (offset, (po_number, item)) in items.iter().enumerate() {
            let row = shipment * ROWS_PER_SHIPMENT + offset;
            assert_eq!(*po_number, format!("45000{:05}", row % 7));
            assert_eq!(item.item_ids[0].value, format!("M-{row:04}"));
            assert_eq!(item.quantity.value, format!("{}.5", row + 1));
            rows_seen += 1;
        }
    }
    assert_eq!(rows_seen, SHIPMENTS * ROWS_PER_SHIPMENT - ROWS_PER_SHIPMENT);
}
