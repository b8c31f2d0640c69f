//! 856 Ship Notice/Manifest against the canonical ship notice.
pub mod read;
pub mod write;
