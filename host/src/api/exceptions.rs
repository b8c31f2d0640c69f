//! The admin API's exceptions (`/admin/v1/exceptions`): list them by state, type and owning
//! team, read one, and act on it — acknowledge, retry, resolve, override with a reason. Every action
//! is audited by the store in the transaction that takes it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::audit::Actor;
use crate::model::{ExceptionAction, ExceptionKind, ExceptionState};
use crate::store::exceptions::{ActionOutcome, ExceptionFilter};

/// `?state=open&type=duplicate&owner=edi-team`, each optional.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExceptionQuery {
    pub state: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub owner: Option<String>,
}

fn bad_filter(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "request.filter", message)
}

/// `GET /admin/v1/exceptions`: the exceptions the filter matches, oldest first.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ExceptionQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = ExceptionFilter {
        state: query
            .state
            .map(|s| {
                ExceptionState::parse(&s).ok_or_else(|| {
                    bad_filter(format!(
                        "unknown state {s:?}; expected open, acknowledged or resolved"
                    ))
                })
            })
            .transpose()?,
        kind: query
            .kind
            .map(|k| {
                k.parse::<ExceptionKind>()
                    .map_err(|e| bad_filter(e.to_string()))
            })
            .transpose()?,
        owner: query.owner,
    };
    let exceptions = state.store.exceptions(&filter).await?;
    Ok(Json(json!({"exceptions": exceptions})))
}

/// `GET /admin/v1/kpis`: acknowledgment latency, ship notice timeliness and completeness,
/// first-pass invoice match rate and match cycle time, open exceptions by type and age.
pub async fn kpis(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let kpis = state.store.kpis(crate::store::now_ms()).await?;
    Ok(Json(serde_json::to_value(kpis).unwrap_or_default()))
}

/// `GET /admin/v1/exceptions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match state.store.exception(&id).await? {
        Some(exception) => Ok(Json(json!(exception))),
        None => Err(unknown(&id)),
    }
}

fn unknown(id: &str) -> ApiError {
    ApiError::not_found("exception.unknown", format!("no exception {id}"))
}

/// The body of an action: why, for the audit trail (an override must give one).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /admin/v1/exceptions/{id}/{action}` with `{"reason": "..."}` (an empty body is no
/// reason): `acknowledge`, `retry` (the failed message back on the queue, or the dead letter
/// replayed), `release` (a held invoice goes to finance as matched), `resolve` or `override`.
pub async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let action = match action.as_str() {
        "acknowledge" => ExceptionAction::Acknowledge,
        "resolve" => ExceptionAction::Resolve,
        "override" => ExceptionAction::Override,
        "retry" => ExceptionAction::Retry,
        "release" => ExceptionAction::Release,
        other => {
            return Err(ApiError::not_found(
                "exception.action",
                format!(
                    "no action {other:?}; use acknowledge, retry, release, resolve or override"
                ),
            ));
        }
    };
    let request: ActionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ActionRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.body",
                format!("the body is not {{\"reason\": \"...\"}}: {e}"),
            )
        })?
    };
    match state
        .engine
        .take_action(&id, action, Actor::Operator, request.reason)
        .await?
    {
        ActionOutcome::Done(exception) => {
            if action == ExceptionAction::Retry {
                // A message back on the queue, or a dead letter due again.
                state.engine.wake();
                state.engine.outbound.notify_one();
            }
            Ok(Json(json!(exception)))
        }
        ActionOutcome::Unknown => Err(unknown(&id)),
        ActionOutcome::Refused(refused) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "exception.action_refused",
            refused.to_string(),
        )),
    }
}
