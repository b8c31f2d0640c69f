//! What two documents must say alike to be the same business document: [`business_content`]
//! sets aside what each standard says in its own words, [`json_differences`] lists where
//! what remains differs.

/// Reduces canonical JSON to its business content, in place: what every format must carry the
/// same. Removed everywhere: `extensions`, source `qualifier`s and `role_code`s and the
/// `order_type` (each standard says those in its own words), the source's own `status_code` and
/// `change_code` beside the canonical `status` and `change` that carry their meaning (X12
/// ACK01 `IA`, EDIFACT 1229 `5`, SAP ACTION `004` and cXML `accept` are one accepted line), and
/// a ship notice's `structure`, X12's BSN05 code for the shape of its HL tree, which no other
/// format has a place for. A line change's `ChangeQuantity`, `ChangePrice` and `ChangeDates`
/// count as `Change`: only X12's POC02 names which value changed (EDIFACT 1229 `3`, SAP
/// ACTION `002` and a cXML update say "changed"), and the new values are in the line itself.
/// A ship notice's `purpose`, a pack's `packaging` and a carrier's `mode` are each the
/// source's own code, as the order type is (X12 BSN01, TD101 and TD504; EDIFACT BGM 1225,
/// PAC 7065 and TDT 8067; SAP E1EDL18 QUALF, VHILM and TRATY, keys into SAP's customizing;
/// cXML `ShipNoticeHeader@operation`, `Packaging` and `Route@method`), with no canonical
/// vocabulary to translate them through, and are removed. So is an allowance's or charge's
/// `code` (X12 SAC02, EDIFACT ALC 7161, SAP KSCHL, a condition type of SAP's customizing, and
/// cXML's element name, `ShippingAmount` or `InvoiceDetailDiscount`); whether it is a charge,
/// its amount and its description are compared.
/// An invoice's Document date, when it gives no Invoice date, counts as its invoice date:
/// EDIFACT INVOIC dates the invoice with DTM+137 (document/message date, as EANCOM uses it),
/// and X12 BIG01 and cXML `invoiceDate` have one element for the invoice's date.
/// A note's `kind` and a contact's `role` are removed too: each is a code of the source's own
/// list (a note's X12 NTE01, EDIFACT FTX 4451, SAP TDID or cXML `Comments@type`; a contact's
/// X12 PER01, EDIFACT CTA 3139 or cXML `Contact@role`; SAP E1EDKA1 has none), and the model
/// has no vocabulary of its own for either to be translated through.
/// A note's `text` is compared with its white space collapsed: where its lines break is
/// where a format's element width wrapped it (X12 NTE02 holds 80 characters, EDIFACT FTX
/// 4440 70). Every `unit` becomes the unit it
/// counts as in the canonical table (an IDoc's `PCE` comes back from X12's `PC` as `H87`: the
/// same piece, see [`crate::units::same`]). Lists of facts (`ids`, `item_ids`, `parties`,
/// `dates`, `references`, `contacts`, `notes`) are sorted, since their order carries no
/// meaning, and so are a ship notice's `orders`, each named by its PO number, whose sequence
/// is only the one the format's tree (X12 HL, EDIFACT CPS groups) met them in; lines keep
/// theirs.
pub fn business_content(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for key in [
                "extensions",
                "qualifier",
                "role_code",
                "order_type",
                "status_code",
                "change_code",
                "structure",
                "purpose",
                "packaging",
            ] {
                map.remove(key);
            }
            // A carrier's `mode`, beside its ids and name (a line has no `mode`).
            if map.contains_key("tracking_numbers") {
                map.remove("mode");
            }
            // An allowance's or charge's `code`, beside `is_charge` (a defect has a code too).
            if map.contains_key("is_charge") {
                map.remove("code");
            }
            if let Some(Value::String(change)) = map.get_mut("change")
                && matches!(
                    change.as_str(),
                    "ChangeQuantity" | "ChangePrice" | "ChangeDates"
                )
            {
                *change = "Change".to_owned();
            }
            if let Some(Value::String(text)) = map.get_mut("text") {
                *text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            if let Some(Value::String(unit)) = map.get_mut("unit")
                && let Some(row) = crate::units::rec20(unit)
            {
                *unit = row.counts_as.to_owned();
            }
            for key in ["notes", "contacts"] {
                let own_code = if key == "notes" { "kind" } else { "role" };
                if let Some(Value::Array(items)) = map.get_mut(key) {
                    items
                        .iter_mut()
                        .filter_map(Value::as_object_mut)
                        .for_each(|item| {
                            item.remove(own_code);
                        });
                }
            }
            // An invoice's own date is its invoice date where it names no other.
            if map.contains_key("invoice_number")
                && let Some(Value::Array(dates)) = map.get_mut("dates")
                && !dates
                    .iter()
                    .any(|d| d.get("kind") == Some(&Value::from("Invoice")))
            {
                for date in dates.iter_mut().filter_map(Value::as_object_mut) {
                    if date.get("kind") == Some(&Value::from("Document")) {
                        date.insert("kind".to_owned(), Value::from("Invoice"));
                    }
                }
            }
            // An invoice's lines name their order "when there are several" (the model's
            // words): with one, a line naming it says no more than one naming none.
            let only_order = match map.get("po_numbers") {
                Some(Value::Array(orders)) if orders.len() == 1 => Some(orders[0].clone()),
                _ => None,
            };
            if let (Some(only), Some(Value::Array(lines))) = (only_order, map.get_mut("lines")) {
                for line in lines.iter_mut().filter_map(Value::as_object_mut) {
                    if line.get("po_number") == Some(&only) {
                        line.insert("po_number".to_owned(), Value::Null);
                    }
                }
            }
            map.values_mut().for_each(business_content);
            for key in [
                "ids",
                "item_ids",
                "parties",
                "dates",
                "references",
                "contacts",
                "notes",
            ] {
                if let Some(Value::Array(items)) = map.get_mut(key) {
                    items.sort_by_key(|v| v.to_string());
                }
            }
            // By PO number, so that an order whose content differs still meets its own.
            if let Some(Value::Array(orders)) = map.get_mut("orders") {
                orders.sort_by_key(|o| o.get("po_number").map(Value::to_string));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(business_content),
        _ => {}
    }
}

/// Every place where `b` differs from `a`, as `path: a ≠ b` lines under `root`.
pub fn json_differences(root: &str, a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                    let (l, r) = (
                        x.get(key).unwrap_or(&Value::Null),
                        y.get(key).unwrap_or(&Value::Null),
                    );
                    walk(&format!("{path}.{key}"), l, r, out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (l, r)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), l, r, out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a} ≠ {b}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, a, b, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::business_content;

    #[test]
    fn a_status_is_compared_by_meaning_not_by_the_source_code() {
        // An X12 IA and a cXML accept are one accepted line (issue 9's matrix compared codes).
        let mut x12 = serde_json::json!({"status": "Accepted", "status_code": "IA",
            "lines": [{"change": "Cancel", "change_code": "DI"}], "structure": "0001"});
        let mut cxml = serde_json::json!({"status": "Accepted", "status_code": "accept",
            "lines": [{"change": "Cancel", "change_code": "003"}], "structure": null});
        business_content(&mut x12);
        business_content(&mut cxml);
        assert_eq!(x12, cxml);
        let mut rejected = serde_json::json!({"status": "Rejected", "status_code": "IA",
            "lines": [{"change": "Cancel", "change_code": "DI"}], "structure": "0001"});
        business_content(&mut rejected);
        assert_ne!(rejected, x12, "the status itself is still compared");
    }

    #[test]
    fn a_quantity_change_is_a_change_but_not_a_cancellation() {
        // X12 POC02 QI names the value that changed; EDIFACT 1229 3 and SAP ACTION 002 cannot.
        let mut x12 = serde_json::json!({"lines": [{"change": "ChangeQuantity"}]});
        let mut edifact = serde_json::json!({"lines": [{"change": "Change"}]});
        let mut cancel = serde_json::json!({"lines": [{"change": "Cancel"}]});
        business_content(&mut x12);
        business_content(&mut edifact);
        business_content(&mut cancel);
        assert_eq!(x12, edifact);
        assert_ne!(x12, cancel);
    }

    #[test]
    fn a_notice_s_orders_compare_as_a_set_and_lines_in_sequence() {
        let mut one = serde_json::json!({"orders": [{"po_number": "A"}, {"po_number": "B"}],
            "lines": [{"line_number": "1"}, {"line_number": "2"}]});
        let mut other = serde_json::json!({"orders": [{"po_number": "B"}, {"po_number": "A"}],
            "lines": [{"line_number": "1"}, {"line_number": "2"}]});
        let mut swapped = serde_json::json!({"orders": [{"po_number": "A"}, {"po_number": "B"}],
            "lines": [{"line_number": "2"}, {"line_number": "1"}]});
        business_content(&mut one);
        business_content(&mut other);
        business_content(&mut swapped);
        assert_eq!(one, other);
        assert_ne!(one, swapped);
    }

    #[test]
    fn a_note_wrapped_by_a_format_is_the_same_note_but_not_another_text() {
        let mut one =
            serde_json::json!({"notes": [{"kind": null, "text": "ships in two deliveries"}]});
        let mut wrapped =
            serde_json::json!({"notes": [{"kind": null, "text": "ships in two\ndeliveries"}]});
        let mut other =
            serde_json::json!({"notes": [{"kind": null, "text": "ships in one delivery"}]});
        business_content(&mut one);
        business_content(&mut wrapped);
        business_content(&mut other);
        assert_eq!(one, wrapped);
        assert_ne!(one, other);
    }

    #[test]
    fn a_note_s_kind_and_a_contact_s_role_are_their_standard_s_words() {
        let mut cxml = serde_json::json!({"notes": [{"kind": "reason", "text": "late"}],
            "contacts": [{"role": "sales", "name": "A. Vogt"}], "kind": "Invoice"});
        let mut idoc = serde_json::json!({"notes": [{"kind": "0002", "text": "late"}],
            "contacts": [{"role": null, "name": "A. Vogt"}], "kind": "Invoice"});
        business_content(&mut cxml);
        business_content(&mut idoc);
        assert_eq!(cxml, idoc);
        let mut credit = serde_json::json!({"notes": [{"kind": "reason", "text": "late"}],
            "contacts": [{"role": "sales", "name": "A. Vogt"}], "kind": "CreditNote"});
        business_content(&mut credit);
        assert_ne!(credit, cxml, "an invoice's kind is not a note's");
    }

    #[test]
    fn a_notice_s_codes_are_their_standard_s_words_but_its_tracking_is_content() {
        let mut x12 = serde_json::json!({"purpose": "00", "carrier": {"mode": "M",
            "tracking_numbers": ["PRO-1"]}, "packs": [{"packaging": "PLT94"}]});
        let mut cxml = serde_json::json!({"purpose": "new", "carrier": {"mode": "motor",
            "tracking_numbers": ["PRO-1"]}, "packs": [{"packaging": "pallet"}]});
        business_content(&mut x12);
        business_content(&mut cxml);
        assert_eq!(x12, cxml);
        let mut lost = serde_json::json!({"purpose": "new", "carrier": {"mode": "motor",
            "tracking_numbers": []}, "packs": [{"packaging": "pallet"}]});
        business_content(&mut lost);
        assert_ne!(lost, x12);
    }

    #[test]
    fn an_invoice_line_naming_the_only_order_says_no_more_than_one_naming_none() {
        let invoice = |po: Option<&str>, code: &str| {
            serde_json::json!({"po_numbers": ["4500012399"], "lines": [{"po_number": po,
                "allowances_charges": [{"is_charge": false, "code": code, "amount": "2.84"}]}]})
        };
        let mut named = invoice(Some("4500012399"), "C310");
        let mut unnamed = invoice(None, "InvoiceDetailDiscount");
        let mut other = invoice(Some("4500099999"), "C310");
        business_content(&mut named);
        business_content(&mut unnamed);
        business_content(&mut other);
        assert_eq!(named, unnamed);
        assert_ne!(named, other, "a line naming another order says so");
        let dated = |dates: serde_json::Value| {
            let mut invoice = serde_json::json!({"invoice_number": "CN-300", "dates": dates});
            business_content(&mut invoice);
            invoice
        };
        let edifact = dated(serde_json::json!([{"kind": "Document", "value": "2026-02-20"}]));
        let x12 = dated(serde_json::json!([{"kind": "Invoice", "value": "2026-02-20"}]));
        assert_eq!(edifact, x12);
        let both = serde_json::json!([{"kind": "Document", "value": "2026-02-19"},
            {"kind": "Invoice", "value": "2026-02-20"}]);
        assert_ne!(
            dated(both),
            x12,
            "beside an invoice date, a document date is its own"
        );
    }
}
