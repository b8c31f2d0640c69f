//! Where an adapter's runnable code comes from: the [`CompiledCache`] when it holds an
//! authentic entry for the component's digest, otherwise a compilation within the installation
//! deadline (one at a time), cached for the next start; then the checks and linking that make
//! it callable ([`Compiler::prepare`]).
//!
//! An adapter registered at start from the cache's description ([`LazyCode`]) gets its code
//! here on its first call: a host with a thousand adapters starts without mapping, verifying or
//! linking a thousand compiled files, and keeps resident only the adapters it runs.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use wasmtime::component::Component;

use super::InstallError;
use super::bindings::AdapterPre;
use super::cache::CompiledCache;
use super::capabilities::CallState;
use super::engine::SandboxEngine;
use super::limits::{Limits, ceilings};

/// Compiles components, or takes them from the cache, for one engine.
pub struct Compiler {
    engine: Arc<SandboxEngine>,
    cache: Option<CompiledCache>,
    /// One compilation at a time: compiling takes every core it is given, and one that ran
    /// past its deadline keeps its permit until it really ends.
    compiling: Arc<tokio::sync::Semaphore>,
    /// The installation bounds (`compile_timeout_ms`) every compilation is held to.
    bounds: Limits,
}

impl std::fmt::Debug for Compiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiler")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Compiler {
    pub fn new(engine: Arc<SandboxEngine>, cache: Option<CompiledCache>, bounds: Limits) -> Self {
        Compiler {
            engine,
            cache,
            compiling: Arc::new(tokio::sync::Semaphore::new(1)),
            bounds,
        }
    }

    pub fn cache(&self) -> Option<&CompiledCache> {
        self.cache.as_ref()
    }

    /// The component `bytes` (whose SHA-256 is `digest`), from the cache or compiled.
    pub async fn compile(&self, bytes: Vec<u8>, digest: &str) -> Result<Component, InstallError> {
        if let Some(component) = self.cached(digest) {
            return Ok(component);
        }
        let timeout = InstallError::CompileTimeout {
            limit_ms: self.bounds.compile_timeout_ms,
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
        let compiled = tokio::time::timeout(self.bounds.compile_timeout(), compiling)
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

    /// The cached code for `digest`, if the cache holds an authentic, loadable entry.
    fn cached(&self, digest: &str) -> Option<Component> {
        let entry = self.cache.as_ref()?.load(digest)?;
        // SAFETY: loading compiled code trusts it. This file was written by this host's
        // `CompiledCache::store` for exactly this component digest and engine fingerprint:
        // its HMAC under the cache's private key verified, read through the descriptor
        // `entry.path()` names, so the file mapped is the file checked. Cache entries are
        // only ever replaced by renaming a new file into place, never written in place.
        #[allow(unsafe_code)]
        match unsafe { Component::deserialize_file(&self.engine.engine, entry.path()) } {
            Ok(component) => Some(component),
            Err(e) => {
                tracing::warn!(%digest, error = %e, "compiled cache entry unusable; recompiling");
                None
            }
        }
    }

    /// Checks what `component` declares and links it against the host's imports and the
    /// adapter world.
    pub fn prepare(&self, component: &Component) -> Result<AdapterPre<CallState>, InstallError> {
        check_resources(component)?;
        let pre = self
            .engine
            .linker
            .instantiate_pre(component)
            .map_err(|e| InstallError::Link(format!("{e:#}")))?;
        AdapterPre::new(pre).map_err(|e| InstallError::WrongWorld(format!("{e:#}")))
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

/// The future [`CodeSource::load`] returns.
pub type Loading<'a> =
    Pin<Box<dyn Future<Output = Result<AdapterPre<CallState>, InstallError>> + Send + 'a>>;

/// Code an adapter gets on its first call.
pub trait CodeSource: Send + Sync {
    fn load(&self) -> Loading<'_>;
}

/// An installed component's code, loaded when first needed: from the cache, or compiled again
/// from its file in the adapters directory when the cache lost it (the file must still hash
/// to the digest it was registered under).
pub struct LazyCode {
    pub compiler: Arc<Compiler>,
    pub digest: String,
    pub file: PathBuf,
}

impl CodeSource for LazyCode {
    fn load(&self) -> Loading<'_> {
        Box::pin(async move {
            let component = match self.compiler.cached(&self.digest) {
                Some(component) => component,
                None => {
                    let bytes = std::fs::read(&self.file)
                        .map_err(|e| InstallError::Io(format!("{}: {e}", self.file.display())))?;
                    if hex::encode(Sha256::digest(&bytes)) != self.digest {
                        return Err(InstallError::Invalid(format!(
                            "{} changed since it was loaded; restart the host or install the \
                             new bytes under a new version",
                            self.file.display()
                        )));
                    }
                    self.compiler.compile(bytes, &self.digest).await?
                }
            };
            self.compiler.prepare(&component)
        })
    }
}
