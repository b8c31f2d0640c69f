//! The decision: a pure function from what was read (the decoded documents, the orders they
//! concern, the configuration) to everything that must be written about a message — its
//! documents, the orders' writes and history, the outbox entries for every destination and
//! every functional acknowledgment, the audit entries, and the exceptions a team must look
//! at. No I/O happens here, so a conflict at commit time reruns only this, never an adapter,
//! and property tests can reach it.
//!
//! A business document its sender sent before under other control numbers ([`duplicates`])
//! fails the message with `document.duplicate`: held, linked to the first, routed nowhere.

use serde_json::json;

use super::acknowledge;
use super::duplicates;
use super::exceptions::{self, Involved};
use super::failure::Failure;
use super::lifecycle::{self, LifecycleError, OrderStatus, VisibleOrders};
use super::match_result;
use super::supplier_compliance;
use super::workflow::Context;
use crate::audit::{Actor, AuditEvent};
use crate::config::{Agreement, Mode, Settings};
use crate::model::validate::{self, Violation};
use crate::model::{Document, FunctionalAck};
use crate::sandbox::{AdapterFailure, DecodeOutcome};
use crate::store::business::{BusinessClaim, BusinessKey, SeenDocuments};
use crate::store::exceptions::NewException;
use crate::store::lines::{LineWrite, QualityHold, match_hold};
use crate::store::messages::digest;
use crate::store::new_id;
use crate::store::orders::{NewOrderEvent, OrderState, OrderWrite};
use crate::store::outbox::{NewOutboxEntry, Render};
use crate::store::processing::{MessageOutcome, NewDocument, ProcessingCommit};

/// The message being decided about.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'a> {
    pub message_id: &'a str,
    pub lease_token: &'a str,
    pub partner: &'a str,
    pub digest: &'a str,
}

/// What the decision may consult besides the message.
pub struct World<'a> {
    pub settings: &'a Settings,
    /// The orders the documents name that their sender may see, as read before deciding.
    pub orders: &'a VisibleOrders,
    /// The sender's earlier business documents with the identities these documents have.
    pub seen: &'a SeenDocuments,
    /// Whether an agreement's adapter renders functional acknowledgments (`None`: unknown now).
    pub renders_acks: &'a (dyn Fn(&Agreement) -> Option<bool> + Sync),
    /// Quality holds in force (read only for messages a hold may concern).
    pub holds: &'a [QualityHold],
    /// Now by the host's [`crate::clock::Clock`]: certifications expire by it.
    pub now_ms: i64,
}

