//! Reading request bodies at the edge: never more than a limit kept, never longer than the
//! body timeout, and what is read past the limit only counted and dropped.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;

use super::error::ApiError;

/// What was read of a body.
#[derive(Debug, Default)]
pub struct BodyRead {
    /// At most `keep` bytes from the start.
    pub bytes: Vec<u8>,
    /// Bytes received, kept or not.
    pub seen: u64,
    /// The body ended (rather than the reading stopping at the drain limit).
    pub complete: bool,
}

impl BodyRead {
    /// True when bytes were received past what was kept.
    pub fn truncated(&self) -> bool {
        self.seen > self.bytes.len() as u64
    }

    /// The first `n` bytes.
    pub fn prefix(&self, n: usize) -> Vec<u8> {
        self.bytes[..self.bytes.len().min(n)].to_vec()
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// The client did not finish sending within the body timeout.
    Timeout(BodyRead),
    /// The connection failed while the body was read.
    Broken(BodyRead),
}

impl BodyError {
    pub fn into_read(self) -> BodyRead {
        match self {
            BodyError::Timeout(read) | BodyError::Broken(read) => read,
        }
    }

    /// The answer to the client: a code and a safe message, and the connection closed.
    pub fn to_api(&self) -> ApiError {
        let mut error = match self {
            BodyError::Timeout(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request.timeout",
                "the body did not arrive in time",
            ),
            BodyError::Broken(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.body",
                "the body could not be read",
            ),
        };
        error.close = true;
        error
    }
}

/// The length the client declared, if any.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Reads `body` keeping its first `keep` bytes and dropping the rest, until it ends, more than
/// `drain` bytes arrived, or `timeout` passed.
pub async fn read(
    body: Body,
    keep: usize,
    drain: u64,
    timeout: Duration,
) -> Result<BodyRead, BodyError> {
    let mut body = body;
    let mut read = BodyRead::default();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Timeout(read)),
            Ok(None) => {
                read.complete = true;
                return Ok(read);
            }
            Ok(Some(Err(e))) => {
                tracing::info!(error = %e, "request body broken off");
                return Err(BodyError::Broken(read));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            let room = keep.saturating_sub(read.bytes.len());
            read.bytes.extend_from_slice(&data[..data.len().min(room)]);
            read.seen += data.len() as u64;
            if read.seen > drain {
                return Ok(read);
            }
        }
    }
}
