//! The order's whole life end to end, over real HTTP on loopback with the real adapters:
//! the ERP releases a PO as an IDoc, the portal receives cXML and confirms, the confirmation
//! reaches the ERP as an ORDRSP, the supplier's X12 856 notifies the warehouse (IDoc
//! DESADV) and the transport system (portal JSON), the warehouse's goods receipt (IDoc
//! MBGMCR) reaches the ERP, the supplier's X12 810 matches and finance is told (IDoc
//! INVOIC), and the order is closed, with the timeline showing every step. Then the
//! variants: a price over tolerance held and released by an operator, an over-receipt, a
//! quality hold that keeps the invoice from finance until it is released, the same invoice
//! under a new ISA13, and a ship notice for an unknown PO.
//!
//! The supplier's and the warehouse's files are written by the adapters themselves from
//! canonical documents (the X12 adapter encodes the 856 and 810, the IDoc adapter the
//! MBGMCR), then posted as those partners would post them.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use wharf_host::cli::demo::confirm;
use wharf_host::clock::Clock;
use wharf_host::model::{CanonicalDocument, Document};
use wharf_host::sandbox::{CallScope, LoadedAdapter};

const ORDERS05: &str = "plugins/idoc/tests/golden/orders05-standard.decode.xml";
const PO: &str = "4500012345";

/// The supplier's X12 envelope.
const X12_SUPPLIER: &[(&str, &str)] = &[
    ("sender_qualifier", "ZZ"),
    ("sender_id", "HAGEDORN"),
    ("receiver_qualifier", "ZZ"),
    ("receiver_id", "KESSLER"),
];

/// Everything the plant runs: the host, the partners' endpoints and the adapters again, to
/// write what partners send and read what they receive.
struct Plant {
    host: TestHost,
    portal: StandIn,
    erp: StandIn,
    warehouse: StandIn,
    transport: StandIn,
    finance: StandIn,
    x12: Arc<LoadedAdapter>,
    idoc: Arc<LoadedAdapter>,
    portal_json: Arc<LoadedAdapter>,
    /// Interchange control numbers of the supplier's X12 files.
    next_isa: std::sync::atomic::AtomicU32,
}

fn config(p: &Endpoints, matching: &str) -> String {
    let erp_idoc = ERP_IDOC;
    Flow::new()
        .raw(
            "[[partners]]\nid = \"warehouse\"\napi_key_envs = [\"WAREHOUSE_KEY\"]\n\
             [[partners]]\nid = \"transport\"\napi_key_envs = []\n",
        )
        .inbound("erp-orders", "erp", "idoc", "")
        .portal_orders(&p.portal)
        .inbound("portal-confirmations", "portal", "cxml", "")
        .erp_responses(&p.erp)
        .inbound("supplier-edi", "portal", "x12", "")
        .outbound("warehouse-asn", "warehouse", "idoc", &p.warehouse, erp_idoc)
        .outbound(
            "transport-asn",
            "transport",
            "portal-json",
            &p.transport,
            "",
        )
        .inbound("warehouse-receipts", "warehouse", "idoc", "")
        .outbound("erp-finance", "erp", "idoc", &p.finance, erp_idoc)
        .inbound("erp-quality", "erp", "portal-json", "")
        .route("purchase_order", "erp", "portal-orders")
        .route("order_response", "portal", "erp-responses")
        .route("ship_notice", "portal", "warehouse-asn")
        .route("ship_notice", "portal", "transport-asn")
        .route("goods_receipt", "warehouse", "erp-responses")
        .route("invoice", "portal", "erp-finance")
        .raw(&format!(
            "[matching]\nfinance_agreements = [\"erp-finance\"]\n{matching}\n"
        ))
        .toml()
}

struct Endpoints {
    portal: String,
    erp: String,
    warehouse: String,
    transport: String,
    finance: String,
}

impl Plant {
    async fn start(matching: &str) -> Plant {
        Plant::start_with(matching, Clock::system()).await
    }

