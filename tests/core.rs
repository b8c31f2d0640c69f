//! The processing core: leased work that two processes share without doing anything twice,
//! passing faults that are retried instead of failing orders, resends of failed bytes that are
//! processed again, and failed messages an operator reprocesses.

mod support;

use serde_json::{Value, json};
use support::*;

fn config(portal_url: &str) -> String {
    cxml_order_flow(portal_url)
        .processing("lease_ms", 5000)
        .inbound("portal-confirmations", "portal", "cxml", "")
        .toml()
}

/// The PO numbers the portal received, one per delivery it accepted.
fn po_numbers(deliveries: &[StandInDelivery]) -> Vec<String> {
    deliveries
        .iter()
        .filter_map(|d| {
            let text = d.text();
            let start = text.find("orderID=\"")? + 9;
            let end = start + text[start..].find('"')?;
            Some(text[start..end].to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_process_each_message_once() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let adapters = dir.path().join("adapters");
    std::fs::create_dir_all(&adapters).unwrap();
    std::fs::copy(&components().cxml, adapters.join("cxml.wasm")).unwrap();
    let config = config(&portal.url);
    let first = WharfProcess::start_named(dir.path(), "first.toml", &config).await;
    let client = reqwest::Client::new();
    let post = |base: String, po: String| {
        let client = client.clone();
        async move {
            let response = client
                .post(format!("{base}/api/v1/inbound/erp-orders"))
                .bearer_auth(ERP_KEY)
                .body(cxml_order(&po))
                .send()
                .await
                .expect("wharf answers");
            assert_eq!(response.status(), 202);
        }
    };
    // A backlog in the first process, then a second process starting on the same database
    // while the first works through it: neither may take what the other holds.
    let total = 120;
    for i in 0..total / 2 {
        post(first.base.clone(), format!("45{i:08}")).await;
    }
    let second = WharfProcess::start_named(dir.path(), "second.toml", &config).await;
    for i in total / 2..total {
        let base = if i % 2 == 0 {
            &first.base
        } else {
            &second.base
        };
        post(base.clone(), format!("45{i:08}")).await;
    }
    let delivered = portal
        .wait_for(total, std::time::Duration::from_secs(120))
        .await;
    // Give a duplicate, if there were one, the time to arrive too.
    let store = wharf_host::store::Store::open(&format!(
        "sqlite://{}",
        dir.path().join("wharf-data/wharf.db").display()
    ))
    .await
    .unwrap();
    eventually("the outbox to empty", || async {
        store.pending_deliveries().await.unwrap() == 0
    })
    .await;
    let delivered = {
        let mut all = portal.deliveries().await;
        all.extend(delivered.into_iter().take(0));
        all
    };
    let mut numbers = po_numbers(&delivered);
    numbers.sort();
    let before = numbers.len();
    numbers.dedup();
    assert_eq!(before, numbers.len(), "a PO arrived twice");
    assert_eq!(numbers.len(), total, "every PO arrived");
    let mut ids: Vec<_> = delivered
        .iter()
        .filter_map(|d| d.delivery_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "one delivery id per PO");
    drop((first, second));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_fault_mid_processing_leaves_the_message_retried_not_failed() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    // Its fault is injected into the SQLite file itself.
    let host = TestHost::start_sqlite(&config(&portal.url), &[&components().cxml]).await;
    // A second connection makes every document insert fail, as a full disk or a damaged
    // page would, until the fault is lifted.
    let fault = sqlx::SqlitePool::connect(&format!("sqlite://{}", host.database().display()))
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER injected_fault BEFORE INSERT ON documents \
         BEGIN SELECT RAISE(ABORT, 'injected store fault'); END",
    )
    .execute(&fault)
    .await
    .unwrap();
    let (status, receipt) = host
        .post("erp-orders", ERP_KEY, cxml_order("4511110001"))
        .await;
    assert_eq!(status, 202);
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/messages/{tracking}");
    // The operator finds the fault in the audit trail; the partner only learns that the
    // message waits, never what the store said.
    eventually("the fault to be recorded for the operator", || async {
        host.store.audit_log().await.unwrap().iter().any(|e| {
            e.action == "message_requeued"
                && e.detail["fault"]
                    .as_str()
                    .is_some_and(|f| f.contains("injected store fault"))
        })
    })
    .await;
    eventually("the partner to see the message waiting", || async {
        host.get(&path, ERP_KEY).await.1["waiting"].is_string()
    })
    .await;
    let view: Value = host.get(&path, ERP_KEY).await.1;
    assert_eq!(view["status"], "received", "{view}");
    assert!(!view.to_string().contains("injected"), "{view}");
    sqlx::query("DROP TRIGGER injected_fault")
        .execute(&fault)
        .await
        .unwrap();
    let view = host.settled(&tracking, ERP_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    assert_eq!(
        portal
            .wait_for(1, std::time::Duration::from_secs(30))
            .await
            .len(),
        1
    );
}

/// An order response for an order Wharf has not seen yet.
fn confirmation(po_number: &str) -> Vec<u8> {
    std::fs::read_to_string(repo_file(
        "plugins/cxml/tests/golden/confirmation-accept.decode.xml",
    ))
    .unwrap()
    .replace("4500012346", po_number)
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_message_is_reprocessed_by_the_operator_and_a_resend_is_processed_again() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&portal.url), &[&components().cxml]).await;
    // The supplier's confirmation overtakes the order: it fails, located, as its own fault.
    let (_, early) = host
        .post(
            "portal-confirmations",
            PORTAL_KEY,
            confirmation("4500012345"),
        )
        .await;
    let early = early["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&early, PORTAL_KEY).await;
    assert_eq!(view["status"], "failed");
    assert_eq!(view["error"]["code"], "order.unknown", "{view}");
    // Resending the very same bytes is not a duplicate of a failure: it is processed again,
    // linked to the first, and fails again for the same reason.
    let (status, resend) = host
        .post(
            "portal-confirmations",
            PORTAL_KEY,
            confirmation("4500012345"),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(resend["duplicate"], false, "{resend}");
    assert_eq!(resend["resubmission_of"], early.as_str());
    let resend = resend["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&resend, PORTAL_KEY).await["status"], "failed");
    // Now the order arrives; the operator reprocesses the first confirmation.
    let (_, order) = host
        .post("erp-orders", ERP_KEY, cxml_order("4500012345"))
        .await;
    let order = order["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&order, ERP_KEY).await["status"], "processed");
    let (status, answer) = host
        .admin_post(
            "/messages/reprocess",
            json!({"filter": {"ids": [early], "code": "order.unknown"}, "reason": "order arrived"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["reprocessed"], json!([early]));
    let view = host.settled(&early, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let (_, order_view) = host.get("/api/v1/orders/4500012345", ERP_KEY).await;
    assert_eq!(order_view["status"], "accepted", "{order_view}");
    let log = host.store.audit_log().await.unwrap();
    assert!(log.iter().any(|e| e.action == "message_reprocessed"
        && e.actor == "operator"
        && e.subject == format!("message:{early}")
        && e.detail["reason"] == "order arrived"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_reused_for_other_bytes_is_refused() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&portal.url), &[&components().cxml]).await;
    let (status, first) = host
        .post_with("erp-orders", ERP_KEY, cxml_order("4511110002"), Some("k-1"))
        .await;
    assert_eq!(status, 202);
    let (status, again) = host
        .post_with("erp-orders", ERP_KEY, cxml_order("4511110002"), Some("k-1"))
        .await;
    assert_eq!(
        (status, &again["tracking_id"]),
        (202, &first["tracking_id"])
    );
    assert_eq!(again["duplicate"], true);
    let (status, refused) = host
        .post_with("erp-orders", ERP_KEY, cxml_order("4511110003"), Some("k-1"))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "request.conflict");
}
