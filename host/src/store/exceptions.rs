//! Exceptions as stored: raised inside the processing write that causes them ([`insert`]),
//! listed and read for the operator, and moved through their states by an operator's action
//! ([`Store::act_on_exception`]), each step audited in the same transaction (a retry puts the
//! failed message back on the queue, or replays the dead letter, in it too). Which actions an
//! exception allows and what state follows is the model's ([`crate::model::exception`]); the
//! store only applies it.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::messages::{Reprocess, ReprocessFilter};
use super::outbox::{Replay, ReplayFilter};
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError};
use crate::audit::{Actor, AuditEvent};
use crate::model::exception::ActionRefused;
use crate::model::{ExceptionAction, ExceptionKind, ExceptionState, OrderKey};

/// An exception to raise, as the engine decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewException {
    pub id: String,
    pub kind: ExceptionKind,
    /// The team that owns it, from `[exceptions] owners`.
    pub owner: String,
    /// The partner whose message caused it.
    pub partner: String,
    pub agreement: Option<String>,
    pub message_id: String,
    /// Another message it concerns: for a duplicate, the first one.
    pub related_message_id: Option<String>,
    /// For a failed delivery: the dead letter a retry replays.
    pub outbox_id: Option<String>,
    pub doc_type: Option<String>,
    pub business_key: Option<String>,
    /// The order concerned when Wharf knows it.
    pub order: Option<OrderKey>,
    /// The PO number the document names (known or not).
    pub po_number: Option<String>,
    pub lines: Vec<String>,
    /// What happened and where, for a person.
    pub explanation: String,
}

/// An exception as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceptionView {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ExceptionKind,
    pub state: ExceptionState,
    pub owner: String,
    pub partner: String,
    pub agreement: Option<String>,
    /// The message that caused it, then any related one.
    pub message_ids: Vec<String>,
    pub related_message_id: Option<String>,
    pub outbox_id: Option<String>,
    pub doc_type: Option<String>,
    pub business_key: Option<String>,
    pub order: Option<OrderKey>,
    pub po_number: Option<String>,
    pub lines: Vec<String>,
    pub explanation: String,
    /// What may still be done about it.
    pub actions: Vec<ExceptionAction>,
    pub last_action: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which exceptions to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ExceptionFilter {
    pub state: Option<ExceptionState>,
    pub kind: Option<ExceptionKind>,
    pub owner: Option<String>,
}

/// What releasing a held invoice writes, as the engine decided it
/// ([`crate::engine::release`]): its lines, its audit entries and finance's match results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseWrites {
    pub lines: Vec<super::lines::LineWrite>,
    pub audit: Vec<AuditEvent>,
    pub outbox: Vec<super::outbox::NewOutboxEntry>,
}

/// How an operator's action on an exception ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionOutcome {
    Done(Box<ExceptionView>),
    Unknown,
    Refused(ActionRefused),
}

const COLUMNS: &str = "id, kind, state, owner, partner, agreement, message_id, \
    related_message_id, outbox_id, doc_type, business_key, order_buyer, po_number, lines, \
    explanation, last_action, reason, created_at, updated_at";

/// Raises `exception` inside the batch's transaction, with its audit entry.
pub(crate) async fn insert(
    batch: &mut Batch<'_>,
    exception: &NewException,
) -> Result<(), StoreError> {
    let lines = serde_json::to_string(&exception.lines).unwrap_or_else(|_| "[]".into());
    sqlx::query(&format!(
        "INSERT INTO exceptions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, NULL, NULL, $16, $16)"
    ))
    .bind(&exception.id)
    .bind(exception.kind.as_str())
    .bind(ExceptionState::Open.as_str())
    .bind(&exception.owner)
    .bind(&exception.partner)
    .bind(&exception.agreement)
    .bind(&exception.message_id)
    .bind(&exception.related_message_id)
    .bind(&exception.outbox_id)
    .bind(&exception.doc_type)
    .bind(&exception.business_key)
    .bind(exception.order.as_ref().map(|o| o.buyer.clone()))
    .bind(&exception.po_number)
    .bind(lines)
    .bind(&exception.explanation)
    .bind(batch.now)
    .execute(&mut **batch.tx)
    .await?;
    super::audit::append(
        batch,
        &AuditEvent::ExceptionRaised {
            exception_id: exception.id.clone(),
            kind: exception.kind.as_str().to_owned(),
            owner: exception.owner.clone(),
            partner: exception.partner.clone(),
            message_id: exception.message_id.clone(),
            related_message_id: exception.related_message_id.clone(),
            explanation: exception.explanation.clone(),
        },
    )
    .await
}

