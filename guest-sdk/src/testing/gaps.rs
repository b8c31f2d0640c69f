//! What a standard has no place for: [`business_content_in`] compares a document that crossed
//! into a standard on what that standard can carry, each gap named with the element that
//! lacks it.

use super::business::business_content;

/// [`business_content`] of a document that crossed into `standard` (an adapter id: `x12`,
/// `idoc`, ...), less what that standard has no place for, so that a pair is compared on
/// what its target can carry. Apply it to both sides. Each gap is named with the standard's
/// element that lacks it:
///
/// - No standard writes an identifier or reference in another standard's own words: a code
///   the scheme table ([`crate::schemes`]) has no row for stays `x12:<REF01>`,
///   `edifact:<1153>` or `sap:<...>`, which only that standard's adapter writes back.
/// - A reference of a canonical scheme the target's reference qualifiers have no code for, by
///   the scheme table (X12 element 128, EDIFACT 1153, SAP's EDI_QUALFR; each row checked
///   against those lists): so X12 and SAP IDoc have none for the id of an earlier *message*
///   (the [`crate::schemes::PREVIOUS_MESSAGE`] scheme, a cXML payloadID or EDIFACT RFF+ACW),
///   what stands for it in their own traffic being the other message's control number, and
///   SAP none for the buyer's number for the vendor (X12 REF*IA). cXML writes any reference
///   as an `IdReference` and has no such gap.
/// - X12 dates the documents it begins without a time zone, and the 850's and 855's without a
///   time: BEG05, BAK03 and BAK04, BCH06, BIG01 and BIG03 are dates (element 373), BSN03/BSN04
///   date and time (337) without a time code (623); PRF04, a ship notice order's date, is a
///   date. So is a schedule line's date, SCH06/SCH07, which has no time code either. A
///   document's own date and a date of kind `Other` (the order's date, there) keep only what
///   these elements hold; the dates X12 writes as DTM keep their zone (DTM04).
/// - SAP IDoc dates have no time zone: E1EDK03 and E1EDP03 DATUM/UZEIT, E1EDP20 EDATU/EZEIT,
///   E1EDT13 NTANF/NTANZ (its TZONE_BEG names a zone of table TTZZ, not an offset).
/// - SAP IDoc contacts are E1EDKA1 BNAME and TELF1: no e-mail address, so a contact that had
///   only one is no contact there. E1EDKA1 identifies a partner by PARTN, LIFNR and ILNNR
///   (a GLN): no DUNS number.
/// - A DELVRY IDoc (DESADV) has no notice date: E1EDT13 dates the shipment's deadlines (006
///   goods issue, 007 delivery), the control record the IDoc, so a ship notice's Document
///   date has no place there. It has one bill of lading, E1EDL20 BOLNR (TRAID identifies the
///   vehicle, not a consignment): a carrier's further tracking numbers have none. Its
///   partners, the carrier among them (the forwarding agent, PARTNER_Q SP), are E1ADRM1
///   segments, which identify a partner by PARTNER_ID alone, the sender's number for it: no
///   GLN, DUNS, SCAC or buyer's number. E1EDL41 dates the order with BSTDT, a date without a
///   time. And E1EDL24 gives the delivered quantity (LFIMG in VRKME, LGMNG in the
///   stockkeeping unit MEINS) while E1EDL41 names the order line (BSTNR, POSEX) without its
///   quantity: a shipped item's ordered quantity has no place.
/// - SAP IDoc parties carry a VAT number only in an invoice (INVOIC02 E1EDK01 EIGENUINR and
///   KUNDEUINR). An item's ids are E1EDP19 QUALF 001 (buyer's), 002 (supplier's) and 003
///   (EAN) with MFRPN: no supplier's auxiliary part id (cXML SupplierPartAuxiliaryID). And a
///   response line's E1EDP01 ACTION (001 added, 002 changed, 003 cancelled, 004 unchanged,
///   005 locked) has no backorder: a backordered line is a changed one there.
/// - SAP IDoc taxes are E1EDK04 and E1EDP04 MWSKZ, MSATZ and MWSBT: a rate and an amount, no
///   taxable base.
/// - An order response's change number: cXML's ConfirmationHeader and OrderReference name
///   the order (orderID, payloadID) but not which change of it is answered, and the ORDRSP
///   IDoc's E1EDK01 and E1EDK02 qualifiers (EDI_QUALFR) have no code for one. Nor does the
///   ORDCHG IDoc for the change's own number or revision.
/// - An invoice line's order line equal to its own number: cXML requires one
///   (InvoiceDetailItemReference@lineNumber), and gives the line's own number where the
///   source names none.
/// - An invoice's amount due: X12 810 TDS has the total (TDS01) and the amount due *after
///   terms discount* (TDS03), not the amount due; INVOIC02 E1EDS01 SUMID has no code for it.
///   Nor does an 810 (004010) state the total of its allowances and charges: its summary is
///   TDS, TXI, CAD, the SAC loop, ISS and CTT, and that total is left to be summed from the
///   SACs (EDIFACT states it as MOA+131, SAP as E1EDS01 SUMID 020).
pub fn business_content_in(standard: &str, value: &mut serde_json::Value) {
    set_aside_gaps(standard, value, None);
    set_aside_fields(standard, value);
    business_content(value);
}

