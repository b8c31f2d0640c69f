//! Business documents by what identifies them to their sender: the first message that carried
//! an invoice number, a shipment id or an order response, per sender and document type. The
//! engine reads them before deciding ([`Store::first_business_documents`]) and claims new ones
//! in the processing write ([`claim`]); a claim someone else made meanwhile is a conflict, so
//! the decision is made again and sees the first one. What identifies a document is the
//! engine's choice ([`crate::engine::duplicates`]); the store only keeps it.

use std::collections::BTreeMap;

use sqlx::Row;

use super::writer::Batch;
use super::{Store, StoreError};

/// A business document's identity: its type and its key, for one sender.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BusinessKey {
    pub doc_type: String,
    pub key: String,
}

/// Where a business document was first processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstSeen {
    pub message_id: String,
    pub document_id: String,
}

/// The first processed documents of one sender, by identity.
pub type SeenDocuments = BTreeMap<BusinessKey, FirstSeen>;

/// A business document a processing write takes as the first of its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessClaim {
    pub identity: BusinessKey,
    pub document_id: String,
}

/// Records `claim` for `partner`'s message, or fails with [`StoreError::Conflict`] when
/// another message claimed the identity first (the decision is then made again).
pub(crate) async fn claim(
    batch: &mut Batch<'_>,
    partner: &str,
    message_id: &str,
    claim: &BusinessClaim,
) -> Result<(), StoreError> {
    let taken = sqlx::query(
        "INSERT INTO business_documents (partner, doc_type, business_key, message_id, \
         document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (partner, doc_type, business_key) DO NOTHING",
    )
    .bind(partner)
    .bind(&claim.identity.doc_type)
    .bind(&claim.identity.key)
    .bind(message_id)
    .bind(&claim.document_id)
    .bind(batch.now)
    .execute(&mut **batch.tx)
    .await?;
    if taken.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "{} {} was taken by another message",
            claim.identity.doc_type, claim.identity.key
        )));
    }
    Ok(())
}

impl Store {
    /// Which of `identities` `partner` sent before, and in which message.
    pub async fn first_business_documents(
        &self,
        partner: &str,
        identities: &[BusinessKey],
    ) -> Result<SeenDocuments, StoreError> {
        let mut seen = SeenDocuments::new();
        for identity in identities {
            let row = sqlx::query(
                "SELECT message_id, document_id FROM business_documents \
                 WHERE partner = $1 AND doc_type = $2 AND business_key = $3",
            )
            .bind(partner)
            .bind(&identity.doc_type)
            .bind(&identity.key)
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = row {
                seen.insert(
                    identity.clone(),
                    FirstSeen {
                        message_id: row.try_get("message_id")?,
                        document_id: row.try_get("document_id")?,
                    },
                );
            }
        }
        Ok(seen)
    }
}