    /// A plant whose host measures deadlines and retention by `clock`; `extra` is more of
    /// `wharf.toml` (the `[matching]` table's keys first).
    async fn start_with(extra: &str, clock: Clock) -> Plant {
        let matching = extra;
        let portal = StandIn::start(Behaviour::Accept).await.unwrap();
        let erp = StandIn::start(Behaviour::Accept).await.unwrap();
        let warehouse = StandIn::start(Behaviour::Accept).await.unwrap();
        let transport = StandIn::start(Behaviour::Accept).await.unwrap();
        let finance = StandIn::start(Behaviour::Accept).await.unwrap();
        let endpoints = Endpoints {
            portal: portal.url.clone(),
            erp: erp.url.clone(),
            warehouse: warehouse.url.clone(),
            transport: transport.url.clone(),
            finance: finance.url.clone(),
        };
        let c = components();
        let host = TestHost::start_with_clock(
            TestBackend::from_env().await,
            &config(&endpoints, matching),
            &[&c.idoc, &c.cxml, &c.x12, &c.portal_json],
            clock,
        )
        .await;
        Plant {
            host,
            portal,
            erp,
            warehouse,
            transport,
            finance,
            x12: standalone_adapter(&c.x12).await,
            idoc: standalone_adapter(&c.idoc).await,
            portal_json: standalone_adapter(&c.portal_json).await,
            next_isa: std::sync::atomic::AtomicU32::new(900),
        }
    }

    /// Posts and waits until the message is settled; returns its view.
    async fn send(&self, agreement: &str, key: &str, body: Vec<u8>) -> Value {
        let (status, receipt) = self.host.post(agreement, key, body).await;
        assert_eq!(status, 202, "{receipt}");
        self.host
            .settled(receipt["tracking_id"].as_str().unwrap(), key)
            .await
    }

    /// The ERP releases the order and the portal confirms it (all lines but the last as
    /// ordered, the last half filled); both deliveries made.
    async fn order_and_confirm(&self) {
        let orders05 = std::fs::read(repo_file(ORDERS05)).unwrap();
        let view = self.send("erp-orders", ERP_KEY, orders05).await;
        assert_eq!(view["status"], "processed", "{view}");
        let at_portal = self.portal.wait_for(1, Duration::from_secs(60)).await;
        let (po_number, lines) = confirm::read_order(&at_portal[0].text()).unwrap();
        assert_eq!(po_number, PO);
        let answer = confirm::confirmation(&po_number, &lines, "2026-11-27T12:00:00+00:00");
        let view = self
            .send("portal-confirmations", PORTAL_KEY, answer.into_bytes())
            .await;
        assert_eq!(view["status"], "processed", "{view}");
        let at_erp = self.erp.wait_for(1, Duration::from_secs(60)).await;
        assert!(at_erp[0].text().contains("<MESTYP>ORDRSP</MESTYP>"));
    }

    /// The supplier's X12 file for `body`, under a fresh ISA13 unless `isa` names one.
    async fn x12(&self, body: Value) -> Vec<u8> {
        let isa = self
            .next_isa
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        encode(&self.x12, X12_SUPPLIER, "x12", body, &isa.to_string()).await
    }

    async fn ship(&self, lines: &[(&str, &str, &str)]) -> Value {
        let notice = ship_notice("SHP-1", PO, lines);
        let bytes = self.x12(notice).await;
        self.send("supplier-edi", PORTAL_KEY, bytes).await
    }

    async fn receive(&self, number: &str, lines: &[(&str, &str, &str)]) -> Value {
        let receipt = goods_receipt(number, PO, lines);
        let bytes = encode(
            &self.idoc,
            &[
                ("sender_partner", "WMS"),
                ("receiver_partner", "WHARF"),
                ("receiver_port", "WHARF"),
            ],
            "idoc",
            receipt,
            "77",
        )
        .await;
        self.send("warehouse-receipts", WAREHOUSE_KEY, bytes).await
    }

    async fn invoice(&self, number: &str, lines: &[(&str, &str, &str, &str)]) -> Value {
        let bytes = self.x12(invoice(number, PO, lines)).await;
        self.send("supplier-edi", PORTAL_KEY, bytes).await
    }

    async fn order(&self) -> Value {
        let (status, order) = self
            .host
            .get(&format!("/api/v1/orders/{PO}"), ERP_KEY)
            .await;
        assert_eq!(status, 200, "{order}");
        order
    }

    async fn exceptions(&self, kind: &str) -> Vec<Value> {
        let (status, list) = self
            .host
            .admin_get(&format!("/exceptions?type={kind}"))
            .await;
        assert_eq!(status, 200, "{list}");
        list["exceptions"].as_array().cloned().unwrap_or_default()
    }
}

/// `body` (a canonical document) written by `adapter` as a partner would send it.
async fn encode(
    adapter: &LoadedAdapter,
    settings: &[(&str, &str)],
    standard: &str,
    body: Value,
    control: &str,
) -> Vec<u8> {
    let document: CanonicalDocument = serde_json::from_value(json!({
        "envelope": {"standard": standard, "version": "", "sender": [], "receiver": [],
            "interchange_control": null, "group_control": null, "message_control": null,
            "message_type": null, "test": false, "created": null, "raw_digest": null,
            "adapter": null, "extensions": []},
        "body": body,
    }))
    .expect("a canonical document");
    adapter
        .encode(
            scope(settings),
            &document,
            control.to_owned(),
            "2026-11-30T08:00:00Z".to_owned(),
        )
        .await
        .expect("the adapter writes it")
        .bytes
}

