//! The store's own behaviour: leases fence every outcome, expired leases are taken over, the
//! writer keeps one operation's failure from spoiling the others in its batch.
//!
//! One suite, two backends: each behaviour is an `async fn(&TestDb)`, and [`on_both!`] makes a
//! module of it with a `sqlite` test (a temporary file) and a `postgres` test (a fresh
//! database on the tests' server, dropped afterwards), the latter counted as ignored where the
//! build found no server (`cfg(wharf_postgres)`, never in CI).

use super::messages::NewMessage;
use super::outbox::{AttemptRecord, EndpointRoom, NewOutboxEntry, Render, Settlement};
use super::processing::{MessageOutcome, ProcessingCommit};
use super::{Store, StoreError};
use crate::audit::AuditEvent;

#[path = "../../../tests/support/postgres.rs"]
pub(crate) mod postgres;

/// Where a test's store lives; dropping it removes the database.
pub(crate) enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(postgres::TestDatabase),
}

impl TestDb {
    pub(crate) async fn sqlite() -> TestDb {
        TestDb::Sqlite(tempfile::tempdir().unwrap())
    }

    pub(crate) async fn postgres() -> TestDb {
        TestDb::Postgres(postgres::TestDatabase::create().await)
    }

    pub(crate) fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => format!("sqlite://{}", dir.path().join("w.db").display()),
            TestDb::Postgres(db) => db.url().to_owned(),
        }
    }

    pub(crate) async fn open(&self) -> Store {
        Store::open(&self.url()).await.unwrap()
    }
}

/// `on_both!(behaviour)`: a module `behaviour` with a test per backend, each calling
/// `behaviour(&TestDb)` with a new, empty database.
macro_rules! on_both {
    ($($behaviour:ident),* $(,)?) => {$(
        mod $behaviour {
            #[tokio::test]
            async fn sqlite() {
                let db = super::TestDb::sqlite().await;
                super::$behaviour(&db).await;
            }

            #[tokio::test]
            #[cfg_attr(
                not(wharf_postgres),
                ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
                          127.0.0.1:5432); CI runs it"
            )]
            async fn postgres() {
                let db = super::TestDb::postgres().await;
                super::$behaviour(&db).await;
            }
        }
    )*};
}
pub(crate) use on_both;

on_both!(
    a_worker_whose_lease_ran_out_cannot_record_the_outcome,
    an_expired_delivery_lease_cannot_settle_the_entry,
    one_failing_operation_does_not_spoil_its_batch,
    control_numbers_rise_in_commit_order,
    two_replicas_never_claim_the_same_work,
    the_backlog_counts_the_messages_due_for_processing,
    a_message_leased_as_it_is_stored_is_held_like_a_claimed_one,
);

fn message(n: u32) -> NewMessage {
    NewMessage {
        partner: "erp".into(),
        agreement: "erp-orders".into(),
        idempotency_key: None,
        content_type: None,
        raw: format!("message {n}").into_bytes(),
    }
}

/// A processed message's commit with `outbox` and nothing else, for the message `erp` sent.
pub(crate) fn commit(
    message_id: &str,
    lease_token: &str,
    outbox: Vec<NewOutboxEntry>,
) -> ProcessingCommit {
    ProcessingCommit {
        message_id: message_id.into(),
        lease_token: lease_token.into(),
        partner: "erp".into(),
        outcome: MessageOutcome::Processed,
        documents: Vec::new(),
        orders: Vec::new(),
        lines: Vec::new(),
        order_events: Vec::new(),
        outbox,
        audit: Vec::new(),
        adapter_cost: None,
        exceptions: Vec::new(),
        claims: Vec::new(),
        suppliers: Vec::new(),
        deadlines: Vec::new(),
    }
}

fn entry(message_id: &str) -> NewOutboxEntry {
    NewOutboxEntry {
        id: super::new_id(),
        message_id: message_id.into(),
        document_id: None,
        doc_type: "functional_ack".into(),
        agreement: "portal-status".into(),
        partner: "portal".into(),
        endpoint: "http://127.0.0.1:9/".into(),
        render: Render::Acknowledge("{}".into()),
        order: None,
        routed: AuditEvent::DocumentRouted {
            message_id: message_id.into(),
            document_id: None,
            doc_type: "functional_ack".into(),
            agreement: "portal-status".into(),
            partner: "portal".into(),
            outbox_id: String::new(),
            control_number: None,
        },
        holds: Vec::new(),
    }
}

