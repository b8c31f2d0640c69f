//! Per-partner rate limits (GCRA, through `governor`): each partner has its own bucket, sized
//! by its [`Rate`], so one partner's flood never spends another's allowance. Callers without a
//! valid key share one bucket that only decides whether their refusal is kept.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::config::{Rate, Settings};

/// The buckets of every configured partner, and the anonymous one.
#[derive(Debug)]
pub struct RateLimits {
    partners: BTreeMap<String, DefaultDirectRateLimiter>,
    anonymous: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

fn limiter(rate: Rate) -> DefaultDirectRateLimiter {
    let per_s = NonZeroU32::new(rate.per_s).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(per_s).allow_burst(burst))
}

impl RateLimits {
    pub fn new(settings: &Settings) -> Self {
        RateLimits {
            partners: settings
                .partners
                .values()
                .map(|p| (p.id.clone(), limiter(p.rate)))
                .collect(),
            anonymous: limiter(Rate {
                per_s: settings.edge.anonymous_rate_per_s,
                burst: settings.edge.anonymous_rate_per_s,
            }),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from `partner`'s allowance, or says how long until there is one.
    pub fn check_partner(&self, partner: &str) -> Result<(), Duration> {
        match self.partners.get(partner) {
            Some(limiter) => limiter
                .check()
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
            // Partners come from the same settings as the buckets; none is missing.
            None => Ok(()),
        }
    }

    /// True when a refusal of a caller without a valid key may be kept now.
    pub fn keep_anonymous(&self) -> bool {
        self.anonymous.check().is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_past_its_burst_waits_and_others_do_not() {
        let limits = RateLimits {
            partners: [
                ("a".to_owned(), limiter(Rate { per_s: 1, burst: 2 })),
                ("b".to_owned(), limiter(Rate { per_s: 1, burst: 2 })),
            ]
            .into(),
            anonymous: limiter(Rate { per_s: 1, burst: 1 }),
            clock: DefaultClock::default(),
        };
        assert!(limits.check_partner("a").is_ok());
        assert!(limits.check_partner("a").is_ok());
        let wait = limits.check_partner("a").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        assert!(limits.check_partner("b").is_ok());
        assert!(limits.keep_anonymous());
        assert!(!limits.keep_anonymous());
    }
}
