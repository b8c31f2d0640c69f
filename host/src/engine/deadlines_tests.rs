//! What a delivery leaves owing, what an order response meets and what missing a deadline
//! raises, decided without a store.

use std::collections::BTreeMap;
use std::path::Path;

use super::{control_key, missed, on_delivery, responses_arrived};
use crate::config::{RawConfig, Settings};
use crate::model::{ExceptionKind, OrderKey};
use crate::store::deadlines::{DeadlineKind, DeadlineWrite, DueDeadline, SentControls};
use crate::store::orders::NewOrderEvent;
use crate::store::outbox::{LeasedEntry, Render};
use crate::store::processing::{MessageOutcome, NewDocument, ProcessingCommit};

const MINUTE: i64 = 60_000;

fn settings(webhooks: &str) -> Settings {
    let text = format!(
        r#"
[exceptions]
owners = {{ overdue = "planning" }}
{webhooks}
[[partners]]
id = "supplier"
[[agreements]]
id = "supplier-orders"
partner = "supplier"
direction = "outbound"
adapter = "x12"
endpoint = "http://127.0.0.1:9/"
functional_ack_within_minutes = 30
order_response_within_hours = 4
"#
    );
    let raw: RawConfig = toml::from_str(&text).unwrap();
    let secrets: BTreeMap<String, String> = [(
        "WHARF_SIGNING_SECRET".to_owned(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
    )]
    .into();
    Settings::from_raw(raw, Path::new("/srv/wharf"), &secrets).unwrap()
}

fn order() -> OrderKey {
    OrderKey {
        buyer: "erp".into(),
        po_number: "4500012345".into(),
    }
}

fn entry(doc_type: &str, render: Render) -> LeasedEntry {
    LeasedEntry {
        id: "outbox-1".into(),
        message_id: "message-1".into(),
        document_id: Some("document-1".into()),
        doc_type: doc_type.into(),
        agreement: "supplier-orders".into(),
        partner: "supplier".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        render,
        payload: None,
        control_number: "7".into(),
        sent: None,
        order: Some(order()),
        attempts: 0,
        created_at: 0,
        retry_from: 0,
        lease_token: "lease".into(),
    }
}

fn x12() -> SentControls {
    SentControls {
        standard: "x12".into(),
        interchange_control: Some("7".into()),
        group_control: Some("7".into()),
        message_control: Some("7".into()),
        message_type: Some("850".into()),
    }
}

#[test]
fn control_numbers_compare_without_padding() {
    assert_eq!(control_key("000000042"), "42");
    assert_eq!(control_key(" 0042 "), "42");
    assert_eq!(control_key("0000"), "0");
    assert_eq!(control_key("REF-7"), "REF-7");
}

#[test]
fn a_delivered_x12_purchase_order_owes_an_ack_and_a_response() {
    let settings = settings("");
    let now = 1_000_000;
    let set = on_delivery(
        &settings,
        &entry("purchase_order", Render::Encode),
        Some(&x12()),
        now,
    );
    let kinds: Vec<_> = set.iter().map(|d| (d.kind, d.due_at - now)).collect();
    assert_eq!(
        kinds,
        [
            (DeadlineKind::FunctionalAck, 30 * MINUTE),
            (DeadlineKind::OrderResponse, 4 * 60 * MINUTE)
        ]
    );
    assert!(
        set.iter()
            .all(|d| d.order == Some(order()) && d.created_at == now)
    );
}

#[test]
fn no_ack_is_owed_for_what_carries_no_controls_or_is_itself_an_ack() {
    let settings = settings("");
    let kinds = |doc_type: &str, render: Render, sent: Option<&SentControls>| {
        on_delivery(&settings, &entry(doc_type, render), sent, 0)
            .into_iter()
            .map(|d| d.kind)
            .collect::<Vec<_>>()
    };
    // cXML, IDoc, portal JSON: nothing a 997/CONTRL would answer.
    assert_eq!(
        kinds("purchase_order", Render::Encode, None),
        [DeadlineKind::OrderResponse]
    );
    assert_eq!(
        kinds("invoice", Render::Encode, Some(&x12())),
        [DeadlineKind::FunctionalAck]
    );
    assert!(kinds("functional_ack", Render::Encode, Some(&x12())).is_empty());
    assert!(
        kinds(
            "purchase_order",
            Render::Acknowledge("{}".into()),
            Some(&x12())
        )
        .is_empty()
    );
}

fn due(kind: DeadlineKind) -> DueDeadline {
    DueDeadline {
        id: "deadline-1".into(),
        kind,
        agreement: "supplier-orders".into(),
        partner: "supplier".into(),
        outbox_id: "outbox-1".into(),
        message_id: "message-1".into(),
        document_id: Some("document-1".into()),
        doc_type: "purchase_order".into(),
        order: Some(order()),
        control_number: Some("7".into()),
        due_at: 4 * 60 * MINUTE,
        created_at: 0,
        lease_token: "lease".into(),
        certificate: None,
    }
}

#[test]
fn a_missed_response_is_overdue_for_its_owner_and_notifies_its_webhook() {
    let settings = settings(r#"webhooks = { planning = "http://127.0.0.1:9/planning" }"#);
    let missed = missed(&settings, due(DeadlineKind::OrderResponse), 5 * 60 * MINUTE);
    let exception = &missed.exception;
    assert_eq!(exception.kind, ExceptionKind::Overdue);
    assert_eq!(exception.owner, "planning");
    assert_eq!(exception.order, Some(order()));
    assert!(
        exception.explanation.contains("an order response")
            && exception.explanation.contains("4 hours after delivery")
            && exception.explanation.contains("60 minutes late"),
        "{}",
        exception.explanation
    );
    let notification = missed.notification.expect("planning has a webhook");
    assert_eq!(notification.endpoint, "http://127.0.0.1:9/planning");
    let Render::Notification(body) = &notification.render else {
        panic!(
            "a notification is sent as written: {:?}",
            notification.render
        );
    };
    let body: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body["exception"]["id"], exception.id.as_str());
    assert_eq!(body["exception"]["type"], "overdue");
    assert_eq!(body["deadline"]["kind"], "order_response");
}

#[test]
fn a_team_without_a_webhook_gets_the_exception_only() {
    let missed = missed(
        &settings(""),
        due(DeadlineKind::FunctionalAck),
        5 * 60 * MINUTE,
    );
    assert!(missed.notification.is_none());
    assert!(missed.exception.explanation.contains("interchange 7"));
}

#[test]
fn an_order_response_meets_the_deadline_of_the_order_its_history_names() {
    let commit = ProcessingCommit {
        message_id: "response-message".into(),
        lease_token: "lease".into(),
        partner: "supplier".into(),
        outcome: MessageOutcome::Processed,
        documents: vec![NewDocument {
            id: "response".into(),
            position: 0,
            doc_type: "order_response".into(),
            business_key: None,
            body: "{}".into(),
        }],
        orders: Vec::new(),
        order_events: vec![NewOrderEvent {
            order: order(),
            event: "acknowledged".into(),
            status: "accepted".into(),
            document_id: Some("response".into()),
            detail: serde_json::json!({}),
        }],
        outbox: Vec::new(),
        audit: Vec::new(),
        adapter_cost: None,
        exceptions: Vec::new(),
        claims: Vec::new(),
        deadlines: Vec::new(),
        lines: Vec::new(),
        suppliers: Vec::new(),
    };
    assert_eq!(
        responses_arrived(&commit),
        [DeadlineWrite::ResponseArrived {
            order: order(),
            message_id: "response-message".into()
        }]
    );
}
