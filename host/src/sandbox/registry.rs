//! The adapter registry: an explicit map `id → version → adapter` that adapters enter by
//! installation (from the adapters directory at start, the admin API or the CLI) and leave by
//! removal, while the host runs.
//!
//! Installing checks the component's size, compiles it within a deadline (or takes the
//! compiled code from the [`CompiledCache`], keyed by the component's digest and the engine's
//! fingerprint, and authenticated), checks how many memories and tables it declares, asks it
//! who it is, checks the contract version, and only then makes it visible; what it said of
//! itself is kept in the cache beside its code. At start, a component in the adapters
//! directory whose description and code the cache holds is registered from that description
//! alone, and its code loaded on its first call ([`super::code`]). Calls already running keep the `Arc` they resolved,
//! so swapping or removing a version never cuts a message short.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};

use super::adapter::{AdapterInfo, ConfigKeyInfo, LoadedAdapter};
use super::cache::CompiledCache;
use super::code::{Compiler, LazyCode};
use super::convert::doc_type_to_model;
use super::engine::SandboxEngine;
use super::limits::Limits;
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
    compiler: Arc<Compiler>,
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
            compiler: Arc::new(Compiler::new(
                engine.clone(),
                cache,
                settings.default_limits,
            )),
            engine,
            settings,
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
                Ok(bytes) => match self.register_described(&bytes, &path) {
                    Some(registered) => registered,
                    None => self.install_bytes(bytes, false).await,
                },
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
        let component = self.compiler.compile(bytes.clone(), &digest).await?;
        let pre = self.compiler.prepare(&component)?;
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
        if let Some(cache) = self.compiler.cache() {
            let described = serde_json::to_vec(&info).expect("adapter info serializes");
            if let Err(e) = cache.store_info(&info.digest, &described) {
                tracing::warn!(digest = %info.digest, error = %e, "could not cache the adapter's description");
            }
        }
        let limits = self.limits_of(&info.id);
        let loaded = LoadedAdapter::new(info.clone(), limits, pre, self.engine.clone());
        self.register(version, loaded);
        tracing::info!(adapter = %info.reference(), digest = %info.digest, "adapter installed");
        Ok(info)
    }

    /// Registers the component in `file` (its bytes) from the description the compiled cache
    /// keeps for its digest, its code to be loaded on its first call. `None` when the cache
    /// has no authentic description and code for it (it is then installed as new).
    fn register_described(
        &self,
        bytes: &[u8],
        file: &Path,
    ) -> Option<Result<AdapterInfo, InstallError>> {
        let cache = self.compiler.cache()?;
        if bytes.len() > self.settings.default_limits.max_component_bytes() {
            return None;
        }
        let digest = hex::encode(Sha256::digest(bytes));
        if !cache.entry_path(&digest).exists() {
            return None;
        }
        let info: AdapterInfo = serde_json::from_slice(&cache.load_info(&digest)?).ok()?;
        let version = semver::Version::parse(&info.version).ok()?;
        // A description from another build of the host is checked as a new install would be.
        if info.digest != digest
            || info.size_bytes != bytes.len()
            || !SUPPORTED_CONTRACTS.contains(&info.contract.as_str())
        {
            return None;
        }
        if let Some(existing) = self.get(&info.id, &version) {
            return Some(if existing.info.digest == info.digest {
                Ok(existing.info.clone())
            } else {
                Err(InstallError::Conflict(info.reference()))
            });
        }
        let source = LazyCode {
            compiler: self.compiler.clone(),
            digest,
            file: file.to_owned(),
        };
        let limits = self.limits_of(&info.id);
        let loaded =
            LoadedAdapter::lazy(info.clone(), limits, Box::new(source), self.engine.clone());
        self.register(version, loaded);
        tracing::debug!(adapter = %info.reference(), "adapter registered; its code loads on first call");
        Some(Ok(info))
    }

    fn limits_of(&self, id: &str) -> Limits {
        self.settings
            .limits
            .get(id)
            .copied()
            .unwrap_or(self.settings.default_limits)
    }

    fn register(&self, version: semver::Version, loaded: LoadedAdapter) {
        self.adapters
            .write()
            .expect("registry lock is never poisoned")
            .entry(loaded.info.id.clone())
            .or_default()
            .insert(version, Arc::new(loaded));
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
