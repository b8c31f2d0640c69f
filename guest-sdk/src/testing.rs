//! Native test support for adapters: agreement configuration and golden cases.
//!
//! Golden cases live in a plugin's `tests/golden/` folder, one case per file stem:
//!
//! | files | what is checked |
//! | --- | --- |
//! | `NAME.decode.EXT` + `NAME.decode.json` | decoding the input gives exactly these documents |
//! | `NAME.decode.EXT` + `NAME.decode.error` | decoding fails with exactly this rendered error |
//! | `NAME.encode.json` + `NAME.encode.EXT` | encoding the canonical document gives these bytes |
//! | `NAME.encode.json` + `NAME.encode.error` | encoding fails with exactly this rendered error |
//! | `NAME.config` (optional) | `key=value` lines: the agreement's configuration for the case |
//!
//! Encoding uses control number `1` and timestamp `2026-01-02T03:04:05+00:00`, so outputs are
//! stable. Set `WHARF_BLESS=1` to write missing or changed expectations instead of failing, then
//! read every written file before committing it. Any other value blesses nothing, and with `CI`
//! set blessing is refused (the run fails): see [`blessing`], which every expected-file writer
//! asks.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Adapter;
use crate::canonical::CanonicalDocument;
use crate::contract::{CallContext, Decoded, EncodeContext, Inbound};

thread_local! {
    static CONFIG: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

pub(crate) fn config_value(key: &str) -> Option<String> {
    CONFIG.with(|c| c.borrow().get(key).cloned())
}

/// Runs `f` with `settings` as the agreement's configuration on this thread.
pub fn with_config<R>(settings: &[(&str, &str)], f: impl FnOnce() -> R) -> R {
    let map = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let previous = CONFIG.with(|c| c.replace(map));
    let out = f();
    CONFIG.with(|c| c.replace(previous));
    out
}

/// The call context golden cases run with.
pub fn call_context() -> CallContext {
    CallContext {
        agreement: "golden".into(),
        partner: "golden-partner".into(),
        correlation_id: "golden-1".into(),
    }
}

/// The encode context golden cases run with.
pub fn encode_context() -> EncodeContext {
    EncodeContext {
        context: call_context(),
        control_number: "1".into(),
        timestamp: "2026-01-02T03:04:05+00:00".into(),
    }
}

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

/// Marsaglia's xorshift64: a deterministic generator for mutation tests, so a failure names a
/// reproducible input. Seed it with any non-zero value.
#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must be above 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One to five small damages at random places of `bytes`: a flipped bit, an `interesting`
    /// byte written over one or inserted, or a byte removed. Stops early if `bytes` empties.
    pub fn damage(&mut self, bytes: &mut Vec<u8>, interesting: &[u8]) {
        for _ in 0..=self.below(4) {
            if bytes.is_empty() {
                return;
            }
            let at = self.below(bytes.len());
            match self.below(4) {
                0 => bytes[at] ^= 1 << self.below(8),
                1 => bytes[at] = interesting[self.below(interesting.len())],
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, interesting[self.below(interesting.len())]),
            }
        }
    }
}

/// Whether expected files may be rewritten from what the code produced, as the environment
/// says: only with `WHARF_BLESS` exactly `1`, and never in CI. Panics, saying why, when both
/// `WHARF_BLESS=1` and `CI` are set: a CI run that blessed its goldens could not fail.
/// Every test that writes an expected file asks this.
pub fn blessing() -> bool {
    let bless = std::env::var("WHARF_BLESS").ok();
    let ci = std::env::var("CI").ok();
    bless_rule(bless.as_deref(), ci.as_deref()).unwrap_or_else(|refusal| panic!("{refusal}"))
}

/// The rule [`blessing`] applies to the values of `WHARF_BLESS` and `CI`. `CI` counts as set
/// unless it is empty or `false` (as CI services and the build scripts read it).
pub fn bless_rule(bless: Option<&str>, ci: Option<&str>) -> Result<bool, String> {
    let ci = ci.is_some_and(|v| !v.is_empty() && v != "false");
    match bless {
        Some("1") if ci => Err(
            "WHARF_BLESS=1 with CI set: CI checks the expected files and \
                                never rewrites them; unset WHARF_BLESS"
                .to_owned(),
        ),
        Some("1") => Ok(true),
        _ => Ok(false),
    }
}

/// What one golden case found, for the failure report.
#[derive(Debug)]
pub struct Mismatch {
    pub case: PathBuf,
    pub detail: String,
}

