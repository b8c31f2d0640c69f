//! Data element tags of the segments this adapter maps, by position, for extension keys.
//!
//! An extension names the element it keeps by its directory tag (`edifact.NAD[BY].C058`) so
//! that an operator can look it up; positions beyond the table fall back to the number.

/// The tags of a segment's data elements, in order (D.96A layout; D.01B only adds at the end).
fn table(segment: &str) -> &'static [&'static str] {
    match segment {
        "UNB" => &[
            "S001", "S002", "S003", "S004", "0020", "S005", "0026", "0029", "0031", "0032", "0035",
        ],
        "UNH" => &["0062", "S009", "0068", "S010"],
        "BGM" => &["C002", "C106", "1225", "4343"],
        "DTM" => &["C507"],
        "NAD" => &[
            "3035", "C082", "C058", "C080", "C059", "3164", "3229", "3251", "3207",
        ],
        "LIN" => &["1082", "1229", "C212", "C829", "1222", "7083"],
        "PIA" => &["4347", "C212", "C212", "C212", "C212", "C212"],
        "IMD" => &["7077", "C272", "C273", "7383"],
        "QTY" => &["C186"],
        "PRI" => &["C509", "5213"],
        "RFF" => &["C506"],
        "CUX" => &["C504", "C504", "5402", "6341"],
        "MOA" => &["C516"],
        "FTX" => &["4451", "4453", "C107", "C108", "3453", "4447"],
        "CTA" => &["3139", "C056"],
        "COM" => &["C076"],
        "CPS" => &["7164", "7166", "7075"],
        "PAC" => &["7224", "C531", "C202", "C402", "C532"],
        "MEA" => &["6311", "C502", "C174", "7383"],
        "GIN" => &["7405", "C208", "C208", "C208", "C208", "C208"],
        "TDT" => &[
            "8051", "8028", "C220", "C228", "C040", "8101", "C401", "C222", "8281",
        ],
        "TAX" => &[
            "5283", "C241", "C533", "5286", "C243", "5305", "3446", "1227",
        ],
        "ALC" => &["5463", "C552", "4471", "1227", "C214"],
        "CNT" => &["C270"],
        "UCI" => &["0020", "S002", "S003", "0083", "0085", "0013", "S011"],
        "UCM" => &["0062", "S009", "0083", "0085", "0013", "S011"],
        "UCS" => &["0096", "0085"],
        "UCD" => &["0085", "S011"],
        _ => &[],
    }
}

/// The tag of element `position` (1-based) of `segment`, or the position as two digits.
pub fn element_tag(segment: &str, position: usize) -> String {
    table(segment)
        .get(position.wrapping_sub(1))
        .map_or_else(|| format!("{position:02}"), |tag| (*tag).to_owned())
}

/// The position of the element a tag names in `segment`; the first one when the tag repeats.
pub fn element_position(segment: &str, tag: &str) -> Option<usize> {
    if let Some(at) = table(segment).iter().position(|t| *t == tag) {
        return Some(at + 1);
    }
    tag.parse::<usize>().ok().filter(|p| *p > 0)
}
