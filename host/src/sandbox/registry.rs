//! The adapter registry: an explicit map `id → version → adapter` that adapters enter by
//! installation (from the adapters directory at start, the admin API or the CLI) and leave by
//! removal, while the host runs.
//!
//! Installing checks the component's size, compiles it within a deadline (or takes the
//! compiled code from the [`CompiledCache`], keyed by the component's digest and the engine's
//! fingerprint, and authenticated), checks how many memories and tables it declares, asks it
//! who it is, checks the contract version, and only then makes it visible. Calls already running keep the `Arc` they resolved,
//! so swapping or removing a version never cuts a message short.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::adapter::{AdapterInfo, ConfigKeyInfo, LoadedAdapter};
use super::bindings::AdapterPre;
use super::cache::CompiledCache;
use super::convert::doc_type_to_model;
use super::engine::SandboxEngine;
use super::limits::{Limits, ceilings};
use super::{InstallError, ResolveError};

/// Contract versions this host serves (`wharf:adapter@…`).
pub const SUPPORTED_CONTRACTS: &[&str] = &["0.1.0"];

type Versions = BTreeMap<semver::Version, Arc<LoadedAdapter>>;

/// Where installed adapters and compiled code are kept, and the limits they run under.
#[derive(Debug, Clone, Default)]
pub struct RegistrySettings {
    /// Installed components are written here as `id@version.wasm` and loaded from here at start.
    pub adapters_dir: Option<PathBuf>,
    /// Compiled code cache.
    pub cache_dir: Option<PathBuf>,
    /// Limits every adapter runs under unless `limits` names it; its installation bounds
    /// (`max_component_mib`, `compile_timeout_ms`) hold for every installation.
    pub default_limits: Limits,
    /// Limits for particular adapter ids.
    pub limits: BTreeMap<String, Limits>,
}

pub struct AdapterRegistry {
    engine: Arc<SandboxEngine>,
    settings: RegistrySettings,
    cache: Option<CompiledCache>,
    /// One compilation at a time: compiling takes every core it is given, and one that ran
    /// past its deadline keeps its permit until it really ends.
    compiling: Arc<tokio::sync::Semaphore>,
    adapters: RwLock<BTreeMap<String, Versions>>,
    /// The files of the adapters directory each `id@version` was loaded from at start, when
    /// not named `id@version.wasm`: removing the adapter deletes them too, so that a restart
    /// does not bring it back.
    loaded_from: std::sync::Mutex<BTreeMap<String, Vec<PathBuf>>>,
}

impl std::fmt::Debug for AdapterRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterRegistry")
            .field("settings", &self.settings)
            .field("adapters", &self.list())
            .finish_non_exhaustive()
    }
}

