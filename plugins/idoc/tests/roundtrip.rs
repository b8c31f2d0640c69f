//! Round trips through the adapter: what it reads it writes back with the same content, and
//! what it writes it reads back as the same document.

use std::fs;
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document, Money, Quantity};
use wharf_guest_sdk::contract::{Decoded, Inbound};
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_idoc::IdocAdapter;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn decode(bytes: Vec<u8>) -> Decoded {
    IdocAdapter::decode(Inbound {
        bytes,
        content_type: Some("application/xml".into()),
        context: call_context(),
    })
    .unwrap_or_else(|e| panic!("decodes: {}", wharf_guest_sdk::error::render(&e)))
}

fn encode(document: CanonicalDocument) -> Vec<u8> {
    IdocAdapter::encode(document, encode_context())
        .unwrap_or_else(|e| panic!("encodes: {}", wharf_guest_sdk::error::render(&e)))
        .bytes
}

fn config_of(case: &str) -> Vec<(String, String)> {
    fs::read_to_string(golden(&format!("{case}.config")))
        .map(|text| {
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_decoded_idoc_encodes_back_to_the_same_document() {
    for case in [
        "orders05-standard.decode.xml",
        "orders05-two-idocs.decode.xml",
        "orders05-extension-latin1.decode.xml",
        "ordrsp-confirmation.decode.xml",
        "ordchg-update.decode.xml",
        "desadv-pallet.decode.xml",
        "desadv-serials-texts.decode.xml",
        "invoic02-standard.decode.xml",
        "mbgmcr03-receipt.decode.xml",
        "mbgmcr02-positions.decode.xml",
    ] {
        let bytes = fs::read(golden(case)).expect("golden input");
        for original in decode(bytes).documents {
            // No agreement settings: the partners come from the envelope's sap: ids.
            let written = encode(original.clone());
            let again = decode(written).documents;
            assert_eq!(again.len(), 1, "{case}");
            assert_eq!(
                again[0].body, original.body,
                "{case}: body changed in the round trip"
            );
            assert_eq!(again[0].envelope.sender, original.envelope.sender, "{case}");
            assert_eq!(
                again[0].envelope.receiver, original.envelope.receiver,
                "{case}"
            );
            assert_eq!(again[0].envelope.test, original.envelope.test, "{case}");
            let extension_type = |d: &CanonicalDocument| {
                d.envelope
                    .extensions
                    .iter()
                    .find(|e| e.key == "idoc.EDI_DC40.CIMTYP")
                    .cloned()
            };
            assert_eq!(
                extension_type(&again[0]),
                extension_type(&original),
                "{case}"
            );
        }
    }
}

#[test]
fn what_the_adapter_writes_it_writes_again_unchanged() {
    for case in [
        "ordrsp-from-portal",
        "ordrsp-relay",
        "orders-from-x12",
        "ordchg-from-cxml",
        "desadv-from-x12",
        "invoice-from-cxml",
    ] {
        let written = fs::read(golden(&format!("{case}.encode.xml"))).expect("golden output");
        let config = config_of(case);
        let settings: Vec<(&str, &str)> = config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let read = decode(written.clone()).documents;
        let again = with_config(&settings, || encode(read[0].clone()));
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&written),
            "{case}: the written IDoc is not a fixed point of decode and encode"
        );
    }
}

#[test]
fn a_purchase_order_from_another_standard_keeps_its_business_content() {
    // orders-from-x12.encode.json, as SAP receives it: codes SAP cannot take are left out
    // (the X12 order type), the business content is all there: the payment terms in words
    // come back from E1EDK18 QUALF 005.
    let written = fs::read(golden("orders-from-x12.encode.xml")).expect("golden output");
    let read = decode(written).documents;
    let Document::PurchaseOrder(po) = &read[0].body else {
        panic!("reads back as a purchase order");
    };
    assert_eq!(po.po_number, "4500012399");
    assert_eq!(po.currency.as_deref(), Some("USD"));
    assert_eq!(
        (po.order_type.as_deref(), po.payment_terms.as_deref()),
        (None, Some("2% 10 Net 30"))
    );
    assert!(po.references.is_empty());
    assert_eq!(
        po.total,
        Some(Money {
            amount: "449".into(),
            currency: Some("USD".into()),
        })
    );
    let numbers: Vec<_> = po.lines.iter().map(|l| l.line_number.as_str()).collect();
    assert_eq!(numbers, ["1", "2"]);
    let quantity = |value: &str| Quantity {
        value: value.into(),
        unit: "EA".into(),
    };
    assert_eq!(po.lines[0].quantity, quantity("40"));
    assert_eq!(
        po.lines[0].description.as_deref(),
        Some("Deep groove ball bearing 6205-2RS")
    );
    assert_eq!(po.lines[1].quantity, quantity("2500"));
    let scheduled: Vec<_> = po.lines[1].schedule.iter().map(|s| &s.quantity).collect();
    assert_eq!(scheduled, [&quantity("1500"), &quantity("1000")]);
    let price = po.lines[1].price.as_ref().expect("line 2 has a price");
    assert_eq!(price.amount, "118");
    assert_eq!(price.basis, Some(quantity("1000")));
}

#[test]
fn a_goods_receipt_unit_given_only_as_iso_code_goes_back_to_entry_uom_iso() {
    let read = decode(fs::read(golden("mbgmcr02-positions.decode.xml")).expect("golden input"));
    let written = String::from_utf8(encode(read.documents[0].clone())).expect("UTF-8");
    assert!(
        written.contains("<ENTRY_UOM_ISO>PCE</ENTRY_UOM_ISO>"),
        "{written}"
    );
    assert!(!written.contains("<ENTRY_UOM>PCE</ENTRY_UOM>"), "{written}");
    // The second item named its unit in ENTRY_UOM and keeps it there.
    assert!(written.contains("<ENTRY_UOM>M</ENTRY_UOM>"), "{written}");
}

#[test]
fn a_ship_notice_from_another_standard_keeps_its_carrier_ship_from_texts_and_serials() {
    // desadv-from-x12, as the X12 notice came in: its carrier is the forwarding agent (SP),
    // its ship-from the shipping point (OSP), its note an E1TXTH8; a Carrier party beside the
    // carrier is a second SP, and a split item's serials are its delivery item's E1EDL11.
    let path = golden("desadv-from-x12.encode.json");
    let mut document = wharf_guest_sdk::testing::document_from_json(
        &fs::read_to_string(path).expect("golden input"),
    )
    .expect("a canonical document");
    let Document::ShipNotice(notice) = &mut document.body else {
        panic!("the case is a ship notice");
    };
    let carrier = notice.carrier.as_mut().expect("the case has a carrier");
    carrier.ids = vec![wharf_guest_sdk::id("supplier", "0000300100")];
    notice.parties.push(wharf_guest_sdk::canonical::Party {
        role: wharf_guest_sdk::canonical::PartyRole::Carrier,
        role_code: None,
        ids: Vec::new(),
        name: Some("Second leg carrier".into()),
        address: None,
        contacts: Vec::new(),
    });
    let item = &mut notice.orders[0].packs[1].items[0];
    item.serials = vec!["SN-1".into(), "SN-2".into()];
    let expected = notice.clone();
    let config = config_of("desadv-from-x12");
    let settings: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let written = with_config(&settings, || encode(document));
    let read = decode(written).documents;
    let Document::ShipNotice(again) = &read[0].body else {
        panic!("reads back as a ship notice");
    };
    let carrier = again.carrier.as_ref().expect("a carrier");
    assert_eq!(carrier.name, expected.carrier.as_ref().unwrap().name);
    assert_eq!(carrier.ids, [wharf_guest_sdk::id("supplier", "0000300100")]);
    let roles: Vec<_> = again
        .parties
        .iter()
        .map(|p| (p.role, p.name.as_deref()))
        .collect();
    let expected_roles: Vec<_> = expected
        .parties
        .iter()
        .map(|p| (p.role, p.name.as_deref()))
        .collect();
    assert_eq!(roles, expected_roles);
    assert_eq!(
        again.notes.iter().map(|n| &n.text).collect::<Vec<_>>(),
        expected.notes.iter().map(|n| &n.text).collect::<Vec<_>>()
    );
    assert_eq!(again.orders[0].packs[1].items[0].serials, ["SN-1", "SN-2"]);
}
