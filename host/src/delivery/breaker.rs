//! Per-endpoint admission: how many deliveries an agreement's endpoint has in flight, and its
//! circuit breaker. The next lease takes no more of an endpoint's entries than it has free
//! slots plus a few to wait ready for the next free one ([`super::ahead`]), and none while its
//! breaker is open, so one slow or failing partner never holds the slots every other partner
//! needs, and entries are not leased only to be given back.
//!
//! The breaker opens after a run of consecutive failures, keeps the endpoint untried for a
//! cool-down, then lets one probe through: success closes it, failure opens it again for twice
//! as long (up to ten times the configured cool-down).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::store::outbox::EndpointRoom;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed,
    Open {
        until: Instant,
    },
    /// One probe is allowed; `probing` while it is out.
    HalfOpen {
        probing: bool,
    },
}

#[derive(Debug)]
struct Endpoint {
    in_flight: u32,
    failures: u32,
    cooldown: Duration,
    state: State,
}

/// Admission for every endpoint of this process.
#[derive(Debug)]
pub struct Admission {
    per_endpoint: u32,
    /// Entries leased ahead of a free slot, per endpoint whose breaker is closed.
    ahead: u32,
    failures_to_open: u32,
    cooldown: Duration,
    endpoints: Mutex<HashMap<String, Endpoint>>,
}

impl Admission {
    pub fn new(per_endpoint: u32, ahead: u32, failures_to_open: u32, cooldown: Duration) -> Self {
        Admission {
            per_endpoint,
            ahead,
            failures_to_open,
            cooldown,
            endpoints: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Endpoint>> {
        self.endpoints
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many more entries each endpoint takes now, given how many already `waiting` for
    /// a slot: while its breaker is closed, its free slots and its lookahead less those
    /// waiting; none while it is open; one probe when it is half open (and nothing waits).
    /// Endpoints not seen yet take the full cap and lookahead.
    pub fn room(&self, now: Instant, waiting: &HashMap<String, usize>) -> EndpointRoom {
        let mut endpoints = self.lock();
        let mut limited = HashMap::new();
        for (agreement, e) in endpoints.iter_mut() {
            if let State::Open { until } = e.state
                && now >= until
            {
                e.state = State::HalfOpen { probing: false };
            }
            let waiting = waiting.get(agreement).copied().unwrap_or(0) as u32;
            let free = match e.state {
                State::Closed => {
                    (self.per_endpoint + self.ahead).saturating_sub(e.in_flight + waiting)
                }
                State::Open { .. } => 0,
                State::HalfOpen { probing } => {
                    u32::from(!probing && e.in_flight == 0 && waiting == 0)
                }
            };
            limited.insert(agreement.clone(), free as usize);
        }
        EndpointRoom {
            limited,
            otherwise: Some((self.per_endpoint + self.ahead) as usize),
        }
    }

    /// Takes a slot for `agreement`; false when it has none free (the entry goes back).
    pub fn admit(&self, agreement: &str) -> bool {
        let mut endpoints = self.lock();
        let e = endpoints
            .entry(agreement.to_owned())
            .or_insert_with(|| Endpoint {
                in_flight: 0,
                failures: 0,
                cooldown: self.cooldown,
                state: State::Closed,
            });
        let allowed = match e.state {
            State::Closed => e.in_flight < self.per_endpoint,
            State::Open { .. } => false,
            State::HalfOpen { probing } => !probing && e.in_flight == 0,
        };
        if allowed {
            e.in_flight += 1;
            if let State::HalfOpen { .. } = e.state {
                e.state = State::HalfOpen { probing: true };
            }
        }
        allowed
    }

    /// Returns the slot and records how the endpoint answered: `Some(true)` worked,
    /// `Some(false)` failed in a way that counts against it, `None` says nothing about it.
    pub fn release(&self, agreement: &str, healthy: Option<bool>, now: Instant) {
        let mut endpoints = self.lock();
        let Some(e) = endpoints.get_mut(agreement) else {
            return;
        };
        e.in_flight = e.in_flight.saturating_sub(1);
        match healthy {
            Some(true) => {
                e.failures = 0;
                e.cooldown = self.cooldown;
                e.state = State::Closed;
            }
            Some(false) => {
                e.failures += 1;
                let probe_failed = matches!(e.state, State::HalfOpen { .. });
                if probe_failed {
                    e.cooldown = (e.cooldown * 2).min(self.cooldown * 10);
                }
                if probe_failed || e.failures >= self.failures_to_open {
                    e.state = State::Open {
                        until: now + e.cooldown,
                    };
                    tracing::warn!(
                        agreement,
                        cooldown_ms = e.cooldown.as_millis() as u64,
                        "circuit breaker open: the endpoint is left alone for a while"
                    );
                }
            }
            None => {
                if let State::HalfOpen { .. } = e.state {
                    e.state = State::HalfOpen { probing: false };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_takes_no_more_than_its_cap() {
        let admission = Admission::new(2, 0, 5, Duration::from_secs(1));
        let none = HashMap::new();
        assert!(admission.admit("a"));
        assert!(admission.admit("a"));
        assert!(!admission.admit("a"));
        assert!(admission.admit("b"));
        let room = admission.room(Instant::now(), &none);
        assert_eq!(room.of("a"), Some(0));
        assert_eq!(room.of("b"), Some(1));
        assert_eq!(
            room.of("c"),
            Some(2),
            "an endpoint not seen yet takes the full cap"
        );
        admission.release("a", Some(true), Instant::now());
        assert_eq!(admission.room(Instant::now(), &none).of("a"), Some(1));
    }

    #[test]
    fn a_closed_endpoint_leases_ahead_less_what_already_waits() {
        let admission = Admission::new(2, 3, 5, Duration::from_secs(1));
        assert!(admission.admit("a"));
        assert!(admission.admit("a"));
        let now = Instant::now();
        assert_eq!(admission.room(now, &HashMap::new()).of("a"), Some(3));
        let waiting = HashMap::from([("a".to_owned(), 2)]);
        assert_eq!(admission.room(now, &waiting).of("a"), Some(1));
        assert_eq!(admission.room(now, &waiting).of("new"), Some(5));
        // An open breaker takes nothing ahead.
        for _ in 0..5 {
            admission.release("a", Some(false), now);
            admission.admit("a");
        }
        assert_eq!(admission.room(now, &HashMap::new()).of("a"), Some(0));
    }

    #[test]
    fn failures_open_the_breaker_and_a_probe_closes_it() {
        let cooldown = Duration::from_millis(100);
        let admission = Admission::new(4, 0, 2, cooldown);
        let none = HashMap::new();
        let start = Instant::now();
        for _ in 0..2 {
            assert!(admission.admit("a"));
            admission.release("a", Some(false), start);
        }
        assert!(!admission.admit("a"), "open after two failures");
        assert_eq!(admission.room(start, &none).of("a"), Some(0));
        // After the cool-down one probe goes through, and only one.
        let later = start + cooldown;
        assert_eq!(admission.room(later, &none).of("a"), Some(1));
        assert!(admission.admit("a"));
        assert!(!admission.admit("a"));
        // A failed probe opens it for twice as long.
        admission.release("a", Some(false), later);
        assert_eq!(admission.room(later + cooldown, &none).of("a"), Some(0));
        assert_eq!(admission.room(later + cooldown * 2, &none).of("a"), Some(1));
        assert!(admission.admit("a"));
        admission.release("a", Some(true), later + cooldown * 2);
        assert!(admission.admit("a"));
        assert!(admission.admit("a"));
    }
}
