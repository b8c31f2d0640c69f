//! 856 Ship Notice/Manifest against the canonical ship notice: BSN05 keeps the hierarchical
//! structure code, and the HL tree (shipment → order → tare/pack → item) is rebuilt from
//! HL02 parent links in [`read`] (other hierarchies mapped onto it by [`tree`], the level
//! segments read in [`levels`]) and numbered again in [`write`](mod@write).
pub mod levels;
pub mod read;
pub mod tree;
pub mod write;
