//! The store: the only sqlx code. SQLite (WAL, `synchronous=FULL`) is the embedded default;
//! the queries are written once in SQL both SQLite and PostgreSQL accept, over sqlx's `Any`
//! driver, so PostgreSQL is a second backend of the same interface, not a rewrite: its own
//! migrations folder (`migrations/postgres`, file for file the SQLite one) and the few
//! statements that differ, chosen by [`Backend`] (how a write transaction starts, and the
//! `FOR UPDATE SKIP LOCKED` that keeps several replicas from claiming the same work).
//!
//! Every change goes through the one [`writer`], which commits many operations in one
//! transaction (group commit); reads go straight to the pool.
//!
//! - [`writer`]: the batching writer and the [`writer::WriteOp`] every change implements.
//! - `anchorer`: the thread that keeps the audit anchor up with the writer's commits.
//! - [`messages`]: raw inbound messages, idempotent submission, the leased processing queue.
//! - [`processing`]: the one write that records a processing decision: documents, order state,
//!   outbox entries and audit entries together, fenced by the message's lease.
//! - [`outbox`]: leasing due deliveries, rendering, recording attempts, delivered / retry / dead.
//! - [`packed`]: how raw bytes, document bodies and payloads are compressed at rest.
//! - [`retention`]: removing the raw bytes and payloads of long-closed orders.
//! - [`control`]: control numbers, allocated inside the transaction that uses them.
//! - [`cost`]: what adapter calls cost, recorded on messages and outbox entries.
//! - [`orders`]: order status and history, scoped to a partner.
//! - [`audit`]: appending to and reading the hash-chained audit log.
//! - [`exceptions`]: exceptions raised by processing, listed and acted on by operators.
//! - [`deadlines`]: the control numbers deliveries carried, and deadlines set, met and missed.
//! - [`business`]: business documents by their identity, for recognising duplicates.
//! - [`adapters`]: the installed adapter components every replica follows.
//! - [`wake`]: telling the workers of every replica that work was committed.

pub mod adapters;
mod anchorer;
pub mod audit;
pub mod business;
pub mod control;
pub mod cost;
#[cfg(test)]
mod deadline_tests;
pub mod deadlines;
#[cfg(test)]
mod exception_tests;
pub mod exceptions;
pub mod kpis;
pub mod lines;
pub mod messages;
pub mod orders;
pub mod outbox;
pub mod packed;
pub mod processing;
pub mod retention;
#[cfg(test)]
mod retention_tests;
pub mod suppliers;
#[cfg(test)]
mod tests;
pub mod wake;
pub mod writer;

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database a URL names, if the store speaks it.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// What a claim's inner `SELECT` ends with, so that claims running at once on several
    /// replicas pass over each other's rows instead of taking the same ones (PostgreSQL).
    /// SQLite has one writer at a time, so there is nothing to skip.
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }

    /// The pool size when the configuration does not give one.
    fn default_max_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 6,
            Backend::Postgres => 16,
        }
    }
}

/// How to open the store beyond its URL.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// Anchor the audit chain's head in this file after the commits that append to it
    /// ([`crate::audit::anchor`]).
    pub anchor: Option<std::path::PathBuf>,
    /// Connections to the database in all, the writer's own among them; `None`: 6 for
    /// SQLite, 16 for PostgreSQL.
    pub max_connections: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}; use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// Another change got there first (an order moved); deciding again may succeed.
    #[error("{0}")]
    Conflict(String),
    /// The lease on a message or outbox entry ran out and another worker may own it now; the
    /// change was not written.
    #[error("the lease on {0} was lost")]
    LeaseLost(String),
    /// A request that cannot be honoured as asked (the same idempotency key with other bytes).
    #[error("{0}")]
    Refused(String),
    /// The batch this change was part of could not be committed.
    #[error("the store could not commit: {0}")]
    Unavailable(String),
    #[error("the store is shut down")]
    Closed,
}

impl StoreError {
    /// True for faults that pass (busy, I/O, a failed commit): the work is tried again later.
    /// False for answers about the data itself.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Database(_) | StoreError::Unavailable(_) | StoreError::Closed
        )
    }
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// The URL it was opened with (for connections outside the pool: the listener).
    url: DatabaseUrl,
    backend: Backend,
    writer: writer::Writer,
}

/// A database URL, which may hold a password: never printed.
#[derive(Clone)]
struct DatabaseUrl(std::sync::Arc<str>);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(…)")
    }
}

/// Durable, concurrent-reader settings every SQLite connection gets.
///
/// The page size counts only for a database not yet written (it is fixed when the first page
/// is, before WAL mode is set): 8 KiB, because the values kept per message (a compressed raw
/// message, document or payload: about 2 KiB each for a 7 KB IDoc) fit one to a 4 KiB page
/// and three to an 8 KiB one, so a quarter of the file would otherwise be empty space.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA page_size = 8192",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
];

