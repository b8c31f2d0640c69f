//! [`CallLimiter`]: the `ResourceLimiter` of one call's store. It caps the sum of every linear
//! memory and every table the instance creates — not each one alone, which a component with many
//! memories would multiply — and how many instances, memories and tables it may create at all.
//!
//! A refusal is remembered, so the trap that follows is reported as the limit it is.

use super::limits::{LimitBreach, Limits, ceilings};

/// What one table element is counted as: a function reference is a pointer.
const TABLE_ELEMENT_BYTES: usize = std::mem::size_of::<usize>();

#[derive(Debug)]
pub struct CallLimiter {
    limit_bytes: usize,
    limit_mib: u64,
    /// Bytes of every memory and table of this store, as last grown.
    used_bytes: usize,
    breach: Option<LimitBreach>,
}

impl CallLimiter {
    pub fn new(limits: &Limits) -> Self {
        CallLimiter {
            limit_bytes: limits.memory_bytes(),
            limit_mib: limits.memory_mib,
            used_bytes: 0,
            breach: None,
        }
    }

    /// The limit this call broke, if it broke one.
    pub fn breach(&self) -> Option<LimitBreach> {
        self.breach.clone()
    }

    /// Memory and tables in use now, in bytes.
    pub fn used_bytes(&self) -> usize {
        self.used_bytes
    }

    fn grow(&mut self, current: usize, desired: usize) -> wasmtime::Result<bool> {
        let total = self
            .used_bytes
            .saturating_sub(current)
            .saturating_add(desired);
        if total > self.limit_bytes {
            let breach = LimitBreach::Memory {
                limit_mib: self.limit_mib,
            };
            self.breach = Some(breach.clone());
            return Err(wasmtime::Error::new(breach));
        }
        self.used_bytes = total;
        Ok(true)
    }
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow(current, desired)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow(
            current.saturating_mul(TABLE_ELEMENT_BYTES),
            desired.saturating_mul(TABLE_ELEMENT_BYTES),
        )
    }

    fn instances(&self) -> usize {
        ceilings::INSTANCES
    }

    fn memories(&self) -> usize {
        ceilings::MEMORIES as usize
    }

    fn tables(&self) -> usize {
        ceilings::TABLES as usize
    }
}

/// Reads wasmtime's refusal to create one more instance, memory or table as the limit it is.
pub fn count_breach(error: &wasmtime::Error) -> Option<LimitBreach> {
    let text = format!("{error:#}");
    let (what, limit) = if text.contains("instance count too high") {
        ("instances", ceilings::INSTANCES)
    } else if text.contains("memory count too high") || text.contains("memories count of") {
        ("memories", ceilings::MEMORIES as usize)
    } else if text.contains("table count too high") || text.contains("tables count of") {
        ("tables", ceilings::TABLES as usize)
    } else {
        return None;
    };
    Some(LimitBreach::Count { what, limit })
}

#[cfg(test)]
mod tests {
    use wasmtime::ResourceLimiter;

    use super::*;

    const MIB: usize = 1024 * 1024;

    #[test]
    fn memories_and_tables_share_one_budget() {
        let limits = Limits {
            memory_mib: 4,
            ..Limits::default()
        };
        let mut limiter = CallLimiter::new(&limits);
        assert!(limiter.memory_growing(0, 2 * MIB, None).unwrap());
        // A second memory of the same size fits only because the first left room for it.
        assert!(limiter.memory_growing(0, MIB, None).unwrap());
        // A table counts too.
        assert!(limiter.table_growing(0, 1024, None).unwrap());
        let err = limiter.memory_growing(0, MIB, None).unwrap_err();
        assert!(err.to_string().contains("memory limit of 4 MiB"), "{err}");
        assert_eq!(limiter.breach(), Some(LimitBreach::Memory { limit_mib: 4 }));
    }

    #[test]
    fn growing_one_memory_counts_only_the_growth() {
        let limits = Limits {
            memory_mib: 4,
            ..Limits::default()
        };
        let mut limiter = CallLimiter::new(&limits);
        assert!(limiter.memory_growing(0, MIB, None).unwrap());
        assert!(limiter.memory_growing(MIB, 3 * MIB, None).unwrap());
        assert_eq!(limiter.used_bytes(), 3 * MIB);
        assert!(limiter.memory_growing(3 * MIB, 5 * MIB, None).is_err());
    }

    #[test]
    fn refusals_to_create_are_read_as_counts() {
        let error = wasmtime::Error::msg("resource limit exceeded: memory count too high at 3");
        assert_eq!(
            count_breach(&error),
            Some(LimitBreach::Count {
                what: "memories",
                limit: ceilings::MEMORIES as usize
            })
        );
        assert_eq!(count_breach(&wasmtime::Error::msg("unrelated")), None);
    }
}
