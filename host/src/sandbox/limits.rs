//! Per-adapter resource limits and the breaches that name them.
//!
//! Every call runs under a memory cap (all linear memories and tables of the instance together,
//! enforced by [`super::limiter::CallLimiter`]), one wall-clock deadline over the whole call
//! (host calls and WASI included), a cap on the size of what the adapter returns, and a cap on
//! how many calls of the adapter run at once. Installing runs under a size cap and a compile
//! deadline. A breach fails that call (or that install) with a [`LimitBreach`] that names the
//! limit; nothing else is affected.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits one adapter runs under. Missing fields take the defaults below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Linear memory and tables one call may use, all of the instance's together, in MiB.
    pub memory_mib: u64,
    /// Wall-clock time one call may take, host calls and WASI waits included, in milliseconds.
    pub timeout_ms: u64,
    /// Size of what one call may return (wire bytes, or decoded documents as JSON), in KiB.
    pub max_output_kib: u64,
    /// Calls of this adapter that may run at once.
    pub max_concurrency: u32,
    /// Largest component accepted for installation, in MiB. Only `[limits]` sets it: an
    /// adapter's id is known only after its bytes were accepted and compiled.
    pub max_component_mib: u64,
    /// Time compiling one component may take at installation, in milliseconds. Only `[limits]`
    /// sets it, for the same reason. Defaults to 60 s; 600 s in a debug build of the host,
    /// whose compiler is some thirty times slower.
    pub compile_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mib: 64,
            timeout_ms: 2_000,
            max_output_kib: 16 * 1024,
            max_concurrency: 8,
            max_component_mib: 16,
            compile_timeout_ms: if cfg!(debug_assertions) {
                600_000
            } else {
                60_000
            },
        }
    }
}

impl Limits {
    /// The largest memory cap the engine's instance pool is sized for.
    pub const MAX_MEMORY_MIB: u64 = 1024;
    /// The largest component any configuration may accept.
    pub const MAX_COMPONENT_MIB: u64 = 256;

    pub fn memory_bytes(&self) -> usize {
        (self.memory_mib.min(Self::MAX_MEMORY_MIB) * 1024 * 1024) as usize
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    pub fn max_output_bytes(&self) -> usize {
        (self.max_output_kib * 1024) as usize
    }

    pub fn max_component_bytes(&self) -> usize {
        (self.max_component_mib.min(Self::MAX_COMPONENT_MIB) * 1024 * 1024) as usize
    }

    pub fn compile_timeout(&self) -> Duration {
        Duration::from_millis(self.compile_timeout_ms)
    }

    /// True when the installation bounds differ from the defaults, which only `[limits]` may do.
    pub fn sets_install_bounds(&self) -> bool {
        let defaults = Limits::default();
        self.max_component_mib != defaults.max_component_mib
            || self.compile_timeout_ms != defaults.compile_timeout_ms
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
        if self.max_component_mib == 0 || self.max_component_mib > Self::MAX_COMPONENT_MIB {
            return Err(format!(
                "max_component_mib must be between 1 and {}, not {}",
                Self::MAX_COMPONENT_MIB,
                self.max_component_mib
            ));
        }
        if self.timeout_ms == 0 || self.compile_timeout_ms == 0 {
            return Err("timeout_ms and compile_timeout_ms must be above 0".into());
        }
        if self.max_output_kib == 0 || self.max_concurrency == 0 {
            return Err("max_output_kib and max_concurrency must be above 0".into());
        }
        Ok(())
    }
}

/// Ceilings that are the same for every adapter: what no real adapter comes near, and what
/// keeps one call from exhausting what the engine shares between all of them.
pub mod ceilings {
    /// Core instances one component may create (a Rust adapter makes about five).
    pub const INSTANCES: usize = 32;
    /// Linear memories of one instance, all modules together (a Rust adapter has one).
    pub const MEMORIES: u32 = 2;
    /// Tables of one instance, all modules together (a Rust adapter has about three).
    pub const TABLES: u32 = 8;
    /// Calls to `log`, `config` and `xref` one adapter call may make.
    pub const HOST_CALLS: u32 = 100_000;
    /// Longest string an adapter may pass to `log`, `config` or `xref`, in bytes.
    pub const HOST_ARGUMENT_BYTES: usize = 64 * 1024;
    /// Guest stack, in KiB: recursion deeper than this traps instead of exhausting the host's.
    pub const STACK_KIB: usize = 1024;
}

/// Which limit a call broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitBreach {
    Memory {
        limit_mib: u64,
    },
    Time {
        limit_ms: u64,
    },
    Output {
        limit_kib: u64,
        actual_bytes: usize,
    },
    Stack {
        limit_kib: usize,
    },
    /// Too many instances, memories or tables created by one call.
    Count {
        what: &'static str,
        limit: usize,
    },
    HostCalls {
        limit: u32,
    },
    HostArgument {
        limit_bytes: usize,
        actual_bytes: usize,
    },
}

impl fmt::Display for LimitBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitBreach::Memory { limit_mib } => {
                write!(f, "memory limit of {limit_mib} MiB exceeded (memory_mib)")
            }
            LimitBreach::Time { limit_ms } => {
                write!(f, "time limit of {limit_ms} ms exceeded (timeout_ms)")
            }
            LimitBreach::Output {
                limit_kib,
                actual_bytes,
            } => write!(
                f,
                "output limit of {limit_kib} KiB exceeded ({actual_bytes} bytes returned; max_output_kib)"
            ),
            LimitBreach::Stack { limit_kib } => {
                write!(
                    f,
                    "stack limit of {limit_kib} KiB exceeded (recursion too deep)"
                )
            }
            LimitBreach::Count { what, limit } => {
                write!(f, "limit of {limit} {what} per call exceeded")
            }
            LimitBreach::HostCalls { limit } => write!(
                f,
                "host call limit of {limit} calls to log, config and xref exceeded"
            ),
            LimitBreach::HostArgument {
                limit_bytes,
                actual_bytes,
            } => write!(
                f,
                "host call argument limit of {limit_bytes} bytes exceeded ({actual_bytes} bytes passed)"
            ),
        }
    }
}

impl std::error::Error for LimitBreach {}

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
        let vast = Limits {
            max_component_mib: 4096,
            ..Limits::default()
        };
        assert!(vast.check().unwrap_err().contains("max_component_mib"));
    }

    #[test]
    fn breaches_name_their_limit() {
        assert_eq!(
            LimitBreach::Memory { limit_mib: 16 }.to_string(),
            "memory limit of 16 MiB exceeded (memory_mib)"
        );
        assert_eq!(
            LimitBreach::Time { limit_ms: 250 }.to_string(),
            "time limit of 250 ms exceeded (timeout_ms)"
        );
        assert_eq!(
            LimitBreach::Count {
                what: "memories",
                limit: 2
            }
            .to_string(),
            "limit of 2 memories per call exceeded"
        );
    }
}
