//! `wharf plugin install|list|remove`: manage adapters on a running host through its admin API,
//! authenticated with the operator token from `WHARF_ADMIN_TOKEN`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PluginAction {
    /// Install a component (`.wasm`); the next message uses it, no restart.
    Install { file: PathBuf },
    /// List installed adapters.
    List,
    /// Remove `id@version`, or every version of `id`.
    Remove { reference: String },
}

pub(super) fn token() -> anyhow::Result<String> {
    std::env::var("WHARF_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .context("set WHARF_ADMIN_TOKEN to the host's operator token")
}

pub(super) async fn answer(response: reqwest::Response) -> anyhow::Result<serde_json::Value> {
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        bail!("the host answered {status}: {message}");
    }
    Ok(body)
}

pub async fn run(action: PluginAction, url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let base = format!("{}/admin/v1/adapters", url.trim_end_matches('/'));
    let token = token()?;
    match action {
        PluginAction::Install { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let body = answer(
                client
                    .post(&base)
                    .bearer_auth(&token)
                    .header("content-type", "application/wasm")
                    .body(bytes)
                    .send()
                    .await
                    .with_context(|| format!("cannot reach {url}"))?,
            )
            .await?;
            let a = &body["adapter"];
            println!(
                "installed {}@{} ({})",
                a["id"].as_str().unwrap_or("?"),
                a["version"].as_str().unwrap_or("?"),
                a["digest"].as_str().unwrap_or("?")
            );
        }
        PluginAction::List => {
            let body = answer(
                client
                    .get(&base)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .with_context(|| format!("cannot reach {url}"))?,
            )
            .await?;
            let adapters = body["adapters"].as_array().cloned().unwrap_or_default();
            if adapters.is_empty() {
                println!("no adapters installed");
            }
            for a in adapters {
                println!(
                    "{}@{}\tcontract {}\t{}",
                    a["id"].as_str().unwrap_or("?"),
                    a["version"].as_str().unwrap_or("?"),
                    a["contract"].as_str().unwrap_or("?"),
                    a["standards"]
                        .as_array()
                        .map(|s| s
                            .iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(", "))
                        .unwrap_or_default()
                );
            }
        }
        PluginAction::Remove { reference } => {
            let body = answer(
                client
                    .delete(format!("{base}/{reference}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .with_context(|| format!("cannot reach {url}"))?,
            )
            .await?;
            for a in body["removed"].as_array().cloned().unwrap_or_default() {
                println!(
                    "removed {}@{}",
                    a["id"].as_str().unwrap_or("?"),
                    a["version"].as_str().unwrap_or("?")
                );
            }
        }
    }
    Ok(())
}
