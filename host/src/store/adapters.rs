//! Installed adapter components as the database records them, so that every replica of one
//! database installs the same adapters: [`Store::record_adapter`] on install,
//! [`Store::forget_adapter`] on removal, [`Store::recorded_adapters`] and
//! [`Store::adapter_component`] for a replica to follow. Each change also wakes the other
//! replicas ([`Work::Adapters`]).
//!
//! A removal is remembered by reference and digest, so a replica that was away when it
//! happened does not record those bytes again from its adapters directory
//! ([`Store::record_found_adapter`]); an operator installing them again lifts it.
//!
//! The store keeps what it is given and never checks a component: the replica that installs
//! one from here compares the bytes with their digest first.

use sqlx::Row;

use super::wake::{self, Work};
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError};
use crate::audit::AuditEvent;

/// A component as installed: its identity, its digest and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterComponent {
    pub id: String,
    pub version: String,
    /// Hex SHA-256 of `bytes`, as the installing replica computed it.
    pub digest: String,
    pub bytes: Vec<u8>,
}

impl AdapterComponent {
    /// `id@version`, the component's key.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

impl std::fmt::Debug for AdapterComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterComponent")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("digest", &self.digest)
            .field("size_bytes", &self.bytes.len())
            .finish()
    }
}

/// One recorded installation, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAdapter {
    /// `id@version`.
    pub reference: String,
    pub id: String,
    pub version: String,
    pub digest: String,
}

/// What recording an installation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The component is recorded now.
    Added,
    /// The same bytes were recorded under this reference already; nothing changed.
    AlreadyRecorded,
    /// Found in an adapters directory, but an operator removed these bytes: not recorded.
    Removed,
}

struct RecordAdapter {
    component: AdapterComponent,
    audit: Option<AuditEvent>,
    /// Installed by an operator (lifting an earlier removal), not found in a directory.
    by_operator: bool,
}

impl WriteOp for RecordAdapter {
    type Output = Recorded;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, Recorded> {
        Box::pin(async move {
            let c = &self.component;
            let reference = c.reference();
            let existing: Option<String> =
                sqlx::query("SELECT digest FROM installed_adapters WHERE reference = $1")
                    .bind(&reference)
                    .fetch_optional(&mut **batch.tx)
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?;
            match existing {
                Some(digest) if digest == c.digest => return Ok(Recorded::AlreadyRecorded),
                Some(digest) => {
                    return Err(StoreError::Refused(format!(
                        "{reference} is recorded with digest {digest}, not {}; a released \
                         version cannot change",
                        c.digest
                    )));
                }
                None => {}
            }
            if self.by_operator {
                sqlx::query("DELETE FROM removed_adapters WHERE reference = $1 AND digest = $2")
                    .bind(&reference)
                    .bind(&c.digest)
                    .execute(&mut **batch.tx)
                    .await?;
            } else if removed(&mut batch, c).await? {
                return Ok(Recorded::Removed);
            }
            sqlx::query(
                "INSERT INTO installed_adapters \
                 (reference, id, version, digest, component, installed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&reference)
            .bind(&c.id)
            .bind(&c.version)
            .bind(&c.digest)
            .bind(&c.bytes)
            .bind(batch.now)
            .execute(&mut **batch.tx)
            .await?;
            if let Some(event) = &self.audit {
                super::audit::append(&mut batch, event).await?;
            }
            wake::announce(&mut batch, Work::Adapters).await?;
            Ok(Recorded::Added)
        })
    }
}

/// True when an operator removed these bytes under this reference.
async fn removed(batch: &mut Batch<'_>, c: &AdapterComponent) -> Result<bool, StoreError> {
    Ok(
        sqlx::query("SELECT 1 FROM removed_adapters WHERE reference = $1 AND digest = $2")
            .bind(c.reference())
            .bind(&c.digest)
            .fetch_optional(&mut **batch.tx)
            .await?
            .is_some(),
    )
}

struct ForgetAdapter {
    reference: String,
    audit: Option<AuditEvent>,
}

impl WriteOp for ForgetAdapter {
    type Output = bool;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, bool> {
        Box::pin(async move {
            let deleted =
                sqlx::query("DELETE FROM installed_adapters WHERE reference = $1 RETURNING digest")
                    .bind(&self.reference)
                    .fetch_optional(&mut **batch.tx)
                    .await?;
            let Some(deleted) = deleted else {
                return Ok(false);
            };
            let digest: String = deleted.try_get(0)?;
            sqlx::query(
                "INSERT INTO removed_adapters (reference, digest, removed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (reference, digest) DO UPDATE SET removed_at = excluded.removed_at",
            )
            .bind(&self.reference)
            .bind(&digest)
            .bind(batch.now)
            .execute(&mut **batch.tx)
            .await?;
            if let Some(event) = &self.audit {
                super::audit::append(&mut batch, event).await?;
            }
            wake::announce(&mut batch, Work::Adapters).await?;
            Ok(true)
        })
    }
}

impl Store {
    /// Records that an operator installed `component`, appending `audit` when that is news,
    /// and lifting an earlier removal of these bytes. The same bytes again change nothing;
    /// other bytes under a recorded `id@version` are [`StoreError::Refused`].
    pub async fn record_adapter(
        &self,
        component: AdapterComponent,
        audit: Option<AuditEvent>,
    ) -> Result<Recorded, StoreError> {
        self.write(RecordAdapter {
            component,
            audit,
            by_operator: true,
        })
        .await
    }

