//! The seed flow end to end, over real HTTP on loopback with the real adapters built to wasm:
//! an ORDERS05 from the ERP reaches the portal as a cXML OrderRequest, the portal's
//! ConfirmationRequest reaches the ERP as an ORDRSP, and the order's history and the audit log
//! show every step. Also: duplicates create nothing, and bad input is refused clearly with
//! its bytes kept.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::*;
use wharf_host::cli::demo::confirm;
use wharf_host::model::{CanonicalDocument, Document, LineStatus, PurchaseOrder};
use wharf_host::sandbox::{
    AdapterRegistry, CallScope, LoadedAdapter, RegistrySettings, SandboxEngine,
};

const ORDERS05: &str = "plugins/idoc/tests/golden/orders05-standard.decode.xml";

/// The adapters again, outside the host, to read what the stand-ins received.
async fn reader(component: &std::path::Path) -> Arc<LoadedAdapter> {
    let registry = AdapterRegistry::new(
        Arc::new(SandboxEngine::new().unwrap()),
        RegistrySettings::default(),
    );
    let info = registry.install_file(component).await.unwrap();
    registry.resolve(&info.reference()).unwrap()
}

async fn decode_one(adapter: &LoadedAdapter, bytes: Vec<u8>) -> CanonicalDocument {
    let mut decoded = adapter
        .decode(CallScope::default(), bytes, None)
        .await
        .expect("decodes");
    assert_eq!(decoded.documents.len(), 1);
    decoded.documents.remove(0)
}

fn purchase_order(document: CanonicalDocument) -> PurchaseOrder {
    match document.body {
        Document::PurchaseOrder(po) => po,
        other => panic!("expected a purchase order, got {:?}", other.doc_type()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_goes_to_the_portal_and_its_confirmation_back_to_the_erp() {
    order_round_trip(None).await;
}

/// The same flow with the store on PostgreSQL (a database of its own, dropped afterwards).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(wharf_postgres),
    ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
              127.0.0.1:5432); CI runs it"
)]
async fn the_order_flow_runs_the_same_on_postgresql() {
    let database = postgres::TestDatabase::create().await;
    order_round_trip(Some(database.url())).await;
}

