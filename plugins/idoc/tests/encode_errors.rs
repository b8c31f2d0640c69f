//! What the adapter refuses to write, and where in the IDoc it says the problem is.

use std::fs;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{AckStatus, CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{EncodeContext, ErrorKind, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_idoc::IdocAdapter;

/// The document a golden encode case wrote, read back: an IDoc-born document to break.
fn case(name: &str) -> CanonicalDocument {
    let path = format!(
        "{}/tests/golden/{name}.encode.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = fs::read(path).expect("golden output");
    let decoded = IdocAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
    .expect("golden output decodes");
    decoded.documents.into_iter().next().expect("one document")
}

const PARTNERS: [(&str, &str); 2] = [
    ("sender_partner", "0000100200"),
    ("receiver_partner", "ERPCLNT100"),
];

fn encode_error(document: CanonicalDocument, context: EncodeContext) -> String {
    with_config(&PARTNERS, || match IdocAdapter::encode(document, context) {
        Ok(_) => panic!("encoding should fail"),
        Err(e) => render(&e),
    })
}

fn purchase_order(
    edit: impl FnOnce(&mut wharf_guest_sdk::canonical::PurchaseOrder),
) -> CanonicalDocument {
    let mut document = case("orders-from-x12");
    let Document::PurchaseOrder(po) = &mut document.body else {
        panic!("the case is a purchase order");
    };
    edit(po);
    document
}

#[test]
fn partners_come_from_the_agreement_or_the_envelope() {
    let mut document = case("ordrsp-from-portal");
    // As a supplier portal would address it: no SAP partner in sight.
    document.envelope.standard = "portal-json".into();
    document.envelope.sender = vec![wharf_guest_sdk::id("supplier", "HAGEDORN")];
    document.envelope.receiver = vec![wharf_guest_sdk::id("buyer", "KESSLER")];
    let err = IdocAdapter::encode(document.clone(), encode_context()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Configuration);
    assert_eq!(
        render(&err),
        "configuration error at /ORDERS05/IDOC/EDI_DC40/SNDPRN: the agreement does not set \
         `sender_partner` and the document's envelope names no SAP partner (an identifier with \
         scheme sap:<partner type>) for SNDPRN"
    );
    let err = with_config(&[("sender_partner", "0000100200")], || {
        IdocAdapter::encode(document.clone(), encode_context()).unwrap_err()
    });
    assert!(render(&err).starts_with("configuration error at /ORDERS05/IDOC/EDI_DC40/RCVPRN"));

    // A blank setting is no setting; the envelope's sap: id stands in for it.
    let mut addressed = document;
    addressed.envelope.receiver = vec![wharf_guest_sdk::id("sap:LS", "ERPCLNT100")];
    let written = with_config(
        &[("sender_partner", "0000100200"), ("receiver_partner", " ")],
        || IdocAdapter::encode(addressed, encode_context()).expect("encodes"),
    );
    let text = String::from_utf8(written.bytes).expect("UTF-8");
    assert!(text.contains("<RCVPRN>ERPCLNT100</RCVPRN>"), "{text}");
    assert_eq!(
        written.envelope.receiver,
        [wharf_guest_sdk::id("sap:LS", "ERPCLNT100")]
    );
    assert_eq!(written.envelope.interchange_control.as_deref(), Some("1"));
    assert_eq!(written.envelope.message_type.as_deref(), Some("ORDRSP"));
    assert_eq!(written.content_type, "application/xml");
}

#[test]
fn host_values_that_do_not_fit_the_control_record() {
    let mut context = encode_context();
    context.control_number = "INT-0042".into();
    assert_eq!(
        encode_error(case("ordrsp-from-portal"), context),
        "validation error at /ORDERS05/IDOC/EDI_DC40/DOCNUM: control number \"INT-0042\" does \
         not fit the IDoc number DOCNUM (one to sixteen digits)"
    );
    let mut context = encode_context();
    context.timestamp = "02.01.2026 03:04".into();
    assert!(
        encode_error(case("ordrsp-from-portal"), context).starts_with(
            "validation error at /ORDERS05/IDOC/EDI_DC40/CREDAT: the interchange timestamp:"
        )
    );
}

#[test]
fn bad_canonical_values_are_located_where_they_would_be_written() {
    let err = encode_error(
        purchase_order(|po| po.lines[1].quantity.value = "1,5".into()),
        encode_context(),
    );
    assert_eq!(
        err,
        "validation error at /ORDERS05/IDOC/E1EDP01[2]/MENGE: \"1,5\" is not a decimal number"
    );
    let err = encode_error(
        purchase_order(|po| po.po_number = " ".into()),
        encode_context(),
    );
    assert_eq!(
        err,
        "validation error at /ORDERS05/IDOC/E1EDK02/BELNR: the document names no purchase order number"
    );
    let err = encode_error(
        purchase_order(|po| po.lines[0].line_number.clear()),
        encode_context(),
    );
    assert_eq!(
        err,
        "validation error at /ORDERS05/IDOC/E1EDP01[1]/POSEX: the order line has no line number"
    );
    let err = encode_error(
        purchase_order(|po| po.lines[1].schedule[1].dates[0].value = "2026-03-32".into()),
        encode_context(),
    );
    assert!(
        err.starts_with("validation error at /ORDERS05/IDOC/E1EDP01[2]/E1EDP20[2]/EDATU:"),
        "{err}"
    );
    let err = encode_error(
        purchase_order(|po| po.lines[1].schedule[0].quantity.unit = "BAG".into()),
        encode_context(),
    );
    assert_eq!(
        err,
        "validation error at /ORDERS05/IDOC/E1EDP01[2]/E1EDP20[1]/WMENG: a schedule line of \
         line 2 counts in BAG, but E1EDP20 counts in the item's unit EA"
    );
    let err = encode_error(purchase_order(|po| po.lines.clear()), encode_context());
    assert_eq!(
        err,
        "validation error at /ORDERS05/IDOC/E1EDP01: the purchase order has no lines"
    );

    let mut response = case("ordrsp-from-portal");
    if let Document::OrderResponse(r) = &mut response.body {
        r.lines[2].dates[0].value = "20260320".into();
    }
    let err = encode_error(response, encode_context());
    assert!(
        err.starts_with("validation error at /ORDERS05/IDOC/E1EDP01[3]/E1EDP20[1]/EDATU:"),
        "{err}"
    );
}

#[test]
fn functional_acknowledgments_are_not_written() {
    let mut document = case("ordrsp-from-portal");
    document.body = Document::FunctionalAck(FunctionalAck {
        interchange_control: Some("1".into()),
        group_control: None,
        group_type: None,
        status: AckStatus::Accepted,
        messages: Vec::new(),
        extensions: Vec::new(),
    });
    let err = encode_error(document, encode_context());
    assert_eq!(
        err,
        "unsupported error: idoc 0.1.0 writes purchase orders, order changes, order responses, \
         ship notices, invoices and goods receipts, not functional acknowledgments"
    );
}

#[test]
fn the_descriptor_says_what_the_adapter_does() {
    let descriptor = IdocAdapter::describe();
    assert_eq!(descriptor.id, "idoc");
    assert_eq!(descriptor.version, "0.1.0");
    assert_eq!(
        descriptor.standards,
        [
            "SAP IDoc XML ORDERS05",
            "SAP IDoc XML DELVRY07",
            "SAP IDoc XML INVOIC02",
            "SAP IDoc XML MBGMCR03"
        ]
    );
    let handled = [
        DocType::PurchaseOrder,
        DocType::OrderChange,
        DocType::OrderResponse,
        DocType::ShipNotice,
        DocType::Invoice,
        DocType::GoodsReceipt,
    ];
    assert_eq!(descriptor.decodes, handled);
    assert_eq!(descriptor.encodes, handled);
    assert!(!descriptor.acknowledges);
    let keys: Vec<_> = descriptor
        .config_keys
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "custom_message_types",
            "flat_segments",
            "sender_partner",
            "sender_partner_type",
            "sender_port",
            "receiver_partner",
            "receiver_partner_type",
            "receiver_port"
        ]
    );
    assert!(
        descriptor
            .config_keys
            .iter()
            .all(|k| !k.description.is_empty())
    );

    let ack = FunctionalAck {
        interchange_control: None,
        group_control: None,
        group_type: None,
        status: AckStatus::Accepted,
        messages: Vec::new(),
        extensions: Vec::new(),
    };
    assert_eq!(IdocAdapter::acknowledge(ack, encode_context()), Ok(None));
}

#[test]
fn goods_receipts_refuse_what_mbgmcr_cannot_hold() {
    let mut document = case("receipt-from-x12");
    let Document::GoodsReceipt(receipt) = &mut document.body else {
        panic!("the case is a goods receipt");
    };
    let mut unnumbered = receipt.clone();
    unnumbered.receipt_number = "  ".into();
    receipt.lines[2].received.value = "12,5".into();
    let err = encode_error(document.clone(), encode_context());
    // The second line is written as two items (receipt and return), so the third is item 4.
    assert_eq!(
        err,
        "validation error at /MBGMCR03/IDOC/E1MBGMCR/E1BP2017_GM_ITEM_CREATE[4]/ENTRY_QNT: \
         \"12,5\" is not a decimal number"
    );
    document.body = Document::GoodsReceipt(unnumbered);
    let err = encode_error(document, encode_context());
    assert_eq!(
        err,
        "validation error at /MBGMCR03/IDOC/E1MBGMCR/E1BP2017_GM_HEAD_01/GR_GI_SLIP_NO: \
         the goods receipt has no receipt number"
    );
}
