//! What the adapter refuses to write, and where it says the problem is: in the canonical
//! document (`lines[1].price`) or in the agreement's configuration (the key's name).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{
    CanonicalDocument, DocType, Document, FunctionalAck, PartyRole, ResponseStatus,
};
use wharf_guest_sdk::contract::{AdapterError, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_cxml::CxmlAdapter;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

const IDENTITIES: [(&str, &str); 4] = [
    ("from_domain", "NetworkID"),
    ("from_identity", "AN01000000147"),
    ("to_domain", "DUNS"),
    ("to_identity", "313995148"),
];

/// The purchase order of the golden case, as the decoder reads it back.
fn purchase_order() -> CanonicalDocument {
    let bytes = fs::read(format!("{GOLDEN}/purchase-order.encode.xml")).expect("golden output");
    CxmlAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
    .expect("golden output decodes")
    .documents
    .remove(0)
}

fn encode_error(document: CanonicalDocument, settings: &[(&str, &str)]) -> String {
    let result = with_config(settings, || CxmlAdapter::encode(document, encode_context()));
    render(&result.expect_err("the document must be refused"))
}

fn with_order(
    change: impl FnOnce(&mut wharf_guest_sdk::canonical::PurchaseOrder),
) -> CanonicalDocument {
    let mut document = purchase_order();
    let Document::PurchaseOrder(po) = &mut document.body else {
        panic!("the golden case is a purchase order");
    };
    change(po);
    document
}

#[test]
fn a_missing_identity_is_a_configuration_error_naming_its_key() {
    assert_eq!(
        encode_error(purchase_order(), &IDENTITIES[..2]),
        "configuration error: the agreement does not set the adapter's `to_domain`"
    );
}

#[test]
fn an_unknown_deployment_mode_is_refused() {
    let mut settings = IDENTITIES.to_vec();
    settings.push(("deployment_mode", "staging"));
    assert!(encode_error(purchase_order(), &settings).starts_with("configuration error:"));
}

#[test]
fn a_line_without_price_is_located() {
    let document = with_order(|po| po.lines[1].price = None);
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at lines[1].price: cXML requires a unit price on every line"
    );
}

#[test]
fn a_line_without_supplier_or_buyer_part_is_located() {
    let document = with_order(|po| {
        po.lines[2]
            .item_ids
            .retain(|id| id.scheme != "supplier" && id.scheme != "buyer");
    });
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at lines[2].item_ids: cXML requires a supplier part number (or a buyer one to stand in)"
    );
}

#[test]
fn an_order_with_neither_bill_to_nor_buyer_is_refused() {
    let document = with_order(|po| {
        po.parties.retain(|p| {
            !matches!(
                p.role,
                PartyRole::BillTo | PartyRole::Buyer | PartyRole::SoldTo
            )
        })
    });
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at parties: cXML requires a BillTo party (or at least a buyer) on every order"
    );
}

#[test]
fn an_order_without_order_date_is_refused() {
    let document = with_order(|po| po.dates.clear());
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at dates: cXML requires an order date: give the purchase order a Document date"
    );
}

#[test]
fn lines_in_two_currencies_need_a_stated_total() {
    let document = with_order(|po| {
        po.total = None;
        if let Some(price) = &mut po.lines[2].price {
            price.currency = Some("USD".to_owned());
        }
    });
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at lines[2].price.currency: lines priced in EUR and USD cannot be totalled; state the order total"
    );
}

#[test]
fn a_zero_price_basis_is_refused_not_divided_by() {
    let document = with_order(|po| {
        po.total = None;
        if let Some(basis) = po.lines[1].price.as_mut().and_then(|p| p.basis.as_mut()) {
            basis.value = "0".to_owned();
        }
    });
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at lines[1].price.basis.value: a price basis of zero"
    );
}

#[test]
fn a_pending_response_has_no_cxml_type() {
    let bytes = fs::read(format!("{GOLDEN}/confirmation-accept.decode.xml")).expect("golden input");
    let mut document = CxmlAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
    .expect("golden input decodes")
    .documents
    .remove(0);
    if let Document::OrderResponse(response) = &mut document.body {
        response.status = ResponseStatus::Pending;
    }
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "validation error at status: cXML has no confirmation type for a response still pending"
    );
}

#[test]
fn other_documents_are_unsupported() {
    let mut document = purchase_order();
    document.body = Document::Supplier(wharf_guest_sdk::canonical::Supplier {
        ids: Vec::new(),
        name: "Kessler Guss KG".to_owned(),
        status: None,
        tax_ids: Vec::new(),
        parties: Vec::new(),
        certifications: Vec::new(),
        bank_accounts: Vec::new(),
        compliance: Vec::new(),
        extensions: Vec::new(),
    });
    assert_eq!(
        encode_error(document, &IDENTITIES),
        "unsupported error: this adapter does not write supplier master data as cXML"
    );
}

#[test]
fn the_descriptor_says_what_the_adapter_handles() {
    let descriptor = CxmlAdapter::describe();
    assert_eq!(descriptor.id, "cxml");
    assert_eq!(descriptor.version, "0.1.0");
    assert_eq!(descriptor.contract, wharf_guest_sdk::CONTRACT_VERSION);
    assert_eq!(descriptor.standards, ["cXML 1.2"]);
    let documents = [
        DocType::PurchaseOrder,
        DocType::OrderResponse,
        DocType::OrderChange,
        DocType::ShipNotice,
        DocType::Invoice,
        DocType::FunctionalAck,
    ];
    assert_eq!(descriptor.decodes, documents);
    assert_eq!(descriptor.encodes, documents);
    assert!(descriptor.acknowledges);
    let required: Vec<&str> = descriptor
        .config_keys
        .iter()
        .filter(|k| k.required)
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(
        required,
        ["from_domain", "from_identity", "to_domain", "to_identity"]
    );
    assert!(
        descriptor
            .config_keys
            .iter()
            .all(|k| !k.description.is_empty())
    );
}

#[test]
fn an_acknowledgment_is_rendered_as_a_response_without_any_setting() {
    let ack = FunctionalAck {
        interchange_control: None,
        group_control: None,
        group_type: None,
        status: wharf_guest_sdk::canonical::AckStatus::Accepted,
        messages: Vec::new(),
        extensions: Vec::new(),
    };
    let rendered: Result<_, AdapterError> =
        with_config(&[], || CxmlAdapter::acknowledge(ack, encode_context()));
    let encoded = rendered
        .expect("renders")
        .expect("cXML has an acknowledgment");
    assert!(encoded.content_type.starts_with("text/xml"));
    assert_eq!(encoded.envelope.message_type.as_deref(), Some("Response"));
    // Without an answered payloadID the Response gets one of its own.
    assert_eq!(
        encoded.envelope.interchange_control.as_deref(),
        Some("1.20260102030405@wharf")
    );
    let text = String::from_utf8(encoded.bytes).expect("UTF-8");
    assert!(text.contains(r#"<Status code="200" text="OK"/>"#), "{text}");
}