fn view(row: &AnyRow) -> Result<ExceptionView, StoreError> {
    let corrupt =
        |what: &str, value: &str| StoreError::Corrupt(format!("exception {what} {value:?}"));
    let kind: String = row.try_get("kind")?;
    let kind: ExceptionKind = kind.parse().map_err(|_| corrupt("type", &kind))?;
    let state: String = row.try_get("state")?;
    let state = ExceptionState::parse(&state).ok_or_else(|| corrupt("state", &state))?;
    let lines: String = row.try_get("lines")?;
    let message_id: String = row.try_get("message_id")?;
    let related: Option<String> = row.try_get("related_message_id")?;
    let po_number: Option<String> = row.try_get("po_number")?;
    let buyer: Option<String> = row.try_get("order_buyer")?;
    let actions = match state {
        ExceptionState::Resolved => Vec::new(),
        ExceptionState::Open => std::iter::once(ExceptionAction::Acknowledge)
            .chain(kind.actions().iter().copied())
            .collect(),
        ExceptionState::Acknowledged => kind.actions().to_vec(),
    };
    Ok(ExceptionView {
        id: row.try_get("id")?,
        kind,
        state,
        owner: row.try_get("owner")?,
        partner: row.try_get("partner")?,
        agreement: row.try_get("agreement")?,
        message_ids: std::iter::once(message_id).chain(related.clone()).collect(),
        related_message_id: related,
        outbox_id: row.try_get("outbox_id")?,
        doc_type: row.try_get("doc_type")?,
        business_key: row.try_get("business_key")?,
        order: buyer
            .zip(po_number.clone())
            .map(|(buyer, po)| OrderKey::new(buyer, po)),
        po_number,
        lines: serde_json::from_str(&lines).map_err(|_| corrupt("lines", &lines))?,
        explanation: row.try_get("explanation")?,
        actions,
        last_action: row.try_get("last_action")?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

struct Act {
    id: String,
    action: ExceptionAction,
    actor: Actor,
    reason: Option<String>,
    /// For a release: what it writes.
    release: Option<ReleaseWrites>,
}

impl WriteOp for Act {
    type Output = ActionOutcome;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ActionOutcome> {
        Box::pin(async move {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM exceptions WHERE id = $1"))
                .bind(&self.id)
                .fetch_optional(&mut **batch.tx)
                .await?;
            let Some(row) = row else {
                return Ok(ActionOutcome::Unknown);
            };
            let before = view(&row)?;
            let reason = self
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty());
            let after = match before.state.after(before.kind, self.action, reason) {
                Ok(after) => after,
                Err(refused) => return Ok(ActionOutcome::Refused(refused)),
            };
            // A retry replays the dead letter, or puts the failed message back on the queue,
            // in this same transaction.
            if self.action == ExceptionAction::Retry {
                let retried = match &before.outbox_id {
                    Some(outbox_id) => {
                        let mut replay = Replay {
                            filter: ReplayFilter {
                                ids: vec![outbox_id.clone()],
                                ..ReplayFilter::default()
                            },
                            actor: self.actor.clone(),
                        };
                        replay.apply(batch.reborrow()).await?
                    }
                    None => {
                        let mut reprocess = Reprocess {
                            filter: ReprocessFilter {
                                ids: vec![before.message_ids[0].clone()],
                                ..ReprocessFilter::default()
                            },
                            actor: self.actor.clone(),
                            reason: reason.map(str::to_owned),
                        };
                        reprocess.apply(batch.reborrow()).await?
                    }
                };
                if retried.is_empty() {
                    return Ok(ActionOutcome::Refused(ActionRefused::NothingToRetry));
                }
            }
            // A release lets the held invoice's lines count as matched and its deliveries go,
            // in this same transaction.
            if self.action == ExceptionAction::Release {
                let Some(release) = &mut self.release else {
                    return Ok(ActionOutcome::Refused(ActionRefused::NothingToRelease));
                };
                for write in &release.lines {
                    super::lines::apply(&mut batch, write).await?;
                }
                for event in &release.audit {
                    super::audit::append(&mut batch, event).await?;
                }
                for entry in &mut release.outbox {
                    super::outbox::enqueue(&mut batch, entry).await?;
                }
            }
            // Fenced on the state read: two operators acting at once cannot both move it.
            let moved = sqlx::query(
                "UPDATE exceptions SET state = $1, last_action = $2, reason = $3, updated_at = $4 \
                 WHERE id = $5 AND state = $6",
            )
            .bind(after.as_str())
            .bind(self.action.as_str())
            .bind(reason)
            .bind(batch.now)
            .bind(&self.id)
            .bind(before.state.as_str())
            .execute(&mut **batch.tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!("exception {} moved", self.id)));
            }
            super::audit::append(
                &mut batch,
                &AuditEvent::ExceptionActed {
                    exception_id: self.id.clone(),
                    actor: self.actor.clone(),
                    action: self.action.as_str().to_owned(),
                    from: before.state.as_str().to_owned(),
                    to: after.as_str().to_owned(),
                    reason: reason.map(str::to_owned),
                },
            )
            .await?;
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM exceptions WHERE id = $1"))
                .bind(&self.id)
                .fetch_one(&mut **batch.tx)
                .await?;
            Ok(ActionOutcome::Done(Box::new(view(&row)?)))
        })
    }
}