    /// Records `component`, found in an adapters directory at start, like
    /// [`Store::record_adapter`] unless an operator removed these bytes:
    /// [`Recorded::Removed`], and nothing is recorded.
    pub async fn record_found_adapter(
        &self,
        component: AdapterComponent,
    ) -> Result<Recorded, StoreError> {
        self.write(RecordAdapter {
            component,
            audit: None,
            by_operator: false,
        })
        .await
    }

    /// Records that `reference` (`id@version`) is removed, appending `audit` if it was
    /// recorded, and remembers the removal of its bytes. False when it was not recorded.
    pub async fn forget_adapter(
        &self,
        reference: &str,
        audit: Option<AuditEvent>,
    ) -> Result<bool, StoreError> {
        self.write(ForgetAdapter {
            reference: reference.to_owned(),
            audit,
        })
        .await
    }

    /// Every recorded installation, by reference.
    pub async fn recorded_adapters(&self) -> Result<Vec<RecordedAdapter>, StoreError> {
        sqlx::query(
            "SELECT reference, id, version, digest FROM installed_adapters ORDER BY reference",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(RecordedAdapter {
                reference: row.try_get(0)?,
                id: row.try_get(1)?,
                version: row.try_get(2)?,
                digest: row.try_get(3)?,
            })
        })
        .collect()
    }

