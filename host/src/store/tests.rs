//! The store's own behaviour: leases fence every outcome, expired leases are taken over, the
//! writer keeps one operation's failure from spoiling the others in its batch.

use std::time::Duration;

use super::messages::NewMessage;
use super::outbox::{AttemptRecord, NewOutboxEntry, Render, Settlement};
use super::processing::{MessageOutcome, ProcessingCommit};
use super::{Store, StoreError};
use crate::audit::AuditEvent;

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("w.db").display());
    (Store::open(&url).await.unwrap(), dir)
}

fn message(n: u32) -> NewMessage {
    NewMessage {
        partner: "erp".into(),
        agreement: "erp-orders".into(),
        idempotency_key: None,
        content_type: None,
        raw: format!("message {n}").into_bytes(),
    }
}

fn commit(message_id: &str, lease_token: &str, outbox: Vec<NewOutboxEntry>) -> ProcessingCommit {
    ProcessingCommit {
        message_id: message_id.into(),
        lease_token: lease_token.into(),
        partner: "erp".into(),
        outcome: MessageOutcome::Processed,
        documents: Vec::new(),
        orders: Vec::new(),
        order_events: Vec::new(),
        outbox,
        audit: Vec::new(),
        adapter_cost: None,
    }
}

fn entry(message_id: &str) -> NewOutboxEntry {
    NewOutboxEntry {
        id: super::new_id(),
        message_id: message_id.into(),
        document_id: None,
        doc_type: "functional_ack".into(),
        agreement: "portal-status".into(),
        partner: "portal".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        render: Render::Acknowledge("{}".into()),
        order: None,
        routed: AuditEvent::DocumentRouted {
            message_id: message_id.into(),
            document_id: None,
            doc_type: "functional_ack".into(),
            agreement: "portal-status".into(),
            partner: "portal".into(),
            outbox_id: String::new(),
            control_number: None,
        },
    }
}

#[tokio::test]
async fn a_worker_whose_lease_ran_out_cannot_record_the_outcome() {
    let (store, _dir) = store().await;
    let received = store.receive(message(1)).await.unwrap();
    let first = store.claim_received(10, 50).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store.claim_received(10, 50).await.unwrap().is_empty(),
        "held"
    );
    // The first worker stalls past its lease; another takes the message over.
    tokio::time::sleep(Duration::from_millis(80)).await;
    let second = store.claim_received(10, 5_000).await.unwrap();
    assert_eq!(second[0].id, received.id);
    assert_eq!(second[0].attempts, 2);
    let stale = store
        .record_processing(commit(&received.id, &first[0].lease_token, Vec::new()))
        .await;
    assert!(matches!(stale, Err(StoreError::LeaseLost(_))), "{stale:?}");
    store
        .record_processing(commit(&received.id, &second[0].lease_token, Vec::new()))
        .await
        .unwrap();
    assert!(store.claim_received(10, 50).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_delivery_lease_cannot_settle_the_entry() {
    let (store, _dir) = store().await;
    let received = store.receive(message(2)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    store
        .record_processing(commit(
            &received.id,
            &claimed[0].lease_token,
            vec![entry(&received.id)],
        ))
        .await
        .unwrap();
    let first = store.lease_due(10, 50, Vec::new()).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].control_number, "1");
    tokio::time::sleep(Duration::from_millis(80)).await;
    let second = store.lease_due(10, 5_000, Vec::new()).await.unwrap();
    assert_eq!(second[0].id, first[0].id);
    let attempt = AttemptRecord {
        attempt: 1,
        duration_ms: 3,
        status_code: Some(200),
        error: None,
    };
    let stale = store
        .settle(
            first[0].clone(),
            None,
            attempt.clone(),
            Settlement::Delivered { order: None },
        )
        .await;
    assert!(matches!(stale, Err(StoreError::LeaseLost(_))), "{stale:?}");
    assert!(store.attempts(&first[0].id).await.unwrap().is_empty());
    store
        .settle(
            second[0].clone(),
            None,
            attempt,
            Settlement::Delivered { order: None },
        )
        .await
        .unwrap();
    assert_eq!(store.attempts(&first[0].id).await.unwrap().len(), 1);
    assert_eq!(store.pending_deliveries().await.unwrap(), 0);
}

#[tokio::test]
async fn one_failing_operation_does_not_spoil_its_batch() {
    let (store, _dir) = store().await;
    let received = store.receive(message(3)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    // Many writes at once share batches; the one with a wrong token fails alone.
    let mut writes = Vec::new();
    for n in 10..40 {
        let store = store.clone();
        writes.push(tokio::spawn(async move { store.receive(message(n)).await }));
    }
    let wrong = store.record_processing(commit(&received.id, "not-the-token", Vec::new()));
    let right = store.record_processing(commit(&received.id, &claimed[0].lease_token, Vec::new()));
    let (wrong, right) = tokio::join!(wrong, right);
    assert!(matches!(wrong, Err(StoreError::LeaseLost(_))));
    right.unwrap();
    for write in writes {
        assert!(!write.await.unwrap().unwrap().duplicate);
    }
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.len(), 31, "one entry per received message");
    crate::audit::chain::verify(&log).unwrap();
}

#[tokio::test]
async fn control_numbers_rise_in_commit_order() {
    let (store, _dir) = store().await;
    let received = store.receive(message(4)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    let entries = (0..3).map(|_| entry(&received.id)).collect();
    store
        .record_processing(commit(&received.id, &claimed[0].lease_token, entries))
        .await
        .unwrap();
    let mut numbers: Vec<String> = store
        .lease_due(10, 5_000, Vec::new())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.control_number)
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["1", "2", "3"]);
}
