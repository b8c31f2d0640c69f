//! `wharf demo`: the seed flow on this machine with nothing but the repository. It builds the
//! bundled adapters, starts the host on embedded SQLite in a temporary folder with a stand-in
//! ERP and a stand-in supplier portal on loopback, has the ERP release a purchase order
//! (SAP ORDERS05), lets the portal confirm it (cXML ConfirmationRequest), and prints the trail:
//! received → decoded → routed → delivered → acknowledged → delivered to the ERP.

pub mod confirm;
pub mod standin;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::bundled;
use crate::config::{RawConfig, Settings};
use crate::server::Host;
use standin::{Behaviour, StandIn};

/// The purchase order the demo's ERP releases.
pub const ORDERS05_FIXTURE: &str = "plugins/idoc/tests/golden/orders05-standard.decode.xml";

/// How long the demo waits for each step before it gives up.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// One line of the trail.
#[derive(Debug, Clone)]
pub struct Step {
    pub at_ms: i64,
    pub label: String,
    pub detail: String,
}

/// What the demo did, for printing and for tests.
#[derive(Debug, Clone)]
pub struct Trail {
    pub po_number: String,
    pub steps: Vec<Step>,
    pub order_request: String,
    pub ordrsp: String,
    pub total: Duration,
}

/// The demo's configuration: an ERP speaking IDoc, a portal speaking cXML, routes both ways.
pub fn demo_config(portal_url: &str, erp_url: &str) -> String {
    format!(
        r#"
[server]
listen = "127.0.0.1:0"

[delivery]
initial_backoff_ms = 200
max_backoff_ms = 2000
poll_interval_ms = 100

[[partners]]
id = "erp"
name = "Manufacturer SAP ERP"
api_key_envs = ["WHARF_DEMO_ERP_KEY"]

[[partners]]
id = "portal"
name = "Supplier portal"
api_key_envs = ["WHARF_DEMO_PORTAL_KEY"]

[[agreements]]
id = "erp-orders"
partner = "erp"
direction = "inbound"
adapter = "idoc"
doc_types = ["purchase_order"]

[[agreements]]
id = "portal-orders"
partner = "portal"
direction = "outbound"
adapter = "cxml"
endpoint = "{portal_url}"
[agreements.config]
from_domain = "NetworkID"
from_identity = "ACME-MANUFACTURING"
to_domain = "NetworkID"
to_identity = "SUPPLIER-PORTAL"
default_classification_value = "31160000"

[[agreements]]
id = "portal-confirmations"
partner = "portal"
direction = "inbound"
adapter = "cxml"
doc_types = ["order_response"]

[[agreements]]
id = "erp-responses"
partner = "erp"
direction = "outbound"
adapter = "idoc"
endpoint = "{erp_url}"
[agreements.config]
sender_partner = "WHARF"
sender_port = "WHARF"
receiver_partner = "ERPCLNT100"
receiver_port = "SAPERP"

[[routes]]
doc_type = "purchase_order"
from = "erp"
to = "portal-orders"

[[routes]]
doc_type = "order_response"
from = "portal"
to = "erp-responses"
"#
    )
}

fn label(action: &str, detail: &serde_json::Value) -> (String, String) {
    let get = |k: &str| detail[k].as_str().unwrap_or_default().to_owned();
    match action {
        "message_received" => (
            "received".into(),
            format!(
                "{} bytes on agreement {}",
                detail["size_bytes"],
                get("agreement")
            ),
        ),
        "message_decoded" => ("decoded".into(), format!("by {}", get("adapter"))),
        "order_transition" => (
            "order".into(),
            format!(
                "{} → {}",
                detail["from"].as_str().unwrap_or("new"),
                get("to")
            ),
        ),
        "document_routed" => (
            "routed".into(),
            format!(
                "{} to {} via {}",
                get("doc_type"),
                get("agreement"),
                get("adapter")
            ),
        ),
        "delivered" => (
            "delivered".into(),
            format!(
                "{} to {} (attempt {})",
                get("doc_type"),
                get("agreement"),
                detail["attempt"]
            ),
        ),
        "delivery_attempted" => ("retry".into(), get("error")),
        "message_failed" => ("FAILED".into(), get("message")),
        other => (other.into(), detail.to_string()),
    }
}