fn quantity(value: &str, unit: &str) -> Value {
    json!({"value": value, "unit": unit})
}

/// A ship notice for `po`: `(order line, quantity, unit)`, each with its buyer part number.
fn ship_notice(id: &str, po: &str, lines: &[(&str, &str, &str)]) -> Value {
    let items: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(n, (line, q, unit))| {
            json!({"line_number": (n + 1).to_string(), "order_line": line,
                "item_ids": [{"scheme": "buyer", "value": part(line)}],
                "description": null, "quantity": quantity(q, unit), "ordered": null,
                "lots": ["LOT-7"], "serials": [], "extensions": []})
        })
        .collect();
    json!({"ShipNotice": {
        "shipment_id": id, "structure": null, "purpose": null,
        // A supplier's 856 dates the notice itself (BSN03/BSN04, mandatory) and the shipment.
        "dates": [{"kind": "Document", "value": "2026-11-29T14:00:00Z", "qualifier": null},
                  {"kind": "Shipped", "value": "2026-11-29", "qualifier": null}],
        "parties": [], "references": [], "carrier": null, "gross_weight": null,
        "package_count": null, "notes": [], "extensions": [],
        "orders": [{"po_number": po, "references": [], "dates": [], "packs": [],
            "items": items}]
    }})
}

fn goods_receipt(number: &str, po: &str, lines: &[(&str, &str, &str)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(n, (line, q, unit))| {
            json!({"line_number": (n + 1).to_string(), "po_number": po, "order_line": line,
                "item_ids": [{"scheme": "buyer", "value": part(line)}],
                "received": quantity(q, unit), "rejected": null, "lots": [],
                "location": null, "extensions": []})
        })
        .collect();
    json!({"GoodsReceipt": {
        "receipt_number": number, "shipment_id": "SHP-1",
        "dates": [{"kind": "Received", "value": "2026-11-30", "qualifier": null}],
        "parties": [], "references": [], "lines": lines, "extensions": []
    }})
}

/// An invoice for `po`: `(order line, quantity, unit, unit price)`.
fn invoice(number: &str, po: &str, lines: &[(&str, &str, &str, &str)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(n, (line, q, unit, price))| {
            json!({"line_number": (n + 1).to_string(), "po_number": po, "order_line": line,
                "item_ids": [{"scheme": "buyer", "value": part(line)}], "description": null,
                "quantity": quantity(q, unit),
                "unit_price": {"amount": price, "currency": "EUR", "basis": null},
                "amount": null, "taxes": [], "allowances_charges": [], "extensions": []})
        })
        .collect();
    json!({"Invoice": {
        "invoice_number": number, "kind": "Invoice", "po_numbers": [po], "currency": "EUR",
        "dates": [{"kind": "Document", "value": "2026-11-30", "qualifier": null}],
        "parties": [], "references": [], "payment_terms": null, "lines": lines,
        "taxes": [], "allowances_charges": [],
        "totals": {"subtotal": null, "tax": null, "allowances_charges": null,
            "total": {"amount": "3924.65", "currency": "EUR"}, "due": null},
        "notes": [], "extensions": []
    }})
}

/// The buyer's part number of each line of the ORDERS05 fixture.
fn part(line: &str) -> &'static str {
    match line.trim_start_matches('0') {
        "10" => "4711-100-12",
        "20" => "8820-PA66-GF30",
        _ => "5530-0088",
    }
}

/// Everything shipped, received and invoiced as confirmed: 100 PCE at 12.50, 250.5 KGM at
/// 1,850.00 per 100 KGM (18.50 per KGM), 6 EA at 89.90 (the portal confirmed half of 12).
const SHIPPED: &[(&str, &str, &str)] = &[
    ("00010", "100", "PCE"),
    ("00020", "250.5", "KGM"),
    ("00030", "6", "EA"),
];
const INVOICED: &[(&str, &str, &str, &str)] = &[
    ("00010", "100", "PCE", "12.50"),
    ("00020", "250.5", "KGM", "18.50"),
    ("00030", "6", "EA", "89.90"),
];

/// The status of a message's delivery of its own document through `agreement` (not of a
/// match result).
fn delivery<'a>(view: &'a Value, agreement: &str) -> &'a Value {
    let found = view["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["agreement"] == agreement && d["doc_type"] != "match_result");
    &found.unwrap_or_else(|| panic!("no delivery through {agreement} in {view}"))["status"]
}

