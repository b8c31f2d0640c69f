//! Whether the PostgreSQL server the tests use is reachable, decided once at build time so a
//! test that needs it is counted as ignored, with the reason, instead of passing without
//! checking anything (the same rule as the corpus, `tests/corpus_cfg/corpus.rs`).
//!
//! - `WHARF_TEST_POSTGRES` is the server's admin URL (a database tests may create and drop
//!   databases from); unset, `postgres://postgres@127.0.0.1:5432/postgres`. It is passed on to
//!   the tests as `WHARF_TEST_POSTGRES_URL`.
//! - Reachable (a TCP connection to its host and port within a second): `cfg(wharf_postgres)`,
//!   so the PostgreSQL variants run.
//! - Unreachable: no cfg, so tests marked `#[cfg_attr(not(wharf_postgres), ignore = "…")]` are
//!   reported as ignored.
//! - With `CI` set the cfg is always set: CI runs them, and an unreachable server fails them
//!   loudly (`.ci/run` starts it first).
//!
//! The answer is kept until the build script runs again. Where the server's socket folder
//! exists (`/var/run/postgresql`), it is watched, so starting or stopping the local server
//! reruns the probe; otherwise touch the build script, or change `WHARF_TEST_POSTGRES`.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The admin URL when `WHARF_TEST_POSTGRES` is unset.
const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Emits the cfg, the URL and the rerun rules.
pub fn emit() {
    println!("cargo::rustc-check-cfg=cfg(wharf_postgres)");
    println!("cargo::rerun-if-env-changed=WHARF_TEST_POSTGRES");
    println!("cargo::rerun-if-env-changed=CI");
    let url = std::env::var("WHARF_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_owned());
    println!("cargo::rustc-env=WHARF_TEST_POSTGRES_URL={url}");
    let sockets = std::path::Path::new("/var/run/postgresql");
    if sockets.is_dir() {
        println!("cargo::rerun-if-changed={}", sockets.display());
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if ci || reachable(&url) {
        println!("cargo::rustc-cfg=wharf_postgres");
    }
}

/// True when the URL's host and port take a TCP connection.
fn reachable(url: &str) -> bool {
    let Some(rest) = url.split("://").nth(1) else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    let Ok(addresses) = host_port.to_socket_addrs() else {
        return false;
    };
    addresses
        .into_iter()
        .any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(1)).is_ok())
}
