//! Taxes and allowances or charges, at the header (E1EDK04, E1EDK05) and at an item (E1EDP04,
//! E1EDP05) alike.
//!
//! A tax segment is MWSKZ (the tax code: the tax's `kind`), MSATZ (`rate`), MWSBT (`amount`)
//! and TXJCD (`jurisdiction`). A condition segment is ALCKZ (`+` a charge, `-` an allowance),
//! KSCHL (the condition type: `code`), KOTXT (`description`) and BETRG (`amount`, its sign as
//! SAP wrote it). Amounts are in the invoice's currency. Both are written in the order the
//! document lists them, so fields kept as extensions (`idoc.E1EDK05[2].KPERC`) return to the
//! segment they came from by position.

use wharf_guest_sdk::canonical::{AllowanceCharge, Extension, Money, Tax};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use crate::output::{not_written, segment, write_decimal};
use crate::segments::Segment;

/// Checks that an amount is in the invoice's currency (none given counts as that).
fn in_currency(money: &Money, currency: Option<&str>, what: &str) {
    if money.currency.is_some() && money.currency.as_deref() != currency {
        not_written(&format!(
            "the currency {:?} of {what}, which differs from the invoice's",
            money.currency.as_deref().unwrap_or_default()
        ));
    }
}

fn money(amount: String, currency: Option<&str>) -> Money {
    Money {
        amount,
        currency: currency.map(str::to_owned),
    }
}

/// Reads the tax segments `name` (E1EDK04 or E1EDP04) under `parent`; their other fields are
/// kept under `prefix` (`idoc`, `idoc.E1EDP01`) and the segment's name with its position.
pub fn read_taxes(
    parent: &mut Segment<'_>,
    name: &str,
    currency: Option<&str>,
    prefix: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Tax>, AdapterError> {
    let mut taxes = Vec::new();
    for mut tax in parent.segments(name) {
        let kind = tax.require("MWSKZ", "the tax code")?.to_owned();
        let rate = tax.decimal("MSATZ")?;
        let Some(amount) = tax.decimal("MWSBT")? else {
            return Err(
                error::validation(format!("<{name}> has no MWSBT (the tax amount)"))
                    .at_xml(tax.field_path("MWSBT")),
            );
        };
        taxes.push(Tax {
            kind,
            rate,
            taxable: None,
            amount: money(amount, currency),
            jurisdiction: tax.text("TXJCD").map(str::to_owned),
        });
        tax.leftovers(&format!("{prefix}.{}", tax.key_name()), extensions);
    }
    Ok(taxes)
}

/// Writes taxes as segments `name` under the segment at `parent_path`.
pub fn write_taxes(
    taxes: &[Tax],
    name: &str,
    parent_path: &str,
    currency: Option<&str>,
) -> Result<Vec<Element>, AdapterError> {
    let many = taxes.len() > 1;
    let mut written = Vec::with_capacity(taxes.len());
    for (index, tax) in taxes.iter().enumerate() {
        let path = match many {
            true => format!("{parent_path}/{name}[{}]", index + 1),
            false => format!("{parent_path}/{name}"),
        };
        in_currency(&tax.amount, currency, "a tax");
        if let Some(taxable) = &tax.taxable {
            not_written(&format!("the taxable amount {} of a tax", taxable.amount));
        }
        let rate = match &tax.rate {
            Some(rate) => Some(write_decimal(rate, &format!("{path}/MSATZ"))?),
            None => None,
        };
        written.push(
            segment(name)
                .text_child("MWSKZ", tax.kind.trim())
                .text_child_opt("MSATZ", rate)
                .text_child(
                    "MWSBT",
                    write_decimal(&tax.amount.amount, &format!("{path}/MWSBT"))?,
                )
                .text_child_opt("TXJCD", tax.jurisdiction.clone()),
        );
    }
    Ok(written)
}

/// Reads the condition segments `name` (E1EDK05 or E1EDP05) under `parent`, keeping their
/// other fields as [`read_taxes`] does.
pub fn read_charges(
    parent: &mut Segment<'_>,
    name: &str,
    currency: Option<&str>,
    prefix: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<AllowanceCharge>, AdapterError> {
    let mut charges = Vec::new();
    for mut condition in parent.segments(name) {
        let is_charge =
            match condition.require("ALCKZ", "whether it is a surcharge or a discount")? {
                "+" => true,
                "-" => false,
                other => {
                    return Err(error::validation(format!(
                        "ALCKZ {other:?} is neither + (surcharge) nor - (discount)"
                    ))
                    .at_xml(condition.field_path("ALCKZ")));
                }
            };
        let Some(amount) = condition.decimal("BETRG")? else {
            return Err(
                error::validation(format!("<{name}> has no BETRG (the amount)"))
                    .at_xml(condition.field_path("BETRG")),
            );
        };
        charges.push(AllowanceCharge {
            is_charge,
            code: condition.text("KSCHL").map(str::to_owned),
            description: condition.text("KOTXT").map(str::to_owned),
            amount: money(amount, currency),
        });
        condition.leftovers(&format!("{prefix}.{}", condition.key_name()), extensions);
    }
    Ok(charges)
}

/// Writes allowances and charges as segments `name` under the segment at `parent_path`.
pub fn write_charges(
    charges: &[AllowanceCharge],
    name: &str,
    parent_path: &str,
    currency: Option<&str>,
) -> Result<Vec<Element>, AdapterError> {
    let many = charges.len() > 1;
    let mut written = Vec::with_capacity(charges.len());
    for (index, charge) in charges.iter().enumerate() {
        let path = match many {
            true => format!("{parent_path}/{name}[{}]/BETRG", index + 1),
            false => format!("{parent_path}/{name}/BETRG"),
        };
        in_currency(&charge.amount, currency, "an allowance or charge");
        written.push(
            segment(name)
                .text_child("ALCKZ", if charge.is_charge { "+" } else { "-" })
                .text_child_opt("KSCHL", charge.code.clone())
                .text_child_opt("KOTXT", charge.description.clone())
                .text_child("BETRG", write_decimal(&charge.amount.amount, &path)?),
        );
    }
    Ok(written)
}
