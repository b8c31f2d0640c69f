//! The audit trail against someone who can edit the database (issue 8): a trimmed tail is
//! noticed by `GET /admin/v1/audit/verify` and `wharf audit verify` alike (the `wharf` binary
//! itself, and its command's code in-process where many runs are needed), and random edits,
//! deletions, reorders and truncations of the log, and edits of the stored bytes the log has
//! digests of (raw messages, canonical documents, rendered payloads), are all detected.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{Connection, Row, SqliteConnection};
use support::*;
use wharf_host::store::packed;

const ORDERS: usize = 4;
const TRIALS: usize = 240;

fn config(portal_url: &str) -> String {
    cxml_order_flow(portal_url).toml()
}

/// A host that took `ORDERS` orders from the ERP to the portal, every delivery recorded.
async fn host_with_traffic() -> (TestHost, StandIn) {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start_sqlite(&config(&portal.url), &[&components().cxml]).await;
    for i in 0..ORDERS {
        let (status, receipt) = host
            .post(
                "erp-orders",
                ERP_KEY,
                cxml_order(&format!("45000880{i:02}")),
            )
            .await;
        assert_eq!(status, 202, "{receipt}");
    }
    portal.wait_for(ORDERS, Duration::from_secs(60)).await;
    eventually("every delivery to be recorded", || async {
        let log = host.store.audit_log().await.unwrap();
        log.iter().filter(|e| e.action == "delivered").count() == ORDERS
    })
    .await;
    (host, portal)
}

