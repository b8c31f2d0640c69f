//! X12 syntax notes: the relations between a segment's elements that the standard states
//! beside each segment (X12.6: P paired, R required, E exclusion, C conditional, L list
//! conditional), checked for the segments this adapter maps. A strict agreement refuses a
//! transaction set that breaks one, at the segment and element; a lenient one reads it with
//! that as a warning.
//!
//! The notes are 004010's (MAN's as 004040 and 005020 state them too). Later versions kept
//! these for the segments listed (005010 widened element lengths, not these relations), so the
//! same table serves every version read.

use wharf_guest_sdk::contract::AdapterError;

use crate::reader::Seg;

/// How the elements of a note relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// P: if any is present, all are.
    Paired,
    /// R: at least one is present.
    Required,
    /// E: at most one is present.
    Exclusion,
    /// C: if the first is present, all the others are.
    Conditional,
    /// L: if the first is present, at least one of the others is.
    ListConditional,
}

/// One syntax note: segment, relation, element positions.
pub struct Note {
    pub segment: &'static str,
    pub relation: Relation,
    pub elements: &'static [usize],
}

use Relation::*;

const fn note(segment: &'static str, relation: Relation, elements: &'static [usize]) -> Note {
    Note {
        segment,
        relation,
        elements,
    }
}

/// The notes checked. Each cites the note as the standard writes it.
pub const NOTES: &[Note] = &[
    // BSN syntax note C0706
    note("BSN", Conditional, &[7, 6]),
    // CTT syntax notes P0304, P0506
    note("CTT", Paired, &[3, 4]),
    note("CTT", Paired, &[5, 6]),
    // CUR syntax notes C0807, C0907, L101112
    note("CUR", Conditional, &[8, 7]),
    note("CUR", Conditional, &[9, 7]),
    note("CUR", ListConditional, &[10, 11, 12]),
    // DTM syntax notes R020305, C0403, P0506
    note("DTM", Required, &[2, 3, 5]),
    note("DTM", Conditional, &[4, 3]),
    note("DTM", Paired, &[5, 6]),
    // IT1 syntax notes P020304, P0607 … P2425
    note("IT1", Paired, &[2, 3, 4]),
    note("IT1", Paired, &[6, 7]),
    note("IT1", Paired, &[8, 9]),
    note("IT1", Paired, &[10, 11]),
    note("IT1", Paired, &[12, 13]),
    note("IT1", Paired, &[14, 15]),
    note("IT1", Paired, &[16, 17]),
    note("IT1", Paired, &[18, 19]),
    note("IT1", Paired, &[20, 21]),
    note("IT1", Paired, &[22, 23]),
    note("IT1", Paired, &[24, 25]),
    // LIN syntax notes P0405 … P3031 (LIN02/LIN03 are mandatory)
    note("LIN", Paired, &[4, 5]),
    note("LIN", Paired, &[6, 7]),
    note("LIN", Paired, &[8, 9]),
    note("LIN", Paired, &[10, 11]),
    note("LIN", Paired, &[12, 13]),
    note("LIN", Paired, &[14, 15]),
    note("LIN", Paired, &[16, 17]),
    note("LIN", Paired, &[18, 19]),
    note("LIN", Paired, &[20, 21]),
    note("LIN", Paired, &[22, 23]),
    note("LIN", Paired, &[24, 25]),
    note("LIN", Paired, &[26, 27]),
    note("LIN", Paired, &[28, 29]),
    note("LIN", Paired, &[30, 31]),
    // NCD syntax note R0102 (842's nonconformance description)
    note("NCD", Required, &[1, 2]),
    // N1 syntax notes R0203, P0304
    note("N1", Required, &[2, 3]),
    note("N1", Paired, &[3, 4]),
    // N4 syntax note C0605
    note("N4", Conditional, &[6, 5]),
    // MAN syntax notes P0405, C0605
    note("MAN", Paired, &[4, 5]),
    note("MAN", Conditional, &[6, 5]),
    // PER syntax notes P0304, P0506, P0708
    note("PER", Paired, &[3, 4]),
    note("PER", Paired, &[5, 6]),
    note("PER", Paired, &[7, 8]),
    // PID syntax notes C0403, R0405, C0703, C0804, C0905
    note("PID", Conditional, &[4, 3]),
    note("PID", Required, &[4, 5]),
    note("PID", Conditional, &[7, 3]),
    note("PID", Conditional, &[8, 4]),
    note("PID", Conditional, &[9, 5]),
    // PO1 syntax notes C0302, C0504, P0607 … P2425
    note("PO1", Conditional, &[3, 2]),
    note("PO1", Conditional, &[5, 4]),
    note("PO1", Paired, &[6, 7]),
    note("PO1", Paired, &[8, 9]),
    note("PO1", Paired, &[10, 11]),
    note("PO1", Paired, &[12, 13]),
    note("PO1", Paired, &[14, 15]),
    note("PO1", Paired, &[16, 17]),
    note("PO1", Paired, &[18, 19]),
    note("PO1", Paired, &[20, 21]),
    note("PO1", Paired, &[22, 23]),
    note("PO1", Paired, &[24, 25]),
    // REF syntax note R0203
    note("REF", Required, &[2, 3]),
    // SAC syntax notes R0203, P0304, P0607, P0910, C1110, L130204
    note("SAC", Required, &[2, 3]),
    note("SAC", Paired, &[3, 4]),
    note("SAC", Paired, &[6, 7]),
    note("SAC", Paired, &[9, 10]),
    note("SAC", Conditional, &[11, 10]),
    note("SAC", ListConditional, &[13, 2, 4]),
    // SN1 syntax note P0506
    note("SN1", Paired, &[5, 6]),
    // TD1 syntax notes C0102, C0304, C0607, P0708, P0910
    note("TD1", Conditional, &[1, 2]),
    note("TD1", Conditional, &[3, 4]),
    note("TD1", Conditional, &[6, 7]),
    note("TD1", Paired, &[7, 8]),
    note("TD1", Paired, &[9, 10]),
    // TD5 syntax notes R0204050612, C0203, C0708
    note("TD5", Required, &[2, 4, 5, 6, 12]),
    note("TD5", Conditional, &[2, 3]),
    note("TD5", Conditional, &[7, 8]),
];

