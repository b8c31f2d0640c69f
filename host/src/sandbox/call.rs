//! How one call runs: a fresh store under the adapter's limits, one wall-clock deadline over
//! the whole call, what the call cost, and the reason an operator reads when it fails.
//!
//! The deadline is enforced twice. Epoch interruption stops wasm that spins; a
//! `tokio::time::timeout` around the whole call (instantiation, guest code, `log`/`config`/
//! `xref`, and WASI waits such as a guest's `std::thread::sleep`) stops one that waits. Either
//! way the call ends with [`LimitBreach::Time`], and the worker is free for the next message.

use std::future::Future;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use wasmtime::{Store, UpdateDeadline};

use super::capabilities::{CallScope, CallState};
use super::engine::{FUEL_BUDGET, SandboxEngine};
use super::limiter::count_breach;
use super::limits::{LimitBreach, Limits, ceilings};

/// What one adapter call cost, for the message's record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCost {
    /// Fuel the guest burned (about one unit per wasm instruction), instantiation included;
    /// `None` when the engine does not meter fuel. Exact for a call that returned; for one a
    /// limit stopped, only what was counted up to the guest's last host call (compiled code
    /// keeps the running count in a register), so read `epoch_ticks` there.
    pub fuel: Option<u64>,
    /// Epoch ticks (5 ms each) the guest was running wasm across: CPU time in wasm, coarse but
    /// counted however the call ended.
    pub epoch_ticks: u64,
    /// Wall-clock time of the call, instantiation included, in microseconds.
    pub wall_us: u64,
    /// Memory and tables the instance held at the end, in bytes.
    pub memory_bytes: u64,
}

/// Why a call to an adapter produced no result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// The adapter refused the input with a typed error a partner can act on.
    #[error("{0}")]
    Rejected(super::AdapterFailure),
    #[error("adapter {adapter} stopped: {breach}")]
    Limit {
        adapter: String,
        breach: LimitBreach,
    },
    #[error("adapter {adapter} trapped: {reason}")]
    Trap { adapter: String, reason: String },
    #[error("adapter {adapter} returned a value the host cannot use: {reason}")]
    BadOutput { adapter: String, reason: String },
    /// The adapter's code could not be loaded for the call (registered at start, its compiled
    /// code and its file gone or changed since): nothing of the input was looked at.
    #[error("adapter {adapter} cannot run: {reason}")]
    Unavailable { adapter: String, reason: String },
}

/// A fresh store for one call of `label` under `limits`.
pub(crate) fn new_store(
    engine: &SandboxEngine,
    label: &str,
    limits: &Limits,
    scope: CallScope,
) -> Store<CallState> {
    let mut store = Store::new(
        &engine.engine,
        CallState::new(label.to_owned(), limits, scope),
    );
    store.limiter(|state| &mut state.limiter);
    if engine.meters_fuel() {
        // Fuel measures; it does not limit (the deadline does), so the budget is unreachable.
        store
            .set_fuel(FUEL_BUDGET)
            .expect("fuel is enabled on this engine");
    }
    let timeout = limits.timeout();
    let limit_ms = limits.timeout_ms;
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |mut ctx| {
        // Called when running wasm notices a tick: a count of the 5 ms slices it ran in.
        ctx.data_mut().epoch_ticks += 1;
        if ctx.data().started.elapsed() >= timeout {
            Err(wasmtime::Error::new(LimitBreach::Time { limit_ms }))
        } else {
            // Yield to the runtime at every tick so a long call never starves other tasks.
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

/// Runs `call` (which uses the store) under the limit's wall-clock deadline. What remains of
/// the deadline is measured from the store's creation, so waiting for nothing is free and
/// instantiation counts.
pub(crate) async fn within_deadline<T>(
    limits: &Limits,
    started: Instant,
    call: impl Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    let remaining = limits.timeout().saturating_sub(started.elapsed());
    match tokio::time::timeout(remaining, call).await {
        Ok(outcome) => outcome,
        // Dropping the call's future unwinds the guest: its store is thrown away after this.
        Err(_) => Err(wasmtime::Error::new(LimitBreach::Time {
            limit_ms: limits.timeout_ms,
        })),
    }
}

/// What the call held in `store` cost.
pub(crate) fn cost(engine: &SandboxEngine, store: &Store<CallState>) -> CallCost {
    let fuel = engine
        .meters_fuel()
        .then(|| store.get_fuel().ok().map(|left| FUEL_BUDGET - left))
        .flatten();
    CallCost {
        fuel,
        epoch_ticks: store.data().epoch_ticks,
        wall_us: store.data().started.elapsed().as_micros() as u64,
        memory_bytes: store.data().limiter.used_bytes() as u64,
    }
}

/// Turns a wasmtime error into the reason an operator reads.
pub(crate) fn classify(
    adapter: &str,
    error: wasmtime::Error,
    store: &Store<CallState>,
) -> CallError {
    let breach = error
        .downcast_ref::<LimitBreach>()
        .cloned()
        .or_else(|| store.data().breach())
        .or_else(|| count_breach(&error))
        .or_else(|| {
            matches!(
                error.downcast_ref::<wasmtime::Trap>(),
                Some(wasmtime::Trap::StackOverflow)
            )
            .then_some(LimitBreach::Stack {
                limit_kib: ceilings::STACK_KIB,
            })
        });
    if let Some(breach) = breach {
        return CallError::Limit {
            adapter: adapter.to_owned(),
            breach,
        };
    }
    let trap = error
        .downcast_ref::<wasmtime::Trap>()
        .map(|t| t.to_string())
        .unwrap_or_else(|| error.to_string());
    let reason = match store.data().stderr_tail() {
        Some(stderr) => format!("{trap}; the adapter wrote: {stderr}"),
        None => trap,
    };
    CallError::Trap {
        adapter: adapter.to_owned(),
        reason,
    }
}
