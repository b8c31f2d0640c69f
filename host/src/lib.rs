//! The Wharf host.
//!
//! # Layout
//!
//! Dependencies point inward, toward `model`:
//!
//! - [`model`]: the canonical documents and their validation rules.
//! - [`sandbox`]: the only wasmtime code: engine, limits, adapter registry.
pub mod model;
pub mod sandbox;
