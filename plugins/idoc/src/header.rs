//! Header and summary segments that orders and order responses share: E1EDK01 (handed to the
//! message to take its own fields from), E1EDK14 organization data, E1EDK03 dates, E1EDKA1
//! partners, E1EDK02 references, E1EDKT1 texts and E1EDS01 totals.
//!
//! E1EDK14 is kept as extensions `idoc.E1EDK14.<QUALF>` holding ORGID (purchasing
//! organization, company code, ...), since the model has no organization fields. Segments this
//! adapter does not map at all (E1EDK17 delivery terms, E1EDK18 payment terms other than their
//! description, customer segments, ...) are kept under `idoc.<segment>` and written back where
//! they belong. Payment terms in words (from another standard, where SAP's ZTERM key would
//! name a key that does not exist) are E1EDK18 QUALF 005, "description of payment term", in
//! ZTERM_TXT lines of 70 characters ([`read_payment_terms`], [`write_payment_terms`]).

use wharf_guest_sdk::canonical::{DateKind, Dated, Extension, Identifier, Money, Note, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{date, error, text_extension};

use crate::codes::Origin;
use crate::keyed;
use crate::output::{extension_text, restore, segment, write_date, write_decimal};
use crate::parties::{self, Numbering};
use crate::qualified::{self, Primary};
use crate::segments::{Segment, occurrence_keys};
use crate::texts;

/// The qualifier of the reference naming the customer's purchase order.
pub const PURCHASE_ORDER: &str = "001";
/// IDDAT of the purchase order's own date, given when it comes from E1EDK02.
const PURCHASE_ORDER_DATE: &str = "022";
/// E1EDK18 QUALF of the payment terms' description in words.
const PAYMENT_TERMS_TEXT: &str = "005";
/// The length of E1EDK18 ZTERM_TXT (CHAR 70).
const PAYMENT_TERMS_LINE: usize = 70;

/// E1EDS01 SUMID of the total value.
pub const TOTAL_VALUE: &str = "002";

/// Segments under `<IDOC>` that a mapping writes itself, keyed by a qualifier; the generic
/// write-back of extensions leaves them alone.
const CLAIMED: &[&str] = &[
    "EDI_DC40", "E1EDK14", "E1EDK03", "E1EDKA1", "E1EDK02", "E1EDKT1", "E1EDS01", "E1EDP01",
];

/// The shared header of one IDoc, read.
pub struct Header<'a> {
    /// E1EDK01, whose fields the message takes before keeping the rest.
    pub general: Option<Segment<'a>>,
    pub dates: Vec<Dated>,
    pub parties: Vec<Party>,
    /// The E1EDK02 naming the purchase order, when there is one.
    pub purchase_order: Option<Primary>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub extensions: Vec<Extension>,
}

/// Reads the shared header segments of `idoc`. With `order_date` (an order), the purchase
/// order reference's date is the document's date when no E1EDK03 gives one; without (a
/// response, a change, an invoice), it is the date of the order referred to, a date of kind
/// Other under [`date::SAP_ORDER_DATE`].
pub fn read<'a>(
    idoc: &mut Segment<'a>,
    order_date: bool,
    numbering: Numbering,
) -> Result<Header<'a>, AdapterError> {
    let mut extensions = Vec::new();
    let mut general = idoc.segments("E1EDK01").into_iter();
    let first = general.next();
    for extra in general {
        extra.leftovers(&format!("idoc.{}", extra.key_name()), &mut extensions);
    }
    for mut organization in idoc.segments("E1EDK14") {
        let qualf = organization.require("QUALF", "the organization qualifier")?;
        if let Some(orgid) = organization.text("ORGID") {
            extensions.push(text_extension(format!("idoc.E1EDK14.{qualf}"), orgid));
        }
        organization.leftovers(&format!("idoc.E1EDK14.{qualf}"), &mut extensions);
    }
    let mut dates = qualified::read_dates(idoc, "E1EDK03", &mut extensions)?;
    let parties = parties::read(idoc, numbering, &mut extensions)?;
    // The purchase order's DATUM is the document's own date in an order without an E1EDK03
    // document date; in a response or a change it is the date of the order answered. (An
    // order that has both keeps DATUM as it came, an extension.)
    let own_date = order_date && !dates.iter().any(|d| d.kind == DateKind::Document);
    let (purchase_order, references) = qualified::read_references(
        idoc,
        "E1EDK02",
        Some(PURCHASE_ORDER),
        own_date || !order_date,
        &mut extensions,
    )?;
    if let Some(value) = purchase_order.as_ref().and_then(|po| po.date.clone()) {
        let (kind, qualifier) = if own_date {
            (DateKind::Document, PURCHASE_ORDER_DATE)
        } else {
            (DateKind::Other, date::SAP_ORDER_DATE)
        };
        dates.push(Dated {
            kind,
            value,
            qualifier: Some(qualifier.to_owned()),
        });
    }
    let notes = texts::read(idoc, texts::HEADER, &mut extensions)?;
    Ok(Header {
        general: first,
        dates,
        parties,
        purchase_order,
        references,
        notes,
        extensions,
    })
}

