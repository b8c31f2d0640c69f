//! The per-call store state, and the only capabilities an adapter is granted: `log`, `config`
//! and `xref`, plus a WASI context that has no filesystem, environment, sockets or stdio.
//!
//! Guest panics write to stderr; that goes into a small in-memory pipe so a trap can be
//! reported with the panic's own message.

use std::collections::BTreeMap;
use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::bindings::wharf;
use super::limits::{Limits, MemoryLimiter};

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
    pub(crate) limiter: MemoryLimiter,
    pub(crate) stderr: MemoryOutputPipe,
    pub(crate) started: std::time::Instant,
    scope: CallScope,
    adapter: String,
    log_lines: u32,
}

impl CallState {
    pub fn new(adapter: String, limits: &Limits, scope: CallScope) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        CallState {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(limits),
            stderr,
            started: std::time::Instant::now(),
            scope,
            adapter,
            log_lines: 0,
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
    fn log(&mut self, level: wharf::adapter::log::Level, message: String) {
        use wharf::adapter::log::Level;
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES {
            return;
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
    }
}

impl wharf::adapter::config::Host for CallState {
    fn get(&mut self, key: String) -> Option<String> {
        self.scope.config.get(&key).cloned()
    }
}

impl wharf::adapter::xref::Host for CallState {
    fn lookup(&mut self, table: String, key: String) -> Option<String> {
        self.scope.xref.get(&table)?.get(&key).cloned()
    }
}

impl wharf::adapter::types::Host for CallState {}
impl wharf::canonical::types::Host for CallState {}
impl wharf::canonical::documents::Host for CallState {}
