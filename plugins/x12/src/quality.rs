//! 842 Nonconformance Report against the canonical quality notification, both ways.
//!
//! Written as 004010 defines the set (004060 and 005010 keep these segments and elements; only
//! lengths grew). Segments read and written:
//!
//! - Heading: BNR (BNR01 purpose, BNR02 the notification number, BNR03/BNR04 the report date,
//!   kind `Document`, BNR05 the report status), REF*PO the purchase order, DTM the other
//!   dates, the N1 loop the parties.
//! - Detail: one HL loop at item level (`HL*1**I`): LIN the item ids (qualifier/id pairs from
//!   LIN02), REF*LT each lot, QTY the quantity affected (QTY01 86, nonconformance quantity).
//!   Then one NCD loop per defect: NCD01 52 (non-conforming, which meets NCD's syntax note
//!   R0102), NCD03 the defect's ordinal, NCD05 ZZ (mutually defined) with NCD06 its code, NCD07
//!   its description, QTY*86 its quantity. The 842 heading has no NTE, so the notification's
//!   notes are NTE in the first NCD loop (in an NCD loop of their own, `NCD*52`, when there is
//!   no defect); NTE in any NCD loop are read as notes.
//!
//! Read leniently: any HL levels (report, item, component) are read as one flat notification,
//! DTM and N1 anywhere are its dates and parties, and an NCD that gives its code in NCD04
//! (product/process characteristic) rather than NCD06 is read with that code. A second LIN
//! names a second item, which the canonical notification cannot hold: that is refused, where
//! it is. Segments with no canonical place are kept as `x12.<SEG>` (heading), `x12.HL.<SEG>`
//! (item level) and `x12.D<n>.<SEG>` (defect n) and written back in those places.
//!
//! # How the action travels
//!
//! X12 has no hold/release element; the 842 says it through the report's purpose and status:
//!
//! | action  | written            | read                                           |
//! | ------- | ------------------ | ---------------------------------------------- |
//! | Hold    | BNR01 00, BNR05 OD | any other: an open report holds the material    |
//! | Release | BNR01 00, BNR05 CL | BNR05 CL (closed) or FI (final)                |
//! | Inform  | BNR01 22           | BNR01 22 (information copy), whatever BNR05 is  |
//!
//! OD is "open, waiting for authorization for material disposition": the material is held
//! until someone decides. A partner's own BNR01/BNR05 codes are kept and written back, as long
//! as they still say the document's action.

use wharf_guest_sdk::canonical::{Defect, Extension, Note, QualityAction, QualityNotification};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::common;
use crate::items;
use crate::parties;
use crate::purchase_order::{document_date, expect, quantity, split_document_date};
use crate::reader::{Body, Place, Seg, text_extension};
use crate::syntax::Segment;
use crate::writer::{Out, extension, raw_segments};

/// BNR01 "22", information copy.
const INFORMATION_COPY: &str = "22";
/// BNR01 "00", original.
const ORIGINAL: &str = "00";
/// NCD01 "52", non-conforming.
const NON_CONFORMING: &str = "52";
/// QTY01 "86", nonconformance quantity.
const NONCONFORMANCE_QUANTITY: &str = "86";
/// NCD05 "ZZ", mutually defined: the agency of defect codes agreed between the partners.
const MUTUALLY_DEFINED: &str = "ZZ";
/// REF01 "LT", lot number.
const LOT: &str = "LT";
/// Marks a defect whose code came from NCD04 rather than NCD06.
const CODE_IN_04: &str = "code_in_04";

/// The action an 842 says with BNR01 `purpose` and BNR05 `status` (see the module's table).
pub fn action_of(purpose: &str, status: Option<&str>) -> QualityAction {
    match (purpose, status) {
        (INFORMATION_COPY, _) => QualityAction::Inform,
        (_, Some("CL" | "FI")) => QualityAction::Release,
        _ => QualityAction::Hold,
    }
}