/// The shared header of one IDoc, to write.
pub struct HeaderOut<'d> {
    /// E1EDK01 with the message's own fields already in it.
    pub general: Element,
    pub dates: &'d [Dated],
    pub parties: &'d [Party],
    pub numbering: Numbering,
    /// The purchase order written as E1EDK02 QUALF 001 before the other references; when
    /// given, it must not be blank.
    pub purchase_order: Option<&'d str>,
    pub references: &'d [Identifier],
    pub notes: &'d [Note],
    pub extensions: &'d [Extension],
    /// Header segments the message writes itself (an invoice's taxes and charges), placed
    /// before kept extensions are restored so those fill them by position.
    pub own_segments: Vec<Element>,
    pub origin: Origin,
    /// The basic type written, for error locations.
    pub basic_type: &'d str,
}

/// Writes the shared header segments, and every document extension of a segment this adapter
/// does not map, in any order ([`crate::layout::arrange`] orders them).
pub fn write(header: HeaderOut<'_>) -> Result<Vec<Element>, AdapterError> {
    let root = format!("/{}/IDOC", header.basic_type);
    if header.purchase_order.is_some_and(|po| po.trim().is_empty()) {
        return Err(
            error::validation("the document names no purchase order number")
                .at_xml(format!("{root}/E1EDK02/BELNR")),
        );
    }
    let mut idoc = Element::new("IDOC").child(header.general);
    for extension in header.extensions {
        // Only `idoc.E1EDK14.<QUALF>` holds an ORGID; deeper keys are not E1EDK14 fields.
        if let Some(qualf) = extension.key.strip_prefix("idoc.E1EDK14.")
            && !qualf.contains('.')
            && let Some(orgid) = extension_text(&extension.value)
        {
            idoc.children.push(
                segment("E1EDK14")
                    .text_child("QUALF", qualf)
                    .text_child("ORGID", orgid),
            );
        }
    }
    idoc.children.extend(qualified::write_dates(
        header.dates,
        "E1EDK03",
        &root,
        header.extensions,
        header.origin,
    )?);
    idoc.children.extend(parties::write(
        header.parties,
        header.numbering,
        header.extensions,
        header.origin,
    ));
    let mut references = qualified::write_references(
        header.purchase_order.map(|po| (PURCHASE_ORDER, po.trim())),
        header.references,
        "E1EDK02",
        header.extensions,
    );
    // The date of the order a response or change answers (any standard's, see
    // `date::is_order_date`) goes with the order's number, as E1EDK02 QUALF 001 DATUM/UZEIT.
    if header.purchase_order.is_some()
        && let Some(first) = references.first_mut()
        && first.text_of("DATUM").is_none()
        && let Some(dated) = header.dates.iter().find(|d| date::is_order_date(d))
    {
        let path = format!("{root}/E1EDK02[1]/DATUM");
        let (day, time) = write_date(&dated.value, &path)?;
        // E1EDK02's fields run QUALF, BELNR, POSNR, DATUM, UZEIT: the order's time, when the
        // source gives one (a cXML orderDate does), goes in UZEIT.
        let at = first
            .children
            .iter()
            .rposition(|c| c.name == "BELNR" || c.name == "POSNR")
            .map_or(first.children.len(), |i| i + 1);
        first
            .children
            .insert(at, Element::new("DATUM").with_text(day));
        if let Some(time) = time
            && first.text_of("UZEIT").is_none()
        {
            first
                .children
                .insert(at + 1, Element::new("UZEIT").with_text(time));
        }
    }
    idoc.children.extend(references);
    idoc.children.extend(texts::write(
        header.notes,
        texts::HEADER,
        header.extensions,
        header.origin.sap_codes,
    ));
    idoc.children.extend(header.own_segments);
    restore(&mut idoc, header.extensions, "idoc", CLAIMED);
    Ok(idoc.children)
}

