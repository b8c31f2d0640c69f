//! Functional acknowledgments reconciled and deadlines as rows, end to end: the ERP releases
//! purchase orders as SAP IDocs, Wharf delivers them to the supplier as X12 850 (or EDIFACT
//! ORDERS) over real HTTP, and the supplier answers (or does not) with a 997 or a CONTRL.
//! Time is the host's manual clock, moved by the test: no test waits for a deadline.
//!
//! - an order response that does not come within `order_response_within_hours` raises an
//!   `overdue` exception for the team that owns them, and that team's webhook receives a signed
//!   notification;
//! - a 997 rejecting our 850 raises a `rejected` exception on that order and document and
//!   takes the order back from `sent` to `released` (the supplier's system never took it); an
//!   accepting one raises nothing and meets the functional-ack deadline; a 997 answering no
//!   group we sent fails with `ack.unmatched`;
//! - a 005010 999 rejecting our 850 is reconciled exactly like a 997;
//! - a missed functional-ack deadline raises `overdue`;
//! - a CONTRL rejecting an EDIFACT ORDERS we sent raises `rejected` and unsends the order.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::*;
use wharf_host::clock::Clock;
use wharf_host::engine::sweep::DeadlineSweep;

const HOUR: Duration = Duration::from_secs(3_600);
const MINUTE: Duration = Duration::from_secs(60);

/// X12 outbound settings: our identities toward the supplier.
const SUPPLIER_X12: &str = r#"sender_qualifier = "ZZ"
sender_id = "KESSLERUS"
receiver_qualifier = "ZZ"
receiver_id = "LAKESHORE""#;

/// EDIFACT outbound settings: our GLN toward the supplier's.
const SUPPLIER_EDIFACT: &str = r#"sender_id = "4012345000009"
sender_qualifier = "14"
receiver_id = "4098765000002"
receiver_qualifier = "14""#;

/// The SAP ORDERS05 fixture under another PO number.
fn orders05(po_number: &str) -> Vec<u8> {
    std::fs::read_to_string(repo_file(
        "plugins/idoc/tests/golden/orders05-standard.decode.xml",
    ))
    .unwrap()
    .replace("4500012345", po_number)
    .into_bytes()
}

/// ERP orders in as IDocs, out to the supplier (partner `portal`) through `supplier-orders`
/// with `adapter` and `deadlines`; the supplier's answers come in on `supplier-in`.
fn config(adapter: &str, supplier_url: &str, deadlines: &str, exceptions: &str) -> String {
    let settings = if adapter == "x12" {
        SUPPLIER_X12
    } else {
        SUPPLIER_EDIFACT
    };
    Flow::new()
        // Only the test's clock moves the sweep, never its own timer.
        .processing("deadline_sweep_ms", 3_600_000)
        .inbound("erp-orders", "erp", "idoc", "")
        .outbound_with(
            "supplier-orders",
            "portal",
            adapter,
            supplier_url,
            deadlines,
            settings,
        )
        .inbound("supplier-in", "portal", adapter, "")
        .route("purchase_order", "erp", "supplier-orders")
        .raw(&format!("[exceptions]\n{exceptions}"))
        .toml()
}

/// A manual clock starting now, so leases and the host's other timers stay sensible.
fn clock() -> Clock {
    Clock::manual(wharf_host::store::now_ms())
}

/// Releases `po_number` from the ERP and returns the interchange the supplier received.
async fn release(host: &TestHost, supplier: &StandIn, po_number: &str, count: usize) -> String {
    let (status, receipt) = host.post("erp-orders", ERP_KEY, orders05(po_number)).await;
    assert_eq!(status, 202, "{receipt}");
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&id, ERP_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let delivered = supplier.wait_for(count, Duration::from_secs(60)).await;
    let text = delivered[count - 1].text();
    assert!(text.contains(po_number), "{text}");
    // The deadlines are set when the delivery is recorded, just after the supplier answered.
    eventually("the delivery's deadlines", || async {
        let set = host.store.deadlines(Some(&id)).await.unwrap();
        !set.is_empty()
    })
    .await;
    text
}

/// Element `n` of the first `tag` segment of an X12 interchange.
fn x12_element(edi: &str, tag: &str, n: usize) -> String {
    edi.split('~')
        .map(str::trim)
        .find(|s| s.starts_with(&format!("{tag}*")))
        .and_then(|s| s.split('*').nth(n))
        .unwrap_or_else(|| panic!("no {tag}{n:02} in {edi}"))
        .to_owned()
}