/// The fields of one document type that `standard` has no element for (see
/// [`business_content_in`]), by their path in the document.
fn set_aside_fields(standard: &str, value: &mut serde_json::Value) {
    use serde_json::Value;
    let Some((document, body)) = value.as_object_mut().and_then(|m| m.iter_mut().next()) else {
        return;
    };
    let Some(body) = body.as_object_mut() else {
        return;
    };
    let fields: &[&str] = match (standard, document.as_str()) {
        ("cxml", "OrderResponse") => &["change_number"],
        ("idoc", "OrderResponse") => &["change_number"],
        ("idoc", "OrderChange") => &["change_number", "revision"],
        _ => &[],
    };
    for field in fields {
        body.insert((*field).to_owned(), Value::Null);
    }
    if document == "Invoice"
        && matches!(standard, "x12" | "idoc")
        && let Some(Value::Object(totals)) = body.get_mut("totals")
    {
        totals.insert("due".to_owned(), Value::Null);
        if standard == "x12" {
            totals.insert("allowances_charges".to_owned(), Value::Null);
        }
    }
    // cXML's InvoiceDetailItemReference@lineNumber, the order line an item bills, is
    // required: for a line whose source names none, the writer gives the line's own number.
    if standard == "cxml"
        && document == "Invoice"
        && let Some(Value::Array(lines)) = body.get_mut("lines")
    {
        for line in lines.iter_mut().filter_map(Value::as_object_mut) {
            if line.get("order_line").is_some() && line.get("order_line") == line.get("line_number")
            {
                line.insert("order_line".to_owned(), Value::Null);
            }
        }
    }
    if standard == "idoc" && document == "ShipNotice" {
        set_aside_in_delivery(body);
    }
    if standard == "idoc" {
        // INVOIC02 has E1EDK01 EIGENUINR and KUNDEUINR for the two VAT numbers; no other.
        let lacking: &[&str] = if document == "Invoice" {
            &["duns"]
        } else {
            &["duns", crate::schemes::VAT]
        };
        if let Some(Value::Array(parties)) = body.get_mut("parties") {
            for ids in parties.iter_mut().filter_map(|p| p.get_mut("ids")) {
                if let Value::Array(ids) = ids {
                    ids.retain(|i| {
                        i.get("scheme")
                            .and_then(Value::as_str)
                            .is_none_or(|s| !lacking.contains(&s))
                    });
                }
            }
        }
        if let Some(Value::Array(lines)) = body.get_mut("lines") {
            for line in lines.iter_mut() {
                let line = if line.get("line").is_some() {
                    &mut line["line"]
                } else {
                    line
                };
                if let Some(Value::Array(ids)) = line.get_mut("item_ids") {
                    ids.retain(|i| i.get("scheme").and_then(Value::as_str) != Some("supplier-aux"));
                }
                if let Some(status) = line.get_mut("status")
                    && status == "Backordered"
                {
                    *status = Value::from("Changed");
                }
            }
        }
        let no_taxable = |taxes: &mut Value| {
            for tax in taxes.as_array_mut().into_iter().flatten() {
                if let Some(taxable) = tax.get_mut("taxable") {
                    *taxable = Value::Null;
                }
            }
        };
        if let Some(taxes) = body.get_mut("taxes") {
            no_taxable(taxes);
        }
        if let Some(Value::Array(lines)) = body.get_mut("lines") {
            lines
                .iter_mut()
                .filter_map(|l| l.get_mut("taxes"))
                .for_each(no_taxable);
        }
    }
}

