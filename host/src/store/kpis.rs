//! Key figures of the order's life, computed from the store as it stands: how long suppliers
//! take to acknowledge, whether ship notices come before the goods and announce what arrives,
//! how many invoices match at the first pass and how long the others wait, and the exceptions
//! open by type and age. Read with a few aggregate scans (no per-order queries), so they stay
//! quick over a long history (`benches/kpis.rs`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};

/// Figures over durations, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Durations {
    pub count: usize,
    pub mean_ms: Option<i64>,
    pub p50_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    pub max_ms: Option<i64>,
}

impl Durations {
    fn of(mut values: Vec<i64>) -> Durations {
        values.sort_unstable();
        let at = |q: f64| {
            (!values.is_empty()).then(|| values[((values.len() - 1) as f64 * q).round() as usize])
        };
        Durations {
            count: values.len(),
            mean_ms: (!values.is_empty()).then(|| values.iter().sum::<i64>() / values.len() as i64),
            p50_ms: at(0.5),
            p90_ms: at(0.9),
            max_ms: values.last().copied(),
        }
    }
}

/// Ship notices: how many orders got one before their goods, and how many received lines
/// arrived as announced.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ShipNoticeFigures {
    /// Orders with goods received.
    pub orders_received: usize,
    /// Of those, orders whose first ship notice came before their first receipt.
    pub announced_in_time: usize,
    pub timeliness: Option<f64>,
    /// Received lines.
    pub lines_received: usize,
    /// Of those, lines whose received quantity is what ship notices announced.
    pub lines_as_announced: usize,
    pub completeness: Option<f64>,
}

/// Invoices: the share matched at the first pass, and how long the others took.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchFigures {
    pub invoices: usize,
    pub first_pass: usize,
    pub first_pass_rate: Option<f64>,
    /// Invoices still waiting on their match.
    pub waiting: usize,
    /// From the invoice's arrival to its last line's match or release, for invoices that
    /// waited and no longer do.
    pub cycle_time: Durations,
}

/// Open exceptions of one type.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExceptionFigures {
    pub open: usize,
    pub oldest_age_ms: i64,
    /// Open ones by age: under an hour, under a day, under a week, older.
    pub by_age: [usize; 4],
}

