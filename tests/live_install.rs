//! Adapters installed and removed while the host runs: the next message uses them, and the
//! process and port never change.

mod support;

use serde_json::Value;
use support::*;

fn config() -> String {
    format!(
        r#"
[delivery]
poll_interval_ms = 50
{PARTNERS}
[[agreements]]
id = "portal-confirmations"
partner = "portal"
direction = "inbound"
adapter = "cxml"
"#
    )
}

/// An order document made distinct by `n`, since the same bytes twice are one submission.
fn document(n: u32) -> Vec<u8> {
    let mut bytes = std::fs::read(repo_file(
        "plugins/cxml/tests/golden/order-request.decode.xml",
    ))
    .unwrap();
    bytes.extend_from_slice(format!("<!-- submission {n} -->\n").as_bytes());
    bytes
}

/// Posts a document and returns its tracking id.
async fn post(client: &reqwest::Client, base: &str, body: Vec<u8>) -> String {
    let receipt: Value = client
        .post(format!("{base}/api/v1/inbound/portal-confirmations"))
        .bearer_auth(PORTAL_KEY)
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    receipt["tracking_id"].as_str().unwrap().to_owned()
}

async fn submit(client: &reqwest::Client, base: &str, body: Vec<u8>) -> Value {
    let id = post(client, base, body).await;
    wait_for_message(client, base, &id, PORTAL_KEY).await
}

/// Waits until a message is held back because its adapter is not installed, and returns the
/// partner's view: a missing adapter passes, so the message waits instead of failing. Why it
/// waits is the operator's to read; the partner is told only that it will be tried again.
async fn waiting_for_adapter(client: &reqwest::Client, base: &str, id: &str) -> Value {
    let get = |path: String, token: &'static str| async move {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let mut view = Value::Null;
    for _ in 0..600 {
        view = get(format!("/admin/v1/messages/{id}"), ADMIN_TOKEN).await;
        if view["waiting"]
            .as_str()
            .is_some_and(|w| w.contains("no adapter cxml is installed"))
        {
            let partner = get(format!("/api/v1/messages/{id}"), PORTAL_KEY).await;
            let told = partner["waiting"].as_str().unwrap_or_default();
            assert!(!told.is_empty() && !told.contains("adapter"), "{partner}");
            return partner;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("message {id} never waited for its adapter: {view}");
}

async fn status(client: &reqwest::Client, base: &str) -> Value {
    client
        .get(format!("{base}/admin/v1/status"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn wharf_cli(base: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env("WHARF_URL", base)
        .env("WHARF_ADMIN_TOKEN", ADMIN_TOKEN)
        .output()
        .expect("wharf runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adapter_installed_while_running_serves_the_next_message() {
    let dir = tempfile::tempdir().unwrap();
    let backend = TestBackend::from_env().await;
    let wharf =
        WharfProcess::start_on(dir.path(), "wharf.toml", backend.database_url(), &config()).await;
    let client = reqwest::Client::new();
    let before = status(&client, &wharf.base).await;
    assert_eq!(before["pid"], wharf.child.id());
    assert_eq!(before["adapters"], 0);

    // No adapter yet: the message waits, saying which adapter is missing.
    let first = post(&client, &wharf.base, document(1)).await;
    let view = waiting_for_adapter(&client, &wharf.base, &first).await;
    assert_eq!(view["status"], "received", "{view}");

    // Install through the CLI, which uses the admin API.
    let cxml = components().cxml.display().to_string();
    let out = wharf_cli(&wharf.base, &["plugin", "install", &cxml]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("installed cxml@0.1.0"));

    // Both messages carry the same order: the one that waited and the new one are both
    // processed now, and whichever comes second is refused as a duplicate order. Nothing sent
    // before the install is lost.
    let second = submit(&client, &wharf.base, document(2)).await;
    let first = wait_for_message(&client, &wharf.base, &first, PORTAL_KEY).await;
    let mut outcomes = [&first, &second].map(|v| (v["status"].clone(), v["error"]["code"].clone()));
    outcomes.sort_by_key(|o| o.0.to_string());
    assert_eq!(
        outcomes,
        [
            (Value::from("failed"), Value::from("order.duplicate")),
            (Value::from("processed"), Value::Null)
        ],
        "{first} {second}"
    );

    // Same process, same port, no restart.
    let after = status(&client, &wharf.base).await;
    assert_eq!(after["pid"], before["pid"]);
    assert_eq!(after["started_at"], before["started_at"]);
    assert_eq!(after["adapters"], 1);

    let out = wharf_cli(&wharf.base, &["plugin", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("cxml@0.1.0\tcontract 0.1.0"));

    // The same bytes again are accepted as already installed; garbage is refused with a reason.
    let again = client
        .post(format!("{}/admin/v1/adapters", wharf.base))
        .bearer_auth(ADMIN_TOKEN)
        .body(std::fs::read(&components().cxml).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    let garbage = client
        .post(format!("{}/admin/v1/adapters", wharf.base))
        .bearer_auth(ADMIN_TOKEN)
        .body("not wasm")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 422);
    let body: Value = garbage.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid wasm component")
    );
    let unauthorized = client
        .post(format!("{}/admin/v1/adapters", wharf.base))
        .bearer_auth("wrong")
        .body(std::fs::read(&components().cxml).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);

    // Removing it takes effect for the next message too.
    let out = wharf_cli(&wharf.base, &["plugin", "remove", "cxml@0.1.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let third = post(&client, &wharf.base, document(3)).await;
    let view = waiting_for_adapter(&client, &wharf.base, &third).await;
    assert_eq!(view["status"], "received", "{view}");
    assert_eq!(status(&client, &wharf.base).await["pid"], before["pid"]);
}
