//! The HTTP API, on axum over hyper. [`router`] is a plain function of [`AppState`], so tests
//! can call it without a socket.
//!
//! - [`partner`]: `/api/v1`: inbound messages, message status, order status, scoped to the
//!   calling partner.
//! - [`suppliers`]: `/api/v1/suppliers/validate`: the onboarding rules, answered at once.
//! - [`admin`]: `/admin/v1`: adapters, dead letters, audit verification, for the operator.
//! - [`exceptions`]: `/admin/v1/exceptions`: the exceptions teams own, and their actions.
//! - [`health`]: `/healthz`, `/readyz`.
//! - [`error`]: JSON errors, made in one place.
//! - [`body`]: reading bodies under a limit and a timeout.
//! - [`serve`]: the accept loop: connection cap, header timeout, graceful shutdown.

pub mod admin;
pub mod body;
pub mod error;
pub mod exceptions;
pub mod health;
pub mod partner;
pub mod serve;
pub mod suppliers;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{delete, get, post};

use crate::adapters::SharedAdapters;
use crate::config::Settings;
use crate::engine::Engine;
use crate::governance::rate::RateLimits;
use crate::sandbox::AdapterRegistry;
use crate::store::Store;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Store,
    pub registry: Arc<AdapterRegistry>,
    /// Installs and removals every replica follows.
    pub adapters: Arc<SharedAdapters>,
    pub engine: Arc<Engine>,
    pub limits: Arc<RateLimits>,
    /// What deadlines are measured by ([`crate::clock`]).
    pub clock: crate::clock::Clock,
    pub started_at: i64,
}

/// Largest adapter component the admin API accepts.
pub(crate) const MAX_COMPONENT_BYTES: usize = 64 * 1024 * 1024;
/// Largest filter or request the other admin calls accept.
const MAX_ADMIN_JSON_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let partner_api = Router::new()
        .route("/inbound/{agreement}", post(partner::inbound))
        .route("/messages/{id}", get(partner::message))
        .route("/orders/{po_number}", get(partner::order))
        .route("/suppliers/validate", post(suppliers::validate))
        // The inbound handler enforces the configured limit itself, keeping what it refused.
        .layer(DefaultBodyLimit::disable());
    let install = Router::new()
        .route(
            "/adapters",
            get(admin::list_adapters).post(admin::install_adapter),
        )
        .layer(DefaultBodyLimit::max(MAX_COMPONENT_BYTES));
    // The operator token is checked before any handler runs, so before any body is read.
    let admin_api = Router::new()
        .route("/status", get(admin::status))
        .route("/adapters/{reference}", delete(admin::remove_adapter))
        .route("/dead-letters", get(admin::dead_letters))
        .route("/dead-letters/{id}/replay", post(admin::replay))
        .route("/dead-letters/replay", post(admin::replay_many))
        .route("/messages/{id}", get(admin::message))
        .route("/messages/reprocess", post(admin::reprocess))
        .route("/audit/verify", get(admin::verify_audit))
        .route("/exceptions", get(exceptions::list))
        .route("/kpis", get(exceptions::kpis))
        .route("/exceptions/{id}", get(exceptions::show))
        .route("/exceptions/{id}/{action}", post(exceptions::act))
        .layer(DefaultBodyLimit::max(MAX_ADMIN_JSON_BYTES))
        .merge(install)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin::require_operator,
        ));
    Router::new()
        .nest("/api/v1", partner_api)
        .nest("/admin/v1", admin_api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
}
