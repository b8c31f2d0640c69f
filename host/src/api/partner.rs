//! The partner API (`/api/v1`): submit a message, follow it, look up an order. Every call is
//! authenticated by the partner's API key and sees only that partner's data.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use super::AppState;
use super::body::{self, declared_length};
use super::error::ApiError;
use crate::config::Direction;
use crate::governance;
use crate::model::OrderKey;
use crate::store::messages::{MessageView, NewMessage, RejectedKeep, Rejection};

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

/// The calling partner, or 401. Reads only headers.
pub(crate) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let key = presented_key(headers).ok_or_else(|| {
        ApiError::unauthorized("send your API key as `Authorization: Bearer KEY`")
    })?;
    governance::authenticate_partner(&state.settings, key)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::unauthorized("the API key is not valid"))
}

/// The calling partner, authenticated and within its rate; 401 or 429 otherwise.
pub(crate) fn admit(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let partner = authenticate(state, headers)?;
    state.limits.check_partner(&partner).map_err(|wait| {
        tracing::info!(%partner, wait_ms = wait.as_millis() as u64, "partner rate-limited");
        ApiError::rate_limited(wait)
    })?;
    Ok(partner)
}

/// A refusal in the making: what the edge keeps of it, and how it answers.
struct Refusal<'a> {
    state: &'a AppState,
    path: String,
    partner: Option<String>,
}

impl Refusal<'_> {
    /// Reads (and drops) what remains of the body within the limits, so the client gets its
    /// answer instead of a reset connection, then keeps the refusal's metadata and prefix.
    async fn refuse_unread(&self, error: ApiError, headers: &HeaderMap, body: Body) -> ApiError {
        let edge = &self.state.settings.edge;
        let declared = declared_length(headers);
        // A body declared larger than the drain limit is read only as far as the kept prefix.
        let drain = match declared {
            Some(length) if length > edge.drain_max_bytes => edge.rejected_prefix_bytes as u64,
            _ => edge.drain_max_bytes,
        };
        let (read, error) =
            match body::read(body, edge.rejected_prefix_bytes, drain, edge.body_timeout).await {
                Ok(read) if read.complete => (read, error),
                Ok(read) => (read, with_close(error)),
                Err(e) => (e.into_read(), with_close(error)),
            };
        let size = declared.unwrap_or(read.seen).max(read.seen);
        self.refuse_read(error, &read.bytes, size).await
    }

    /// Keeps a refusal whose body was read (`bytes`, of `size` sent).
    async fn refuse_read(&self, error: ApiError, bytes: &[u8], size: u64) -> ApiError {
        let prefix = &bytes[..bytes
            .len()
            .min(self.state.settings.edge.rejected_prefix_bytes)];
        match self.keep(&error, prefix.to_vec(), size).await {
            Some(id) => error.with_details(json!({"rejection_id": id})),
            None => error,
        }
    }

    async fn keep(&self, error: &ApiError, prefix: Vec<u8>, size: u64) -> Option<String> {
        if self.partner.is_none() && !self.state.limits.keep_anonymous() {
            tracing::info!(path = %self.path, status = error.status.as_u16(),
                "refused a caller without a key; not kept (too many)");
            return None;
        }
        let edge = &self.state.settings.edge;
        let rejection = Rejection {
            path: self.path.clone(),
            partner: self.partner.clone(),
            status_code: error.status.as_u16(),
            reason: error.body.message.clone(),
            truncated: (prefix.len() as u64) < size,
            prefix,
            size_bytes: size,
        };
        let keep = RejectedKeep {
            max_bytes: edge.rejected_max_bytes,
            retention_ms: edge.rejected_retention_ms,
        };
        match self.state.store.reject(&rejection, keep).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::error!(error = %e, path = %self.path, "could not keep a refusal");
                None
            }
        }
    }
}

fn with_close(mut error: ApiError) -> ApiError {
    error.close = true;
    error
}

