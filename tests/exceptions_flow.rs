//! Exceptions someone owns, end to end with the real X12 adapter over real HTTP:
//!
//! - the same 810 invoice sent again under a new interchange control number (ISA13) is held as
//!   a duplicate of the first: not delivered twice, a `duplicate` exception for the team the
//!   configuration names, listed and resolved through the admin API, every step audited;
//! - the byte-identical resend of the first is still answered with the first's tracking id;
//! - a ship notice naming a PO Wharf holds no order under is refused to the supplier as before
//!   (`order.unknown`, the same text) and raises an `unknown_order` exception; an operator's
//!   retry processes it again;
//! - a delivery given up on raises `delivery_failed`; a retry replays the dead letter;
//! - every exception, whatever its type, notifies the webhook of the team that owns it, once.

mod support;

use std::time::Duration;

use serde_json::json;
use support::*;

/// X12 outbound settings: our ISA06/ISA08 identities for the ERP's side.
const ERP_X12: &str = r#"sender_qualifier = "ZZ"
sender_id = "KESSLERUS"
receiver_qualifier = "ZZ"
receiver_id = "KESSLERERP""#;

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(repo_file(&format!("plugins/x12/tests/golden/{name}"))).unwrap()
}

/// The same interchange under another interchange control number. ISA is fixed width, so
/// ISA13 is the nine characters at offset 90; IEA02 must repeat it (X12.5).
fn under_new_isa13(edi: &[u8], control: &str) -> Vec<u8> {
    assert_eq!(control.len(), 9, "ISA13 is nine digits");
    let text = String::from_utf8(edi.to_vec()).unwrap();
    let separator = &text[3..4];
    let old = text[90..99].to_owned();
    let iea = |n: &str| format!("IEA{separator}1{separator}{n}");
    assert!(text.contains(&iea(&old)), "IEA02 repeats ISA13 {old}");
    let mut copy = format!("{}{control}{}", &text[..90], &text[99..]);
    copy = copy.replace(&iea(&old), &iea(control));
    copy.into_bytes()
}

/// Runs `wharf ARGS` against the host as its operator; returns what it printed.
async fn wharf(host: &TestHost, args: &[&str]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"));
    command
        .args(args)
        .args(["--url", &host.base])
        .env("WHARF_ADMIN_TOKEN", ADMIN_TOKEN);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "wharf {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The supplier's ship notices (X12) go to the ERP.
fn asn_flow(erp_url: &str) -> Flow {
    Flow::new()
        .inbound("supplier-edi", "portal", "x12", "")
        .outbound("erp-asn", "erp", "x12", erp_url, ERP_X12)
        .route("ship_notice", "portal", "erp-asn")
}

/// The supplier's 856 naming two POs, the first (4500012399) unknown to Wharf; returns its
/// tracking id and its view once settled.
async fn unknown_po_notice(host: &TestHost) -> (String, serde_json::Value) {
    let asn = golden("asn-two-orders.decode.edi");
    let (status, receipt) = host.post("supplier-edi", PORTAL_KEY, asn).await;
    assert_eq!(status, 202, "{receipt}");
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&id, PORTAL_KEY).await;
    (id, view)
}

