//! An X12 856 from a supplier reaches the ERP in the format its agreement names (EDIFACT
//! DESADV here), and the 997 Wharf generates for it goes back to the supplier. A transaction
//! the adapter rejects gets a rejecting 997 that names the segment and element.

mod support;

use std::time::Duration;

use support::*;
use wharf_host::model::{AckStatus, Document};
use wharf_host::sandbox::CallScope;

fn config(supplier_url: &str, erp_url: &str) -> String {
    Flow::new()
        .inbound(
            "supplier-edi",
            "portal",
            "x12",
            // The ship notices here name orders Wharf never carried.
            r#"acknowledge_to = "supplier-acks"
unknown_orders = "route""#,
        )
        .outbound(
            "supplier-acks",
            "portal",
            "x12",
            supplier_url,
            r#"sender_qualifier = "ZZ"
sender_id = "KESSLERUS"
receiver_qualifier = "ZZ"
receiver_id = "LAKESHORE""#,
        )
        .outbound(
            "erp-desadv",
            "erp",
            "edifact",
            erp_url,
            r#"sender_id = "4012345000009"
sender_qualifier = "14"
receiver_id = "4098765000002"
receiver_qualifier = "14""#,
        )
        .route("ship_notice", "portal", "erp-desadv")
        .toml()
}

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(repo_file(&format!("plugins/x12/tests/golden/{name}"))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_856_reaches_the_erp_and_its_997_goes_back_to_the_supplier() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(&config(&supplier.url, &erp.url), &[&c.x12, &c.edifact]).await;
    let x12 = standalone_adapter(&c.x12).await;
    let edifact = standalone_adapter(&c.edifact).await;
    let asn = golden("asn-two-orders.decode.edi");
    let sent = x12
        .decode(CallScope::default(), asn.clone(), None)
        .await
        .unwrap();
    let Document::ShipNotice(sent_notice) = &sent.documents[0].body else {
        panic!("the fixture is an 856");
    };

    let (status, receipt) = host.post("supplier-edi", PORTAL_KEY, asn).await;
    assert_eq!(status, 202, "{receipt}");
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");

    // The ERP gets a DESADV with the same shipment, orders, packs and quantities.
    let at_erp = erp.wait_for(1, Duration::from_secs(60)).await;
    assert_eq!(at_erp.len(), 1);
    assert!(at_erp[0].text().contains("DESADV"), "{}", at_erp[0].text());
    let received = edifact
        .decode(CallScope::default(), at_erp[0].body.clone(), None)
        .await
        .unwrap();
    let Document::ShipNotice(notice) = &received.documents[0].body else {
        panic!("the ERP got a ship notice");
    };
    assert_eq!(notice.shipment_id, sent_notice.shipment_id);
    // The order of the orders inside a notice carries no meaning; DESADV groups them by
    // packing hierarchy.
    let orders = |n: &wharf_host::model::ShipNotice| {
        let mut o: Vec<_> = n.orders.iter().map(|o| o.po_number.clone()).collect();
        o.sort();
        o
    };
    assert_eq!(orders(notice), orders(sent_notice));
    let quantities = |n: &wharf_host::model::ShipNotice| {
        let mut q: Vec<(String, String)> = n
            .orders
            .iter()
            .flat_map(|o| o.items.iter().chain(o.packs.iter().flat_map(|p| &p.items)))
            .map(|i| (i.quantity.value.clone(), i.quantity.unit.clone()))
            .collect();
        q.sort();
        q
    };
    assert_eq!(quantities(notice), quantities(sent_notice));

    // The supplier gets a 997 accepting group 812, transaction 0001 (an 856).
    let at_supplier = supplier.wait_for(1, Duration::from_secs(60)).await;
    assert_eq!(at_supplier.len(), 1);
    let text = at_supplier[0].text();
    assert!(text.contains("ST*997*"), "{text}");
    let ack = x12
        .decode(CallScope::default(), at_supplier[0].body.clone(), None)
        .await
        .unwrap();
    let Document::FunctionalAck(ack) = &ack.documents[0].body else {
        panic!("the supplier got a functional ack: {text}");
    };
    assert_eq!(ack.group_type.as_deref(), Some("SH"));
    assert_eq!(ack.group_control.as_deref(), Some("812"));
    assert_eq!(ack.status, AckStatus::Accepted);
    assert_eq!(ack.messages.len(), 1);
    assert_eq!(ack.messages[0].message_control, "0001");
    assert_eq!(ack.messages[0].message_type.as_deref(), Some("856"));

    let log = host.store.audit_log().await.unwrap();
    let routed: Vec<_> = log
        .iter()
        .filter(|e| e.action == "document_routed")
        .map(|e| e.detail["doc_type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(routed, ["ship_notice", "functional_ack"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_transaction_gets_a_rejecting_997() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(&config(&supplier.url, &erp.url), &[&c.x12, &c.edifact]).await;
    let (_, receipt) = host
        .post(
            "supplier-edi",
            PORTAL_KEY,
            golden("error-bad-decimal.decode.edi"),
        )
        .await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "failed");
    assert_eq!(view["error"]["code"], "adapter.validation");
    assert_eq!(view["error"]["location"]["segment"]["segment_id"], "PO1");

    let at_supplier = supplier.wait_for(1, Duration::from_secs(60)).await;
    assert_eq!(
        at_supplier.len(),
        1,
        "a 997 goes back for the rejected transaction"
    );
    let text = at_supplier[0].text();
    assert!(
        text.contains("AK3*PO1*14"),
        "the 997 names the segment: {text}"
    );
    assert!(text.contains("AK4*4"), "and the element: {text}");
    assert!(
        text.contains("AK5*R"),
        "and rejects the transaction: {text}"
    );
    assert!(erp.deliveries().await.is_empty());
}
