//! Money groups of invoices: MOA amounts, TAX with its MOA, ALC with its MOA, both ways.
//!
//! TAX C241 5153 is the tax kind (VAT), C243 5278 the rate, C241 5152 the jurisdiction;
//! MOA+124 after it the tax amount and MOA+125 the taxable amount. ALC 5463 says allowance (A)
//! or charge (C), C214 7161 is the code and 7160 the description; MOA+204 (allowance), 23
//! (charge) or 8 after it the amount. A TAX or ALC without its amount is not a canonical tax
//! or allowance and is kept whole instead.

use wharf_guest_sdk::canonical::{AllowanceCharge, Extension, Money, Tax};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::seg;
use crate::interchange::{Message, Segment};
use crate::reader::raw_extension;
use crate::writer::{Kept, Out, number};

/// MOA as money, currency from C516 6345 when given, else `reference`: the message's CUX
/// reference currency, which the directory makes the currency of every amount that names none.
fn money(
    message: &Message,
    segment: &Segment,
    reference: Option<&str>,
    extensions: &mut Vec<Extension>,
) -> Result<Money, AdapterError> {
    let s = seg(message, segment);
    s.get(1, 1);
    let amount = s.require_decimal(1, 2, "amount (5004)")?;
    let currency = s.string(1, 3).or_else(|| reference.map(str::to_owned));
    s.leftovers(
        &format!("edifact.MOA[{}]", segment.text(1, 1).unwrap_or_default()),
        extensions,
    );
    Ok(Money { amount, currency })
}

/// What a run of segments holds: taxes, allowances and charges, other MOA amounts by
/// qualifier, and segments kept whole.
#[derive(Default)]
pub struct Charges {
    pub taxes: Vec<Tax>,
    pub allowances: Vec<AllowanceCharge>,
    pub amounts: Vec<(String, Money)>,
}

impl Charges {
    /// Takes the amount with the first of `qualifiers` found.
    pub fn take(&mut self, qualifiers: &[&str]) -> Option<Money> {
        let at = qualifiers
            .iter()
            .find_map(|q| self.amounts.iter().position(|(have, _)| have == q))?;
        Some(self.amounts.remove(at).1)
    }

    /// Keeps the amounts nobody took, as MOA segments.
    pub fn keep_rest(self, extensions: &mut Vec<Extension>) {
        for (qualifier, money) in self.amounts {
            let text = format!(
                "{qualifier}:{}:{}",
                money.amount,
                money.currency.unwrap_or_default()
            );
            extensions.push(wharf_guest_sdk::text_extension(
                "edifact.MOA",
                text.trim_end_matches(':'),
            ));
        }
    }
}

/// Reads TAX and ALC groups and MOA amounts from `segments`; anything else is kept whole.
/// An amount without a currency of its own is in `currency`, the CUX reference currency.
pub fn read(
    message: &Message,
    segments: &[&Segment],
    currency: Option<&str>,
    extensions: &mut Vec<Extension>,
) -> Result<Charges, AdapterError> {
    let mut charges = Charges::default();
    let mut at = 0;
    while let Some(segment) = segments.get(at) {
        at += 1;
        let following: Vec<&Segment> = segments[at..]
            .iter()
            .take_while(|s| s.tag == "MOA")
            .copied()
            .collect();
        let find = |qualifiers: &[&str]| {
            following
                .iter()
                .find(|s| qualifiers.contains(&s.text(1, 1).unwrap_or_default()))
                .copied()
        };
        match segment.tag.as_str() {
            "TAX" => {
                let Some(moa) = find(&["124"]) else {
                    extensions.push(raw_extension(segment));
                    continue;
                };
                let s = seg(message, segment);
                s.get(1, 1);
                let kind = s.string(2, 1).unwrap_or_else(|| "VAT".to_owned());
                let rate = s.decimal(5, 4)?;
                let jurisdiction = s.string(2, 4);
                s.leftovers(&format!("edifact.TAX[{kind}]"), extensions);
                let amount = money(message, moa, currency, extensions)?;
                let taxable = find(&["125"])
                    .map(|m| money(message, m, currency, extensions))
                    .transpose()?;
                at += usize::from(taxable.is_some()) + 1;
                charges.taxes.push(Tax {
                    kind,
                    rate,
                    taxable,
                    amount,
                    jurisdiction,
                });
            }
            "ALC" => {
                let Some(moa) = find(&["204", "23", "8"]) else {
                    extensions.push(raw_extension(segment));
                    continue;
                };
                let s = seg(message, segment);
                let is_charge = s.get(1, 1) == Some("C");
                let allowance = AllowanceCharge {
                    is_charge,
                    code: s.string(5, 1),
                    description: s.string(5, 4),
                    amount: money(message, moa, currency, extensions)?,
                };
                s.leftovers("edifact.ALC", extensions);
                at += 1;
                charges.allowances.push(allowance);
            }
            "MOA" => {
                let qualifier = segment.text(1, 1).unwrap_or_default().to_owned();
                charges
                    .amounts
                    .push((qualifier, money(message, segment, currency, extensions)?));
            }
            _ => extensions.push(raw_extension(segment)),
        }
    }
    Ok(charges)
}