/// Runs every golden case in `dir` against adapter `A` and panics listing every mismatch.
/// Panics too when the folder has no cases: an adapter without golden cases is untested.
pub fn run_golden<A: Adapter>(dir: impl AsRef<Path>) {
    let dir = dir.as_ref();
    let bless = blessing();
    let mut inputs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("golden folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable golden entry").path())
        .filter(|p| {
            let name = file_name(p);
            (name.contains(".decode.") && !name.ends_with(".json") && !name.ends_with(".error"))
                || name.ends_with(".encode.json")
        })
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "{} holds no golden cases",
        dir.display()
    );
    let mut mismatches = Vec::new();
    for input in &inputs {
        if let Err(detail) = run_case::<A>(input, bless) {
            mismatches.push(Mismatch {
                case: input.clone(),
                detail,
            });
        }
    }
    if !mismatches.is_empty() {
        let report: Vec<String> = mismatches
            .iter()
            .map(|m| format!("{}:\n{}", m.case.display(), m.detail))
            .collect();
        panic!(
            "{} of {} golden cases failed:\n\n{}",
            mismatches.len(),
            inputs.len(),
            report.join("\n\n")
        );
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn case_config(input: &Path) -> Vec<(String, String)> {
    let name = file_name(input);
    let stem = name.split('.').next().unwrap_or_default();
    let path = input.with_file_name(format!("{stem}.config"));
    fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .filter_map(|line| line.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn run_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let config = case_config(input);
    let settings: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_config(&settings, || {
        let name = file_name(input);
        if name.ends_with(".encode.json") {
            encode_case::<A>(input, bless)
        } else {
            decode_case::<A>(input, bless)
        }
    })
}

fn decode_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let bytes = fs::read(input).map_err(|e| e.to_string())?;
    let name = file_name(input);
    let stem = &name[..name.find(".decode.").unwrap_or(name.len())];
    let json_path = input.with_file_name(format!("{stem}.decode.json"));
    let error_path = input.with_file_name(format!("{stem}.decode.error"));
    let result = A::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    });
    let (path, actual) = match &result {
        Ok(decoded) => (json_path, decoded_json(decoded)),
        Err(e) => (error_path, format!("{}\n", crate::error::render(e))),
    };
    compare(&path, &actual, bless)
}

fn encode_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let document = read_document(input)?;
    let name = file_name(input);
    let stem = &name[..name.find(".encode.").unwrap_or(name.len())];
    let error_path = input.with_file_name(format!("{stem}.encode.error"));
    let expected = fs::read_dir(input.parent().unwrap_or(Path::new(".")))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let n = file_name(p);
            n.starts_with(&format!("{stem}.encode."))
                && !n.ends_with(".json")
                && !n.ends_with(".error")
        });
    match A::encode(document, encode_context()) {
        Ok(encoded) => {
            let path = expected.ok_or_else(|| {
                format!(
                    "encoding succeeded but no expected output exists; create {stem}.encode.<ext> \
                     (e.g. .xml or .edi), or bless with an empty one first"
                )
            })?;
            let actual = String::from_utf8(encoded.bytes)
                .map_err(|e| format!("output is not UTF-8: {e}"))?;
            compare(&path, &actual, bless)
        }
        Err(e) => compare(
            &error_path,
            &format!("{}\n", crate::error::render(&e)),
            bless,
        ),
    }
}

/// Reads a canonical document from JSON (the serde form of the generated types:
/// `{"envelope": {…}, "body": {"PurchaseOrder": {…}}}`).
pub fn read_document(path: &Path) -> Result<CanonicalDocument, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    document_from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a canonical document from JSON text.
pub fn document_from_json(text: &str) -> Result<CanonicalDocument, String> {
    serde_json::from_str(text).map_err(|e| format!("not a canonical document: {e}"))
}

/// A canonical document as pretty JSON, the form `.encode.json` inputs take.
pub fn document_json(document: &CanonicalDocument) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("canonical types serialize");
    text.push('\n');
    text
}

/// Decoded documents as pretty JSON, the form golden files keep.
pub fn decoded_json(decoded: &Decoded) -> String {
    let mut text = serde_json::to_string_pretty(decoded).expect("canonical types serialize");
    text.push('\n');
    text
}

fn compare(path: &Path, actual: &str, bless: bool) -> Result<(), String> {
    match fs::read_to_string(path) {
        Ok(expected) if expected == actual => Ok(()),
        _ if bless => {
            fs::write(path, actual).map_err(|e| e.to_string())?;
            Ok(())
        }
        Ok(expected) => Err(first_difference(path, &expected, actual)),
        Err(_) => Err(format!(
            "expected {} is missing; the adapter produced:\n{actual}",
            path.display()
        )),
    }
}

fn first_difference(path: &Path, expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    format!(
        "{} differs at line {}:\n  expected: {}\n  actual:   {}",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end of file>"),
        actual.lines().nth(line).unwrap_or("<end of file>")
    )
}

#[cfg(test)]
mod tests {
    use super::{bless_rule, business_content, business_content_in};

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
        // X12 keeps a DTM's zone: a line date that lost it still differs.
        let mut lost = source.clone();
        lost["OrderResponse"]["dates"][1]["value"] = "2026-02-20T08:00:00".into();
        assert_ne!(compared("x12", source), compared("x12", lost));
    }

    #[test]
    fn only_wharf_bless_1_blesses() {
        assert_eq!(bless_rule(Some("1"), None), Ok(true));
        // Any other value was enough once, so no golden could fail; now none is.
        for other in ["0", "", "true", "yes", "01", " 1"] {
            assert_eq!(bless_rule(Some(other), None), Ok(false), "{other:?}");
        }
        assert_eq!(bless_rule(None, None), Ok(false));
    }

    #[test]
    fn ci_never_blesses_and_fails_when_asked_to() {
        for ci in ["true", "1", "yes"] {
            let refusal = bless_rule(Some("1"), Some(ci)).expect_err(ci);
            assert!(refusal.contains("CI"), "{refusal}");
            assert_eq!(bless_rule(Some("0"), Some(ci)), Ok(false));
            assert_eq!(bless_rule(None, Some(ci)), Ok(false));
        }
        assert_eq!(bless_rule(Some("1"), Some("false")), Ok(true));
        assert_eq!(bless_rule(Some("1"), Some("")), Ok(true));
    }
}
