//! Generators for order responses, ship notices, invoices, quality notifications and supplier
//! master data.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use wharf_guest_sdk::canonical::*;
use wharf_plugin_portal_json::invoice::INVOICE_KINDS;
use wharf_plugin_portal_json::quality::QUALITY_ACTIONS;
use wharf_plugin_portal_json::response::{LINE_STATUSES, RESPONSE_STATUSES};

use super::*;

fn shipped_item() -> impl Strategy<Value = ShippedItem> {
    (
        (
            word(),
            option::of(word()),
            vec(identifier(), 0..2),
            option::of(text()),
        ),
        (
            quantity(),
            option::of(quantity()),
            vec(word(), 0..2),
            vec(word(), 0..2),
            vec(extension(), 0..2),
        ),
    )
        .prop_map(
            |(
                (line_number, order_line, item_ids, description),
                (quantity, ordered, lots, serials, extensions),
            )| ShippedItem {
                line_number,
                order_line,
                item_ids,
                description,
                quantity,
                ordered,
                lots,
                serials,
                extensions,
            },
        )
}

fn pack() -> impl Strategy<Value = Pack> {
    (
        word(),
        option::of(word()),
        vec(identifier(), 0..2),
        option::of(word()),
        option::of(quantity()),
        vec(shipped_item(), 0..3),
    )
        .prop_map(
            |(pack_id, parent_pack, marks, packaging, weight, items)| Pack {
                pack_id,
                parent_pack,
                marks,
                packaging,
                weight,
                items,
            },
        )
}

pub fn ship_notice() -> impl Strategy<Value = Document> {
    let carrier = (
        vec(identifier(), 0..2),
        option::of(text()),
        option::of(word()),
        vec(word(), 0..3),
    )
        .prop_map(|(ids, name, mode, tracking_numbers)| Carrier {
            ids,
            name,
            mode,
            tracking_numbers,
        });
    let order = (
        word(),
        vec(identifier(), 0..2),
        vec(dated(), 0..2),
        vec(pack(), 0..3),
        vec(shipped_item(), 0..3),
    )
        .prop_map(
            |(po_number, references, dates, packs, items)| ShippedOrder {
                po_number,
                references,
                dates,
                packs,
                items,
            },
        );
    (
        (
            word(),
            option::of(word()),
            option::of(word()),
            option::of(carrier),
            option::of(quantity()),
            option::of(decimal()),
        ),
        header(),
        vec(order, 0..3),
    )
        .prop_map(
            |(
                (shipment_id, structure, purpose, carrier, gross_weight, package_count),
                (dates, parties, references, notes, extensions),
                orders,
            )| {
                Document::ShipNotice(ShipNotice {
                    shipment_id,
                    structure,
                    purpose,
                    dates,
                    parties,
                    references,
                    carrier,
                    gross_weight,
                    package_count,
                    orders,
                    notes,
                    extensions,
                })
            },
        )
}

fn tax() -> impl Strategy<Value = Tax> {
    (
        word(),
        option::of(decimal()),
        option::of(money()),
        money(),
        option::of(word()),
    )
        .prop_map(|(kind, rate, taxable, amount, jurisdiction)| Tax {
            kind,
            rate,
            taxable,
            amount,
            jurisdiction,
        })
}

fn allowance_charge() -> impl Strategy<Value = AllowanceCharge> {
    (
        any::<bool>(),
        option::of(word()),
        option::of(text()),
        money(),
    )
        .prop_map(|(is_charge, code, description, amount)| AllowanceCharge {
            is_charge,
            code,
            description,
            amount,
        })
}

pub fn invoice() -> impl Strategy<Value = Document> {
    let line = (
        (
            word(),
            option::of(word()),
            option::of(word()),
            vec(identifier(), 0..2),
            option::of(text()),
        ),
        (
            quantity(),
            price(),
            option::of(money()),
            vec(tax(), 0..2),
            vec(allowance_charge(), 0..2),
            vec(extension(), 0..2),
        ),
    )
        .prop_map(
            |(
                (line_number, po_number, order_line, item_ids, description),
                (quantity, unit_price, amount, taxes, allowances_charges, extensions),
            )| InvoiceLine {
                line_number,
                po_number,
                order_line,
                item_ids,
                description,
                quantity,
                unit_price,
                amount,
                taxes,
                allowances_charges,
                extensions,
            },
        );
    let totals = (
        option::of(money()),
        option::of(money()),
        option::of(money()),
        money(),
        option::of(money()),
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
            word(),
            code(INVOICE_KINDS),
            vec(word(), 0..3),
            option::of(word()),
            option::of(text()),
        ),
        header(),
        (
            vec(line, 0..4),
            vec(tax(), 0..2),
            vec(allowance_charge(), 0..2),
            totals,
        ),
    )
        .prop_map(
            |(
                (invoice_number, kind, po_numbers, currency, payment_terms),
                (dates, parties, references, notes, extensions),
                (lines, taxes, allowances_charges, totals),
            )| {
                Document::Invoice(Invoice {
                    invoice_number,
                    kind,
                    po_numbers,
                    currency,
                    dates,
                    parties,
                    references,
                    payment_terms,
                    lines,
                    taxes,
                    allowances_charges,
                    totals,
                    notes,
                    extensions,
                })
            },
        )
}