/// What finance has received once `count` deliveries arrived: the invoices (IDoc bytes) and
/// the match results (JSON), each in arrival order.
async fn at_finance(plant: &Plant, count: usize) -> (Vec<Vec<u8>>, Vec<Value>) {
    let arrived = plant.finance.wait_for(count, Duration::from_secs(60)).await;
    assert_eq!(arrived.len(), count, "finance got {arrived:?}");
    let (results, invoices): (Vec<_>, Vec<_>) = arrived
        .into_iter()
        .partition(|d| d.content_type.as_deref() == Some("application/json"));
    (
        invoices.into_iter().map(|d| d.body).collect(),
        results
            .iter()
            .map(|d| serde_json::from_slice(&d.body).expect("a JSON match result"))
            .collect(),
    )
}

fn dec(value: &Value) -> rust_decimal::Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string: {value}"))
        .parse()
        .unwrap()
}

/// Checks one line of a match result: `(invoice line, order line, result, rule, quantity,
/// unit price, agreed price, accepted, invoiced)`, amounts compared as decimals.
fn assert_line(result: &Value, n: usize, expected: (&str, &str, &str, &str, [&str; 5])) {
    let line = &result["lines"][n];
    let (invoice_line, order_line, outcome, rule, amounts) = expected;
    assert_eq!(line["invoice_line"], invoice_line, "{line}");
    assert_eq!(line["order_line"], order_line, "{line}");
    assert_eq!(line["result"], outcome, "{line}");
    assert_eq!(line["rule"], rule, "{line}");
    for (key, amount) in [
        "quantity",
        "unit_price",
        "agreed_price",
        "accepted",
        "invoiced",
    ]
    .into_iter()
    .zip(amounts)
    {
        let want: rust_decimal::Decimal = amount.parse().unwrap();
        assert_eq!(dec(&line[key]), want, "{key} of {line}");
    }
}

/// The three lines as [`INVOICED`] invoices them, against what [`SHIPPED`] received:
/// 12.50 per PCE, 1,850.00 per 100 KGM (18.50 per KGM), 89.90 per EA.
fn invoiced_as_received<'a>(
    n: usize,
    result: &'a str,
    rule: &'a str,
) -> (&'a str, &'a str, &'a str, &'a str, [&'a str; 5]) {
    let (invoice_line, order_line, amounts) = match n {
        0 => ("1", "00010", ["100", "12.50", "12.50", "100", "100"]),
        1 => ("2", "00020", ["250.5", "18.50", "18.50", "250.5", "250.5"]),
        _ => ("3", "00030", ["6", "89.90", "89.90", "6", "6"]),
    };
    (invoice_line, order_line, result, rule, amounts)
}

fn line<'a>(order: &'a Value, number: &str) -> &'a Value {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line_number"] == number)
        .unwrap_or_else(|| panic!("no line {number} in {order}"))
}

