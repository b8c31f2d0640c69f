//! Exceptions and business identities in the store, on both backends: an exception is written
//! with the decision that raises it (and not at all when the decision is not), acted on once
//! per state with each action audited; a business identity is taken by one message only.

use super::business::{BusinessClaim, BusinessKey};
use super::exceptions::{ActionOutcome, ExceptionFilter, NewException};
use super::messages::NewMessage;
use super::processing::{MessageOutcome, ProcessingCommit};
use super::tests::{TestDb, on_both};
use super::{Store, StoreError};
use crate::audit::Actor;
use crate::model::exception::ActionRefused;
use crate::model::{ExceptionAction, ExceptionKind, ExceptionState};

on_both!(
    an_exception_is_raised_with_its_decision_and_acted_on_in_order,
    a_business_identity_is_taken_by_one_message,
);

async fn leased(store: &Store, n: u32) -> (String, String) {
    let received = store
        .receive(NewMessage {
            partner: "portal".into(),
            agreement: "supplier-edi".into(),
            idempotency_key: None,
            content_type: None,
            raw: format!("interchange {n}").into_bytes(),
        })
        .await
        .unwrap();
    let claimed = store.claim_received(10, 60_000).await.unwrap();
    let mine = claimed.iter().find(|m| m.id == received.id).unwrap();
    (received.id, mine.lease_token.clone())
}

fn decision(message_id: &str, lease_token: &str, outcome: MessageOutcome) -> ProcessingCommit {
    ProcessingCommit {
        message_id: message_id.into(),
        lease_token: lease_token.into(),
        partner: "portal".into(),
        outcome,
        documents: Vec::new(),
        orders: Vec::new(),
        lines: Vec::new(),
        order_events: Vec::new(),
        outbox: Vec::new(),
        audit: Vec::new(),
        adapter_cost: None,
        exceptions: Vec::new(),
        claims: Vec::new(),
        suppliers: Vec::new(),
        deadlines: Vec::new(),
    }
}

fn unknown_order(message_id: &str) -> NewException {
    NewException {
        id: super::new_id(),
        kind: ExceptionKind::UnknownOrder,
        owner: "operations".into(),
        partner: "portal".into(),
        agreement: Some("supplier-edi".into()),
        message_id: message_id.into(),
        related_message_id: None,
        outbox_id: None,
        doc_type: Some("ship_notice".into()),
        business_key: Some("ASN-1".into()),
        order: None,
        po_number: Some("4500000001".into()),
        lines: vec!["10".into(), "20".into()],
        explanation: "ship notice ASN-1 names PO 4500000001".into(),
    }
}