/// Settings every PostgreSQL connection gets. A session left idle inside a transaction (its
/// process stopped or paused mid-batch) is ended by the server, so the locks it holds (the
/// audit chain's, rows it claimed) never stall the other replicas for longer than that.
const POSTGRES_SETTINGS: &[&str] = &[
    "SET idle_in_transaction_session_timeout = '10s'",
    "SET application_name = 'wharf'",
];

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects, applies the backend's settings and runs the embedded migrations. The audit
    /// chain is not anchored: see [`Store::open_anchored`].
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Self::open_with(url, StoreOptions::default()).await
    }

    /// Like [`Store::open`], anchoring the audit chain's head in the file `anchor` after the
    /// commits that append to it ([`crate::audit::anchor`]).
    pub async fn open_anchored(url: &str, anchor: &std::path::Path) -> Result<Store, StoreError> {
        Self::open_with(
            url,
            StoreOptions {
                anchor: Some(anchor.to_owned()),
                ..StoreOptions::default()
            },
        )
        .await
    }

    /// Connects with `options`, applies the backend's settings and runs its migrations.
    pub async fn open_with(url: &str, options: StoreOptions) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend =
            Backend::of_url(url).ok_or_else(|| StoreError::UnsupportedUrl(redacted(url)))?;
        // The writer keeps one connection of its own; the pool has the rest, for reads.
        let readers = options
            .max_connections
            .unwrap_or(backend.default_max_connections())
            .saturating_sub(1)
            .max(1);
        let url = match backend {
            Backend::Sqlite => sqlite_url(url),
            Backend::Postgres => url.to_owned(),
        };
        let pool = connect(backend, &url, readers).await?;
        // Replicas starting together migrate one at a time: sqlx takes an advisory lock on
        // PostgreSQL for the run.
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let writer = writer::Writer::start(backend, url.clone(), options.anchor).await?;
        Ok(Store {
            pool,
            url: DatabaseUrl(url.into()),
            backend,
            writer,
        })
    }

    /// Applies one change in the writer's next batch.
    pub(crate) async fn write<O: writer::WriteOp>(&self, op: O) -> Result<O::Output, StoreError> {
        self.writer.write(op).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Moves what the write-ahead log holds into the database file and empties the log, so
    /// the files' sizes say what is stored (SQLite; nothing to do elsewhere).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// True when the database answers a query within `within`.
    pub async fn ping(&self, within: std::time::Duration) -> bool {
        let answered = tokio::time::timeout(within, sqlx::query("SELECT 1").fetch_one(&self.pool));
        matches!(answered.await, Ok(Ok(_)))
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// A SQLite URL that creates the database when it is missing (unless it says otherwise), with
/// its folder made.
fn sqlite_url(url: &str) -> String {
    let url = if url.contains('?') {
        url.to_owned()
    } else {
        format!("{url}?mode=rwc")
    };
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .and_then(|p| p.split('?').next())
        && let Some(dir) = std::path::Path::new(path).parent()
    {
        let _ = std::fs::create_dir_all(dir);
    }
    url
}

/// A pool of at most `max_connections` on `url`, each connection with the backend's settings.
/// Its connections belong to the Tokio runtime it is created on.
async fn connect(backend: Backend, url: &str, max_connections: u32) -> Result<AnyPool, StoreError> {
    let settings: &'static [&'static str] = match backend {
        Backend::Sqlite => SQLITE_PRAGMAS,
        Backend::Postgres => POSTGRES_SETTINGS,
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for setting in settings {
                    sqlx::Executor::execute(&mut *conn, *setting).await?;
                }
                Ok(())
            })
        })
        .connect_with(AnyConnectOptions::from_str(url)?)
        .await?;
    Ok(pool)
}

/// A database URL fit for a message: its password, if any, replaced by `…`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:…@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

/// The hex SHA-256 of stored bytes: how messages, documents and payloads are named in the
/// audit chain.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Milliseconds since the Unix epoch, the store's clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A new time-ordered id (UUID v7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The `VALUES` rows of a multi-row INSERT: `rows` groups of `columns` numbered parameters,
/// `($1, $2), ($3, $4)`.
pub(crate) fn values_list(rows: usize, columns: usize) -> String {
    let mut list = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            list.push_str(", ");
        }
        list.push('(');
        for column in 0..columns {
            if column > 0 {
                list.push_str(", ");
            }
            list.push('$');
            list.push_str(&(row * columns + column + 1).to_string());
        }
        list.push(')');
    }
    list
}

#[cfg(test)]
mod values_list_tests {
    #[test]
    fn parameters_are_numbered_row_by_row() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values_list(1, 1), "($1)");
    }
}
