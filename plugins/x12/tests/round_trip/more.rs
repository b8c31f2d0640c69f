//! Generators for the 856, 810 and 997 round trips.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::id;

use super::{
    amount, count, day, document_date, dtm, item_ids, notes, party, po_date, price, references,
    text, usd,
};

fn shipped_item(number: String) -> impl Strategy<Value = ShippedItem> {
    (
        proptest::option::of("[0-9]{1,4}"),
        item_ids(),
        proptest::option::of(text()),
        count(),
        proptest::option::of(count()),
        proptest::collection::vec(text(), 0..2),
        proptest::collection::vec(text(), 0..2),
    )
        .prop_map(
            move |(order_line, item_ids, description, shipped, ordered, lots, serials)| {
                ShippedItem {
                    line_number: number.clone(),
                    order_line,
                    item_ids,
                    description,
                    quantity: Quantity {
                        value: shipped,
                        unit: "EA".to_owned(),
                    },
                    ordered: ordered.map(|value| Quantity {
                        value,
                        unit: "EA".to_owned(),
                    }),
                    lots,
                    serials,
                    extensions: Vec::new(),
                }
            },
        )
}

/// Packs `P<o>x<p>` (or their first SSCC, see [`named_by_sscc`]), nested on an earlier pack of the same order or on none; items `I<o>x<p>x<i>`.
fn shipped_order(o: usize) -> impl Strategy<Value = ShippedOrder> {
    let pack = move |p: usize| {
        (
            proptest::option::of(0..p.max(1)),
            proptest::collection::vec("[0-9]{18}", 0..3),
            proptest::option::of("[A-Z]{3}[0-9]{2}"),
            proptest::option::of(amount()),
            proptest::collection::vec(Just(()), 0..3),
        )
            .prop_flat_map(move |(parent, marks, packaging, weight, items)| {
                let items: Vec<_> = (0..items.len())
                    .map(|i| shipped_item(format!("I{o}x{p}x{i}")))
                    .collect();
                (Just((parent, marks, packaging, weight)), items)
            })
            .prop_map(move |((parent, marks, packaging, weight), items)| Pack {
                pack_id: format!("P{o}x{p}"),
                parent_pack: parent.filter(|_| p > 0).map(|q| format!("P{o}x{q}")),
                marks: marks.into_iter().map(|m| id("sscc", m)).collect(),
                packaging,
                weight: weight.map(|value| Quantity {
                    value,
                    unit: "LBR".to_owned(),
                }),
                items,
            })
    };
    (
        text(),
        references(),
        proptest::option::of(day()),
        0usize..4,
        0usize..3,
    )
        .prop_flat_map(move |(po_number, references, ordered, packs, loose)| {
            let packs: Vec<_> = (0..packs).map(pack).collect();
            let loose: Vec<_> = (0..loose)
                .map(|i| shipped_item(format!("L{o}x{i}")))
                .collect();
            (Just((po_number, references, ordered)), packs, loose)
        })
        .prop_map(
            |((po_number, references, ordered), packs, items)| ShippedOrder {
                po_number,
                references,
                dates: ordered.map(po_date).into_iter().collect(),
                packs: named_by_sscc(packs),
                items,
            },
        )
}

/// Packs as the 856 names them: by their first SSCC when they have one.
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