/// Reads the E1EDS01 totals. For each SUMID in `take`, the first total with it is returned in
/// that place, in its own currency or else `header_currency`; every other total stays an
/// extension under `idoc.E1EDS01.<SUMID>`.
pub fn read_totals(
    idoc: &mut Segment<'_>,
    take: &[&str],
    header_currency: Option<&str>,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Option<Money>>, AdapterError> {
    let mut totals = idoc.segments("E1EDS01");
    let mut qualifiers = Vec::with_capacity(totals.len());
    for total in &mut totals {
        qualifiers.push(total.require("SUMID", "the total's qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut values: Vec<Option<Money>> = vec![None; take.len()];
    for ((mut total, sumid), key) in totals.into_iter().zip(qualifiers).zip(keys) {
        let place = take.iter().position(|wanted| *wanted == sumid);
        if let Some(place) = place.filter(|place| values[*place].is_none()) {
            let amount = match total.decimal("SUMME")? {
                Some(amount) => amount,
                None => {
                    return Err(
                        error::validation("<E1EDS01> has no SUMME (the total value)")
                            .at_xml(total.field_path("SUMME")),
                    );
                }
            };
            let own = total.text("WAERQ").or_else(|| total.text("SUNIT"));
            values[place] = Some(Money {
                amount,
                currency: own.or(header_currency).map(str::to_owned),
            });
        }
        total.leftovers(&format!("idoc.E1EDS01.{key}"), extensions);
    }
    Ok(values)
}

/// Writes the given totals (SUMID, amount) and every total kept as an extension, in SUMID
/// order as SAP does. `basic_type` is for error locations.
pub fn write_totals(
    totals: &[(&str, Option<&Money>)],
    extensions: &[Extension],
    basic_type: &str,
) -> Result<Vec<Element>, AdapterError> {
    let mut mapped = Vec::new();
    for (sumid, total) in totals {
        let Some(total) = total else { continue };
        let path = format!("/{basic_type}/IDOC/E1EDS01/SUMME");
        let summary = segment("E1EDS01")
            .text_child("SUMID", *sumid)
            .text_child("SUMME", write_decimal(&total.amount, &path)?)
            .text_child_opt("WAERQ", total.currency.clone());
        mapped.push((*sumid, summary));
    }
    Ok(keyed::write(
        "E1EDS01",
        "SUMID",
        mapped,
        extensions,
        "idoc.E1EDS01",
    ))
}

/// Whether payment terms are a key into SAP's customizing, written as E1EDK01 ZTERM: terms
/// that came from an IDoc and fit ZTERM (CHAR 4, no spaces). Anything else is words.
pub fn is_payment_terms_key(terms: &str, origin: Origin) -> bool {
    origin.sap_codes && terms.chars().count() <= 4 && !terms.contains(' ')
}

/// The payment terms E1EDK18 QUALF 005 describes (its ZTERM_TXT lines joined with a space);
/// every other E1EDK18 is kept as it would be unmapped.
pub fn read_payment_terms(
    idoc: &mut Segment<'_>,
    extensions: &mut Vec<Extension>,
) -> Option<String> {
    let mut lines = Vec::new();
    for mut terms in idoc.segments("E1EDK18") {
        if terms.peek("QUALF") == Some(PAYMENT_TERMS_TEXT)
            && let Some(line) = terms.peek("ZTERM_TXT")
        {
            terms.consume("QUALF");
            terms.consume("ZTERM_TXT");
            lines.push(line);
        }
        terms.leftovers(&format!("idoc.{}", terms.key_name()), extensions);
    }
    (!lines.is_empty()).then(|| lines.join(" "))
}

/// Payment terms in words as E1EDK18 QUALF 005 segments, cut at spaces into ZTERM_TXT lines
/// of at most 70 characters (a longer word is cut where it must be).
pub fn write_payment_terms(terms: &str) -> Vec<Element> {
    let mut lines: Vec<String> = Vec::new();
    for word in terms.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= PAYMENT_TERMS_LINE => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
        while lines
            .last()
            .is_some_and(|l| l.chars().count() > PAYMENT_TERMS_LINE)
        {
            let long = lines.pop().unwrap_or_default();
            let (head, tail): (String, String) = (
                long.chars().take(PAYMENT_TERMS_LINE).collect(),
                long.chars().skip(PAYMENT_TERMS_LINE).collect(),
            );
            lines.push(head);
            lines.push(tail);
        }
    }
    lines
        .into_iter()
        .map(|line| {
            segment("E1EDK18")
                .text_child("QUALF", PAYMENT_TERMS_TEXT)
                .text_child("ZTERM_TXT", line)
        })
        .collect()
}

#[cfg(test)]
mod payment_terms_tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn payment_terms_in_words_are_e1edk18_qualf_005_lines_of_70() {
        let terms = "2% 10 days, 30 days net from the date of invoice, payable by bank transfer \
                     to the account named on the invoice";
        let written = write_payment_terms(terms);
        assert_eq!(
            written.len(),
            2,
            "{} characters take two lines",
            terms.len()
        );
        let mut idoc = Element::new("IDOC");
        idoc.children.extend(written);
        // SAP's own terms 1 with days and percentage stay as they came.
        idoc.children.push(
            segment("E1EDK18")
                .text_child("QUALF", "001")
                .text_child("TAGE", "10")
                .text_child("PRZNT", "2"),
        );
        let text = idoc.to_xml(None);
        let parsed = xml::parse(text.as_bytes()).expect("parses");
        for line in parsed.children.iter().take(2) {
            assert_eq!(line.text_of("QUALF"), Some("005"));
            let zterm_txt = line.text_of("ZTERM_TXT");
            assert!(zterm_txt.is_some_and(|t| t.chars().count() <= 70));
        }
        let mut extensions = Vec::new();
        let read = read_payment_terms(&mut Segment::new(&parsed), &mut extensions);
        assert_eq!(read.as_deref(), Some(terms));
        let kept: Vec<&str> = extensions.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            kept,
            [
                "idoc.E1EDK18[3].QUALF",
                "idoc.E1EDK18[3].TAGE",
                "idoc.E1EDK18[3].PRZNT"
            ]
        );
    }
}
