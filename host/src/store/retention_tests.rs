//! Content at rest, on both backends: raw bytes, documents and delivered payloads are kept
//! compressed and read back as they came; retention empties the raw bytes and payloads of
//! long-closed orders only (a message that also carried an open order keeps its bytes), and
//! the audit trail still verifies, counting what retention removed.

use super::messages::NewMessage;
use super::orders::{NewOrderEvent, OrderWrite};
use super::outbox::{AttemptRecord, EndpointRoom, NewOutboxEntry, Render, Rendered, Settlement};
use super::processing::{NewDocument, ProcessingCommit};
use super::retention::Pruned;
use super::tests::{TestDb, commit, on_both};
use super::{Store, new_id};
use crate::audit::AuditEvent;
use crate::model::OrderKey;

on_both!(
    content_is_kept_compressed_and_read_back_as_it_came,
    retention_empties_only_long_closed_orders_and_the_trail_still_verifies,
);

fn order(po_number: &str) -> OrderKey {
    OrderKey {
        buyer: "erp".into(),
        po_number: po_number.into(),
    }
}

/// An IDoc-like message big enough to be worth compressing, distinct per `n`.
fn interchange(n: u32) -> Vec<u8> {
    let mut text = format!("<ORDERS05><IDOC BEGIN=\"1\"><EDI_DC40><DOCNUM>{n}</DOCNUM></EDI_DC40>");
    for line in 1..=40 {
        text.push_str(&format!(
            "<E1EDP01><POSEX>{:06}</POSEX><MENGE>{line}.000</MENGE><MENEE>PCE</MENEE></E1EDP01>",
            line * 10
        ));
    }
    text.push_str("</IDOC></ORDERS05>");
    text.into_bytes()
}

fn event(po_number: &str, event: &str) -> NewOrderEvent {
    NewOrderEvent {
        order: order(po_number),
        event: event.into(),
        status: String::new(),
        document_id: None,
        detail: serde_json::json!({}),
    }
}

/// Receives message `n` and records its processing with `orders` (order writes and events)
/// and the deliveries `outbox` makes for the message's id; each new order gets a document of
/// its own. Returns the message id.
async fn processed(
    store: &Store,
    n: u32,
    orders: Vec<OrderWrite>,
    events: Vec<NewOrderEvent>,
    outbox: impl FnOnce(&str) -> Vec<NewOutboxEntry>,
) -> String {
    let received = store
        .receive(NewMessage {
            partner: "erp".into(),
            agreement: "erp-orders".into(),
            idempotency_key: None,
            content_type: None,
            raw: interchange(n),
        })
        .await
        .unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    assert_eq!(
        claimed[0].raw,
        interchange(n),
        "the raw bytes come back unpacked"
    );
    let documents = orders
        .iter()
        .filter_map(|write| match write {
            OrderWrite::Create {
                key, document_id, ..
            } => Some(NewDocument {
                id: document_id.clone(),
                position: 0,
                doc_type: "purchase_order".into(),
                business_key: Some(key.po_number.clone()),
                body: serde_json::json!({
                    "po_number": key.po_number,
                    "lines": (1..=30).map(|l| serde_json::json!({"line": l, "quantity": "5"}))
                        .collect::<Vec<_>>(),
                })
                .to_string(),
            }),
            _ => None,
        })
        .collect();
    store
        .record_processing(ProcessingCommit {
            documents,
            orders,
            order_events: events,
            ..commit(&received.id, &claimed[0].lease_token, outbox(&received.id))
        })
        .await
        .unwrap();
    received.id
}

fn create(po_number: &str) -> OrderWrite {
    OrderWrite::Create {
        key: order(po_number),
        status: "sent".into(),
        document_id: new_id(),
        parties: vec!["erp".into(), "supplier".into()],
    }
}

fn close(po_number: &str) -> OrderWrite {
    OrderWrite::Transition {
        key: order(po_number),
        from: "sent".into(),
        to: "closed".into(),
    }
}

/// An order for the supplier, to be encoded and delivered.
fn delivery(message_id: &str, po_number: &str) -> NewOutboxEntry {
    NewOutboxEntry {
        id: new_id(),
        message_id: message_id.into(),
        document_id: None,
        doc_type: "purchase_order".into(),
        agreement: "supplier-orders".into(),
        partner: "supplier".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        render: Render::Encode,
        order: Some(order(po_number)),
        routed: AuditEvent::DocumentRouted {
            message_id: message_id.into(),
            document_id: None,
            doc_type: "purchase_order".into(),
            agreement: "supplier-orders".into(),
            partner: "supplier".into(),
            outbox_id: String::new(),
            control_number: None,
        },
        holds: Vec::new(),
    }
}

/// Leases every due entry and delivers each with `payload` rendered for it.
async fn deliver_all(store: &Store, payload: &[u8]) {
    for entry in store
        .lease_due(10, 60_000, EndpointRoom::default())
        .await
        .unwrap()
    {
        store
            .settle(
                entry,
                Some(Rendered {
                    bytes: payload.to_vec(),
                    content_type: "text/xml".into(),
                    adapter: "cxml@1.0.0".into(),
                    cost: None,
                    sent: None,
                }),
                AttemptRecord {
                    attempt: 1,
                    duration_ms: 2,
                    status_code: Some(200),
                    error: None,
                },
                Settlement::Delivered {
                    order: None,
                    deadlines: Vec::new(),
                },
                None,
            )
            .await
            .unwrap();
    }
}

