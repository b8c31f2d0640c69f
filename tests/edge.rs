//! The HTTP edge against a hostile caller (issue 8): no key means nothing stored beyond a
//! capped, short record; half a header or half a body does not hold a connection; the
//! connection cap holds; a partner past its rate gets 429 with `Retry-After`; the admin API
//! refuses a bad token before it reads a body.
//!
//! None of these needs an adapter: everything here is decided before a message is decoded.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The cap on kept refusals in these tests.
const REJECTED_MAX_KIB: u64 = 32;

fn config() -> String {
    format!(
        r#"
[server]
max_body_kib = 256
[edge]
max_connections = 8
header_timeout_ms = 600
body_timeout_ms = 600
rejected_max_kib = {REJECTED_MAX_KIB}
anonymous_rate_per_s = 10000
partner_rate_per_s = 10000
partner_burst = 10000
{PARTNERS}
[[partners]]
id = "slow"
api_key_sha256 = ["{slow_key}"]
rate_per_s = 1
burst = 3
[[agreements]]
id = "erp-orders"
partner = "erp"
direction = "inbound"
adapter = "cxml"
"#,
        slow_key = wharf_host::config::ApiKeyHash::of(SLOW_KEY).to_hex()
    )
}

const SLOW_KEY: &str = "slow-partner-key";

/// A client that opens a new connection per request, so the host's short header timeout
/// never closes a connection under a request this test makes.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// Bytes under `dir`, all files.
pub fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            folder_bytes(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

/// The data folder's size with the write-ahead log folded into the database.
async fn data_bytes(host: &TestHost) -> u64 {
    host.store.checkpoint().await.unwrap();
    folder_bytes(&host.dir.path().join("wharf-data"))
}

/// Reads from `stream` until the host closes it (or `limit` passes); returns what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return (answer, false),
            Ok(Ok(0)) | Ok(Err(_)) => return (answer, true),
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
        }
    }
}

fn host_port(host: &TestHost) -> String {
    host.base.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_unauthenticated_megabyte_posts_grow_the_data_folder_by_at_most_the_cap() {
    let host = TestHost::start(&config(), &[]).await;
    let client = client();
    let before = data_bytes(&host).await;
    let body = vec![b'A'; 1024 * 1024];
    for i in 0..50 {
        let key = if i % 2 == 0 { None } else { Some("wrong-key") };
        let mut request = client
            .post(format!("{}/api/v1/inbound/erp-orders", host.base))
            .body(body.clone());
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("the host answers");
        assert_eq!(response.status(), 401);
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "auth.unauthorized", "{error}");
    }
    let kept = host.store.rejected_bytes().await.unwrap();
    assert!(
        kept as u64 <= REJECTED_MAX_KIB * 1024,
        "kept refusals weigh {kept} bytes"
    );
    let growth = data_bytes(&host).await.saturating_sub(before);
    println!("data folder growth after 50 unauthenticated 1 MB posts: {growth} bytes");
    assert!(
        growth <= REJECTED_MAX_KIB * 1024,
        "the data folder grew by {growth} bytes"
    );
    // Nobody without a key grows the audit log.
    let log = host.store.audit_log().await.unwrap();
    assert!(log.iter().all(|e| e.action != "access_denied"), "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_header_is_dropped_after_the_timeout_and_the_connection_cap_holds() {
    let host = TestHost::start(&config(), &[]).await;
    let address = host_port(&host);
    // Eight connections (the cap), each with half a request header.
    let mut stalled = Vec::new();
    let opened = Instant::now();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"POST /api/v1/inbound/erp-orders HTTP/1.1\r\nHost: wharf\r\nX-Api")
            .await
            .unwrap();
        stalled.push(stream);
    }
    // A ninth is turned away at once while they hold every slot.
    let mut ninth = TcpStream::connect(&address).await.unwrap();
    let _ = ninth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: wharf\r\n\r\n")
        .await;
    let (answer, closed) = read_until_closed(&mut ninth, Duration::from_secs(5)).await;
    assert!(closed, "the connection past the cap is closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 503"),
        "past the cap: {text}"
    );
    // Each stalled connection is closed by the host after the header timeout.
    for stream in &mut stalled {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(10)).await;
        assert!(closed, "a half-sent header is not held open");
    }
    let held = opened.elapsed();
    assert!(held >= Duration::from_millis(500), "held {held:?}");
    // With the slots free again, a whole request is served.
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: wharf\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_body_is_answered_408_after_the_timeout() {
    let host = TestHost::start(&config(), &[]).await;
    let before = data_bytes(&host).await;
    let mut stream = TcpStream::connect(host_port(&host)).await.unwrap();
    let head = format!(
        "POST /api/v1/inbound/erp-orders HTTP/1.1\r\nHost: wharf\r\nAuthorization: Bearer {ERP_KEY}\r\n\
         Content-Length: 100000\r\n\r\n<cXML"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request.timeout"), "{text}");
    assert!(closed);
    let growth = data_bytes(&host).await.saturating_sub(before);
    assert!(growth <= REJECTED_MAX_KIB * 1024, "grew by {growth}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_past_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let host = TestHost::start(&config(), &[]).await;
    let client = client();
    let get = |key: &'static str| {
        client
            .get(format!("{}/api/v1/orders/4500000001", host.base))
            .bearer_auth(key)
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get(SLOW_KEY).await.unwrap());
    }
    assert!(statuses[..3].iter().all(|r| r.status() == 404));
    let limited = &statuses[3];
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    // Another partner's allowance is its own.
    assert_eq!(get(ERP_KEY).await.unwrap().status(), 404);
    // So is a POST's: refused at the rate, before its body is read or anything kept.
    let response = client
        .post(format!("{}/api/v1/inbound/erp-orders", host.base))
        .bearer_auth(SLOW_KEY)
        .body(vec![b'x'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_refuses_a_bad_token_before_reading_the_body() {
    let host = TestHost::start(&config(), &[]).await;
    let mut stream = TcpStream::connect(host_port(&host)).await.unwrap();
    // Declares 50 MB and sends none of it: the answer must not wait for the body.
    stream
        .write_all(
            b"POST /admin/v1/adapters HTTP/1.1\r\nHost: wharf\r\nAuthorization: Bearer nope\r\n\
              Content-Length: 50000000\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered without the body")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operators_half_sent_body_is_answered_408_after_the_timeout() {
    let host = TestHost::start(&config(), &[]).await;
    let mut stream = TcpStream::connect(host_port(&host)).await.unwrap();
    let head = format!(
        "POST /admin/v1/adapters HTTP/1.1\r\nHost: wharf\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Length: 1000000\r\n\r\n\0asm"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request.timeout"), "{text}");
    assert!(closed, "the connection was held open");
}
