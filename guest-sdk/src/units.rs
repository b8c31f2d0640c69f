//! Units of measure across standards, through the one table the canonical model owns
//! (`wit/canonical@0.1.0/units.tsv`, built into this crate; its header cites the standards
//! each code was checked against).
//!
//! A canonical [`Quantity`](crate::canonical::Quantity) carries a UN/ECE Recommendation 20
//! code. Each adapter maps its standard's own codes at its edge:
//!
//! | standard | reading | writing |
//! | --- | --- | --- |
//! | X12 element 355 (`PO103`, `SN103`, `IT103`, ...) | [`from_x12`] | [`to_x12`] |
//! | SAP internal units (T006 `MSEHI`) | [`from_sap`] | [`to_sap`] |
//! | cXML, EDIFACT 6411, IDoc ISO codes | Rec 20 already | Rec 20 already |
//!
//! Codes that name the same count (`H87` piece, `PCE`, `EA` each, `C62` one) are told apart
//! by the standards but count alike: compare units with [`same`], never with `==`.
//!
//! For the x12 adapter: read every 355 code with [`from_x12`] (`EA` → `EA`, `PC` → `H87`,
//! `KG` → `KGM`, `LB` → `LBR`) and write every canonical unit with [`to_x12`] (`PCE` → `PC`,
//! `KGM` → `KG`); a code the table does not hold is passed through unchanged by the caller,
//! with a warning, since a partner's agreement may use codes of its own.

use std::sync::OnceLock;

/// The table, as the canonical package ships it.
const TABLE: &str = include_str!("../../wit/canonical@0.1.0/units.tsv");

/// One row of the table: a Rec 20 code and what it is in the other standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The UN/ECE Recommendation 20 code.
    pub rec20: &'static str,
    /// The X12 355 code, where X12 has one.
    pub x12: Option<&'static str>,
    /// SAP's internal unit, where SAP's standard delivery has one.
    pub sap: Option<&'static str>,
    /// The Rec 20 code of the unit this one counts as.
    pub counts_as: &'static str,
    /// What the unit is.
    pub name: &'static str,
}

/// Every unit in the table, in its order.
pub fn all() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(|| parse(TABLE))
}

fn parse(table: &'static str) -> Vec<Unit> {
    let code = |field: &'static str| (field != "-").then_some(field);
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some(Unit {
                rec20: fields.next()?,
                x12: code(fields.next()?),
                sap: code(fields.next()?),
                counts_as: fields.next()?,
                name: fields.next()?,
            })
        })
        .collect()
}

fn find(code: &str, column: impl Fn(&Unit) -> Option<&'static str>) -> Option<&'static Unit> {
    let code = code.trim();
    all().iter().find(|unit| column(unit) == Some(code))
}

/// The table's row for a Rec 20 code.
pub fn rec20(code: &str) -> Option<&'static Unit> {
    find(code, |unit| Some(unit.rec20))
}

/// The Rec 20 code an X12 355 code stands for.
pub fn from_x12(code: &str) -> Option<&'static str> {
    find(code, |unit| unit.x12).map(|unit| unit.rec20)
}

/// The X12 355 code for a Rec 20 code; a unit X12 has no code for is written as the X12 code
/// of the unit it counts as (`PCE` as `PC`), else there is none.
pub fn to_x12(code: &str) -> Option<&'static str> {
    let unit = rec20(code)?;
    unit.x12
        .or_else(|| rec20(unit.counts_as).and_then(|u| u.x12))
}

/// The Rec 20 code a SAP internal unit stands for.
pub fn from_sap(code: &str) -> Option<&'static str> {
    find(code, |unit| unit.sap).map(|unit| unit.rec20)
}

/// SAP's internal unit for a Rec 20 code, where SAP's standard delivery has one.
pub fn to_sap(code: &str) -> Option<&'static str> {
    let unit = rec20(code)?;
    unit.sap
        .or_else(|| rec20(unit.counts_as).and_then(|u| u.sap))
}

/// Whether two canonical units count the same (`EA` and `H87`), or are the same code.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b
        || matches!(
            (rec20(a), rec20(b)),
            (Some(x), Some(y)) if x.counts_as == y.counts_as
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_well_formed() {
        let units = all();
        assert!(units.len() >= 30, "{} units", units.len());
        for (i, unit) in units.iter().enumerate() {
            let codes = [Some(unit.rec20), unit.x12, unit.sap, Some(unit.counts_as)];
            for code in codes.into_iter().flatten() {
                assert!(
                    !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()),
                    "row {i}: code {code:?}"
                );
                assert_eq!(code, code.to_ascii_uppercase(), "row {i}");
            }
            assert!(
                units.iter().filter(|u| u.rec20 == unit.rec20).count() == 1,
                "{} is listed twice",
                unit.rec20
            );
            let counted = rec20(unit.counts_as).expect("counts_as names a row");
            assert_eq!(
                counted.counts_as, counted.rec20,
                "{} counts as itself",
                counted.rec20
            );
            assert!(!unit.name.is_empty());
        }
    }

    #[test]
    fn an_x12_each_and_a_sap_piece_are_the_same_count() {
        // The case that did not cross: X12 EA and SAP ST.
        let x12 = from_x12("EA").unwrap();
        let sap = from_sap("ST").unwrap();
        assert_eq!((x12, sap), ("EA", "H87"));
        assert!(same(x12, sap));
        assert!(same("PCE", "C62"));
        assert!(!same("KGM", "LBR"));
        assert!(same("XYZ", "XYZ"), "unknown codes still equal themselves");
    }

    #[test]
    fn rec20_codes_become_x12_and_sap_codes() {
        // An IDoc's PCE and KGM are not X12 codes; PO103 gets PC and KG.
        assert_eq!(to_x12("PCE"), Some("PC"));
        assert_eq!(to_x12("KGM"), Some("KG"));
        assert_eq!(to_x12("H87"), Some("PC"));
        assert_eq!(to_x12("MTR"), Some("MR"));
        assert_eq!(to_x12("LTR"), Some("LT"));
        assert_eq!(
            to_x12("TNE"),
            None,
            "X12 355 has no plain metric tonne here"
        );
        assert_eq!(from_x12("KG"), Some("KGM"));
        assert_eq!(from_x12("LB"), Some("LBR"));
        assert_eq!(from_x12("PC"), Some("H87"));
        // X12 ST is a set; SAP ST is a piece.
        assert_eq!(from_x12("ST"), Some("SET"));
        assert_eq!(to_sap("PCE"), Some("ST"));
        assert_eq!(to_sap("KGM"), Some("KG"));
        assert_eq!(from_sap("M"), Some("MTR"));
        assert_eq!(from_sap("L"), Some("LTR"));
        assert_eq!(from_sap("TAG"), Some("DAY"));
        assert_eq!(to_sap("DZN"), None);
    }
}
