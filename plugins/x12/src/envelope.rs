//! The envelope structure: an interchange's segments grouped into ISA … IEA, GS … GE and
//! ST … SE, with the control numbers and counts checked.
//!
//! Nesting that cannot be followed (an ST outside a group, a group without GE) is a syntax
//! error. Counts and control numbers that disagree (SE01, SE02, GE01, GE02, IEA01, IEA02) are
//! errors when the agreement is strict and warnings when it is lenient: a lenient decode
//! reports every mismatch and reads on, it never quietly corrects one. A strict SE mismatch
//! refuses only its own transaction set ([`Transaction::refused`]), as a 997 answers it with
//! AK5 code 4 or 3; a GE or IEA mismatch refuses the whole interchange.

use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::error;

use crate::syntax::{Delimiters, RawInterchange, Segment};

/// One ISA … IEA interchange.
#[derive(Debug)]
pub struct Interchange {
    pub delimiters: Delimiters,
    pub isa: Segment,
    pub groups: Vec<Group>,
}

impl Interchange {
    /// ISA13, the interchange control number.
    pub fn control(&self) -> &str {
        self.isa.raw(13).trim()
    }
}

/// One GS … GE functional group.
#[derive(Debug)]
pub struct Group {
    pub gs: Segment,
    pub transactions: Vec<Transaction>,
}

impl Group {
    /// GS06, the group control number.
    pub fn control(&self) -> &str {
        self.gs.raw(6).trim()
    }
}

/// One ST … SE transaction set, both included: `segments[0]` is ST, at position 1.
#[derive(Debug)]
pub struct Transaction {
    pub segments: Vec<Segment>,
    /// Why a strict agreement refuses this set whatever its content (its SE disagrees).
    pub refused: Option<AdapterError>,
}

impl Transaction {
    /// ST01, the transaction set identifier ("850").
    pub fn set_id(&self) -> &str {
        self.segments.first().map_or("", |st| st.raw(1).trim())
    }

    /// ST02, the transaction set control number.
    pub fn control(&self) -> &str {
        self.segments.first().map_or("", |st| st.raw(2).trim())
    }
}

/// Whether envelope mismatches stop the decode, and the warnings of a lenient one.
#[derive(Debug, Default)]
pub struct Checks {
    pub strict: bool,
    pub warnings: Vec<AdapterError>,
}

impl Checks {
    /// A count or control number that disagrees: an error when strict, else a warning.
    pub fn mismatch(&mut self, problem: AdapterError) -> Result<(), AdapterError> {
        if self.strict {
            Err(problem)
        } else {
            self.warnings.push(problem);
            Ok(())
        }
    }
}

/// Where an envelope segment sits, for its errors.
fn at(
    segment: &Segment,
    interchange: &str,
    group: Option<&str>,
    message: Option<(&str, &str)>,
    position: u32,
    element: Option<u32>,
) -> SegmentLocation {
    SegmentLocation {
        interchange: Some(interchange.to_owned()),
        group: group.map(str::to_owned),
        message: message.map(|(control, _)| control.to_owned()),
        message_type: message.map(|(_, set_id)| set_id.to_owned()),
        position,
        segment_id: segment.id.clone(),
        element,
        component: None,
    }
}

/// Compares a trailer's count or control number with what it closes.
struct Trailer<'a> {
    segment: &'a Segment,
    interchange: &'a str,
    group: Option<&'a str>,
    /// ST02 and ST01 of the set an SE closes.
    message: Option<(&'a str, &'a str)>,
    position: u32,
}

impl Trailer<'_> {
    fn count(&self, element: usize, actual: usize, what: &str) -> Option<AdapterError> {
        let written = self.segment.raw(element).trim();
        if written.parse::<usize>().ok() == Some(actual) {
            return None;
        }
        Some(
            error::validation(format!(
                "{}{element:02} says {written:?} {what}, but there are {actual}",
                self.segment.id
            ))
            .at_segment(at(
                self.segment,
                self.interchange,
                self.group,
                self.message,
                self.position,
                Some(element as u32),
            )),
        )
    }

    fn control(&self, element: usize, expected: &str, opener: &str) -> Option<AdapterError> {
        let written = self.segment.raw(element).trim();
        if written == expected {
            return None;
        }
        Some(
            error::validation(format!(
                "{}{element:02} {written:?} does not match {opener} {expected:?}",
                self.segment.id
            ))
            .at_segment(at(
                self.segment,
                self.interchange,
                self.group,
                self.message,
                self.position,
                Some(element as u32),
            )),
        )
    }
}

fn nesting(
    segment: &Segment,
    interchange: &str,
    group: Option<&str>,
    message: String,
) -> AdapterError {
    error::syntax(message).at_segment(at(
        segment,
        interchange,
        group,
        None,
        segment.file_position,
        None,
    ))
}

