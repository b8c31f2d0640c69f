//! Whether the third-party corpus (`../shared/corpus` beside the workspace) is on this machine,
//! decided once at build time so a test that needs it can be counted as ignored, with the
//! reason, instead of passing without checking anything.
//!
//! Included by every build script whose package has corpus tests (`#[path]` module), so the
//! rule lives in one file:
//!
//! - `WHARF_CORPUS` names the folder; unset, it is `<workspace>/../shared/corpus`. A relative
//!   `WHARF_CORPUS` is read from the workspace root.
//! - Present: `cfg(wharf_corpus)` is set and `WHARF_CORPUS_DIR` names the folder for the tests
//!   (`env!("WHARF_CORPUS_DIR")`).
//! - Absent: no cfg, so tests marked
//!   `#[cfg_attr(not(wharf_corpus), ignore = "…")]` are reported as ignored.
//! - Absent with `CI` set: the build fails, saying so, since CI must always run them.

use std::path::{Component, Path, PathBuf};

/// Emits the cfg, the folder's path and the rerun rules.
pub fn emit() {
    println!("cargo::rustc-check-cfg=cfg(wharf_corpus)");
    println!("cargo::rerun-if-env-changed=WHARF_CORPUS");
    println!("cargo::rerun-if-env-changed=CI");
    let root = workspace_root();
    let dir = normal(
        &match std::env::var_os("WHARF_CORPUS").filter(|v| !v.is_empty()) {
            Some(path) => root.join(path),
            None => root.join("../shared/corpus"),
        },
    );
    // Cargo scans a watched folder recursively. While the corpus is absent its parent is
    // watched so its arrival counts, unless that parent is the workspace's own parent (which
    // may hold every clone and its build output): there, set WHARF_CORPUS or touch a build
    // script after adding it.
    let watched = if dir.is_dir() {
        Some(dir.clone())
    } else {
        dir.parent()
            .filter(|p| p.is_dir() && !root.starts_with(p))
            .map(Path::to_path_buf)
    };
    if let Some(watched) = watched {
        println!("cargo::rerun-if-changed={}", watched.display());
    }
    if dir.is_dir() {
        println!("cargo::rustc-cfg=wharf_corpus");
        println!("cargo::rustc-env=WHARF_CORPUS_DIR={}", dir.display());
        return;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "CI is set but the third-party corpus is missing at {} (set WHARF_CORPUS, or put \
         ../shared beside the clone): the corpus tests must run in CI",
        dir.display()
    );
    println!("cargo::rustc-env=WHARF_CORPUS_DIR={}", dir.display());
}

/// `path` with `.` and `..` resolved by name, so folders compare as they read.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The workspace root: the closest folder above the package holding a `Cargo.lock`.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    manifest
        .ancestors()
        .find(|a| a.join("Cargo.lock").is_file())
        .unwrap_or(&manifest)
        .to_path_buf()
}
