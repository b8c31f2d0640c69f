//! Per-adapter resource limits and the `ResourceLimiter` that enforces the memory cap.
//!
//! Every call runs under a memory cap (linear memory and tables), a wall-clock deadline enforced
//! through epoch interruption, a cap on the size of what the adapter returns, and a cap on how
//! many calls of the adapter run at once. A breach fails that call with a [`LimitBreach`] that
//! names the limit; nothing else is affected.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits one adapter runs under. Missing fields take the defaults below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Linear memory an instance may grow to, in MiB.
    pub memory_mib: u64,
    /// Wall-clock time one call may take, in milliseconds.
    pub timeout_ms: u64,
    /// Size of what one call may return (wire bytes, or decoded documents as JSON), in KiB.
    pub max_output_kib: u64,
    /// Calls of this adapter that may run at once.
    pub max_concurrency: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mib: 64,
            timeout_ms: 2_000,
            max_output_kib: 16 * 1024,
            max_concurrency: 8,
        }
    }
}

impl Limits {
    /// The largest memory cap the engine's instance pool is sized for.
    pub const MAX_MEMORY_MIB: u64 = 1024;

    pub fn memory_bytes(&self) -> usize {
        (self.memory_mib.min(Self::MAX_MEMORY_MIB) * 1024 * 1024) as usize
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    pub fn max_output_bytes(&self) -> usize {
        (self.max_output_kib * 1024) as usize
    }

    /// Checks the values make sense before anything runs under them.
    pub fn check(&self) -> Result<(), String> {
        if self.memory_mib == 0 || self.memory_mib > Self::MAX_MEMORY_MIB {
            return Err(format!(
                "memory_mib must be between 1 and {}, not {}",
                Self::MAX_MEMORY_MIB,
                self.memory_mib
            ));
        }
        if self.timeout_ms == 0 {
            return Err("timeout_ms must be above 0".into());
        }
        if self.max_output_kib == 0 || self.max_concurrency == 0 {
            return Err("max_output_kib and max_concurrency must be above 0".into());
        }
        Ok(())
    }
}

/// Which limit a call broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitBreach {
    Memory { limit_mib: u64 },
    Time { limit_ms: u64 },
    Output { limit_kib: u64, actual_bytes: usize },
}

impl fmt::Display for LimitBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitBreach::Memory { limit_mib } => {
                write!(f, "memory limit of {limit_mib} MiB exceeded")
            }
            LimitBreach::Time { limit_ms } => write!(f, "time limit of {limit_ms} ms exceeded"),
            LimitBreach::Output {
                limit_kib,
                actual_bytes,
            } => write!(
                f,
                "output limit of {limit_kib} KiB exceeded ({actual_bytes} bytes returned)"
            ),
        }
    }
}

impl std::error::Error for LimitBreach {}

/// Refuses growth past the cap and remembers that it did, so the trap that follows can be
/// reported as the limit it is.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit_bytes: usize,
    limit_mib: u64,
    pub(crate) breached: bool,
}

impl MemoryLimiter {
    pub fn new(limits: &Limits) -> Self {
        MemoryLimiter {
            limit_bytes: limits.memory_bytes(),
            limit_mib: limits.memory_mib,
            breached: false,
        }
    }

    pub fn breach(&self) -> Option<LimitBreach> {
        self.breached.then_some(LimitBreach::Memory {
            limit_mib: self.limit_mib,
        })
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit_bytes {
            self.breached = true;
            return Err(wasmtime::Error::new(LimitBreach::Memory {
                limit_mib: self.limit_mib,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a million entries is far beyond any real adapter.
        Ok(desired <= 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_sane_and_checked() {
        Limits::default().check().unwrap();
        let zero = Limits {
            timeout_ms: 0,
            ..Limits::default()
        };
        assert!(zero.check().unwrap_err().contains("timeout_ms"));
        let huge = Limits {
            memory_mib: 4096,
            ..Limits::default()
        };
        assert!(huge.check().unwrap_err().contains("memory_mib"));
    }

    #[test]
    fn breaches_name_their_limit() {
        assert_eq!(
            LimitBreach::Memory { limit_mib: 16 }.to_string(),
            "memory limit of 16 MiB exceeded"
        );
        assert_eq!(
            LimitBreach::Time { limit_ms: 250 }.to_string(),
            "time limit of 250 ms exceeded"
        );
    }
}
