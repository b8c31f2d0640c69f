//! Deadlines as rows, on both backends: set by a delivery with the control numbers it
//! carried, found again by those numbers, met by an answer, and missed exactly once by
//! sweeps that lease them — surviving a reopen of the database.

use super::deadlines::{DeadlineKind, DeadlineWrite, MissedDeadline, NewDeadline, SentControls};
use super::exceptions::{ExceptionFilter, NewException};
use super::messages::NewMessage;
use super::outbox::{AttemptRecord, EndpointRoom, NewOutboxEntry, Render, Rendered, Settlement};
use super::processing::{MessageOutcome, ProcessingCommit};
use super::tests::{TestDb, on_both};
use super::{Store, StoreError, new_id};
use crate::audit::AuditEvent;
use crate::model::{ExceptionKind, OrderKey};

on_both!(
    a_delivery_keeps_its_controls_and_sets_its_deadlines,
    an_overdue_deadline_is_missed_once_and_a_met_one_never,
);

fn order() -> OrderKey {
    OrderKey {
        buyer: "erp".into(),
        po_number: "4500012345".into(),
    }
}

async fn processed(
    store: &Store,
    n: u32,
    outbox: Vec<NewOutboxEntry>,
    deadlines: Vec<DeadlineWrite>,
) -> String {
    let received = store
        .receive(NewMessage {
            partner: "supplier".into(),
            agreement: "supplier-in".into(),
            idempotency_key: None,
            content_type: None,
            raw: format!("deadline message {n}").into_bytes(),
        })
        .await
        .unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    store
        .record_processing(ProcessingCommit {
            message_id: received.id.clone(),
            lease_token: claimed[0].lease_token.clone(),
            partner: "supplier".into(),
            outcome: MessageOutcome::Processed,
            documents: Vec::new(),
            orders: Vec::new(),
            order_events: Vec::new(),
            outbox,
            audit: Vec::new(),
            adapter_cost: None,
            exceptions: Vec::new(),
            claims: Vec::new(),
            deadlines,
            lines: Vec::new(),
            suppliers: Vec::new(),
        })
        .await
        .unwrap();
    received.id
}

fn purchase_order(message_id: &str) -> NewOutboxEntry {
    let id = new_id();
    NewOutboxEntry {
        id: id.clone(),
        message_id: message_id.into(),
        document_id: None,
        doc_type: "purchase_order".into(),
        agreement: "supplier-orders".into(),
        partner: "supplier".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        render: Render::Encode,
        order: Some(order()),
        routed: AuditEvent::DocumentRouted {
            message_id: message_id.into(),
            document_id: None,
            doc_type: "purchase_order".into(),
            agreement: "supplier-orders".into(),
            partner: "supplier".into(),
            outbox_id: id,
            control_number: None,
        },
        holds: Vec::new(),
    }
}

fn deadline(outbox_id: &str, message_id: &str, kind: DeadlineKind, due_at: i64) -> NewDeadline {
    NewDeadline {
        id: new_id(),
        kind,
        agreement: "supplier-orders".into(),
        partner: "supplier".into(),
        outbox_id: outbox_id.into(),
        message_id: message_id.into(),
        document_id: None,
        doc_type: "purchase_order".into(),
        order: Some(order()),
        control_number: "1".into(),
        created_at: 0,
        due_at,
        certificate: None,
    }
}

/// Sends a purchase order and delivers it, as rendered with X12 controls, setting an FA
/// deadline due at 1000 and an order-response deadline due at 5000. Returns the outbox id.
async fn deliver(store: &Store) -> (String, String) {
    let message_id = processed(store, 1, vec![purchase_order("pending")], Vec::new()).await;
    let leased = store
        .lease_due(10, 60_000, EndpointRoom::default())
        .await
        .unwrap();
    let entry = leased.into_iter().next().unwrap();
    let outbox_id = entry.id.clone();
    let rendered = Rendered {
        bytes: b"ISA*...".to_vec(),
        content_type: "application/edi-x12".into(),
        adapter: "x12@0.1.0".into(),
        cost: None,
        sent: Some(SentControls {
            standard: "x12".into(),
            interchange_control: Some("1".into()),
            group_control: Some("1".into()),
            message_control: Some("1".into()),
            message_type: Some("850".into()),
        }),
    };
    let deadlines = vec![
        deadline(&outbox_id, &message_id, DeadlineKind::FunctionalAck, 1_000),
        deadline(&outbox_id, &message_id, DeadlineKind::OrderResponse, 5_000),
    ];
    store
        .settle(
            entry,
            Some(rendered),
            AttemptRecord {
                attempt: 1,
                duration_ms: 2,
                status_code: Some(200),
                error: None,
            },
            Settlement::Delivered {
                order: None,
                deadlines,
            },
            None,
        )
        .await
        .unwrap();
    (outbox_id, message_id)
}

