//! Delivery guarantees: retried until delivered exactly once, dead-lettered with the last
//! error when the endpoint never takes it, and carried across a `kill -9` of the host.

mod support;

use serde_json::Value;
use support::*;

/// A purchase order arriving as cXML from the ERP and leaving as cXML to the portal (one
/// adapter is enough to exercise delivery), given up after `max_attempts`.
fn config(portal_url: &str, max_attempts: u32) -> String {
    cxml_order_flow(portal_url)
        .delivery("max_attempts", max_attempts)
        .toml()
}

fn order_request() -> Vec<u8> {
    std::fs::read(repo_file(
        "plugins/cxml/tests/golden/order-request.decode.xml",
    ))
    .unwrap()
}

async fn delivery_of(host: &TestHost, tracking: &str) -> Value {
    let view = host.settled(tracking, ERP_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    view["deliveries"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_fails_twice_gets_the_order_exactly_once() {
    let portal = StandIn::start(Behaviour::FailFirst(2)).await.unwrap();
    let host = TestHost::start(&config(&portal.url, 5), &[&components().cxml]).await;
    let (status, receipt) = host.post("erp-orders", ERP_KEY, order_request()).await;
    assert_eq!(status, 202);
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let outbox_id = delivery_of(&host, &tracking).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    eventually("the delivery to succeed", || async {
        host.settled(&tracking, ERP_KEY).await["deliveries"][0]["status"] == "delivered"
    })
    .await;
    assert_eq!(portal.requests(), 3);
    assert_eq!(portal.deliveries().await.len(), 1);
    let attempts = host.store.attempts(&outbox_id).await.unwrap();
    let codes: Vec<_> = attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(503), Some(503), Some(200)]);
    assert_eq!(
        host.settled(&tracking, ERP_KEY).await["deliveries"][0]["attempts"],
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_always_fails_dead_letters_with_the_last_error() {
    let portal = StandIn::start(Behaviour::AlwaysFail).await.unwrap();
    let host = TestHost::start(&config(&portal.url, 3), &[&components().cxml]).await;
    let (_, receipt) = host.post("erp-orders", ERP_KEY, order_request()).await;
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    eventually("the entry to be dead-lettered", || async {
        host.settled(&tracking, ERP_KEY).await["deliveries"][0]["status"] == "dead"
    })
    .await;
    let delivery = delivery_of(&host, &tracking).await;
    assert_eq!(delivery["attempts"], 3);
    // The sender sees the delivery's state, never the receiving partner's answer.
    assert!(delivery.get("last_error").is_none(), "{delivery}");
    assert!(delivery.get("endpoint").is_none(), "{delivery}");
    assert_eq!(portal.requests(), 3);
    let dead = host.store.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, delivery["id"].as_str().unwrap());
    let error = dead[0].last_error.as_deref().unwrap();
    assert!(error.contains("500"), "{error}");
    // The original bytes are still there for replay and investigation.
    assert_eq!(
        host.store.message_raw(&tracking).await.unwrap().unwrap(),
        order_request()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_pending_at_a_kill_9_are_made_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("adapters")).unwrap();
    std::fs::copy(&components().cxml, dir.path().join("adapters/cxml.wasm")).unwrap();
    // The portal is down: nothing listens on its port yet.
    let portal_port = free_port();
    let portal_url = format!("http://127.0.0.1:{portal_port}/");
    let backend = TestBackend::from_env().await;
    let mut wharf = WharfProcess::start_on(
        dir.path(),
        "wharf.toml",
        backend.database_url(),
        &config(&portal_url, 50),
    )
    .await;
    let client = reqwest::Client::new();
    let mut tracking = Vec::new();
    for n in 0..3 {
        let body = String::from_utf8(order_request())
            .unwrap()
            .replace("orderID=\"", &format!("orderID=\"K{n}-"));
        let receipt: Value = client
            .post(format!("{}/api/v1/inbound/erp-orders", wharf.base))
            .bearer_auth(ERP_KEY)
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tracking.push(receipt["tracking_id"].as_str().unwrap().to_owned());
    }
    for id in &tracking {
        let view = wait_for_message(&client, &wharf.base, id, ERP_KEY).await;
        assert_eq!(view["status"], "processed", "{view}");
    }
    // Every entry is in the outbox and has failed at least once against the dead endpoint.
    eventually("failed attempts before the kill", || {
        let (client, base, tracking) = (client.clone(), wharf.base.clone(), tracking.clone());
        async move {
            for id in &tracking {
                let view = wait_for_message(&client, &base, id, ERP_KEY).await;
                let d = &view["deliveries"][0];
                if d["status"] != "pending" || d["attempts"].as_i64().unwrap_or(0) < 1 {
                    return false;
                }
            }
            true
        }
    })
    .await;
    let port = wharf.port();
    wharf.kill_hard();

    let portal = StandIn::start_on(&format!("127.0.0.1:{portal_port}"), Behaviour::Accept)
        .await
        .unwrap();
    let wharf = WharfProcess::start_existing(wharf.config.clone(), port).await;
    let delivered = portal.wait_for(3, std::time::Duration::from_secs(60)).await;
    assert_eq!(
        delivered.len(),
        3,
        "all three orders reach the portal after the restart"
    );
    // The portal has the bytes before Wharf has recorded its answer; wait for the record.
    for id in &tracking {
        eventually("the delivery to be recorded", || {
            let (client, base) = (client.clone(), wharf.base.clone());
            async move {
                wait_for_message(&client, &base, id, ERP_KEY).await["deliveries"][0]["status"]
                    == "delivered"
            }
        })
        .await;
    }
    // Nothing was delivered twice.
    let mut ids: Vec<_> = delivered.iter().map(|d| d.delivery_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

/// Two outbound agreements: purchase orders from the ERP go to `a_url`, from the portal to
/// `b_url`, so one test can starve one endpoint and watch the other.
fn two_endpoints(a_url: &str, b_url: &str) -> String {
    let other = PORTAL_CXML.replace("\"PORTAL\"", "\"OTHER\"");
    Flow::new()
        .delivery("max_attempts", 3)
        .delivery("timeout_ms", 30_000)
        .delivery("max_in_flight_per_endpoint", 2)
        .inbound("erp-orders", "erp", "cxml", "")
        .inbound("portal-orders-in", "portal", "cxml", "")
        .outbound("a", "other", "cxml", a_url, &other)
        .outbound("b", "other", "cxml", b_url, &other)
        .route("purchase_order", "erp", "a")
        .route("purchase_order", "portal", "b")
        .toml()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_endpoint_does_not_delay_another_endpoints_deliveries() {
    let hung = StandIn::start(Behaviour::Hang).await.unwrap();
    let healthy = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(
        &two_endpoints(&hung.url, &healthy.url),
        &[&components().cxml],
    )
    .await;
    // More orders for the hung endpoint than there are delivery slots in all.
    for n in 0..24 {
        let (status, _) = host
            .post("erp-orders", ERP_KEY, cxml_order(&format!("46{n:08}")))
            .await;
        assert_eq!(status, 202);
    }
    eventually("the hung endpoint to hold its requests", || async {
        hung.requests() >= 2
    })
    .await;
    let (status, _) = host
        .post("portal-orders-in", PORTAL_KEY, cxml_order("4700000001"))
        .await;
    assert_eq!(status, 202);
    let arrived = healthy
        .wait_for(1, std::time::Duration::from_secs(20))
        .await;
    assert_eq!(arrived.len(), 1, "the healthy endpoint got its order");
    // Meanwhile the hung endpoint never got more than its own share of slots, and none of
    // its requests has been answered.
    assert_eq!(hung.requests(), 2);
    assert!(hung.seen().await.iter().all(|(_, status)| *status == 0));
}

async fn dead_letter_of(host: &TestHost, tracking: &str) -> wharf_host::store::outbox::DeadLetter {
    eventually("the entry to be dead-lettered", || async {
        host.settled(tracking, ERP_KEY).await["deliveries"][0]["status"] == "dead"
    })
    .await;
    let view = host.settled(tracking, ERP_KEY).await;
    let id = view["deliveries"][0]["id"].as_str().unwrap().to_owned();
    host.store
        .dead_letters()
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.id == id)
        .expect("listed as a dead letter")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn final_answers_dead_letter_at_once_and_passing_ones_are_retried() {
    for (code, attempts, says) in [
        (400, 1, "400 Bad Request: stand-in answered 400"),
        (404, 1, "404 Not Found"),
        (301, 1, "redirects are not followed"),
        (422, 1, "422"),
        (408, 3, "408"),
        (503, 3, "503"),
    ] {
        let portal = StandIn::start(Behaviour::Status(code)).await.unwrap();
        let host = TestHost::start(&config(&portal.url, 3), &[&components().cxml]).await;
        let (_, receipt) = host.post("erp-orders", ERP_KEY, order_request()).await;
        let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
        let dead = dead_letter_of(&host, &tracking).await;
        assert_eq!(dead.attempts, attempts, "{code}");
        assert_eq!(portal.requests(), attempts as u32, "{code}");
        let error = dead.last_error.unwrap_or_default();
        assert!(error.contains(says), "{code}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let portal = StandIn::start(Behaviour::RetryAfter {
        first: 1,
        seconds: 2,
    })
    .await
    .unwrap();
    let host = TestHost::start(&config(&portal.url, 5), &[&components().cxml]).await;
    let (_, receipt) = host.post("erp-orders", ERP_KEY, order_request()).await;
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    portal.wait_for(1, std::time::Duration::from_secs(30)).await;
    let seen = portal.seen().await;
    assert_eq!(seen.len(), 2, "one 429, then the delivery");
    assert_eq!(seen[0].1, 429);
    // The backoff alone would have retried after at most 50 ms.
    let waited = seen[1].0.at.duration_since(seen[0].0.at);
    assert!(waited >= std::time::Duration::from_secs(2), "{waited:?}");
    eventually("the delivery to be recorded", || async {
        host.settled(&tracking, ERP_KEY).await["deliveries"][0]["status"] == "delivered"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_dead_letter_is_one_effect() {
    let portal = StandIn::start(Behaviour::Status(500)).await.unwrap();
    let host = TestHost::start(&config(&portal.url, 2), &[&components().cxml]).await;
    let (_, receipt) = host.post("erp-orders", ERP_KEY, order_request()).await;
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let dead = dead_letter_of(&host, &tracking).await;
    portal.heal();
    let (status, answer) = host
        .admin_post(
            "/dead-letters/replay",
            serde_json::json!({"agreement": "portal-orders"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["replayed"], serde_json::json!([dead.id]));
    let delivered = portal.wait_for(1, std::time::Duration::from_secs(30)).await;
    assert_eq!(delivered.len(), 1);
    // Every request, failed or not, carried the same effect key.
    let ids: std::collections::BTreeSet<_> = portal
        .seen()
        .await
        .into_iter()
        .filter_map(|(d, _)| d.delivery_id)
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids.into_iter().next().unwrap(), dead.id);
    let log = host.store.audit_log().await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "replayed" && e.actor == "operator")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_and_a_retired_secret_stops_verifying() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let rotating = config(&portal.url, 3).replace(
        "endpoint = \"",
        "signing_secret_envs = [\"NEW_SIGNING_SECRET\", \"WHARF_SIGNING_SECRET\"]\nendpoint = \"",
    );
    let host = TestHost::start(&rotating, &[&components().cxml]).await;
    host.post("erp-orders", ERP_KEY, order_request()).await;
    let during = portal.wait_for(1, std::time::Duration::from_secs(30)).await;
    assert!(signature_verifies(NEW_SIGNING_SECRET, &during[0]));
    assert!(signature_verifies(SIGNING_SECRET, &during[0]));
    let mut tampered = during[0].clone();
    tampered.body.push(b' ');
    assert!(!signature_verifies(NEW_SIGNING_SECRET, &tampered));
    drop(host);

    // The old secret retired: only the new one signs.
    let retired = config(&portal.url, 3).replace(
        "endpoint = \"",
        "signing_secret_envs = [\"NEW_SIGNING_SECRET\"]\nendpoint = \"",
    );
    let host = TestHost::start(&retired, &[&components().cxml]).await;
    host.post("erp-orders", ERP_KEY, cxml_order("4522220001"))
        .await;
    let after = portal.wait_for(2, std::time::Duration::from_secs(30)).await;
    assert!(signature_verifies(NEW_SIGNING_SECRET, &after[1]));
    assert!(!signature_verifies(SIGNING_SECRET, &after[1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_change_waits_until_its_purchase_order_is_delivered() {
    let portal = StandIn::start(Behaviour::Status(503)).await.unwrap();
    let config = cxml_order_flow(&portal.url)
        .delivery("max_attempts", 50)
        .route("order_change", "erp", "portal-orders")
        .toml();
    let host = TestHost::start(&config, &[&components().cxml]).await;
    let (_, order) = host.post("erp-orders", ERP_KEY, order_request()).await;
    let order = order["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&order, ERP_KEY).await["status"], "processed");
    let change = std::fs::read(repo_file(
        "plugins/cxml/tests/golden/order-change-update.decode.xml",
    ))
    .unwrap();
    let (_, change) = host.post("erp-orders", ERP_KEY, change).await;
    let change = change["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&change, ERP_KEY).await["status"], "processed");
    // The portal keeps refusing the order; the change must not overtake it.
    eventually("several attempts at the order", || async {
        portal.requests() >= 4
    })
    .await;
    let order_id = host.settled(&order, ERP_KEY).await["deliveries"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids: std::collections::BTreeSet<_> = portal
        .seen()
        .await
        .into_iter()
        .filter_map(|(d, _)| d.delivery_id)
        .collect();
    assert_eq!(ids.len(), 1, "only the order was attempted");
    assert!(ids.contains(&order_id));
    portal.heal();
    let delivered = portal.wait_for(2, std::time::Duration::from_secs(30)).await;
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].delivery_id.as_deref(), Some(order_id.as_str()));
    assert!(delivered[1].text().contains("type=\"update\""));
}
