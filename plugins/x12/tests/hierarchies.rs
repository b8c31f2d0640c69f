//! 856 hierarchies other than shipment → order → pack → item, on this team's fixtures in
//! `tests/golden` (each also a golden case), mapped into the canonical tree as
//! `src/ship_notice/tree.rs` describes; and each written back as S-O-P-I and read again the same.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document, ShipNotice, ShippedItem};
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_x12::X12Adapter;

fn decode(bytes: Vec<u8>) -> CanonicalDocument {
    let decoded = with_config(&[], || {
        X12Adapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    assert!(decoded.warnings.is_empty() && decoded.rejected.is_empty());
    decoded.documents.into_iter().next().expect("one document")
}

/// The fixture's notice, after checking that writing it and reading it back changes nothing
/// but BSN05, which then names the S-O-P-I tree that was written.
fn notice(fixture: &str) -> ShipNotice {
    let path = format!("{}/tests/golden/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let document = decode(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")));
    let encoded = with_config(&[], || {
        X12Adapter::encode(document.clone(), encode_context())
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let again = decode(encoded.bytes);
    let (Document::ShipNotice(first), Document::ShipNotice(mut second)) =
        (document.body, again.body)
    else {
        panic!("856")
    };
    second.structure.clone_from(&first.structure);
    assert_eq!(
        first.orders, second.orders,
        "{fixture} written and read back"
    );
    first
}

/// (HL01, LIN01, SN102) of items.
fn items(items: &[ShippedItem]) -> Vec<(&str, Option<&str>, &str)> {
    items
        .iter()
        .map(|i| {
            (
                i.line_number.as_str(),
                i.order_line.as_deref(),
                i.quantity.value.as_str(),
            )
        })
        .collect()
}

#[test]
fn items_under_the_shipment_go_to_the_order_their_prf_names() {
    let notice = notice("asn-items-under-shipment.decode.edi");
    let orders: Vec<&str> = notice.orders.iter().map(|o| o.po_number.as_str()).collect();
    assert_eq!(orders, ["4500017740", "4500017741"]);
    assert_eq!(
        items(&notice.orders[0].items),
        [("2", Some("1"), "10"), ("4", Some("3"), "6")]
    );
    assert_eq!(items(&notice.orders[1].items), [("3", Some("2"), "4")]);
    assert_eq!(notice.orders[0].dates[0].value, "2026-03-01", "PRF04");
}

#[test]
fn tare_pack_item_without_an_order_level_takes_the_order_from_the_items() {
    let notice = notice("asn-tare-pack-item.decode.edi");
    assert_eq!(notice.orders.len(), 1);
    let order = &notice.orders[0];
    assert_eq!(order.po_number, "4500017742");
    let packs: Vec<(&str, Option<&str>)> = order
        .packs
        .iter()
        .map(|p| (p.pack_id.as_str(), p.parent_pack.as_deref()))
        .collect();
    // Packs are named by their SSCC (MAN GM), not by the HL01 they sat under (2, 3, 5).
    let (tare, first, second) = (
        "00012345600000001015",
        "00012345600000001022",
        "00012345600000001039",
    );
    assert_eq!(
        packs,
        [(tare, None), (first, Some(tare)), (second, Some(tare))]
    );
    assert_eq!(items(&order.packs[1].items), [("4", Some("1"), "10")]);
    assert_eq!(items(&order.packs[2].items), [("6", Some("2"), "4")]);
}

#[test]
fn tare_pack_item_under_an_order() {
    let notice = notice("asn-order-tare-pack-item.decode.edi");
    let order = &notice.orders[0];
    assert_eq!(order.po_number, "4500017743");
    // HL 4's parent is HL 3, the tare whose SSCC names it.
    assert_eq!(
        order.packs[1].parent_pack.as_deref(),
        Some("00012345600000001046")
    );
    assert_eq!(items(&order.packs[1].items), [("5", Some("1"), "10")]);
}

#[test]
fn packs_under_items_hold_those_items() {
    let notice = notice("asn-packs-under-items.decode.edi");
    assert_eq!(notice.structure.as_deref(), Some("0002"));
    let order = &notice.orders[0];
    assert!(order.items.is_empty());
    assert_eq!(items(&order.packs[0].items), [("3", Some("1"), "10")]);
    assert_eq!(items(&order.packs[1].items), [("5", Some("2"), "4")]);
    let sscc = &order.packs[1].marks[0];
    assert_eq!(
        (sscc.scheme.as_str(), sscc.value.as_str()),
        ("sscc", "00012345600000001077")
    );
}

#[test]
fn an_item_over_several_packs_is_spread_by_the_quantities_the_packs_state() {
    let notice = notice("asn-item-spread-over-packs.decode.edi");
    let order = &notice.orders[0];
    assert!(order.items.is_empty());
    assert_eq!(items(&order.packs[0].items), [("3", Some("1"), "6")]);
    assert_eq!(items(&order.packs[1].items), [("3.2", Some("1"), "4")]);
    // SN105, the quantity ordered, stays once, with the first part.
    let ordered = order.packs[0].items[0]
        .ordered
        .as_ref()
        .map(|q| q.value.as_str());
    assert_eq!(ordered, Some("10"));
    assert!(order.packs[1].items[0].ordered.is_none());
    assert!(notice.extensions.is_empty(), "the packs' SN1 were used");
}

#[test]
fn a_single_order_named_at_shipment_level_holds_the_items_under_the_shipment() {
    let notice = notice("asn-order-at-shipment-level.decode.edi");
    assert_eq!(notice.orders.len(), 1);
    assert_eq!(notice.orders[0].po_number, "4500017746");
    assert_eq!(
        items(&notice.orders[0].items),
        [("2", Some("1"), "10"), ("3", Some("2"), "4")]
    );
    assert!(notice.extensions.is_empty(), "the shipment's PRF was used");
}

#[test]
fn a_pack_s_own_segments_follow_it_when_its_sscc_names_it() {
    // asn-two-orders with a PKG under pack HL 4 (SSCC ...024): kept under the pack's SSCC,
    // and written back under whatever HL number that pack gets.
    let path = format!(
        "{}/tests/golden/asn-two-orders.decode.edi",
        env!("CARGO_MANIFEST_DIR")
    );
    let original = std::fs::read_to_string(&path).expect("fixture");
    let with_pkg = original
        .replace(
            "MAN|GM|00012345600000000024\n",
            "MAN|GM|00012345600000000024\nPKG|F||||BOX OF 25\n",
        )
        .replace("SE|38|0001", "SE|39|0001");
    assert_ne!(with_pkg, original, "the fixture has the pack");
    let document = decode(with_pkg.into_bytes());
    let Document::ShipNotice(notice) = &document.body else {
        panic!("856")
    };
    let keys: Vec<&str> = notice
        .extensions
        .iter()
        .map(|e| e.key.as_str())
        .filter(|k| k.contains("PKG"))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with("x12.HL.00012345600000000024."),
        "{keys:?}"
    );
    let encoded = with_config(&[], || {
        X12Adapter::encode(document.clone(), encode_context())
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let text = String::from_utf8(encoded.bytes).expect("text");
    let segments: Vec<&str> = text.split(['~', '\n']).map(str::trim).collect();
    let man = segments
        .iter()
        .position(|s| s.ends_with("00012345600000000024"))
        .expect("the pack's MAN");
    assert!(
        segments[man + 1].starts_with("PKG"),
        "PKG right after the pack's MAN: {:?}",
        &segments[man - 1..man + 2]
    );
}

#[test]
fn a_notice_dated_without_a_time_reads_back_without_one() {
    // BSN04 is mandatory: a date alone is written with 0000 and must not come back as
    // midnight (an EDIFACT DTM+137 in format 102 crossed X12 as 2026-02-01T00:00:00).
    let path = format!(
        "{}/tests/golden/asn-two-orders.decode.edi",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut document = decode(std::fs::read(&path).expect("fixture"));
    let Document::ShipNotice(notice) = &mut document.body else {
        panic!("856")
    };
    let dated = notice
        .dates
        .iter_mut()
        .find(|d| d.kind == wharf_guest_sdk::canonical::DateKind::Document)
        .expect("BSN03");
    dated.value = "2026-02-01".to_owned();
    let encoded = with_config(&[], || X12Adapter::encode(document, encode_context()))
        .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let text = String::from_utf8(encoded.bytes.clone()).expect("text");
    assert!(text.contains("*20260201*0000*"), "{text}");
    let Document::ShipNotice(again) = decode(encoded.bytes).body else {
        panic!("856")
    };
    let kinds: Vec<(&str, bool)> = again
        .dates
        .iter()
        .map(|d| {
            (
                d.value.as_str(),
                d.kind == wharf_guest_sdk::canonical::DateKind::Document,
            )
        })
        .collect();
    assert!(kinds.contains(&("2026-02-01", true)), "{kinds:?}");
}
