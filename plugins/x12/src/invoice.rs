//! 810 Invoice against the canonical invoice.
pub mod read;
pub mod write;
