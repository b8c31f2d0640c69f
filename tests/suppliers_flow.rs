//! Supplier quality and master data end to end, with real adapters over real HTTP:
//!
//! - `POST /api/v1/suppliers/validate` answers which onboarding rules a record breaks: a
//!   complete one none; a bad IBAN, a bad GLN check digit, an expired and a missing required
//!   certification each by rule and JSON path; a body that is no supplier record `400` with
//!   its line and column; a caller without a key `401`.
//! - A CSV supplier batch whose record holds an expired certification is processed, stored as
//!   the portal's current record of that supplier, and raises a `supplier_compliance`
//!   exception for the team the configuration names.
//! - A certification still valid when its record is stored raises the same exception once
//!   the host's (manual) clock passes its last valid day, once; a renewed record before then
//!   moves the deadline instead.
//! - A supplier's X12 842 (a hold) reaches the ERP as portal-json; the ERP's portal-json
//!   release reaches the supplier as an 842 whose BNR says so.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;

fn config(erp_url: &str, supplier_url: &str) -> String {
    Flow::new()
        .inbound(
            "supplier-master",
            "portal",
            "csv",
            r#"[agreements.config]
document = "supplier"
delimiter = ";"
date_format = "DD.MM.YYYY"
"schemes.supplier_id" = "gln""#,
        )
        // The quality notifications name an order that never passed through Wharf.
        .inbound(
            "supplier-quality",
            "portal",
            "x12",
            r#"unknown_orders = "route""#,
        )
        .inbound(
            "erp-quality",
            "erp",
            "portal-json",
            r#"unknown_orders = "route""#,
        )
        .outbound("erp-quality-out", "erp", "portal-json", erp_url, "")
        .outbound(
            "supplier-quality-out",
            "portal",
            "x12",
            supplier_url,
            r#"sender_qualifier = "ZZ"
sender_id = "KESSLERUS"
receiver_qualifier = "ZZ"
receiver_id = "ACMEQUALITY""#,
        )
        .route("quality_notification", "portal", "erp-quality-out")
        .route("quality_notification", "erp", "supplier-quality-out")
        .raw(
            r#"[exceptions]
owners = { supplier_compliance = "supplier-quality" }
[suppliers]
required_certifications = ["ISO 9001"]"#,
        )
        .toml()
}

fn record() -> Value {
    json!({
        "ids": [{"scheme": "gln", "value": "4012345000009"}, {"scheme": "duns", "value": "150483782"}],
        "name": "Lakeshore Castings",
        "status": "active",
        "tax_ids": [],
        "parties": [],
        "certifications": [{"name": "ISO 9001", "number": "Q-118", "issuer": "TÜV", "valid_until": "2027-06-30"}],
        "bank_accounts": [{"holder": null, "iban": "GB82 WEST 1234 5698 7654 32", "bic": "NWBKGB2L",
            "account_number": null, "bank_code": null, "bank_name": null, "currency": null}],
        "compliance": [],
        "extensions": []
    })
}

