//! Governance at the edge and in routing: a cXML document whose own SharedSecret is wrong is
//! refused with 401 and audited; a test-mode document never reaches a production endpoint.

mod support;

use std::time::Duration;

use support::*;

fn config(production_url: &str, test_url: &str) -> String {
    Flow::new()
        .inbound(
            "portal-confirmations",
            "portal",
            "cxml",
            r#"shared_secret_env = "PORTAL_CXML_SECRET""#,
        )
        .inbound(
            "portal-confirmations-stale",
            "portal",
            "cxml",
            r#"shared_secret_env = "STALE_CXML_SECRET""#,
        )
        .inbound("erp-orders", "erp", "cxml", "")
        .portal_orders(production_url)
        .outbound_with(
            "portal-orders-test",
            "portal",
            "cxml",
            test_url,
            r#"mode = "test""#,
            &PORTAL_CXML.replace("\"PORTAL\"", "\"PORTAL-TEST\""),
        )
        .route("purchase_order", "erp", "portal-orders")
        .route("purchase_order", "erp", "portal-orders-test")
        .toml()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(repo_file(&format!("plugins/cxml/tests/golden/{name}"))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_shared_secret_is_refused_with_401_and_audited() {
    let production = StandIn::start(Behaviour::Accept).await.unwrap();
    let test = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&production.url, &test.url), &[&components().cxml]).await;
    // The document carries the secret "welcome-2026".
    let confirmation = golden("confirmation-detail.decode.xml");
    assert!(confirmation.contains("<SharedSecret>welcome-2026</SharedSecret>"));

    let (status, error) = host
        .post(
            "portal-confirmations-stale",
            PORTAL_KEY,
            confirmation.clone(),
        )
        .await;
    assert_eq!(status, 401, "{error}");
    assert_eq!(error["error"]["code"], "auth.shared_secret");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
    let rejection = error["error"]["details"]["rejection_id"].as_str().unwrap();
    // The refusal keeps the first KiB of the bytes, not the document.
    let kept = host.store.rejected_raw(rejection).await.unwrap().unwrap();
    assert_eq!(
        kept,
        &confirmation.as_bytes()[..confirmation.len().min(1024)]
    );
    let log = host.store.audit_log().await.unwrap();
    let denied = log
        .iter()
        .find(|e| e.action == "access_denied")
        .expect("audited");
    assert_eq!(denied.actor, "portal");
    assert_eq!(denied.detail["status"], 401);

    // Without any secret in the document: refused as well.
    let bare = confirmation.replace("<SharedSecret>welcome-2026</SharedSecret>", "");
    let (status, error) = host.post("portal-confirmations", PORTAL_KEY, bare).await;
    assert_eq!(status, 401, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no shared secret")
    );

    // The right secret is accepted.
    let (status, receipt) = host
        .post("portal-confirmations", PORTAL_KEY, confirmation)
        .await;
    assert_eq!(status, 202, "{receipt}");
    // The secret itself is stored nowhere but in the raw bytes: not in the canonical document.
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    let documents = serde_json::to_string(&view).unwrap();
    assert!(!documents.contains("welcome-2026"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_documents_never_reach_production_endpoints() {
    let production = StandIn::start(Behaviour::Accept).await.unwrap();
    let test = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&production.url, &test.url), &[&components().cxml]).await;
    let order = golden("order-request.decode.xml");
    assert!(
        order.contains("deploymentMode=\"production\""),
        "the fixture is a production order"
    );
    let test_order = order
        .replace("deploymentMode=\"production\"", "deploymentMode=\"test\"")
        .replace("orderID=\"", "orderID=\"T-");

    let (_, receipt) = host.post("erp-orders", ERP_KEY, test_order).await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), ERP_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    let deliveries = view["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{view}");
    assert_eq!(deliveries[0]["agreement"], "portal-orders-test");
    assert_eq!(test.wait_for(1, Duration::from_secs(30)).await.len(), 1);

    let (_, receipt) = host.post("erp-orders", ERP_KEY, order).await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), ERP_KEY)
        .await;
    assert_eq!(
        view["deliveries"][0]["agreement"], "portal-orders",
        "{view}"
    );
    assert_eq!(
        production.wait_for(1, Duration::from_secs(30)).await.len(),
        1
    );

    // Both messages are processed; once nothing is pending in the outbox, nothing more can
    // reach either endpoint.
    eventually("the outbox to drain", || async {
        host.store.pending_deliveries().await.unwrap() == 0
    })
    .await;
    let at_production = production.deliveries().await;
    assert_eq!(
        at_production.len(),
        1,
        "only the production order reached production"
    );
    assert!(
        at_production[0]
            .text()
            .contains("deploymentMode=\"production\"")
    );
    assert_eq!(
        test.deliveries().await.len(),
        1,
        "the production order did not go to test"
    );
    let skipped = host
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "route_skipped")
        .count();
    assert_eq!(skipped, 2);
}
