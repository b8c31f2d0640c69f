//! Installed adapters shared by every replica of one database. The store's record
//! ([`crate::store::adapters`]) says which components are installed; each replica's
//! [`AdapterRegistry`] follows it.
//!
//! - An install ([`SharedAdapters::install`]) is validated and installed here first, as on one
//!   host, then recorded; a removal ([`SharedAdapters::remove`]) is undone here and forgotten.
//!   Recording wakes the other replicas.
//! - A sync ([`SharedAdapters::sync`]), on that wake and on a slow poll, compares the registry
//!   with the record ([`plan`], a pure function) and installs what is missing, from the
//!   recorded bytes once their SHA-256 equals the recorded digest (a mismatch is refused, never
//!   installed), and removes what is no longer recorded, with its file in the adapters
//!   directory. Each replica thus compiles only bytes it verified (its compiled cache is keyed
//!   by that digest).
//! - At start, the adapters directory is loaded as on one host and recorded
//!   ([`SharedAdapters::record_loaded`]), except bytes an operator removed meanwhile, then a
//!   sync brings in what others installed and takes out what they removed.
//!
//! Installs, removals and syncs on one replica take turns, so a sync never sees an install
//! between its local step and its record.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::audit::AuditEvent;
use crate::sandbox::{AdapterInfo, AdapterRegistry, InstallError, ResolveError};
use crate::store::adapters::{AdapterComponent, Recorded};
use crate::store::{Store, StoreError, digest};

/// Why an install or a removal did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Install(#[from] InstallError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// Another replica recorded other bytes under this reference.
    #[error(
        "{0} is installed with different bytes on another replica; a released version cannot \
         change, so give the new build a new version"
    )]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An adapter removed, as the admin API reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemovedAdapter {
    pub id: String,
    pub version: String,
    pub digest: String,
}

/// A recorded component this replica would not install, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refusal {
    pub reference: String,
    pub reason: String,
}

/// What a sync changes: references to remove from the registry, then to install from the
/// record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncPlan {
    pub remove: Vec<String>,
    pub install: Vec<String>,
}

/// Compares what is installed here with what is recorded, each as `(reference, digest)`:
/// what is not recorded goes, what is recorded and missing comes, and a reference installed
/// with other bytes than recorded is replaced by the recorded ones.
pub fn plan(installed: &[(String, String)], recorded: &[(String, String)]) -> SyncPlan {
    let installed: BTreeMap<&str, &str> = installed
        .iter()
        .map(|(r, d)| (r.as_str(), d.as_str()))
        .collect();
    let recorded: BTreeMap<&str, &str> = recorded
        .iter()
        .map(|(r, d)| (r.as_str(), d.as_str()))
        .collect();
    SyncPlan {
        remove: installed
            .iter()
            .filter(|(r, d)| recorded.get(*r) != Some(*d))
            .map(|(r, _)| (*r).to_owned())
            .collect(),
        install: recorded
            .iter()
            .filter(|(r, d)| installed.get(*r) != Some(*d))
            .map(|(r, _)| (*r).to_owned())
            .collect(),
    }
}

/// The registry and the record, kept in step.
#[derive(Debug)]
pub struct SharedAdapters {
    registry: Arc<AdapterRegistry>,
    store: Store,
    /// Installs, removals and syncs on this replica, one at a time.
    changing: tokio::sync::Mutex<()>,
    wake: Notify,
    /// What the last sync refused, for operators.
    refused: Mutex<Vec<Refusal>>,
}

impl SharedAdapters {
    pub fn new(registry: Arc<AdapterRegistry>, store: Store) -> Self {
        SharedAdapters {
            registry,
            store,
            changing: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            refused: Mutex::new(Vec::new()),
        }
    }