/// A 997 from the supplier, in its interchange `isa13`, answering group `gs06` (set `st02`)
/// with `set_status` (AK5) and `group_status` (AK9).
fn ack_997(isa13: u32, gs06: &str, st02: &str, set_status: &str, group_status: &str) -> Vec<u8> {
    let (ak5, ak3) = if set_status == "R" {
        ("AK5*R*5~", "AK3*PO1*4**8~AK4*2**7*XX~")
    } else {
        ("AK5*A~", "")
    };
    let body = format!(
        "ST*997*0001~AK1*PO*{gs06}~AK2*850*{st02}~{ak3}{ak5}AK9*{group_status}*1*1*{}~",
        if group_status == "R" { 0 } else { 1 }
    );
    let segments = body.matches('~').count() + 1;
    format!(
        "ISA*00*          *00*          *ZZ*LAKESHORE      *ZZ*KESSLERUS      *260120*0750*U*00401*{isa13:09}*0*P*>~\
         GS*FA*LAKESHORE*KESSLERUS*20260120*0750*{isa13}*X*004010~{body}SE*{segments}*0001~GE*1*{isa13}~IEA*1*{isa13:09}~"
    )
    .into_bytes()
}

/// A 999 (005010X231) from the supplier, in its interchange `isa13`, rejecting set `st02` of
/// group `gs06`: a PO1 element fails the implementation's pattern (IK4 I12), so the set is
/// rejected (IK5 R, I5) and so is the group (AK9 R, 1 set received, 0 accepted).
fn reject_999(isa13: u32, gs06: &str, st02: &str) -> Vec<u8> {
    let body = format!(
        "ST*999*0001*005010X231A1~AK1*PO*{gs06}*004010~AK2*850*{st02}~IK3*PO1*4**8~\
         IK4*2*212*I12*1X~IK5*R*I5~AK9*R*1*1*0~"
    );
    let segments = body.matches('~').count() + 1;
    format!(
        "ISA*00*          *00*          *ZZ*LAKESHORE      *ZZ*KESSLERUS      *260120*0750*^*00501*{isa13:09}*0*P*>~\
         GS*FA*LAKESHORE*KESSLERUS*20260120*0750*{isa13}*X*005010X231A1~{body}SE*{segments}*0001~GE*1*{isa13}~IEA*1*{isa13:09}~"
    )
    .into_bytes()
}

/// A host delivering X12 850s to `supplier`, expecting its 997s within 30 minutes, the
/// rejections owned by `edi-team`.
async fn owning_rejections(supplier: &StandIn) -> TestHost {
    x12_host(
        supplier,
        "functional_ack_within_minutes = 30",
        "owners = { rejected = \"edi-team\" }",
    )
    .await
}

/// A host on the manual clock delivering X12 850s to `supplier` with the agreement's
/// `deadlines` and these `exceptions` settings.
async fn x12_host(supplier: &StandIn, deadlines: &str, exceptions: &str) -> TestHost {
    let c = components();
    let config = config("x12", &supplier.url, deadlines, exceptions);
    TestHost::start_with_clock(
        TestBackend::from_env().await,
        &config,
        &[&c.idoc, &c.x12],
        clock(),
    )
    .await
}

/// Posts the supplier's functional acknowledgment; returns its tracking id once processed.
async fn acknowledged(host: &TestHost, ack: Vec<u8>) -> String {
    let (status, receipt) = host.post("supplier-in", PORTAL_KEY, ack).await;
    assert_eq!(status, 202, "{receipt}");
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&id, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    id
}

/// The status of order `po_number` and the events in its history, as the ERP sees them.
async fn order(host: &TestHost, po_number: &str) -> (String, Vec<String>) {
    let (status, order) = host
        .get(&format!("/api/v1/orders/{po_number}"), ERP_KEY)
        .await;
    assert_eq!(status, 200, "{order}");
    let events = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect();
    (order["status"].as_str().unwrap().to_owned(), events)
}

async fn exceptions(host: &TestHost, query: &str) -> Vec<Value> {
    let (status, listed) = host.admin_get(&format!("/exceptions?{query}")).await;
    assert_eq!(status, 200, "{listed}");
    listed["exceptions"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{listed}"))
}

async fn deadline_states(host: &TestHost) -> Vec<(String, String, Option<String>)> {
    host.store
        .deadlines(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.kind, d.state, d.po_number))
        .collect()
}

