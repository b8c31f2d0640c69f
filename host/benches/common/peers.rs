//! The peers Wharf is measured against, installed or built on demand into a cache folder
//! outside the repository (`WHARF_BENCH_CACHE`, default `~/.cache/wharf-bench`):
//! - Node-RED (npm `node-red@4`, or the binary `WHARF_NODE_RED` names);
//! - node-x12 (npm `node-x12@1`), run by `peers/node-x12-parse.js`;
//! - Extism (crates `extism` and `extism-pdk`): the project in `peers/extism/`, built with its
//!   own target folder so its wasmtime never enters Wharf's workspace.
//!
//! Every function answers why a peer is missing instead of failing the run: the suite prints
//! that reason in the table where the peer's figure would be. With `offline` set (the tiny
//! size CI runs) nothing is downloaded or built: a peer is used only if it is already there.

use std::path::{Path, PathBuf};
use std::process::Command;

use wharf_host::cli::bundled;

/// Where peers are installed and built.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("WHARF_BENCH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/wharf-bench")
        })
}

/// The benches' peer files in the repository (`host/benches/peers/`).
pub fn peers_dir() -> PathBuf {
    bundled::workspace_root().join("host/benches/peers")
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    eprintln!("suite: {what}…");
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot run {:?}: {e}", command.get_program()))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{what} failed ({}): {}",
        output.status,
        tail.join(" | ")
    ))
}

/// Installs `spec` with npm into its own prefix under the cache, unless `installed` is there.
fn npm_install(prefix: &Path, spec: &str, installed: &Path, offline: bool) -> Result<(), String> {
    if installed.exists() {
        return Ok(());
    }
    if offline {
        return Err(format!(
            "not installed at {} (the tiny size installs nothing)",
            prefix.display()
        ));
    }
    std::fs::create_dir_all(prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    // npm installs into a prefix only where it finds a package.json.
    let manifest = prefix.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"private\": true}\n")
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(prefix)
            .arg(spec),
        &format!("installing {spec} with npm into {}", prefix.display()),
    )?;
    if installed.exists() {
        Ok(())
    } else {
        Err(format!(
            "npm installed {spec} but {} is missing",
            installed.display()
        ))
    }
}

/// The `node-red` command: `WHARF_NODE_RED`, or `node-red@4` installed into the cache.
pub fn node_red(offline: bool) -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("WHARF_NODE_RED") {
        return Ok(PathBuf::from(bin));
    }
    let prefix = cache_dir().join("node-red");
    let bin = prefix.join("node_modules/.bin/node-red");
    npm_install(&prefix, "node-red@4", &bin, offline)?;
    Ok(bin)
}

/// The folder of the node-x12 module, installed into the cache.
pub fn node_x12(offline: bool) -> Result<PathBuf, String> {
    let prefix = cache_dir().join("node-x12");
    let module = prefix.join("node_modules/node-x12");
    npm_install(&prefix, "node-x12@1", &module.join("package.json"), offline)?;
    Ok(module)
}

/// The wasm target the Extism guest is built for.
const EXTISM_GUEST_TARGET: &str = "wasm32-unknown-unknown";

/// The Extism runner and its plugin: built from `peers/extism/` with cargo (release), into
/// the cache's `target-extism`; the guest's wasm target is added with rustup if missing.
pub fn extism(offline: bool) -> Result<(PathBuf, PathBuf), String> {
    let target_dir = cache_dir().join("target-extism");
    let runner = target_dir.join("release/wharf-bench-extism");
    let plugin = target_dir
        .join(EXTISM_GUEST_TARGET)
        .join("release/wharf_bench_extism_guest.wasm");
    if offline {
        return if runner.exists() && plugin.exists() {
            Ok((runner, plugin))
        } else {
            Err(format!(
                "not built in {} (the tiny size builds no peers)",
                target_dir.display()
            ))
        };
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is not available: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == EXTISM_GUEST_TARGET)
    {
        run(
            Command::new("rustup").args(["target", "add", EXTISM_GUEST_TARGET]),
            &format!("adding the {EXTISM_GUEST_TARGET} target with rustup"),
        )?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let project = peers_dir().join("extism");
    run(
        Command::new(&cargo)
            .current_dir(project.join("guest"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .args([
                "build",
                "--release",
                "--locked",
                "--target",
                EXTISM_GUEST_TARGET,
            ]),
        "building the Extism plugin (peers/extism/guest)",
    )?;
    run(
        Command::new(&cargo)
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["build", "--release", "--locked"]),
        "building the Extism host (peers/extism; its own wasmtime, several minutes the first time)",
    )?;
    Ok((runner, plugin))
}