pub fn quality_notification() -> impl Strategy<Value = Document> {
    let defect = (word(), option::of(text()), option::of(quantity())).prop_map(
        |(code, description, quantity)| Defect {
            code,
            description,
            quantity,
        },
    );
    (
        (
            word(),
            code(QUALITY_ACTIONS),
            option::of(word()),
            vec(identifier(), 0..2),
            vec(word(), 0..2),
        ),
        (option::of(quantity()), vec(defect, 0..3)),
        header(),
    )
        .prop_map(
            |(
                (notification_number, action, po_number, item_ids, lots),
                (quantity, defects),
                (dates, parties, _references, notes, extensions),
            )| {
                Document::QualityNotification(QualityNotification {
                    notification_number,
                    action,
                    po_number,
                    item_ids,
                    lots,
                    quantity,
                    defects,
                    dates,
                    parties,
                    notes,
                    extensions,
                })
            },
        )
}

pub fn order_response() -> impl Strategy<Value = Document> {
    let line = (
        (
            word(),
            code(LINE_STATUSES),
            option::of(word()),
            vec(identifier(), 0..2),
        ),
        (
            option::of(quantity()),
            option::of(price()),
            vec(dated(), 0..2),
            vec(note(), 0..2),
            vec(extension(), 0..2),
        ),
    )
        .prop_map(
            |(
                (line_number, status, status_code, item_ids),
                (quantity, price, dates, notes, extensions),
            )| LineResponse {
                line_number,
                status,
                status_code,
                item_ids,
                quantity,
                price,
                dates,
                notes,
                extensions,
            },
        );
    (
        (
            option::of(word()),
            word(),
            option::of(word()),
            code(RESPONSE_STATUSES),
            option::of(word()),
            option::of(word()),
        ),
        header(),
        vec(line, 0..4),
    )
        .prop_map(
            |(
                (response_number, po_number, change_number, status, status_code, currency),
                (dates, parties, references, notes, extensions),
                lines,
            )| {
                Document::OrderResponse(OrderResponse {
                    response_number,
                    po_number,
                    change_number,
                    status,
                    status_code,
                    currency,
                    dates,
                    parties,
                    references,
                    notes,
                    lines,
                    extensions,
                })
            },
        )
}

pub fn supplier() -> impl Strategy<Value = Document> {
    let certification = (
        word(),
        option::of(word()),
        option::of(text()),
        option::of(iso_date()),
    )
        .prop_map(|(name, number, issuer, valid_until)| Certification {
            name,
            number,
            issuer,
            valid_until,
        });
    let account = (
        (option::of(text()), option::of(word()), option::of(word())),
        (
            option::of(word()),
            option::of(word()),
            option::of(text()),
            option::of(word()),
        ),
    )
        .prop_map(
            |((holder, iban, bic), (account_number, bank_code, bank_name, currency))| BankAccount {
                holder,
                iban,
                bic,
                account_number,
                bank_code,
                bank_name,
                currency,
            },
        );
    let compliance = (word(), text()).prop_map(|(name, value)| ComplianceAttribute { name, value });
    (
        (
            vec(identifier(), 0..3),
            text(),
            option::of(word()),
            vec(identifier(), 0..2),
        ),
        (
            vec(party(), 0..2),
            vec(certification, 0..3),
            vec(account, 0..2),
            vec(compliance, 0..2),
            vec(extension(), 0..2),
        ),
    )
        .prop_map(
            |(
                (ids, name, status, tax_ids),
                (parties, certifications, bank_accounts, compliance, extensions),
            )| {
                Document::Supplier(Supplier {
                    ids,
                    name,
                    status,
                    tax_ids,
                    parties,
                    certifications,
                    bank_accounts,
                    compliance,
                    extensions,
                })
            },
        )
}
