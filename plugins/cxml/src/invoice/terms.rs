//! Payment terms both ways: `<PaymentTerm payInNumberOfDays="14"><Discount><DiscountPercent
//! percent="2"/></Discount></PaymentTerm>` against the invoice's `payment_terms` text,
//! spelled "2% 14 days, 30 days" (a discount percentage when there is one, then the days),
//! one term after the other.

use wharf_guest_sdk::canonical::Extension;
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::log;
use wharf_guest_sdk::xml::Element;

use crate::extensions::keep_unmapped;
use crate::values::{optional_attr, required_attr};

/// `PaymentTerm`s as "2% 10 days, 30 days": a discount percentage when there is one, then the
/// number of days.
pub fn read(header: &Element, out: &mut Vec<Extension>) -> Result<Option<String>, AdapterError> {
    let mut terms = Vec::new();
    for term in header.all("PaymentTerm") {
        let days = required_attr(term, "payInNumberOfDays")?;
        let percent = term
            .first("Discount")
            .and_then(|d| d.first("DiscountPercent"))
            .and_then(|p| optional_attr(p, "percent"));
        terms.push(match percent {
            Some(percent) => format!("{percent}% {days} days"),
            None => format!("{days} days"),
        });
        if let Some(discount) = term.first("Discount") {
            keep_unmapped(
                discount,
                "cxml.PaymentTerm.Discount",
                &["DiscountPercent"],
                out,
            );
        }
        keep_unmapped(
            term,
            "cxml.PaymentTerm",
            &["payInNumberOfDays", "Discount"],
            out,
        );
    }
    Ok((!terms.is_empty()).then(|| terms.join(", ")))
}

/// `PaymentTerm`s from "2% 10 days, 30 days", the form the decoder writes; other wording is
/// not guessed at.
pub fn write(terms: &str) -> Vec<Element> {
    let mut written = Vec::new();
    for term in terms.split(", ") {
        match parse_term(term) {
            Some(element) => written.push(element),
            None => log::warn(&format!(
                "payment terms {term:?} are not in the form \"2% 10 days\" or \"30 days\"; not written"
            )),
        }
    }
    written
}

/// `PaymentTerm`s from "2% 10 days, 30 days" when every term has that form, else `None`.
pub fn parse(terms: &str) -> Option<Vec<Element>> {
    terms.split(", ").map(parse_term).collect()
}

/// One `PaymentTerm` from "2% 10 days" or "30 days".
fn parse_term(term: &str) -> Option<Element> {
    let words: Vec<&str> = term.split_whitespace().collect();
    let (percent, days) = match words.as_slice() {
        [days, "days"] => Some((None, *days)),
        [percent, days, "days"] => percent.strip_suffix('%').map(|p| (Some(p), *days)),
        _ => None,
    }
    .filter(|(percent, days)| {
        !days.is_empty()
            && days.bytes().all(|b| b.is_ascii_digit())
            && percent.is_none_or(|p| wharf_guest_sdk::decimal::parse(p).is_ok())
    })?;
    let mut element = Element::new("PaymentTerm").attr("payInNumberOfDays", days);
    if let Some(percent) = percent {
        element = element.child(
            Element::new("Discount")
                .child(Element::new("DiscountPercent").attr("percent", percent)),
        );
    }
    Some(element)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn terms_read_back_as_written() {
        let mut header = Element::new("InvoiceDetailRequestHeader");
        header.children = write("2% 14 days, 30 days, net on receipt");
        let parsed = xml::parse(header.to_xml(None).as_bytes()).unwrap();
        let terms = read(&parsed, &mut Vec::new()).unwrap();
        assert_eq!(terms.as_deref(), Some("2% 14 days, 30 days"));
    }
}
