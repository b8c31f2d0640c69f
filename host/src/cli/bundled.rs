//! The adapters that ship in this repository (`plugins/`), built for `wasm32-wasip2` on demand
//! so `wharf demo`, `wharf decode --adapter cxml` and the test suite need no manual step. The
//! wasm target is installed with rustup when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The compilation target of adapters.
pub const WASM_TARGET: &str = "wasm32-wasip2";

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0} is not an adapter bundled with Wharf (bundled: {1})")]
    Unknown(String, String),
    #[error("cannot install the {WASM_TARGET} target: {0}")]
    Target(String),
    #[error("building the bundled adapters failed: {0}")]
    Build(String),
}

/// Adapter ids bundled in `plugins/`.
pub fn bundled_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(workspace_root().join("plugins"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("Cargo.toml").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// The repository this binary was built from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_absolute() {
                p
            } else {
                workspace_root().join(p)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Installs the wasm target with rustup unless the toolchain has it already. Test binaries
/// run side by side would otherwise start several rustups at once, which fail each other:
/// one at a time holds a lock file while it checks and installs.
pub fn ensure_target() -> Result<(), BuildError> {
    let lock = std::fs::File::create(std::env::temp_dir().join("wharf-rustup-target.lock"))
        .map_err(|e| BuildError::Target(format!("cannot create the install lock: {e}")))?;
    lock.lock()
        .map_err(|e| BuildError::Target(format!("cannot take the install lock: {e}")))?;
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| BuildError::Target(format!("rustup is not available: {e}")))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    eprintln!("wharf: installing the {WASM_TARGET} target with rustup…");
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .map_err(|e| BuildError::Target(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(BuildError::Target(format!(
            "rustup target add {WASM_TARGET} exited with {status}"
        )))
    }
}

/// Builds the named workspace packages for the wasm target (release) and returns their
/// components, in the order given.
pub fn build_packages(packages: &[&str]) -> Result<Vec<PathBuf>, BuildError> {
    ensure_target()?;
    let mut command = Command::new(cargo());
    command.current_dir(workspace_root()).args([
        "build",
        "--release",
        "--quiet",
        "--target",
        WASM_TARGET,
    ]);
    for package in packages {
        command.args(["-p", package]);
    }
    let status = command
        .status()
        .map_err(|e| BuildError::Build(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(BuildError::Build(format!(
            "cargo build exited with {status}"
        )));
    }
    let out = target_dir().join(WASM_TARGET).join("release");
    packages
        .iter()
        .map(|p| {
            let path = out.join(format!("{}.wasm", p.replace('-', "_")));
            if path.exists() {
                Ok(path)
            } else {
                Err(BuildError::Build(format!(
                    "{} was not produced",
                    path.display()
                )))
            }
        })
        .collect()
}

/// Builds bundled adapters by id (`idoc`, `cxml`, …).
pub fn build_adapters(ids: &[&str]) -> Result<Vec<PathBuf>, BuildError> {
    let known = bundled_ids();
    for id in ids {
        if !known.iter().any(|k| k == id) {
            return Err(BuildError::Unknown((*id).to_owned(), known.join(", ")));
        }
    }
    let packages: Vec<String> = ids.iter().map(|id| format!("wharf-plugin-{id}")).collect();
    let names: Vec<&str> = packages.iter().map(String::as_str).collect();
    build_packages(&names)
}
