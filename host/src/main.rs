//! The `wharf` binary: parses the command line and hands off to `wharf_host::cli`.

use clap::Parser;
use wharf_host::cli::{Cli, Command, audit, codec, demo, exceptions, operate, plugin};
use wharf_host::config::{Environment, Settings};
use wharf_host::server::Host;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Offline commands print their result on stdout; only problems go to stderr. The demo
    // prints its own trail, so adapters' notes about unmapped fields would only be noise there.
    let filter = match cli.command {
        Command::Demo => "warn,wharf::guest=error",
        Command::Decode { .. } | Command::Encode { .. } | Command::Audit { .. } => "warn",
        _ => "info",
    };
    wharf_host::telemetry::init(filter);
    match run(cli.command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wharf: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            config,
            database_url,
        } => {
            let mut settings = Settings::load(&config, &Environment)?;
            if let Some(url) = database_url.filter(|url| !url.is_empty()) {
                settings.database_url = url;
            }
            let listener = tokio::net::TcpListener::bind(settings.listen).await?;
            let host = Host::start(settings).await?;
            host.serve(listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Decode {
            adapter,
            adapters_dir,
            settings,
            file,
        } => {
            codec::decode(&adapter, &adapters_dir, &settings, &file).await?;
        }
        Command::Encode {
            adapter,
            adapters_dir,
            doc_type,
            settings,
            control_number,
            file,
        } => {
            codec::encode(
                &adapter,
                &adapters_dir,
                &doc_type,
                &settings,
                &control_number,
                &file,
            )
            .await?;
        }
        Command::Plugin { action, host } => plugin::run(action, &host.url).await?,
        Command::Messages { action, host } => operate::messages(action, &host.url).await?,
        Command::DeadLetters { action, host } => operate::dead_letters(action, &host.url).await?,
        Command::Exceptions { action, host } => exceptions::run(action, &host.url).await?,
        Command::Audit { action } => {
            if !audit::run(action).await? {
                anyhow::bail!("the audit trail is broken");
            }
        }
        Command::Demo => demo::run_and_print().await?,
    }
    Ok(())
}
