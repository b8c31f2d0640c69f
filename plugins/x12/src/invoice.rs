//! 810 Invoice against the canonical invoice: [`read`] and [`write`].
pub mod read;
pub mod totals;
pub mod write;