/// What a DELVRY IDoc has no element for in a ship notice (see [`business_content_in`]).
fn set_aside_in_delivery(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    // E1EDT13 dates the shipment's deadlines; nothing dates the notice itself.
    if let Some(Value::Array(dates)) = body.get_mut("dates") {
        dates.retain(|d| d.get("kind").and_then(Value::as_str) != Some("Document"));
    }
    if let Some(Value::Object(carrier)) = body.get_mut("carrier") {
        // E1EDL20 BOLNR is one bill of lading; TRAID names the vehicle, not a consignment.
        if let Some(Value::Array(numbers)) = carrier.get_mut("tracking_numbers") {
            numbers.truncate(1);
        }
        if let Some(ids) = carrier.get_mut("ids") {
            partner_number_only(ids);
        }
    }
    for party in body
        .get_mut("parties")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(ids) = party.get_mut("ids") {
            partner_number_only(ids);
        }
    }
    // E1EDL24 gives the delivered quantity (LFIMG/VRKME, LGMNG/MEINS); E1EDL41 names the
    // order line (BSTNR, POSEX) without its quantity.
    for order in body
        .get_mut("orders")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        // E1EDL41 BSTDT, the order's date, is a date with no time beside it.
        for date in order
            .get_mut("dates")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(Value::String(text)) = date.get_mut("value")
                && let Some((day, _)) = text.split_once('T')
            {
                *text = day.to_owned();
            }
        }
        let packed = order
            .get_mut("packs")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get_mut("items").and_then(Value::as_array_mut))
            .flatten()
            .collect::<Vec<_>>();
        for item in packed {
            if let Some(ordered) = item.get_mut("ordered") {
                *ordered = Value::Null;
            }
        }
        for item in order
            .get_mut("items")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(ordered) = item.get_mut("ordered") {
                *ordered = Value::Null;
            }
        }
    }
}

/// An E1ADRM1 names a partner by PARTNER_ID alone, the sender's (the supplier's) number for
/// it: no GLN, DUNS, SCAC or buyer's number (E1EDKA1's ILNNR has no counterpart there).
fn partner_number_only(ids: &mut serde_json::Value) {
    if let serde_json::Value::Array(ids) = ids {
        ids.retain(|i| i.get("scheme").and_then(serde_json::Value::as_str) == Some("supplier"));
    }
}

fn set_aside_gaps(standard: &str, value: &mut serde_json::Value, document: Option<&str>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(table) = reference_codes(standard)
                && let Some(Value::Array(references)) = map.get_mut("references")
            {
                references.retain(|r| {
                    r.get("scheme")
                        .and_then(Value::as_str)
                        .is_none_or(|scheme| {
                            !crate::schemes::is_canonical(scheme)
                                || crate::schemes::to_code(table, scheme).is_some()
                        })
                });
            }
            for key in ["ids", "item_ids", "references", "marks"] {
                if let Some(Value::Array(identifiers)) = map.get_mut(key) {
                    identifiers.retain(|i| {
                        i.get("scheme")
                            .and_then(Value::as_str)
                            .is_none_or(|scheme| !of_another_standard(scheme, standard))
                    });
                }
            }
            if standard == "idoc"
                && let Some(Value::Array(contacts)) = map.get_mut("contacts")
            {
                for contact in contacts.iter_mut() {
                    if let Some(email) = contact.get_mut("email") {
                        *email = Value::Null;
                    }
                }
                contacts.retain(|c| {
                    ["name", "phone"]
                        .iter()
                        .any(|k| c.get(*k).is_some_and(|v| !v.is_null()))
                });
            }
            // A schedule line is a quantity and its dates, nothing else (an order line has more).
            let in_schedule =
                map.len() == 2 && map.contains_key("quantity") && map.contains_key("dates");
            let date = map.get("kind").and_then(Value::as_str).map(str::to_owned);
            if let (Some(kind), Some(Value::String(text))) = (date, map.get_mut("value")) {
                match standard {
                    "idoc" => *text = without_offset(text),
                    "x12" if matches!(kind.as_str(), "Document" | "Other") => {
                        *text = without_offset(text);
                        let dated_only = matches!(
                            document,
                            Some("PurchaseOrder" | "OrderResponse" | "OrderChange" | "Invoice")
                        ) || kind == "Other";
                        if dated_only && let Some((day, _)) = text.split_once('T') {
                            *text = day.to_owned();
                        }
                    }
                    _ => {}
                }
            }
            for (key, child) in map.iter_mut() {
                let document = document.or(match key.as_str() {
                    "PurchaseOrder" | "OrderResponse" | "OrderChange" | "Invoice"
                    | "ShipNotice" => Some(key.as_str()),
                    _ => None,
                });
                if standard == "x12" && in_schedule && key == "dates" {
                    strip_offsets(child);
                }
                set_aside_gaps(standard, child, document);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| set_aside_gaps(standard, v, document)),
        _ => {}
    }
}