/// Groups one interchange's segments and checks its trailers.
pub fn structure(raw: RawInterchange, checks: &mut Checks) -> Result<Interchange, AdapterError> {
    let mut segments = raw.segments.into_iter();
    let Some(isa) = segments.next() else {
        return Err(error::syntax("an interchange without ISA"));
    };
    let control = isa.raw(13).trim().to_owned();
    let mut groups: Vec<Group> = Vec::new();
    let mut group: Option<Group> = None;
    let mut transaction: Option<Vec<Segment>> = None;
    let mut closed = false;
    let mut acknowledgments = 0;
    for segment in segments {
        let group_control = group.as_ref().map(|g| g.control().to_owned());
        let group_control = group_control.as_deref();
        if let Some(open) = transaction.as_mut() {
            match segment.id.as_str() {
                "SE" => {
                    open.push(segment);
                    let segments = transaction.take().unwrap_or_default();
                    let mut done = Transaction {
                        segments,
                        refused: None,
                    };
                    check_transaction(&mut done, &control, group_control, checks);
                    if let Some(group) = group.as_mut() {
                        group.transactions.push(done);
                    }
                }
                "ST" | "GS" | "GE" | "IEA" | "ISA" => {
                    let st = open
                        .first()
                        .map_or(String::new(), |st| st.raw(2).trim().to_owned());
                    return Err(nesting(
                        &segment,
                        &control,
                        group_control,
                        format!(
                            "{} before the SE that closes transaction set {st}",
                            segment.id
                        ),
                    ));
                }
                _ => open.push(segment),
            }
            continue;
        }
        match (segment.id.as_str(), group.is_some()) {
            ("GS", false) => {
                group = Some(Group {
                    gs: segment,
                    transactions: Vec::new(),
                })
            }
            ("ST", true) => transaction = Some(vec![segment]),
            ("GE", true) => {
                if let Some(done) = group.take() {
                    // A group must hold at least one set; an empty one would decode to nothing
                    // and say nothing.
                    if done.transactions.is_empty() {
                        return Err(nesting(
                            &segment,
                            &control,
                            Some(done.control()),
                            format!(
                                "functional group {} holds no transaction set (no ST before GE)",
                                done.control()
                            ),
                        ));
                    }
                    let trailer = Trailer {
                        segment: &segment,
                        interchange: &control,
                        group: Some(done.control()),
                        message: None,
                        position: segment.file_position,
                    };
                    let problems = [
                        trailer.count(1, done.transactions.len(), "transaction sets"),
                        trailer.control(2, done.control(), "GS06"),
                    ];
                    for problem in problems.into_iter().flatten() {
                        checks.mismatch(problem)?;
                    }
                    groups.push(done);
                }
            }
            ("IEA", false) => {
                let trailer = Trailer {
                    segment: &segment,
                    interchange: &control,
                    group: None,
                    message: None,
                    position: segment.file_position,
                };
                let problems = [
                    trailer.count(1, groups.len(), "functional groups"),
                    trailer.control(2, &control, "ISA13"),
                ];
                for problem in problems.into_iter().flatten() {
                    checks.mismatch(problem)?;
                }
                closed = true;
            }
            // An interchange acknowledgment may sit between ISA and the first GS; it answers
            // an interchange, not a document, so there is nothing to map.
            ("TA1", false) => {
                acknowledgments += 1;
                checks.warnings.push(
                    error::unsupported("TA1 interchange acknowledgment is not read").at_segment(
                        at(&segment, &control, None, None, segment.file_position, None),
                    ),
                )
            }
            (id, in_group) => {
                let message = match (id, in_group) {
                    ("GS", true) => "GS before the GE that closes the previous group".to_owned(),
                    ("IEA", true) => "IEA before the GE that closes the group".to_owned(),
                    ("ST", false) => "ST outside a functional group (no GS before it)".to_owned(),
                    ("GE", false) => "GE without a GS".to_owned(),
                    (id, _) => format!("{id} outside a transaction set"),
                };
                return Err(nesting(&segment, &control, group_control, message));
            }
        }
    }
    if transaction.is_some() || group.is_some() || !closed {
        let missing = if transaction.is_some() {
            "SE"
        } else if group.is_some() {
            "GE"
        } else {
            "IEA"
        };
        return Err(error::syntax(format!(
            "interchange {control} ends without its {missing} trailer"
        ))
        .at_segment(at(&isa, &control, None, None, isa.file_position, None)));
    }
    // ISA … IEA with nothing inside would decode to zero documents without a word. Only an
    // interchange that carries TA1 acknowledgments alone may hold no group.
    if groups.is_empty() && acknowledgments == 0 {
        return Err(error::syntax(format!(
            "interchange {control} holds no functional group (no GS between ISA and IEA): \
             nothing to read"
        ))
        .at_segment(at(&isa, &control, None, None, isa.file_position, None)));
    }
    Ok(Interchange {
        delimiters: raw.delimiters,
        isa,
        groups,
    })
}

/// SE01 and SE02 against the set they close: a strict agreement refuses that set alone,
/// a lenient one reads it with a warning.
fn check_transaction(
    done: &mut Transaction,
    interchange: &str,
    group: Option<&str>,
    checks: &mut Checks,
) {
    let Some(se) = done.segments.last() else {
        return;
    };
    let trailer = Trailer {
        segment: se,
        interchange,
        group,
        message: Some((done.control(), done.set_id())),
        position: done.segments.len() as u32,
    };
    let problems = [
        trailer.count(1, done.segments.len(), "segments"),
        trailer.control(2, done.control(), "ST02"),
    ];
    for problem in problems.into_iter().flatten() {
        if checks.strict {
            done.refused.get_or_insert(problem);
        } else {
            checks.warnings.push(problem);
        }
    }
}