fn commit_for(inbound: &Inbound<'_>, outcome: MessageOutcome) -> ProcessingCommit {
    ProcessingCommit {
        message_id: inbound.message_id.to_owned(),
        lease_token: inbound.lease_token.to_owned(),
        partner: inbound.partner.to_owned(),
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

/// Why a message is refused, and the exception the refusal raises for a team, if any.
struct Refusal {
    failure: Failure,
    exception: Option<NewException>,
}

impl From<Failure> for Refusal {
    fn from(failure: Failure) -> Refusal {
        Refusal {
            failure,
            exception: None,
        }
    }
}

/// Decides what a decoded message produces. `adapter` is the decoder's `id@version`.
pub fn decide(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    adapter: &str,
    decoded: &DecodeOutcome,
    world: &World<'_>,
) -> ProcessingCommit {
    match plan(inbound, agreement, adapter, decoded, world) {
        Ok(commit) => commit,
        Err(refusal) => {
            let rejected: Vec<&AdapterFailure> = decoded.rejected.iter().collect();
            let mut commit = fail(inbound, Some(agreement), refusal.failure, &rejected, world);
            commit.exceptions.extend(refusal.exception);
            commit
        }
    }
}

/// Decides how a message fails: the failure, and rejecting acknowledgments for the located
/// parts the partner must correct.
pub fn fail(
    inbound: &Inbound<'_>,
    agreement: Option<&Agreement>,
    failure: Failure,
    rejected: &[&AdapterFailure],
    world: &World<'_>,
) -> ProcessingCommit {
    let mut acks: Vec<FunctionalAck> = rejected
        .iter()
        .filter_map(|r| acknowledge::rejecting(&r.message, r.location.as_ref()))
        .collect();
    if failure.code.starts_with("adapter.")
        && let Some(ack) = acknowledge::rejecting(&failure.message, failure.location.as_ref())
    {
        acks.push(ack);
    }
    let error = failure.to_json();
    let mut commit = commit_for(inbound, MessageOutcome::Failed(error.clone()));
    if let Some(agreement) = agreement {
        commit.outbox = acknowledge::entries(
            world.settings,
            inbound.message_id,
            agreement,
            acks,
            world.renders_acks,
        );
    }
    commit.audit.push(AuditEvent::MessageFailed {
        message_id: inbound.message_id.to_owned(),
        error,
    });
    commit
}

fn plan(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    adapter: &str,
    decoded: &DecodeOutcome,
    world: &World<'_>,
) -> Result<ProcessingCommit, Refusal> {
    if decoded.documents.is_empty() {
        return Err(Refusal::from(match decoded.rejected.first() {
            Some(first) => {
                let mut failure = Failure::new(
                    format!("adapter.{}", first.kind.as_str()),
                    format!(
                        "every part of the message was refused ({}); first: {}",
                        decoded.rejected.len(),
                        first.message
                    ),
                );
                failure.location = first.location.clone();
                failure.adapter = Some(adapter.to_owned());
                failure
            }
            None => Failure::new(
                "adapter.empty",
                "the adapter found no documents in the message",
            ),
        }));
    }
    let mut commit = commit_for(inbound, MessageOutcome::Processed);
    let mut orders = world.orders.clone();
    let mut summaries = Vec::new();
    let mut claimed: Vec<BusinessKey> = Vec::new();
    for (position, document) in decoded.documents.iter().enumerate() {
        let mut document = document.clone();
        document.envelope.raw_digest = Some(inbound.digest.to_owned());
        document.envelope.adapter = Some(adapter.to_owned());
        let involved = Involved {
            document: &document,
            position,
        };
        check(agreement, position, &document.body).map_err(|failure| {
            let exception = (failure.code == "document.invalid").then(|| {
                exceptions::invalid(
                    world.settings,
                    inbound,
                    agreement,
                    involved,
                    &failure.message,
                )
            });
            Refusal { failure, exception }
        })?;
        let document_id = new_id();
        // Test traffic claims no business identity: a test invoice does not make the real
        // one a duplicate.
        if !document.envelope.test
            && let Some(identity) = duplicates::identity(&document.body)
        {
            if let Some(held) =
                duplicates::held_if_seen(inbound, agreement, involved, &identity, &claimed, world)
            {
                return Err(Refusal {
                    failure: held.failure,
                    exception: Some(held.exception),
                });
            }
            claimed.push(identity.clone());
            commit.claims.push(BusinessClaim {
                identity,
                document_id: document_id.clone(),
            });
        }
        let body = serde_json::to_string(&document).unwrap_or_default();
        // The chain carries each stored document's digest, so an edited one is found.
        summaries.push(json!({
            "document_id": document_id,
            "doc_type": document.body.doc_type(),
            "business_key": document.body.business_key(),
            "digest": digest(body.as_bytes()),
        }));
        plan_document(
            inbound,
            agreement,
            involved,
            &document_id,
            world,
            &mut orders,
            &mut commit,
        )?;
        // Supplier master data becomes the sender's current record, checked as onboarding
        // checks it on the host clock's day; its certifications are watched from now on.
        if let Document::Supplier(supplier) = &document.body
            && !document.envelope.test
        {
            let today = chrono::DateTime::from_timestamp_millis(world.now_ms)
                .unwrap_or_default()
                .date_naive();
            let assessed = supplier_compliance::assess(
                world.settings,
                inbound,
                agreement,
                involved,
                &document_id,
                supplier,
                today,
            );
            commit.deadlines.push(supplier_compliance::watch(
                inbound,
                agreement,
                &document_id,
                supplier,
                &assessed.record.supplier_key,
                world.now_ms,
            ));
            commit.suppliers.push(assessed.record);
            commit.exceptions.extend(assessed.exception);
        }
        commit.documents.push(NewDocument {
            id: document_id,
            position: position as i64,
            doc_type: document.body.doc_type().to_string(),
            business_key: document.body.business_key().map(str::to_owned),
            body,
        });
    }
    let mut acks = match agreement.acknowledge_to {
        Some(_) => acknowledge::accepting(&decoded.documents),
        None => Vec::new(),
    };
    acks.extend(
        decoded
            .rejected
            .iter()
            .filter_map(|r| acknowledge::rejecting(&r.message, r.location.as_ref())),
    );
    commit.outbox.extend(acknowledge::entries(
        world.settings,
        inbound.message_id,
        agreement,
        acks,
        world.renders_acks,
    ));
    commit.audit.insert(
        0,
        AuditEvent::MessageDecoded {
            message_id: inbound.message_id.to_owned(),
            adapter: adapter.to_owned(),
            documents: json!(summaries),
            warnings: decoded.warnings.iter().map(|w| w.to_string()).collect(),
            rejected: decoded
                .rejected
                .iter()
                .map(|r| serde_json::to_value(r).unwrap_or_default())
                .collect(),
        },
    );
    Ok(commit)
}

fn check(agreement: &Agreement, position: usize, body: &Document) -> Result<(), Failure> {
    let doc_type = body.doc_type();
    if !agreement.doc_types.is_empty() && !agreement.doc_types.contains(&doc_type) {
        return Err(Failure::new(
            "agreement.doc_type",
            format!(
                "agreement {} does not carry {doc_type} documents",
                agreement.id
            ),
        ));
    }
    let violations = validate::check(body);
    if violations.is_empty() {
        return Ok(());
    }
    let mut failure = Failure::new(
        "document.invalid",
        format!(
            "document {} ({doc_type}) breaks {} rule(s): {}",
            position + 1,
            violations.len(),
            violations[0].message
        ),
    );
    failure.violations = violations
        .into_iter()
        .map(|v| Violation {
            path: format!("documents[{position}].{}", v.path),
            message: v.message,
        })
        .collect();
    Err(failure)
}

fn plan_document(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    document_id: &str,
    world: &World<'_>,
    orders: &mut VisibleOrders,
    commit: &mut ProcessingCommit,
) -> Result<(), Refusal> {
    let document = involved.document;
    let doc_type = document.body.doc_type();
    // A later document naming an order its sender has none under is refused as before, and
    // the operator is told; other lifecycle refusals are the partner's to correct.
    let refuse = |e: LifecycleError| {
        let failure = Failure::new(e.code(), e.to_string());
        let exception = match &e {
            LifecycleError::UnknownOrder(po_number) => Some(exceptions::unknown_order(
                world.settings,
                inbound,
                agreement,
                involved,
                po_number,
            )),
            _ => None,
        };
        Refusal { failure, exception }
    };
    let destinations = world.settings.destinations(doc_type, inbound.partner);
    let routed_to: Vec<&str> = destinations.iter().map(|d| d.partner.as_str()).collect();
    // Test traffic never changes the state of production orders, and needs none.
    let test = document.envelope.test;
    let resolved = lifecycle::resolve(
        &document.body,
        inbound.partner,
        orders,
        agreement.unknown_orders,
        &routed_to,
    );
    let state = match resolved {
        Ok(state) => state.cloned(),
        Err(_) if test => None,
        Err(e) => return Err(refuse(e)),
    };
    let effect = if test {
        lifecycle::Effect::default()
    } else {
        let named = lifecycle::resolve_all(&document.body, inbound.partner, orders, &routed_to);
        let ctx = Context {
            matching: &world.settings.matching,
            holds: world.holds,
            message_id: inbound.message_id,
        };
        lifecycle::apply(
            &document.body,
            document_id,
            inbound.partner,
            state.as_ref(),
            &named,
            ctx,
        )
        .map_err(refuse)?
    };
    if let Some((from, to, order)) = &effect.transition {
        commit.audit.push(AuditEvent::OrderTransition {
            order: order.clone(),
            actor: Actor::Partner(inbound.partner.to_owned()),
            from: from.map(|f| f.as_str().to_owned()),
            to: to.as_str().to_owned(),
            message_id: Some(inbound.message_id.to_owned()),
            document_id: Some(document_id.to_owned()),
        });
    }
    // Later documents of the same message see this one's effect.
    let status_after = effect
        .transition
        .as_ref()
        .map(|(_, to, _)| *to)
        .or_else(|| state.as_ref().and_then(|s| OrderStatus::parse(&s.status)));
    // The order this document is attached to: the one it names, or the one it opens (test
    // documents open none).
    let order = match &effect.transition {
        Some((_, to, key)) => {
            let mut next = state.clone().unwrap_or_else(|| {
                OrderState::new(key.clone(), "", vec![inbound.partner.to_owned()])
            });
            next.status = to.as_str().to_owned();
            let under = orders.entry(key.po_number.clone()).or_default();
            match under.iter_mut().find(|o| o.key == *key) {
                Some(known) => *known = next,
                None => under.push(next),
            }
            Some(key.clone())
        }
        None => state.as_ref().map(|s| s.key.clone()),
    };
    // Later documents of the same message see the lines as this one leaves them.
    for write in &effect.line_writes {
        if let LineWrite::Lines {
            key, lines, status, ..
        } = write
            && let Some(known) = orders
                .get_mut(&key.po_number)
                .and_then(|under| under.iter_mut().find(|o| o.key == *key))
        {
            known.version += 1;
            known.status = status.clone();
            for line in lines {
                known.lines.insert(line.line_number.clone(), line.clone());
            }
        }
    }
    raise_workflow_exceptions(inbound, agreement, involved, world, &effect, commit);
    for step in &effect.steps {
        commit.audit.push(AuditEvent::WorkflowStep {
            step: step.step,
            order: step.order.clone(),
            actor: Actor::Partner(inbound.partner.to_owned()),
            message_id: Some(inbound.message_id.to_owned()),
            document_id: Some(document_id.to_owned()),
            detail: step.detail.clone(),
        });
    }
    // Finance hears the match as it is decided, and again when a receipt changes it.
    commit.outbox.extend(match_result::for_writes(
        world.settings,
        inbound.message_id,
        orders,
        &effect.line_writes,
    ));
    commit.orders.extend(effect.writes);
    commit.lines.extend(effect.line_writes);
    commit.order_events.extend(effect.events);
    // An unmatched invoice waits for finance (the agreements `[matching]` names, else every
    // destination); quality holds keep a receipt or invoice from every destination they
    // would reach.
    let finance = &world.settings.matching.finance_agreements;
    let holds_for = |agreement: &str| -> Vec<String> {
        effect
            .holds
            .iter()
            .filter(|h| {
                *h != &match_hold(document_id) || finance.is_empty() || finance.contains(agreement)
            })
            .cloned()
            .collect()
    };

    let document_mode = if test { Mode::Test } else { Mode::Production };
    for destination in destinations {
        if destination.mode != document_mode {
            commit.audit.push(AuditEvent::RouteSkipped {
                message_id: inbound.message_id.to_owned(),
                document_id: document_id.to_owned(),
                agreement: destination.id.clone(),
                reason: format!(
                    "a {document_mode:?} document is not sent to the {:?} agreement {}",
                    destination.mode, destination.id
                ),
            });
            continue;
        }
        let outbox_id = new_id();
        // Share the order with the destination only when there is one (test documents never
        // touch one).
        if let Some(key) = &order
            && !test
        {
            commit.orders.push(OrderWrite::Share {
                key: key.clone(),
                partner: destination.partner.clone(),
            });
            if let Some(state) = orders
                .get_mut(&key.po_number)
                .and_then(|under| under.iter_mut().find(|o| o.key == *key))
                && !state.parties.contains(&destination.partner)
            {
                state.parties.push(destination.partner.clone());
            }
            commit.order_events.push(NewOrderEvent {
                order: key.clone(),
                event: format!("{doc_type}_routed"),
                status: status_after
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                document_id: Some(document_id.to_owned()),
                detail: json!({"agreement": destination.id, "partner": destination.partner,
                    "outbox_id": outbox_id}),
            });
        }
        commit.outbox.push(NewOutboxEntry {
            id: outbox_id.clone(),
            message_id: inbound.message_id.to_owned(),
            document_id: Some(document_id.to_owned()),
            doc_type: doc_type.to_string(),
            agreement: destination.id.clone(),
            partner: destination.partner.clone(),
            endpoint: destination.endpoint.clone().unwrap_or_default(),
            render: Render::Encode,
            order: order.clone().filter(|_| !test),
            holds: holds_for(&destination.id),
            routed: AuditEvent::DocumentRouted {
                message_id: inbound.message_id.to_owned(),
                document_id: Some(document_id.to_owned()),
                doc_type: doc_type.to_string(),
                agreement: destination.id.clone(),
                partner: destination.partner.clone(),
                outbox_id,
                control_number: None,
            },
        });
    }
    Ok(())
}

/// The exceptions what a document did to its orders raises: one per order for line issues,
/// one per order for an invoice waiting on its match, one for quality holds.
fn raise_workflow_exceptions(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    world: &World<'_>,
    effect: &lifecycle::Effect,
    commit: &mut ProcessingCommit,
) {
    let mut orders: Vec<&crate::model::OrderKey> = effect
        .issues
        .iter()
        .map(|(k, _)| k)
        .chain(effect.mismatches.iter().map(|(k, _)| k))
        .collect();
    orders.sort();
    orders.dedup();
    for order in orders {
        let issues: Vec<_> = effect
            .issues
            .iter()
            .filter(|(k, _)| k == order)
            .map(|(_, i)| i)
            .collect();
        commit.exceptions.extend(exceptions::line_issues(
            world.settings,
            inbound,
            agreement,
            involved,
            order,
            &issues,
        ));
        let waiting: Vec<_> = effect
            .mismatches
            .iter()
            .filter(|(k, _)| k == order)
            .map(|(_, m)| m)
            .collect();
        if !waiting.is_empty() {
            commit.exceptions.push(exceptions::mismatch(
                world.settings,
                inbound,
                agreement,
                involved,
                order,
                &waiting,
            ));
        }
    }
    if !effect.quality_held.is_empty() {
        let order = effect
            .steps
            .iter()
            .find_map(|s| s.order.as_ref())
            .or_else(|| effect.events.first().map(|e| &e.order));
        commit.exceptions.push(exceptions::quality_held(
            world.settings,
            inbound,
            agreement,
            involved,
            order,
            &effect.quality_held,
        ));
    }
}