fn invoice_config(erp_url: &str) -> String {
    Flow::new()
        // The invoice names an order that never passed through Wharf.
        .inbound(
            "supplier-edi",
            "portal",
            "x12",
            r#"unknown_orders = "route""#,
        )
        .outbound("erp-invoices", "erp", "x12", erp_url, ERP_X12)
        .route("invoice", "portal", "erp-invoices")
        .raw("[exceptions]\nowners = { duplicate = \"edi-team\" }")
        .toml()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_under_a_new_isa13_is_held_as_a_duplicate_and_resolved_by_an_operator() {
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(&invoice_config(&erp.url), &[&c.x12]).await;
    let first_bytes = golden("invoice.decode.edi");

    let (status, receipt) = host
        .post("supplier-edi", PORTAL_KEY, first_bytes.clone())
        .await;
    assert_eq!(status, 202, "{receipt}");
    let first = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&first, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let delivered = erp.wait_for(1, Duration::from_secs(60)).await;
    assert!(
        delivered[0].text().contains("ST*810*"),
        "{}",
        delivered[0].text()
    );

    // The same invoice (BIG02 INV-26-3317) in a new interchange, 000000902.
    let again = under_new_isa13(&first_bytes, "000000902");
    assert_ne!(again, first_bytes);
    let (status, receipt) = host.post("supplier-edi", PORTAL_KEY, again).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["duplicate"], false, "new bytes are a new message");
    let second = receipt["tracking_id"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    let view = host.settled(&second, PORTAL_KEY).await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["error"]["code"], "document.duplicate", "{view}");
    let message = view["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("INV-26-3317") && message.contains(&first),
        "{message}"
    );
    // Held: the decision queued nothing for it.
    let (_, operator_view) = host.admin_get(&format!("/messages/{second}")).await;
    assert_eq!(operator_view["deliveries"], json!([]), "{operator_view}");

    // The exception: a duplicate, owned by the team the configuration names, linking both.
    let (status, listed) = host
        .admin_get("/exceptions?state=open&type=duplicate&owner=edi-team")
        .await;
    assert_eq!(status, 200, "{listed}");
    let exceptions = listed["exceptions"].as_array().unwrap();
    assert_eq!(exceptions.len(), 1, "{listed}");
    let exception = &exceptions[0];
    assert_eq!(exception["type"], "duplicate");
    assert_eq!(exception["state"], "open");
    assert_eq!(exception["partner"], "portal");
    assert_eq!(exception["agreement"], "supplier-edi");
    assert_eq!(exception["message_ids"], json!([second, first]));
    assert_eq!(exception["doc_type"], "invoice");
    assert_eq!(exception["business_key"], "INV-26-3317");
    // BIG04 names the PO; IT101 numbers the lines, 1 and 2.
    assert_eq!(exception["po_number"], "4500012399");
    assert_eq!(exception["lines"], json!(["1", "2"]));
    assert_eq!(
        exception["actions"],
        json!(["acknowledge", "override", "resolve"])
    );
    let explanation = exception["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("interchange 000000902"),
        "{explanation}"
    );
    let id = exception["id"].as_str().unwrap().to_owned();

    // The byte-identical resend of the first is answered with the first's tracking id, as
    // always, and raises nothing.
    let (status, receipt) = host.post("supplier-edi", PORTAL_KEY, first_bytes).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["tracking_id"], first.as_str());
    assert_eq!(receipt["duplicate"], true);
    let (_, all) = host.admin_get("/exceptions").await;
    assert_eq!(all["exceptions"].as_array().unwrap().len(), 1, "{all}");

    // An override must say why; a resolution may.
    let (status, refused) = host
        .admin_post(&format!("/exceptions/{id}/override"), json!({}))
        .await;
    assert_eq!(status, 409, "{refused}");
    let (status, resolved) = host
        .admin_post(
            &format!("/exceptions/{id}/resolve"),
            json!({"reason": "supplier resent by mistake; told them"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["state"], "resolved");
    let (_, open) = host.admin_get("/exceptions?state=open").await;
    assert_eq!(open["exceptions"], json!([]));
    let (status, shown) = host.admin_get(&format!("/exceptions/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(shown["reason"], "supplier resent by mistake; told them");

    // One invoice reached the ERP: the first's delivery is the only invoice routed.
    let log = host.store.audit_log().await.unwrap();
    let routed = log.iter().filter(|e| e.action == "document_routed").count();
    assert_eq!(routed, 1);
    assert_eq!(erp.deliveries().await.len(), 1);
    let acted: Vec<_> = log
        .iter()
        .filter(|e| e.subject == format!("exception:{id}"))
        .map(|e| (e.action.clone(), e.actor.clone()))
        .collect();
    assert_eq!(
        acted,
        [
            ("exception_raised".to_owned(), "wharf".to_owned()),
            ("exception_acted".to_owned(), "operator".to_owned())
        ]
    );
    let (_, verdict) = host.admin_get("/audit/verify").await;
    assert_eq!(verdict["intact"], true, "{verdict}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ship_notice_for_an_unknown_po_is_refused_and_raises_an_exception() {
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let config = asn_flow(&erp.url).toml();
    let host = TestHost::start(&config, &[&c.x12]).await;

    let (id, view) = unknown_po_notice(&host).await;
    // The supplier hears what it heard before: the first PO it names (PRF01 4500012399) is
    // not an order of its, and nothing more.
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(
        view["error"],
        json!({"code": "order.unknown",
            "message": "order 4500012399 is not known to Wharf (or not shared with this partner)"})
    );

    let (status, listed) = host.admin_get("/exceptions?type=unknown_order").await;
    assert_eq!(status, 200, "{listed}");
    let exceptions = listed["exceptions"].as_array().unwrap();
    assert_eq!(exceptions.len(), 1, "{listed}");
    let exception = &exceptions[0];
    assert_eq!(exception["state"], "open");
    assert_eq!(exception["owner"], "operations", "the default owner");
    assert_eq!(exception["message_ids"], json!([id]));
    assert_eq!(exception["doc_type"], "ship_notice");
    // BSN02 is the shipment id.
    assert_eq!(exception["business_key"], "ASN-26-0412");
    assert_eq!(exception["po_number"], "4500012399");
    assert_eq!(exception["order"], json!(null));
    let explanation = exception["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("4500012399") && explanation.contains("order.unknown"),
        "{explanation}"
    );
    assert!(erp.deliveries().await.is_empty());

    // Operations finds it and takes it on from the command line.
    let exception_id = exception["id"].as_str().unwrap();
    let listed = wharf(
        &host,
        &[
            "exceptions",
            "list",
            "--state",
            "open",
            "--type",
            "unknown_order",
        ],
    )
    .await;
    assert!(
        listed.contains(exception_id) && listed.contains("operations"),
        "{listed}"
    );
    let said = wharf(
        &host,
        &[
            "exceptions",
            "acknowledge",
            exception_id,
            "--reason",
            "on it",
        ],
    )
    .await;
    assert_eq!(
        said.trim(),
        format!("exception {exception_id} is acknowledged")
    );
    let (status, acknowledged) = host.admin_get(&format!("/exceptions/{exception_id}")).await;
    assert_eq!(status, 200, "{acknowledged}");
    assert_eq!(acknowledged["state"], "acknowledged");
    assert_eq!(acknowledged["reason"], "on it");
    let (_, open) = host.admin_get("/exceptions?state=open").await;
    assert_eq!(open["exceptions"], json!([]));
    let (_, mine) = host
        .admin_get("/exceptions?state=acknowledged&owner=operations")
        .await;
    assert_eq!(mine["exceptions"].as_array().unwrap().len(), 1);
    let (status, bad) = host.admin_get("/exceptions?type=late").await;
    assert_eq!(status, 400, "{bad}");

    // A retry puts the message back on the queue in the same step. Still naming no order of
    // the supplier's, it fails again and raises a new exception; this one stays acknowledged.
    let (status, retried) = host
        .admin_post(
            &format!("/exceptions/{exception_id}/retry"),
            json!({"reason": "the PO should be in by now"}),
        )
        .await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["state"], "acknowledged");
    eventually("the retried ship notice to fail again", || async {
        let (_, open) = host
            .admin_get("/exceptions?type=unknown_order&state=open")
            .await;
        open["exceptions"].as_array().is_some_and(|e| e.len() == 1)
    })
    .await;
    let view = host.settled(&id, PORTAL_KEY).await;
    assert_eq!(view["error"]["code"], "order.unknown");
    let log = host.store.audit_log().await.unwrap();
    let reprocessed = log
        .iter()
        .filter(|e| e.action == "message_reprocessed" && e.subject == format!("message:{id}"))
        .count();
    assert_eq!(reprocessed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_raises_delivery_failed_and_a_retry_replays_it() {
    // The portal refuses for good (400) until it is mended.
    let portal = StandIn::start(Behaviour::Status(400)).await.unwrap();
    let c = components();
    let integration = StandIn::start(Behaviour::Accept).await.unwrap();
    let config = cxml_order_flow(&portal.url)
        .raw(&format!(
            "[exceptions]\nowners = {{ delivery_failed = \"integration\" }}\n\
             webhooks = {{ integration = \"{}\" }}",
            integration.url
        ))
        .toml();
    let host = TestHost::start(&config, &[&c.cxml]).await;
    let (status, receipt) = host
        .post("erp-orders", ERP_KEY, cxml_order("4500000777"))
        .await;
    assert_eq!(status, 202, "{receipt}");
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&id, ERP_KEY).await["status"], "processed");

    eventually("the dead letter's exception", || async {
        let (_, answer) = host.admin_get("/exceptions?type=delivery_failed").await;
        answer["exceptions"]
            .as_array()
            .is_some_and(|e| e.len() == 1)
    })
    .await;
    let (_, listed) = host.admin_get("/exceptions?type=delivery_failed").await;
    let exception = &listed["exceptions"][0];
    assert_eq!(exception["owner"], "integration");
    assert_eq!(exception["partner"], "portal");
    assert_eq!(exception["agreement"], "portal-orders");
    assert_eq!(exception["message_ids"], json!([id]));
    assert_eq!(exception["doc_type"], "purchase_order");
    assert_eq!(
        exception["order"],
        json!({"buyer": "erp", "po_number": "4500000777"})
    );
    assert_eq!(
        exception["actions"],
        json!(["acknowledge", "retry", "resolve"])
    );
    let explanation = exception["explanation"].as_str().unwrap();
    assert!(explanation.contains("HTTP 400"), "{explanation}");
    // The team that owns failed deliveries is told, signed.
    let notified = integration.wait_for(1, Duration::from_secs(60)).await;
    assert!(signature_verifies(SIGNING_SECRET, &notified[0]));
    let told: serde_json::Value = serde_json::from_slice(&notified[0].body).unwrap();
    assert_eq!(told["type"], "exception.raised");
    assert_eq!(told["exception"]["type"], "delivery_failed");
    assert_eq!(told["exception"]["id"], exception["id"]);
    let (_, dead) = host.admin_get("/dead-letters").await;
    assert_eq!(
        dead["dead_letters"][0]["id"], exception["outbox_id"],
        "{dead}"
    );

    // Mended; the operator retries from the exception, and the dead letter goes out.
    portal.heal();
    let exception_id = exception["id"].as_str().unwrap();
    let (status, retried) = host
        .admin_post(&format!("/exceptions/{exception_id}/retry"), json!({}))
        .await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["state"], "open");
    let delivered = portal.wait_for(1, Duration::from_secs(60)).await;
    assert!(delivered[0].text().contains("4500000777"));
    let (status, again) = host
        .admin_post(&format!("/exceptions/{exception_id}/retry"), json!({}))
        .await;
    assert_eq!(status, 409, "nothing is dead now: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exception_notifies_its_owning_team_once() {
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let receiving = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let config = asn_flow(&erp.url)
        .raw(&format!(
            "[exceptions]\nowners = {{ unknown_order = \"receiving\" }}\n\
             webhooks = {{ receiving = \"{}\" }}",
            receiving.url
        ))
        .toml();
    let host = TestHost::start(&config, &[&c.x12]).await;
    let (id, view) = unknown_po_notice(&host).await;
    assert_eq!(view["status"], "failed", "{view}");

    let (_, listed) = host.admin_get("/exceptions?type=unknown_order").await;
    let exception = &listed["exceptions"][0];
    let notified = receiving.wait_for(1, Duration::from_secs(60)).await;
    assert!(signature_verifies(SIGNING_SECRET, &notified[0]));
    let told: serde_json::Value = serde_json::from_slice(&notified[0].body).unwrap();
    assert_eq!(told["type"], "exception.raised");
    let about = &told["exception"];
    assert_eq!(about["id"], exception["id"]);
    assert_eq!(about["type"], "unknown_order");
    assert_eq!(about["owner"], "receiving");
    assert_eq!(about["partner"], "portal");
    assert_eq!(about["message_id"], id.as_str());
    // BSN02 is the shipment id, PRF01 of the first order the PO.
    assert_eq!(about["business_key"], "ASN-26-0412");
    assert_eq!(about["po_number"], "4500012399");
    assert_eq!(about["explanation"], exception["explanation"]);
    // Once: the message's only notification is this one, recorded as delivered; the
    // supplier does not see it among its message's deliveries.
    assert_eq!(view["deliveries"], json!([]), "{view}");
    eventually("the notification recorded as delivered", || async {
        let (_, view) = host.admin_get(&format!("/messages/{id}")).await;
        let notifications: Vec<_> = view["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["doc_type"] == "exception_notification")
            .cloned()
            .collect();
        notifications.len() == 1 && notifications[0]["status"] == "delivered"
    })
    .await;
    assert_eq!(receiving.deliveries().await.len(), 1);
}