    /// Validates and installs `bytes` here, then records them for every replica (with an
    /// audit entry when that is news). Other bytes recorded under the same `id@version` undo
    /// the local install: a released version cannot change.
    pub async fn install(&self, bytes: Vec<u8>) -> Result<AdapterInfo, ChangeError> {
        let _changing = self.changing.lock().await;
        let info = self.registry.install(bytes.clone()).await?;
        let component = AdapterComponent {
            id: info.id.clone(),
            version: info.version.clone(),
            digest: info.digest.clone(),
            bytes,
        };
        let event = AuditEvent::AdapterInstalled {
            reference: info.reference(),
            digest: info.digest.clone(),
            size_bytes: info.size_bytes,
            contract: info.contract.clone(),
        };
        match self.store.record_adapter(component, Some(event)).await {
            Ok(_) => Ok(info),
            Err(StoreError::Refused(_)) => {
                let _ = self.registry.remove(&info.reference());
                Err(ChangeError::Conflict(info.reference()))
            }
            // Whether the record holds it now is unknown (a commit that failed to answer):
            // the next sync keeps it here only if it does.
            Err(e) => {
                self.wake();
                Err(e.into())
            }
        }
    }

    /// Removes `id@version` (or every version of `id`) here and from the record, with an audit
    /// entry for each.
    pub async fn remove(&self, reference: &str) -> Result<Vec<RemovedAdapter>, ChangeError> {
        let _changing = self.changing.lock().await;
        let local = match self.registry.remove(reference) {
            Ok(local) => local,
            Err(ResolveError::Unknown(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let mut removed: BTreeMap<String, RemovedAdapter> = local
            .into_iter()
            .map(|info| {
                let removed = RemovedAdapter {
                    id: info.id.clone(),
                    version: info.version.clone(),
                    digest: info.digest.clone(),
                };
                (info.reference(), removed)
            })
            .collect();
        // Also what is recorded but failed to install here.
        for row in self.store.recorded_adapters().await? {
            if row.reference == reference || row.id == reference {
                removed.entry(row.reference).or_insert(RemovedAdapter {
                    id: row.id,
                    version: row.version,
                    digest: row.digest,
                });
            }
        }
        if removed.is_empty() {
            return Err(ResolveError::Unknown(reference.to_owned()).into());
        }
        for (reference, adapter) in &removed {
            let event = AuditEvent::AdapterRemoved {
                reference: reference.clone(),
                digest: adapter.digest.clone(),
            };
            if !self
                .store
                .forget_adapter(reference, Some(event.clone()))
                .await?
            {
                self.store.audit(event).await?;
            }
        }
        Ok(removed.into_values().collect())
    }

    /// Records what the registry loaded from the adapters directory at start. A component
    /// recorded with other bytes is reported; the next sync replaces the local one with it.
    /// A store fault is returned: syncing without the record would remove what was loaded.
    pub async fn record_loaded(
        &self,
        loaded: &[(PathBuf, Result<AdapterInfo, InstallError>)],
    ) -> Result<(), StoreError> {
        let _changing = self.changing.lock().await;
        // A restart finds most of them recorded already: one read, and no file read again.
        let recorded: std::collections::HashSet<(String, String)> = self
            .store
            .recorded_adapters()
            .await?
            .into_iter()
            .map(|r| (r.reference, r.digest))
            .collect();
        for (path, outcome) in loaded {
            let Ok(info) = outcome else { continue };
            if recorded.contains(&(info.reference(), info.digest.clone())) {
                continue;
            }
            // The file was read once to install it; read again, it must still be those bytes.
            let bytes = match std::fs::read(path) {
                Ok(bytes) if digest(&bytes) == info.digest => bytes,
                _ => {
                    tracing::warn!(path = %path.display(), "adapter file changed since it was loaded; not recorded");
                    continue;
                }
            };
            let component = AdapterComponent {
                id: info.id.clone(),
                version: info.version.clone(),
                digest: info.digest.clone(),
                bytes,
            };
            match self.store.record_found_adapter(component).await {
                Ok(Recorded::Added) => {
                    tracing::info!(adapter = %info.reference(), "adapter recorded for every replica")
                }
                Ok(Recorded::AlreadyRecorded) => {}
                // The sync removes it here, with its file.
                Ok(Recorded::Removed) => tracing::warn!(
                    adapter = %info.reference(),
                    path = %path.display(),
                    "adapter removed by an operator while this replica was away; removing it here"
                ),
                Err(StoreError::Refused(reason)) => tracing::error!(
                    adapter = %info.reference(),
                    path = %path.display(),
                    %reason,
                    "the adapters directory holds other bytes than the database records for \
                     this version; the recorded component replaces it"
                ),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Wakes the follower ([`SharedAdapters::follow`]) to sync now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// What the last sync refused to install.
    pub fn refused(&self) -> Vec<Refusal> {
        self.refused
            .lock()
            .expect("refusals lock is never poisoned")
            .clone()
    }

    /// Brings the registry in step with the record once.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let _changing = self.changing.lock().await;
        let recorded: Vec<(String, String)> = self
            .store
            .recorded_adapters()
            .await?
            .into_iter()
            .map(|row| (row.reference, row.digest))
            .collect();
        let installed: Vec<(String, String)> = self
            .registry
            .list()
            .into_iter()
            .map(|info| (info.reference(), info.digest))
            .collect();
        let plan = plan(&installed, &recorded);
        for reference in &plan.remove {
            if self.registry.remove(reference).is_ok() {
                tracing::info!(adapter = %reference, "adapter removed: the database no longer records it");
            }
        }
        let mut refused = Vec::new();
        for reference in &plan.install {
            if let Some(refusal) = self.install_recorded(reference).await? {
                tracing::error!(
                    adapter = %refusal.reference,
                    reason = %refusal.reason,
                    "RECORDED ADAPTER REFUSED: not installed on this replica"
                );
                refused.push(refusal);
            }
        }
        *self
            .refused
            .lock()
            .expect("refusals lock is never poisoned") = refused;
        Ok(())
    }

    /// Installs the recorded `reference` once its bytes match its digest; the refusal if not.
    async fn install_recorded(&self, reference: &str) -> Result<Option<Refusal>, StoreError> {
        let refusal = |reason: String| {
            Some(Refusal {
                reference: reference.to_owned(),
                reason,
            })
        };
        // Removed since the listing: nothing to do.
        let Some(component) = self.store.adapter_component(reference).await? else {
            return Ok(None);
        };
        let actual = digest(&component.bytes);
        if actual != component.digest {
            return Ok(refusal(format!(
                "its bytes hash to {actual}, not to the recorded digest {}",
                component.digest
            )));
        }
        Ok(match self.registry.install(component.bytes).await {
            Ok(info) if info.reference() == reference => {
                tracing::info!(adapter = %reference, digest = %info.digest, "adapter installed from the database");
                None
            }
            // Not recorded under the name it gives itself: the next sync removes it.
            Ok(info) => refusal(format!(
                "the component describes itself as {}",
                info.reference()
            )),
            Err(e) => refusal(e.to_string()),
        })
    }

    /// Syncs on every wake and every `every`, until `shutdown` resolves.
    pub async fn follow(&self, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.sync().await {
                tracing::warn!(error = %e, "cannot compare installed adapters with the database");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(r, d)| ((*r).to_owned(), (*d).to_owned()))
            .collect()
    }

    #[test]
    fn a_replica_in_step_with_the_record_changes_nothing() {
        let both = pairs(&[("csv@1.0.0", "aa"), ("cxml@1.0.0", "bb")]);
        assert_eq!(plan(&both, &both), SyncPlan::default());
    }

    #[test]
    fn what_is_recorded_comes_and_what_is_not_goes() {
        let installed = pairs(&[("csv@1.0.0", "aa"), ("old@1.0.0", "cc")]);
        let recorded = pairs(&[("csv@1.0.0", "aa"), ("cxml@1.0.0", "bb")]);
        assert_eq!(
            plan(&installed, &recorded),
            SyncPlan {
                remove: vec!["old@1.0.0".into()],
                install: vec!["cxml@1.0.0".into()],
            }
        );
    }

    #[test]
    fn other_bytes_under_a_recorded_reference_are_replaced_by_the_recorded_ones() {
        let installed = pairs(&[("csv@1.0.0", "local")]);
        let recorded = pairs(&[("csv@1.0.0", "recorded")]);
        assert_eq!(
            plan(&installed, &recorded),
            SyncPlan {
                remove: vec!["csv@1.0.0".into()],
                install: vec!["csv@1.0.0".into()],
            }
        );
    }
}
