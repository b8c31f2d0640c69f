//! Deadlines and what was sent, as stored: the control numbers an X12/EDIFACT delivery carried
//! (on its outbox row, [`record_sent`]), found again by a returning functional acknowledgment
//! ([`Store::sent_matching`]); deadline rows set by a delivery ([`insert`]), met by what
//! answers them ([`apply`]), and claimed by the sweep when overdue ([`Store::claim_overdue`])
//! then completed fenced by the claim's lease token ([`Store::record_missed`]), so each one is
//! missed once however many replicas sweep. The engine decides all of it
//! ([`crate::engine::deadlines`]); the store only writes it, auditing every step.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::exceptions::NewException;
use super::outbox::NewOutboxEntry;
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError, new_id};
use crate::audit::AuditEvent;
use crate::model::OrderKey;

/// What a partner owes back after a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// A 997/CONTRL for an X12/EDIFACT interchange.
    FunctionalAck,
    /// An order response to a purchase order.
    OrderResponse,
    /// A supplier's certification runs out (nothing answers it; a newer record of the
    /// supplier replaces it).
    CertificateExpiry,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::FunctionalAck => "functional_ack",
            DeadlineKind::OrderResponse => "order_response",
            DeadlineKind::CertificateExpiry => "certificate_expiry",
        }
    }

    fn parse(text: &str) -> Result<DeadlineKind, StoreError> {
        match text {
            "functional_ack" => Ok(DeadlineKind::FunctionalAck),
            "order_response" => Ok(DeadlineKind::OrderResponse),
            "certificate_expiry" => Ok(DeadlineKind::CertificateExpiry),
            other => Err(StoreError::Corrupt(format!("deadline kind {other:?}"))),
        }
    }
}

/// The control numbers of what an adapter wrote, without leading zeros.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentControls {
    pub standard: String,
    pub interchange_control: Option<String>,
    pub group_control: Option<String>,
    pub message_control: Option<String>,
    pub message_type: Option<String>,
}

/// A delivery that carried control numbers, as an acknowledgment is matched against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentInterchange {
    pub outbox_id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub agreement: String,
    pub partner: String,
    pub order: Option<OrderKey>,
    pub controls: SentControls,
    /// The verdict of an acknowledgment that answered it already (`accepted`, `rejected`).
    pub acknowledged: Option<String>,
    /// The status of the order it carried, as read.
    pub order_status: Option<String>,
    pub created_at: i64,
}

/// A deadline to set, as the engine decided it on delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeadline {
    pub id: String,
    pub kind: DeadlineKind,
    pub agreement: String,
    pub partner: String,
    pub outbox_id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub order: Option<OrderKey>,
    pub control_number: String,
    /// By the host's [`crate::clock::Clock`].
    pub created_at: i64,
    pub due_at: i64,
    /// For a certificate expiry: the certificate watched.
    pub certificate: Option<WatchedCertificate>,
}

/// The supplier certification a `certificate_expiry` deadline watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedCertificate {
    /// The supplier's identity in its sender's records (`gln:4012345000009`).
    pub supplier_key: String,
    /// The certification's name and number, as people read it (`ISO 9001 (Q-118)`).
    pub certificate: String,
}

/// What an arriving message does to deadlines and deliveries, as the engine decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineWrite {
    /// A functional acknowledgment answered this delivery: recorded on it, and its
    /// `functional_ack` deadline met.
    AckReceived {
        outbox_id: String,
        agreement: String,
        message_id: String,
        /// `accepted` or `rejected`.
        verdict: String,
        interchange_control: Option<String>,
        group_control: Option<String>,
    },
    /// An order response for this order arrived: its `order_response` deadlines are met.
    ResponseArrived { order: OrderKey, message_id: String },
    /// The order was refused in transmission by the acknowledgment `message_id`: its open
    /// `order_response` deadlines are withdrawn (sending it again sets a new one).
    TransmissionRejected { order: OrderKey, message_id: String },
    /// `partner`'s record of the supplier `supplier_key` was stored: its pending certificate
    /// expiries are replaced by `expiries`.
    WatchCertificates {
        partner: String,
        supplier_key: String,
        message_id: String,
        expiries: Vec<NewDeadline>,
    },
}

/// A deadline the sweep holds, overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDeadline {
    pub id: String,
    pub kind: DeadlineKind,
    pub agreement: String,
    pub partner: String,
    pub outbox_id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub order: Option<OrderKey>,
    pub control_number: Option<String>,
    pub due_at: i64,
    pub created_at: i64,
    pub lease_token: String,
    /// For a certificate expiry: the certificate watched.
    pub certificate: Option<WatchedCertificate>,
}

/// What missing a deadline writes, as the engine decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct MissedDeadline {
    pub deadline: DueDeadline,
    pub exception: NewException,
    /// The owning team's signed notification, when it has a webhook.
    pub notification: Option<NewOutboxEntry>,
}

