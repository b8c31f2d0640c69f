//! E1EDS01 SUMID 010, the invoice's net value, against the canonical subtotal.
//!
//! SAP's net value is the billing document's net (NETWR): the items' net values plus the
//! header's charges, less its allowances (freight, E1EDK05). The canonical subtotal is the
//! sum of the line amounts, what cXML's SubtotalAmount and EDIFACT's MOA+79 state and an 810
//! leaves to be summed. So the subtotal read is the net value less the header's charges
//! (plus its allowances), and the net value written is the subtotal plus them.

use wharf_guest_sdk::canonical::{AllowanceCharge, Money};
use wharf_guest_sdk::{Decimal, decimal};

/// The header's charges less its allowances, `None` when an amount is not a number.
fn adjustment(header: &[AllowanceCharge]) -> Option<Decimal> {
    header.iter().try_fold(Decimal::ZERO, |sum, ac| {
        let amount = decimal::parse(&ac.amount.amount).ok()?;
        if ac.is_charge {
            sum.checked_add(amount)
        } else {
            sum.checked_sub(amount)
        }
    })
}

fn shifted(money: &Money, by: Decimal, up: bool) -> Option<Money> {
    let amount = decimal::parse(&money.amount).ok()?;
    let amount = if up {
        amount.checked_add(by)?
    } else {
        amount.checked_sub(by)?
    };
    Some(Money {
        amount: decimal::format(amount),
        currency: money.currency.clone(),
    })
}

/// The subtotal a net value stands for, given the header's allowances and charges.
pub fn subtotal(net_value: Money, header: &[AllowanceCharge]) -> Money {
    match adjustment(header) {
        Some(by) if !by.is_zero() => shifted(&net_value, by, false).unwrap_or(net_value),
        _ => net_value,
    }
}

/// The net value written for a subtotal, given the header's allowances and charges.
pub fn net_value(subtotal: &Money, header: &[AllowanceCharge]) -> Money {
    match adjustment(header) {
        Some(by) if !by.is_zero() => {
            shifted(subtotal, by, true).unwrap_or_else(|| subtotal.clone())
        }
        _ => subtotal.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str) -> Money {
        Money {
            amount: amount.into(),
            currency: Some("EUR".into()),
        }
    }

    fn charge(is_charge: bool, amount: &str) -> AllowanceCharge {
        AllowanceCharge {
            is_charge,
            code: None,
            description: None,
            amount: money(amount),
        }
    }

    #[test]
    fn the_net_value_includes_header_freight_and_the_subtotal_does_not() {
        // invoic02-standard: items 1500 + 2775, freight ZFRA 85, net value 4360, tax 19 % of it.
        let header = [charge(true, "85")];
        assert_eq!(subtotal(money("4360"), &header), money("4275"));
        assert_eq!(net_value(&money("4275"), &header), money("4360"));
        // A header discount lowers the net value.
        let header = [charge(true, "85"), charge(false, "10")];
        assert_eq!(net_value(&money("4275"), &header), money("4350"));
        assert_eq!(subtotal(money("100"), &[]), money("100"));
    }
}
