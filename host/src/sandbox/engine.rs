//! The process's one wasmtime [`Engine`], its linker, and the epoch ticker that enforces
//! per-call deadlines.
//!
//! Fuel metering is on by default: it counts what each call costs (see [`super::call::CallCost`]);
//! the deadline, not fuel, ends a call. [`EngineOptions`] turns it off, for measuring what it
//! costs.
//!
//! `WHARF_WASM_PROFILER=perfmap` (or `jitdump`) in the environment names the adapters' compiled
//! functions for `perf`, so a profile of the host shows where inside an adapter the time goes.
//!
//! The engine uses the pooling allocator where the machine allows it (instances come from
//! pre-reserved slots, so instantiating per call is cheap) and falls back to on-demand
//! allocation when the reservation is refused, for example under a tight address-space limit.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ProfilingStrategy,
};

use super::SandboxError;
use super::bindings::Adapter;
use super::capabilities::CallState;
use super::limits::{Limits, ceilings};

/// How often the epoch advances; deadlines are checked at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Instances the pool holds at once; also the ceiling on concurrent adapter calls.
pub const POOL_INSTANCES: u32 = 64;

/// Fuel each call starts with: far more than any deadline lets a guest burn, so fuel only
/// measures.
pub const FUEL_BUDGET: u64 = i64::MAX as u64;

/// How the engine is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// Count the fuel every call burns (about one unit per wasm instruction).
    pub meter_fuel: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions { meter_fuel: true }
    }
}

/// The engine, shared by every adapter and call.
pub struct SandboxEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<CallState>,
    pooling: bool,
    options: EngineOptions,
    ticker_stop: Arc<AtomicBool>,
    /// One permit per pool slot, so a burst of calls waits instead of failing to instantiate.
    pub(crate) slots: tokio::sync::Semaphore,
}

impl std::fmt::Debug for SandboxEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxEngine")
            .field("pooling", &self.pooling)
            .finish_non_exhaustive()
    }
}

fn base_config(options: EngineOptions) -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.consume_fuel(options.meter_fuel);
    // Guest recursion beyond this traps instead of exhausting the host's stack.
    config.max_wasm_stack(ceilings::STACK_KIB * 1024);
    if let Some(profiler) = profiler_from_env() {
        config.profiler(profiler);
    }
    config
}

/// The profiler `WHARF_WASM_PROFILER` asks for: `perfmap` writes `/tmp/perf-<pid>.map` for
/// `perf report`, `jitdump` a `jit-<pid>.dump` for `perf inject`. Anything else is ignored,
/// with a warning.
fn profiler_from_env() -> Option<ProfilingStrategy> {
    let wanted = std::env::var("WHARF_WASM_PROFILER").ok()?;
    match wanted.as_str() {
        "perfmap" => Some(ProfilingStrategy::PerfMap),
        "jitdump" => Some(ProfilingStrategy::JitDump),
        "" | "none" => None,
        other => {
            tracing::warn!(
                profiler = other,
                "WHARF_WASM_PROFILER is not perfmap or jitdump; ignored"
            );
            None
        }
    }
}

fn pooling_config(options: EngineOptions) -> Config {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(POOL_INSTANCES);
    // Every instance may use its whole share, so one component with many memories or tables
    // cannot take the slots other adapters' calls need.
    pool.total_core_instances(POOL_INSTANCES * ceilings::INSTANCES as u32);
    pool.total_memories(POOL_INSTANCES * ceilings::MEMORIES);
    pool.total_tables(POOL_INSTANCES * ceilings::TABLES);
    pool.max_core_instances_per_component(ceilings::INSTANCES as u32);
    pool.max_memories_per_component(ceilings::MEMORIES);
    pool.max_tables_per_component(ceilings::TABLES);
    pool.max_memories_per_module(ceilings::MEMORIES);
    pool.max_tables_per_module(ceilings::TABLES);
    pool.max_memory_size(Limits::MAX_MEMORY_MIB as usize * 1024 * 1024);
    let mut config = base_config(options);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config
}

impl SandboxEngine {
    /// Builds the engine (pooling if possible), links the host capabilities and starts the
    /// epoch ticker.
    pub fn new() -> Result<Self, SandboxError> {
        Self::with_options(EngineOptions::default())
    }

    pub fn with_options(options: EngineOptions) -> Result<Self, SandboxError> {
        let (engine, pooling) = match Engine::new(&pooling_config(options)) {
            Ok(engine) => (engine, true),
            Err(e) => {
                tracing::warn!(error = %e, "pooling allocator unavailable; instances are allocated on demand");
                let engine = Engine::new(&base_config(options)).map_err(SandboxError::engine)?;
                (engine, false)
            }
        };
        let mut linker = Linker::new(&engine);
        super::wasi::add_to_linker(&mut linker).map_err(SandboxError::engine)?;
        Adapter::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
            .map_err(SandboxError::engine)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        start_ticker(engine.clone(), ticker_stop.clone())?;
        Ok(SandboxEngine {
            engine,
            linker,
            pooling,
            options,
            ticker_stop,
            slots: tokio::sync::Semaphore::new(POOL_INSTANCES as usize),
        })
    }

    /// True when instances come from the pooling allocator.
    pub fn pooling(&self) -> bool {
        self.pooling
    }

    /// True when every call's fuel is counted.
    pub fn meters_fuel(&self) -> bool {
        self.options.meter_fuel
    }

    /// What compiled code depends on besides the component: the wasmtime version, the target
    /// and every compilation setting, as 16 hex digits. Compiled code from an engine with
    /// another fingerprint is never loaded.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256Hasher(Sha256::new());
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        hex::encode(&hasher.0.finalize()[..8])
    }
}

/// A `Hasher` that feeds SHA-256, so the fingerprint is the same in every process (std's
/// hashers are only stable within one).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(
            digest[..8]
                .try_into()
                .expect("a SHA-256 digest has 32 bytes"),
        )
    }
}

impl Drop for SandboxEngine {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

fn start_ticker(engine: Engine, stop: Arc<AtomicBool>) -> Result<(), SandboxError> {
    std::thread::Builder::new()
        .name("wharf-epoch".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })
        .map(|_| ())
        .map_err(|e| SandboxError::Engine(format!("cannot start the epoch ticker: {e}")))
}
