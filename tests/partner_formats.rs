//! The portal-json and csv adapters in a real host: a supplier portal's JSON confirmation
//! reaches the ERP as an ORDRSP IDoc, and a CSV batch of 500 ship-notice rows with one bad row
//! becomes ship notices, the bad row reported at its line and column and acknowledged as
//! refused while the good shipments go on.

mod support;

use std::time::Duration;

use support::*;

fn config(portal_url: &str, erp_url: &str) -> String {
    Flow::new()
        .delivery("timeout_ms", 5000)
        .inbound("erp-orders", "erp", "idoc", "")
        .outbound("portal-orders", "portal", "portal-json", portal_url, "")
        .inbound("portal-confirmations", "portal", "portal-json", "")
        .inbound(
            "portal-asn-batches",
            "portal",
            "csv",
            // The batch's ship notices name orders Wharf never carried.
            r#"unknown_orders = "route"
[agreements.config]
document = "ship_notice"
delimiter = ";"
decimal_mark = ","
date_format = "DD.MM.YYYY"
"columns.shipment_id" = "ASN"
"columns.delivery_date" = "Lieferdatum"
"columns.po_number" = "Bestellung"
"columns.line_number" = "Pos"
"columns.item" = "Material"
"columns.quantity" = "Menge"
"columns.unit" = "ME""#,
        )
        .erp_responses(erp_url)
        .route("purchase_order", "erp", "portal-orders")
        .route("order_response", "portal", "erp-responses")
        .route("ship_notice", "portal", "erp-responses")
        .toml()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_portal_confirmation_reaches_the_erp_as_ordrsp() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(
        &config(&portal.url, &erp.url),
        &[&c.idoc, &c.portal_json, &c.csv],
    )
    .await;
    let orders05 = std::fs::read(repo_file(
        "plugins/idoc/tests/golden/orders05-standard.decode.xml",
    ))
    .unwrap();
    let (_, order) = host.post("erp-orders", ERP_KEY, orders05).await;
    let order = order["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&order, ERP_KEY).await["status"], "processed");
    let sent = portal.wait_for(1, Duration::from_secs(30)).await;
    let json: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(json["schema"], "wharf.portal/1");
    assert_eq!(json["type"], "purchase_order");
    assert_eq!(json["po_number"], "4500012345");

    let confirmation = std::fs::read(repo_file(
        "plugins/portal-json/tests/golden/confirmation.decode.portal-json",
    ))
    .unwrap();
    let (status, receipt) = host
        .post("portal-confirmations", PORTAL_KEY, confirmation)
        .await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let ordrsp = erp.wait_for(1, Duration::from_secs(30)).await;
    let text = ordrsp[0].text();
    assert!(text.contains("<MESTYP>ORDRSP</MESTYP>"), "{text}");
    assert!(text.contains("4500012345"), "{text}");
    let (_, order_view) = host.get("/api/v1/orders/4500012345", ERP_KEY).await;
    assert_eq!(order_view["status"], "changed", "{order_view}");
}

/// 500 rows, 50 shipments of 10, one quantity written with a point where the agreement says
/// the decimal mark is a comma.
fn asn_batch() -> (String, usize) {
    const BAD_ROW: usize = 317;
    let mut text = String::from("ASN;Lieferdatum;Bestellung;Pos;Material;Menge;ME\r\n");
    for row in 0..500 {
        let quantity = if row == BAD_ROW {
            "12.5".to_owned()
        } else {
            format!("{},5", row + 1)
        };
        text.push_str(&format!(
            "ASN-{:04};16.03.2026;45000{:05};{};M-{row:04};{quantity};ST\r\n",
            row / 10 + 1,
            row % 7,
            row % 10 + 1,
        ));
    }
    // The header is line 1, the first data row line 2.
    (text, BAD_ROW + 2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_asn_batch_of_500_rows_becomes_ship_notices_with_the_bad_row_reported() {
    let portal = StandIn::start(Behaviour::Accept).await.unwrap();
    let erp = StandIn::start(Behaviour::Accept).await.unwrap();
    let c = components();
    let host = TestHost::start(
        &config(&portal.url, &erp.url),
        &[&c.idoc, &c.portal_json, &c.csv],
    )
    .await;
    let (batch, bad_line) = asn_batch();
    let (status, receipt) = host.post("portal-asn-batches", PORTAL_KEY, batch).await;
    assert_eq!(status, 202, "{receipt}");
    let tracking = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&tracking, PORTAL_KEY).await;
    assert_eq!(view["status"], "processed", "{view}");
    let documents = view["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 49, "every shipment but the bad row's");
    assert!(documents.iter().all(|d| d["doc_type"] == "ship_notice"));
    assert!(
        !documents.iter().any(|d| d["business_key"] == "ASN-0032"),
        "the bad row's shipment is refused whole"
    );
    // The refusal is recorded with its line and column.
    let log = host.store.audit_log().await.unwrap();
    let decoded = log
        .iter()
        .find(|e| e.action == "message_decoded" && e.subject == format!("message:{tracking}"))
        .expect("the decode is audited");
    let rejected = decoded.detail["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["location"]["text"]["line"], bad_line as u64);
    assert_eq!(rejected[0]["location"]["text"]["column"], 6);
    // The good shipments go on to the ERP.
    let delivered = erp.wait_for(49, Duration::from_secs(60)).await;
    assert_eq!(delivered.len(), 49);
}