/// An order out to the portal and its confirmation back to the ERP, on the SQLite default or
/// on `database_url`.
async fn order_round_trip(database_url: Option<&str>) {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start_on(
        database_url,
        &order_flow(&portal.url, &erp.url).toml(),
        &[&c.idoc, &c.cxml],
    )
    .await;
    let idoc = reader(&c.idoc).await;
    let cxml = reader(&c.cxml).await;
    let orders05 = std::fs::read(repo_file(ORDERS05)).unwrap();
    let sent = purchase_order(decode_one(&idoc, orders05.clone()).await);

    // The ERP releases the order.
    let (status, receipt) = host
        .post_with("erp-orders", ERP_KEY, orders05.clone(), Some("release-1"))
        .await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(receipt["duplicate"], false);

    // The portal receives it as cXML, with the IDoc's number, lines, quantities, units, prices
    // and currency.
    let at_portal = portal.wait_for(1, Duration::from_secs(60)).await;
    assert_eq!(at_portal.len(), 1, "the portal got the order");
    let order_request = at_portal[0].text();
    assert!(order_request.contains("<OrderRequest>"), "{order_request}");
    let received = purchase_order(decode_one(&cxml, at_portal[0].body.clone()).await);
    assert_eq!(received.po_number, sent.po_number);
    assert_eq!(received.lines.len(), sent.lines.len());
    assert!(sent.lines.len() >= 3);
    for (got, want) in received.lines.iter().zip(&sent.lines) {
        assert_eq!(got.line_number, want.line_number);
        assert_eq!(got.quantity, want.quantity, "line {}", want.line_number);
        let (got_price, want_price) = (got.price.as_ref().unwrap(), want.price.as_ref().unwrap());
        assert_eq!(
            got_price.amount, want_price.amount,
            "line {}",
            want.line_number
        );
        assert_eq!(
            got_price.currency, want_price.currency,
            "line {}",
            want.line_number
        );
        assert_eq!(
            got_price.basis, want_price.basis,
            "line {}",
            want.line_number
        );
    }
    assert_eq!(
        received.lines[0]
            .price
            .as_ref()
            .unwrap()
            .currency
            .as_deref(),
        sent.currency.as_deref()
    );

    // The portal confirms: all lines accepted but the last, part filled.
    let (po_number, lines) = confirm::read_order(&order_request).unwrap();
    let answer = confirm::confirmation(&po_number, &lines, "2026-11-27T12:00:00+00:00");
    let (status, confirmation_receipt) =
        host.post("portal-confirmations", PORTAL_KEY, answer).await;
    assert_eq!(status, 202, "{confirmation_receipt}");

    // The ERP receives an ORDRSP with the status of every line.
    let at_erp = erp.wait_for(1, Duration::from_secs(60)).await;
    assert_eq!(at_erp.len(), 1, "the ERP got the response");
    let ordrsp = at_erp[0].text();
    assert!(ordrsp.contains("<MESTYP>ORDRSP</MESTYP>"), "{ordrsp}");
    let Document::OrderResponse(response) = decode_one(&idoc, at_erp[0].body.clone()).await.body
    else {
        panic!("the ORDRSP decodes to an order response");
    };
    assert_eq!(response.po_number, sent.po_number);
    let statuses: Vec<LineStatus> = response.lines.iter().map(|l| l.status).collect();
    let mut expected = vec![LineStatus::Accepted; sent.lines.len() - 1];
    expected.push(LineStatus::Changed);
    assert_eq!(statuses, expected);

    // The order's history, for the ERP and the portal; nobody else sees it.
    let path = format!("/api/v1/orders/{}", sent.po_number);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let order = loop {
        let order = host.get(&path, ERP_KEY).await.1;
        if order["history"].as_array().is_some_and(|h| h.len() >= 6) {
            break order;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "history incomplete: {order}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(order["status"], "changed", "{order}");
    let events: Vec<&str> = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for event in [
        "released",
        "purchase_order_routed",
        "purchase_order_delivered",
        "acknowledged",
        "order_response_routed",
        "order_response_delivered",
    ] {
        assert!(events.contains(&event), "{event} missing from {events:?}");
    }
    assert_eq!(host.get(&path, PORTAL_KEY).await.0, 200);
    let (status, hidden) = host.get(&path, OTHER_KEY).await;
    assert_eq!(status, 404);
    assert_eq!(hidden["error"]["code"], "order.unknown");

    // The audit log holds every step, and its chain is intact.
    let log = host.store.audit_log().await.unwrap();
    let count = |action: &str| log.iter().filter(|e| e.action == action).count();
    assert_eq!(count("message_received"), 2);
    assert_eq!(count("message_decoded"), 2);
    assert_eq!(count("order_transition"), 2);
    assert_eq!(count("document_routed"), 2);
    assert_eq!(count("delivered"), 2);
    assert_eq!(wharf_host::audit::chain::verify(&log).unwrap(), log.len());

    // Submitting again — same key, or same bytes — returns the original and creates nothing.
    let (status, again) = host
        .post_with("erp-orders", ERP_KEY, orders05.clone(), Some("release-1"))
        .await;
    assert_eq!(
        (
            status,
            again["tracking_id"].as_str(),
            again["duplicate"].as_bool()
        ),
        (202, Some(tracking.as_str()), Some(true))
    );
    let (_, again) = host.post("erp-orders", ERP_KEY, orders05.clone()).await;
    assert_eq!(again["tracking_id"].as_str(), Some(tracking.as_str()));
    let mut changed = orders05.clone();
    changed.extend_from_slice(b"\n");
    // The same key for other bytes is a partner's mistake, refused rather than answered with
    // a message that is not the one they sent.
    let (status, other_bytes) = host
        .post_with("erp-orders", ERP_KEY, changed, Some("release-1"))
        .await;
    assert_eq!(status, 422, "{other_bytes}");
    assert_eq!(other_bytes["error"]["code"], "request.conflict");
    // The refused request left nothing behind: no message, so once the outbox is empty no
    // delivery can follow.
    eventually("the outbox to drain", || async {
        host.store.pending_deliveries().await.unwrap() == 0
    })
    .await;
    assert_eq!(
        portal.deliveries().await.len(),
        1,
        "nothing new was delivered"
    );
    let log_after = host.store.audit_log().await.unwrap();
    assert_eq!(
        log_after
            .iter()
            .filter(|e| e.action == "message_received")
            .count(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_error_and_its_bytes_are_kept() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let config = order_flow(&portal.url, &erp.url)
        .raw("[server]\nmax_body_kib = 64")
        .toml();
    let host = TestHost::start(&config, &[&c.idoc, &c.cxml]).await;

    // Malformed XML: accepted for processing, then failed with a located syntax error.
    let malformed =
        b"<?xml version=\"1.0\"?>\n<ORDERS05>\n  <IDOC BEGIN=\"1\">\n    <EDI_DC40></IDOC>\n"
            .to_vec();
    let (status, receipt) = host.post("erp-orders", ERP_KEY, malformed.clone()).await;
    assert_eq!(status, 202);
    let id = receipt["tracking_id"].as_str().unwrap();
    let view = host.settled(id, ERP_KEY).await;
    assert_eq!(view["status"], "failed");
    assert_eq!(view["error"]["code"], "adapter.syntax", "{view}");
    assert_eq!(view["error"]["location"]["text"]["line"], 4, "{view}");
    assert_eq!(view["error"]["adapter"], "idoc@0.1.0");
    assert_eq!(
        host.store.message_raw(id).await.unwrap().unwrap(),
        malformed
    );

    // An IDoc of a type the adapter does not handle.
    let invoice = std::fs::read(repo_file(
        "plugins/idoc/tests/golden/error-unsupported-wmmbid02.decode.xml",
    ))
    .unwrap();
    let (_, receipt) = host.post("erp-orders", ERP_KEY, invoice.clone()).await;
    let id = receipt["tracking_id"].as_str().unwrap();
    let view = host.settled(id, ERP_KEY).await;
    assert_eq!(view["error"]["code"], "adapter.unsupported", "{view}");
    assert!(
        view["error"]["message"]
            .as_str()
            .unwrap()
            .contains("WMMBID02"),
        "{view}"
    );
    assert_eq!(host.store.message_raw(id).await.unwrap().unwrap(), invoice);

    // Refused at the edge: each answer is JSON with a code, and the refusal is kept with the
    // first KiB of its bytes.
    let cases: [(&str, &str, Vec<u8>, u16, &str); 3] = [
        (
            "erp-orders",
            "wrong-key",
            b"<ORDERS05/>".to_vec(),
            401,
            "auth.unauthorized",
        ),
        (
            "erp-orders",
            ERP_KEY,
            vec![b'x'; 100 * 1024],
            413,
            "request.too_large",
        ),
        (
            "no-such-agreement",
            ERP_KEY,
            b"<ORDERS05/>".to_vec(),
            404,
            "agreement.unknown",
        ),
    ];
    for (agreement, key, body, want_status, code) in cases {
        let (status, error) = host.post(agreement, key, body.clone()).await;
        assert_eq!(status, want_status, "{error}");
        assert_eq!(error["error"]["code"], code, "{error}");
        assert!(!error["error"]["message"].as_str().unwrap().is_empty());
        let rejection = error["error"]["details"]["rejection_id"].as_str().unwrap();
        let kept = host.store.rejected_raw(rejection).await.unwrap().unwrap();
        let expect = &body[..body.len().min(1024)];
        assert_eq!(kept, expect, "{code}: the first KiB of the bytes is kept");
    }
    // Another partner's agreement is as unknown as a missing one.
    let (status, _) = host.post("portal-confirmations", ERP_KEY, "<cXML/>").await;
    assert_eq!(status, 404);
}