/// Every key figure.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Kpis {
    pub at: i64,
    pub orders: usize,
    /// From the purchase order's delivery to the supplier's first order response.
    pub acknowledgment_latency: Durations,
    pub ship_notices: ShipNoticeFigures,
    pub invoice_match: MatchFigures,
    pub exceptions: BTreeMap<String, ExceptionFigures>,
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Store {
    /// The key figures as of `now` (ms since the epoch).
    pub async fn kpis(&self, now: i64) -> Result<Kpis, StoreError> {
        let orders: i64 = sqlx::query("SELECT COUNT(*) FROM orders")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;

        // First time of each event that matters, per order.
        let rows = sqlx::query(
            "SELECT buyer, po_number, event, MIN(at) AS first_at FROM order_events \
             WHERE event IN ('purchase_order_delivered', 'acknowledged', 'shipped', 'received') \
             GROUP BY buyer, po_number, event",
        )
        .fetch_all(self.pool())
        .await?;
        #[derive(Default)]
        struct Firsts {
            delivered: Option<i64>,
            acknowledged: Option<i64>,
            shipped: Option<i64>,
            received: Option<i64>,
        }
        let mut firsts: HashMap<(String, String), Firsts> = HashMap::new();
        for row in rows {
            let key = (row.try_get("buyer")?, row.try_get("po_number")?);
            let event: String = row.try_get("event")?;
            let at: i64 = row.try_get("first_at")?;
            let f = firsts.entry(key).or_default();
            match event.as_str() {
                "purchase_order_delivered" => f.delivered = Some(at),
                "acknowledged" => f.acknowledged = Some(at),
                "shipped" => f.shipped = Some(at),
                _ => f.received = Some(at),
            }
        }
        let latencies: Vec<i64> = firsts
            .values()
            .filter_map(|f| Some(f.acknowledged? - f.delivered?))
            .map(|d| d.max(0))
            .collect();
        let received: Vec<&Firsts> = firsts.values().filter(|f| f.received.is_some()).collect();
        let in_time = received
            .iter()
            .filter(|f| f.shipped.is_some_and(|s| Some(s) <= f.received))
            .count();

        // Lines received, and whether they arrived as announced.
        let row = sqlx::query(
            "SELECT COUNT(*) AS received, \
             COALESCE(SUM(CASE WHEN received = shipped THEN 1 ELSE 0 END), 0) AS announced \
             FROM order_lines WHERE received <> '0'",
        )
        .fetch_one(self.pool())
        .await?;
        let lines_received = usize::try_from(row.try_get::<i64, _>("received")?).unwrap_or(0);
        let as_announced = usize::try_from(row.try_get::<i64, _>("announced")?).unwrap_or(0);

        // Invoices by their lines' results: first pass when every line matched on arrival.
        let matches = sqlx::query(
            "SELECT document_id, MIN(created_at) AS arrived, MAX(updated_at) AS settled, \
             SUM(CASE WHEN result = 'matched' AND updated_at = created_at THEN 0 ELSE 1 END) \
               AS not_first, \
             SUM(CASE WHEN result IN ('held', 'blocked') THEN 1 ELSE 0 END) AS waiting \
             FROM invoice_matches GROUP BY document_id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut invoice_match = MatchFigures::default();
        let mut cycles = Vec::new();
        for row in matches {
            invoice_match.invoices += 1;
            let not_first: i64 = row.try_get("not_first")?;
            let waiting: i64 = row.try_get("waiting")?;
            if not_first == 0 {
                invoice_match.first_pass += 1;
            } else if waiting > 0 {
                invoice_match.waiting += 1;
            } else {
                let arrived: i64 = row.try_get("arrived")?;
                let settled: i64 = row.try_get("settled")?;
                cycles.push((settled - arrived).max(0));
            }
        }
        invoice_match.first_pass_rate = ratio(invoice_match.first_pass, invoice_match.invoices);
        invoice_match.cycle_time = Durations::of(cycles);

        // Open exceptions by type and age.
        let mut exceptions: BTreeMap<String, ExceptionFigures> = BTreeMap::new();
        for row in sqlx::query("SELECT kind, created_at FROM exceptions WHERE state <> 'resolved'")
            .fetch_all(self.pool())
            .await?
        {
            let kind: String = row.try_get("kind")?;
            let age = (now - row.try_get::<i64, _>("created_at")?).max(0);
            let figures = exceptions.entry(kind).or_default();
            figures.open += 1;
            figures.oldest_age_ms = figures.oldest_age_ms.max(age);
            const HOUR: i64 = 3_600_000;
            let bucket = match age {
                a if a < HOUR => 0,
                a if a < 24 * HOUR => 1,
                a if a < 7 * 24 * HOUR => 2,
                _ => 3,
            };
            figures.by_age[bucket] += 1;
        }

        Ok(Kpis {
            at: now,
            orders: usize::try_from(orders).unwrap_or(0),
            acknowledgment_latency: Durations::of(latencies),
            ship_notices: ShipNoticeFigures {
                orders_received: received.len(),
                announced_in_time: in_time,
                timeliness: ratio(in_time, received.len()),
                lines_received,
                lines_as_announced: as_announced,
                completeness: ratio(as_announced, lines_received),
            },
            invoice_match,
            exceptions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_nearest_rank_percentiles() {
        let d = Durations::of(vec![50, 10, 40, 20, 30, 60, 70, 80, 90, 100]);
        assert_eq!(d.count, 10);
        assert_eq!(d.mean_ms, Some(55));
        // Ranks over 0..=9: 0.5 * 9 = 4.5 rounds to 5 → 60; 0.9 * 9 = 8.1 → 8 → 90.
        assert_eq!(
            (d.p50_ms, d.p90_ms, d.max_ms),
            (Some(60), Some(90), Some(100))
        );
        assert_eq!(Durations::of(vec![]), Durations::default());
    }
}