/// MOA+<qualifier>:<amount>[:<currency>]; the currency only when it is not `reference`, the
/// CUX reference currency every MOA without one is in (as [`read`] takes it).
pub fn write_money(
    qualifier: &str,
    money: &Money,
    reference: Option<&str>,
    mark: char,
    path: &str,
) -> Result<Out, AdapterError> {
    let amount = number(&money.amount, mark, path)?;
    let currency = money.currency.as_deref().filter(|c| Some(*c) != reference);
    Ok(Out::new("MOA").el(&[qualifier, amount.as_str(), currency.unwrap_or_default()]))
}

/// TAX+7+<kind>:::<jurisdiction>+++:::<rate> and its MOA+124 (and MOA+125).
pub fn write_taxes(
    taxes: &[Tax],
    reference: Option<&str>,
    mark: char,
    kept: &mut Kept,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let mut out = Vec::new();
    for (i, tax) in taxes.iter().enumerate() {
        let at = format!("{path}[{}]", i + 1);
        let rate = tax
            .rate
            .as_deref()
            .map(|r| number(r, mark, &format!("{at}.rate")))
            .transpose()?;
        let mut segment = Out::new("TAX")
            .el(&["7"])
            .el(&[
                tax.kind.as_str(),
                "",
                "",
                tax.jurisdiction.as_deref().unwrap_or_default(),
            ])
            .el(&[""])
            .el(&[""])
            .el(&["", "", "", rate.as_deref().unwrap_or_default()]);
        kept.restore(&format!("edifact.TAX[{}]", tax.kind), &mut segment);
        out.push(segment);
        out.push(write_money(
            "124",
            &tax.amount,
            reference,
            mark,
            &format!("{at}.amount"),
        )?);
        if let Some(taxable) = &tax.taxable {
            out.push(write_money(
                "125",
                taxable,
                reference,
                mark,
                &format!("{at}.taxable"),
            )?);
        }
    }
    Ok(out)
}

/// ALC+A|C++++<code>:::<description> and its MOA+204 (allowance) or MOA+23 (charge).
pub fn write_allowances(
    allowances: &[AllowanceCharge],
    reference: Option<&str>,
    mark: char,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let mut out = Vec::new();
    for (i, allowance) in allowances.iter().enumerate() {
        let at = format!("{path}[{}].amount", i + 1);
        let (flag, qualifier) = if allowance.is_charge {
            ("C", "23")
        } else {
            ("A", "204")
        };
        out.push(
            Out::new("ALC")
                .el(&[flag])
                .el(&[""])
                .el(&[""])
                .el(&[""])
                .el(&[
                    allowance.code.as_deref().unwrap_or_default(),
                    "",
                    "",
                    allowance.description.as_deref().unwrap_or_default(),
                ]),
        );
        out.push(write_money(
            qualifier,
            &allowance.amount,
            reference,
            mark,
            &at,
        )?);
    }
    Ok(out)
}
