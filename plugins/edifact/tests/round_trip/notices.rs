//! decode(encode(doc)) == doc for DESADV ship notices with packs and INVOIC invoices with
//! line and heading taxes, allowances and charges, over documents in the form the adapter
//! reads back. What EDIFACT does not say exactly is left out of the generators:
//!
//! - a ship notice has one order: with several, the packs an order reads back are those
//!   holding its items and their ancestors, so an empty pack would change orders; an order's
//!   own dates and references are empty (a DESADV has no place for them);
//! - the purpose is always a 1225 code, since a missing one is written as 9 (original);
//! - packs are numbered from 2, leaving 1 to the CPS of the unpacked items (any other number
//!   there is kept as an extension), and only name earlier packs as parents;
//! - a carrier has at most one id (TDT holds one), in a scheme with a 3055 agency;
//! - amounts, rates and weights are non-negative decimals; payment terms are not generated
//!   (they are a PAT group the ORDERS test covers).

use proptest::prelude::*;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::id;

use super::{code, date, decimal, decode, document, encode, item_ids, party, quantity, text};

/// An amount in the invoice's currency (EUR, which MOA leaves to CUX) or in another one.
fn money() -> impl Strategy<Value = Money> {
    (decimal(), prop::sample::select(vec!["EUR", "USD"])).prop_map(|(amount, currency)| Money {
        amount,
        currency: Some(currency.to_owned()),
    })
}

fn notes() -> impl Strategy<Value = Vec<Note>> {
    prop::option::of(text()).prop_map(|note| {
        note.into_iter()
            .map(|text| Note { kind: None, text })
            .collect()
    })
}

fn references() -> impl Strategy<Value = Vec<Identifier>> {
    prop::collection::vec(code().prop_map(|c| id("contract", c)), 0..2)
}

fn shipped_item() -> impl Strategy<Value = ShippedItem> {
    (
        "[0-9]{1,4}",
        prop::option::of("[0-9]{1,3}"),
        item_ids(),
        prop::option::of(text()),
        quantity(),
        prop::option::of(quantity()),
        prop::collection::vec(code(), 0..2),
        prop::collection::vec(code(), 0..2),
    )
        .prop_map(
            |(line_number, order_line, item_ids, description, quantity, ordered, lots, serials)| {
                ShippedItem {
                    line_number,
                    order_line,
                    item_ids,
                    description,
                    quantity,
                    ordered,
                    lots,
                    serials,
                    extensions: Vec::new(),
                }
            },
        )
}

/// Packs "2", "3", … (or their first SSCC, see [`named_by_sscc`]) each inside an earlier one
/// or none.
fn packs() -> impl Strategy<Value = Vec<Pack>> {
    let pack = (
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop::collection::vec("[0-9]{18}", 0..2),
        prop::option::of(prop::sample::select(vec!["PX", "CT", "BX"])),
        prop::option::of(decimal()),
        prop::collection::vec(shipped_item(), 0..3),
    );
    prop::collection::vec(pack, 0..4)
        .prop_map(|packs| {
            packs
                .into_iter()
                .enumerate()
                .map(
                    |(i, (parent, nested, marks, packaging, weight, items))| Pack {
                        pack_id: (i + 2).to_string(),
                        parent_pack: (nested && i > 0).then(|| (parent.index(i) + 2).to_string()),
                        marks: marks.into_iter().map(|m| id("sscc", m)).collect(),
                        packaging: packaging.map(str::to_owned),
                        weight: weight.map(|value| Quantity {
                            value,
                            unit: "KGM".to_owned(),
                        }),
                        items,
                    },
                )
                .collect::<Vec<_>>()
        })
        .prop_map(named_by_sscc)
}

/// Packs as DESADV names them: by their first SSCC (GIN+BJ) when they have one.
fn named_by_sscc(mut packs: Vec<Pack>) -> Vec<Pack> {
    let names: Vec<(String, String)> = packs
        .iter()
        .filter_map(|p| Some((p.pack_id.clone(), p.marks.first()?.value.clone())))
        .collect();
    let rename = |id: &mut String| {
        if let Some((_, sscc)) = names.iter().find(|(old, _)| old == id) {
            *id = sscc.clone();
        }
    };
    for pack in &mut packs {
        rename(&mut pack.pack_id);
        if let Some(parent) = &mut pack.parent_pack {
            rename(parent);
        }
    }
    packs
}

fn carrier() -> impl Strategy<Value = Carrier> {
    (
        prop::option::of((prop::sample::select(vec!["gln", "duns"]), "[0-9]{9,13}")),
        prop::option::of(text()),
        prop::option::of(prop::sample::select(vec!["10", "30"])),
        prop::collection::vec(code(), 0..3),
    )
        .prop_map(|(carrier_id, name, mode, tracking_numbers)| Carrier {
            ids: carrier_id.into_iter().map(|(s, v)| id(s, v)).collect(),
            name,
            mode: mode.map(str::to_owned),
            tracking_numbers,
        })
}