prop_compose! {
    pub fn ship_notice()(
        shipment_id in text(), date in day(), hour in 0u32..24, dates in proptest::collection::vec(dtm(), 0..2),
        parties in proptest::collection::vec(party(), 0..3), references in references(),
        carrier in proptest::option::of((text(), proptest::option::of("[A-Z]"), proptest::collection::vec(text(), 0..2), proptest::option::of("[A-Z]{4}"))),
        weight in proptest::option::of(amount()), packages in proptest::option::of(count()),
        orders in (1usize..3).prop_flat_map(|n| (0..n).map(shipped_order).collect::<Vec<_>>()),
        bill_of_lading in any::<bool>(),
    ) -> ShipNotice {
        // A shipment-level REF*BM is the bill of lading, a tracking number of the carrier.
        let references = references.into_iter().filter(|r| r.scheme != "bill-of-lading").collect();
        let mut extensions = Vec::new();
        let carrier = carrier.map(|(name, mode, mut tracking_numbers, scac)| {
            tracking_numbers.dedup();
            if let (true, Some(first)) = (bill_of_lading, tracking_numbers.first()) {
                extensions.push(Extension { key: "x12.REF.BM".to_owned(), value: ExtensionValue::Text(first.clone()) });
            }
            Carrier { ids: scac.map(|s| id("scac", s)).into_iter().collect(), name: Some(name), mode, tracking_numbers }
        });
        ShipNotice {
            shipment_id, structure: Some("0001".to_owned()), purpose: Some("00".to_owned()),
            dates: std::iter::once(document_date(format!("{date}T{hour:02}:15:00"))).chain(dates).collect(),
            parties, references,
            carrier,
            gross_weight: weight.map(|value| Quantity { value, unit: "LBR".to_owned() }),
            package_count: packages, orders, notes: Vec::new(), extensions,
        }
    }
}

fn tax() -> impl Strategy<Value = Tax> {
    (
        proptest::option::of((1u32..30).prop_map(|r| r.to_string())),
        proptest::option::of(amount()),
        amount(),
        prop::sample::select(vec![None, Some("MI"), Some("SP:MI")]),
    )
        .prop_map(|(rate, taxable, amount, jurisdiction)| Tax {
            kind: "ST".to_owned(),
            rate,
            taxable: taxable.map(usd),
            amount: usd(amount),
            jurisdiction: jurisdiction.map(str::to_owned),
        })
}

fn charge() -> impl Strategy<Value = AllowanceCharge> {
    (
        any::<bool>(),
        proptest::option::of("[A-Z][0-9]{3}"),
        proptest::option::of(text()),
        amount(),
    )
        .prop_map(|(is_charge, code, description, amount)| AllowanceCharge {
            is_charge,
            code,
            description,
            amount: usd(amount),
        })
}

fn invoice_line(number: usize) -> impl Strategy<Value = InvoiceLine> {
    (
        item_ids(),
        proptest::option::of(text()),
        count(),
        price(),
        proptest::collection::vec(tax(), 0..2),
        proptest::collection::vec(charge(), 0..2),
    )
        .prop_map(
            move |(item_ids, description, value, unit_price, taxes, allowances_charges)| {
                InvoiceLine {
                    line_number: (number + 1).to_string(),
                    po_number: None,
                    order_line: None,
                    item_ids,
                    description,
                    quantity: Quantity {
                        value,
                        unit: "EA".to_owned(),
                    },
                    unit_price,
                    amount: None,
                    taxes,
                    allowances_charges,
                    extensions: Vec::new(),
                }
            },
        )
}

prop_compose! {
    pub fn invoice()(
        invoice_number in text(), kind in prop::sample::select(vec![InvoiceKind::Invoice, InvoiceKind::CreditNote, InvoiceKind::DebitNote]),
        po_number in text(), date in day(), ordered in proptest::option::of(day()), dates in proptest::collection::vec(dtm(), 0..2),
        parties in proptest::collection::vec(party(), 0..3), references in references(), terms in proptest::option::of(text()),
        lines in super::lines(|i| invoice_line(i).boxed()), taxes in proptest::collection::vec(tax(), 0..2),
        charges in proptest::collection::vec(charge(), 0..2), total in amount(), notes in notes(),
    ) -> Invoice {
        let mut all = vec![Dated { kind: DateKind::Invoice, value: date, qualifier: None }];
        all.extend(ordered.map(po_date));
        all.extend(dates);
        let mut invoice = Invoice {
            invoice_number, kind, po_numbers: vec![po_number], currency: Some("USD".to_owned()), dates: all,
            parties, references, payment_terms: terms, lines, taxes, allowances_charges: charges,
            totals: InvoiceTotals { subtotal: None, tax: None, allowances_charges: None, total: usd(total), due: None },
            notes, extensions: Vec::new(),
        };
        // An 810 states no line amounts or subtotal; a decode derives them, as here.
        wharf_plugin_x12::invoice::totals::derive(&mut invoice);
        invoice
    }
}