/// Runs one sweep by hand: what the host's sweep would record now.
async fn sweep_now(host: &TestHost) -> usize {
    let settings = wharf_host::config::Settings::from_raw(
        toml::from_str(&config("x12", "http://127.0.0.1:9/", "", "")).unwrap(),
        host.dir.path(),
        &secrets(),
    )
    .unwrap();
    DeadlineSweep::new(host.store.clone(), settings.into(), host.clock.clone())
        .sweep()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_response_overdue_raises_overdue_and_notifies_the_owning_team() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let planning = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let config = config(
        "x12",
        &supplier.url,
        "order_response_within_hours = 4",
        &format!(
            "owners = {{ overdue = \"planning\" }}\nwebhooks = {{ planning = \"{}\" }}",
            planning.url
        ),
    );
    let host = TestHost::start_with_clock(
        TestBackend::from_env().await,
        &config,
        &[&c.idoc, &c.x12],
        clock(),
    )
    .await;
    release(&host, &supplier, "4500077001", 1).await;
    assert_eq!(
        deadline_states(&host).await,
        [(
            "order_response".into(),
            "open".into(),
            Some("4500077001".into())
        )]
    );

    // Three hours on, nothing is due yet.
    host.clock.advance(3 * HOUR);
    assert_eq!(sweep_now(&host).await, 0);
    assert!(exceptions(&host, "type=overdue").await.is_empty());

    // Past four hours the host's own sweep, woken by the clock, misses it once.
    host.clock.advance(HOUR + MINUTE);
    let notified = planning.wait_for(1, Duration::from_secs(60)).await;
    let body: Value = serde_json::from_slice(&notified[0].body).unwrap();
    assert_eq!(body["type"], "exception.raised", "{body}");
    assert_eq!(body["exception"]["type"], "overdue", "{body}");
    assert_eq!(body["exception"]["owner"], "planning", "{body}");
    assert_eq!(body["exception"]["po_number"], "4500077001", "{body}");
    assert_eq!(body["deadline"]["kind"], "order_response", "{body}");
    assert!(
        signature_verifies(SIGNING_SECRET, &notified[0]),
        "the notification is signed like any delivery"
    );
    let raised = exceptions(&host, "state=open&type=overdue&owner=planning").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0]["po_number"], "4500077001");
    assert_eq!(body["exception"]["id"], raised[0]["id"]);
    let explanation = raised[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("an order response") && explanation.contains("4 hours"),
        "{explanation}"
    );
    assert_eq!(deadline_states(&host).await[0].1, "missed");
    // Once: later sweeps find nothing more, and the audit trail has the miss.
    host.clock.advance(HOUR);
    assert_eq!(sweep_now(&host).await, 0);
    assert_eq!(exceptions(&host, "type=overdue").await.len(), 1);
    let actions: Vec<String> = host
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["deadline_set", "deadline_missed", "exception_raised"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    eventually("the notification recorded as delivered", || async {
        let log = host.store.audit_log().await.unwrap();
        log.iter()
            .any(|e| e.action == "delivered" && e.detail["doc_type"] == "exception_notification")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_997_rejecting_our_850_raises_rejected_and_an_accepting_one_meets_the_deadline() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = owning_rejections(&supplier).await;
    let accepted_850 = release(&host, &supplier, "4500077101", 1).await;
    let rejected_850 = release(&host, &supplier, "4500077102", 2).await;
    let controls = |edi: &str| (x12_element(edi, "GS", 6), x12_element(edi, "ST", 2));
    let (gs_a, st_a) = controls(&accepted_850);
    let (gs_r, st_r) = controls(&rejected_850);
    assert_ne!(
        gs_a, gs_r,
        "each interchange has its own group control number"
    );

    // The supplier accepts the first (AK102 zero-padded, as some partners write it).
    let (status, receipt) = host
        .post(
            "supplier-in",
            PORTAL_KEY,
            ack_997(701, &format!("{gs_a:0>9}"), &st_a, "A", "A"),
        )
        .await;
    assert_eq!(status, 202, "{receipt}");
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    assert!(exceptions(&host, "").await.is_empty());

    // ... and rejects the second.
    let ack_id = acknowledged(&host, ack_997(702, &gs_r, &st_r, "R", "R")).await;
    let raised = exceptions(&host, "state=open&type=rejected&owner=edi-team").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    let rejection = &raised[0];
    assert_eq!(rejection["po_number"], "4500077102", "{rejection}");
    assert_eq!(rejection["doc_type"], "purchase_order", "{rejection}");
    assert_eq!(rejection["agreement"], "supplier-orders", "{rejection}");
    assert_eq!(rejection["message_ids"][0], ack_id.as_str(), "{rejection}");
    let explanation = rejection["explanation"].as_str().unwrap();
    assert!(
        explanation.contains(&format!("group {gs_r}")) && explanation.contains("PO1 at 4"),
        "{explanation}"
    );
    // The rejected order is not with the supplier: back to released, with the reason in its
    // history and the transition audited under the 997; the accepted one stays sent.
    let (status, history) = order(&host, "4500077102").await;
    assert_eq!(status, "released");
    assert!(
        history.contains(&"transmission_rejected".to_owned()),
        "{history:?}"
    );
    assert_eq!(order(&host, "4500077101").await.0, "sent");
    let log = host.store.audit_log().await.unwrap();
    assert!(log.iter().any(|e| e.action == "order_transition"
        && e.detail["from"] == "sent"
        && e.detail["to"] == "released"
        && e.detail["message_id"] == ack_id.as_str()));
    // The same rejection again, in a new interchange, is recorded but not raised twice.
    let (_, receipt) = host
        .post(
            "supplier-in",
            PORTAL_KEY,
            ack_997(704, &gs_r, &st_r, "R", "R"),
        )
        .await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    assert_eq!(exceptions(&host, "type=rejected").await.len(), 1);
    assert_eq!(order(&host, "4500077102").await.0, "released");
    // Both were answered: no functional-ack deadline is left to miss.
    let states: Vec<String> = deadline_states(&host)
        .await
        .into_iter()
        .map(|(_, state, _)| state)
        .collect();
    assert_eq!(states, ["met", "met"]);
    host.clock.advance(31 * MINUTE);
    assert_eq!(sweep_now(&host).await, 0);
    assert!(exceptions(&host, "type=overdue").await.is_empty());

    // A 997 for a group never sent to this supplier is refused and raised.
    let (_, receipt) = host
        .post(
            "supplier-in",
            PORTAL_KEY,
            ack_997(703, "31337", "0001", "A", "A"),
        )
        .await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["error"]["code"], "ack.unmatched", "{view}");
    assert!(
        view["error"]["message"]
            .as_str()
            .unwrap()
            .contains("group 31337"),
        "{view}"
    );
    assert_eq!(exceptions(&host, "type=unmatched_ack").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_850_owes_no_order_response_so_none_goes_overdue() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = x12_host(
        &supplier,
        "functional_ack_within_minutes = 30\norder_response_within_hours = 4",
        "owners = { rejected = \"edi-team\", overdue = \"planning\" }",
    )
    .await;
    let sent = release(&host, &supplier, "4500077301", 1).await;
    let mut states = deadline_states(&host).await;
    states.sort();
    assert_eq!(
        states,
        [
            (
                "functional_ack".to_owned(),
                "open".to_owned(),
                Some("4500077301".to_owned())
            ),
            (
                "order_response".to_owned(),
                "open".to_owned(),
                Some("4500077301".to_owned())
            ),
        ]
    );
    let ack_id = acknowledged(
        &host,
        ack_997(
            705,
            &x12_element(&sent, "GS", 6),
            &x12_element(&sent, "ST", 2),
            "R",
            "R",
        ),
    )
    .await;
    assert_eq!(order(&host, "4500077301").await.0, "released");
    // The 997 answered the interchange; the order response is no longer owed.
    let mut states = deadline_states(&host).await;
    states.sort();
    assert_eq!(
        states,
        [
            (
                "functional_ack".to_owned(),
                "met".to_owned(),
                Some("4500077301".to_owned())
            ),
            (
                "order_response".to_owned(),
                "withdrawn".to_owned(),
                Some("4500077301".to_owned())
            ),
        ]
    );
    let log = host.store.audit_log().await.unwrap();
    assert!(
        log.iter().any(|e| e.action == "deadline_withdrawn"
            && e.detail["kind"] == "order_response"
            && e.detail["message_id"] == ack_id.as_str()),
        "the withdrawal is audited under the 997"
    );
    // Long past both deadlines: the rejection is the one exception, not an overdue beside it.
    host.clock.advance(5 * HOUR);
    assert_eq!(sweep_now(&host).await, 0);
    assert!(exceptions(&host, "type=overdue").await.is_empty());
    assert_eq!(exceptions(&host, "type=rejected").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_functional_ack_raises_overdue() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = x12_host(
        &supplier,
        "functional_ack_within_minutes = 30",
        "owners = { overdue = \"edi-team\" }",
    )
    .await;
    let sent = release(&host, &supplier, "4500077201", 1).await;
    let isa13 = x12_element(&sent, "ISA", 13);

    host.clock.advance(29 * MINUTE);
    assert_eq!(sweep_now(&host).await, 0);
    host.clock.advance(2 * MINUTE);
    eventually("the overdue functional acknowledgment", || async {
        !exceptions(&host, "type=overdue").await.is_empty()
    })
    .await;
    let raised = exceptions(&host, "state=open&type=overdue&owner=edi-team").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0]["po_number"], "4500077201");
    let explanation = raised[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("functional acknowledgment")
            && explanation.contains(isa13.trim_start_matches('0')),
        "{explanation}"
    );
    assert_eq!(deadline_states(&host).await[0].1, "missed");
    // A late 997 still reconciles, and raises nothing more.
    let (gs06, st02) = (x12_element(&sent, "GS", 6), x12_element(&sent, "ST", 2));
    let (_, receipt) = host
        .post(
            "supplier-in",
            PORTAL_KEY,
            ack_997(801, &gs06, &st02, "A", "A"),
        )
        .await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    assert_eq!(exceptions(&host, "").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contrl_rejecting_our_orders_raises_rejected() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let config = config(
        "edifact",
        &supplier.url,
        "functional_ack_within_minutes = 30",
        "",
    );
    let host = TestHost::start_with_clock(
        TestBackend::from_env().await,
        &config,
        &[&c.idoc, &c.edifact],
        clock(),
    )
    .await;
    let sent = release(&host, &supplier, "4500077301", 1).await;
    let unb = sent
        .split('\'')
        .map(str::trim)
        .find(|s| s.starts_with("UNB+"))
        .unwrap_or_else(|| panic!("no UNB in {sent}"));
    let reference = unb.split('+').nth(5).unwrap().to_owned();
    let unh = sent
        .split('\'')
        .map(str::trim)
        .find(|s| s.starts_with("UNH+"))
        .unwrap();
    let message = unh.split('+').nth(1).unwrap().to_owned();

    let contrl = format!(
        "UNA:+.? 'UNB+UNOC:3+4098765000002:14+4012345000009:14+260115:0935+CTL9'\
         UNH+C1+CONTRL:D:3:UN'UCI+{reference}+4012345000009:14+4098765000002:14+4'\
         UCM+{message}+ORDERS:D:96A:UN+4'UCS+5+13'UNT+5+C1'UNZ+1+CTL9'"
    );
    let (status, receipt) = host.post("supplier-in", PORTAL_KEY, contrl).await;
    assert_eq!(status, 202, "{receipt}");
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    let raised = exceptions(&host, "state=open&type=rejected").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0]["po_number"], "4500077301", "{:?}", raised[0]);
    let explanation = raised[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains(&format!("interchange {reference}")),
        "{explanation}"
    );
    assert_eq!(deadline_states(&host).await[0].1, "met");
    assert_eq!(order(&host, "4500077301").await.0, "released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_999_rejecting_our_850_is_reconciled_like_a_997() {
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = owning_rejections(&supplier).await;
    let sent = release(&host, &supplier, "4500077401", 1).await;
    let (gs06, st02) = (x12_element(&sent, "GS", 6), x12_element(&sent, "ST", 2));
    let ack_id = acknowledged(&host, reject_999(901, &gs06, &st02)).await;

    let raised = exceptions(&host, "state=open&type=rejected&owner=edi-team").await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0]["po_number"], "4500077401");
    assert_eq!(raised[0]["message_ids"][0], ack_id.as_str());
    let explanation = raised[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains(&format!("group {gs06}"))
            && explanation.contains("PO1 at 4")
            && explanation.contains("Implementation pattern match failure"),
        "{explanation}"
    );
    assert_eq!(order(&host, "4500077401").await.0, "released");
    // Answered: the functional-ack deadline is met, and nothing is overdue later.
    assert_eq!(
        deadline_states(&host).await,
        [(
            "functional_ack".into(),
            "met".into(),
            Some("4500077401".into())
        )]
    );
    host.clock.advance(31 * MINUTE);
    assert_eq!(sweep_now(&host).await, 0);
}
