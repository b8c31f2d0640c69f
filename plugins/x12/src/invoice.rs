//! 810 Invoice against the canonical invoice: [`read`] and [`write`](mod@write), with the
//! line amounts and subtotal an 810 leaves unstated derived in [`totals`].
pub mod read;
pub mod totals;
pub mod write;