fn ship_notice() -> impl Strategy<Value = ShipNotice> {
    let order = (code(), packs(), prop::collection::vec(shipped_item(), 0..3)).prop_map(
        |(po_number, packs, items)| ShippedOrder {
            po_number,
            references: Vec::new(),
            dates: Vec::new(),
            packs,
            items,
        },
    );
    (
        (
            code(),
            prop::sample::select(vec!["9", "5"]),
            prop::collection::vec(date(), 0..3),
            prop::collection::vec(party(), 0..3),
            references(),
        ),
        prop::option::of(carrier()),
        prop::option::of(decimal()),
        prop::option::of("[1-9][0-9]{0,2}"),
        order,
        notes(),
    )
        .prop_map(
            |(
                (number, purpose, dates, parties, references),
                carrier,
                gross,
                count,
                order,
                notes,
            )| {
                ShipNotice {
                    shipment_id: number,
                    structure: None,
                    purpose: Some(purpose.to_owned()),
                    dates,
                    parties,
                    references,
                    carrier,
                    gross_weight: gross.map(|value| Quantity {
                        value,
                        unit: "KGM".to_owned(),
                    }),
                    package_count: count,
                    orders: vec![order],
                    notes,
                    extensions: Vec::new(),
                }
            },
        )
}

fn taxes() -> impl Strategy<Value = Vec<Tax>> {
    let tax = (
        prop::sample::select(vec!["VAT", "GST"]),
        prop::option::of(decimal()),
        prop::option::of(money()),
        money(),
        prop::option::of("[A-Z]{2}"),
    )
        .prop_map(|(kind, rate, taxable, amount, jurisdiction)| Tax {
            kind: kind.to_owned(),
            rate,
            taxable,
            amount,
            jurisdiction,
        });
    prop::collection::vec(tax, 0..3)
}

fn allowances() -> impl Strategy<Value = Vec<AllowanceCharge>> {
    let allowance = (
        any::<bool>(),
        prop::option::of(code()),
        prop::option::of(text()),
        money(),
    )
        .prop_map(|(is_charge, code, description, amount)| AllowanceCharge {
            is_charge,
            code,
            description,
            amount,
        });
    prop::collection::vec(allowance, 0..3)
}

fn invoice_line() -> impl Strategy<Value = InvoiceLine> {
    (
        (
            "[0-9]{1,4}",
            prop::option::of(code()),
            prop::option::of("[0-9]{1,3}"),
        ),
        item_ids(),
        prop::option::of(text()),
        quantity(),
        (decimal(), prop::option::of(quantity())),
        prop::option::of(money()),
        taxes(),
        allowances(),
    )
        .prop_map(
            |(
                (n, po, order_line),
                ids,
                description,
                quantity,
                (price, basis),
                amount,
                taxes,
                allowances,
            )| {
                InvoiceLine {
                    line_number: n,
                    po_number: po,
                    order_line,
                    item_ids: ids,
                    description,
                    quantity,
                    unit_price: Price {
                        amount: price,
                        currency: Some("EUR".to_owned()),
                        basis: basis.filter(|b| b.value != "1"),
                    },
                    amount,
                    taxes,
                    allowances_charges: allowances,
                    extensions: Vec::new(),
                }
            },
        )
}

fn invoice() -> impl Strategy<Value = Invoice> {
    let kinds = vec![
        InvoiceKind::Invoice,
        InvoiceKind::CreditNote,
        InvoiceKind::DebitNote,
    ];
    let totals = (
        prop::option::of(money()),
        prop::option::of(money()),
        prop::option::of(money()),
        money(),
        prop::option::of(money()),
    )
        .prop_map(
            |(subtotal, tax, allowances_charges, total, due)| InvoiceTotals {
                subtotal,
                tax,
                allowances_charges,
                total,
                due,
            },
        );
    (
        (
            code(),
            prop::sample::select(kinds),
            prop::collection::vec(code(), 0..3),
            prop::collection::vec(date(), 0..3),
            prop::collection::vec(party(), 0..3),
            references(),
        ),
        prop::collection::vec(invoice_line(), 0..4),
        taxes(),
        allowances(),
        totals,
        notes(),
    )
        .prop_map(
            |(
                (number, kind, po_numbers, dates, parties, references),
                lines,
                taxes,
                allowances,
                totals,
                notes,
            )| {
                Invoice {
                    invoice_number: number,
                    kind,
                    po_numbers,
                    currency: Some("EUR".to_owned()),
                    dates,
                    parties,
                    references,
                    payment_terms: None,
                    lines,
                    taxes,
                    allowances_charges: allowances,
                    totals,
                    notes,
                    extensions: Vec::new(),
                }
            },
        )
}

fn mark(comma: bool) -> &'static str {
    if comma { "," } else { "." }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ship_notices_read_back_as_written(notice in ship_notice(), comma in any::<bool>()) {
        let written = document(Document::ShipNotice(notice));
        let read = decode(encode(written.clone(), &[("decimal_mark", mark(comma))]));
        prop_assert_eq!(read.body, written.body);
    }

    #[test]
    fn invoices_read_back_as_written(invoice in invoice(), comma in any::<bool>()) {
        let written = document(Document::Invoice(invoice));
        let read = decode(encode(written.clone(), &[("decimal_mark", mark(comma))]));
        prop_assert_eq!(read.body, written.body);
    }
}
