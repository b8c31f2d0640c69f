//! Retry timing: exponential backoff with "equal jitter". The n-th retry waits between half and
//! all of `initial × 2^(n-1)`, capped at the maximum, so retries from many entries that failed
//! together spread out instead of arriving in waves.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32, rng: &mut impl Rng) -> Duration {
        let exponent = retry.saturating_sub(1).min(32);
        let ceiling = self
            .initial
            .saturating_mul(1u32 << exponent.min(31))
            .min(self.max);
        let half = ceiling / 2;
        let spread = (ceiling - half).as_millis() as u64;
        half + Duration::from_millis(if spread == 0 {
            0
        } else {
            rng.random_range(0..=spread)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn delays_grow_then_cap_and_stay_within_their_window() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1_000),
        };
        let mut rng = StdRng::seed_from_u64(7);
        for (retry, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1_000),
            (40, 1_000),
        ] {
            for _ in 0..50 {
                let d = backoff.delay(retry, &mut rng).as_millis() as u64;
                assert!(
                    (ceiling / 2..=ceiling).contains(&d),
                    "retry {retry}: {d} ms"
                );
            }
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let backoff = Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        };
        let mut rng = StdRng::seed_from_u64(1);
        let delays: std::collections::BTreeSet<_> =
            (0..20).map(|_| backoff.delay(3, &mut rng)).collect();
        assert!(delays.len() > 10, "{delays:?}");
    }
}
