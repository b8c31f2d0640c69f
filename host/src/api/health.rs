//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

use crate::store::Backend;

use super::AppState;

/// The process is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers (within two seconds) and adapters are loaded: the host can take
/// traffic. A replica that lost its database says so here, and its workers stop claiming
/// until it is back.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store_ok = state.store.ping(Duration::from_secs(2)).await;
    let adapters = state.registry.list().len();
    let backend = match state.store.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    };
    let status = if store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if store_ok { "ready" } else { "store unavailable" },
            "adapters": adapters,
            "database": {"backend": backend, "reachable": store_ok},
        })),
    )
}
