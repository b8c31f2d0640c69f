//! The Wharf host: a WebAssembly plugin host that keeps a manufacturer's ERP, supplier portals
//! and trading partners in step.
//!
//! # Layout
//!
//! One concern per module; dependencies point inward, toward `model`:
//!
//! - [`model`]: the canonical documents and their validation rules.
//! - [`sandbox`]: the only wasmtime code: engine, limits, the adapter registry.
//! - [`adapters`]: installed adapters shared by every replica: the registry follows the store.
//! - [`engine`]: processing a message; the order lifecycle; routing.
//! - [`delivery`]: the outbox workers, retries with backoff, dead letters.
//! - [`store`]: the only sqlx code: messages, documents, orders, outbox, audit.
//! - [`suppliers`]: supplier master data: the onboarding rules and their exceptions.
//! - [`governance`]: partner and operator authentication.
//! - [`audit`]: typed audit events and the hash chain.
//! - [`api`]: the HTTP API.
//! - [`clock`]: the controllable clock deadlines are measured by.
//! - [`config`]: reads `wharf.toml` strictly and resolves it before anything runs.
//! - [`telemetry`]: the tracing setup.
//! - [`server`]: assembling and running a host.
//! - [`cli`]: the `wharf` command.

pub mod adapters;
pub mod api;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod engine;
pub mod governance;
pub mod model;
pub mod sandbox;
pub mod server;
pub mod store;
pub mod suppliers;
pub mod telemetry;
