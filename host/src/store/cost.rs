//! What an adapter call cost, as the store records it: on a message for its decode call, on an
//! outbox entry for the call that rendered it.

/// What the adapter call behind a message cost (see `sandbox::CallCost`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AdapterCost {
    /// Fuel burned; `None` when the engine does not meter fuel.
    pub fuel: Option<i64>,
    pub epoch_ticks: i64,
    pub wall_us: i64,
    pub memory_bytes: i64,
}

impl AdapterCost {
    /// Reads a cost stored in the columns `{prefix}_fuel`, `_epoch_ticks`, `_wall_us` and
    /// `_memory_bytes`; `None` when none was recorded (no wall time).
    pub(crate) fn from_row(
        row: &sqlx::any::AnyRow,
        prefix: &str,
    ) -> Result<Option<AdapterCost>, sqlx::Error> {
        use sqlx::Row;
        let Some(wall_us) = row.try_get::<Option<i64>, _>(format!("{prefix}_wall_us").as_str())?
        else {
            return Ok(None);
        };
        let number =
            |column: &str| row.try_get::<Option<i64>, _>(format!("{prefix}_{column}").as_str());
        Ok(Some(AdapterCost {
            fuel: number("fuel")?,
            epoch_ticks: number("epoch_ticks")?.unwrap_or(0),
            wall_us,
            memory_bytes: number("memory_bytes")?.unwrap_or(0),
        }))
    }
}