/// Keeps the control numbers a delivery carried on its outbox row.
pub(crate) async fn record_sent(
    batch: &mut Batch<'_>,
    outbox_id: &str,
    sent: &SentControls,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET standard = $1, interchange_control = $2, group_control = $3, \
         message_control = $4, message_type = $5 WHERE id = $6",
    )
    .bind(&sent.standard)
    .bind(&sent.interchange_control)
    .bind(&sent.group_control)
    .bind(&sent.message_control)
    .bind(&sent.message_type)
    .bind(outbox_id)
    .execute(&mut **batch.tx)
    .await?;
    Ok(())
}

/// Sets a deadline; a second one of the same kind for the same delivery is ignored.
pub(crate) async fn insert(batch: &mut Batch<'_>, d: &NewDeadline) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO deadlines (id, kind, state, agreement, partner, outbox_id, message_id, \
         document_id, doc_type, order_buyer, po_number, control_number, due_at, created_at, \
         supplier_key, certificate) \
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (outbox_id, kind) DO NOTHING",
    )
    .bind(&d.id)
    .bind(d.kind.as_str())
    .bind(&d.agreement)
    .bind(&d.partner)
    .bind(&d.outbox_id)
    .bind(&d.message_id)
    .bind(&d.document_id)
    .bind(&d.doc_type)
    .bind(d.order.as_ref().map(|o| &o.buyer))
    .bind(d.order.as_ref().map(|o| &o.po_number))
    .bind(&d.control_number)
    .bind(d.due_at)
    .bind(d.created_at)
    .bind(d.certificate.as_ref().map(|c| &c.supplier_key))
    .bind(d.certificate.as_ref().map(|c| &c.certificate))
    .execute(&mut **batch.tx)
    .await?;
    if inserted.rows_affected() == 1 {
        super::audit::append(
            batch,
            &AuditEvent::DeadlineSet {
                deadline_id: d.id.clone(),
                kind: d.kind.as_str().to_owned(),
                outbox_id: d.outbox_id.clone(),
                agreement: d.agreement.clone(),
                order: d.order.clone(),
                due_at: d.due_at,
            },
        )
        .await?;
    }
    Ok(())
}