impl AdapterRegistry {
    pub fn new(engine: Arc<SandboxEngine>, settings: RegistrySettings) -> Self {
        let cache = settings.cache_dir.as_ref().and_then(|dir| {
            CompiledCache::open(dir, &engine.fingerprint())
                .inspect_err(|e| tracing::warn!(error = %e, "compiled code is not cached"))
                .ok()
        });
        AdapterRegistry {
            engine,
            settings,
            cache,
            compiling: Arc::new(tokio::sync::Semaphore::new(1)),
            adapters: RwLock::new(BTreeMap::new()),
            loaded_from: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// Installs every `*.wasm` in the adapters directory; one that fails is reported and skipped.
    pub async fn load_dir(&self) -> Vec<(PathBuf, Result<AdapterInfo, InstallError>)> {
        let Some(dir) = &self.settings.adapters_dir else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
                .collect(),
            Err(_) => Vec::new(),
        };
        paths.sort();
        let mut results = Vec::new();
        for path in paths {
            let outcome = match std::fs::read(&path) {
                Ok(bytes) => self.install_bytes(bytes, false).await,
                Err(e) => Err(InstallError::Io(format!("{}: {e}", path.display()))),
            };
            if let Ok(info) = &outcome {
                self.loaded_from
                    .lock()
                    .expect("registry lock is never poisoned")
                    .entry(info.reference())
                    .or_default()
                    .push(path.clone());
            }
            results.push((path, outcome));
        }
        results
    }

    /// Installs a component from a file, keeping a copy in the adapters directory.
    pub async fn install_file(&self, path: &Path) -> Result<AdapterInfo, InstallError> {
        let bytes = std::fs::read(path)
            .map_err(|e| InstallError::Io(format!("{}: {e}", path.display())))?;
        self.install_bytes(bytes, true).await
    }

    /// Installs a component. Installing the same bytes again is a no-op; other bytes under an
    /// installed `id@version` are refused, since a released version must not change.
    pub async fn install(&self, bytes: Vec<u8>) -> Result<AdapterInfo, InstallError> {
        self.install_bytes(bytes, true).await
    }

    async fn install_bytes(
        &self,
        bytes: Vec<u8>,
        persist: bool,
    ) -> Result<AdapterInfo, InstallError> {
        let bounds = self.settings.default_limits;
        if bytes.len() > bounds.max_component_bytes() {
            return Err(InstallError::TooLarge {
                limit_mib: bounds.max_component_mib,
                actual_bytes: bytes.len(),
            });
        }
        let digest = hex::encode(Sha256::digest(&bytes));
        let size_bytes = bytes.len();
        let component = self.compile(bytes.clone(), &digest).await?;
        check_resources(&component)?;
        let pre = self
            .engine
            .linker
            .instantiate_pre(&component)
            .map_err(|e| InstallError::Link(format!("{e:#}")))?;
        let pre = AdapterPre::new(pre).map_err(|e| InstallError::WrongWorld(format!("{e:#}")))?;
        let descriptor = LoadedAdapter::describe(&pre, &self.engine, &self.settings.default_limits)
            .await
            .map_err(|e| InstallError::Describe(e.to_string()))?;
        let version = semver::Version::parse(&descriptor.version).map_err(|e| {
            InstallError::Invalid(format!(
                "version {:?} is not semver: {e}",
                descriptor.version
            ))
        })?;
        check_id(&descriptor.id)?;
        if !SUPPORTED_CONTRACTS.contains(&descriptor.contract.as_str()) {
            return Err(InstallError::Contract {
                adapter: format!("{}@{}", descriptor.id, descriptor.version),
                contract: descriptor.contract,
                supported: SUPPORTED_CONTRACTS.join(", "),
            });
        }
        let info = AdapterInfo {
            id: descriptor.id,
            version: version.to_string(),
            contract: descriptor.contract,
            standards: descriptor.standards,
            decodes: descriptor
                .decodes
                .into_iter()
                .map(doc_type_to_model)
                .collect(),
            encodes: descriptor
                .encodes
                .into_iter()
                .map(doc_type_to_model)
                .collect(),
            acknowledges: descriptor.acknowledges,
            config_keys: descriptor
                .config_keys
                .into_iter()
                .map(|k| ConfigKeyInfo {
                    name: k.name,
                    description: k.description,
                    required: k.required,
                })
                .collect(),
            digest,
            size_bytes,
        };
        if let Some(existing) = self.get(&info.id, &version) {
            if existing.info.digest == info.digest {
                return Ok(existing.info.clone());
            }
            return Err(InstallError::Conflict(info.reference()));
        }
        if persist && let Some(dir) = &self.settings.adapters_dir {
            std::fs::create_dir_all(dir).map_err(|e| InstallError::Io(e.to_string()))?;
            let path = dir.join(format!("{}.wasm", info.reference()));
            std::fs::write(&path, &bytes)
                .map_err(|e| InstallError::Io(format!("{}: {e}", path.display())))?;
        }
        let limits = self
            .settings
            .limits
            .get(&info.id)
            .copied()
            .unwrap_or(self.settings.default_limits);
        let loaded = Arc::new(LoadedAdapter::new(
            info.clone(),
            limits,
            pre,
            self.engine.clone(),
        ));
        self.adapters
            .write()
            .expect("registry lock is never poisoned")
            .entry(info.id.clone())
            .or_default()
            .insert(version, loaded);
        tracing::info!(adapter = %info.reference(), digest = %info.digest, "adapter installed");
        Ok(info)
    }

    async fn compile(&self, bytes: Vec<u8>, digest: &str) -> Result<Component, InstallError> {
        if let Some(entry) = self.cache.as_ref().and_then(|c| c.load(digest)) {
            // SAFETY: loading compiled code trusts it. This file was written by this host's
            // `CompiledCache::store` for exactly this component digest and engine fingerprint:
            // its HMAC under the cache's private key verified, read through the descriptor
            // `entry.path()` names, so the file mapped is the file checked. Cache entries are
            // only ever replaced by renaming a new file into place, never written in place.
            #[allow(unsafe_code)]
            match unsafe { Component::deserialize_file(&self.engine.engine, entry.path()) } {
                Ok(component) => return Ok(component),
                Err(e) => {
                    tracing::warn!(%digest, error = %e, "compiled cache entry unusable; recompiling")
                }
            }
        }
        let bounds = self.settings.default_limits;
        let timeout = InstallError::CompileTimeout {
            limit_ms: bounds.compile_timeout_ms,
        };
        // Waiting for another installation's compile is not this component's time.
        let permit = self
            .compiling
            .clone()
            .acquire_owned()
            .await
            .expect("the compile semaphore is never closed");
        let engine = self.engine.engine.clone();
        let started = std::time::Instant::now();
        // A compilation cannot be stopped; past the deadline it runs on, holding the permit,
        // and its result is dropped.
        let compiling = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            Component::new(&engine, &bytes)
        });
        let compiled = tokio::time::timeout(bounds.compile_timeout(), compiling)
            .await
            .map_err(|_| timeout)?;
        tracing::debug!(%digest, took_ms = started.elapsed().as_millis() as u64, "component compiled");
        let component = compiled
            .map_err(|e| InstallError::Compile(e.to_string()))?
            .map_err(|e| InstallError::Compile(format!("{e:#}")))?;
        if let Some(cache) = &self.cache {
            let stored = component
                .serialize()
                .map_err(|e| e.to_string())
                .and_then(|code| cache.store(digest, &code).map_err(|e| e.to_string()));
            if let Err(e) = stored {
                tracing::warn!(%digest, error = %e, "could not cache compiled adapter");
            }
        }
        Ok(component)
    }

    fn get(&self, id: &str, version: &semver::Version) -> Option<Arc<LoadedAdapter>> {
        self.adapters
            .read()
            .expect("registry lock is never poisoned")
            .get(id)?
            .get(version)
            .cloned()
    }

    /// Resolves `id@version`, or `id` alone to its newest version.
    pub fn resolve(&self, reference: &str) -> Result<Arc<LoadedAdapter>, ResolveError> {
        let adapters = self
            .adapters
            .read()
            .expect("registry lock is never poisoned");
        let (id, version) = split_reference(reference)?;
        let versions = adapters
            .get(id)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ResolveError::Unknown(reference.to_owned()))?;
        match version {
            Some(version) => versions
                .get(&version)
                .cloned()
                .ok_or_else(|| ResolveError::Unknown(reference.to_owned())),
            None => versions
                .values()
                .next_back()
                .cloned()
                .ok_or_else(|| ResolveError::Unknown(reference.to_owned())),
        }
    }

    /// Removes `id@version` (or every version of `id`), returning what was removed.
    pub fn remove(&self, reference: &str) -> Result<Vec<AdapterInfo>, ResolveError> {
        let (id, version) = split_reference(reference)?;
        let mut adapters = self
            .adapters
            .write()
            .expect("registry lock is never poisoned");
        let versions = adapters
            .get_mut(id)
            .ok_or_else(|| ResolveError::Unknown(reference.to_owned()))?;
        let removed: Vec<Arc<LoadedAdapter>> = match version {
            Some(version) => versions.remove(&version).into_iter().collect(),
            None => std::mem::take(versions).into_values().collect(),
        };
        if versions.is_empty() {
            adapters.remove(id);
        }
        if removed.is_empty() {
            return Err(ResolveError::Unknown(reference.to_owned()));
        }
        drop(adapters);
        let infos: Vec<AdapterInfo> = removed.iter().map(|a| a.info.clone()).collect();
        let mut loaded_from = self
            .loaded_from
            .lock()
            .expect("registry lock is never poisoned");
        for info in &infos {
            let reference = info.reference();
            let files = self
                .settings
                .adapters_dir
                .iter()
                .map(|dir| dir.join(format!("{reference}.wasm")))
                .chain(loaded_from.remove(&reference).unwrap_or_default());
            for file in files {
                let _ = std::fs::remove_file(file);
            }
        }
        Ok(infos)
    }

    /// Every installed adapter, by id then version.
    pub fn list(&self) -> Vec<AdapterInfo> {
        self.adapters
            .read()
            .expect("registry lock is never poisoned")
            .values()
            .flat_map(|versions| versions.values().map(|a| a.info.clone()))
            .collect()
    }
}

