//! Assembles a running host from [`Settings`]: opens the store, starts the sandbox, loads the
//! adapters directory and brings in the adapters the database records ([`crate::adapters`]),
//! and runs the HTTP API, the processing workers, the delivery workers, the deadline sweep,
//! the retention sweep (when `[retention]` sets one) and the adapters' follower until
//! shutdown. Nothing is requeued at start: work a previous run (or another
//! process on the same database) left half done is leased, and comes back when its lease runs
//! out.
//!
//! ```no_run
//! # async fn run(settings: wharf_host::config::Settings) -> Result<(), Box<dyn std::error::Error>> {
//! let host = wharf_host::server::Host::start(settings).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! host.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::adapters::SharedAdapters;
use crate::api::{self, AppState};
use crate::clock::Clock;
use crate::config::Settings;
use crate::delivery::DeliveryWorker;
use crate::engine::Engine;
use crate::engine::retention::RetentionSweep;
use crate::engine::sweep::DeadlineSweep;
use crate::governance::rate::RateLimits;
use crate::sandbox::{AdapterRegistry, RegistrySettings, SandboxEngine, SandboxError};
use crate::store::messages::RejectedKeep;
use crate::store::wake::Work;
use crate::store::{Store, StoreError, StoreOptions, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error("cannot serve HTTP: {0}")]
    Serve(#[from] std::io::Error),
}

/// A host ready to serve.
#[derive(Debug)]
pub struct Host {
    pub state: AppState,
    delivery: Arc<DeliveryWorker>,
}

impl Host {
    pub async fn start(settings: Settings) -> Result<Host, HostError> {
        Host::start_with_clock(settings, Clock::system()).await
    }

    /// Starts a host whose deadlines are measured by `clock` (a manual one in tests).
    pub async fn start_with_clock(settings: Settings, clock: Clock) -> Result<Host, HostError> {
        let settings = Arc::new(settings);
        let store = Store::open_with(
            &settings.database_url,
            StoreOptions {
                anchor: Some(settings.audit_anchor.clone()),
                max_connections: settings.database_max_connections,
            },
        )
        .await?;
        let sandbox = Arc::new(SandboxEngine::new()?);
        tracing::info!(pooling = sandbox.pooling(), "sandbox ready");
        let registry = Arc::new(AdapterRegistry::new(
            sandbox,
            RegistrySettings {
                adapters_dir: Some(settings.adapters_dir.clone()),
                cache_dir: Some(settings.data_dir.join("compiled")),
                default_limits: settings.default_limits,
                limits: settings.adapter_limits.clone(),
            },
        ));
        let loaded = registry.load_dir().await;
        for (path, outcome) in &loaded {
            match outcome {
                Ok(info) => {
                    tracing::info!(adapter = %info.reference(), path = %path.display(), "adapter loaded")
                }
                Err(e) => tracing::error!(path = %path.display(), error = %e, "adapter not loaded"),
            }
        }
        let adapters = Arc::new(SharedAdapters::new(registry.clone(), store.clone()));
        adapters.record_loaded(&loaded).await?;
        // What other replicas installed is here before the first message is taken.
        adapters.sync().await?;
        let outbound = Arc::new(Notify::new());
        let engine = Arc::new(
            Engine::new(
                settings.clone(),
                store.clone(),
                registry.clone(),
                outbound.clone(),
            )
            .with_clock(clock.clone()),
        );
        let delivery = Arc::new(
            DeliveryWorker::new(store.clone(), settings.clone(), registry.clone(), outbound)
                .with_clock(clock.clone()),
        );
        let limits = Arc::new(RateLimits::new(&settings));
        Ok(Host {
            state: AppState {
                settings,
                store,
                registry,
                adapters,
                engine,
                limits,
                clock,
                started_at: now_ms(),
            },
            delivery,
        })
    }

    /// Serves the API on `listener` and runs the workers until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), HostError> {
        let (stop, stopped) = watch::channel(false);
        let wait = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let processor = tokio::spawn(self.state.engine.clone().run(wait(stopped.clone())));
        let delivery = tokio::spawn(self.delivery.clone().run(wait(stopped.clone())));
        // Anything received before this start is waiting; look now rather than at the first tick.
        self.state.engine.wake();
        tracing::info!(address = %listener.local_addr()?, "wharf is listening");
        let pruner = tokio::spawn(prune_refusals(self.state.clone(), wait(stopped.clone())));
        let sweep = DeadlineSweep::new(
            self.state.store.clone(),
            self.state.settings.clone(),
            self.state.clock.clone(),
        );
        let sweeper = tokio::spawn(sweep.run(wait(stopped.clone())));
        let retention = RetentionSweep::new(
            self.state.store.clone(),
            self.state.settings.retention,
            self.state.clock.clone(),
        )
        .map(|sweep| tokio::spawn(sweep.run(wait(stopped.clone()))));
        // Other replicas' commits wake this one's workers (PostgreSQL; returns at once on
        // SQLite, where this process is the only writer).
        let engine = self.state.engine.clone();
        let deliverer = self.delivery.clone();
        let adapters = self.state.adapters.clone();
        let store = self.state.store.clone();
        let stop_listening = wait(stopped.clone());
        let announcements = tokio::spawn(async move {
            let wake = move |work| match work {
                Work::Messages => engine.wake(),
                Work::Deliveries => deliverer.wake(),
                Work::Adapters => adapters.wake(),
            };
            store.listen(wake, stop_listening).await
        });
        let adapters = self.state.adapters.clone();
        let every = self.state.settings.adapters_sync;
        let stop_following = wait(stopped.clone());
        let follower = tokio::spawn(async move { adapters.follow(every, stop_following).await });
        let app = api::router(self.state.clone());
        let served = api::serve::serve(listener, app, self.state.settings.edge, async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await;
        let _ = pruner.await;
        let _ = sweeper.await;
        if let Some(retention) = retention {
            let _ = retention.await;
        }
        let _ = announcements.await;
        let _ = follower.await;
        let _ = processor.await;
        let _ = delivery.await;
        self.state.store.close().await;
        served.map_err(HostError::Serve)
    }
}

/// Drops refusals past their retention now and then, so they go even when no new ones come.
async fn prune_refusals(state: AppState, shutdown: impl std::future::Future<Output = ()>) {
    let edge = state.settings.edge;
    let keep = RejectedKeep {
        max_bytes: edge.rejected_max_bytes,
        retention_ms: edge.rejected_retention_ms,
    };
    let every =
        Duration::from_millis((edge.rejected_retention_ms / 10).clamp(1_000, 600_000) as u64);
    tokio::pin!(shutdown);
    loop {
        match state.store.prune_rejected(keep).await {
            Ok(0) => {}
            Ok(dropped) => tracing::info!(dropped, "old refusals dropped"),
            Err(e) => tracing::warn!(error = %e, "could not prune refusals"),
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