/// Runs out every lease held on `table`'s rows, as if their holders had stalled past them (the
/// clock moved on, without the test waiting for it).
async fn expire_leases(store: &Store, table: &str) {
    sqlx::query(&format!(
        "UPDATE {table} SET lease_until = 0 WHERE lease_until IS NOT NULL"
    ))
    .execute(store.pool())
    .await
    .unwrap();
}

async fn the_backlog_counts_the_messages_due_for_processing(db: &TestDb) {
    let store = db.open().await;
    for n in 1..=3 {
        store.receive(message(n)).await.unwrap();
    }
    let now = super::now_ms();
    assert_eq!(store.due_backlog(now).await.unwrap(), 3);
    // One processed, one back on the queue for a retry a minute from now: neither is due.
    let claimed = store.claim_received(2, 60_000).await.unwrap();
    assert_eq!(claimed.len(), 2);
    store
        .record_processing(commit(&claimed[0].id, &claimed[0].lease_token, Vec::new()))
        .await
        .unwrap();
    store
        .requeue(&claimed[1], "adapter missing", now + 60_000)
        .await
        .unwrap();
    assert_eq!(store.due_backlog(now).await.unwrap(), 1);
    assert_eq!(
        store.due_backlog(now + 60_000).await.unwrap(),
        2,
        "the retry counts once it is due"
    );
}

async fn a_message_leased_as_it_is_stored_is_held_like_a_claimed_one(db: &TestDb) {
    let store = db.open().await;
    let (received, leased) = store.receive_leased(message(7), 60_000).await.unwrap();
    let leased = leased.expect("a new message comes back leased");
    assert!(!received.duplicate);
    assert_eq!(leased.id, received.id);
    assert_eq!(leased.raw, b"message 7");
    assert_eq!(leased.digest, super::digest(b"message 7"));
    assert_eq!(
        leased.attempts, 1,
        "its first attempt, as a claim counts it"
    );
    assert!(
        store.claim_received(10, 60_000).await.unwrap().is_empty(),
        "no worker claims it while the lease holds"
    );
    // The same bytes again: a duplicate, with nothing to process.
    let (again, none) = store.receive_leased(message(7), 60_000).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.id, received.id);
    assert!(none.is_none());
    // Its holder stalls past the lease: a worker takes it over, and the first holder's
    // outcome is refused.
    expire_leases(&store, "messages").await;
    let taken = store.claim_received(10, 60_000).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].id, received.id);
    assert_eq!(taken[0].attempts, 2);
    let stale = store
        .record_processing(commit(&received.id, &leased.lease_token, Vec::new()))
        .await;
    assert!(matches!(stale, Err(StoreError::LeaseLost(_))), "{stale:?}");
    store
        .record_processing(commit(&received.id, &taken[0].lease_token, Vec::new()))
        .await
        .unwrap();
}

async fn a_worker_whose_lease_ran_out_cannot_record_the_outcome(db: &TestDb) {
    let store = db.open().await;
    let received = store.receive(message(1)).await.unwrap();
    let first = store.claim_received(10, 60_000).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store.claim_received(10, 60_000).await.unwrap().is_empty(),
        "held"
    );
    // The first worker stalls past its lease; another takes the message over.
    expire_leases(&store, "messages").await;
    let second = store.claim_received(10, 5_000).await.unwrap();
    assert_eq!(second[0].id, received.id);
    assert_eq!(second[0].attempts, 2);
    let stale = store
        .record_processing(commit(&received.id, &first[0].lease_token, Vec::new()))
        .await;
    assert!(matches!(stale, Err(StoreError::LeaseLost(_))), "{stale:?}");
    store
        .record_processing(commit(&received.id, &second[0].lease_token, Vec::new()))
        .await
        .unwrap();
    assert!(store.claim_received(10, 50).await.unwrap().is_empty());
}

