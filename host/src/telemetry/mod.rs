//! Tracing setup: one subscriber for the process, filtered by `RUST_LOG` (default `info`),
//! writing to stderr so command output on stdout stays clean.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; a second call (tests) keeps the first.
pub fn init(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