/// The scheme table's column of the reference qualifiers adapter `standard` writes with.
fn reference_codes(standard: &str) -> Option<crate::schemes::Standard> {
    use crate::schemes::Standard;
    match standard {
        "x12" => Some(Standard::X12),
        "edifact" => Some(Standard::Edifact),
        "idoc" => Some(Standard::Sap),
        _ => None,
    }
}

/// Whether `scheme` is a code of a standard other than adapter `standard`'s own, kept in that
/// standard's words because the scheme table has no row for it (`x12:DP`, `edifact:LI`,
/// `sap:EXIDV2`): by [`crate::schemes`]' rule, only that standard writes it back.
fn of_another_standard(scheme: &str, standard: &str) -> bool {
    let own = if standard == "idoc" { "sap" } else { standard };
    scheme
        .split_once(':')
        .is_some_and(|(prefix, _)| matches!(prefix, "x12" | "edifact" | "sap") && prefix != own)
}

/// Every date value under `dates` without its offset.
fn strip_offsets(dates: &mut serde_json::Value) {
    if let serde_json::Value::Array(dates) = dates {
        for date in dates {
            if let Some(serde_json::Value::String(text)) = date.get_mut("value") {
                *text = without_offset(text);
            }
        }
    }
}

/// An ISO 8601 date-time without its UTC offset (`Z`, `+01:00`, `-0500`); a date unchanged.
fn without_offset(text: &str) -> String {
    let Some((day, time)) = text.split_once('T') else {
        return text.to_owned();
    };
    let time = time.trim_end_matches('Z');
    let time = time.find(['+', '-']).map_or(time, |at| &time[..at]);
    format!("{day}T{time}")
}

#[cfg(test)]
mod tests {
    use super::business_content_in;