async fn validate(host: &TestHost, key: Option<&str>, query: &str, body: String) -> (u16, Value) {
    let mut request = host
        .client
        .post(format!("{}/api/v1/suppliers/validate{query}", host.base))
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The (rule, field) pairs of an answer.
fn broken(answer: &Value) -> Vec<(String, String)> {
    answer["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap().to_owned(),
                v["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(rule: &str, field: &str) -> (String, String) {
    (rule.to_owned(), field.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_validate_endpoint_names_every_broken_rule_where_it_is() {
    let host = TestHost::start(&config("http://127.0.0.1:9/", "http://127.0.0.1:9/"), &[]).await;
    let on = "?as_of=2026-03-01";
    let post = |value: Value| validate(&host, Some(ERP_KEY), on, value.to_string());

    let (status, answer) = post(record()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["valid"], true, "{answer}");
    assert_eq!(answer["violations"], json!([]));
    assert_eq!(answer["as_of"], "2026-03-01");

    // One digit of the IBAN changed: its mod-97 check fails.
    let mut bad_iban = record();
    bad_iban["bank_accounts"][0]["iban"] = json!("GB82 WEST 1234 5698 7654 33");
    let (status, answer) = post(bad_iban).await;
    assert_eq!(status, 200);
    assert_eq!(answer["valid"], false);
    assert_eq!(
        broken(&answer),
        vec![pair("iban.checksum", "$.bank_accounts[0].iban")]
    );

    // The GLN's check digit is 9, not 8.
    let mut bad_gln = record();
    bad_gln["ids"][0]["value"] = json!("4012345000008");
    let (_, answer) = post(bad_gln).await;
    assert_eq!(
        broken(&answer),
        vec![pair("gln.check_digit", "$.ids[0].value")]
    );
    let message = answer["violations"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("check digit 8") && message.contains("give 9"),
        "{message}"
    );

    // Expired on the day asked about; valid the day before it ran out.
    let (_, answer) = validate(
        &host,
        Some(ERP_KEY),
        "?as_of=2027-07-01",
        record().to_string(),
    )
    .await;
    assert_eq!(
        broken(&answer),
        vec![pair(
            "certification.expired",
            "$.certifications[0].valid_until"
        )]
    );
    let (_, answer) = validate(
        &host,
        Some(ERP_KEY),
        "?as_of=2027-06-30",
        record().to_string(),
    )
    .await;
    assert_eq!(answer["valid"], true, "{answer}");

    // The required ISO 9001 is missing.
    let mut missing = record();
    missing["certifications"][0]["name"] = json!("IATF 16949");
    let (_, answer) = post(missing).await;
    assert_eq!(
        broken(&answer),
        vec![pair("certification.required", "$.certifications")]
    );

    // Not a supplier record: what and where.
    let (status, answer) = validate(
        &host,
        Some(ERP_KEY),
        on,
        "{\n  \"ids\": [],\n  \"name\": 42\n}".into(),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "request.malformed");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("invalid type: integer `42`"), "{message}");
    assert_eq!(answer["error"]["location"]["text"]["line"], 3, "{answer}");
    let (status, answer) = validate(&host, Some(ERP_KEY), on, "{\"ids\": [".into()).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]["location"]["text"]["line"].is_number(),
        "{answer}"
    );

    // Partner-authenticated like every /api/v1 call.
    let (status, _) = validate(&host, None, on, record().to_string()).await;
    assert_eq!(status, 401);
    let (status, _) = validate(&host, Some("wrong"), on, record().to_string()).await;
    assert_eq!(status, 401);
    let (status, answer) = validate(
        &host,
        Some(ERP_KEY),
        "?as_of=tomorrow",
        record().to_string(),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_with_an_expired_certification_is_stored_and_raises_an_exception() {
    let c = components();
    let host = TestHost::start(
        &config("http://127.0.0.1:9/", "http://127.0.0.1:9/"),
        &[&c.csv],
    )
    .await;
    let batch = "supplier_id;name;iban;bic;certification;certification_number;certification_valid_until\n\
                 4012345000009;Lakeshore Castings;DE89 3704 0044 0532 0130 00;COBADEFFXXX;ISO 9001;Q-118;31.01.2020\n";
    let (status, receipt) = host.post("supplier-master", PORTAL_KEY, batch).await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");

    let stored = host
        .store
        .supplier_record("portal", "gln:4012345000009")
        .await
        .unwrap()
        .expect("the portal's current record of the supplier");
    assert_eq!(stored.record.name, "Lakeshore Castings");
    assert_eq!(stored.message_id, tracking);
    assert!(!stored.record.valid);
    let violations: Value = serde_json::from_str(&stored.record.violations).unwrap();
    assert_eq!(
        broken(&json!({ "violations": violations })),
        vec![pair(
            "certification.expired",
            "$.certifications[0].valid_until"
        )]
    );

    let (status, listed) = host
        .admin_get("/exceptions?state=open&type=supplier_compliance&owner=supplier-quality")
        .await;
    assert_eq!(status, 200, "{listed}");
    let listed = listed["exceptions"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(listed.len(), 1, "{listed:?}");
    let exception = &listed[0];
    assert_eq!(exception["type"], "supplier_compliance");
    assert_eq!(exception["partner"], "portal");
    assert_eq!(exception["agreement"], "supplier-master");
    assert_eq!(exception["message_ids"], json!([tracking]));
    assert_eq!(exception["doc_type"], "supplier");
    assert_eq!(exception["business_key"], "gln:4012345000009");
    assert_eq!(
        exception["actions"],
        json!(["acknowledge", "override", "resolve"])
    );
    let explanation = exception["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("ISO 9001 (Q-118) expired on 2020-01-31"),
        "{explanation}"
    );

    // A renewed certificate replaces the record, and raises nothing more.
    let renewed = batch.replace("31.01.2020", "31.01.2099");
    let (_, receipt) = host.post("supplier-master", PORTAL_KEY, renewed).await;
    let second = receipt["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(
        host.settled(&second, PORTAL_KEY).await["status"],
        "processed"
    );
    let stored = host
        .store
        .supplier_record("portal", "gln:4012345000009")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.record.valid);
    assert_eq!(stored.message_id, second);
    let (_, listed) = host.admin_get("/exceptions?type=supplier_compliance").await;
    assert_eq!(
        listed["exceptions"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_842_hold_reaches_the_erp_and_the_erps_release_reaches_the_supplier() {
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let supplier = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(&config(&erp.url, &supplier.url), &[&c.x12, &c.portal_json]).await;

    let hold = std::fs::read(repo_file(
        "plugins/x12/tests/golden/quality-hold.decode.edi",
    ))
    .unwrap();
    let (status, receipt) = host.post("supplier-quality", PORTAL_KEY, hold).await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let delivered = erp.wait_for(1, Duration::from_secs(60)).await;
    let json: Value = serde_json::from_str(&delivered[0].text()).unwrap();
    assert_eq!(json["type"], "quality_notification", "{json}");
    assert_eq!(json["notification_number"], "NCR-2026-0042");
    assert_eq!(json["action"], "hold");
    assert_eq!(json["po_number"], "4500012399");
    assert_eq!(json["lots"], json!(["LOT-26-0113", "LOT-26-0114"]));
    assert_eq!(json["defects"][0]["code"], "POROSITY");
    assert_eq!(json["defects"][0]["quantity"]["value"], "35");

    let release = json!({
        "schema": "wharf.portal/1",
        "type": "quality_notification",
        "notification_number": "NCR-2026-0042",
        "action": "release",
        "po_number": "4500012399",
        "item_ids": [{"scheme": "buyer", "value": "PUMP-HOUSING-7"}],
        "lots": ["LOT-26-0113"],
        "dates": [{"kind": "document", "value": "2026-03-09T08:30:00"}],
        "notes": [{"text": "Released after X-ray inspection."}]
    });
    let (status, receipt) = host.post("erp-quality", ERP_KEY, release.to_string()).await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, ERP_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let delivered = supplier.wait_for(1, Duration::from_secs(60)).await;
    let edi = delivered[0].text();
    assert!(edi.contains("ST*842*"), "{edi}");
    assert!(
        edi.contains("BNR*00*NCR-2026-0042*20260309*083000*CL~"),
        "{edi}"
    );
    assert!(edi.contains("REF*LT*LOT-26-0113~"), "{edi}");
    assert!(
        edi.contains("NTE**Released after X-ray inspection.~"),
        "{edi}"
    );
}

/// 2030-06-01T00:00:00Z and 2030-07-01T00:00:00Z, in ms since the epoch.
const JUNE_1_2030: i64 = 1_906_502_400_000;
const JULY_1_2030: i64 = 1_909_094_400_000;
const DAY: Duration = Duration::from_secs(24 * 3600);

/// The CSV batch the portal sends: Lakeshore Castings, its ISO 9001 valid until `until`
/// (DD.MM.YYYY).
fn certified_until(until: &str) -> String {
    format!(
        "supplier_id;name;iban;bic;certification;certification_number;certification_valid_until\n\
         4012345000009;Lakeshore Castings;DE89 3704 0044 0532 0130 00;COBADEFFXXX;ISO 9001;Q-118;{until}\n"
    )
}

/// Runs one sweep by hand on the host's clock; returns how many deadlines it found missed.
async fn sweep_now(host: &TestHost, config: &str) -> usize {
    let settings = wharf_host::config::Settings::from_raw(
        toml::from_str(config).unwrap(),
        host.dir.path(),
        &secrets(),
    )
    .unwrap();
    wharf_host::engine::sweep::DeadlineSweep::new(
        host.store.clone(),
        settings.into(),
        host.clock.clone(),
    )
    .sweep()
    .await
    .unwrap()
}

/// A host taking the portal's supplier batches whose clock stands at 1 June 2030, and its
/// configuration.
async fn on_june_1_2030() -> (TestHost, String) {
    let config = config("http://127.0.0.1:9/", "http://127.0.0.1:9/");
    let host = TestHost::start_with_clock(
        TestBackend::from_env().await,
        &config,
        &[&components().csv],
        wharf_host::clock::Clock::manual(JUNE_1_2030),
    )
    .await;
    (host, config)
}

async fn compliance(host: &TestHost) -> Vec<Value> {
    let (status, listed) = host.admin_get("/exceptions?type=supplier_compliance").await;
    assert_eq!(status, 200, "{listed}");
    listed["exceptions"].as_array().cloned().unwrap_or_default()
}

async fn store_record(host: &TestHost, batch: String) -> String {
    let (status, receipt) = host.post("supplier-master", PORTAL_KEY, batch).await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    tracking
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certification_that_expires_later_raises_an_exception_once_when_the_clock_passes_it() {
    let (host, config) = on_june_1_2030().await;
    // Valid through 30 June 2030: fine on 1 June, watched until 1 July 00:00 UTC.
    let first = store_record(&host, certified_until("30.06.2030")).await;
    assert!(compliance(&host).await.is_empty());
    let watched = host.store.deadlines(Some(&first)).await.unwrap();
    assert_eq!(watched.len(), 1, "{watched:?}");
    assert_eq!(
        (watched[0].kind.as_str(), watched[0].state.as_str()),
        ("certificate_expiry", "open")
    );
    assert_eq!(watched[0].due_at, JULY_1_2030);

    // 30 June, the last valid day: nothing yet.
    host.clock.advance(29 * DAY);
    assert_eq!(sweep_now(&host, &config).await, 0);
    assert!(compliance(&host).await.is_empty());

    // 1 July: expired, raised for the owning team, naming supplier and certificate.
    host.clock.advance(DAY);
    eventually("the expired certification's exception", || async {
        !compliance(&host).await.is_empty()
    })
    .await;
    let raised = compliance(&host).await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    let exception = &raised[0];
    assert_eq!(exception["owner"], "supplier-quality");
    assert_eq!(exception["partner"], "portal");
    assert_eq!(exception["business_key"], "gln:4012345000009");
    assert_eq!(exception["message_ids"], json!([first]));
    let explanation = exception["explanation"].as_str().unwrap();
    for part in [
        "gln:4012345000009",
        "ISO 9001 (Q-118)",
        "valid until 2030-06-30",
    ] {
        assert!(explanation.contains(part), "{part} in {explanation}");
    }
    // Once: a later sweep finds nothing more.
    host.clock.advance(30 * DAY);
    assert_eq!(sweep_now(&host, &config).await, 0);
    assert_eq!(compliance(&host).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_certification_moves_its_expiry_instead_of_raising() {
    let (host, config) = on_june_1_2030().await;
    let first = store_record(&host, certified_until("30.06.2030")).await;
    // Renewed on 10 June until the end of 2031: the pending expiry is replaced.
    host.clock.advance(9 * DAY);
    let renewed = store_record(&host, certified_until("31.12.2031")).await;
    let states: Vec<(String, String)> = host
        .store
        .deadlines(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.kind, d.state))
        .collect();
    assert_eq!(
        states,
        [
            ("certificate_expiry".to_owned(), "replaced".to_owned()),
            ("certificate_expiry".to_owned(), "open".to_owned()),
        ]
    );
    assert_eq!(
        host.store.deadlines(Some(&first)).await.unwrap()[0].closed_by_message,
        Some(renewed.clone())
    );
    // 1 July passes without a word.
    host.clock.advance(30 * DAY);
    assert_eq!(sweep_now(&host, &config).await, 0);
    assert!(compliance(&host).await.is_empty());
    let log = host.store.audit_log().await.unwrap();
    assert!(log.iter().any(|e| e.action == "deadline_replaced"));
}