/// Applies what an arriving message does to deliveries and deadlines.
pub(crate) async fn apply(batch: &mut Batch<'_>, write: &DeadlineWrite) -> Result<(), StoreError> {
    let (open, message_id) = match write {
        DeadlineWrite::AckReceived {
            outbox_id,
            agreement,
            message_id,
            verdict,
            interchange_control,
            group_control,
        } => {
            sqlx::query("UPDATE outbox SET ack_status = $1, ack_message_id = $2 WHERE id = $3")
                .bind(verdict)
                .bind(message_id)
                .bind(outbox_id)
                .execute(&mut **batch.tx)
                .await?;
            super::audit::append(
                batch,
                &AuditEvent::AckReconciled {
                    outbox_id: outbox_id.clone(),
                    message_id: message_id.clone(),
                    agreement: agreement.clone(),
                    verdict: verdict.clone(),
                    interchange_control: interchange_control.clone(),
                    group_control: group_control.clone(),
                },
            )
            .await?;
            let rows = sqlx::query(
                "SELECT id, kind FROM deadlines WHERE outbox_id = $1 AND kind = 'functional_ack' \
                 AND state = 'open'",
            )
            .bind(outbox_id)
            .fetch_all(&mut **batch.tx)
            .await?;
            (rows, message_id)
        }
        DeadlineWrite::TransmissionRejected { order, message_id } => {
            let withdrawn = sqlx::query(
                "UPDATE deadlines SET state = 'withdrawn', closed_at = $1, closed_by_message = $2, \
                 lease_token = NULL, lease_until = NULL WHERE po_number = $3 AND order_buyer = $4 \
                 AND kind = 'order_response' AND state = 'open' RETURNING id",
            )
            .bind(batch.now)
            .bind(message_id)
            .bind(&order.po_number)
            .bind(&order.buyer)
            .fetch_all(&mut **batch.tx)
            .await?;
            for row in &withdrawn {
                super::audit::append(
                    batch,
                    &AuditEvent::DeadlineWithdrawn {
                        deadline_id: row.try_get(0)?,
                        kind: DeadlineKind::OrderResponse.as_str().to_owned(),
                        message_id: message_id.clone(),
                    },
                )
                .await?;
            }
            return Ok(());
        }
        DeadlineWrite::WatchCertificates {
            partner,
            supplier_key,
            message_id,
            expiries,
        } => {
            let replaced = sqlx::query(
                "UPDATE deadlines SET state = 'replaced', closed_at = $1, closed_by_message = $2, \
                 lease_token = NULL, lease_until = NULL WHERE partner = $3 AND supplier_key = $4 \
                 AND kind = 'certificate_expiry' AND state = 'open' RETURNING id",
            )
            .bind(batch.now)
            .bind(message_id)
            .bind(partner)
            .bind(supplier_key)
            .fetch_all(&mut **batch.tx)
            .await?;
            for row in &replaced {
                super::audit::append(
                    batch,
                    &AuditEvent::DeadlineReplaced {
                        deadline_id: row.try_get(0)?,
                        kind: DeadlineKind::CertificateExpiry.as_str().to_owned(),
                        message_id: message_id.clone(),
                    },
                )
                .await?;
            }
            for expiry in expiries {
                insert(batch, expiry).await?;
            }
            return Ok(());
        }
        DeadlineWrite::ResponseArrived { order, message_id } => {
            let rows = sqlx::query(
                "SELECT id, kind FROM deadlines WHERE po_number = $1 AND order_buyer = $2 \
                 AND kind = 'order_response' AND state = 'open'",
            )
            .bind(&order.po_number)
            .bind(&order.buyer)
            .fetch_all(&mut **batch.tx)
            .await?;
            (rows, message_id)
        }
    };
    for row in &open {
        let id: String = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        sqlx::query(
            "UPDATE deadlines SET state = 'met', closed_at = $1, closed_by_message = $2, \
             lease_token = NULL, lease_until = NULL WHERE id = $3 AND state = 'open'",
        )
        .bind(batch.now)
        .bind(message_id)
        .bind(&id)
        .execute(&mut **batch.tx)
        .await?;
        super::audit::append(
            batch,
            &AuditEvent::DeadlineMet {
                deadline_id: id,
                kind,
                message_id: message_id.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

struct ClaimOverdue {
    /// By the host's clock.
    now: i64,
    limit: i64,
    lease_ms: i64,
}

impl WriteOp for ClaimOverdue {
    type Output = Vec<DueDeadline>;
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, Vec<DueDeadline>> {
        Box::pin(async move {
            let sql = format!(
                "UPDATE deadlines SET lease_token = $1, lease_until = $2 WHERE id IN \
                 (SELECT d.id FROM deadlines d WHERE d.state = 'open' AND d.due_at <= $3 \
                  AND (d.lease_until IS NULL OR d.lease_until < $4) \
                  ORDER BY d.due_at, d.id LIMIT $5 {skip_locked}) \
                 RETURNING id, kind, agreement, partner, outbox_id, message_id, document_id, \
                 doc_type, order_buyer, po_number, control_number, due_at, created_at, lease_token, \
                 supplier_key, certificate",
                skip_locked = batch.backend.skip_locked()
            );
            let rows = sqlx::query(&sql)
                .bind(new_id())
                .bind(batch.now + self.lease_ms)
                .bind(self.now)
                .bind(batch.now)
                .bind(self.limit)
                .fetch_all(&mut **batch.tx)
                .await?;
            rows.iter().map(due).collect()
        })
    }
}

fn due(r: &AnyRow) -> Result<DueDeadline, StoreError> {
    Ok(DueDeadline {
        id: r.try_get("id")?,
        kind: DeadlineKind::parse(&r.try_get::<String, _>("kind")?)?,
        agreement: r.try_get("agreement")?,
        partner: r.try_get("partner")?,
        outbox_id: r.try_get("outbox_id")?,
        message_id: r.try_get("message_id")?,
        document_id: r.try_get("document_id")?,
        doc_type: r.try_get("doc_type")?,
        order: order(r)?,
        control_number: r.try_get("control_number")?,
        due_at: r.try_get("due_at")?,
        created_at: r.try_get("created_at")?,
        lease_token: r.try_get("lease_token")?,
        certificate: match (
            r.try_get::<Option<String>, _>("supplier_key")?,
            r.try_get::<Option<String>, _>("certificate")?,
        ) {
            (Some(supplier_key), Some(certificate)) => Some(WatchedCertificate {
                supplier_key,
                certificate,
            }),
            _ => None,
        },
    })
}

fn order(r: &AnyRow) -> Result<Option<OrderKey>, StoreError> {
    Ok(
        match (
            r.try_get::<Option<String>, _>("order_buyer")?,
            r.try_get::<Option<String>, _>("po_number")?,
        ) {
            (Some(buyer), Some(po_number)) => Some(OrderKey { buyer, po_number }),
            _ => None,
        },
    )
}

struct RecordMissed(MissedDeadline);

impl WriteOp for RecordMissed {
    type Output = ();
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            let missed = &mut self.0;
            let d = &missed.deadline;
            // The fence: met meanwhile, or taken by another sweep whose lease is newer, and
            // this one writes nothing.
            let fenced = sqlx::query(
                "UPDATE deadlines SET state = 'missed', closed_at = $1, lease_token = NULL, \
                 lease_until = NULL WHERE id = $2 AND lease_token = $3 AND state = 'open'",
            )
            .bind(batch.now)
            .bind(&d.id)
            .bind(&d.lease_token)
            .execute(&mut **batch.tx)
            .await?;
            if fenced.rows_affected() != 1 {
                return Err(StoreError::LeaseLost(format!("deadline {}", d.id)));
            }
            super::exceptions::insert(&mut batch, &missed.exception).await?;
            let notification = match &mut missed.notification {
                Some(entry) => {
                    super::outbox::enqueue(&mut batch, entry).await?;
                    Some(entry.id.clone())
                }
                None => None,
            };
            super::audit::append(
                &mut batch,
                &AuditEvent::DeadlineMissed {
                    deadline_id: missed.deadline.id.clone(),
                    kind: missed.deadline.kind.as_str().to_owned(),
                    exception_id: missed.exception.id.clone(),
                    owner: missed.exception.owner.clone(),
                    notification,
                },
            )
            .await
        })
    }
}

/// A deadline as the admin API and tests read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeadlineView {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub agreement: String,
    pub outbox_id: String,
    pub po_number: Option<String>,
    pub due_at: i64,
    pub closed_by_message: Option<String>,
}