    /// The recorded component under `reference`, bytes and all.
    pub async fn adapter_component(
        &self,
        reference: &str,
    ) -> Result<Option<AdapterComponent>, StoreError> {
        let row = sqlx::query(
            "SELECT id, version, digest, component FROM installed_adapters WHERE reference = $1",
        )
        .bind(reference)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(AdapterComponent {
                id: row.try_get(0)?,
                version: row.try_get(1)?,
                digest: row.try_get(2)?,
                bytes: row.try_get(3)?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{TestDb, on_both};

    fn component(version: &str, bytes: &[u8]) -> AdapterComponent {
        AdapterComponent {
            id: "cxml".into(),
            version: version.into(),
            digest: crate::store::digest(bytes),
            bytes: bytes.to_vec(),
        }
    }

    on_both!(
        an_install_is_recorded_once_and_its_bytes_never_change,
        a_removal_forgets_the_component_and_is_audited,
        removed_bytes_found_in_a_directory_stay_removed_until_an_operator_installs_them,
    );

    async fn an_install_is_recorded_once_and_its_bytes_never_change(db: &TestDb) {
        let store = db.open().await;
        let first = component("1.0.0", b"first build");
        assert_eq!(
            store.record_adapter(first.clone(), None).await.unwrap(),
            Recorded::Added
        );
        assert_eq!(
            store.record_adapter(first.clone(), None).await.unwrap(),
            Recorded::AlreadyRecorded
        );
        let rebuilt = component("1.0.0", b"another build");
        let refused = store.record_adapter(rebuilt, None).await.unwrap_err();
        assert!(matches!(refused, StoreError::Refused(_)), "{refused}");
        store
            .record_adapter(component("1.1.0", b"next version"), None)
            .await
            .unwrap();

        let recorded = store.recorded_adapters().await.unwrap();
        assert_eq!(
            recorded
                .iter()
                .map(|r| (r.reference.as_str(), r.digest.as_str()))
                .collect::<Vec<_>>(),
            [
                ("cxml@1.0.0", first.digest.as_str()),
                ("cxml@1.1.0", crate::store::digest(b"next version").as_str())
            ]
        );
        assert_eq!(
            store.adapter_component("cxml@1.0.0").await.unwrap(),
            Some(first)
        );
        assert_eq!(store.adapter_component("cxml@9.0.0").await.unwrap(), None);
    }

    async fn a_removal_forgets_the_component_and_is_audited(db: &TestDb) {
        let store = db.open().await;
        let c = component("1.0.0", b"bytes");
        store.record_adapter(c.clone(), None).await.unwrap();
        let removed = AuditEvent::AdapterRemoved {
            reference: c.reference(),
            digest: c.digest.clone(),
        };
        assert!(
            store
                .forget_adapter("cxml@1.0.0", Some(removed.clone()))
                .await
                .unwrap()
        );
        // Forgetting what is not recorded changes nothing and audits nothing.
        assert!(
            !store
                .forget_adapter("cxml@1.0.0", Some(removed))
                .await
                .unwrap()
        );
        assert!(store.recorded_adapters().await.unwrap().is_empty());
        let actions: Vec<String> = store
            .audit_log()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["adapter_removed"]);
        // Once forgotten, the reference may be recorded again, even with other bytes.
        store
            .record_adapter(component("1.0.0", b"other bytes"), None)
            .await
            .unwrap();
    }

    async fn removed_bytes_found_in_a_directory_stay_removed_until_an_operator_installs_them(
        db: &TestDb,
    ) {
        let store = db.open().await;
        let c = component("1.0.0", b"bytes");
        store.record_adapter(c.clone(), None).await.unwrap();
        store.forget_adapter("cxml@1.0.0", None).await.unwrap();
        // A replica that was away starts with the component still in its directory.
        assert_eq!(
            store.record_found_adapter(c.clone()).await.unwrap(),
            Recorded::Removed
        );
        assert!(store.recorded_adapters().await.unwrap().is_empty());
        // Other bytes under that reference were never removed.
        let other = component("1.0.0", b"other build");
        assert_eq!(
            store.record_found_adapter(other).await.unwrap(),
            Recorded::Added
        );
        store.forget_adapter("cxml@1.0.0", None).await.unwrap();
        // An operator installs the removed bytes again: the removal is lifted.
        assert_eq!(
            store.record_adapter(c.clone(), None).await.unwrap(),
            Recorded::Added
        );
        assert_eq!(
            store.record_found_adapter(c.clone()).await.unwrap(),
            Recorded::AlreadyRecorded
        );
        store.forget_adapter("cxml@1.0.0", None).await.unwrap();
        store.record_adapter(c.clone(), None).await.unwrap();
        store.forget_adapter("cxml@1.0.0", None).await.unwrap();
        assert_eq!(
            store.record_found_adapter(c).await.unwrap(),
            Recorded::Removed
        );
    }

    /// An installation recorded through one replica wakes another's follower through the
    /// database (PostgreSQL only: on SQLite the one process wakes its own).
    #[tokio::test]
    #[cfg_attr(
        not(wharf_postgres),
        ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
                  127.0.0.1:5432); CI runs it"
    )]
    async fn a_recorded_installation_wakes_the_other_replicas() {
        let db = TestDb::postgres().await;
        let store = db.open().await;
        let other = db.open().await;
        let (woken, mut wakes) = tokio::sync::mpsc::unbounded_channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listening = tokio::spawn(async move {
            other
                .listen(
                    move |work| {
                        let _ = woken.send(work);
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        });
        // The listener subscribes in its own time: change until it hears one.
        let mut heard = false;
        for n in 0..40 {
            let version = format!("1.0.{n}");
            store
                .record_adapter(component(&version, version.as_bytes()), None)
                .await
                .unwrap();
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(500);
            while let Ok(Some(work)) = tokio::time::timeout_at(deadline, wakes.recv()).await {
                if work == Work::Adapters {
                    heard = true;
                    break;
                }
            }
            if heard {
                break;
            }
        }
        assert!(heard, "no replica heard of the installation");
        let _ = stop.send(());
        listening.await.unwrap();
    }
}
