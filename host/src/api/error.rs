//! API errors: every failure becomes a JSON body `{"error": {"code", "message", "location"?}}`
//! with a status code, in this one place.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::sandbox::ErrorLocation;
use crate::store::StoreError;

#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<ErrorLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds to send as `Retry-After`.
    pub retry_after: Option<u64>,
    /// Ask the client to close the connection (its body was not read to the end).
    pub close: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                location: None,
                details: None,
            },
            retry_after: None,
            close: false,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.body.details = Some(details);
        self
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "auth.unauthorized", message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 429: the caller's allowance is spent for `wait`.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "request.rate_limited",
            "too many requests; retry after the time in Retry-After",
        );
        error.retry_after = Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        error
    }
}

impl From<crate::engine::intake::IntakeRefusal> for ApiError {
    fn from(refusal: crate::engine::intake::IntakeRefusal) -> Self {
        use crate::engine::intake::IntakeRefusal;
        match refusal {
            IntakeRefusal::Busy { .. } => {
                let mut error = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "intake.busy",
                    refusal.to_string(),
                );
                error.retry_after = Some(1);
                error
            }
            IntakeRefusal::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Refused(reason) = &e {
            return ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "request.conflict", reason);
        }
        tracing::error!(error = %e, "store failure behind an API call");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store.unavailable",
            "the store could not complete the request; retry later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, Json(serde_json::json!({"error": self.body}))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.close {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::intake::IntakeRefusal;

    #[test]
    fn a_busy_intake_is_503_with_retry_after_and_says_why() {
        let error = ApiError::from(IntakeRefusal::Busy {
            backlog: 2_000,
            limit: 2_000,
        });
        assert_eq!(error.body.code, "intake.busy");
        assert!(
            error.body.message.contains("2000 messages are waiting"),
            "{}",
            error.body.message
        );
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }
}