async fn an_exception_is_raised_with_its_decision_and_acted_on_in_order(db: &TestDb) {
    let store = db.open().await;
    let (id, token) = leased(&store, 1).await;
    let failed = MessageOutcome::Failed(serde_json::json!({"code": "order.unknown"}));
    let mut commit = decision(&id, &token, failed);
    let raised = unknown_order(&id);
    commit.exceptions.push(raised.clone());
    // A decision written without the lease writes no exception either.
    let mut stale = commit.clone();
    stale.lease_token = "not-the-lease".into();
    assert!(matches!(
        store.record_processing(stale).await,
        Err(StoreError::LeaseLost(_))
    ));
    assert!(
        store
            .exceptions(&ExceptionFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    store.record_processing(commit).await.unwrap();

    let open = ExceptionFilter {
        state: Some(ExceptionState::Open),
        kind: Some(ExceptionKind::UnknownOrder),
        owner: Some("operations".into()),
    };
    let listed = store.exceptions(&open).await.unwrap();
    assert_eq!(listed.len(), 1);
    let view = &listed[0];
    assert_eq!(view.id, raised.id);
    assert_eq!(view.message_ids, vec![id.clone()]);
    assert_eq!(view.lines, ["10", "20"]);
    assert_eq!(view.po_number.as_deref(), Some("4500000001"));
    assert_eq!(
        view.actions,
        [
            ExceptionAction::Acknowledge,
            ExceptionAction::Retry,
            ExceptionAction::Resolve
        ]
    );
    let other_team = ExceptionFilter {
        owner: Some("edi-team".into()),
        ..ExceptionFilter::default()
    };
    assert!(store.exceptions(&other_team).await.unwrap().is_empty());

    let act = |action, reason: Option<&str>| {
        let store = store.clone();
        let id = raised.id.clone();
        let reason = reason.map(str::to_owned);
        async move {
            store
                .act_on_exception(&id, action, Actor::Operator, reason, None)
                .await
                .unwrap()
        }
    };
    assert!(matches!(
        act(ExceptionAction::Override, Some("x")).await,
        ActionOutcome::Refused(ActionRefused::NotForKind { .. })
    ));
    let ActionOutcome::Done(acknowledged) = act(ExceptionAction::Acknowledge, None).await else {
        panic!("acknowledged");
    };
    assert_eq!(acknowledged.state, ExceptionState::Acknowledged);
    // A retry puts the failed message back on the queue; the exception stays where it is.
    let ActionOutcome::Done(retried) = act(ExceptionAction::Retry, Some("PO arrived")).await else {
        panic!("retried");
    };
    assert_eq!(retried.state, ExceptionState::Acknowledged);
    let again = store.claim_received(10, 60_000).await.unwrap();
    assert_eq!(
        again.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    assert_eq!(
        act(ExceptionAction::Retry, None).await,
        ActionOutcome::Refused(ActionRefused::NothingToRetry),
        "the message is not failed now"
    );
    let ActionOutcome::Done(resolved) = act(ExceptionAction::Resolve, Some("PO keyed late")).await
    else {
        panic!("resolved");
    };
    assert_eq!(resolved.state, ExceptionState::Resolved);
    assert_eq!(resolved.reason.as_deref(), Some("PO keyed late"));
    assert!(resolved.actions.is_empty());
    assert_eq!(
        act(ExceptionAction::Resolve, None).await,
        ActionOutcome::Refused(ActionRefused::Resolved)
    );
    assert_eq!(
        store
            .act_on_exception(
                "no-such",
                ExceptionAction::Resolve,
                Actor::Operator,
                None,
                None,
            )
            .await
            .unwrap(),
        ActionOutcome::Unknown
    );

    // Raised, then three actions: each in the chain, in order, and the chain holds.
    let log = store.audit_log().await.unwrap();
    let mine: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.subject == format!("exception:{}", raised.id))
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        mine,
        [
            ("exception_raised", "wharf"),
            ("exception_acted", "operator"),
            ("exception_acted", "operator"),
            ("exception_acted", "operator")
        ]
    );
    let reprocessed = log
        .iter()
        .filter(|e| e.action == "message_reprocessed" && e.subject == format!("message:{id}"))
        .count();
    assert_eq!(reprocessed, 1);
    assert!(store.verify_audit(None).await.unwrap().intact());
}

async fn a_business_identity_is_taken_by_one_message(db: &TestDb) {
    let store = db.open().await;
    let invoice = BusinessKey {
        doc_type: "invoice".into(),
        key: "INV-1".into(),
    };
    let claim = |document_id: &str| BusinessClaim {
        identity: invoice.clone(),
        document_id: document_id.into(),
    };
    let (first, first_token) = leased(&store, 1).await;
    let (second, second_token) = leased(&store, 2).await;
    let mut one = decision(&first, &first_token, MessageOutcome::Processed);
    one.claims.push(claim("d1"));
    let mut two = decision(&second, &second_token, MessageOutcome::Processed);
    two.claims.push(claim("d2"));
    // Both decided before either was written: the writes race, one wins.
    let (a, b) = tokio::join!(store.record_processing(one), store.record_processing(two));
    let (winner, loser) = match (&a, &b) {
        (Ok(()), Err(StoreError::Conflict(_))) => (&first, &second),
        (Err(StoreError::Conflict(_)), Ok(())) => (&second, &first),
        other => panic!("exactly one takes INV-1: {other:?}"),
    };
    let seen = store
        .first_business_documents("portal", std::slice::from_ref(&invoice))
        .await
        .unwrap();
    assert_eq!(seen[&invoice].message_id, *winner);
    assert_ne!(winner, loser);
    // The identity is the sender's: another partner's INV-1 is another invoice.
    assert!(
        store
            .first_business_documents("other", &[invoice])
            .await
            .unwrap()
            .is_empty()
    );
}
