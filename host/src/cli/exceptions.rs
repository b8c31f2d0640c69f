//! `wharf exceptions list|show|acknowledge|retry|release|resolve|override`: the exceptions teams own, through
//! a running host's admin API (operator token from `WHARF_ADMIN_TOKEN`). Every action is
//! audited by the host.

use anyhow::Context;
use clap::Subcommand;
use serde_json::{Value, json};

use super::plugin::{answer, token};

#[derive(Debug, Subcommand)]
pub enum ExceptionsAction {
    /// List exceptions, oldest first.
    List {
        /// `open`, `acknowledged` or `resolved`.
        #[arg(long)]
        state: Option<String>,
        /// `duplicate`, `unknown_order`, `validation`, `delivery_failed`, `rejected`,
        /// `overdue` or `mismatch`.
        #[arg(long = "type")]
        kind: Option<String>,
        /// The owning team.
        #[arg(long)]
        owner: Option<String>,
    },
    /// Show one exception in full, as JSON.
    Show { id: String },
    /// Take an exception on: it stays yours until resolved.
    Acknowledge {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Put the exception's failed message back on the queue (the exception stays; one that
    /// fails again raises a new one).
    Retry {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Let what the exception holds go: an invoice waiting on its match counts as matched
    /// and reaches finance (the exception is resolved).
    Release {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Close an exception.
    Resolve {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Accept what Wharf refused; the reason is required and audited.
    Override {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

fn endpoint(url: &str, path: &str) -> String {
    format!("{}/admin/v1/exceptions{path}", url.trim_end_matches('/'))
}

async fn get(url: &str, path: &str, query: &[(&str, &Option<String>)]) -> anyhow::Result<Value> {
    let query: Vec<(&str, &str)> = query
        .iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (*name, v)))
        .collect();
    let response = reqwest::Client::new()
        .get(endpoint(url, path))
        .query(&query)
        .bearer_auth(token()?)
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    answer(response).await
}

async fn act(url: &str, id: &str, action: &str, reason: Option<String>) -> anyhow::Result<()> {
    let response = reqwest::Client::new()
        .post(endpoint(url, &format!("/{id}/{action}")))
        .bearer_auth(token()?)
        .json(&json!({"reason": reason}))
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let exception = answer(response).await?;
    println!(
        "exception {id} is {}",
        exception["state"].as_str().unwrap_or("?")
    );
    Ok(())
}

pub async fn run(action: ExceptionsAction, url: &str) -> anyhow::Result<()> {
    match action {
        ExceptionsAction::List { state, kind, owner } => {
            let body = get(
                url,
                "",
                &[("state", &state), ("type", &kind), ("owner", &owner)],
            )
            .await?;
            for e in body["exceptions"].as_array().cloned().unwrap_or_default() {
                println!(
                    "{}  {:<15} {:<12} {:<12} {}",
                    e["id"].as_str().unwrap_or("?"),
                    e["type"].as_str().unwrap_or("?"),
                    e["state"].as_str().unwrap_or("?"),
                    e["owner"].as_str().unwrap_or("?"),
                    e["explanation"].as_str().unwrap_or("")
                );
            }
        }
        ExceptionsAction::Show { id } => {
            let exception = get(url, &format!("/{id}"), &[]).await?;
            println!("{}", serde_json::to_string_pretty(&exception)?);
        }
        ExceptionsAction::Acknowledge { id, reason } => {
            act(url, &id, "acknowledge", reason).await?
        }
        ExceptionsAction::Retry { id, reason } => act(url, &id, "retry", reason).await?,
        ExceptionsAction::Release { id, reason } => act(url, &id, "release", reason).await?,
        ExceptionsAction::Resolve { id, reason } => act(url, &id, "resolve", reason).await?,
        ExceptionsAction::Override { id, reason } => {
            act(url, &id, "override", Some(reason)).await?
        }
    }
    Ok(())
}