/// Refuses a component that declares more memories or tables than one call may create, before
/// any of its code runs. (A memory too large at the start breaks the memory limit when
/// `describe` instantiates it.)
fn check_resources(component: &Component) -> Result<(), InstallError> {
    let Some(required) = component.resources_required() else {
        return Ok(());
    };
    if required.num_memories > ceilings::MEMORIES {
        return Err(InstallError::Resources(format!(
            "{} linear memories; at most {} are allowed",
            required.num_memories,
            ceilings::MEMORIES
        )));
    }
    if required.num_tables > ceilings::TABLES {
        return Err(InstallError::Resources(format!(
            "{} tables; at most {} are allowed",
            required.num_tables,
            ceilings::TABLES
        )));
    }
    Ok(())
}

fn check_id(id: &str) -> Result<(), InstallError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(InstallError::Invalid(format!(
            "adapter id {id:?} must be 1-64 characters of a-z, 0-9, '-' or '_'"
        )))
    }
}

fn split_reference(reference: &str) -> Result<(&str, Option<semver::Version>), ResolveError> {
    match reference.split_once('@') {
        Some((id, version)) => semver::Version::parse(version)
            .map(|v| (id, Some(v)))
            .map_err(|e| ResolveError::BadReference(format!("{reference:?}: {e}"))),
        None => Ok((reference, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_id_and_version() {
        assert_eq!(split_reference("cxml").unwrap(), ("cxml", None));
        let (id, v) = split_reference("cxml@1.2.3").unwrap();
        assert_eq!((id, v.unwrap().to_string()), ("cxml", "1.2.3".to_owned()));
        assert!(split_reference("cxml@latest").is_err());
    }

    #[test]
    fn ids_are_plain_names() {
        check_id("portal-json").unwrap();
        assert!(check_id("../etc").is_err());
        assert!(check_id("").is_err());
        assert!(check_id("X12").is_err());
    }
}
