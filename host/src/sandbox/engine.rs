//! The process's one wasmtime [`Engine`], its linker, and the epoch ticker that enforces
//! per-call deadlines.
//!
//! The engine uses the pooling allocator where the machine allows it (instances come from
//! pre-reserved slots, so instantiating per call is cheap) and falls back to on-demand
//! allocation when the reservation is refused, for example under a tight address-space limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::SandboxError;
use super::bindings::Adapter;
use super::capabilities::CallState;
use super::limits::Limits;

/// How often the epoch advances; deadlines are checked at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Instances the pool holds at once; also the ceiling on concurrent adapter calls.
pub const POOL_INSTANCES: u32 = 64;

/// The engine, shared by every adapter and call.
pub struct SandboxEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<CallState>,
    pooling: bool,
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

fn base_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    // Guest recursion beyond this traps instead of exhausting the host's stack.
    config.max_wasm_stack(1024 * 1024);
    config
}

fn pooling_config() -> Config {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(POOL_INSTANCES);
    pool.total_core_instances(POOL_INSTANCES * 4);
    pool.total_memories(POOL_INSTANCES * 2);
    pool.total_tables(POOL_INSTANCES * 4);
    pool.max_memory_size(Limits::MAX_MEMORY_MIB as usize * 1024 * 1024);
    let mut config = base_config();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config
}

impl SandboxEngine {
    /// Builds the engine (pooling if possible), links the host capabilities and starts the
    /// epoch ticker.
    pub fn new() -> Result<Self, SandboxError> {
        let (engine, pooling) = match Engine::new(&pooling_config()) {
            Ok(engine) => (engine, true),
            Err(e) => {
                tracing::warn!(error = %e, "pooling allocator unavailable; instances are allocated on demand");
                let engine = Engine::new(&base_config()).map_err(SandboxError::engine)?;
                (engine, false)
            }
        };
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(SandboxError::engine)?;
        Adapter::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
            .map_err(SandboxError::engine)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        start_ticker(engine.clone(), ticker_stop.clone())?;
        Ok(SandboxEngine {
            engine,
            linker,
            pooling,
            ticker_stop,
            slots: tokio::sync::Semaphore::new(POOL_INSTANCES as usize),
        })
    }

    /// True when instances come from the pooling allocator.
    pub fn pooling(&self) -> bool {
        self.pooling
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
