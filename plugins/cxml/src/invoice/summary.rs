//! `<InvoiceDetailSummary>` both ways against the invoice's totals, taxes and header
//! allowances and charges.
//!
//! | cXML | invoice |
//! | --- | --- |
//! | `SubtotalAmount` | `totals.subtotal` |
//! | `Tax/Money` | `totals.tax` |
//! | `Tax/TaxDetail` | `taxes` (see [`crate::tax`]) |
//! | `SpecialHandlingAmount`, `ShippingAmount` | charges, code = the element's name |
//! | `InvoiceDetailDiscount` | allowance, code `InvoiceDetailDiscount` |
//! | `NetAmount` (else `GrossAmount`) | `totals.total` |
//! | `GrossAmount` beside a NetAmount | extension [`GROSS_KEY`] |
//! | `DueAmount` | `totals.due` |
//!
//! A summary with neither amount filled in (partners leave `<NetAmount><Money/></NetAmount>`
//! empty) gets its total derived from subtotal, tax, charges and allowances, with a warning.

use wharf_guest_sdk::canonical::{
    AllowanceCharge, Extension, ExtensionValue, Invoice, InvoiceTotals, Money, Tax,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{Decimal, decimal, error, log};

use crate::extensions::{find, keep_unmapped, value_text};
use crate::money::{read_money_in, read_optional_money_in, write_money_in};
use crate::tax::{read_tax, sum, write_tax};

/// A stated GrossAmount where the NetAmount is the total.
pub const GROSS_KEY: &str = "cxml.InvoiceDetailSummary.GrossAmount";
/// Where the summary Tax's Description is kept.
pub const TAX_BASE: &str = "cxml.InvoiceDetailSummary.Tax";
pub const SPECIAL_HANDLING: &str = "SpecialHandlingAmount";
pub const SHIPPING: &str = "ShippingAmount";
pub const DISCOUNT: &str = "InvoiceDetailDiscount";

/// What a summary states.
pub struct Summary {
    pub totals: InvoiceTotals,
    pub taxes: Vec<Tax>,
    pub allowances_charges: Vec<AllowanceCharge>,
    /// Set when the total had to be derived: the warning to pass on.
    pub derived: Option<AdapterError>,
}

/// Reads `<InvoiceDetailSummary>`; what it holds besides the mapped amounts is kept in `out`.
pub fn read(summary: &Element, out: &mut Vec<Extension>) -> Result<Summary, AdapterError> {
    let amount = |name: &str| match summary.first(name) {
        Some(element) => read_optional_money_in(element),
        None => Ok(None),
    };
    let subtotal = amount("SubtotalAmount")?;
    let (tax, taxes) = match summary.first("Tax") {
        Some(tax) => {
            let read = read_tax(tax, TAX_BASE, out)?;
            (Some(read.total), read.details)
        }
        None => (None, Vec::new()),
    };
    let mut allowances_charges = Vec::new();
    for (name, is_charge) in [
        (SPECIAL_HANDLING, true),
        (SHIPPING, true),
        (DISCOUNT, false),
    ] {
        if let Some(element) = summary.first(name) {
            keep_unmapped(
                element,
                &format!("cxml.InvoiceDetailSummary.{name}"),
                &["Money", "Description"],
                out,
            );
            allowances_charges.push(AllowanceCharge {
                is_charge,
                code: Some(name.to_owned()),
                description: element.text_of("Description").map(str::to_owned),
                amount: read_money_in(element)?,
            });
        }
    }
    let gross = amount("GrossAmount")?;
    let net = amount("NetAmount")?;
    let mut derived = None;
    let total = match (net, gross) {
        (Some(net), gross) => {
            if let Some(gross) = gross {
                out.push(Extension {
                    key: GROSS_KEY.to_owned(),
                    value: ExtensionValue::Number(gross.amount),
                });
            }
            net
        }
        (None, Some(gross)) => gross,
        (None, None) => {
            let total = derive(
                subtotal.as_ref(),
                tax.as_ref(),
                &allowances_charges,
                summary,
            )?;
            derived = Some(
                error::validation(format!(
                    "the summary states no NetAmount; the total {} was derived from subtotal, tax, charges and allowances",
                    total.amount
                ))
                .at_xml(format!("{}/NetAmount", summary.path)),
            );
            total
        }
    };
    keep_unmapped(
        summary,
        "cxml.InvoiceDetailSummary",
        &[
            "SubtotalAmount",
            "Tax",
            SPECIAL_HANDLING,
            SHIPPING,
            DISCOUNT,
            "GrossAmount",
            "NetAmount",
            "DueAmount",
        ],
        out,
    );
    Ok(Summary {
        totals: InvoiceTotals {
            subtotal,
            tax,
            allowances_charges: None,
            total,
            due: amount("DueAmount")?,
        },
        taxes,
        allowances_charges,
        derived,
    })
}

fn derive(
    subtotal: Option<&Money>,
    tax: Option<&Money>,
    allowances_charges: &[AllowanceCharge],
    summary: &Element,
) -> Result<Money, AdapterError> {
    let subtotal = subtotal.ok_or_else(|| {
        error::validation("the summary states neither a NetAmount nor a SubtotalAmount")
            .at_xml(format!("{}/NetAmount", summary.path))
    })?;
    let parse = |money: &Money| decimal::parse(&money.amount).unwrap_or(Decimal::ZERO);
    let overflow = || {
        error::validation("the subtotal, tax, charges and allowances sum beyond any amount")
            .at_xml(summary.path.clone())
    };
    let mut total = parse(subtotal)
        .checked_add(tax.map(parse).unwrap_or(Decimal::ZERO))
        .ok_or_else(overflow)?;
    for entry in allowances_charges {
        let amount = parse(&entry.amount);
        total = if entry.is_charge {
            total.checked_add(amount)
        } else {
            total.checked_sub(amount)
        }
        .ok_or_else(overflow)?;
    }
    Ok(Money {
        amount: decimal::format(total),
        currency: subtotal.currency.clone(),
    })
}

/// The `<InvoiceDetailSummary>` for `invoice`; a subtotal or tax total the invoice does not
/// state is the sum of its lines' (see [`super::subtotal`]).
pub fn write(invoice: &Invoice) -> Result<Element, AdapterError> {
    let currency = invoice.currency.as_deref();
    let totals = &invoice.totals;
    let subtotal = super::subtotal::of(invoice)?;
    let tax = match &totals.tax {
        Some(tax) => tax.clone(),
        None if !invoice.taxes.is_empty() => money(sum(&invoice.taxes, "taxes")?),
        None => {
            let all: Vec<Tax> = invoice.lines.iter().flat_map(|l| l.taxes.clone()).collect();
            money(sum(&all, "lines[].taxes")?)
        }
    };
    let mut element = Element::new("InvoiceDetailSummary")
        .child(write_money_in(
            "SubtotalAmount",
            &subtotal,
            currency,
            "totals.subtotal",
        )?)
        .child(write_tax(
            &tax,
            &invoice.taxes,
            currency,
            &invoice.extensions,
            TAX_BASE,
            "taxes",
        )?);
    let (special, shipping, discount) = split(&invoice.allowances_charges)?;
    if let Some((amount, description)) = special {
        let description = description.map(|text| {
            Element::new("Description")
                .attr("xml:lang", "en")
                .with_text(text)
        });
        let mut special =
            write_money_in(SPECIAL_HANDLING, &amount, currency, "allowances_charges")?;
        special.children.extend(description);
        element = element.child(special);
    }
    if let Some((amount, _)) = shipping {
        element = element.child(write_money_in(
            SHIPPING,
            &amount,
            currency,
            "allowances_charges",
        )?);
    }
    if let Some(gross) = find(&invoice.extensions, GROSS_KEY) {
        let gross = Money {
            amount: value_text(gross),
            currency: totals.total.currency.clone(),
        };
        element = element.child(write_money_in(
            "GrossAmount",
            &gross,
            currency,
            "extensions",
        )?);
    }
    if let Some((amount, _)) = discount {
        element = element.child(write_money_in(
            DISCOUNT,
            &amount,
            currency,
            "allowances_charges",
        )?);
    }
    element = element.child(write_money_in(
        "NetAmount",
        &totals.total,
        currency,
        "totals.total",
    )?);
    if let Some(due) = &totals.due {
        element = element.child(write_money_in("DueAmount", due, currency, "totals.due")?);
    }
    Ok(element)
}

type Slot = Option<(Money, Option<String>)>;

/// Header allowances and charges by the slot cXML has for them: shipping, special handling
/// (every other charge), discount (every allowance). Several in one slot are added up.
fn split(entries: &[AllowanceCharge]) -> Result<(Slot, Slot, Slot), AdapterError> {
    let mut slots: [Vec<&AllowanceCharge>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for entry in entries {
        let slot = match (entry.is_charge, entry.code.as_deref()) {
            (true, Some(SHIPPING)) => 1,
            (true, _) => 0,
            (false, _) => 2,
        };
        slots[slot].push(entry);
    }
    let [special, shipping, discount]: [Result<_, AdapterError>; 3] = slots.map(|group| {
        if group.is_empty() {
            return Ok(None);
        }
        if group.len() > 1 {
            log::info("several invoice charges or allowances share one cXML summary amount; written as their sum");
        }
        let amount = sum_money(group.iter().map(|e| Some(&e.amount)), "allowances_charges")?;
        let descriptions: Vec<&str> = group.iter().filter_map(|e| e.description.as_deref()).collect();
        Ok(Some((amount, (!descriptions.is_empty()).then(|| descriptions.join("; ")))))
    });
    Ok((special?, shipping?, discount?))
}

fn money(amount: Decimal) -> Money {
    Money {
        amount: decimal::format(amount),
        currency: None,
    }
}

/// The sum of `amounts` in their one currency; a missing amount is an error at `at`.
fn sum_money<'a>(
    amounts: impl Iterator<Item = Option<&'a Money>>,
    at: &str,
) -> Result<Money, AdapterError> {
    let mut total = Decimal::ZERO;
    let mut currency = None;
    for amount in amounts {
        let amount = amount
            .ok_or_else(|| error::validation("every amount summed must be stated").at_xml(at))?;
        let value = decimal::parse(&amount.amount)
            .map_err(|e| error::validation(e.to_string()).at_xml(at))?;
        total = total
            .checked_add(value)
            .ok_or_else(|| error::validation("the sum overflows").at_xml(at))?;
        currency = currency.or(amount.currency.clone());
    }
    Ok(Money {
        amount: decimal::format(total),
        currency,
    })
}
