//! The host's clock for what is measured against business deadlines: when a deadline is set
//! and when the sweep finds it overdue ([`crate::engine::deadlines`]). It is the system clock
//! in production and a manual one tests move forward, so a deadline hours away is reached
//! without waiting for it.
//!
//! Only deadlines read this clock. Leases, retries, audit timestamps and the like keep using
//! [`crate::store::now_ms`]: they are about the machine, not about promises to partners, and
//! moving them with a test's clock would break the leases the test relies on.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// A source of "now" in ms since the epoch, shared by everything that holds a clone.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `None`: the system clock; `Some`: a manual clock at this time.
    manual: Option<AtomicI64>,
    /// The manual clock's time, published on every move: a sweep that was busy when the clock
    /// moved still sees the move the next time it waits, unlike with a bare notification.
    moved: watch::Sender<i64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock {
            inner: Arc::new(Inner {
                manual: None,
                moved: watch::Sender::new(0),
            }),
        }
    }

    /// A clock that stands at `now_ms` until [`Clock::advance`] moves it.
    pub fn manual(now_ms: i64) -> Clock {
        Clock {
            inner: Arc::new(Inner {
                manual: Some(AtomicI64::new(now_ms)),
                moved: watch::Sender::new(now_ms),
            }),
        }
    }

    /// Now, in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.inner.manual {
            Some(at) => at.load(Ordering::SeqCst),
            None => crate::store::now_ms(),
        }
    }

    /// Moves a manual clock forward and tells every [`Clock::moves`] receiver; the system clock
    /// cannot be moved, and is left alone.
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.inner.manual {
            let now = at.fetch_add(by.as_millis() as i64, Ordering::SeqCst) + by.as_millis() as i64;
            self.inner.moved.send_replace(now);
        }
    }

    /// A receiver whose `changed()` resolves after each move of a manual clock since it last
    /// looked (never for the system clock).
    pub fn moves(&self) -> watch::Receiver<i64> {
        self.inner.moved.subscribe()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_advanced() {
        let clock = Clock::manual(1_000);
        let shared = clock.clone();
        assert_eq!(clock.now_ms(), 1_000);
        shared.advance(Duration::from_secs(90 * 60));
        assert_eq!(clock.now_ms(), 1_000 + 5_400_000);
    }

    #[test]
    fn the_system_clock_follows_the_machine_and_cannot_be_moved() {
        let clock = Clock::system();
        let before = crate::store::now_ms();
        clock.advance(Duration::from_secs(3_600));
        let now = clock.now_ms();
        assert!(now >= before && now < before + 60_000, "{now} vs {before}");
    }

    #[tokio::test]
    async fn a_move_made_while_nobody_waits_is_seen_at_the_next_wait() {
        let clock = Clock::manual(0);
        let mut moves = clock.moves();
        clock.advance(Duration::from_millis(5));
        tokio::time::timeout(Duration::from_secs(5), moves.changed())
            .await
            .expect("the move was kept for the next wait")
            .unwrap();
        assert_eq!(*moves.borrow_and_update(), 5);
        let system = Clock::system();
        let still = system.moves();
        system.advance(Duration::from_secs(1));
        assert!(
            !still.has_changed().unwrap(),
            "the system clock never moves"
        );
    }
}