/// Runs the whole flow and returns its trail.
pub async fn run() -> anyhow::Result<Trail> {
    let wasm = bundled::build_adapters(&["idoc", "cxml"])?;
    let dir = tempfile::tempdir()?;
    let adapters_dir = dir.path().join("adapters");
    std::fs::create_dir_all(&adapters_dir)?;
    for path in &wasm {
        std::fs::copy(
            path,
            adapters_dir.join(path.file_name().unwrap_or_default()),
        )?;
    }
    let portal = StandIn::start(Behaviour::Accept).await?;
    let erp = StandIn::start(Behaviour::Accept).await?;
    let erp_key = crate::governance::generate_key();
    let portal_key = crate::governance::generate_key();
    let secrets: BTreeMap<String, String> = [
        ("WHARF_DEMO_ERP_KEY".to_owned(), erp_key.clone()),
        ("WHARF_DEMO_PORTAL_KEY".to_owned(), portal_key.clone()),
        (
            "WHARF_SIGNING_SECRET".to_owned(),
            format!("whsec_{}", {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 24]>())
            }),
        ),
    ]
    .into();
    let raw: RawConfig = toml::from_str(&demo_config(&portal.url, &erp.url))?;
    let settings = Settings::from_raw(raw, dir.path(), &secrets)?;
    let host = Host::start(settings).await?;
    let store = host.state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(host.serve(listener, async {
        let _ = stopped.await;
    }));

    let started = Instant::now();
    let orders05 = std::fs::read(bundled::workspace_root().join(ORDERS05_FIXTURE))
        .with_context(|| format!("reading {ORDERS05_FIXTURE}"))?;
    let client = reqwest::Client::new();
    let submitted: serde_json::Value = client
        .post(format!("{base}/api/v1/inbound/erp-orders"))
        .bearer_auth(&erp_key)
        .header("content-type", "application/xml")
        .body(orders05)
        .send()
        .await?
        .json()
        .await?;
    let tracking = submitted["tracking_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let order_request = portal.wait_for(1, STEP_TIMEOUT).await;
    let Some(order_request) = order_request.first().map(|d| d.text()) else {
        let status: serde_json::Value = client
            .get(format!("{base}/api/v1/messages/{tracking}"))
            .bearer_auth(&erp_key)
            .send()
            .await?
            .json()
            .await?;
        bail!("the portal received no order; the message says: {status}");
    };
    let (po_number, lines) = confirm::read_order(&order_request)
        .context("the portal could not read the OrderRequest it received")?;
    let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let answer = client
        .post(format!("{base}/api/v1/inbound/portal-confirmations"))
        .bearer_auth(&portal_key)
        .header("content-type", "text/xml")
        .body(confirm::confirmation(&po_number, &lines, &timestamp))
        .send()
        .await?;
    if !answer.status().is_success() {
        bail!(
            "the portal's confirmation was refused: {}",
            answer.text().await?
        );
    }
    let ordrsp = erp.wait_for(1, STEP_TIMEOUT).await;
    let Some(ordrsp) = ordrsp.first().map(|d| d.text()) else {
        bail!("the ERP received no order response");
    };
    let total = started.elapsed();

    // The ERP has the bytes a moment before Wharf has recorded its answer; wait for the record.
    let deadline = Instant::now() + STEP_TIMEOUT;
    let log = loop {
        let log = store.audit_log().await?;
        if log.iter().filter(|e| e.action == "delivered").count() >= 2 || Instant::now() >= deadline
        {
            break log;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let first = log.first().map(|e| e.at).unwrap_or_default();
    let steps = log
        .iter()
        .map(|e| {
            let (label, detail) = label(&e.action, &e.detail);
            Step {
                at_ms: e.at - first,
                label,
                detail,
            }
        })
        .collect();
    let _ = stop.send(());
    let _ = server.await;
    Ok(Trail {
        po_number,
        steps,
        order_request,
        ordrsp,
        total,
    })
}

/// Runs the demo and prints what happened.
pub async fn run_and_print() -> anyhow::Result<()> {
    eprintln!("wharf demo: building the bundled adapters (first run compiles them)…");
    let trail = run().await?;
    println!(
        "Purchase order {} went ERP → portal → ERP:\n",
        trail.po_number
    );
    for step in &trail.steps {
        println!(
            "  +{:>5} ms  {:<10} {}",
            step.at_ms, step.label, step.detail
        );
    }
    println!(
        "\nThe portal received a cXML OrderRequest ({} bytes); the ERP received an ORDRSP IDoc:\n",
        trail.order_request.len()
    );
    println!("{}", trail.ordrsp);
    println!("Whole flow: {} ms.", trail.total.as_millis());
    Ok(())
}
