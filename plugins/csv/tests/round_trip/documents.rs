//! Generated documents in the form the CSV decoder gives them: only what a column carries,
//! parties and item identifiers in the layout's order, ship notices whose orders and packs are
//! distinct (rows are grouped by them), invoices whose lines all name their order, line
//! numbers unique within a document.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::id;

use super::{amount, dated, item_ids, parties, unit, value};

pub fn purchase_order() -> impl Strategy<Value = PurchaseOrder> {
    let line = (
        value(),
        item_ids(),
        option::of(value()),
        amount(),
        unit(),
        option::of(amount()),
        dated(DateKind::RequestedDelivery),
    )
        .prop_map(
            |(line_number, item_ids, description, quantity, unit, price, delivery)| OrderLine {
                line_number,
                parent_line: None,
                item_ids,
                description,
                quantity: Quantity {
                    value: quantity,
                    unit,
                },
                price: price.map(|amount| Price {
                    amount,
                    currency: None,
                    basis: None,
                }),
                schedule: Vec::new(),
                dates: delivery.into_iter().collect(),
                references: Vec::new(),
                notes: Vec::new(),
                extensions: Vec::new(),
            },
        );
    const ROLES: &[PartyRole] = &[PartyRole::Buyer, PartyRole::Supplier, PartyRole::ShipTo];
    (
        value(),
        dated(DateKind::Document),
        option::of(value()),
        parties(ROLES),
        option::of(value()),
        vec(line, 1..5),
    )
        .prop_map(
            |(po_number, date, currency, parties, payment_terms, mut lines)| {
                // Line numbers are unique within a document.
                let mut seen = BTreeSet::new();
                lines.retain(|l| seen.insert(l.line_number.clone()));
                PurchaseOrder {
                    po_number,
                    order_type: None,
                    currency,
                    dates: date.into_iter().collect(),
                    parties,
                    references: Vec::new(),
                    payment_terms,
                    notes: Vec::new(),
                    lines,
                    total: None,
                    extensions: Vec::new(),
                }
            },
        )
}

fn shipped_item() -> impl Strategy<Value = ShippedItem> {
    (
        value(),
        option::of(value()),
        item_ids(),
        option::of(value()),
        amount(),
        unit(),
        option::of(value()),
        option::of(value()),
    )
        .prop_map(
            |(line_number, order_line, item_ids, description, quantity, unit, lot, serial)| {
                ShippedItem {
                    line_number,
                    order_line,
                    item_ids,
                    description,
                    quantity: Quantity {
                        value: quantity,
                        unit,
                    },
                    ordered: None,
                    lots: lot.into_iter().collect(),
                    serials: serial.into_iter().collect(),
                    extensions: Vec::new(),
                }
            },
        )
}

fn shipped_order() -> impl Strategy<Value = ShippedOrder> {
    let pack = ("[0-9]{18}", vec(shipped_item(), 1..3)).prop_map(|(sscc, items)| Pack {
        pack_id: sscc.clone(),
        parent_pack: None,
        marks: vec![id("sscc", sscc)],
        packaging: None,
        weight: None,
        items,
    });
    (value(), vec(pack, 0..3), vec(shipped_item(), 1..3)).prop_map(
        |(po_number, mut packs, items)| {
            let mut seen = BTreeSet::new();
            packs.retain(|p| seen.insert(p.pack_id.clone()));
            ShippedOrder {
                po_number,
                references: Vec::new(),
                dates: Vec::new(),
                packs,
                items,
            }
        },
    )
}

pub fn ship_notice() -> impl Strategy<Value = ShipNotice> {
    const ROLES: &[PartyRole] = &[PartyRole::ShipFrom, PartyRole::ShipTo];
    (
        value(),
        dated(DateKind::Shipped),
        dated(DateKind::ExpectedDelivery),
        option::of(value()),
        option::of(value()),
        parties(ROLES),
        vec(shipped_order(), 1..4),
    )
        .prop_map(
            |(shipment_id, shipped, expected, carrier, tracking, parties, mut orders)| {
                let mut seen = BTreeSet::new();
                orders.retain(|o| seen.insert(o.po_number.clone()));
                ShipNotice {
                    shipment_id,
                    structure: None,
                    purpose: None,
                    dates: shipped.into_iter().chain(expected).collect(),
                    parties,
                    references: Vec::new(),
                    carrier: (carrier.is_some() || tracking.is_some()).then(|| Carrier {
                        ids: Vec::new(),
                        name: carrier,
                        mode: None,
                        tracking_numbers: tracking.into_iter().collect(),
                    }),
                    gross_weight: None,
                    package_count: None,
                    orders,
                    notes: Vec::new(),
                    extensions: Vec::new(),
                }
            },
        )
}

