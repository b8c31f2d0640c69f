//! Invoices (INVOIC02) and goods receipts (MBGMCR03).
//!
//! Invoice amounts are all in the invoice's currency (SAP amounts carry none of their own),
//! an order line is named only together with its order (E1EDP02 BELNR and ZEILE), and the
//! totals INVOIC02 has no SUMID for (allowances and charges, amount due) are left out. A goods
//! receipt's dates are days (SAP dates carry no time) of the two kinds MBGMCR holds, its item
//! ids are the two an item has (MATERIAL, EAN_UPC), its line numbers fit LINE_ID (six digits),
//! and it has at most one lot a line (BATCH).

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    AllowanceCharge, DateKind, Dated, GoodsReceipt, Invoice, InvoiceKind, InvoiceLine,
    InvoiceTotals, Money, Price, Quantity, ReceiptLine, Tax,
};
use wharf_guest_sdk::{id, text_extension};

use crate::common::{
    amount, dates, day, item_ids, line_number, notes, parties, positive, quantity, token, words,
};

const INVOICE_DATES: &[(&str, DateKind)] = &[
    ("012", DateKind::Document),
    ("026", DateKind::Invoice),
    ("028", DateKind::Due),
];

fn money(currency: &str) -> impl Strategy<Value = Money> {
    let currency = currency.to_owned();
    amount().prop_map(move |amount| Money {
        amount,
        currency: Some(currency.clone()),
    })
}

fn taxes(currency: &str) -> impl Strategy<Value = Vec<Tax>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["V1", "V2", "A0"]),
            prop::option::of(amount()),
            money(currency),
        )
            .prop_map(|(kind, rate, amount)| Tax {
                kind: kind.to_owned(),
                rate,
                taxable: None,
                amount,
                jurisdiction: None,
            }),
        0..2,
    )
}

fn charges(currency: &str) -> impl Strategy<Value = Vec<AllowanceCharge>> {
    prop::collection::vec(
        (
            any::<bool>(),
            prop::option::of(token()),
            prop::option::of(words()),
            money(currency),
        )
            .prop_map(|(is_charge, code, description, amount)| AllowanceCharge {
                is_charge,
                code,
                description,
                amount,
            }),
        0..2,
    )
}

fn invoice_line(currency: &'static str) -> impl Strategy<Value = InvoiceLine> {
    (
        prop::option::of(("[0-9]{10}", prop::option::of("[0-9]{5}"))),
        item_ids(),
        prop::option::of(words()),
        quantity(),
        positive(),
        prop::option::of(money(currency)),
        taxes(currency),
        charges(currency),
    )
        .prop_map(
            move |(order, item_ids, description, quantity, price, amount, taxes, charges)| {
                let (po_number, order_line) = match order {
                    Some((po, line)) => (Some(po), line),
                    None => (None, None),
                };
                InvoiceLine {
                    line_number: String::new(),
                    po_number,
                    order_line,
                    item_ids,
                    description,
                    quantity,
                    unit_price: Price {
                        amount: price,
                        currency: Some(currency.to_owned()),
                        basis: None,
                    },
                    amount,
                    taxes,
                    allowances_charges: charges,
                    extensions: Vec::new(),
                }
            },
        )
}

pub fn invoice() -> impl Strategy<Value = Invoice> {
    prop::sample::select(vec!["EUR", "USD"]).prop_flat_map(|currency| {
        (
            (
                token(),
                any::<bool>(),
                prop::collection::btree_set("[0-9]{10}", 0..3),
            ),
            (
                dates(INVOICE_DATES),
                parties("supplier", true),
                notes(&["0001", "ZINV"]),
                prop::option::of(token()),
            ),
            prop::collection::vec(invoice_line(currency), 1..4),
            (taxes(currency), charges(currency)),
            (
                prop::option::of(money(currency)),
                prop::option::of(money(currency)),
                money(currency),
            ),
        )
            .prop_map(
                move |(
                    (number, credit, orders),
                    (dates, parties, notes, terms),
                    mut lines,
                    (taxes, allowances_charges),
                    (subtotal, tax, total),
                )| {
                    for (index, line) in lines.iter_mut().enumerate() {
                        line.line_number = line_number(index);
                    }
                    Invoice {
                        invoice_number: number,
                        kind: if credit {
                            InvoiceKind::CreditNote
                        } else {
                            InvoiceKind::Invoice
                        },
                        po_numbers: orders.into_iter().collect(),
                        currency: Some(currency.to_owned()),
                        dates,
                        parties,
                        references: Vec::new(),
                        payment_terms: terms,
                        lines,
                        taxes,
                        allowances_charges,
                        totals: InvoiceTotals {
                            subtotal,
                            tax,
                            allowances_charges: None,
                            total,
                            due: None,
                        },
                        notes,
                        extensions: Vec::new(),
                    }
                },
            )
    })
}