/// The note's code as the standard writes it: `P0607`, `R020305`.
pub fn code(note: &Note) -> String {
    let letter = match note.relation {
        Paired => 'P',
        Required => 'R',
        Exclusion => 'E',
        Conditional => 'C',
        ListConditional => 'L',
    };
    let numbers: String = note.elements.iter().map(|n| format!("{n:02}")).collect();
    format!("{letter}{numbers}")
}

/// The element at which `seg` breaks `note`, and why; `None` when it keeps it.
pub fn broken(seg: Seg<'_>, note: &Note) -> Option<(usize, String)> {
    let present = |n: &usize| seg.text(*n).is_some();
    let name = |n: usize| format!("{}{n:02}", note.segment);
    let list = |ns: &[usize]| ns.iter().map(|n| name(*n)).collect::<Vec<_>>().join(", ");
    let (first, rest) = note.elements.split_first()?;
    match note.relation {
        Paired => {
            let given = note.elements.iter().find(|n| present(n))?;
            let missing = note.elements.iter().find(|n| !present(n))?;
            Some((
                *missing,
                format!(
                    "{} is given, so {} must be too (all or none of {})",
                    name(*given),
                    name(*missing),
                    list(note.elements)
                ),
            ))
        }
        Required => (!note.elements.iter().any(present)).then(|| {
            (
                *first,
                format!("at least one of {} is required", list(note.elements)),
            )
        }),
        Exclusion => {
            let mut given = note.elements.iter().filter(|n| present(n));
            let one = given.next()?;
            let two = given.next()?;
            Some((
                *two,
                format!(
                    "{} and {} are both given; at most one of {} may be",
                    name(*one),
                    name(*two),
                    list(note.elements)
                ),
            ))
        }
        Conditional => {
            if !present(first) {
                return None;
            }
            let missing = rest.iter().find(|n| !present(n))?;
            Some((
                *missing,
                format!(
                    "{} is given, so {} is required",
                    name(*first),
                    name(*missing)
                ),
            ))
        }
        ListConditional => (present(first) && !rest.iter().any(present)).then(|| {
            (
                rest.first().copied().unwrap_or(*first),
                format!(
                    "{} is given, so at least one of {} is required",
                    name(*first),
                    list(rest)
                ),
            )
        }),
    }
}

