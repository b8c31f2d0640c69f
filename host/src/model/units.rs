//! Units of measure as the canonical model counts them, read from the model's own table
//! (`wit/canonical@0.1.0/units.tsv`, whose header cites its sources). Canonical quantities
//! carry UN/ECE Recommendation 20 codes; codes that differ only in name (H87 piece, GS1's
//! PCE, EA each, C62 one) count alike, so a three-way match compares units with [`same`].
//! Adapters map their standards' codes with the guest SDK's `units` module, over the same
//! file.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../wit/canonical@0.1.0/units.tsv");

/// Rec 20 code → the Rec 20 code of the unit it counts as, in table order.
fn counted() -> &'static [(&'static str, &'static str)] {
    static COUNTED: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    COUNTED.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let fields: Vec<&'static str> = line.split('\t').collect();
                Some((*fields.first()?, *fields.get(3)?))
            })
            .collect()
    })
}

/// The Rec 20 code of the unit `code` counts as, when the table holds `code`.
pub fn counts_as(code: &str) -> Option<&'static str> {
    let code = code.trim();
    counted()
        .iter()
        .find(|(rec20, _)| *rec20 == code)
        .map(|(_, counts_as)| *counts_as)
}

/// Whether two canonical units count the same, or are the same code.
pub fn same(a: &str, b: &str) -> bool {
    a.trim() == b.trim() || matches!((counts_as(a), counts_as(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piece_each_and_one_count_alike_and_kilograms_do_not() {
        assert_eq!(counts_as("PCE"), Some("H87"));
        assert!(same("EA", "H87"));
        assert!(same("C62", "PCE"));
        assert!(!same("KGM", "H87"));
        assert!(
            same("KAR", "KAR"),
            "a unit the table lacks still equals itself"
        );
        assert!(!same("KAR", "H87"));
    }
}
