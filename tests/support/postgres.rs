//! A fresh PostgreSQL database per test, on the server the build found
//! (`tests/postgres_cfg/postgres.rs`: `WHARF_TEST_POSTGRES_URL`, `cfg(wharf_postgres)`).
//!
//! Each [`TestDatabase`] is created from the admin database as `wharf_t_<seconds>_<random>`
//! and dropped (forcibly, ending the test's own connections) when the value is dropped, also
//! when the test panics. A test process killed outright leaves its database behind, so every
//! creation first drops `wharf_t_` databases older than a day: old enough that no test still
//! running uses them, whoever started it.
//!
//! Shared by the store's unit tests (included with `#[path]`) and the end-to-end tests.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection, Row};

/// The admin URL the build probed.
pub fn admin_url() -> &'static str {
    env!("WHARF_TEST_POSTGRES_URL")
}

/// Age after which a left-over test database is dropped.
const STALE_AFTER_S: u64 = 24 * 3600;

/// A database that lives as long as this value.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    url: String,
    /// The server's admin URL the database was created from.
    admin: String,
}

impl TestDatabase {
    /// Creates an empty database on the server the build probed.
    pub async fn create() -> TestDatabase {
        Self::create_on(admin_url()).await
    }

    /// Creates an empty database on the server `admin` names (a URL to a database there
    /// that may create others).
    pub async fn create_on(admin: &str) -> TestDatabase {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let name = format!("wharf_t_{now}_{}", uuid::Uuid::now_v7().simple());
        let admin_url = admin;
        let mut admin = PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
            panic!(
                "cannot reach the tests' PostgreSQL at {admin_url} ({e}); start it, or build \
                     without CI set to have these tests ignored"
            )
        });
        drop_stale(&mut admin, now).await;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(admin_url, &name);
        TestDatabase {
            name,
            url,
            admin: admin_url.to_owned(),
        }
    }

    /// Ends every connection to the database, as a server restart or failover would.
    pub async fn terminate_connections(&self) {
        let mut admin = PgConnection::connect(&self.admin).await.unwrap();
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.name)
        .execute(&mut admin)
        .await
        .unwrap();
        let _ = admin.close().await;
    }

    /// The database's URL, for `Store::open` or `database_url`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop may run inside a runtime (or while one unwinds), where blocking on it would
        // stall; a thread with its own runtime does it.
        let (name, admin_url) = (self.name.clone(), self.admin.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&admin_url).await?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "test database {} was not dropped ({dropped:?}); the next test run drops it \
                 once it is a day old",
                self.name
            );
        }
    }
}

/// Drops test databases created more than a day before `now`.
async fn drop_stale(admin: &mut PgConnection, now: u64) {
    let Ok(rows) =
        sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'wharf\\_t\\_%'")
            .fetch_all(&mut *admin)
            .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let created = name
            .strip_prefix("wharf_t_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|created| created + STALE_AFTER_S < now) {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}
