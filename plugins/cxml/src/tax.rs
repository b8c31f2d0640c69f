//! `<Tax>` both ways: its `<Money>` (the tax total) and each `<TaxDetail>` as a canonical [`Tax`].
//!
//! | cXML `TaxDetail` | tax |
//! | --- | --- |
//! | `@category` | `kind` |
//! | `@percentageRate` | `rate` |
//! | `TaxableAmount/Money` (blank counts as none) | `taxable` |
//! | `TaxAmount/Money` | `amount` |
//! | `TaxLocation` | `jurisdiction` |
//!
//! The `<Tax>` element's own `<Description>` is kept as `<base>.Description` when it has text
//! (an encoder writes it empty, as the DTD requires one); other TaxDetail attributes
//! (`purpose`, `taxPointDate`) are kept as `<base>.TaxDetail[N].<name>`.

use wharf_guest_sdk::canonical::{Extension, Money, Tax};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{Decimal, decimal, error, text_extension};

use crate::extensions::{find, keep_unmapped, value_text};
use crate::money::{read_money_in, read_optional_money_in, write_money_in};
use crate::values::{decimal_at, optional_decimal_attr, required_attr};

/// The kind given to a `<Tax>` that states an amount but no `<TaxDetail>`.
pub const UNSPECIFIED_KIND: &str = "tax";

/// What a `<Tax>` says.
pub struct ReadTax {
    /// The `<Tax><Money>`, the sum of the details where the sender adds up right.
    pub total: Money,
    pub details: Vec<Tax>,
}

/// The total and details of a `<Tax>`; what else it holds is kept under `base` (`cxml.Tax`).
pub fn read_tax(
    tax: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<ReadTax, AdapterError> {
    let total = read_money_in(tax)?;
    if let Some(text) = tax.text_of("Description") {
        out.push(text_extension(format!("{base}.Description"), text));
    }
    let all: Vec<&Element> = tax.all("TaxDetail").collect();
    let mut details = Vec::new();
    for (n, detail) in all.iter().enumerate() {
        let detail_base = match all.len() {
            1 => format!("{base}.TaxDetail"),
            _ => format!("{base}.TaxDetail[{}]", n + 1),
        };
        details.push(read_detail(detail, &detail_base, out)?);
    }
    keep_unmapped(tax, base, &["Money", "Description", "TaxDetail"], out);
    Ok(ReadTax { total, details })
}

fn read_detail(
    detail: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Tax, AdapterError> {
    let kind = required_attr(detail, "category")?.to_owned();
    let taxable = match detail.first("TaxableAmount") {
        Some(taxable) => read_optional_money_in(taxable)?,
        None => None,
    };
    let amount = read_money_in(detail.require("TaxAmount")?)?;
    keep_unmapped(
        detail,
        base,
        &[
            "category",
            "percentageRate",
            "TaxableAmount",
            "TaxAmount",
            "TaxLocation",
        ],
        out,
    );
    Ok(Tax {
        kind,
        rate: optional_decimal_attr(detail, "percentageRate")?,
        taxable,
        amount,
        jurisdiction: detail.text_of("TaxLocation").map(str::to_owned),
    })
}

/// The sum of the taxes' amounts, checked; `at` is where the list stands.
pub fn sum(taxes: &[Tax], at: &str) -> Result<Decimal, AdapterError> {
    let mut total = Decimal::ZERO;
    for (i, tax) in taxes.iter().enumerate() {
        let place = format!("{at}[{i}].amount.amount");
        let amount = decimal::parse(&tax.amount.amount)
            .map_err(|e| error::validation(e.to_string()).at_xml(place.clone()))?;
        total = total
            .checked_add(amount)
            .ok_or_else(|| error::validation("the tax total overflows").at_xml(place))?;
    }
    Ok(total)
}

/// A `<Tax>` holding `total` and one `<TaxDetail>` per tax; `extensions` and `base` give back
/// the Description the decoder kept. `at` is the tax list's place in the canonical document.
pub fn write_tax(
    total: &Money,
    taxes: &[Tax],
    currency: Option<&str>,
    extensions: &[Extension],
    base: &str,
    at: &str,
) -> Result<Element, AdapterError> {
    let description = find(extensions, &format!("{base}.Description")).map(value_text);
    let mut tax = write_money_in("Tax", total, currency, at)?.child(
        Element::new("Description")
            .attr("xml:lang", "en")
            .with_text(description.unwrap_or_default()),
    );
    for (i, detail) in taxes.iter().enumerate() {
        tax = tax.child(write_detail(detail, currency, &format!("{at}[{i}]"))?);
    }
    Ok(tax)
}

fn write_detail(tax: &Tax, currency: Option<&str>, at: &str) -> Result<Element, AdapterError> {
    if tax.kind.trim().is_empty() {
        return Err(error::validation("cXML requires a tax category").at_xml(format!("{at}.kind")));
    }
    let rate = tax
        .rate
        .as_deref()
        .map(|rate| decimal_at(rate, &format!("{at}.rate")))
        .transpose()?;
    let mut detail = Element::new("TaxDetail")
        .attr("category", tax.kind.trim())
        .attr_opt("percentageRate", rate);
    if let Some(taxable) = &tax.taxable {
        detail = detail.child(write_money_in(
            "TaxableAmount",
            taxable,
            currency,
            &format!("{at}.taxable"),
        )?);
    }
    detail = detail.child(write_money_in(
        "TaxAmount",
        &tax.amount,
        currency,
        &format!("{at}.amount"),
    )?);
    detail
        .children
        .extend(tax.jurisdiction.as_deref().map(|place| {
            Element::new("TaxLocation")
                .attr("xml:lang", "en")
                .with_text(place)
        }));
    Ok(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn details_read_back_as_written() {
        let taxes = vec![Tax {
            kind: "vat".into(),
            rate: Some("19".into()),
            taxable: Some(Money {
                amount: "100".into(),
                currency: Some("EUR".into()),
            }),
            amount: Money {
                amount: "19".into(),
                currency: None,
            },
            jurisdiction: Some("DE".into()),
        }];
        let total = Money {
            amount: "19".into(),
            currency: None,
        };
        let written = write_tax(&total, &taxes, Some("EUR"), &[], "cxml.Tax", "taxes").unwrap();
        let parsed = xml::parse(written.to_xml(None).as_bytes()).unwrap();
        let mut out = Vec::new();
        let read = read_tax(&parsed, "cxml.Tax", &mut out).unwrap();
        assert_eq!(read.total.amount, "19");
        assert_eq!(read.details[0].amount.currency.as_deref(), Some("EUR"));
        assert_eq!(read.details[0].rate.as_deref(), Some("19"));
        assert_eq!(read.details[0].jurisdiction.as_deref(), Some("DE"));
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_detail_without_category_is_located() {
        let parsed = xml::parse(
            br#"<Tax><Money currency="EUR">1</Money><Description/><TaxDetail><TaxAmount><Money currency="EUR">1</Money></TaxAmount></TaxDetail></Tax>"#,
        )
        .unwrap();
        let err = read_tax(&parsed, "cxml.Tax", &mut Vec::new())
            .err()
            .unwrap();
        assert_eq!(
            error::render(&err),
            "validation error at /Tax/TaxDetail/@category: <TaxDetail> has no category attribute"
        );
    }
}
