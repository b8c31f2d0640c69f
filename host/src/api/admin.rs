//! The admin API (`/admin/v1`), for operators holding the operator token: install, list and
//! remove adapters while the host runs; read any message with its adapter's cost; reprocess
//! failed messages; list and replay dead
//! letters, one or many by filter; verify the audit log. Every change is audited.

use axum::Json;
use axum::body::Bytes;
use axum::extract::Request;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::adapters::ChangeError;
use crate::audit::Actor;
use crate::governance;
use crate::sandbox::{InstallError, ResolveError};
use crate::store::messages::ReprocessFilter;
use crate::store::outbox::ReplayFilter;

/// Middleware in front of every admin route: the operator token, checked on the header alone,
/// then the body read within the edge's body timeout (an operator's slow upload holds a
/// connection no longer than a partner's), at most `super::MAX_COMPONENT_BYTES`; each route's
/// own limit still applies to what was read.
pub async fn require_operator(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(mut error) = operator(&state, request.headers()) {
        // The body was not read; the client should not send the rest on this connection.
        error.close = true;
        return error.into_response();
    }
    let (parts, body) = request.into_parts();
    let limit = super::MAX_COMPONENT_BYTES;
    if super::body::declared_length(&parts.headers).is_some_and(|n| n > limit as u64) {
        return too_large(limit).into_response();
    }
    let read = match super::body::read(body, limit, limit as u64, state.settings.edge.body_timeout)
        .await
    {
        Ok(read) => read,
        Err(e) => return e.to_api().into_response(),
    };
    if read.truncated() {
        return too_large(limit).into_response();
    }
    next.run(Request::from_parts(
        parts,
        axum::body::Body::from(read.bytes),
    ))
    .await
}

fn too_large(limit: usize) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "request.too_large",
        format!("the admin API accepts at most {limit} bytes"),
    );
    error.close = true;
    error
}

fn operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        Some(token) if governance::authenticate_operator(&state.settings, token) => Ok(()),
        _ if state.settings.admin_token.is_none() => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin.disabled",
            "the admin API is off: no operator token is configured",
        )),
        _ => Err(ApiError::unauthorized(
            "send the operator token as `Authorization: Bearer TOKEN`",
        )),
    }
}

/// `GET /admin/v1/status`: which process answers, since when.
pub async fn status(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "pid": std::process::id(),
        "started_at": state.started_at,
        "adapters": state.registry.list().len(),
        "pending_deliveries": state.store.pending_deliveries().await?,
    })))
}

/// `GET /admin/v1/adapters`: what this replica has installed, and what the database records
/// that it refused to install (bytes that do not match their digest, a component that does not
/// install here).
pub async fn list_adapters(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({
        "adapters": state.registry.list(),
        "refused": state.adapters.refused(),
    })))
}

/// `POST /admin/v1/adapters` with the component's bytes as the body: installed here, then
/// recorded for every replica.
pub async fn install_adapter(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let info = state
        .adapters
        .install(body.to_vec())
        .await
        .map_err(change_error)?;
    Ok((StatusCode::CREATED, Json(json!({"adapter": info}))))
}

/// `DELETE /admin/v1/adapters/{id@version}` (or `{id}` for every version), here and on every
/// replica.
pub async fn remove_adapter(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let removed = state
        .adapters
        .remove(&reference)
        .await
        .map_err(change_error)?;
    Ok(Json(json!({"removed": removed})))
}

fn change_error(e: ChangeError) -> ApiError {
    match e {
        ChangeError::Store(e) => e.into(),
        ChangeError::Resolve(e @ ResolveError::Unknown(_)) => {
            ApiError::not_found("adapter.unknown", e.to_string())
        }
        ChangeError::Resolve(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "adapter.reference", e.to_string())
        }
        e => {
            let code = match &e {
                ChangeError::Install(InstallError::Conflict(_)) | ChangeError::Conflict(_) => {
                    StatusCode::CONFLICT
                }
                ChangeError::Install(InstallError::Io(_)) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ApiError::new(code, "adapter.install", e.to_string())
        }
    }
}

/// `GET /admin/v1/messages/{id}`: any partner's message as the operator sees it, with what its
/// adapter call cost (fuel, epoch ticks, wall time, memory held).
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match state.store.operator_message_view(&id).await? {
        Some(view) => Ok(Json(json!(view))),
        None => Err(ApiError::not_found(
            "message.unknown",
            format!("no message {id}"),
        )),
    }
}

pub async fn dead_letters(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"dead_letters": state.store.dead_letters().await?}),
    ))
}

pub async fn replay(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let filter = ReplayFilter {
        ids: vec![id.clone()],
        ..ReplayFilter::default()
    };
    if state
        .store
        .replay(filter, Actor::Operator)
        .await?
        .is_empty()
    {
        return Err(ApiError::not_found(
            "dead_letter.unknown",
            format!("no dead letter {id}"),
        ));
    }
    state.engine.outbound.notify_one();
    Ok(Json(json!({"replayed": id})))
}

/// `POST /admin/v1/dead-letters/replay` with a filter: replays every dead letter it matches.
pub async fn replay_many(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let filter: ReplayFilter = parse_body(&body)?;
    let replayed = state.store.replay(filter, Actor::Operator).await?;
    if !replayed.is_empty() {
        state.engine.outbound.notify_one();
    }
    Ok(Json(json!({"replayed": replayed})))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReprocessRequest {
    filter: ReprocessFilter,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /admin/v1/messages/reprocess` with `{"filter": {...}, "reason": "..."}`: puts the
/// failed messages the filter matches back on the queue.
pub async fn reprocess(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: ReprocessRequest = parse_body(&body)?;
    let ids = state
        .store
        .reprocess(request.filter, Actor::Operator, request.reason)
        .await?;
    for _ in &ids {
        state.engine.wake();
    }
    Ok(Json(json!({"reprocessed": ids})))
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.body",
            format!("the body is not a valid filter: {e}"),
        )
    })
}

/// `GET /admin/v1/audit/verify`: the chain, its anchored head and the stored bytes it has
/// digests of, as `wharf audit verify` checks them.
pub async fn verify_audit(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let verdict = state
        .store
        .verify_audit(Some(&state.settings.audit_anchor))
        .await?;
    let mut answer = json!({
        "intact": verdict.intact(),
        "verified": verdict.entries,
        "head": verdict.head,
        "anchored": verdict.anchored,
        "digests_checked": verdict.digests_checked,
        "digests_pruned": verdict.digests_pruned,
    });
    if let Some(broken) = &verdict.first_break {
        answer["break"] = json!(broken.to_string());
        answer["first_broken_entry"] = json!(broken.seq);
    }
    Ok(Json(answer))
}
