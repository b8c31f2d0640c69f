//! Purchase-order numbers belong to their buyer: two buyers may release the same number, each
//! is its own order, a supplier's later document reaches the order of the buyer it is routed
//! to, and no partner can tell another buyer's order from a number Wharf does not know.

mod support;

use std::time::Duration;

use support::*;

const PO: &str = "4500088001";

fn config(portal_url: &str, erp_url: &str) -> String {
    cxml_order_flow(portal_url)
        .inbound("other-orders", "other", "cxml", "")
        .route("purchase_order", "other", "portal-orders")
        .inbound("portal-confirmations", "portal", "cxml", "")
        .outbound("erp-confirmations", "erp", "cxml", erp_url, PORTAL_CXML)
        .route("order_response", "portal", "erp-confirmations")
        .inbound("other-supply", "other", "cxml", "")
        .toml()
}

/// A golden cXML document with `from` replaced by `po`, as production traffic.
fn fixture(name: &str, from: &str, po: &str) -> Vec<u8> {
    std::fs::read_to_string(repo_file(&format!("plugins/cxml/tests/golden/{name}")))
        .unwrap()
        .replace(from, po)
        .replace(r#"deploymentMode="test""#, r#"deploymentMode="production""#)
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_buyers_one_number_two_orders_and_no_partner_sees_the_other() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&portal.url, &erp.url), &[&components().cxml]).await;

    // Both buyers release PO: neither is the other's duplicate.
    for (agreement, key) in [("erp-orders", ERP_KEY), ("other-orders", OTHER_KEY)] {
        let (status, receipt) = host.post(agreement, key, cxml_order(PO)).await;
        assert_eq!(status, 202, "{receipt}");
        let id = receipt["tracking_id"].as_str().unwrap().to_owned();
        let view = host.settled(&id, key).await;
        assert_eq!(view["status"], "processed", "{agreement}: {view}");
    }
    portal.wait_for(2, Duration::from_secs(60)).await;

    // Each buyer reads its own order under the number.
    for (key, buyer) in [(ERP_KEY, "erp"), (OTHER_KEY, "other")] {
        let (status, order) = host.get(&format!("/api/v1/orders/{PO}"), key).await;
        assert_eq!(status, 200, "{order}");
        assert_eq!(order["buyer"], buyer, "{order}");
    }
    // Naming the other buyer's order is answered as a number no one used is.
    for (path, po) in [
        (format!("/api/v1/orders/{PO}?buyer=erp"), PO),
        ("/api/v1/orders/4500088999".to_owned(), "4500088999"),
    ] {
        let (status, body) = host.get(&path, OTHER_KEY).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "order.unknown", "{body}");
        assert_eq!(body["error"]["message"], format!("no order {po}"), "{body}");
    }

    // The supplier holds both; asked without a buyer it is told which buyers to choose from.
    let (status, body) = host.get(&format!("/api/v1/orders/{PO}"), PORTAL_KEY).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "order.ambiguous");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("erp, other"),
        "{body}"
    );

    // The supplier's confirmation is routed to the ERP, so it answers the ERP's order only.
    let (_, receipt) = host
        .post(
            "portal-confirmations",
            PORTAL_KEY,
            fixture("confirmation-accept.decode.xml", "4500012346", PO),
        )
        .await;
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&id, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let status_of = |buyer: &'static str| {
        let host = &host;
        async move {
            let (_, order) = host
                .get(&format!("/api/v1/orders/{PO}?buyer={buyer}"), PORTAL_KEY)
                .await;
            order["status"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(status_of("erp").await, "accepted");
    assert_eq!(status_of("other").await, "sent");

    // `other`, as a supplier, naming the ERP's order and naming a number no one used: the
    // same refusal, so what exists cannot be probed.
    let mut errors = Vec::new();
    for po in [PO, "4500088999"] {
        let (_, receipt) = host
            .post(
                "other-supply",
                OTHER_KEY,
                fixture("ship-notice.decode.xml", "4500012345", po),
            )
            .await;
        let id = receipt["tracking_id"].as_str().unwrap().to_owned();
        let view = host.settled(&id, OTHER_KEY).await;
        assert_eq!(view["status"], "failed", "{view}");
        errors.push(view["error"]["code"].clone());
    }
    assert_eq!(errors, ["order.unknown", "order.unknown"]);
    // The audit names each order by buyer and number.
    let log = host.store.audit_log().await.unwrap();
    for buyer in ["erp", "other"] {
        assert!(
            log.iter()
                .any(|e| e.action == "order_transition"
                    && e.subject == format!("order:{buyer}/{PO}")),
            "no transition of {buyer}'s order in the audit"
        );
    }
}
