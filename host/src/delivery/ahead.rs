//! Entries leased ahead of a free slot: per endpoint, a short queue that a delivery takes its
//! next entry from the moment its endpoint has answered, so an endpoint's slot never waits for
//! the next lease to commit.
//!
//! An entry waits here with its lease running. One that has waited so long that its lease
//! could run out during its own attempt is not sent from here: it is given back to the store,
//! and the next lease round takes it again. Entries of an endpoint that just failed are given
//! back too, so none waits out a breaker's cool-down holding a lease.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::store::outbox::LeasedEntry;

/// The queues of every endpoint of this process.
#[derive(Debug)]
pub struct Ahead {
    /// How long an entry may wait here and still have the rest of its lease for its attempt.
    fresh_for: Duration,
    queues: Mutex<HashMap<String, VecDeque<Waiting>>>,
}

#[derive(Debug)]
struct Waiting {
    entry: LeasedEntry,
    leased: Instant,
}

impl Ahead {
    /// Queues whose entries are sent only within `fresh_for` of their lease.
    pub fn new(fresh_for: Duration) -> Self {
        Ahead {
            fresh_for,
            queues: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Waiting>>> {
        self.queues
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps `entry`, leased at `leased`, until its endpoint has a slot.
    pub fn push(&self, entry: LeasedEntry, leased: Instant) {
        self.lock()
            .entry(entry.agreement.clone())
            .or_default()
            .push_back(Waiting { entry, leased });
    }

    /// How many entries wait, per agreement.
    pub fn waiting(&self) -> HashMap<String, usize> {
        self.lock()
            .iter()
            .filter(|(_, queue)| !queue.is_empty())
            .map(|(agreement, queue)| (agreement.clone(), queue.len()))
            .collect()
    }

    /// The agreements with entries waiting.
    pub fn agreements(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, queue)| !queue.is_empty())
            .map(|(agreement, _)| agreement.clone())
            .collect()
    }

    /// The next entry of `agreement` still fresh at `now`, and those that went stale on the
    /// way (to be given back).
    pub fn next(&self, agreement: &str, now: Instant) -> (Option<LeasedEntry>, Vec<LeasedEntry>) {
        let mut queues = self.lock();
        let mut stale = Vec::new();
        let Some(queue) = queues.get_mut(agreement) else {
            return (None, stale);
        };
        while let Some(waiting) = queue.pop_front() {
            if now.duration_since(waiting.leased) <= self.fresh_for {
                return (Some(waiting.entry), stale);
            }
            stale.push(waiting.entry);
        }
        (None, stale)
    }

    /// Every entry waiting for `agreement`.
    pub fn take_all(&self, agreement: &str) -> Vec<LeasedEntry> {
        self.lock()
            .remove(agreement)
            .map(|queue| queue.into_iter().map(|w| w.entry).collect())
            .unwrap_or_default()
    }

    /// Every entry waiting, for every agreement.
    pub fn drain(&self) -> Vec<LeasedEntry> {
        self.lock()
            .drain()
            .flat_map(|(_, queue)| queue.into_iter().map(|w| w.entry))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::outbox::Render;

    fn entry(id: &str, agreement: &str) -> LeasedEntry {
        LeasedEntry {
            id: id.into(),
            message_id: "m".into(),
            document_id: None,
            doc_type: "purchase_order".into(),
            agreement: agreement.into(),
            partner: "p".into(),
            endpoint: "http://127.0.0.1:1/".into(),
            render: Render::Encode,
            payload: None,
            control_number: "1".into(),
            sent: None,
            order: None,
            attempts: 0,
            created_at: 0,
            retry_from: 0,
            lease_token: "t".into(),
        }
    }

    #[test]
    fn entries_come_out_per_agreement_in_the_order_they_were_leased() {
        let ahead = Ahead::new(Duration::from_secs(10));
        let now = Instant::now();
        ahead.push(entry("1", "a"), now);
        ahead.push(entry("2", "b"), now);
        ahead.push(entry("3", "a"), now);
        assert_eq!(ahead.waiting().get("a"), Some(&2));
        assert_eq!(ahead.next("a", now).0.map(|e| e.id), Some("1".into()));
        assert_eq!(ahead.next("a", now).0.map(|e| e.id), Some("3".into()));
        assert!(ahead.next("a", now).0.is_none());
        assert_eq!(ahead.agreements(), vec!["b".to_owned()]);
    }

    #[test]
    fn an_entry_that_waited_past_its_freshness_is_given_back_not_sent() {
        let ahead = Ahead::new(Duration::from_secs(10));
        let then = Instant::now();
        ahead.push(entry("old", "a"), then);
        ahead.push(entry("new", "a"), then + Duration::from_secs(8));
        let (next, stale) = ahead.next("a", then + Duration::from_secs(12));
        assert_eq!(next.map(|e| e.id), Some("new".into()));
        assert_eq!(stale.into_iter().map(|e| e.id).collect::<Vec<_>>(), ["old"]);
    }

    #[test]
    fn a_failing_endpoint_gives_back_everything_it_had_waiting() {
        let ahead = Ahead::new(Duration::from_secs(10));
        let now = Instant::now();
        ahead.push(entry("1", "a"), now);
        ahead.push(entry("2", "a"), now);
        ahead.push(entry("3", "b"), now);
        let given_back: Vec<_> = ahead.take_all("a").into_iter().map(|e| e.id).collect();
        assert_eq!(given_back, ["1", "2"]);
        assert!(!ahead.waiting().contains_key("a"));
        assert_eq!(ahead.drain().len(), 1);
    }
}