impl Store {
    /// Exceptions matching `filter`, oldest first (the one waiting longest leads).
    pub async fn exceptions(
        &self,
        filter: &ExceptionFilter,
    ) -> Result<Vec<ExceptionView>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM exceptions WHERE ($1 IS NULL OR state = $1) \
             AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR owner = $3) \
             ORDER BY created_at, id"
        ))
        .bind(filter.state.map(|s| s.as_str().to_owned()))
        .bind(filter.kind.map(|k| k.as_str().to_owned()))
        .bind(&filter.owner)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(view).collect()
    }

    pub async fn exception(&self, id: &str) -> Result<Option<ExceptionView>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM exceptions WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(view).transpose()
    }

    /// Takes `action` on exception `id` for `actor`, audited with `reason`; a release writes
    /// what the engine decided it does (`release`, `None`: nothing waits). Fails with
    /// [`StoreError::Conflict`], writing nothing, when an order moved since that decision.
    pub async fn act_on_exception(
        &self,
        id: &str,
        action: ExceptionAction,
        actor: Actor,
        reason: Option<String>,
        release: Option<ReleaseWrites>,
    ) -> Result<ActionOutcome, StoreError> {
        self.write(Act {
            id: id.to_owned(),
            action,
            actor,
            reason,
            release,
        })
        .await
    }

    /// The invoices of message `message_id`, those numbered `invoice_number` when given, in
    /// the message's order.
    pub async fn invoice_documents(
        &self,
        message_id: &str,
        invoice_number: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query(
            "SELECT id FROM documents WHERE message_id = $1 AND doc_type = 'invoice' \
             AND ($2 IS NULL OR business_key = $2) ORDER BY position",
        )
        .bind(message_id)
        .bind(invoice_number)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
    }
}
