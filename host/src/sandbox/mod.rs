//! The sandbox: the only module that touches wasmtime. It owns the engine, the limits, the
//! adapter registry and the one `bindgen!`; the rest of the host sees adapters through
//! [`LoadedAdapter`]'s `decode`/`encode`/`acknowledge`, in `model` types only.
//!
//! - [`engine`]: one `Engine` (pooling when possible), the linker, the epoch ticker.
//! - [`limits`]: memory, time, output, concurrency and installation limits per adapter.
//! - [`limiter`]: the `ResourceLimiter` summing every memory and table of a call.
//! - [`capabilities`]: per-call state and the `log`/`config`/`xref` imports.
//! - [`wasi`]: the WASI surface an adapter is granted (no files, no network, no environment).
//! - [`call`]: one call's store, deadline, cost and failure reason.
//! - [`adapter`]: a loaded adapter and its calls, each in a fresh store.
//! - [`registry`]: install, resolve, list and remove adapters at runtime.
//! - [`cache`]: compiled code kept between runs, keyed and authenticated.
//! - [`code`]: compiling or taking code from the cache, and loading it on first call.
//! - [`failure`]: adapter errors with their locations, in host terms.
//! - `convert`: binding types ↔ model types.

pub mod adapter;
mod bindings;
pub mod cache;
pub mod call;
pub mod capabilities;
pub mod code;
mod convert;
pub mod engine;
pub mod failure;
pub mod limiter;
pub mod limits;
pub mod registry;
pub mod wasi;

pub use adapter::{AdapterInfo, DecodeOutcome, EncodeOutcome, LoadedAdapter};
pub use call::{CallCost, CallError};
pub use capabilities::{CallScope, XrefTables};
pub use engine::{EngineOptions, SandboxEngine};
pub use failure::{AdapterFailure, ErrorLocation, FailureKind};
pub use limits::{LimitBreach, Limits};
pub use registry::{AdapterRegistry, RegistrySettings};

/// The engine could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot set up the wasm engine: {0}")]
    Engine(String),
}

impl SandboxError {
    fn engine(e: impl std::fmt::Display) -> Self {
        SandboxError::Engine(e.to_string())
    }
}

/// Why a component could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("cannot read the component: {0}")]
    Io(String),
    #[error(
        "the component is {actual_bytes} bytes; the limit is {limit_mib} MiB (max_component_mib)"
    )]
    TooLarge { limit_mib: u64, actual_bytes: usize },
    #[error("compiling the component took longer than {limit_ms} ms (compile_timeout_ms)")]
    CompileTimeout { limit_ms: u64 },
    #[error("not a valid wasm component: {0}")]
    Compile(String),
    #[error("the component declares {0}")]
    Resources(String),
    #[error("the component needs imports this host does not grant: {0}")]
    Link(String),
    #[error("the component is not a wharf:adapter/adapter@0.1.0 adapter: {0}")]
    WrongWorld(String),
    #[error("the component's describe() failed: {0}")]
    Describe(String),
    #[error("invalid adapter: {0}")]
    Invalid(String),
    #[error("adapter {adapter} was built for contract {contract}; this host serves {supported}")]
    Contract {
        adapter: String,
        contract: String,
        supported: String,
    },
    #[error(
        "{0} is already installed with different bytes; a released version cannot change, so give the new build a new version"
    )]
    Conflict(String),
}

/// Why an adapter reference names nothing installed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    #[error("no adapter {0} is installed")]
    Unknown(String),
    #[error("bad adapter reference {0}; expected id or id@version")]
    BadReference(String),
}
