//! `ShipControl/Route@method` from the carrier's transport mode, which the model keeps as the
//! source coded it. Fulfill.dtd allows only its own words (air, motor, rail, ship, mail,
//! multimodal, fixedTransport, inlandWater, unknown, custom), so the codes a hub receives are
//! translated:
//!
//! - UN/ECE Recommendation 19 (EDIFACT 8067, IDoc): 1 maritime, 2 rail, 3 road, 4 air, 5 mail,
//!   6 multimodal, 7 fixed transport installation, 8 inland water, 0 not specified, 9 not
//!   applicable.
//! - X12 element 91 (TD504), the codes that name one mode: A, AC, AE, AF, AH, AP, FA air; M, J,
//!   E, LT, FL, MB, MP, VA, TT motor; R, RC rail; S, O, Q, VE, SS ship; W, B, VL inland water;
//!   X intermodal (piggyback); D parcel post; PL pipeline.
//!
//! A digit is read as Recommendation 19: X12's own digit codes (6 military mail, 7 mail)
//! collide with it and are rare on ship notices.
//!
//! Any other code (a carrier's own, X12 `ZZ`) is written as `custom`, with a warning.

use wharf_guest_sdk::log;

/// The words Fulfill.dtd allows in `Route@method`.
const METHODS: &[&str] = &[
    "air",
    "motor",
    "rail",
    "ship",
    "mail",
    "multimodal",
    "fixedTransport",
    "inlandWater",
    "unknown",
    "custom",
];

/// The `Route@method` for a carrier's `mode`.
pub fn method(mode: &str) -> &'static str {
    let mode = mode.trim();
    if let Some(word) = METHODS.iter().find(|m| **m == mode) {
        return word;
    }
    match mode {
        "1" => "ship",
        "2" => "rail",
        "3" => "motor",
        "4" => "air",
        "5" => "mail",
        "6" => "multimodal",
        "7" => "fixedTransport",
        "8" => "inlandWater",
        "0" | "9" => "unknown",
        "A" | "AC" | "AE" | "AF" | "AH" | "AP" | "FA" => "air",
        "M" | "J" | "E" | "LT" | "FL" | "MB" | "MP" | "VA" | "TT" => "motor",
        "R" | "RC" => "rail",
        "S" | "O" | "Q" | "VE" | "SS" => "ship",
        "W" | "B" | "VL" => "inlandWater",
        "X" => "multimodal",
        "D" => "mail",
        "PL" => "fixedTransport",
        other => {
            log::warn(&format!(
                "transport mode {other:?} has no cXML Route method; written as custom"
            ));
            "custom"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_standards_code_becomes_the_dtds_word() {
        assert_eq!(method("motor"), "motor");
        assert_eq!(method("M"), "motor");
        assert_eq!(method("3"), "motor");
        assert_eq!(method("4"), "air");
        assert_eq!(method("AE"), "air");
        assert_eq!(method("1"), "ship");
        assert_eq!(method("PL"), "fixedTransport");
        assert_eq!(method("7"), "fixedTransport");
        assert_eq!(method("ZZ"), "custom");
    }
}
