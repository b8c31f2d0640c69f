//! Reading single values out of cXML with the location of each: required attributes,
//! decimals and ISO 8601 dates.
//!
//! Every failure here is a validation error located at the attribute or element it came from,
//! so a partner can find the offending value without reading the adapter.

use wharf_guest_sdk::canonical::{DateKind, Dated};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{date, decimal, error};

/// The trimmed value of attribute `name`; missing or blank is a validation error.
pub fn required_attr<'a>(element: &'a Element, name: &str) -> Result<&'a str, AdapterError> {
    let value = element.require_attr(name)?.trim();
    if value.is_empty() {
        return Err(
            error::validation(format!("<{}> has an empty {name} attribute", element.name))
                .at_xml(element.attr_path(name)),
        );
    }
    Ok(value)
}

/// The trimmed value of attribute `name`, `None` when missing or blank.
pub fn optional_attr<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    element
        .get(name)
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// A decimal written at `path`, in its canonical spelling.
pub fn decimal_at(text: &str, path: &str) -> Result<String, AdapterError> {
    decimal::normalize(text).map_err(|e| error::validation(e.to_string()).at_xml(path))
}

/// The decimal in required attribute `name`.
pub fn decimal_attr(element: &Element, name: &str) -> Result<String, AdapterError> {
    decimal_at(element.require_attr(name)?, &element.attr_path(name))
}

/// The decimal in attribute `name`, when the attribute is there.
pub fn optional_decimal_attr(
    element: &Element,
    name: &str,
) -> Result<Option<String>, AdapterError> {
    element
        .get(name)
        .map(|text| decimal_at(text, &element.attr_path(name)))
        .transpose()
}

/// The decimal held as an element's text (`<Money>12.50</Money>`).
pub fn decimal_text(element: &Element) -> Result<String, AdapterError> {
    decimal_at(&element.text, &element.path)
}

/// An ISO 8601 date written at `path`, normalized to seconds and keeping its offset.
pub fn date_at(text: &str, path: &str) -> Result<String, AdapterError> {
    iso_date(text).map_err(|e| error::validation(e.to_string()).at_xml(path))
}

/// [`date::normalize_iso`], refusing non-ASCII text first: the SDK slices the text by byte
/// offsets and panics when one falls inside a multi-byte character ("2026-01-0é").
pub fn iso_date(text: &str) -> Result<String, date::DateError> {
    if !text.is_ascii() {
        return Err(date::DateError {
            text: text.to_owned(),
            reason: "expected ASCII digits and separators",
        });
    }
    date::normalize_iso(text)
}

/// The date in required attribute `name`.
pub fn date_attr(element: &Element, name: &str) -> Result<String, AdapterError> {
    date_at(element.require_attr(name)?, &element.attr_path(name))
}

/// A dated entry of `kind` from attribute `name` when present; the qualifier is the
/// attribute's own name, so an encoder knows where to write it back.
pub fn dated_attr(
    element: &Element,
    name: &str,
    kind: DateKind,
) -> Result<Option<Dated>, AdapterError> {
    match optional_attr(element, name) {
        Some(text) => Ok(Some(Dated {
            kind,
            value: date_at(text, &element.attr_path(name))?,
            qualifier: Some(name.to_owned()),
        })),
        None => Ok(None),
    }
}

/// The first date of `kind`, preferring one whose qualifier is `qualifier` (the cXML
/// attribute it will be written to).
pub fn pick_date<'a>(dates: &'a [Dated], kind: DateKind, qualifier: &str) -> Option<&'a Dated> {
    dates
        .iter()
        .find(|d| d.kind == kind && d.qualifier.as_deref() == Some(qualifier))
        .or_else(|| dates.iter().find(|d| d.kind == kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn element(text: &str) -> Element {
        xml::parse(text.as_bytes()).expect("test XML parses")
    }

    #[test]
    fn bad_decimals_point_at_their_attribute() {
        let item = element(r#"<ConfirmationItem quantity="1O"/>"#);
        let err = decimal_attr(&item, "quantity").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /ConfirmationItem/@quantity: \"1O\" is not a decimal number"
        );
        assert_eq!(
            decimal_attr(&element(r#"<a q=" 10.000"/>"#), "q").unwrap(),
            "10"
        );
    }

    #[test]
    fn blank_required_attributes_are_refused() {
        let header = element(r#"<OrderReference orderID="  "/>"#);
        let err = required_attr(&header, "orderID").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /OrderReference/@orderID: <OrderReference> has an empty orderID attribute"
        );
        assert_eq!(optional_attr(&header, "orderID"), None);
    }

    #[test]
    fn a_non_ascii_date_is_an_error_not_a_panic() {
        for text in ["2026-01-0é", "2026-01-01T10:0é", "2026-01-01T10:00:0é"] {
            let err = date_at(text, "/x/@d").unwrap_err();
            assert!(err.message.contains("is not a valid date"), "{err:?}");
        }
    }

    #[test]
    fn dates_keep_their_offset_and_name_their_attribute() {
        let item = element(r#"<ItemOut requestedDeliveryDate="2026-03-01T08:00-05:00"/>"#);
        let dated = dated_attr(&item, "requestedDeliveryDate", DateKind::RequestedDelivery)
            .unwrap()
            .unwrap();
        assert_eq!(dated.value, "2026-03-01T08:00:00-05:00");
        assert_eq!(dated.qualifier.as_deref(), Some("requestedDeliveryDate"));
        let bad = element(r#"<ItemOut requestedDeliveryDate="01.03.2026"/>"#);
        let err =
            dated_attr(&bad, "requestedDeliveryDate", DateKind::RequestedDelivery).unwrap_err();
        assert!(
            error::render(&err).starts_with("validation error at /ItemOut/@requestedDeliveryDate:")
        );
    }
}