/// Returns once the anchor file names entry `head`. It is replaced just after each commit, from
/// a thread of its own, so it may trail the table for a moment.
async fn anchored_at(anchor_file: &Path, head: i64) {
    eventually("the anchor to name the newest entry", || async {
        std::fs::read(anchor_file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .is_some_and(|anchor| anchor["seq"] == head)
    })
    .await;
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A config file naming the host's data folder, for `wharf audit verify`.
fn verify_config(dir: &Path, data_dir: &Path) -> PathBuf {
    let path = dir.join("verify.toml");
    std::fs::write(
        &path,
        format!(
            "[server]\ndata_dir = {:?}\n",
            data_dir.display().to_string()
        ),
    )
    .unwrap();
    path
}

fn cli_verify(config: &Path) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["audit", "verify", "--config"])
        .arg(config)
        .output()
        .expect("wharf runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// `wharf audit verify --config CONFIG` run in this process (what `main` dispatches to), so
/// many trials need not start many processes.
async fn command_verify(config: &Path) -> bool {
    use wharf_host::cli::audit::{AuditAction, run};
    run(AuditAction::Verify {
        config: config.to_owned(),
        database_url: None,
        anchors: Vec::new(),
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trimmed_tail_is_detected_by_the_api_and_the_command_line() {
    let (host, _portal) = host_with_traffic().await;
    let data_dir = host.dir.path().join("wharf-data");
    let config = verify_config(host.dir.path(), &data_dir);
    let client = reqwest::Client::new();
    let verify = || async {
        client
            .get(format!("{}/admin/v1/audit/verify", host.base))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let intact = verify().await;
    assert_eq!(intact["intact"], true, "{intact}");
    assert!(intact["digests_checked"].as_u64().unwrap() >= 3 * ORDERS as u64);
    assert!(command_verify(&config).await);

    let head = intact["head"].as_i64().unwrap();
    // The cut below must reach past what the anchor names.
    anchored_at(&data_dir.join("audit-anchor.json"), head).await;
    let mut db = SqliteConnection::connect(&sqlite_url(&host.database()))
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit WHERE seq > $1")
        .bind(head - 5)
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();

    let broken = verify().await;
    assert_eq!(broken["intact"], false, "{broken}");
    assert_eq!(broken["first_broken_entry"], head - 4, "{broken}");
    assert!(!command_verify(&config).await);

    // The host writes on: its next entries chain to what it wrote, so the cut stays visible.
    let (status, _) = host
        .post("erp-orders", ERP_KEY, cxml_order("4500088999"))
        .await;
    assert_eq!(status, 202);
    let still = verify().await;
    assert_eq!(still["intact"], false, "{still}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wharf_binary_names_the_first_broken_entry() {
    use wharf_host::audit::AuditEvent;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("wharf-data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let database = data_dir.join("wharf.db");
    let store = wharf_host::store::Store::open_anchored(
        &sqlite_url(&database),
        &data_dir.join("audit-anchor.json"),
    )
    .await
    .unwrap();
    for i in 0..10 {
        store
            .audit(AuditEvent::AdapterRemoved {
                reference: format!("x12@0.1.{i}"),
                digest: "d".repeat(64),
            })
            .await
            .unwrap();
    }
    store.close().await;
    let config = verify_config(dir.path(), &data_dir);
    let (ok, text) = cli_verify(&config);
    assert!(ok, "{text}");
    assert!(text.starts_with("intact: 10 entries"), "{text}");

    let mut db = SqliteConnection::connect(&sqlite_url(&database))
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit WHERE seq > 7")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    let (ok, text) = cli_verify(&config);
    assert!(!ok, "{text}");
    assert!(text.starts_with("BROKEN at audit entry 8:"), "{text}");
}

/// One way of tampering with a copy of the store.
#[derive(Debug, Clone, Copy)]
enum Tamper {
    EditEntry,
    DeleteEntry,
    SwapEntries,
    Truncate,
    EditPayload,
    EditDocument,
    EditRawMessage,
    DeleteDocument,
}

const TAMPERS: [Tamper; 8] = [
    Tamper::EditEntry,
    Tamper::DeleteEntry,
    Tamper::SwapEntries,
    Tamper::Truncate,
    Tamper::EditPayload,
    Tamper::EditDocument,
    Tamper::EditRawMessage,
    Tamper::DeleteDocument,
];

/// Changes one ASCII letter or digit of `bytes` to another.
fn flip(bytes: &mut [u8], rng: &mut StdRng) {
    let positions: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_alphanumeric())
        .collect();
    let at = positions[rng.random_range(0..positions.len())];
    let old = bytes[at];
    let mut new = old;
    while new == old {
        new = b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)];
    }
    bytes[at] = new;
}

/// Edits one character of the value row `id` of `table` keeps in column `value`, as stored.
/// Most values are kept compressed (`codec` says how; for a document, `codec` is the column
/// holding the compressed JSON): half the time the compressed frame itself is damaged, half the
/// time the value is unpacked, edited and packed again, as someone who knows the format would.
async fn edit_stored(
    db: &mut SqliteConnection,
    table: &str,
    value: &str,
    codec: &str,
    id: &str,
    rng: &mut StdRng,
) -> String {
    let row = sqlx::query(&format!(
        "SELECT {value}, {codec} FROM {table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *db)
    .await
    .unwrap();
    let document = table == "documents";
    let (stored, packed): (Vec<u8>, bool) = if document {
        match row.get::<Option<Vec<u8>>, _>(1) {
            Some(frame) => (frame, true),
            None => (row.get::<String, _>(0).into_bytes(), false),
        }
    } else {
        (row.get(0), row.get::<Option<String>, _>(1).is_some())
    };
    let (column, bytes, how) = match (packed, rng.random_bool(0.5)) {
        (true, true) => {
            let mut frame = stored;
            let at = rng.random_range(0..frame.len());
            frame[at] ^= 1 << rng.random_range(0..8);
            let column = if document { codec } else { value };
            (column, frame, "damaged the compressed frame of")
        }
        (true, false) => {
            let mut plain = packed::unpack(Some(packed::ZSTD), stored, id).unwrap();
            flip(&mut plain, rng);
            let repacked = packed::pack(&plain);
            assert_eq!(
                repacked.codec,
                Some(packed::ZSTD),
                "{table} {id} packs again"
            );
            let column = if document { codec } else { value };
            (column, repacked.bytes, "edited and repacked")
        }
        (false, _) => {
            let mut plain = stored;
            flip(&mut plain, rng);
            (value, plain, "edited")
        }
    };
    let update = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
    if document && column == "body" {
        sqlx::query(&update)
            .bind(String::from_utf8(bytes).unwrap())
            .bind(id)
            .execute(&mut *db)
            .await
            .unwrap();
    } else {
        sqlx::query(&update)
            .bind(bytes)
            .bind(id)
            .execute(&mut *db)
            .await
            .unwrap();
    }
    format!("{how} {table}.{value} of {id}")
}

async fn ids(db: &mut SqliteConnection, sql: &str) -> Vec<String> {
    sqlx::query(sql)
        .fetch_all(&mut *db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect()
}

/// Applies `tamper` to the database at `path`; returns what it did.
async fn apply(path: &Path, tamper: Tamper, rng: &mut StdRng) -> String {
    let mut db = SqliteConnection::connect(&sqlite_url(path)).await.unwrap();
    // Someone tampering does not ask the schema's leave.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut db)
        .await
        .unwrap();
    let seqs: Vec<i64> = sqlx::query("SELECT seq FROM audit ORDER BY seq")
        .fetch_all(&mut db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let pick = |rng: &mut StdRng| seqs[rng.random_range(0..seqs.len())];
    let done = match tamper {
        Tamper::EditEntry => {
            let seq = pick(rng);
            let column = [
                "at",
                "actor",
                "action",
                "subject",
                "detail",
                "prev_hash",
                "hash",
            ][rng.random_range(0..7)];
            if column == "at" {
                let delta = rng.random_range(1..100_000i64) * if rng.random() { 1 } else { -1 };
                sqlx::query("UPDATE audit SET at = at + $1 WHERE seq = $2")
                    .bind(delta)
                    .bind(seq)
                    .execute(&mut db)
                    .await
                    .unwrap();
            } else {
                let value: String =
                    sqlx::query(&format!("SELECT {column} FROM audit WHERE seq = $1"))
                        .bind(seq)
                        .fetch_one(&mut db)
                        .await
                        .unwrap()
                        .get(0);
                let mut bytes = value.into_bytes();
                flip(&mut bytes, rng);
                sqlx::query(&format!("UPDATE audit SET {column} = $1 WHERE seq = $2"))
                    .bind(String::from_utf8(bytes).unwrap())
                    .bind(seq)
                    .execute(&mut db)
                    .await
                    .unwrap();
            }
            format!("edited {column} of entry {seq}")
        }
        Tamper::DeleteEntry => {
            let seq = pick(rng);
            sqlx::query("DELETE FROM audit WHERE seq = $1")
                .bind(seq)
                .execute(&mut db)
                .await
                .unwrap();
            format!("deleted entry {seq}")
        }
        Tamper::SwapEntries => {
            let a = pick(rng);
            let mut b = pick(rng);
            while b == a {
                b = pick(rng);
            }
            // Swapping sequence numbers reorders the log.
            for (from, to) in [(a, -1), (b, a), (-1, b)] {
                sqlx::query("UPDATE audit SET seq = $1 WHERE seq = $2")
                    .bind(to)
                    .bind(from)
                    .execute(&mut db)
                    .await
                    .unwrap();
            }
            format!("swapped entries {a} and {b}")
        }
        Tamper::Truncate => {
            let k = rng.random_range(1..=seqs.len().min(12));
            let from = seqs[seqs.len() - k];
            sqlx::query("DELETE FROM audit WHERE seq >= $1")
                .bind(from)
                .execute(&mut db)
                .await
                .unwrap();
            format!("truncated the last {k} entries")
        }
        Tamper::EditPayload | Tamper::EditRawMessage | Tamper::EditDocument => {
            let (table, value, codec, filter) = match tamper {
                Tamper::EditPayload => ("outbox", "payload", "payload_codec", "WHERE rendered = 1"),
                Tamper::EditRawMessage => ("messages", "raw", "raw_codec", ""),
                _ => ("documents", "body", "body_zstd", ""),
            };
            let candidates = ids(&mut db, &format!("SELECT id FROM {table} {filter}")).await;
            let id = &candidates[rng.random_range(0..candidates.len())];
            edit_stored(&mut db, table, value, codec, id, rng).await
        }
        Tamper::DeleteDocument => {
            let candidates = ids(&mut db, "SELECT id FROM documents").await;
            let id = &candidates[rng.random_range(0..candidates.len())];
            sqlx::query("DELETE FROM documents WHERE id = $1")
                .bind(id)
                .execute(&mut db)
                .await
                .unwrap();
            format!("deleted document {id}")
        }
    };
    db.close().await.unwrap();
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_tampering_with_the_log_and_the_stored_bytes_is_always_detected() {
    let (host, _portal) = host_with_traffic().await;
    let data_dir = host.dir.path().join("wharf-data");
    let work = tempfile::tempdir().unwrap();
    // Once the anchor names the newest entry (entries past it are, by design, what a crash at
    // the wrong moment could leave unanchored), a consistent copy of the live database, and
    // the anchor read before it.
    let anchor_file = data_dir.join("audit-anchor.json");
    let head = host.store.audit_log().await.unwrap().last().unwrap().seq;
    anchored_at(&anchor_file, head).await;
    let anchor = std::fs::read(&anchor_file).unwrap();
    let pristine = work.path().join("pristine.db");
    let mut live = SqliteConnection::connect(&sqlite_url(&host.database()))
        .await
        .unwrap();
    sqlx::query(&format!("VACUUM INTO '{}'", pristine.display()))
        .execute(&mut live)
        .await
        .unwrap();
    live.close().await.unwrap();
    let copied = host.store.audit_log().await.unwrap().last().unwrap().seq;
    assert_eq!(copied, head, "the host wrote on while the copy was taken");
    drop(host);

    let trial_dir = work.path().join("trial");
    std::fs::create_dir_all(&trial_dir).unwrap();
    let database = trial_dir.join("wharf.db");
    let anchor_path = trial_dir.join("audit-anchor.json");
    std::fs::write(&anchor_path, &anchor).unwrap();
    let config = verify_config(work.path(), &trial_dir);
    let reset = || {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
        }
        std::fs::copy(&pristine, &database).unwrap();
    };
    let verify = || async {
        let store = wharf_host::store::Store::open(&sqlite_url(&database))
            .await
            .unwrap();
        let verdict = store.verify_audit(Some(&anchor_path)).await.unwrap();
        store.close().await;
        verdict
    };

    // The untouched copy verifies, through the store and the command's own code.
    reset();
    let verdict = verify().await;
    assert!(verdict.intact(), "{verdict:?}");
    assert!(command_verify(&config).await);

    let mut rng = StdRng::seed_from_u64(0x8_2026);
    let mut missed = Vec::new();
    let mut by_kind = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for trial in 0..TRIALS {
        let tamper = TAMPERS[trial % TAMPERS.len()];
        reset();
        let done = apply(&database, tamper, &mut rng).await;
        let verdict = verify().await;
        let counts = by_kind.entry(format!("{tamper:?}")).or_default();
        counts.1 += 1;
        if verdict.intact() {
            missed.push(done.clone());
        } else {
            counts.0 += 1;
        }
        // Every tenth trial also through `wharf audit verify`'s code, which must agree.
        if trial % 10 == 0 {
            assert_eq!(command_verify(&config).await, verdict.intact(), "{done}");
        }
    }
    for (kind, (detected, total)) in &by_kind {
        println!("{kind:<16} detected {detected}/{total}");
    }
    println!("tamper trials detected: {}/{TRIALS}", TRIALS - missed.len());
    assert!(missed.is_empty(), "undetected: {missed:#?}");
}
