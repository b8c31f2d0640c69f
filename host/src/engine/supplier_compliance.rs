//! Supplier documents as they flow through: each is checked with the onboarding rules
//! ([`crate::suppliers::rules`], the same that answer `POST /api/v1/suppliers/validate`),
//! becomes its sender's current record of that supplier, and one that breaks a rule — an
//! expired or missing certification, a bad GLN or IBAN — raises a `supplier_compliance`
//! exception for the team `[exceptions] owners` names. The document is processed and routed
//! all the same: master data that is out of date is still the partner's latest word, and
//! refusing it would hide it from the people who must chase the supplier.
//!
//! Certifications also expire later: each one still valid when the record is stored is
//! watched as a `certificate_expiry` deadline ([`watch`]), due when the host's clock reaches
//! the day after its `valid_until`; the sweep then raises the same kind of exception
//! ([`expired`]), once. The partner's next record of the supplier replaces what is watched,
//! so a renewed certificate moves its deadline.

use chrono::NaiveDate;

use super::decide::Inbound;
use super::exceptions::Involved;
use crate::config::{Agreement, Settings};
use crate::model::{ExceptionKind, Supplier};
use crate::store::deadlines::{
    DeadlineKind, DeadlineWrite, DueDeadline, NewDeadline, WatchedCertificate,
};
use crate::store::exceptions::NewException;
use crate::store::new_id;
use crate::store::suppliers::SupplierRecord;
use crate::suppliers::rules::day_of;
use crate::suppliers::{self, SupplierViolation};

/// What a supplier document leaves behind: the record to store, and the exception it raises.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub record: SupplierRecord,
    pub exception: Option<NewException>,
}

/// The identity a supplier's record is kept under: its GLN, else its D-U-N-S number, else its
/// first identifier, as `scheme:value`; its name when it has none.
pub fn supplier_key(supplier: &Supplier) -> String {
    let by = |scheme: &str| supplier.ids.iter().find(|i| i.scheme == scheme);
    by("gln")
        .or_else(|| by("duns"))
        .or_else(|| supplier.ids.first())
        .map(|i| format!("{}:{}", i.scheme, i.value.trim()))
        .unwrap_or_else(|| format!("name:{}", supplier.name.trim()))
}

/// Checks `supplier` (document `document_id`) on the day `today`.
pub fn assess(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    document_id: &str,
    supplier: &Supplier,
    today: NaiveDate,
) -> Assessed {
    let violations = suppliers::check(supplier, &settings.suppliers, today);
    let key = supplier_key(supplier);
    let record = SupplierRecord {
        supplier_key: key.clone(),
        name: supplier.name.clone(),
        document_id: document_id.to_owned(),
        valid: violations.is_empty(),
        violations: serde_json::to_string(&violations).unwrap_or_else(|_| "[]".into()),
    };
    let exception = (!violations.is_empty()).then(|| {
        noncompliant(
            settings,
            Concerned {
                partner: inbound.partner,
                agreement: &agreement.id,
                message_id: inbound.message_id,
                doc_type: involved.document.body.doc_type().as_str(),
                supplier_key: &key,
            },
            explain(supplier, &key, inbound, agreement, involved, &violations),
        )
    });
    Assessed { record, exception }
}

/// The certificate expiries `supplier` (document `document_id`, kept under `key`) leaves to
/// watch at `now_ms`: one per certification valid today or later, due at the start (UTC) of
/// the day after its last valid day. They replace what the sender's earlier record left.
pub fn watch(
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    document_id: &str,
    supplier: &Supplier,
    key: &str,
    now_ms: i64,
) -> DeadlineWrite {
    let expiries = supplier
        .certifications
        .iter()
        .enumerate()
        .filter_map(|(n, cert)| {
            let last_day = day_of(cert.valid_until.as_deref()?)?;
            let due_at = last_day
                .succ_opt()?
                .and_hms_opt(0, 0, 0)?
                .and_utc()
                .timestamp_millis();
            (due_at > now_ms).then(|| NewDeadline {
                id: new_id(),
                kind: DeadlineKind::CertificateExpiry,
                agreement: agreement.id.clone(),
                partner: inbound.partner.to_owned(),
                outbox_id: format!("certificate:{document_id}:{n}"),
                message_id: inbound.message_id.to_owned(),
                document_id: Some(document_id.to_owned()),
                doc_type: "supplier".to_owned(),
                order: None,
                control_number: format!("{last_day}"),
                created_at: now_ms,
                due_at,
                certificate: Some(WatchedCertificate {
                    supplier_key: key.to_owned(),
                    certificate: match &cert.number {
                        Some(number) => format!("{} ({number})", cert.name),
                        None => cert.name.clone(),
                    },
                }),
            })
        })
        .collect();
    DeadlineWrite::WatchCertificates {
        partner: inbound.partner.to_owned(),
        supplier_key: key.to_owned(),
        message_id: inbound.message_id.to_owned(),
        expiries,
    }
}

/// The exception a watched certificate raises when the host's clock passes its expiry.
pub fn expired(
    settings: &Settings,
    due: &DueDeadline,
    certificate: &WatchedCertificate,
) -> NewException {
    let last_day = due.control_number.as_deref().unwrap_or("?");
    let concerned = Concerned {
        partner: &due.partner,
        agreement: &due.agreement,
        message_id: &due.message_id,
        doc_type: &due.doc_type,
        supplier_key: &certificate.supplier_key,
    };
    noncompliant(
        settings,
        concerned,
        format!(
            "supplier {} ({}'s current record, from message {}, agreement {}): the \
             certification {} expired; it was valid until {last_day}, and no renewed \
             record has come since",
            certificate.supplier_key,
            due.partner,
            due.message_id,
            due.agreement,
            certificate.certificate,
        ),
    )
}

/// Who and what a `supplier_compliance` exception concerns.
struct Concerned<'a> {
    partner: &'a str,
    agreement: &'a str,
    message_id: &'a str,
    doc_type: &'a str,
    supplier_key: &'a str,
}

fn noncompliant(settings: &Settings, about: Concerned<'_>, explanation: String) -> NewException {
    let kind = ExceptionKind::SupplierCompliance;
    NewException {
        id: new_id(),
        kind,
        owner: settings.exceptions.owner(kind).to_owned(),
        partner: about.partner.to_owned(),
        agreement: Some(about.agreement.to_owned()),
        message_id: about.message_id.to_owned(),
        related_message_id: None,
        outbox_id: None,
        doc_type: Some(about.doc_type.to_owned()),
        business_key: Some(about.supplier_key.to_owned()),
        order: None,
        po_number: None,
        lines: Vec::new(),
        explanation,
    }
}

fn explain(
    supplier: &Supplier,
    key: &str,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    violations: &[SupplierViolation],
) -> String {
    let expired = violations.iter().filter(|v| v.is_expiry()).count();
    let what = match expired {
        0 => String::new(),
        1 => " (an expired certification)".to_owned(),
        n => format!(" ({n} expired certifications)"),
    };
    let list: Vec<String> = violations
        .iter()
        .map(|v| format!("{} at {}: {}", v.rule, v.field, v.message))
        .collect();
    format!(
        "supplier record {} ({key}) from {} (document {} of message {}, agreement {}) breaks \
         {} onboarding rule(s){what}: {}. It is stored as {}'s current record all the same",
        supplier.name,
        inbound.partner,
        involved.position + 1,
        inbound.message_id,
        agreement.id,
        violations.len(),
        list.join("; "),
        inbound.partner,
    )
}

#[cfg(test)]
#[path = "supplier_compliance_tests.rs"]
mod tests;
