//! How long the key figures take over a long history: a store holding `WHARF_KPI_ORDERS`
//! orders (default 10,000), each released, delivered, acknowledged, shipped, received and
//! invoiced over three lines, with some late ship notices, short receipts, invoices held and
//! later cleared, and open exceptions, is generated straight into SQLite; then
//! `Store::kpis` is timed (best and median of five runs).
//!
//! Run with `cargo bench -p wharf-host --bench kpis`.

use std::time::{Duration, Instant};

use sqlx::{Connection, SqliteConnection};
use wharf_host::store::Store;

const HOUR: i64 = 3_600_000;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let orders: usize = std::env::var("WHARF_KPI_ORDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kpis.db").display());
    let store = Store::open(&url).await.expect("the store opens");
    let started = Instant::now();
    generate(&url, orders).await;
    println!(
        "generated {orders} orders ({} order lines) in {:.1} s",
        orders * 3,
        started.elapsed().as_secs_f64()
    );

    let now = 1_800_000_000_000 + (orders as i64) * 60_000 + 30 * 24 * HOUR;
    let mut times = Vec::new();
    let mut kpis = None;
    for _ in 0..5 {
        let t = Instant::now();
        kpis = Some(store.kpis(now).await.expect("the figures"));
        times.push(t.elapsed());
    }
    times.sort();
    let kpis = kpis.unwrap();
    assert_eq!(kpis.orders, orders);
    println!(
        "kpis over {orders} orders: best {:.1} ms, median {:.1} ms",
        ms(times[0]),
        ms(times[2])
    );
    println!(
        "  acknowledgment latency p50 {} ms over {} orders; ship notices in time {:.3}, complete \
         {:.3}; first-pass match {:.3} of {} invoices; open exceptions {}",
        kpis.acknowledgment_latency.p50_ms.unwrap_or_default(),
        kpis.acknowledgment_latency.count,
        kpis.ship_notices.timeliness.unwrap_or_default(),
        kpis.ship_notices.completeness.unwrap_or_default(),
        kpis.invoice_match.first_pass_rate.unwrap_or_default(),
        kpis.invoice_match.invoices,
        kpis.exceptions.values().map(|e| e.open).sum::<usize>()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Writes the history in one transaction, as plain rows of the tables the figures read.
async fn generate(url: &str, orders: usize) {
    let mut db = SqliteConnection::connect(url).await.expect("connects");
    // The figures read orders, their events, lines, matches and exceptions; the messages and
    // documents those rows point at are not generated, so their references are not checked.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut db)
        .await
        .expect("references unchecked");
    let mut tx = db.begin().await.expect("a transaction");
    for n in 0..orders {
        let po = format!("45{n:08}");
        let t0 = 1_800_000_000_000 + (n as i64) * 60_000;
        // One order in ten is shipped late (its ship notice after the goods), one in seven
        // received short, one in five invoiced above price (held, half of those released).
        let late = n % 10 == 0;
        let short = n % 7 == 0;
        let held = n % 5 == 0;
        let status = if held && n % 2 == 0 {
            "invoiced"
        } else {
            "closed"
        };
        sqlx::query(
            "INSERT INTO orders (buyer, po_number, status, document_id, created_at, updated_at, \
             version) VALUES ('erp', ?, ?, ?, ?, ?, 6)",
        )
        .bind(&po)
        .bind(status)
        .bind(format!("doc-{n}"))
        .bind(t0)
        .bind(t0 + 48 * HOUR)
        .execute(&mut *tx)
        .await
        .unwrap();
        let ack = t0 + 60_000 + (n as i64 % 97) * 60_000;
        let (shipped, received) = if late {
            (t0 + 30 * HOUR, t0 + 26 * HOUR)
        } else {
            (t0 + 24 * HOUR, t0 + 30 * HOUR)
        };
        for (event, at) in [
            ("released", t0),
            ("purchase_order_routed", t0),
            ("purchase_order_delivered", t0 + 1_000),
            ("acknowledged", ack),
            ("order_response_routed", ack),
            ("shipped", shipped),
            ("ship_notice_routed", shipped),
            ("received", received),
            ("goods_receipt_routed", received),
            ("invoiced", t0 + 40 * HOUR),
        ] {
            sqlx::query(
                "INSERT INTO order_events (buyer, po_number, at, event, status, message_id, \
                 document_id, detail) VALUES ('erp', ?, ?, ?, 'closed', 'm', 'd', '{}')",
            )
            .bind(&po)
            .bind(at)
            .bind(event)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        for line in ["00010", "00020", "00030"] {
            let got = if short && line == "00020" { "8" } else { "10" };
            let state = format!(
                "{{\"line_number\":\"{line}\",\"items\":[\"P-{line}\"],\"material_group\":null,\
                 \"unit\":\"EA\",\"ordered\":\"10\",\"price\":\"12.50\",\"confirmation\":\"accepted\",\
                 \"confirmed\":null,\"confirmed_price\":null,\"shipped\":\"10\",\"received\":\"{got}\",\
                 \"rejected\":\"0\",\"invoiced\":\"{got}\",\"matched\":\"{got}\",\"lots\":[],\
                 \"cancelled\":false}}"
            );
            sqlx::query(
                "INSERT INTO order_lines (buyer, po_number, line_number, state, stage, \
                 shipped, received, updated_at) VALUES ('erp', ?, ?, ?, 'closed', '10', ?, ?)",
            )
            .bind(&po)
            .bind(line)
            .bind(state)
            .bind(got)
            .bind(t0 + 48 * HOUR)
            .execute(&mut *tx)
            .await
            .unwrap();
            let invoiced = t0 + 40 * HOUR;
            let (result, settled) = match (held && line == "00010", n % 2 == 0) {
                (true, true) => ("held", invoiced),
                (true, false) => ("released", invoiced + 20 * HOUR),
                _ => ("matched", invoiced),
            };
            sqlx::query(
                "INSERT INTO invoice_matches (document_id, invoice_line, partner, invoice_number, \
                 buyer, po_number, order_line, result, explanation, created_at, updated_at) \
                 VALUES (?, ?, 'supplier', ?, 'erp', ?, ?, ?, '{}', ?, ?)",
            )
            .bind(format!("inv-{n}"))
            .bind(line)
            .bind(format!("INV-{n}"))
            .bind(&po)
            .bind(line)
            .bind(result)
            .bind(invoiced)
            .bind(settled)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        if held && n % 2 == 0 {
            sqlx::query(
                "INSERT INTO exceptions (id, kind, state, owner, partner, agreement, message_id, \
                 lines, explanation, created_at, updated_at, order_buyer, po_number) \
                 VALUES (?, 'mismatch', 'open', 'finance', 'supplier', 'supplier-edi', 'm', \
                 '[\"00010\"]', 'price over tolerance', ?, ?, 'erp', ?)",
            )
            .bind(format!("x-{n}"))
            .bind(t0 + 40 * HOUR)
            .bind(t0 + 40 * HOUR)
            .bind(&po)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.expect("the history is written");
}