async fn an_expired_delivery_lease_cannot_settle_the_entry(db: &TestDb) {
    let store = db.open().await;
    let received = store.receive(message(2)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    store
        .record_processing(commit(
            &received.id,
            &claimed[0].lease_token,
            vec![entry(&received.id)],
        ))
        .await
        .unwrap();
    let first = store
        .lease_due(10, 60_000, EndpointRoom::default())
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].control_number, "1");
    assert!(
        store
            .lease_due(10, 60_000, EndpointRoom::default())
            .await
            .unwrap()
            .is_empty(),
        "held"
    );
    expire_leases(&store, "outbox").await;
    let second = store
        .lease_due(10, 5_000, EndpointRoom::default())
        .await
        .unwrap();
    assert_eq!(second[0].id, first[0].id);
    let attempt = AttemptRecord {
        attempt: 1,
        duration_ms: 3,
        status_code: Some(200),
        error: None,
    };
    let stale = store
        .settle(
            first[0].clone(),
            None,
            attempt.clone(),
            Settlement::Delivered {
                order: None,
                deadlines: Vec::new(),
            },
            None,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::LeaseLost(_))), "{stale:?}");
    assert!(store.attempts(&first[0].id).await.unwrap().is_empty());
    store
        .settle(
            second[0].clone(),
            None,
            attempt,
            Settlement::Delivered {
                order: None,
                deadlines: Vec::new(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(store.attempts(&first[0].id).await.unwrap().len(), 1);
    assert_eq!(store.pending_deliveries().await.unwrap(), 0);
}

async fn one_failing_operation_does_not_spoil_its_batch(db: &TestDb) {
    let store = db.open().await;
    let received = store.receive(message(3)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    // Many writes at once share batches; the one with a wrong token fails alone.
    let mut writes = Vec::new();
    for n in 10..40 {
        let store = store.clone();
        writes.push(tokio::spawn(async move { store.receive(message(n)).await }));
    }
    let wrong = store.record_processing(commit(&received.id, "not-the-token", Vec::new()));
    let right = store.record_processing(commit(&received.id, &claimed[0].lease_token, Vec::new()));
    let (wrong, right) = tokio::join!(wrong, right);
    assert!(matches!(wrong, Err(StoreError::LeaseLost(_))));
    right.unwrap();
    for write in writes {
        assert!(!write.await.unwrap().unwrap().duplicate);
    }
    let log = store.audit_log().await.unwrap();
    assert_eq!(log.len(), 31, "one entry per received message");
    crate::audit::chain::verify(&log).unwrap();
}

async fn control_numbers_rise_in_commit_order(db: &TestDb) {
    let store = db.open().await;
    let received = store.receive(message(4)).await.unwrap();
    let claimed = store.claim_received(1, 5_000).await.unwrap();
    let entries = (0..3).map(|_| entry(&received.id)).collect();
    store
        .record_processing(commit(&received.id, &claimed[0].lease_token, entries))
        .await
        .unwrap();
    let mut numbers: Vec<String> = store
        .lease_due(10, 5_000, EndpointRoom::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.control_number)
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["1", "2", "3"]);
}

/// Two stores on one database are two replicas: each has its own writer. Claiming the same
/// queue at once, every message is leased by exactly one of them; processing with outbox
/// entries from both at once, no control number is taken twice; and the audit log they both
/// append to stays one chain.
async fn two_replicas_never_claim_the_same_work(db: &TestDb) {
    let one = db.open().await;
    let two = db.open().await;
    const MESSAGES: u32 = 40;
    for n in 0..MESSAGES {
        let replica = if n % 2 == 0 { &one } else { &two };
        replica.receive(message(100 + n)).await.unwrap();
    }
    let claim_all = |store: Store| async move {
        let mut claimed = Vec::new();
        loop {
            let batch = store.claim_received(3, 60_000).await.unwrap();
            if batch.is_empty() {
                return claimed;
            }
            // Each claimed message is processed at once, with an entry to deliver.
            for m in &batch {
                store
                    .record_processing(commit(&m.id, &m.lease_token, vec![entry(&m.id)]))
                    .await
                    .unwrap();
            }
            claimed.extend(batch.into_iter().map(|m| m.id));
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(claim_all(one.clone())),
        tokio::spawn(claim_all(two.clone()))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut all: Vec<&String> = a.iter().chain(&b).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), a.len() + b.len(), "a message was claimed twice");
    assert_eq!(all.len(), MESSAGES as usize, "a message was never claimed");

    let mut numbers = Vec::new();
    for store in [&one, &two] {
        numbers.extend(
            store
                .lease_due(MESSAGES as i64, 60_000, EndpointRoom::default())
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.control_number.parse::<u32>().unwrap()),
        );
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=MESSAGES).collect::<Vec<_>>());

    let log = one.audit_log().await.unwrap();
    // Received, routed: two entries per message.
    assert_eq!(log.len(), 2 * MESSAGES as usize);
    crate::audit::chain::verify(&log).unwrap();
}

/// PostgreSQL only: what only a database shared by several processes can show.
mod replicas {
    use std::time::Duration;

    use super::{TestDb, message};
    use crate::store::wake::Work;

