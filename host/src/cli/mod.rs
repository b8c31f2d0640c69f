//! The `wharf` command: `serve`, `decode`, `encode`, `plugin install|list|remove`,
//! `messages reprocess`, `dead-letters list|replay`, `exceptions list|show|acknowledge|resolve|
//! override`, `audit verify`, `demo`.
//! Each subcommand has its own file; `main.rs` only parses and dispatches.

pub mod audit;
pub mod bundled;
pub mod codec;
pub mod demo;
pub mod exceptions;
pub mod operate;
pub mod plugin;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wharf",
    version,
    about = "Wharf: a WebAssembly plugin host for B2B supply-chain integration"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the running host answers, for the commands that operate one.
#[derive(Debug, Clone, clap::Args)]
pub struct HostUrl {
    /// The host's base URL.
    #[arg(
        long = "url",
        env = "WHARF_URL",
        default_value = "http://127.0.0.1:7070",
        global = true
    )]
    pub url: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the host: HTTP API, processing and delivery.
    Serve {
        /// The configuration file.
        #[arg(long, default_value = "wharf.toml")]
        config: PathBuf,
        /// The database, in place of the file's `server.database_url`: `sqlite://PATH` or
        /// `postgres://USER@HOST/DATABASE` (several replicas share one PostgreSQL database).
        #[arg(long, env = "WHARF_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Decode a file with an adapter and print its canonical documents as JSON.
    Decode {
        /// Adapter: a `.wasm` path, an installed `id[@version]`, or a bundled adapter's id.
        #[arg(long)]
        adapter: String,
        /// Folder of installed adapters to look in.
        #[arg(long, default_value = "adapters")]
        adapters_dir: PathBuf,
        /// `key=value` settings handed to the adapter as its agreement configuration.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        settings: Vec<String>,
        file: PathBuf,
    },
    /// Encode a canonical JSON document with an adapter and print the wire bytes.
    Encode {
        #[arg(long)]
        adapter: String,
        #[arg(long, default_value = "adapters")]
        adapters_dir: PathBuf,
        /// The document type the file holds (`purchase_order`, `order_response`, …).
        #[arg(long)]
        doc_type: String,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        settings: Vec<String>,
        /// Control number to write into the envelope.
        #[arg(long, default_value = "1")]
        control_number: String,
        file: PathBuf,
    },
    /// Install, list or remove adapters on a running host.
    Plugin {
        #[command(subcommand)]
        action: plugin::PluginAction,
        #[command(flatten)]
        host: HostUrl,
    },
    /// Reprocess failed messages on a running host.
    Messages {
        #[command(subcommand)]
        action: operate::MessagesAction,
        #[command(flatten)]
        host: HostUrl,
    },
    /// List and replay dead letters on a running host.
    DeadLetters {
        #[command(subcommand)]
        action: operate::DeadLettersAction,
        #[command(flatten)]
        host: HostUrl,
    },
    /// List the exceptions teams own on a running host, and act on them.
    Exceptions {
        #[command(subcommand)]
        action: exceptions::ExceptionsAction,
        #[command(flatten)]
        host: HostUrl,
    },
    /// Verify the audit trail where it is stored.
    Audit {
        #[command(subcommand)]
        action: audit::AuditAction,
    },
    /// Run a complete order flow on this machine with the bundled adapters and print its trail.
    Demo,
}