pub fn invoice() -> impl Strategy<Value = Invoice> {
    let line = (
        value(),
        value(),
        option::of(value()),
        item_ids(),
        option::of(value()),
        (amount(), unit(), amount(), option::of(amount())),
    )
        .prop_map(
            |(
                line_number,
                po_number,
                order_line,
                item_ids,
                description,
                (q, unit, price, line_amount),
            )| {
                InvoiceLine {
                    line_number,
                    po_number: Some(po_number),
                    order_line,
                    item_ids,
                    description,
                    quantity: Quantity { value: q, unit },
                    unit_price: Price {
                        amount: price,
                        currency: None,
                        basis: None,
                    },
                    amount: line_amount.map(|amount| Money {
                        amount,
                        currency: None,
                    }),
                    taxes: Vec::new(),
                    allowances_charges: Vec::new(),
                    extensions: Vec::new(),
                }
            },
        );
    const ROLES: &[PartyRole] = &[PartyRole::Supplier, PartyRole::Buyer];
    (
        value(),
        dated(DateKind::Invoice),
        dated(DateKind::Due),
        option::of(value()),
        parties(ROLES),
        amount(),
        vec(line, 1..5),
    )
        .prop_map(
            |(invoice_number, invoiced, due, currency, parties, total, mut lines)| {
                // Line numbers are unique within a document.
                let mut seen = BTreeSet::new();
                lines.retain(|l| seen.insert(l.line_number.clone()));
                let mut po_numbers: Vec<String> = Vec::new();
                for po in lines.iter().filter_map(|l| l.po_number.clone()) {
                    if !po_numbers.contains(&po) {
                        po_numbers.push(po);
                    }
                }
                Invoice {
                    invoice_number,
                    kind: InvoiceKind::Invoice,
                    po_numbers,
                    currency: currency.clone(),
                    dates: invoiced.into_iter().chain(due).collect(),
                    parties,
                    references: Vec::new(),
                    payment_terms: None,
                    lines,
                    taxes: Vec::new(),
                    allowances_charges: Vec::new(),
                    totals: InvoiceTotals {
                        subtotal: None,
                        tax: None,
                        allowances_charges: None,
                        total: Money {
                            amount: total,
                            currency,
                        },
                        due: None,
                    },
                    notes: Vec::new(),
                    extensions: Vec::new(),
                }
            },
        )
}

pub fn supplier() -> impl Strategy<Value = Supplier> {
    let certification = (
        value(),
        option::of(value()),
        option::of(value()),
        option::of(super::date()),
    )
        .prop_map(|(name, number, issuer, valid_until)| Certification {
            name,
            number,
            issuer,
            valid_until,
        });
    let address = (
        option::of(value()),
        option::of(value()),
        option::of(value()),
        option::of(value()),
    )
        .prop_map(|(street, city, postal_code, country)| Address {
            street: street.into_iter().collect(),
            city,
            region: None,
            postal_code,
            country,
        });
    let contact = (option::of(value()), option::of(value())).prop_map(|(phone, email)| Contact {
        role: None,
        name: None,
        phone,
        email,
    });
    let account = (
        option::of(value()),
        option::of(value()),
        option::of(value()),
    )
        .prop_map(|(iban, bic, bank_name)| BankAccount {
            holder: None,
            iban,
            bic,
            account_number: None,
            bank_code: None,
            bank_name,
            currency: None,
        });
    (
        (value(), value(), option::of(value()), option::of(value())),
        (address, contact, account),
        vec(certification, 0..3),
    )
        .prop_map(
            |((supplier_id, name, status, tax_id), (address, contact, account), certifications)| {
                // The decoder gives a party, a contact or an account only where a cell of it
                // has a value.
                let address = (address
                    != Address {
                        street: Vec::new(),
                        city: None,
                        region: None,
                        postal_code: None,
                        country: None,
                    })
                .then_some(address);
                let contacts: Vec<Contact> = (contact.phone.is_some() || contact.email.is_some())
                    .then_some(contact)
                    .into_iter()
                    .collect();
                let parties = (address.is_some() || !contacts.is_empty())
                    .then(|| Party {
                        role: PartyRole::Supplier,
                        role_code: None,
                        ids: Vec::new(),
                        name: None,
                        address,
                        contacts,
                    })
                    .into_iter()
                    .collect();
                let has_account =
                    account.iban.is_some() || account.bic.is_some() || account.bank_name.is_some();
                Supplier {
                    ids: vec![id("buyer", supplier_id)],
                    name,
                    status,
                    tax_ids: tax_id.map(|v| id("vat", v)).into_iter().collect(),
                    parties,
                    certifications,
                    bank_accounts: has_account.then_some(account).into_iter().collect(),
                    compliance: Vec::new(),
                    extensions: Vec::new(),
                }
            },
        )
}