/// Checks `seg` against its notes: a broken one fails a strict read and is a warning in a
/// lenient one.
pub fn check(seg: Seg<'_>) -> Result<(), AdapterError> {
    for note in NOTES.iter().filter(|n| n.segment == seg.id()) {
        if let Some((element, why)) = broken(seg, note) {
            let problem = seg.invalid(
                element,
                format!("syntax note {} of {}: {why}", code(note), note.segment),
            );
            seg.place.tolerate(problem)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::Place;
    use crate::syntax::Segment;

    fn with_segment<T>(text: &str, f: impl FnOnce(Seg<'_>) -> T) -> T {
        let mut parts = text.split('*');
        let segment = Segment {
            id: parts.next().unwrap_or_default().to_owned(),
            elements: parts.map(str::to_owned).collect(),
            file_position: 1,
        };
        let place = Place {
            interchange: "1".to_owned(),
            group: "1".to_owned(),
            message: "0001".to_owned(),
            set_id: "850".to_owned(),
            component: '>',
            version: "004010".to_owned(),
            strict: true,
            warnings: Default::default(),
        };
        f(Seg {
            segment: &segment,
            position: 2,
            place: &place,
            previous: None,
        })
    }

    fn broken_at(text: &str, relation: Relation, elements: &'static [usize]) -> Option<usize> {
        let note = note("XYZ", relation, elements);
        with_segment(text, |seg| broken(seg, &note).map(|(n, _)| n))
    }

    #[test]
    fn each_relation_is_read_as_x12_6_defines_it() {
        assert_eq!(broken_at("XYZ*A*B", Paired, &[1, 2]), None);
        assert_eq!(broken_at("XYZ**", Paired, &[1, 2]), None);
        assert_eq!(broken_at("XYZ**B", Paired, &[1, 2]), Some(1));
        assert_eq!(broken_at("XYZ***C", Required, &[1, 2, 3]), None);
        assert_eq!(broken_at("XYZ*", Required, &[1, 2, 3]), Some(1));
        assert_eq!(broken_at("XYZ*A", Exclusion, &[1, 2]), None);
        assert_eq!(broken_at("XYZ*A*B", Exclusion, &[1, 2]), Some(2));
        assert_eq!(broken_at("XYZ**B", Conditional, &[1, 2, 3]), None);
        assert_eq!(broken_at("XYZ*A*B", Conditional, &[1, 2, 3]), Some(3));
        assert_eq!(broken_at("XYZ*A**C", ListConditional, &[1, 2, 3]), None);
        assert_eq!(broken_at("XYZ*A", ListConditional, &[1, 2, 3]), Some(2));
        assert_eq!(broken_at("XYZ**B", ListConditional, &[1, 2, 3]), None);
    }

    #[test]
    fn codes_are_written_as_the_standard_writes_them() {
        let codes: Vec<String> = NOTES.iter().take(7).map(code).collect();
        assert_eq!(
            codes,
            [
                "C0706", "P0304", "P0506", "C0807", "C0907", "L101112", "R020305"
            ]
        );
    }
}
