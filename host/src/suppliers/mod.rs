//! Supplier master data: the rules a supplier record is held to ([`rules`], with the
//! identifier checks of [`gs1`] and [`iban`]), answered synchronously by
//! `POST /api/v1/suppliers/validate` (`api::suppliers`) and applied to every supplier
//! document that flows through (`engine::supplier_compliance`, which raises the
//! `supplier_compliance` exception). Pure functions of the record, the configuration and a
//! day: no store, no clock.
//!
//! `[suppliers] required_certifications = ["ISO 9001"]` in `wharf.toml` names the
//! certifications every supplier must hold ([`SupplierRules`]).

pub mod gs1;
pub mod iban;
pub mod rules;

pub use rules::{SupplierViolation, check};

/// What the configuration asks of every supplier record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupplierRules {
    /// Certification names a supplier must hold, unexpired (compared ignoring case).
    pub required_certifications: Vec<String>,
}