/// BNR01 and BNR05 written for `action` when the document keeps no codes of its own.
pub fn codes_for(action: QualityAction) -> (&'static str, Option<&'static str>) {
    match action {
        QualityAction::Hold => (ORIGINAL, Some("OD")),
        QualityAction::Release => (ORIGINAL, Some("CL")),
        QualityAction::Inform => (INFORMATION_COPY, None),
    }
}

/// Where in the set a segment was read, which names where its leftovers are kept.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Heading,
    Item,
    /// The NCD loop of the defect at this index.
    Defect(usize),
    /// An NCD loop that names no defect (notes only).
    General,
}

impl Scope {
    fn prefix(self) -> String {
        match self {
            Scope::Heading => String::new(),
            Scope::Item => "HL.".to_owned(),
            Scope::Defect(i) => defect_prefix(i),
            Scope::General => "G.".to_owned(),
        }
    }
}

fn defect_prefix(index: usize) -> String {
    format!("D{}.", index + 1)
}

pub fn read(segments: &[Segment], place: &Place) -> Result<QualityNotification, AdapterError> {
    let mut body = Body::new(segments, place);
    let bnr = expect(&mut body, "BNR", segments, place)?;
    let purpose = bnr.require(1, "BNR01, the transaction set purpose,")?;
    let number = bnr.require(2, "BNR02, the nonconformance report number,")?;
    bnr.require(3, "BNR03, the report date,")?;
    let status = bnr.text(5);
    let action = action_of(purpose, status);
    let mut q = QualityNotification {
        notification_number: number.to_owned(),
        action,
        po_number: None,
        item_ids: Vec::new(),
        lots: Vec::new(),
        quantity: None,
        defects: Vec::new(),
        dates: Vec::new(),
        parties: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    if let Some(value) = bnr.date(3, Some(4))? {
        q.dates.push(document_date(value));
    }
    let mut used = vec![2, 3, 4];
    let (own_purpose, own_status) = codes_for(action);
    if purpose == own_purpose {
        used.push(1);
    }
    if status == own_status {
        used.push(5);
    }
    bnr.leftovers(&used, "", &mut q.extensions);

    let mut scope = Scope::Heading;
    let mut item_line: Option<u32> = None;
    while let Some(seg) = body.next_seg() {
        match seg.id() {
            "N1" => q
                .parties
                .push(parties::read(seg, &mut body, &mut q.extensions)?),
            "HL" => scope = Scope::Item,
            "LIN" => {
                if let Some(first) = item_line {
                    return Err(error::unsupported(format!(
                        "a second item (LIN): a quality notification is about one item, and \
                         this 842 named one at segment {first} already"
                    ))
                    .at_segment(seg.location(None)));
                }
                item_line = Some(seg.position);
                let used = items::read_ids(seg, 2, "", &mut q.item_ids, &mut q.extensions);
                seg.leftovers(&used, "", &mut q.extensions);
            }
            "NCD" => scope = read_ncd(seg, &mut q)?,
            "QTY" => read_qty(seg, scope, &mut q)?,
            "REF" if scope == Scope::Heading && seg.text(1) == Some("PO") => {
                match (&q.po_number, seg.only_uses(&[1, 2])) {
                    (None, true) => q.po_number = seg.owned(2),
                    _ => q.extensions.push(seg.raw_extension("")),
                }
            }
            "REF" if seg.text(1) == Some(LOT) && seg.only_uses(&[1, 2]) => {
                q.lots.extend(seg.owned(2));
            }
            "DTM" => match common::read_dtm(seg)? {
                Some(dated) => q.dates.push(dated),
                None => q.extensions.push(seg.raw_extension(&scope.prefix())),
            },
            "NTE" if scope != Scope::Heading && scope != Scope::Item => {
                common::push_note(seg, &mut q.notes, &mut q.extensions)
            }
            _ => q.extensions.push(seg.raw_extension(&scope.prefix())),
        }
    }
    Ok(q)
}

/// NCD opens a defect's loop when it names a code (NCD06, else NCD04); otherwise a loop that
/// carries notes only.
fn read_ncd(seg: Seg<'_>, q: &mut QualityNotification) -> Result<Scope, AdapterError> {
    let (code, from) = match (seg.text(6), seg.text(4)) {
        (Some(code), _) => (code, 6),
        (None, Some(code)) => (code, 4),
        (None, None) => {
            let mut used = vec![3];
            if seg.text(1) == Some(NON_CONFORMING) {
                used.push(1);
            }
            seg.leftovers(&used, &Scope::General.prefix(), &mut q.extensions);
            return Ok(Scope::General);
        }
    };
    let index = q.defects.len();
    let prefix = defect_prefix(index);
    let mut used = vec![7, from];
    if seg.text(3).is_none_or(|n| n == (index + 1).to_string()) {
        used.push(3);
    }
    if seg.text(1) == Some(NON_CONFORMING) {
        used.push(1);
    }
    if from == 6 && seg.text(5) == Some(MUTUALLY_DEFINED) {
        used.push(5);
    }
    if from == 4 {
        q.extensions
            .push(text_extension(format!("x12.{prefix}NCD.{CODE_IN_04}"), "Y"));
    }
    seg.leftovers(&used, &prefix, &mut q.extensions);
    q.defects.push(Defect {
        code: code.to_owned(),
        description: seg.owned(7),
        quantity: None,
    });
    Ok(Scope::Defect(index))
}

/// QTY at item level is the quantity affected, in a defect's loop the defect's quantity.
fn read_qty(seg: Seg<'_>, scope: Scope, q: &mut QualityNotification) -> Result<(), AdapterError> {
    let prefix = scope.prefix();
    let slot = match scope {
        Scope::Item => &mut q.quantity,
        Scope::Defect(i) => match q.defects.get_mut(i) {
            Some(defect) => &mut defect.quantity,
            None => return Ok(()),
        },
        Scope::Heading | Scope::General => {
            q.extensions.push(seg.raw_extension(&prefix));
            return Ok(());
        }
    };
    if slot.is_some() || seg.text(2).is_none() {
        q.extensions.push(seg.raw_extension(&prefix));
        return Ok(());
    }
    let (value, mut used) = quantity(seg, 2, 3)?;
    *slot = Some(value);
    if seg.text(1) == Some(NONCONFORMANCE_QUANTITY) {
        used.push(1);
    }
    seg.leftovers(&used, &prefix, &mut q.extensions);
    Ok(())
}

/// The 842 body for `q`. `today` (CCYYMMDD) is BNR03 when the notification has no date of
/// its own, since BNR03 is mandatory.
pub fn write(q: &QualityNotification, today: &str) -> Result<Vec<Out>, AdapterError> {
    let ext = &q.extensions;
    let mut out = Vec::new();
    let (main, dates) = split_document_date(&q.dates);
    let (day, time) = match main {
        Some(d) => {
            let (day, time, _) = common::compact(&d.value, "dates")?;
            (day, time)
        }
        None => (today.to_owned(), None),
    };
    let (purpose, status) = bnr_codes(q.action, ext);
    out.push(
        Out::new("BNR")
            .with(1, purpose)
            .with(2, q.notification_number.clone())
            .with(3, day)
            .with_opt(4, time)
            .with_opt(5, status)
            .restore(ext, ""),
    );
    if let Some(po) = &q.po_number {
        out.push(Out::new("REF").with(1, "PO").with(2, po.clone()));
    }
    let kept = raw_segments(ext, "");
    let (kept_refs, kept_rest): (Vec<Out>, Vec<Out>) =
        kept.into_iter().partition(|o| o.id == "REF");
    out.extend(kept_refs);
    for (i, dated) in dates.iter().enumerate() {
        out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
    }
    out.extend(kept_rest);
    for party in &q.parties {
        parties::write(party, ext, &mut out)?;
    }
    out.push(Out::new("HL").with(1, "1").with(3, "I"));
    let mut lin = Out::new("LIN");
    items::write_ids(&mut lin, 2, 31, &q.item_ids, ext, "");
    let lin = lin.restore(ext, "");
    if (1..=31).any(|n| lin.has(n)) {
        out.push(lin);
    }
    for lot in &q.lots {
        out.push(Out::new("REF").with(1, LOT).with(2, lot.clone()));
    }
    if let Some(quantity) = &q.quantity {
        out.push(write_qty(quantity, ext, "HL."));
    }
    out.extend(raw_segments(ext, "HL."));
    for (i, defect) in q.defects.iter().enumerate() {
        write_defect(defect, i, ext, &mut out);
        if i == 0 {
            out.extend(q.notes.iter().flat_map(nte));
        }
    }
    let general = raw_segments(ext, "G.");
    let general_ncd = Out::new("NCD").restore(ext, "G.");
    let kept_ncd = (1..=7).any(|n| general_ncd.has(n));
    if q.defects.is_empty() && (!q.notes.is_empty() || !general.is_empty() || kept_ncd) {
        out.push(general_ncd.with_default(1, NON_CONFORMING));
        out.extend(q.notes.iter().flat_map(nte));
    }
    if !q.defects.is_empty() {
        out.extend(general);
    }
    Ok(out)
}

/// A note as NTE segments. The 842's NCD loop has NTE but no MSG, so a note of kind `MSG`
/// (from an 850 written in 005010) goes as `NTE*MSG*…`, which reads back as the same note.
fn nte(note: &Note) -> Vec<Out> {
    if note.kind.as_deref() != Some("MSG") {
        return common::write_note(note);
    }
    let plain = Note {
        kind: None,
        text: note.text.clone(),
    };
    common::write_note(&plain)
        .into_iter()
        .map(|out| out.with(1, "MSG"))
        .collect()
}

/// BNR01 and BNR05: the partner's own when they still say `action`, else the table's.
fn bnr_codes(action: QualityAction, ext: &[Extension]) -> (String, Option<String>) {
    let (purpose, status) = codes_for(action);
    let kept_purpose = extension(ext, "x12.BNR.01");
    let kept_status = extension(ext, "x12.BNR.05");
    let purpose = kept_purpose.unwrap_or_else(|| purpose.to_owned());
    let status = kept_status.or_else(|| status.map(str::to_owned));
    if action_of(&purpose, status.as_deref()) == action {
        return (purpose, status);
    }
    let (purpose, status) = codes_for(action);
    (purpose.to_owned(), status.map(str::to_owned))
}

fn write_qty(
    quantity: &wharf_guest_sdk::canonical::Quantity,
    ext: &[Extension],
    prefix: &str,
) -> Out {
    Out::new("QTY")
        .with(2, quantity.value.clone())
        .with(3, crate::codes::x12_unit(&quantity.unit))
        .restore(ext, prefix)
        .with_default(1, NONCONFORMANCE_QUANTITY)
}

fn write_defect(defect: &Defect, index: usize, ext: &[Extension], out: &mut Vec<Out>) {
    let prefix = defect_prefix(index);
    let in_04 = extension(ext, &format!("x12.{prefix}NCD.{CODE_IN_04}")).is_some();
    let mut ncd = Out::new("NCD").with_opt(7, defect.description.clone());
    ncd.set(if in_04 { 4 } else { 6 }, defect.code.clone());
    let mut ncd = ncd
        .restore(ext, &prefix)
        .with_default(1, NON_CONFORMING)
        .with_default(3, &(index + 1).to_string());
    if !in_04 {
        ncd = ncd.with_default(5, MUTUALLY_DEFINED);
    }
    out.push(ncd);
    if let Some(quantity) = &defect.quantity {
        out.push(write_qty(quantity, ext, &prefix));
    }
    out.extend(raw_segments(ext, &prefix));
}