/// `POST /api/v1/inbound/{agreement}`: stores the bytes and answers `202` with a tracking id.
///
/// Everything that can be decided from the header is decided before the body is read: the
/// key, the rate, the agreement, the declared length. A refusal keeps only metadata and a
/// short prefix of the body.
pub async fn inbound(
    State(state): State<AppState>,
    Path(agreement_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let limit = state.settings.max_body_bytes;
    let mut refusal = Refusal {
        state: &state,
        path: format!("/api/v1/inbound/{agreement_id}"),
        partner: None,
    };
    let partner = match authenticate(&state, &headers) {
        Ok(partner) => partner,
        Err(error) => return Err(refusal.refuse_unread(error, &headers, body).await),
    };
    if let Err(wait) = state.limits.check_partner(&partner) {
        tracing::info!(%partner, wait_ms = wait.as_millis() as u64, "partner rate-limited");
        // Not kept: a partner past its rate would only fill the refusals.
        let edge = &state.settings.edge;
        let drained = body::read(body, 0, edge.drain_max_bytes, edge.body_timeout).await;
        let error = ApiError::rate_limited(wait);
        return Err(match drained {
            Ok(read) if read.complete => error,
            _ => with_close(error),
        });
    }
    refusal.partner = Some(partner.clone());
    let agreement = state
        .settings
        .agreements
        .get(&agreement_id)
        .filter(|a| a.partner == partner && a.direction == Direction::Inbound)
        .cloned();
    let Some(agreement) = agreement else {
        let error = ApiError::not_found(
            "agreement.unknown",
            format!("you have no inbound agreement {agreement_id:?}"),
        );
        return Err(refusal.refuse_unread(error, &headers, body).await);
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            format!("the body exceeds the limit of {limit} bytes"),
        )
    };
    if declared_length(&headers).is_some_and(|length| length > limit as u64) {
        return Err(refusal.refuse_unread(too_large(), &headers, body).await);
    }
    let read = match body::read(body, limit, limit as u64, state.settings.edge.body_timeout).await {
        Ok(read) => read,
        Err(e) => {
            let error = e.to_api();
            let read = e.into_read();
            return Err(refusal.refuse_read(error, &read.bytes, read.seen).await);
        }
    };
    if read.truncated() {
        return Err(refusal
            .refuse_read(with_close(too_large()), &read.bytes, read.seen)
            .await);
    }
    let raw = read.bytes;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Err(problem) = state
        .engine
        .check_credentials(&agreement, &raw, content_type.clone())
        .await
    {
        let error = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.shared_secret",
            problem.to_string(),
        );
        return Err(refusal.refuse_read(error, &raw, raw.len() as u64).await);
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
        return Err(refusal.refuse_read(error, &raw, raw.len() as u64).await);
    }
    // Over the backlog's limit this waits for the workers, and refuses after a while: the
    // sender keeps the document, so nothing is kept here either.
    state.engine.admit().await?;
    let received = state
        .engine
        .take_in(NewMessage {
            partner,
            agreement: agreement_id,
            idempotency_key,
            content_type,
            raw,
        })
        .await?;
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
    let partner = admit(&state, &headers)?;
    let view = state
        .store
        .message_view(&id, &partner)
        .await?
        .ok_or_else(|| ApiError::not_found("message.unknown", format!("no message {id}")))?;
    Ok(Json(
        serde_json::to_value(for_partner(view)).unwrap_or_default(),
    ))
}

/// Which buyer's order a partner means when several share a number.
#[derive(Debug, Default, serde::Deserialize)]
pub struct OrderQuery {
    pub buyer: Option<String>,
}

/// `GET /api/v1/orders/{po_number}[?buyer=…]`: the order and its history, for the partners it
/// concerns. A number is unique per buyer; when orders of several buyers under it are shared
/// with the caller, `buyer` says which (409 `order.ambiguous` names them otherwise).
pub async fn order(
    State(state): State<AppState>,
    Path(po_number): Path<String>,
    Query(query): Query<OrderQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let partner = admit(&state, &headers)?;
    let unknown = || ApiError::not_found("order.unknown", format!("no order {po_number}"));
    let buyer = match query.buyer {
        Some(buyer) => buyer,
        None => {
            let named = state.store.orders_named(&po_number, &partner).await?;
            match named.as_slice() {
                [] => return Err(unknown()),
                [one] => one.key.buyer.clone(),
                several => {
                    let buyers: Vec<&str> = several.iter().map(|o| o.key.buyer.as_str()).collect();
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "order.ambiguous",
                        format!(
                            "orders of several buyers are numbered {po_number} ({}); \
                             name one with ?buyer=",
                            buyers.join(", ")
                        ),
                    ));
                }
            }
        }
    };
    let view = state
        .store
        .order_view(&OrderKey::new(buyer, po_number.clone()), &partner)
        .await?
        .ok_or_else(unknown)?;
    Ok(Json(serde_json::to_value(view).unwrap_or_default()))
}

/// What a partner may see of its message: its own document errors in full, limits by name,
/// but not what a trapped guest wrote to stderr (its panic message and whatever it held) nor
/// why the host is retrying (store errors, adapter availability). Both are in the log and the
/// audit trail, for the operator.
fn for_partner(mut view: MessageView) -> MessageView {
    if let Some(error) = view.error.as_mut()
        && error.get("code").and_then(Value::as_str) == Some("adapter.trap")
    {
        let adapter = error
            .get("adapter")
            .and_then(Value::as_str)
            .unwrap_or("the adapter")
            .to_owned();
        *error = json!({
            "code": "adapter.trap",
            "adapter": adapter,
            "message": format!(
                "adapter {adapter} stopped while reading this message (trap); \
                 the operator has the details"
            ),
        });
    }
    if view.waiting.is_some() {
        view.waiting = Some("the message will be tried again shortly".into());
    }
    view
}
