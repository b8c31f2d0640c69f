//! Decides which environment-dependent tests can run on this machine, so those that cannot are
//! reported as ignored (with the reason) instead of passing without checking anything:
//!
//! - the DTD validity tests need `xmllint` and the cXML DTDs in `../shared/schemas`; where
//!   either is missing `cfg(cxml_dtd_unavailable)` is set, except with `CI` set, where they
//!   always run so a CI machine without them fails;
//! - the third-party corpus tests need `../shared/corpus`: the workspace's shared rule in
//!   `tests/corpus_cfg/corpus.rs` sets `cfg(wharf_corpus)` and `WHARF_CORPUS_DIR`.

use std::path::Path;
use std::process::Command;

#[path = "../../tests/corpus_cfg/corpus.rs"]
mod corpus;

fn main() {
    corpus::emit();
    println!("cargo::rustc-check-cfg=cfg(cxml_dtd_unavailable)");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas/cxml");
    if schemas.is_dir() {
        println!("cargo::rerun-if-changed={}", schemas.display());
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    let runnable = schemas.is_dir() && Command::new("xmllint").arg("--version").output().is_ok();
    if !(ci || runnable) {
        println!("cargo::rustc-cfg=cxml_dtd_unavailable");
    }
}
