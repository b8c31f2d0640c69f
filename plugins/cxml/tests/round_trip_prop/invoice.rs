//! Invoices (`<InvoiceDetailRequest>`) in the form the decoder produces.
//!
//! Kept within what cXML writes exactly (see `src/invoice.rs`, `src/invoice/*.rs`,
//! `src/tax.rs`):
//! - itemized lines only, each naming its order (no `InvoiceDetailHeaderOrder`, which the DTD
//!   does not let mix with item lines, no service items) and its order line;
//! - no order payloadIDs or order dates, so no references (they come back from the orders);
//! - item ids of the schemes `<ItemID>` and `ManufacturerPartID` hold (invoice lines have no
//!   Extrinsic for other schemes), a buyer id never equal to the supplier's, a manufacturer's
//!   part always with the manufacturer's name the DTD pairs it with;
//! - one currency throughout; line amounts and taxes rounded to cents, the summary stating
//!   subtotal, tax (the sum of its details) and total (as NetAmount, no GrossAmount);
//! - line taxes that add up (no `cxml.InvoiceDetailItem.Tax` total kept), at most one line
//!   special handling (written first) and one discount (a line shipping charge is written as
//!   special handling), header charges and allowances one per summary slot, descriptions only
//!   where cXML has one (special handling);
//! - purposes standard, creditMemo and debitMemo only (line-level memos need the purpose
//!   extension), operation new, one invoice date, at most one note.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    AllowanceCharge, DateKind, Dated, Identifier, Invoice, InvoiceKind, InvoiceLine, InvoiceTotals,
    Money, Note, Party, PartyRole, Price, Quantity, Tax,
};
use wharf_guest_sdk::{decimal, id, text_extension};

use super::purchase_order::{CURRENCIES, ship_or_bill};
use super::{amount, date, token, words};

fn money(amount: String, currency: &str) -> Money {
    Money {
        amount,
        currency: Some(currency.to_owned()),
    }
}

/// `value` rounded to cents, as the model spells a decimal.
fn cents(value: wharf_guest_sdk::Decimal) -> String {
    decimal::format(value.round_dp(2))
}

fn parse(text: &str) -> wharf_guest_sdk::Decimal {
    decimal::parse(text).expect("a generated decimal")
}

/// An `InvoicePartner`: a Contact of `code`, its ids other than the addressID beside it.
fn partner(role: PartyRole, code: &'static str) -> impl Strategy<Value = Party> {
    (ship_or_bill(role, code), prop::option::of("DE[0-9]{9}")).prop_map(|(mut party, vat)| {
        party.ids.extend(vat.map(|v| id("vat", v)));
        party
    })
}

fn item_ids() -> impl Strategy<Value = Vec<Identifier>> {
    (
        prop::option::of((token(), prop::option::of(token()))),
        prop::option::of(token()),
    )
        .prop_map(|(part, manufacturer)| {
            let mut ids = Vec::new();
            if let Some((supplier, buyer)) = part {
                ids.push(id("supplier", supplier.clone()));
                ids.extend(buyer.filter(|b| *b != supplier).map(|v| id("buyer", v)));
            }
            ids.extend(manufacturer.map(|v| id("manufacturer", v)));
            ids
        })
}

/// A line in `currency` billing the `po`-th of the invoice's orders; numbered by the invoice.
fn line(currency: &'static str) -> impl Strategy<Value = (usize, InvoiceLine)> {
    (
        0usize..2,
        "[1-9][0-9]{0,2}0",
        item_ids(),
        prop::option::of(words()),
        (amount(), prop::sample::select(vec!["EA", "KGM", "H"])),
        (
            amount(),
            prop::option::of(prop::sample::select(vec!["10", "100"])),
        ),
        prop::option::of((
            prop::sample::select(vec!["19", "7", "0"]),
            prop::option::of(Just("DE")),
        )),
        prop::option::of(prop::option::of(words())),
        prop::option::of(amount()),
        prop::option::of("[0-9]{8}"),
        prop::option::of(token()),
    )
        .prop_map(
            move |(
                po,
                order_line,
                item_ids,
                description,
                (quantity, unit),
                (price, basis),
                tax,
                special,
                discount,
                unspsc,
                delivery_note,
            )| {
                let mut net = parse(&quantity) * parse(&price);
                if let Some(basis) = basis {
                    net /= parse(basis);
                }
                let net = cents(net);
                let taxes = tax
                    .map(|(rate, jurisdiction)| Tax {
                        kind: "vat".to_owned(),
                        rate: Some(rate.to_owned()),
                        taxable: Some(money(net.clone(), currency)),
                        amount: money(cents(parse(&net) * parse(rate) / parse("100")), currency),
                        jurisdiction: jurisdiction.map(str::to_owned),
                    })
                    .into_iter()
                    .collect();
                let mut allowances_charges: Vec<AllowanceCharge> = special
                    .map(|description| AllowanceCharge {
                        is_charge: true,
                        code: Some("InvoiceDetailLineSpecialHandling".to_owned()),
                        description,
                        amount: money("12.5".to_owned(), currency),
                    })
                    .into_iter()
                    .collect();
                allowances_charges.extend(discount.map(|amount| AllowanceCharge {
                    is_charge: false,
                    code: Some("InvoiceDetailDiscount".to_owned()),
                    description: None,
                    amount: money(amount, currency),
                }));
                let mut extensions = Vec::new();
                if item_ids.iter().any(|i| i.scheme == "manufacturer") {
                    extensions.push(text_extension(
                        "cxml.InvoiceDetailItemReference.ManufacturerName",
                        "Hartmann Zerspanungstechnik",
                    ));
                }
                extensions.extend(unspsc.map(|c| text_extension("cxml.Classification.UNSPSC", c)));
                extensions.extend(
                    delivery_note.map(|d| text_extension("cxml.Extrinsic.DeliveryNote", d)),
                );
                (
                    po,
                    InvoiceLine {
                        line_number: String::new(),
                        po_number: None,
                        order_line: Some(order_line),
                        item_ids,
                        description,
                        quantity: Quantity {
                            value: quantity,
                            unit: unit.to_owned(),
                        },
                        unit_price: Price {
                            amount: price,
                            currency: Some(currency.to_owned()),
                            basis: basis.map(|value| Quantity {
                                value: value.to_owned(),
                                unit: unit.to_owned(),
                            }),
                        },
                        amount: Some(money(net, currency)),
                        taxes,
                        allowances_charges,
                        extensions,
                    },
                )
            },
        )
}