const SEGMENT_ERRORS: [(&str, &str); 3] = [
    ("2", "Unexpected segment"),
    ("3", "Mandatory segment missing"),
    ("7", "Segment not in proper sequence"),
];
const ELEMENT_ERRORS: [(&str, &str); 3] = [
    ("1", "Mandatory data element missing"),
    ("7", "Invalid code value"),
    ("8", "Invalid date"),
];
const SET_ERRORS: [(&str, &str); 2] = [
    (
        "3",
        "Transaction set control number in header and trailer do not match",
    ),
    ("5", "One or more segments in error"),
];

fn ack_errors() -> impl Strategy<Value = Vec<AckError>> {
    let segment = (
        prop::sample::select(vec!["PO1", "N1", "BEG"]),
        2u32..40,
        proptest::option::of(prop::sample::select(SEGMENT_ERRORS.to_vec())),
        proptest::collection::vec(
            (1u32..20, prop::sample::select(ELEMENT_ERRORS.to_vec())),
            0..3,
        ),
    )
        .prop_filter("a reported segment says something", |(_, _, s, e)| {
            s.is_some() || !e.is_empty()
        })
        .prop_map(|(id, position, segment_error, elements)| {
            let at = |element: Option<u32>, (code, text): (&str, &str)| AckError {
                segment_id: Some(id.to_owned()),
                segment_position: Some(position),
                element_position: element,
                code: Some(code.to_owned()),
                description: text.to_owned(),
            };
            segment_error
                .map(|e| at(None, e))
                .into_iter()
                .chain(elements.into_iter().map(|(n, e)| at(Some(n), e)))
                .collect::<Vec<_>>()
        });
    (
        proptest::collection::vec(segment, 0..3),
        proptest::collection::vec(prop::sample::select(SET_ERRORS.to_vec()), 0..2),
    )
        .prop_map(|(segments, sets)| {
            let mut all: Vec<AckError> = Vec::new();
            for (i, errors) in segments.into_iter().enumerate() {
                // Distinct positions keep the segments apart, as AK3s are.
                all.extend(errors.into_iter().map(|mut e| {
                    e.segment_position = e.segment_position.map(|p| p * 10 + i as u32);
                    e
                }));
            }
            all.extend(sets.into_iter().map(|(code, text)| AckError {
                segment_id: None,
                segment_position: None,
                element_position: None,
                code: Some(code.to_owned()),
                description: text.to_owned(),
            }));
            all
        })
}

fn status() -> impl Strategy<Value = AckStatus> {
    prop::sample::select(vec![
        AckStatus::Accepted,
        AckStatus::AcceptedWithErrors,
        AckStatus::PartiallyAccepted,
        AckStatus::Rejected,
    ])
}

prop_compose! {
    pub fn functional_ack()(
        group_control in "[0-9]{1,9}", group_type in prop::sample::select(vec!["PO", "SH", "IN", "PR"]), status in status(),
        messages in proptest::collection::vec((prop::sample::select(vec!["850", "856", "810"]), status(), ack_errors()), 0..4),
    ) -> FunctionalAck {
        FunctionalAck {
            interchange_control: None, group_control: Some(group_control), group_type: Some(group_type.to_owned()), status,
            messages: messages.into_iter().enumerate().map(|(i, (t, status, errors))| MessageAck {
                message_control: format!("{:04}", i + 1), message_type: Some(t.to_owned()), status, errors,
            }).collect(),
            extensions: Vec::new(),
        }
    }
}