    #[test]
    fn what_a_target_has_no_place_for_is_set_aside_for_that_target_only() {
        let source = serde_json::json!({"OrderResponse": {
            "references": [{"scheme": "previous-message", "value": "1.2@buyer"},
                           {"scheme": "contract", "value": "K-7"}],
            "dates": [{"kind": "Document", "value": "2026-02-04T09:10:00+01:00"},
                      {"kind": "PromisedShip", "value": "2026-02-20T08:00:00+01:00"}],
            "parties": [{"contacts": [{"email": "a@b.example", "name": null, "phone": null}]}]}});
        let x12_read = serde_json::json!({"OrderResponse": {
            "references": [{"scheme": "contract", "value": "K-7"}],
            "dates": [{"kind": "Document", "value": "2026-02-04"},
                      {"kind": "PromisedShip", "value": "2026-02-20T08:00:00+01:00"}],
            "parties": [{"contacts": [{"email": "a@b.example", "name": null, "phone": null}]}]}});
        let idoc_read = serde_json::json!({"OrderResponse": {
            "references": [{"scheme": "contract", "value": "K-7"}],
            "dates": [{"kind": "Document", "value": "2026-02-04T09:10:00"},
                      {"kind": "PromisedShip", "value": "2026-02-20T08:00:00"}],
            "parties": [{"contacts": []}]}});
        let compared = |standard: &str, mut value: serde_json::Value| {
            business_content_in(standard, &mut value);
            value
        };
        assert_eq!(
            compared("x12", source.clone()),
            compared("x12", x12_read.clone())
        );
        assert_eq!(
            compared("idoc", source.clone()),
            compared("idoc", idoc_read.clone())
        );
        // EDIFACT has RFF+ACW and DTM 2379 303: there the same losses are losses.
        assert_ne!(
            compared("edifact", source.clone()),
            compared("edifact", x12_read)
        );
        assert_ne!(
            compared("edifact", source.clone()),
            compared("edifact", idoc_read)
        );
        // A backorder is a change in an IDoc (E1EDP01 ACTION), not a rejection; elsewhere it
        // is its own status.
        let line =
            |status: &str| serde_json::json!({"OrderResponse": {"lines": [{"status": status}]}});
        assert_eq!(
            compared("idoc", line("Backordered")),
            compared("idoc", line("Changed"))
        );
        assert_ne!(
            compared("idoc", line("Backordered")),
            compared("idoc", line("Rejected"))
        );
        assert_ne!(
            compared("x12", line("Backordered")),
            compared("x12", line("Changed"))
        );
        // A DELVRY has no notice date, one bill of lading, a carrier known by its partner
        // number and no ordered quantity; it has the rest of the carrier and the item.
        let notice = |document_date: bool, tracking: &[&str], scac: bool, ordered: bool| {
            let mut dates = vec![serde_json::json!({"kind": "Shipped", "value": "2026-02-11"})];
            if document_date {
                dates.push(serde_json::json!({"kind": "Document", "value": "2026-02-11"}));
            }
            let mut ids = vec![serde_json::json!({"scheme": "supplier", "value": "SPEDX"})];
            if scac {
                ids.push(serde_json::json!({"scheme": "scac", "value": "DHLF"}));
            }
            let ordered = match ordered {
                true => serde_json::json!({"value": "10"}),
                false => serde_json::Value::Null,
            };
            let item = serde_json::json!({"line_number": "1", "quantity": {"value": "8"},
                                          "ordered": ordered});
            let pack = serde_json::json!({"pack_id": "P", "items": [item.clone()]});
            serde_json::json!({"ShipNotice": {"dates": dates,
                "carrier": {"ids": ids, "name": "Spedition", "tracking_numbers": tracking},
                "orders": [{"po_number": "4500", "packs": [pack], "items": [item]}]}})
        };
        let full = notice(true, &["BOL-1", "PRO-2"], true, true);
        let read = notice(false, &["BOL-1"], false, false);
        assert_eq!(
            compared("idoc", full.clone()),
            compared("idoc", read.clone())
        );
        assert_ne!(compared("x12", full.clone()), compared("x12", read));
        // The first tracking number and the partner number are carried: losing them is a loss.
        assert_ne!(
            compared("idoc", full.clone()),
            compared("idoc", notice(true, &["PRO-2"], true, true))
        );
        let mut nameless = full.clone();
        nameless["ShipNotice"]["carrier"]["ids"] = serde_json::json!([]);
        assert_ne!(compared("idoc", full), compared("idoc", nameless));
        // An E1ADRM1 partner keeps its partner number only; E1EDL41 BSTDT keeps the day.
        let partner = |ids: serde_json::Value, order_date: &str| {
            serde_json::json!({"ShipNotice": {
                "parties": [{"role": "ShipTo", "ids": ids}],
                "orders": [{"po_number": "4500",
                            "dates": [{"kind": "Other", "value": order_date}]}]}})
        };
        let sent = partner(
            serde_json::json!([{"scheme": "gln", "value": "4012345000016"},
                               {"scheme": "supplier", "value": "41000"}]),
            "2026-02-02T10:30:00+01:00",
        );
        let back = partner(
            serde_json::json!([{"scheme": "supplier", "value": "41000"}]),
            "2026-02-02",
        );
        assert_eq!(
            compared("idoc", sent.clone()),
            compared("idoc", back.clone())
        );
        assert_ne!(compared("edifact", sent), compared("edifact", back.clone()));
        let renumbered = partner(
            serde_json::json!([{"scheme": "supplier", "value": "41001"}]),
            "2026-02-02",
        );
        assert_ne!(compared("idoc", back), compared("idoc", renumbered));
        // X12 keeps a DTM's zone: a line date that lost it still differs.
        let mut lost = source.clone();
        lost["OrderResponse"]["dates"][1]["value"] = "2026-02-20T08:00:00".into();
        assert_ne!(compared("x12", source), compared("x12", lost));
    }
}