/// Header charges and allowances, one per summary slot, in the order the summary reads them.
fn header_allowances_charges(
    currency: &'static str,
) -> impl Strategy<Value = Vec<AllowanceCharge>> {
    (
        prop::option::of((amount(), prop::option::of(words()))),
        prop::option::of(amount()),
        prop::option::of(amount()),
    )
        .prop_map(move |(special, shipping, discount)| {
            let mut entries = Vec::new();
            entries.extend(special.map(|(amount, description)| AllowanceCharge {
                is_charge: true,
                code: Some("SpecialHandlingAmount".to_owned()),
                description,
                amount: money(amount, currency),
            }));
            entries.extend(shipping.map(|amount| AllowanceCharge {
                is_charge: true,
                code: Some("ShippingAmount".to_owned()),
                description: None,
                amount: money(amount, currency),
            }));
            entries.extend(discount.map(|amount| AllowanceCharge {
                is_charge: false,
                code: Some("InvoiceDetailDiscount".to_owned()),
                description: None,
                amount: money(amount, currency),
            }));
            entries
        })
}

pub fn invoice() -> impl Strategy<Value = Invoice> {
    prop::sample::select(CURRENCIES.to_vec()).prop_flat_map(|currency| {
        (
            token(),
            prop::sample::select(vec![
                InvoiceKind::Invoice,
                InvoiceKind::CreditNote,
                InvoiceKind::DebitNote,
            ]),
            ("45[0-9]{8}", "45[0-9]{8}"),
            date(),
            prop::collection::vec(
                prop_oneof![
                    partner(PartyRole::RemitTo, "remitTo"),
                    partner(PartyRole::SoldTo, "soldTo"),
                ],
                0..3,
            ),
            prop::option::of(prop::sample::select(vec![
                "30 days",
                "2% 14 days, 30 days",
                "3% 10 days",
            ])),
            prop::collection::vec(line(currency), 1..5),
            prop::option::of(prop::sample::select(vec!["19", "7"])),
            header_allowances_charges(currency),
            prop::option::of(words()),
            prop::option::of(token()),
            any::<bool>(),
        )
            .prop_map(
                move |(
                    invoice_number,
                    kind,
                    (first_po, second_po),
                    invoice_date,
                    parties,
                    payment_terms,
                    lines,
                    header_rate,
                    allowances_charges,
                    note,
                    delivery_note,
                    due,
                )| {
                    // Two orders need two numbers; a clash leaves one order.
                    let pos = [first_po.clone(), second_po];
                    let mut po_numbers: Vec<String> = Vec::new();
                    let lines: Vec<InvoiceLine> = lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, (po, mut line))| {
                            let po = pos[po].clone();
                            if !po_numbers.contains(&po) {
                                po_numbers.push(po.clone());
                            }
                            line.line_number = (i + 1).to_string();
                            line.po_number = Some(po);
                            line
                        })
                        .collect();
                    let subtotal = lines
                        .iter()
                        .filter_map(|l| l.amount.as_ref())
                        .map(|m| parse(&m.amount))
                        .fold(parse("0"), |a, b| a + b);
                    let taxes: Vec<Tax> = header_rate
                        .map(|rate| Tax {
                            kind: "vat".to_owned(),
                            rate: Some(rate.to_owned()),
                            taxable: Some(money(decimal::format(subtotal), currency)),
                            amount: money(cents(subtotal * parse(rate) / parse("100")), currency),
                            jurisdiction: None,
                        })
                        .into_iter()
                        .collect();
                    let tax = taxes
                        .iter()
                        .map(|t| parse(&t.amount.amount))
                        .fold(parse("0"), |a, b| a + b);
                    let mut total = subtotal + tax;
                    for entry in &allowances_charges {
                        let amount = parse(&entry.amount.amount);
                        total = if entry.is_charge {
                            total + amount
                        } else {
                            total - amount
                        };
                    }
                    let total = money(decimal::format(total), currency);
                    Invoice {
                        invoice_number,
                        kind,
                        po_numbers,
                        currency: Some(currency.to_owned()),
                        dates: vec![Dated {
                            kind: DateKind::Invoice,
                            value: invoice_date,
                            qualifier: Some("invoiceDate".to_owned()),
                        }],
                        parties,
                        references: Vec::new(),
                        payment_terms: payment_terms.map(str::to_owned),
                        lines,
                        taxes,
                        allowances_charges,
                        totals: InvoiceTotals {
                            subtotal: Some(money(decimal::format(subtotal), currency)),
                            tax: Some(money(decimal::format(tax), currency)),
                            allowances_charges: None,
                            due: due.then(|| total.clone()),
                            total,
                        },
                        notes: note
                            .map(|text| Note { kind: None, text })
                            .into_iter()
                            .collect(),
                        extensions: delivery_note
                            .map(|d| text_extension("cxml.Extrinsic.DeliveryNote", d))
                            .into_iter()
                            .collect(),
                    }
                },
            )
    })
}