impl Store {
    /// Deliveries to `partner` in `standard` whose interchange (when given) and group (when
    /// given) control numbers are these, newest first. Controls are compared as stored:
    /// without leading zeros.
    pub async fn sent_matching(
        &self,
        partner: &str,
        standard: &str,
        interchange_control: Option<&str>,
        group_control: Option<&str>,
    ) -> Result<Vec<SentInterchange>, StoreError> {
        if interchange_control.is_none() && group_control.is_none() {
            return Ok(Vec::new());
        }
        sqlx::query(
            "SELECT o.id, o.message_id, o.document_id, o.doc_type, o.agreement, o.partner, \
             o.order_buyer, o.po_number, o.standard, o.interchange_control, o.group_control, \
             o.message_control, o.message_type, o.ack_status, o.created_at, \
             d.status AS order_status FROM outbox o LEFT JOIN orders d \
             ON d.buyer = o.order_buyer AND d.po_number = o.po_number \
             WHERE o.partner = $1 AND o.standard = $2 \
             AND ($3 IS NULL OR o.interchange_control = $3) \
             AND ($4 IS NULL OR o.group_control = $4) \
             ORDER BY o.created_at DESC, o.id LIMIT 20",
        )
        .bind(partner)
        .bind(standard)
        .bind(interchange_control)
        .bind(group_control)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SentInterchange {
                outbox_id: r.try_get("id")?,
                message_id: r.try_get("message_id")?,
                document_id: r.try_get("document_id")?,
                doc_type: r.try_get("doc_type")?,
                agreement: r.try_get("agreement")?,
                partner: r.try_get("partner")?,
                order: order(r)?,
                controls: SentControls {
                    standard: r.try_get("standard")?,
                    interchange_control: r.try_get("interchange_control")?,
                    group_control: r.try_get("group_control")?,
                    message_control: r.try_get("message_control")?,
                    message_type: r.try_get("message_type")?,
                },
                acknowledged: r.try_get("ack_status")?,
                order_status: r.try_get("order_status")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// Leases up to `limit` open deadlines due at `now` (the host's clock) for `lease_ms`.
    pub async fn claim_overdue(
        &self,
        now: i64,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<DueDeadline>, StoreError> {
        self.write(ClaimOverdue {
            now,
            limit,
            lease_ms,
        })
        .await
    }

    /// Records a missed deadline with its exception and notification. Fails with
    /// [`StoreError::LeaseLost`], writing nothing, when the deadline was met meanwhile or
    /// another sweep holds it now.
    pub async fn record_missed(&self, missed: MissedDeadline) -> Result<(), StoreError> {
        self.write(RecordMissed(missed)).await
    }

    /// Every deadline set by deliveries of `message_id`'s documents, or all when `None`,
    /// oldest first.
    pub async fn deadlines(
        &self,
        message_id: Option<&str>,
    ) -> Result<Vec<DeadlineView>, StoreError> {
        sqlx::query(
            "SELECT id, kind, state, agreement, outbox_id, po_number, due_at, closed_by_message \
             FROM deadlines WHERE ($1 IS NULL OR message_id = $1) ORDER BY created_at, id",
        )
        .bind(message_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(DeadlineView {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                state: r.try_get("state")?,
                agreement: r.try_get("agreement")?,
                outbox_id: r.try_get("outbox_id")?,
                po_number: r.try_get("po_number")?,
                due_at: r.try_get("due_at")?,
                closed_by_message: r.try_get("closed_by_message")?,
            })
        })
        .collect()
    }
}
