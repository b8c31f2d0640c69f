//! The per-call store state, and the only capabilities an adapter is granted: `log`, `config`
//! and `xref`, plus the WASI surface of [`super::wasi`].
//!
//! Guest panics write to stderr; that goes into a small in-memory pipe so a trap can be
//! reported with the panic's own message. Every call to `log`, `config` and `xref` counts
//! against [`ceilings::HOST_CALLS`], and no string passed to them may exceed
//! [`ceilings::HOST_ARGUMENT_BYTES`]: a flood breaks a limit and ends the call.

use std::collections::BTreeMap;
use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::wharf;
use super::limiter::CallLimiter;
use super::limits::{LimitBreach, Limits, ceilings};

/// How much of a guest's stderr is kept (enough for a panic message and its location).
const STDERR_CAPACITY: usize = 4 * 1024;
/// Longest guest log line kept; the rest is cut.
const MAX_LOG_LINE: usize = 2 * 1024;
/// Log lines one call may write before the rest are dropped.
const MAX_LOG_LINES: u32 = 256;

/// Cross-reference tables: table name → key → value.
pub type XrefTables = BTreeMap<String, BTreeMap<String, String>>;

/// What a call needs to know about the agreement it runs for.
#[derive(Debug, Clone, Default)]
pub struct CallScope {
    pub agreement: String,
    pub partner: String,
    pub correlation_id: String,
    pub config: Arc<BTreeMap<String, String>>,
    pub xref: Arc<XrefTables>,
}

/// The data of one call's store. A fresh one is made for every call.
pub struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: CallLimiter,
    pub(crate) stderr: MemoryOutputPipe,
    pub(crate) started: std::time::Instant,
    /// Epoch ticks the guest noticed while running.
    pub(crate) epoch_ticks: u64,
    scope: CallScope,
    adapter: String,
    log_lines: u32,
    host_calls: u32,
    /// A limit a host call refused, so the trap can be reported as that limit.
    pub(crate) host_breach: Option<LimitBreach>,
}

impl CallState {
    pub fn new(adapter: String, limits: &Limits, scope: CallScope) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        CallState {
            wasi: super::wasi::context(stderr.clone()),
            table: ResourceTable::new(),
            limiter: CallLimiter::new(limits),
            stderr,
            started: std::time::Instant::now(),
            epoch_ticks: 0,
            scope,
            adapter,
            log_lines: 0,
            host_calls: 0,
            host_breach: None,
        }
    }

    /// The limit this call broke, whether in memory or in a host call.
    pub fn breach(&self) -> Option<LimitBreach> {
        self.host_breach.clone().or_else(|| self.limiter.breach())
    }

    /// Counts one host call with its string arguments, refusing it past a limit.
    fn host_call(&mut self, arguments: &[&str]) -> wasmtime::Result<()> {
        self.host_calls = self.host_calls.saturating_add(1);
        let breach = if self.host_calls > ceilings::HOST_CALLS {
            Some(LimitBreach::HostCalls {
                limit: ceilings::HOST_CALLS,
            })
        } else {
            let longest = arguments.iter().map(|a| a.len()).max().unwrap_or(0);
            (longest > ceilings::HOST_ARGUMENT_BYTES).then_some(LimitBreach::HostArgument {
                limit_bytes: ceilings::HOST_ARGUMENT_BYTES,
                actual_bytes: longest,
            })
        };
        match breach {
            Some(breach) => {
                self.host_breach = Some(breach.clone());
                Err(wasmtime::Error::new(breach))
            }
            None => Ok(()),
        }
    }

    /// The last line the guest wrote to stderr (its panic message, when it panicked).
    pub fn stderr_tail(&self) -> Option<String> {
        let bytes = self.stderr.contents();
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        (!text.is_empty()).then(|| text.lines().collect::<Vec<_>>().join(" "))
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl wharf::adapter::log::Host for CallState {
    fn log(&mut self, level: wharf::adapter::log::Level, message: String) -> wasmtime::Result<()> {
        use wharf::adapter::log::Level;
        self.host_call(&[&message])?;
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES {
            return Ok(());
        }
        let mut message = message;
        if message.len() > MAX_LOG_LINE {
            let mut cut = MAX_LOG_LINE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let (adapter, correlation_id) = (&self.adapter, &self.scope.correlation_id);
        match level {
            Level::Trace => {
                tracing::trace!(target: "wharf::guest", %adapter, %correlation_id, "{message}")
            }
            Level::Debug => {
                tracing::debug!(target: "wharf::guest", %adapter, %correlation_id, "{message}")
            }
            Level::Info => {
                tracing::info!(target: "wharf::guest", %adapter, %correlation_id, "{message}")
            }
            Level::Warn => {
                tracing::warn!(target: "wharf::guest", %adapter, %correlation_id, "{message}")
            }
            Level::Error => {
                tracing::error!(target: "wharf::guest", %adapter, %correlation_id, "{message}")
            }
        }
        Ok(())
    }
}

impl wharf::adapter::config::Host for CallState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        self.host_call(&[&key])?;
        Ok(self.scope.config.get(&key).cloned())
    }
}

impl wharf::adapter::xref::Host for CallState {
    fn lookup(&mut self, table: String, key: String) -> wasmtime::Result<Option<String>> {
        self.host_call(&[&table, &key])?;
        Ok(self
            .scope
            .xref
            .get(&table)
            .and_then(|t| t.get(&key))
            .cloned())
    }
}

impl wharf::adapter::types::Host for CallState {}
impl wharf::canonical::types::Host for CallState {}
impl wharf::canonical::documents::Host for CallState {}
