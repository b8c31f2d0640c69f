//! Delivery guarantees: retried until delivered exactly once, dead-lettered with the last
//! error when the endpoint never takes it, and carried across a `kill -9` of the host.

mod support;

use serde_json::Value;
use support::*;

/// A purchase order arriving as cXML from the ERP and leaving as cXML to the portal: one
/// adapter is enough to exercise delivery.
fn config(portal_url: &str, max_attempts: u32) -> String {
    format!(
        r#"
[delivery]
initial_backoff_ms = 50
max_backoff_ms = 200
max_attempts = {max_attempts}
poll_interval_ms = 50
timeout_ms = 2000
{PARTNERS}
[[agreements]]
id = "erp-orders"
partner = "erp"
direction = "inbound"
adapter = "cxml"
[[agreements]]
id = "portal-orders"
partner = "portal"
direction = "outbound"
adapter = "cxml"
endpoint = "{portal_url}"
[agreements.config]
from_domain = "NetworkID"
from_identity = "ACME"
to_domain = "NetworkID"
to_identity = "PORTAL"
[[routes]]
doc_type = "purchase_order"
from = "erp"
to = "portal-orders"
"#
    )
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
    let error = delivery["last_error"].as_str().unwrap();
    assert!(error.contains("500"), "{error}");
    assert_eq!(portal.requests(), 3);
    let dead = host.store.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, delivery["id"].as_str().unwrap());
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
    let mut wharf = WharfProcess::start(dir.path(), &config(&portal_url, 50)).await;
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
