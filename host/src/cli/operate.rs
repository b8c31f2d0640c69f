//! `wharf messages reprocess` and `wharf dead-letters list|replay`: the operator's levers on
//! what is stuck, through a running host's admin API (operator token from `WHARF_ADMIN_TOKEN`).
//! Every action is audited by the host.

use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::plugin::{answer, token};

/// Which messages or dead letters an action takes.
#[derive(Debug, Args)]
pub struct Filter {
    /// These ids (repeatable).
    #[arg(long = "id")]
    pub ids: Vec<String>,
    #[arg(long)]
    pub agreement: Option<String>,
    #[arg(long)]
    pub partner: Option<String>,
    /// From this time on, milliseconds since the epoch.
    #[arg(long)]
    pub since: Option<i64>,
    #[arg(long)]
    pub until: Option<i64>,
}

impl Filter {
    fn to_json(&self) -> Value {
        let mut filter = json!({"ids": self.ids});
        for (key, value) in [("agreement", &self.agreement), ("partner", &self.partner)] {
            if let Some(value) = value {
                filter[key] = json!(value);
            }
        }
        for (key, value) in [("since", self.since), ("until", self.until)] {
            if let Some(value) = value {
                filter[key] = json!(value);
            }
        }
        filter
    }
}

#[derive(Debug, Subcommand)]
pub enum MessagesAction {
    /// Put failed messages back on the queue.
    Reprocess {
        #[command(flatten)]
        filter: Filter,
        /// Only failures with this code (e.g. `adapter.unavailable`).
        #[arg(long)]
        code: Option<String>,
        /// Why, for the audit trail.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeadLettersAction {
    /// List dead letters, newest first.
    List,
    /// Send dead letters again (same delivery id, so the receiver sees one effect).
    Replay {
        #[command(flatten)]
        filter: Filter,
        #[arg(long)]
        doc_type: Option<String>,
    },
}

async fn post(url: &str, path: &str, body: Value) -> anyhow::Result<Value> {
    let response = reqwest::Client::new()
        .post(format!("{}/admin/v1{path}", url.trim_end_matches('/')))
        .bearer_auth(token()?)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    answer(response).await
}

pub async fn messages(action: MessagesAction, url: &str) -> anyhow::Result<()> {
    let MessagesAction::Reprocess {
        filter,
        code,
        reason,
    } = action;
    let mut body = filter.to_json();
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    let answer = post(
        url,
        "/messages/reprocess",
        json!({"filter": body, "reason": reason}),
    )
    .await?;
    let ids = answer["reprocessed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    println!("{} message(s) back on the queue", ids.len());
    for id in ids {
        println!("  {}", id.as_str().unwrap_or("?"));
    }
    Ok(())
}

pub async fn dead_letters(action: DeadLettersAction, url: &str) -> anyhow::Result<()> {
    match action {
        DeadLettersAction::List => {
            let response = reqwest::Client::new()
                .get(format!(
                    "{}/admin/v1/dead-letters",
                    url.trim_end_matches('/')
                ))
                .bearer_auth(token()?)
                .send()
                .await
                .with_context(|| format!("cannot reach {url}"))?;
            let body = answer(response).await?;
            for letter in body["dead_letters"].as_array().cloned().unwrap_or_default() {
                println!(
                    "{}  {}  {}  {}",
                    letter["id"].as_str().unwrap_or("?"),
                    letter["agreement"].as_str().unwrap_or("?"),
                    letter["doc_type"].as_str().unwrap_or("?"),
                    letter["last_error"].as_str().unwrap_or("")
                );
            }
        }
        DeadLettersAction::Replay { filter, doc_type } => {
            let mut body = filter.to_json();
            if let Some(doc_type) = doc_type {
                body["doc_type"] = json!(doc_type);
            }
            let answer = post(url, "/dead-letters/replay", body).await?;
            let ids = answer["replayed"].as_array().cloned().unwrap_or_default();
            println!("{} dead letter(s) replayed", ids.len());
        }
    }
    Ok(())
}
