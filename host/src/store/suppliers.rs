//! Supplier master data as stored: each partner's current record of each supplier
//! (`supplier_records`, migration 0011), replaced by the partner's next supplier document
//! for the same supplier. Written in the processing write ([`upsert`]); what goes in it — the
//! supplier's identity and what the rules said — is the engine's to decide.

use sqlx::Row;

use super::writer::Batch;
use super::{Store, StoreError};

/// One partner's current record of one supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierRecord {
    /// The supplier's identity for this partner (`gln:4012345000009`).
    pub supplier_key: String,
    pub name: String,
    pub document_id: String,
    pub valid: bool,
    /// The rules broken, as a JSON array of `{rule, field, message}`.
    pub violations: String,
}

/// A stored record, with the partner and message it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSupplier {
    pub partner: String,
    pub message_id: String,
    pub updated_at: i64,
    pub record: SupplierRecord,
}

/// Makes `record` the partner's current one for its supplier.
pub(crate) async fn upsert(
    batch: &mut Batch<'_>,
    partner: &str,
    message_id: &str,
    record: &SupplierRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO supplier_records (partner, supplier_key, name, document_id, message_id, \
         valid, violations, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (partner, supplier_key) DO UPDATE SET name = excluded.name, \
         document_id = excluded.document_id, message_id = excluded.message_id, \
         valid = excluded.valid, violations = excluded.violations, \
         updated_at = excluded.updated_at",
    )
    .bind(partner)
    .bind(&record.supplier_key)
    .bind(&record.name)
    .bind(&record.document_id)
    .bind(message_id)
    .bind(i64::from(record.valid))
    .bind(&record.violations)
    .bind(batch.now)
    .execute(&mut **batch.tx)
    .await?;
    Ok(())
}

impl Store {
    /// `partner`'s current record of the supplier `supplier_key`, if it sent one.
    pub async fn supplier_record(
        &self,
        partner: &str,
        supplier_key: &str,
    ) -> Result<Option<StoredSupplier>, StoreError> {
        let row = sqlx::query(
            "SELECT partner, supplier_key, name, document_id, message_id, valid, violations, \
             updated_at FROM supplier_records WHERE partner = $1 AND supplier_key = $2",
        )
        .bind(partner)
        .bind(supplier_key)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(StoredSupplier {
                partner: row.try_get("partner")?,
                message_id: row.try_get("message_id")?,
                updated_at: row.try_get("updated_at")?,
                record: SupplierRecord {
                    supplier_key: row.try_get("supplier_key")?,
                    name: row.try_get("name")?,
                    document_id: row.try_get("document_id")?,
                    valid: row.try_get::<i64, _>("valid")? != 0,
                    violations: row.try_get("violations")?,
                },
            })
        })
        .transpose()
    }
}
