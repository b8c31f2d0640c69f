//! What an order states that `<OrderRequest>` has no attribute for, written so that it reads
//! back: other dates and payment terms.
//!
//! - A date cXML has no attribute for (a header date besides the order date and the requested
//!   delivery; a line date besides its requested delivery) is
//!   `<Extrinsic name="date.<Kind>[.<qualifier>]">value</Extrinsic>`, in the header or the
//!   line's `ItemDetail`: `date.Other.011` holds SAP's IDoc creation date. Read back it is a
//!   date of that kind and qualifier again.
//! - Payment terms in the form "2% 14 days, 30 days" are `<PaymentTerm>` elements (see
//!   [`crate::invoice::terms`]); other terms (SAP's key "ZB14") are
//!   `<Extrinsic name="PaymentTerms">`. Either reads back as the order's payment terms.

use wharf_guest_sdk::canonical::{DateKind, Dated, Extension};
use wharf_guest_sdk::xml::Element;

use crate::extensions::{extrinsic_element, take_extrinsics};
use crate::invoice::terms;
use crate::values::iso_date;

/// The Extrinsic name prefix of dates.
pub const DATE_PREFIX: &str = "date.";

/// The Extrinsic name of payment terms that are not `PaymentTerm` days.
pub const PAYMENT_TERMS: &str = "PaymentTerms";

/// Date kinds by the name an Extrinsic spells them with.
const KINDS: &[(&str, DateKind)] = &[
    ("Document", DateKind::Document),
    ("RequestedDelivery", DateKind::RequestedDelivery),
    ("PromisedDelivery", DateKind::PromisedDelivery),
    ("RequestedShip", DateKind::RequestedShip),
    ("PromisedShip", DateKind::PromisedShip),
    ("Shipped", DateKind::Shipped),
    ("ExpectedDelivery", DateKind::ExpectedDelivery),
    ("Delivered", DateKind::Delivered),
    ("Received", DateKind::Received),
    ("Invoice", DateKind::Invoice),
    ("Due", DateKind::Due),
    ("Effective", DateKind::Effective),
    ("Expiry", DateKind::Expiry),
    ("Other", DateKind::Other),
];

/// `<Extrinsic name="date.…">` elements for `dates`.
pub fn write_dates<'a>(dates: impl IntoIterator<Item = &'a Dated>) -> Vec<Element> {
    dates
        .into_iter()
        .filter_map(|d| {
            let kind = KINDS.iter().find(|(_, k)| *k == d.kind)?.0;
            let name = match &d.qualifier {
                Some(qualifier) => format!("{DATE_PREFIX}{kind}.{qualifier}"),
                None => format!("{DATE_PREFIX}{kind}"),
            };
            Some(extrinsic_element(&name, &d.value))
        })
        .collect()
}

/// Takes the `date.…` Extrinsics out of `extensions` as dates; one whose kind or date does
/// not read stays an extension.
pub fn take_dates(extensions: &mut Vec<Extension>) -> Vec<Dated> {
    take_extrinsics(extensions, DATE_PREFIX, |name, text| {
        let (kind, qualifier) = match name.split_once('.') {
            Some((kind, qualifier)) => (kind, Some(qualifier.to_owned())),
            None => (name, None),
        };
        let kind = KINDS.iter().find(|(k, _)| *k == kind)?.1;
        Some(Dated {
            kind,
            value: iso_date(text.trim()).ok()?,
            qualifier,
        })
    })
}

/// The header elements for payment terms: `PaymentTerm`s when every term is days (and a
/// discount), else one Extrinsic, which the caller places among the header's Extrinsics.
pub fn write_payment_terms(payment_terms: Option<&str>) -> (Vec<Element>, Option<Element>) {
    match payment_terms {
        None => (Vec::new(), None),
        Some(text) => match terms::parse(text) {
            Some(elements) => (elements, None),
            None => (Vec::new(), Some(extrinsic_element(PAYMENT_TERMS, text))),
        },
    }
}

/// The payment terms read from `PaymentTerm`s (`days`) or the `PaymentTerms` Extrinsic.
pub fn take_payment_terms(days: Option<String>, extensions: &mut Vec<Extension>) -> Option<String> {
    let mut extrinsic = take_extrinsics(extensions, PAYMENT_TERMS, |rest, text| {
        rest.is_empty().then(|| text.to_owned())
    });
    days.or_else(|| (!extrinsic.is_empty()).then(|| extrinsic.remove(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::extrinsic;
    use wharf_guest_sdk::xml;

    fn read_back(elements: &[Element]) -> Vec<Extension> {
        let mut out = Vec::new();
        for element in elements {
            let parsed = xml::parse(element.to_xml(None).as_bytes()).unwrap();
            extrinsic(&parsed, &mut out);
        }
        out
    }

    #[test]
    fn dates_without_an_attribute_read_back() {
        let dates = [
            Dated {
                kind: DateKind::Other,
                value: "2026-01-15T09:30:12".into(),
                qualifier: Some("011".into()),
            },
            Dated {
                kind: DateKind::Effective,
                value: "2026-02-01".into(),
                qualifier: None,
            },
        ];
        let written = write_dates(&dates);
        assert_eq!(written[0].get("name"), Some("date.Other.011"));
        let mut extensions = read_back(&written);
        assert_eq!(take_dates(&mut extensions), dates);
        assert!(extensions.is_empty());
    }

    #[test]
    fn a_date_that_does_not_read_stays_an_extension() {
        let mut extensions = read_back(&[
            extrinsic_element("date.Someday", "2026-01-15"),
            extrinsic_element("date.Due", "soon"),
        ]);
        assert!(take_dates(&mut extensions).is_empty());
        assert_eq!(extensions.len(), 2);
    }

    #[test]
    fn payment_terms_are_days_or_an_extrinsic() {
        let (days, none) = write_payment_terms(Some("2% 14 days, 30 days"));
        assert_eq!((days.len(), none), (2, None));
        let (days, extrinsic) = write_payment_terms(Some("ZB14"));
        assert!(days.is_empty());
        let mut extensions = read_back(&extrinsic.into_iter().collect::<Vec<_>>());
        assert_eq!(
            take_payment_terms(None, &mut extensions).as_deref(),
            Some("ZB14")
        );
        assert!(extensions.is_empty());
    }
}
