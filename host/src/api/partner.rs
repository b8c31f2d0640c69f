//! The partner API (`/api/v1`): submit a message, follow it, look up an order. Every call is
//! authenticated by the partner's API key and sees only that partner's data.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::config::Direction;
use crate::governance;
use crate::store::messages::{NewMessage, Rejection};

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The API key a request presents: `Authorization: Bearer KEY` or `X-Api-Key: KEY`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The calling partner, or 401.
pub(crate) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let key = presented_key(headers).ok_or_else(|| {
        ApiError::unauthorized("send your API key as `Authorization: Bearer KEY`")
    })?;
    governance::authenticate_partner(&state.settings, key)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::unauthorized("the API key is not valid"))
}

/// Reads at most `limit` bytes of the body; the flag says whether there was more.
async fn read_limited(body: Body, limit: usize) -> Result<(Vec<u8>, bool), ApiError> {
    let mut body = body;
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.body",
                format!("cannot read the body: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                let room = limit - bytes.len();
                bytes.extend_from_slice(&data[..room]);
                return Ok((bytes, true));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok((bytes, false))
}

/// `POST /api/v1/inbound/{agreement}`: stores the bytes and answers `202` with a tracking id.
pub async fn inbound(
    State(state): State<AppState>,
    Path(agreement_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let limit = state.settings.max_body_bytes;
    let (raw, truncated) = read_limited(body, limit).await?;
    let path = format!("/api/v1/inbound/{agreement_id}");
    let refuse = |partner: Option<String>, error: ApiError, raw: Vec<u8>| {
        let store = state.store.clone();
        let path = path.clone();
        async move {
            let rejection = Rejection {
                path,
                partner,
                status_code: error.status.as_u16(),
                reason: error.body.message.clone(),
                raw,
                truncated,
            };
            let id = store.reject(&rejection).await?;
            Err::<(StatusCode, Json<Value>), ApiError>(
                error.with_details(json!({"rejection_id": id})),
            )
        }
    };
    let partner = match authenticate(&state, &headers) {
        Ok(partner) => partner,
        Err(error) => return refuse(None, error, raw).await,
    };
    let agreement = state
        .settings
        .agreements
        .get(&agreement_id)
        .filter(|a| a.partner == partner && a.direction == Direction::Inbound);
    if agreement.is_none() {
        let error = ApiError::not_found(
            "agreement.unknown",
            format!("you have no inbound agreement {agreement_id:?}"),
        );
        return refuse(Some(partner), error, raw).await;
    }
    if truncated {
        let error = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            format!("the body exceeds the limit of {limit} bytes"),
        );
        return refuse(Some(partner), error, raw).await;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(agreement) = agreement
        && let Err(problem) = state
            .engine
            .check_credentials(agreement, &raw, content_type.clone())
            .await
    {
        let error = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.shared_secret",
            problem.to_string(),
        );
        return refuse(Some(partner), error, raw).await;
    }
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    if idempotency_key
        .as_ref()
        .is_some_and(|k| k.len() > MAX_IDEMPOTENCY_KEY)
    {
        let error = ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.idempotency_key",
            format!("Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} characters"),
        );
        return refuse(Some(partner), error, raw).await;
    }
    let received = state
        .store
        .receive(NewMessage {
            partner,
            agreement: agreement_id,
            idempotency_key,
            content_type,
            raw,
        })
        .await?;
    if !received.duplicate {
        state.engine.wake();
    }
    let mut answer = json!({
        "tracking_id": received.id,
        "duplicate": received.duplicate,
        "status_url": format!("/api/v1/messages/{}", received.id),
    });
    if let Some(first) = received.resubmission_of {
        answer["resubmission_of"] = json!(first);
    }
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

/// `GET /api/v1/messages/{id}`: status, errors, documents and deliveries of a message.
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let partner = authenticate(&state, &headers)?;
    let view = state
        .store
        .message_view(&id, &partner)
        .await?
        .ok_or_else(|| ApiError::not_found("message.unknown", format!("no message {id}")))?;
    Ok(Json(serde_json::to_value(view).unwrap_or_default()))
}

/// `GET /api/v1/orders/{po_number}`: the order and its history, for the partners it concerns.
pub async fn order(
    State(state): State<AppState>,
    Path(po_number): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let partner = authenticate(&state, &headers)?;
    let view = state
        .store
        .order_view(&po_number, &partner)
        .await?
        .ok_or_else(|| ApiError::not_found("order.unknown", format!("no order {po_number}")))?;
    Ok(Json(serde_json::to_value(view).unwrap_or_default()))
}
