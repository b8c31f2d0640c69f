//! One HTTP attempt and what its answer means.
//!
//! A 2xx delivers. 408, 425, 429 and 5xx, timeouts and broken connections are passing: the
//! entry is retried, no sooner than a `Retry-After` the endpoint gave. Every other answer is
//! final — the endpoint refused this request and will refuse it again — and dead-letters the
//! entry at once with the answer kept. Redirects are not followed (a delivery goes where the
//! agreement says, nowhere else), and only the first few KiB of an error body are read.

use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};

use super::signing::SignatureHeaders;

/// How much of an error answer's body is read.
const ERROR_BODY_CAP: usize = 4 * 1024;
/// How much of it is kept with the attempt.
const ERROR_TEXT_KEPT: usize = 300;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Delivered {
        status: u16,
    },
    /// Worth trying again; `retry_after` when the endpoint said how long to wait.
    Retryable {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
    /// Trying again would get the same refusal.
    Final {
        status: Option<u16>,
        error: String,
    },
}

impl Answer {
    pub fn status(&self) -> Option<u16> {
        match self {
            Answer::Delivered { status } => Some(*status),
            Answer::Retryable { status, .. } | Answer::Final { status, .. } => *status,
        }
    }

    pub fn error(&self) -> Option<String> {
        match self {
            Answer::Delivered { .. } => None,
            Answer::Retryable { error, .. } | Answer::Final { error, .. } => Some(error.clone()),
        }
    }
}

/// The request a delivery makes.
pub struct Request<'a> {
    pub endpoint: &'a str,
    pub content_type: &'a str,
    pub body: Vec<u8>,
    pub signature: SignatureHeaders,
    pub message_id: &'a str,
    pub control_number: &'a str,
}

/// The client deliveries use: no redirects, a per-request timeout.
pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wharf/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// Makes one attempt; returns its answer and how long it took.
pub async fn attempt(client: &reqwest::Client, request: Request<'_>) -> (Answer, Duration) {
    let started = Instant::now();
    let response = client
        .post(request.endpoint)
        .header(CONTENT_TYPE, request.content_type)
        .header("webhook-id", &request.signature.id)
        .header("webhook-timestamp", &request.signature.timestamp)
        .header("webhook-signature", &request.signature.signature)
        .header("X-Wharf-Message", request.message_id)
        .header("X-Wharf-Control-Number", request.control_number)
        .body(request.body)
        .send()
        .await;
    let answer = match response {
        Ok(response) => classify(response).await,
        Err(e) => Answer::Retryable {
            status: None,
            error: format!("request failed: {}", describe(&e)),
            retry_after: None,
        },
    };
    (answer, started.elapsed())
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

async fn classify(response: reqwest::Response) -> Answer {
    let status = response.status();
    if status.is_success() {
        return Answer::Delivered {
            status: status.as_u16(),
        };
    }
    let retry_after = retry_after(response.headers(), SystemTime::now());
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_capped(response).await;
    let mut error = format!("endpoint answered {status}");
    if let Some(location) = location {
        error.push_str(&format!(" to {location} (redirects are not followed)"));
    }
    if !body.is_empty() {
        error.push_str(": ");
        error.push_str(&body);
    }
    if retryable(status) {
        Answer::Retryable {
            status: Some(status.as_u16()),
            error,
            retry_after,
        }
    } else {
        Answer::Final {
            status: Some(status.as_u16()),
            error,
        }
    }
}

/// 408 Request Timeout, 425 Too Early, 429 Too Many Requests and every 5xx may pass.
pub fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 425 | 429) || status.is_server_error()
}

/// `Retry-After` as seconds or an HTTP date, relative to `now`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

async fn read_capped(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ERROR_BODY_CAP {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(ERROR_BODY_CAP);
    String::from_utf8_lossy(&bytes)
        .chars()
        .take(ERROR_TEXT_KEPT)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_passing_answers_are_retryable() {
        for code in [408, 425, 429, 500, 502, 503, 504] {
            assert!(retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [301, 302, 400, 401, 403, 404, 409, 410, 413, 422] {
            assert!(!retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(90)));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }
}