    /// A message received through one replica wakes the workers of another at once, through
    /// the database rather than through polling.
    #[tokio::test]
    #[cfg_attr(
        not(wharf_postgres),
        ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
                  127.0.0.1:5432); CI runs it"
    )]
    async fn a_commit_on_one_replica_wakes_the_others() {
        let db = TestDb::postgres().await;
        let one = db.open().await;
        let two = db.open().await;
        let (woken, mut wakes) = tokio::sync::mpsc::unbounded_channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listening = tokio::spawn(async move {
            two.listen(
                move |work| {
                    let _ = woken.send(work);
                },
                async {
                    let _ = stopped.await;
                },
            )
            .await
        });
        // Nothing here polls: a wake can only come from the other replica's commit. The
        // listener needs a moment to subscribe, so commit until one arrives.
        let mut heard = None;
        for n in 0..20 {
            one.receive(message(900 + n)).await.unwrap();
            if let Ok(work) = tokio::time::timeout(Duration::from_millis(500), wakes.recv()).await {
                heard = work;
                break;
            }
        }
        assert_eq!(heard, Some(Work::Messages));
        let _ = stop.send(());
        listening.await.unwrap();
    }

    /// Every table and column of the SQLite schema exists on PostgreSQL with the type the
    /// store decodes it as and the same nullability, and nothing more: the two migration
    /// folders describe one schema.
    #[tokio::test]
    #[cfg_attr(
        not(wharf_postgres),
        ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
                  127.0.0.1:5432); CI runs it"
    )]
    async fn the_postgresql_schema_is_the_sqlite_schema() {
        use std::collections::BTreeSet;

        use sqlx::Row;

        let sqlite_db = TestDb::sqlite().await;
        let sqlite = sqlite_db.open().await;
        let postgres_db = TestDb::postgres().await;
        let postgres = postgres_db.open().await;
        let columns: BTreeSet<(String, String, String, bool)> = sqlx::query(
            "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
        )
        .fetch_all(sqlite.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let declared: String = row.get(2);
            let kind = match declared.as_str() {
                "INTEGER" => "bigint",
                "BLOB" => "bytea",
                "TEXT" => "text",
                other => panic!("a SQLite column of type {other}: map it here"),
            };
            // SQLite lets a non-integer primary key hold NULL unless told otherwise;
            // PostgreSQL never does, and the store never writes one.
            let not_null = row.get::<i64, _>(3) == 1 || row.get::<i64, _>(4) > 0;
            (row.get(0), row.get(1), kind.to_owned(), not_null)
        })
        .collect();
        let on_postgres: BTreeSet<(String, String, String, bool)> = sqlx::query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
        )
        .fetch_all(postgres.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let nullable: String = row.get(3);
            (row.get(0), row.get(1), row.get(2), nullable == "NO")
        })
        .collect();
        assert!(columns.len() > 50, "{columns:?}");
        assert_eq!(
            columns.difference(&on_postgres).collect::<Vec<_>>(),
            Vec::<&(String, String, String, bool)>::new(),
            "in SQLite, not (so) on PostgreSQL"
        );
        assert_eq!(
            on_postgres.difference(&columns).collect::<Vec<_>>(),
            Vec::<&(String, String, String, bool)>::new(),
            "on PostgreSQL, not (so) in SQLite"
        );
    }

    /// The server ends every connection of a replica (a restart, a failover): its next
    /// operations fail or succeed, but within a few seconds it works again by itself.
    #[tokio::test]
    #[cfg_attr(
        not(wharf_postgres),
        ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
                  127.0.0.1:5432); CI runs it"
    )]
    async fn a_replica_whose_connections_were_cut_recovers_by_itself() {
        let db = TestDb::postgres().await;
        let store = db.open().await;
        store.receive(message(1901)).await.unwrap();
        let super::TestDb::Postgres(database) = &db else {
            unreachable!()
        };
        database.terminate_connections().await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match store.receive(message(1902)).await {
                Ok(received) => {
                    assert!(!received.duplicate);
                    break;
                }
                Err(e) => {
                    assert!(e.is_transient(), "{e}");
                    assert!(std::time::Instant::now() < deadline, "not back: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        assert!(store.ping(Duration::from_secs(2)).await);
        assert_eq!(store.claim_received(10, 5_000).await.unwrap().len(), 2);
    }
}

#[test]
fn a_database_password_never_reaches_a_message() {
    assert_eq!(
        super::redacted("postgres://wharf:s3cret@db.plant.example:5432/wharf?sslmode=require"),
        "postgres://wharf:…@db.plant.example:5432/wharf?sslmode=require"
    );
    assert_eq!(
        super::redacted("postgres://wharf@db/wharf"),
        "postgres://wharf@db/wharf"
    );
    assert_eq!(super::redacted("sqlite:///srv/w.db"), "sqlite:///srv/w.db");
}
