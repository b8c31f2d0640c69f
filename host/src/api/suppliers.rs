//! `POST /api/v1/suppliers/validate`: which onboarding rules a candidate supplier record (the
//! canonical `Supplier` as JSON) breaks, answered at once and stored nowhere.
//!
//! `200 {"valid": bool, "violations": [{"rule", "field", "message"}]}` for any record that
//! reads; `400 request.malformed` with the line and column for a body that is not JSON or not
//! a supplier record. Certifications are judged on `?as_of=YYYY-MM-DD`, else on today (UTC).

use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::body;
use super::error::ApiError;
use super::partner::admit;
use crate::model::Supplier;
use crate::sandbox::ErrorLocation;
use crate::suppliers;

/// The largest record accepted: a supplier with its certifications and accounts is a few KiB.
const MAX_RECORD_BYTES: usize = 256 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateQuery {
    /// The day certifications are judged on.
    as_of: Option<String>,
}

pub async fn validate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ValidateQuery>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    // Who asks is settled from the headers, before a byte of the body is read.
    let partner = admit(&state, &headers)?;
    let today = match query.as_of.as_deref() {
        None => chrono::Utc::now().date_naive(),
        Some(text) => suppliers::rules::day_of(text).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.malformed",
                format!("as_of {text:?} is not a date (YYYY-MM-DD)"),
            )
        })?,
    };
    let read = body::read(
        body,
        MAX_RECORD_BYTES,
        MAX_RECORD_BYTES as u64 + 1,
        state.settings.edge.body_timeout,
    )
    .await
    .map_err(|e| e.to_api())?;
    if read.truncated() {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            format!("a supplier record is at most {MAX_RECORD_BYTES} bytes"),
        ));
    }
    let supplier: Supplier = serde_json::from_slice(&read.bytes).map_err(malformed)?;
    let violations = suppliers::check(&supplier, &state.settings.suppliers, today);
    tracing::info!(%partner, supplier = %supplier.name, violations = violations.len(),
        "supplier record validated");
    Ok(Json(json!({
        "valid": violations.is_empty(),
        "as_of": today.to_string(),
        "violations": violations,
    })))
}

/// 400 saying what is wrong with the body and where (serde's message without its own
/// position, which the location carries).
fn malformed(e: serde_json::Error) -> ApiError {
    let text = e.to_string();
    let what = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut error = ApiError::new(
        StatusCode::BAD_REQUEST,
        "request.malformed",
        format!("the body is not a supplier record: {what}"),
    );
    error.body.location = Some(ErrorLocation::Text {
        line: e.line() as u32,
        column: e.column() as u32,
    });
    error
}
