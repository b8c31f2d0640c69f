//! Waking workers on every replica when work is committed. In one process the API and the
//! engine wake their workers directly; across PostgreSQL replicas a write that makes work due
//! now also says so with `NOTIFY` (sent by the server only when the batch commits, and not at
//! all when its operation is rolled back), and every replica's [`Store::listen`] turns the
//! notification into the same in-process wake. Polling stays the safety net: a notification
//! lost while a listener reconnects delays work by one poll interval at most.

use std::time::Duration;

use sqlx::postgres::PgListener;

use super::writer::Batch;
use super::{Backend, Store, StoreError};

/// What kind of work became due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Received messages to process.
    Messages,
    /// Outbox entries to deliver.
    Deliveries,
    /// An adapter was installed or removed: the registry should follow the store's record.
    Adapters,
}

impl Work {
    /// Every kind, for the wakes owed after notifications may have been lost.
    pub const ALL: [Work; 3] = [Work::Messages, Work::Deliveries, Work::Adapters];

    fn channel(self) -> &'static str {
        match self {
            Work::Messages => "wharf_messages",
            Work::Deliveries => "wharf_deliveries",
            Work::Adapters => "wharf_adapters",
        }
    }

    fn of_channel(channel: &str) -> Option<Work> {
        Work::ALL.into_iter().find(|work| work.channel() == channel)
    }
}

/// Tells every replica's workers, once the batch commits, that `work` is due (PostgreSQL;
/// SQLite has one process, which wakes its own workers). Notifications of one transaction
/// with the same payload are folded into one by the server.
pub(crate) async fn announce(batch: &mut Batch<'_>, work: Work) -> Result<(), StoreError> {
    if batch.backend == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(work.channel())
            .execute(&mut **batch.tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Calls `wake` with the work other replicas (and this one) announce, until `shutdown`
    /// resolves. Returns at once on SQLite. A lost connection is reopened with backoff, and
    /// every kind of work is woken after it, since what was announced meanwhile is lost.
    pub async fn listen(
        &self,
        wake: impl Fn(Work) + Send + Sync,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        if self.backend != Backend::Postgres {
            return;
        }
        tokio::pin!(shutdown);
        let mut backoff = Duration::from_millis(100);
        loop {
            let listened = tokio::select! {
                _ = &mut shutdown => return,
                listened = self.listen_once(&wake) => listened,
            };
            if let Err(e) = listened {
                tracing::warn!(error = %e, "not listening for other replicas' work; retrying");
            }
            Work::ALL.into_iter().for_each(&wake);
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    }

    async fn listen_once(&self, wake: &(impl Fn(Work) + Sync)) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect(&self.url.0).await?;
        listener.listen_all(Work::ALL.map(Work::channel)).await?;
        tracing::debug!("listening for other replicas' work");
        loop {
            match listener.try_recv().await? {
                Some(notification) => {
                    if let Some(work) = Work::of_channel(notification.channel()) {
                        wake(work)
                    }
                }
                // The connection dropped and was reopened (and subscribed again): what was
                // announced in between is lost, so look at everything.
                None => Work::ALL.into_iter().for_each(wake),
            }
        }
    }
}