fn cxml(n: u32) -> Vec<u8> {
    let mut text = format!("<cXML payloadID=\"{n}@wharf\"><Request><OrderRequest>");
    for line in 1..=40 {
        text.push_str(&format!(
            "<ItemOut lineNumber=\"{line}\" quantity=\"5\"><ItemID><SupplierPartID>P-{line}\
             </SupplierPartID></ItemID></ItemOut>"
        ));
    }
    text.push_str("</OrderRequest></Request></cXML>");
    text.into_bytes()
}

async fn content_is_kept_compressed_and_read_back_as_it_came(db: &TestDb) {
    let store = db.open().await;
    let message = processed(&store, 1, vec![create("PO-1")], Vec::new(), |_| Vec::new()).await;
    let row: (i64, Option<String>, i64) = sqlx::query_as(
        "SELECT CAST(length(raw) AS BIGINT), raw_codec, CAST(size_bytes AS BIGINT) \
         FROM messages WHERE id = $1",
    )
    .bind(&message)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(row.1.as_deref(), Some("zstd"));
    assert_eq!(
        row.2,
        interchange(1).len() as i64,
        "the size is the raw size"
    );
    assert!(row.0 * 3 < row.2, "{} bytes kept for {}", row.0, row.2);
    assert_eq!(
        store.message_raw(&message).await.unwrap().unwrap(),
        interchange(1)
    );

    let (body, packed): (String, Option<Vec<u8>>) =
        sqlx::query_as("SELECT body, body_zstd FROM documents WHERE message_id = $1")
            .bind(&message)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(body, "", "the JSON is in body_zstd");
    assert!(packed.is_some());
    let view = store
        .order_view(&order("PO-1"), "supplier")
        .await
        .unwrap()
        .expect("the supplier sees the order");
    assert_eq!(view.document["po_number"], "PO-1");
    assert_eq!(view.document["lines"][29]["line"], 30);

    let verdict = store.verify_audit(None).await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(
        verdict.digests_checked, 1,
        "the message's digest, over its unpacked bytes"
    );
}

async fn retention_empties_only_long_closed_orders_and_the_trail_still_verifies(db: &TestDb) {
    let store = db.open().await;
    // Message 1 carries two orders, message 2 touches none, message 3 sends PO-1 on (it is
    // delivered) and message 4 closes it.
    let both = processed(
        &store,
        1,
        vec![create("PO-1"), create("PO-2")],
        vec![event("PO-1", "released"), event("PO-2", "released")],
        |_| Vec::new(),
    )
    .await;
    processed(&store, 2, Vec::new(), Vec::new(), |_| Vec::new()).await;
    let mut delivered = String::new();
    processed(&store, 3, Vec::new(), vec![event("PO-1", "sent")], |id| {
        let entry = delivery(id, "PO-1");
        delivered = entry.id.clone();
        vec![entry]
    })
    .await;
    deliver_all(&store, &cxml(1)).await;
    let closing = processed(
        &store,
        4,
        vec![close("PO-1")],
        vec![event("PO-1", "closed")],
        |_| Vec::new(),
    )
    .await;

    // Nothing closed before the orders were written is old enough.
    assert_eq!(
        store.prune_closed_content(0, 64).await.unwrap(),
        Pruned::default()
    );

    let later = super::now_ms() + 1_000;
    let first = store.prune_closed_content(later, 64).await.unwrap();
    assert_eq!(
        first,
        Pruned {
            orders: 1,
            messages: 2,
            payloads: 1
        },
        "the messages that sent and closed PO-1, and its delivered payload; message 1 still \
         carries PO-2"
    );
    assert_eq!(store.message_raw(&closing).await.unwrap(), None);
    assert_eq!(
        store.message_raw(&both).await.unwrap().unwrap(),
        interchange(1)
    );
    let payload: Vec<u8> = sqlx::query_scalar("SELECT payload FROM outbox WHERE id = $1")
        .bind(&delivered)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(payload.is_empty());
    let view = store
        .order_view(&order("PO-1"), "erp")
        .await
        .unwrap()
        .expect("the order itself stays");
    assert_eq!(view.document["po_number"], "PO-1");

    let verdict = store.verify_audit(None).await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.digests_pruned, 3);

    // Swept again, PO-1 is passed by; once PO-2 closes, message 1 goes too.
    assert_eq!(
        store.prune_closed_content(later, 64).await.unwrap(),
        Pruned::default()
    );
    processed(
        &store,
        5,
        vec![close("PO-2")],
        vec![event("PO-2", "closed")],
        |_| Vec::new(),
    )
    .await;
    let second = store
        .prune_closed_content(super::now_ms() + 1_000, 64)
        .await
        .unwrap();
    assert_eq!((second.orders, second.messages), (1, 2));
    assert_eq!(store.message_raw(&both).await.unwrap(), None);
    let verdict = store.verify_audit(None).await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.digests_pruned, 5);

    // Bytes emptied without retention's entry are a break, named at the entry that chained them.
    let tampered: String = sqlx::query_scalar(
        "SELECT id FROM messages WHERE pruned_at IS NULL ORDER BY received_at LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE messages SET pruned_at = 1 WHERE id = $1")
        .bind(&tampered)
        .execute(store.pool())
        .await
        .unwrap();
    let verdict = store.verify_audit(None).await.unwrap();
    let broken = verdict
        .first_break
        .expect("a message gone without retention");
    assert!(broken.reason.contains(&tampered), "{}", broken.reason);
}