fn events(order: &Value) -> Vec<String> {
    order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

async fn decoded(adapter: &LoadedAdapter, bytes: &[u8]) -> Document {
    let mut out = adapter
        .decode(CallScope::default(), bytes.to_vec(), None)
        .await
        .expect("decodes");
    out.documents.remove(0).body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_lives_from_release_to_close_across_five_partners() {
    let plant = Plant::start("").await;
    plant.order_and_confirm().await;
    let order = plant.order().await;
    assert_eq!(order["status"], "changed", "{order}");
    assert_eq!(line(&order, "00030")["confirmed"], "6");
    assert_eq!(line(&order, "00030")["stage"], "confirmed");

    // The supplier's 856: the warehouse gets a DESADV, the transport system portal JSON.
    let view = plant.ship(SHIPPED).await;
    assert_eq!(view["status"], "processed", "{view}");
    let at_warehouse = plant.warehouse.wait_for(1, Duration::from_secs(60)).await;
    assert!(
        at_warehouse[0].text().contains("DESADV"),
        "{}",
        at_warehouse[0].text()
    );
    let Document::ShipNotice(notice) = decoded(&plant.idoc, &at_warehouse[0].body).await else {
        panic!("the warehouse got a ship notice");
    };
    assert_eq!(notice.orders[0].po_number, PO);
    let at_transport = plant.transport.wait_for(1, Duration::from_secs(60)).await;
    let Document::ShipNotice(notice) = decoded(&plant.portal_json, &at_transport[0].body).await
    else {
        panic!("the transport system got a ship notice");
    };
    assert_eq!(notice.shipment_id, "SHP-1");
    let order = plant.order().await;
    assert_eq!(order["status"], "shipped", "{order}");
    assert_eq!(line(&order, "00020")["shipped"], "250.5");

    // The warehouse's receipt reaches the ERP.
    let view = plant.receive("GR-1", SHIPPED).await;
    assert_eq!(view["status"], "processed", "{view}");
    let at_erp = plant.erp.wait_for(2, Duration::from_secs(60)).await;
    assert!(at_erp[1].text().contains("MBGMCR"), "{}", at_erp[1].text());
    assert_eq!(plant.order().await["status"], "received");

    // The supplier's 810 matches; finance is told (the invoice, and the match result), and
    // the order closes.
    let view = plant.invoice("INV-1", INVOICED).await;
    assert_eq!(view["status"], "processed", "{view}");
    let (invoices, results) = at_finance(&plant, 2).await;
    let Document::Invoice(told) = decoded(&plant.idoc, &invoices[0]).await else {
        panic!("finance got an invoice");
    };
    assert_eq!(told.invoice_number, "INV-1");
    let result = &results[0];
    assert_eq!(result["type"], "match_result", "{result}");
    assert_eq!(result["version"], 1);
    assert_eq!(result["invoice_number"], "INV-1");
    assert_eq!(result["supplier"], "portal");
    assert_eq!(
        (&result["buyer"], &result["po_number"]),
        (&json!("erp"), &json!(PO))
    );
    assert_eq!(result["result"], "matched");
    assert_eq!(result["decided_by"], "match");
    assert_eq!(result["lines"].as_array().unwrap().len(), 3, "{result}");
    // No tolerance configured: the strict default rule, every line as ordered and received.
    for n in 0..3 {
        assert_line(result, n, invoiced_as_received(n, "matched", "default"));
        assert_eq!(result["lines"][n]["breaches"], json!([]));
    }
    let order = plant.order().await;
    assert_eq!(order["status"], "closed", "{order}");

    // The timeline: every line ordered, confirmed, shipped, received, invoiced, matched.
    for (number, ordered, due) in [
        ("00010", "100", "100"),
        ("00020", "250.5", "250.5"),
        ("00030", "12", "6"),
    ] {
        let l = line(&order, number);
        assert_eq!(l["ordered"], ordered, "{l}");
        for key in ["shipped", "received", "invoiced", "matched"] {
            assert_eq!(l[key], due, "{key} of line {number}: {l}");
        }
        assert_eq!(l["stage"], "closed", "{l}");
    }
    let matches = order["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 3);
    assert!(
        matches.iter().all(|m| m["result"] == "matched"),
        "{matches:?}"
    );
    assert_eq!(order["exceptions"], json!([]));
    let history = events(&order);
    for event in [
        "released",
        "acknowledged",
        "shipped",
        "received",
        "invoiced",
    ] {
        assert!(
            history.contains(&event.to_owned()),
            "{event} missing from {history:?}"
        );
    }

    // Each step is in the audit chain with the message that caused it, and the chain holds.
    let log = plant.host.store.audit_log().await.unwrap();
    let transitions: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "order_transition")
        .map(|e| e.detail["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        transitions,
        ["released", "changed", "shipped", "received", "closed"]
    );
    assert!(
        log.iter()
            .filter(|e| e.action == "order_transition")
            .all(|e| e.detail["message_id"].is_string())
    );
    assert_eq!(wharf_host::audit::chain::verify(&log).unwrap(), log.len());

    // The lines rebuilt from the audit chain alone are the lines the timeline shows.
    let mut rebuilt: std::collections::BTreeMap<String, Value> = Default::default();
    for entry in log.iter().filter(|e| e.action == "lines_moved") {
        for l in entry.detail["detail"]["lines"].as_array().unwrap() {
            rebuilt.insert(l["line_number"].as_str().unwrap().to_owned(), l.clone());
        }
    }
    for l in order["lines"].as_array().unwrap() {
        let from_audit = &rebuilt[l["line_number"].as_str().unwrap()];
        for key in ["shipped", "received", "invoiced", "matched"] {
            let stored: rust_decimal::Decimal = l[key].as_str().unwrap().parse().unwrap();
            let audited: rust_decimal::Decimal = from_audit[key].as_str().unwrap().parse().unwrap();
            assert_eq!(stored, audited, "{key} of {l}");
        }
    }

    // The key figures see one order acknowledged, announced in time, matched first time.
    let (status, kpis) = plant.host.admin_get("/kpis").await;
    assert_eq!(status, 200, "{kpis}");
    assert_eq!(kpis["orders"], 1);
    assert_eq!(kpis["acknowledgment_latency"]["count"], 1);
    assert_eq!(kpis["ship_notices"]["timeliness"], 1.0);
    assert_eq!(kpis["ship_notices"]["completeness"], 1.0);
    assert_eq!(kpis["invoice_match"]["first_pass_rate"], 1.0);
    assert_eq!(kpis["exceptions"], json!({}));
}

/// Issue 12: `[retention]` removes a closed order's raw messages and delivered payloads once
/// it has been closed that long; the order, its timeline and the audit trail stay, and the
/// trail still verifies, counting what retention removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_orders_content_goes_after_its_retention_and_the_trail_still_verifies() {
    let clock = Clock::manual(wharf_host::store::now_ms());
    let plant = Plant::start_with(
        "[retention]\nclosed_order_content_days = 30\n",
        clock.clone(),
    )
    .await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    plant.receive("GR-1", SHIPPED).await;
    plant.invoice("INV-1", INVOICED).await;
    at_finance(&plant, 2).await;
    let order = plant.order().await;
    assert_eq!(order["status"], "closed", "{order}");
    let messages: std::collections::BTreeSet<String> = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message_id"].as_str().map(str::to_owned))
        .collect();
    assert!(messages.len() >= 4, "{messages:?}");
    for id in &messages {
        assert!(plant.host.store.message_raw(id).await.unwrap().is_some());
    }

    // A month and a day later, the sweep (woken by the clock) empties them.
    clock.advance(Duration::from_secs(31 * 86_400));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    for id in &messages {
        while plant.host.store.message_raw(id).await.unwrap().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "message {id} of the closed order was not pruned"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let log = plant.host.store.audit_log().await.unwrap();
    let pruned: Vec<&Value> = log
        .iter()
        .filter(|e| e.action == "content_pruned")
        .map(|e| &e.detail)
        .collect();
    assert!(!pruned.is_empty());
    let payloads: usize = pruned
        .iter()
        .map(|d| d["payloads"].as_array().unwrap().len())
        .sum();
    assert!(
        payloads >= 4,
        "the order, its response, the ship notices, the receipt and the invoice went out: \
         {pruned:?}"
    );

    let after = plant.order().await;
    assert_eq!(after["status"], "closed");
    assert_eq!(after["lines"], order["lines"], "the timeline stays");
    assert_eq!(
        after["document"], order["document"],
        "the canonical order stays"
    );
    let (status, verdict) = plant.host.admin_get("/audit/verify").await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["intact"], true, "{verdict}");
    // Every digest chained of what retention emptied is counted as pruned, none as missing.
    let emptied: std::collections::BTreeSet<String> = pruned
        .iter()
        .flat_map(|d| {
            let list = |key: &str, kind: &str| {
                d[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |id| format!("{kind}:{}", id.as_str().unwrap()))
                    .collect::<Vec<_>>()
            };
            [list("messages", "message"), list("payloads", "outbox")].concat()
        })
        .collect();
    let chained_and_emptied = log
        .iter()
        .filter(|e| matches!(e.action.as_str(), "message_received" | "rendered"))
        .filter(|e| emptied.contains(&e.subject))
        .count();
    assert!(chained_and_emptied >= messages.len(), "{emptied:?}");
    assert_eq!(
        verdict["digests_pruned"].as_u64().unwrap(),
        chained_and_emptied as u64,
        "{verdict}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_over_tolerance_is_held_until_an_operator_releases_it() {
    let plant = Plant::start("[[matching.tolerances]]\nprice_percent = 2.0").await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    plant.receive("GR-1", SHIPPED).await;
    // Line 00010 at 12.90 is 3.2% over 12.50.
    let mut lines = INVOICED.to_vec();
    lines[0].3 = "12.90";
    let view = plant.invoice("INV-2", &lines).await;
    assert_eq!(view["status"], "processed", "{view}");

    let held = plant.exceptions("mismatch").await;
    assert_eq!(held.len(), 1, "{held:?}");
    let explanation = held[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("price 12.9 against 12.5 expected, variance 0.4 (3.2%) beyond 2%"),
        "{explanation}"
    );
    assert_eq!(held[0]["lines"], json!(["00010"]));
    let order = plant.order().await;
    assert_eq!(order["status"], "invoiced", "{order}");
    assert_eq!(line(&order, "00010")["matched"], "0");
    assert_eq!(order["exceptions"][0]["kind"], "mismatch");
    // Finance gets no invoice while it is held (the two other lines matched, but the invoice
    // goes whole or not at all); it is told the match result and why at once.
    assert_eq!(delivery(&view, "erp-finance"), "held", "{view}");
    let (invoices, results) = at_finance(&plant, 1).await;
    assert!(invoices.is_empty());
    let held_result = &results[0];
    assert_eq!(held_result["result"], "held", "{held_result}");
    assert_eq!(held_result["decided_by"], "match");
    assert_eq!(held_result["reason"], Value::Null);
    let rule = "matching.tolerances[0]";
    let mut first = invoiced_as_received(0, "held", rule);
    first.4[1] = "12.90";
    assert_line(held_result, 0, first);
    // 12.90 against 12.50: 0.40 over, 0.40 / 12.50 = 3.2%, beyond the rule's 2%.
    let breaches = held_result["lines"][0]["breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    let breach = &breaches[0];
    assert_eq!(
        (&breach["check"], &breach["limit"], &breach["action"]),
        (&json!("price"), &json!("2%"), &json!("hold"))
    );
    for (key, want) in [
        ("expected", "12.50"),
        ("actual", "12.90"),
        ("variance", "0.40"),
        ("variance_percent", "3.2"),
    ] {
        assert_eq!(dec(&breach[key]), want.parse().unwrap(), "{key}: {breach}");
    }
    for n in 1..3 {
        assert_line(held_result, n, invoiced_as_received(n, "matched", rule));
    }

    let id = held[0]["id"].as_str().unwrap();
    let (status, released) = plant
        .host
        .admin_post(
            &format!("/exceptions/{id}/release"),
            json!({"reason": "price increase agreed by purchasing on 2026-11-28"}),
        )
        .await;
    assert_eq!(status, 200, "{released}");
    assert_eq!(released["state"], "resolved", "{released}");
    // The invoice goes, and the changed match result with the operator's reason.
    let (invoices, results) = at_finance(&plant, 3).await;
    assert_eq!(invoices.len(), 1);
    let after = &results[1];
    assert_eq!(after["result"], "released", "{after}");
    assert_eq!(after["decided_by"], "operator");
    assert_eq!(
        after["reason"],
        "price increase agreed by purchasing on 2026-11-28"
    );
    assert_eq!(after["lines"][0]["result"], "released");
    assert_eq!(
        after["lines"][0]["breaches"],
        held_result["lines"][0]["breaches"]
    );
    assert_eq!(after["lines"][1]["result"], "matched");
    let order = plant.order().await;
    assert_eq!(order["status"], "closed", "{order}");
    assert_eq!(order["matches"][0]["result"], "released");
    let log = plant.host.store.audit_log().await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "match_released" && e.actor == "operator")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_ahead_of_its_receipt_is_released_by_the_receipt() {
    let plant = Plant::start("").await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    let view = plant.invoice("INV-3", INVOICED).await;
    let held = plant.exceptions("mismatch").await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(delivery(&view, "erp-finance"), "held", "{view}");
    // Nothing received yet: under the strict default rule every line is held, 0 kept
    // against what is invoiced (no percentage of nothing).
    let (_, results) = at_finance(&plant, 1).await;
    assert_eq!(results[0]["result"], "held", "{}", results[0]);
    let lines = results[0]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (n, line) in lines.iter().enumerate() {
        let (invoice_line, order_line, _, _, amounts) = invoiced_as_received(n, "", "");
        assert_eq!(
            (&line["invoice_line"], &line["order_line"]),
            (&json!(invoice_line), &json!(order_line))
        );
        assert_eq!(line["result"], "held", "{line}");
        assert_eq!(dec(&line["accepted"]), rust_decimal::Decimal::ZERO);
        let breach = &line["breaches"][0];
        assert_eq!(
            (&breach["check"], &breach["limit"]),
            (&json!("quantity"), &json!("0%"))
        );
        assert_eq!(
            dec(&breach["variance"]),
            amounts[4].parse().unwrap(),
            "{breach}"
        );
        assert_eq!(breach["variance_percent"], Value::Null);
    }
    // The goods arrive: the gap closes, the invoice goes, the exception is resolved, and
    // finance is told the match changed.
    plant.receive("GR-1", SHIPPED).await;
    let (invoices, results) = at_finance(&plant, 3).await;
    assert_eq!(invoices.len(), 1);
    let cleared = &results[1];
    assert_eq!(cleared["result"], "matched", "{cleared}");
    assert_eq!(cleared["decided_by"], "receipt");
    for n in 0..3 {
        assert_line(cleared, n, invoiced_as_received(n, "matched", "default"));
        assert_eq!(cleared["lines"][n]["breaches"], json!([]));
    }
    let order = plant.order().await;
    assert_eq!(order["status"], "closed", "{order}");
    assert_eq!(order["exceptions"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_receipt_is_an_exception() {
    let plant = Plant::start("delivery_tolerance_percent = 5.0").await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    // 110 received against 100 shipped: beyond 5%.
    let mut lines = SHIPPED.to_vec();
    lines[0].1 = "110";
    let view = plant.receive("GR-1", &lines).await;
    assert_eq!(view["status"], "processed", "{view}");
    let over = plant.exceptions("over_receipt").await;
    assert_eq!(over.len(), 1, "{over:?}");
    assert!(
        over[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("line 00010: 110 received in all against 100 shipped (tolerance 5%)"),
        "{}",
        over[0]["explanation"]
    );
    assert_eq!(line(&plant.order().await, "00010")["received"], "110");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quality_hold_keeps_the_invoice_from_finance_until_it_is_released() {
    let plant = Plant::start("").await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    plant.receive("GR-1", SHIPPED).await;
    let hold = |action: &str| {
        json!({"QualityNotification": {
            "notification_number": "QN-5", "action": action, "po_number": PO,
            "item_ids": [{"scheme": "buyer", "value": "4711-100-12"}], "lots": [],
            "quantity": null, "defects": [{"code": "DIM", "description": "thread gauge fails", "quantity": null}],
            "dates": [], "parties": [], "notes": [], "extensions": []
        }})
    };
    let bytes = encode(&plant.portal_json, &[], "portal-json", hold("Hold"), "1").await;
    let view = plant.send("erp-quality", ERP_KEY, bytes).await;
    assert_eq!(view["status"], "processed", "{view}");

    let invoiced = plant.invoice("INV-4", INVOICED).await;
    assert_eq!(delivery(&invoiced, "erp-finance"), "held", "{invoiced}");
    let held = plant.exceptions("quality_hold").await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(
        held[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("part 4711-100-12 held by erp's notification QN-5"),
        "{}",
        held[0]["explanation"]
    );
    let history = events(&plant.order().await);
    assert!(history.contains(&"quality_hold".to_owned()), "{history:?}");

    // The match result is not the invoice: it says "matched" at once.
    let (invoices, results) = at_finance(&plant, 1).await;
    assert!(invoices.is_empty());
    assert_eq!(results[0]["result"], "matched");
    let bytes = encode(&plant.portal_json, &[], "portal-json", hold("Release"), "2").await;
    plant.send("erp-quality", ERP_KEY, bytes).await;
    let (invoices, _) = at_finance(&plant, 2).await;
    assert_eq!(invoices.len(), 1);
    let log = plant.host.store.audit_log().await.unwrap();
    for step in ["quality_hold_placed", "quality_hold_released"] {
        assert!(log.iter().any(|e| e.action == step), "{step}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_invoice_under_a_new_isa13_is_a_duplicate_not_processed_twice() {
    let plant = Plant::start("").await;
    plant.order_and_confirm().await;
    plant.ship(SHIPPED).await;
    plant.receive("GR-1", SHIPPED).await;
    plant.invoice("INV-5", INVOICED).await;
    at_finance(&plant, 2).await;
    // The same invoice again: the X12 file gets the next ISA13.
    let view = plant.invoice("INV-5", INVOICED).await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["error"]["code"], "document.duplicate", "{view}");
    let duplicates = plant.exceptions("duplicate").await;
    assert_eq!(duplicates.len(), 1);
    let order = plant.order().await;
    for l in order["lines"].as_array().unwrap() {
        assert_eq!(l["invoiced"], l["matched"], "invoiced once: {l}");
    }
    assert_eq!(line(&order, "00010")["invoiced"], "100");
    // Routed nowhere: finance has the first copy only.
    assert_eq!(view["deliveries"], json!([]), "{view}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ship_notice_for_an_unknown_po_or_line_is_an_exception() {
    let plant = Plant::start("").await;
    plant.order_and_confirm().await;
    let notice = ship_notice("SHP-9", "4599999999", SHIPPED);
    let view = plant
        .send("supplier-edi", PORTAL_KEY, plant.x12(notice).await)
        .await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["error"]["code"], "order.unknown");
    assert_eq!(plant.exceptions("unknown_order").await.len(), 1);

    // A line the order lacks moves nothing and is someone's to look at.
    let view = plant.ship(&[("00090", "5", "EA")]).await;
    assert_eq!(view["status"], "processed", "{view}");
    let lines = plant.exceptions("line_mismatch").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["lines"], json!(["00090"]));
    assert_eq!(plant.order().await["status"], "changed");
}
