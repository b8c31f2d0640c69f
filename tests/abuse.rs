//! The abuse matrix of issue 8: missing, wrong and other partners' credentials; other
//! partners' ids on every GET; another buyer's PO number in a ship notice or invoice; oversized
//! bodies with and without a key; slow headers and slow bodies; a replayed Idempotency-Key with
//! other bytes. Each is refused with its status, no partner reads another's data, and the data
//! folder grows by at most the cap on kept refusals.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REJECTED_MAX_KIB: u64 = 64;

fn config(portal_url: &str) -> String {
    cxml_order_flow(portal_url)
        // The portal's ship notice names a second order Wharf never carried.
        .inbound(
            "portal-supply",
            "portal",
            "cxml",
            r#"unknown_orders = "route""#,
        )
        .inbound("other-supply", "other", "cxml", "")
        .raw(&format!(
            "[server]\nmax_body_kib = 256\n[edge]\nheader_timeout_ms = 2000\n\
             body_timeout_ms = 1000\nrejected_max_kib = {REJECTED_MAX_KIB}\n\
             anonymous_rate_per_s = 10000\npartner_rate_per_s = 10000\npartner_burst = 10000\n"
        ))
        .toml()
}

const PO: &str = "4500077001";

/// A golden cXML document naming `po`, as production traffic (test documents never touch an
/// order, so they would prove nothing here).
fn golden(name: &str, po: &str) -> String {
    std::fs::read_to_string(repo_file(&format!("plugins/cxml/tests/golden/{name}")))
        .unwrap()
        .replace("4500012345", po)
        .replace(r#"deploymentMode="test""#, r#"deploymentMode="production""#)
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                folder_bytes(&entry.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

async fn data_bytes(host: &TestHost) -> u64 {
    host.store.checkpoint().await.unwrap();
    folder_bytes(&host.dir.path().join("wharf-data"))
}

/// One row of the matrix: what was tried, the status wanted and the status got.
struct Row {
    case: String,
    want: u16,
    got: u16,
    body: Value,
}

struct Matrix {
    host_base: String,
    client: reqwest::Client,
    rows: Vec<Row>,
}

impl Matrix {
    async fn send(&mut self, case: &str, want: u16, request: reqwest::RequestBuilder) -> Value {
        let response = request.send().await.expect("the host answers");
        let got = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        self.rows.push(Row {
            case: case.to_owned(),
            want,
            got,
            body: body.clone(),
        });
        body
    }

    async fn get(&mut self, case: &str, want: u16, path: &str, key: Option<&str>) -> Value {
        let mut request = self.client.get(format!("{}{path}", self.host_base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        self.send(case, want, request).await
    }

    async fn post(
        &mut self,
        case: &str,
        want: u16,
        agreement: &str,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Value {
        let mut request = self
            .client
            .post(format!("{}/api/v1/inbound/{agreement}", self.host_base))
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        self.send(case, want, request).await
    }

    /// Sends raw bytes and reads the answer's status (0: the host closed without answering).
    async fn raw(&mut self, case: &str, want: u16, bytes: &[u8]) {
        let address = self.host_base.trim_start_matches("http://").to_owned();
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
                Err(_) => panic!("{case}: the connection was held open"),
            }
        }
        let text = String::from_utf8_lossy(&answer);
        let got = text
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        self.rows.push(Row {
            case: case.to_owned(),
            want,
            got,
            body: Value::String(text.into_owned()),
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_abuse_is_refused_with_its_status_and_nothing_crosses_partners() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let host = TestHost::start(&config(&portal.url), &[&components().cxml]).await;

    // The ERP's order, delivered to the portal: the portal is a party of it, `other` is not.
    let (status, receipt) = host
        .post_with("erp-orders", ERP_KEY, cxml_order(PO), Some("order-1"))
        .await;
    assert_eq!(status, 202, "{receipt}");
    let erp_message = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&erp_message, ERP_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    portal.wait_for(1, Duration::from_secs(60)).await;

    // Another supplier's ship notice and invoice naming the ERP's PO number: refused as if the
    // number were unknown, and the order does not change hands.
    let mut strangers = Vec::new();
    for fixture in ["ship-notice.decode.xml", "invoice.decode.xml"] {
        let (status, receipt) = host
            .post("other-supply", OTHER_KEY, golden(fixture, PO))
            .await;
        assert_eq!(status, 202, "{receipt}");
        let id = receipt["tracking_id"].as_str().unwrap().to_owned();
        let view = host.settled(&id, OTHER_KEY).await;
        assert_eq!(view["status"], "failed", "{fixture}: {view}");
        assert_eq!(view["error"]["code"], "order.unknown", "{fixture}: {view}");
        strangers.push(id);
    }
    // The portal, a party of the order, may send the same ship notice.
    let (_, receipt) = host
        .post(
            "portal-supply",
            PORTAL_KEY,
            golden("ship-notice.decode.xml", PO),
        )
        .await;
    let portal_message = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&portal_message, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");

    let before = data_bytes(&host).await;
    let mut m = Matrix {
        host_base: host.base.clone(),
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        rows: Vec::new(),
    };
    let order = cxml_order("4500077002").to_vec();

    // Credentials.
    m.post("POST, no key", 401, "erp-orders", None, order.clone())
        .await;
    m.post(
        "POST, wrong key",
        401,
        "erp-orders",
        Some("wrong"),
        order.clone(),
    )
    .await;
    m.post(
        "POST, the portal's key on the ERP's agreement",
        404,
        "erp-orders",
        Some(PORTAL_KEY),
        order.clone(),
    )
    .await;
    m.post(
        "POST, other's key on the ERP's agreement",
        404,
        "erp-orders",
        Some(OTHER_KEY),
        order.clone(),
    )
    .await;

    // Other partners' ids on every GET.
    let message = format!("/api/v1/messages/{erp_message}");
    let order_path = format!("/api/v1/orders/{PO}");
    for path in [&message, &order_path] {
        m.get(&format!("GET {path}, no key"), 401, path, None).await;
        m.get(&format!("GET {path}, wrong key"), 401, path, Some("wrong"))
            .await;
        m.get(
            &format!("GET {path}, other's key"),
            404,
            path,
            Some(OTHER_KEY),
        )
        .await;
    }
    m.get(
        "GET the ERP's message with the portal's key",
        404,
        &message,
        Some(PORTAL_KEY),
    )
    .await;
    for id in &strangers {
        let path = format!("/api/v1/messages/{id}");
        m.get("GET other's message, ERP key", 404, &path, Some(ERP_KEY))
            .await;
        m.get(
            "GET other's message, portal key",
            404,
            &path,
            Some(PORTAL_KEY),
        )
        .await;
    }
    let path = format!("/api/v1/messages/{portal_message}");
    m.get(
        "GET the portal's message, other's key",
        404,
        &path,
        Some(OTHER_KEY),
    )
    .await;
    m.get(
        "GET the portal's message, ERP key",
        404,
        &path,
        Some(ERP_KEY),
    )
    .await;
    // The parties themselves do see the order (the control).
    let seen = m
        .get("GET the order, its buyer", 200, &order_path, Some(ERP_KEY))
        .await;
    assert!(
        !seen.to_string().contains("\"other\""),
        "the stranger left no trace on the order: {seen}"
    );
    m.get(
        "GET the order, its supplier",
        200,
        &order_path,
        Some(PORTAL_KEY),
    )
    .await;

    // Oversized bodies, with and without a key (the limit is 256 KiB).
    let big = vec![b'<'; 300 * 1024];
    m.post("POST 300 KiB, no key", 401, "erp-orders", None, big.clone())
        .await;
    m.post(
        "POST 300 KiB, the ERP's key",
        413,
        "erp-orders",
        Some(ERP_KEY),
        big,
    )
    .await;

    // Slow header, slow body.
    m.raw(
        "half a header",
        0,
        b"POST /api/v1/inbound/erp-orders HTTP/1.1\r\nHost: wharf\r\nAuthoriz",
    )
    .await;
    let slow_body = format!(
        "POST /api/v1/inbound/erp-orders HTTP/1.1\r\nHost: wharf\r\n\
         Authorization: Bearer {ERP_KEY}\r\nContent-Length: 5000\r\n\r\n<cXML"
    );
    m.raw("half a body, the ERP's key", 408, slow_body.as_bytes())
        .await;
    let slow_anonymous = "POST /api/v1/inbound/erp-orders HTTP/1.1\r\nHost: wharf\r\n\
         Content-Length: 5000\r\n\r\n<cXML";
    m.raw("half a body, no key", 401, slow_anonymous.as_bytes())
        .await;

    // The same Idempotency-Key with other bytes.
    let replay = m
        .send(
            "Idempotency-Key replayed with other bytes",
            422,
            m.client
                .post(format!("{}/api/v1/inbound/erp-orders", host.base))
                .bearer_auth(ERP_KEY)
                .header("Idempotency-Key", "order-1")
                .body(order.clone()),
        )
        .await;
    assert_eq!(replay["error"]["code"], "request.conflict", "{replay}");

    println!("{:<60} want  got", "case");
    for row in &m.rows {
        println!("{:<60} {:>4} {:>4}", row.case, row.want, row.got);
    }
    let wrong: Vec<_> = m
        .rows
        .iter()
        .filter(|r| r.want != r.got)
        .map(|r| format!("{}: want {}, got {} ({})", r.case, r.want, r.got, r.body))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Every JSON refusal carries a code and a message, and none names a store or a guest.
    for row in &m.rows {
        if row.got >= 400 && row.body.is_object() {
            let error = &row.body["error"];
            assert!(error["code"].is_string(), "{}: {}", row.case, row.body);
            assert!(error["message"].is_string(), "{}: {}", row.case, row.body);
            let text = row.body.to_string();
            assert!(
                !text.contains("database") && !text.contains("sqlx"),
                "{text}"
            );
        }
    }
    let growth = data_bytes(&host).await.saturating_sub(before);
    println!(
        "data folder growth over {} refused requests: {growth} bytes (cap {} bytes)",
        m.rows.len(),
        REJECTED_MAX_KIB * 1024
    );
    assert!(growth <= REJECTED_MAX_KIB * 1024, "grew by {growth} bytes");
}