async fn a_delivery_keeps_its_controls_and_sets_its_deadlines(db: &TestDb) {
    let store = db.open().await;
    let (outbox_id, _) = deliver(&store).await;
    let found = store
        .sent_matching("supplier", "x12", None, Some("1"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].outbox_id, outbox_id);
    assert_eq!(found[0].order, Some(order()));
    assert_eq!(found[0].controls.message_type.as_deref(), Some("850"));
    for (partner, standard, group) in [
        ("supplier", "x12", "2"),
        ("other", "x12", "1"),
        ("supplier", "edifact", "1"),
    ] {
        let none = store
            .sent_matching(partner, standard, None, Some(group))
            .await
            .unwrap();
        assert!(none.is_empty(), "{partner} {standard} {group}: {none:?}");
    }
    // An accepting acknowledgment meets the FA deadline, and nothing else.
    processed(
        &store,
        2,
        Vec::new(),
        vec![DeadlineWrite::AckReceived {
            outbox_id: outbox_id.clone(),
            agreement: "supplier-orders".into(),
            message_id: "ack-message".into(),
            verdict: "accepted".into(),
            interchange_control: Some("1".into()),
            group_control: Some("1".into()),
        }],
    )
    .await;
    store.close().await;
    let store = db.open().await;
    let states: Vec<_> = store
        .deadlines(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.kind, d.state, d.closed_by_message))
        .collect();
    assert_eq!(
        states,
        [
            (
                "functional_ack".into(),
                "met".into(),
                Some("ack-message".into())
            ),
            ("order_response".into(), "open".into(), None),
        ]
    );
    let actions: Vec<String> = store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("deadline") || a == "ack_reconciled")
        .collect();
    assert_eq!(
        actions,
        [
            "deadline_set",
            "deadline_set",
            "ack_reconciled",
            "deadline_met"
        ]
    );
}

fn overdue(message_id: &str, outbox_id: &str) -> NewException {
    NewException {
        id: new_id(),
        kind: ExceptionKind::Overdue,
        owner: "planning".into(),
        partner: "supplier".into(),
        agreement: Some("supplier-orders".into()),
        message_id: message_id.into(),
        related_message_id: None,
        outbox_id: Some(outbox_id.into()),
        doc_type: Some("purchase_order".into()),
        business_key: None,
        order: Some(order()),
        po_number: Some("4500012345".into()),
        lines: Vec::new(),
        explanation: "late".into(),
    }
}

async fn an_overdue_deadline_is_missed_once_and_a_met_one_never(db: &TestDb) {
    let store = db.open().await;
    let (outbox_id, message_id) = deliver(&store).await;
    assert!(
        store
            .claim_overdue(999, 10, 60_000)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let due = store.claim_overdue(1_000, 10, 60_000).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, DeadlineKind::FunctionalAck);
    assert!(
        store
            .claim_overdue(1_000, 10, 60_000)
            .await
            .unwrap()
            .is_empty(),
        "a second sweep passes over the one held"
    );
    // The response arrives before its deadline is swept: met, never claimed.
    processed(
        &store,
        3,
        Vec::new(),
        vec![DeadlineWrite::ResponseArrived {
            order: order(),
            message_id: "response".into(),
        }],
    )
    .await;
    let mut notification = purchase_order(&message_id);
    notification.doc_type = "exception_notification".into();
    notification.order = None;
    notification.render = Render::Notification(br#"{"type":"exception.raised"}"#.to_vec());
    let missed = MissedDeadline {
        deadline: due[0].clone(),
        exception: overdue(&message_id, &outbox_id),
        notification: Some(notification),
    };
    store.record_missed(missed.clone()).await.unwrap();
    let again = MissedDeadline {
        exception: overdue(&message_id, &outbox_id),
        ..missed
    };
    let twice = store.record_missed(again).await;
    assert!(matches!(twice, Err(StoreError::LeaseLost(_))), "{twice:?}");
    assert!(
        store
            .claim_overdue(i64::MAX, 10, 60_000)
            .await
            .unwrap()
            .is_empty()
    );

    let raised = store
        .exceptions(&ExceptionFilter {
            kind: Some(ExceptionKind::Overdue),
            ..ExceptionFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(raised.len(), 1, "{raised:?}");
    // The notification waits in the outbox, ready to send as written.
    let queued = store
        .lease_due(10, 60_000, EndpointRoom::default())
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].doc_type, "exception_notification");
    let payload = queued[0].payload.as_ref().expect("written ready to send");
    assert_eq!(payload.content_type, "application/json");
    assert_eq!(payload.bytes, br#"{"type":"exception.raised"}"#);
    let states: Vec<_> = store
        .deadlines(Some(&message_id))
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(states, ["missed", "met"]);
}