/// What a receipt line received and rejected: a receipt, a receipt with a return (a 101
/// item and the 122 item after it), or only a return (a 122 item of its own).
fn received_rejected() -> impl Strategy<Value = (Quantity, Option<Quantity>)> {
    // A goods movement states SAP's internal unit (ENTRY_UOM), which reads back as the Rec 20
    // code the table gives it: piece, each and one all come back as H87 (the same count), so
    // only units whose round trip is exact are generated.
    let received = || {
        (
            positive(),
            prop::sample::select(vec!["H87", "KGM", "MTR", "KAR"]).prop_map(str::to_owned),
        )
            .prop_map(|(value, unit)| Quantity { value, unit })
    };
    prop_oneof![
        received().prop_map(|r| (r, None)),
        (received(), received()).prop_map(|(r, j)| (r, Some(j))),
        received().prop_map(|j| {
            let zero = Quantity {
                value: "0".to_owned(),
                unit: j.unit.clone(),
            };
            (zero, Some(j))
        }),
    ]
}

fn receipt_line() -> impl Strategy<Value = ReceiptLine> {
    (
        prop::option::of(("[0-9]{10}", prop::option::of("[0-9]{5}"))),
        prop::sample::subsequence(vec!["buyer", "gtin"], 0..=2),
        (token(), "[0-9]{13}"),
        received_rejected(),
        prop::option::of(token()),
        prop::option::of("[0-9]{4}"),
        (prop::option::of("[0-9]{4}"), prop::option::of("[0-9]{4}")),
    )
        .prop_map(
            |(
                order,
                schemes,
                (material, gtin),
                (received, rejected),
                lot,
                location,
                (plant, reason),
            )| {
                let (po_number, order_line) = match order {
                    Some((po, line)) => (Some(po), line),
                    None => (None, None),
                };
                let item_ids = schemes
                    .into_iter()
                    .map(|scheme| match scheme {
                        "buyer" => id(scheme, material.clone()),
                        _ => id(scheme, gtin.clone()),
                    })
                    .collect();
                let mut extensions: Vec<_> = plant
                    .map(|p| text_extension("idoc.E1BP2017_GM_ITEM_CREATE.PLANT", p))
                    .into_iter()
                    .collect();
                // The reason for a return is on the 122 item: the line's own when it is one,
                // else the one written after the receipt.
                let reason_key = if received.value == "0" {
                    "idoc.E1BP2017_GM_ITEM_CREATE.MOVE_REAS"
                } else {
                    "idoc.E1BP2017_GM_ITEM_CREATE.122.MOVE_REAS"
                };
                if rejected.is_some() {
                    extensions.extend(reason.map(|r| text_extension(reason_key, r)));
                }
                ReceiptLine {
                    line_number: String::new(),
                    po_number,
                    order_line,
                    item_ids,
                    received,
                    rejected,
                    lots: lot.into_iter().collect(),
                    location,
                    extensions,
                }
            },
        )
}

pub fn goods_receipt() -> impl Strategy<Value = GoodsReceipt> {
    (
        token(),
        prop::option::of(token()),
        (prop::option::of(day()), prop::option::of(day())),
        prop::collection::vec(receipt_line(), 1..5),
    )
        .prop_map(|(number, shipment, (document, received), mut lines)| {
            for (index, line) in lines.iter_mut().enumerate() {
                line.line_number = (index + 1).to_string();
            }
            let dates = [
                (DateKind::Document, document),
                (DateKind::Received, received),
            ]
            .into_iter()
            .filter_map(|(kind, value)| {
                value.map(|value| Dated {
                    kind,
                    value,
                    qualifier: None,
                })
            })
            .collect();
            GoodsReceipt {
                receipt_number: number,
                shipment_id: shipment,
                dates,
                parties: Vec::new(),
                references: Vec::new(),
                lines,
                extensions: Vec::new(),
            }
        })
}
