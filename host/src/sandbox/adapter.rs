//! One loaded adapter: its compiled, pre-instantiated component and the three calls the host
//! makes (`decode`, `encode`, `acknowledge`), each in a fresh store under the adapter's limits.
//!
//! A trap, a panic, a timeout or a limit breach becomes a [`CallError`] naming the adapter and,
//! where one was broken, the limit. The adapter's own typed errors become
//! [`CallError::Rejected`] with the location the adapter gave. How a call runs (its store,
//! deadline and cost) is [`super::call`]'s.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};
use wasmtime::Store;

use crate::model;

use super::bindings::{self, AdapterPre};
use super::call::{CallCost, CallError, classify, cost, new_store, within_deadline};
use super::capabilities::{CallScope, CallState};
use super::code::CodeSource;
use super::convert;
use super::engine::SandboxEngine;
use super::failure::AdapterFailure;
use super::limits::{LimitBreach, Limits};

/// What an adapter says about itself, checked and in model terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterInfo {
    pub id: String,
    pub version: String,
    pub contract: String,
    pub standards: Vec<String>,
    pub decodes: Vec<model::DocType>,
    pub encodes: Vec<model::DocType>,
    pub acknowledges: bool,
    pub config_keys: Vec<ConfigKeyInfo>,
    /// SHA-256 of the component bytes, lower-case hex.
    pub digest: String,
    pub size_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigKeyInfo {
    pub name: String,
    pub description: String,
    pub required: bool,
}

impl AdapterInfo {
    /// `id@version`, the name agreements and audit entries use.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

/// Documents an adapter decoded, with the problems it tolerated.
#[derive(Debug, Clone)]
pub struct DecodeOutcome {
    pub documents: Vec<model::CanonicalDocument>,
    pub warnings: Vec<AdapterFailure>,
    /// Parts of the input the adapter refused while reading the rest.
    pub rejected: Vec<AdapterFailure>,
    pub cost: CallCost,
}

/// Wire bytes an adapter encoded.
#[derive(Debug, Clone)]
pub struct EncodeOutcome {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub envelope: model::Envelope,
    pub cost: CallCost,
}

/// The engine, the compiled component and its limits: everything a call needs.
pub struct LoadedAdapter {
    pub info: AdapterInfo,
    pub limits: Limits,
    /// The linked component; filled on the first call when `source` is set.
    code: OnceCell<AdapterPre<CallState>>,
    /// Where the code comes from on the first call, for an adapter registered before its code
    /// was loaded ([`super::code::LazyCode`]).
    source: Option<Box<dyn CodeSource>>,
    engine: Arc<SandboxEngine>,
    permits: Semaphore,
}

impl std::fmt::Debug for LoadedAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedAdapter")
            .field("info", &self.info)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl LoadedAdapter {
    pub(crate) fn new(
        info: AdapterInfo,
        limits: Limits,
        pre: AdapterPre<CallState>,
        engine: Arc<SandboxEngine>,
    ) -> Self {
        Self::with_code(info, limits, OnceCell::new_with(Some(pre)), None, engine)
    }

    /// An adapter whose code `source` gives on its first call.
    pub(crate) fn lazy(
        info: AdapterInfo,
        limits: Limits,
        source: Box<dyn CodeSource>,
        engine: Arc<SandboxEngine>,
    ) -> Self {
        Self::with_code(info, limits, OnceCell::new(), Some(source), engine)
    }

    fn with_code(
        info: AdapterInfo,
        limits: Limits,
        code: OnceCell<AdapterPre<CallState>>,
        source: Option<Box<dyn CodeSource>>,
        engine: Arc<SandboxEngine>,
    ) -> Self {
        LoadedAdapter {
            permits: Semaphore::new(limits.max_concurrency as usize),
            info,
            limits,
            code,
            source,
            engine,
        }
    }

    /// Whether the adapter's code is loaded (it was called, or installed eagerly).
    pub fn code_loaded(&self) -> bool {
        self.code.initialized()
    }

    /// How many calls of this adapter hold one of its concurrency permits now.
    pub fn calls_in_flight(&self) -> usize {
        (self.limits.max_concurrency as usize).saturating_sub(self.permits.available_permits())
    }

    /// Asks a freshly instantiated component who it is.
    pub(crate) async fn describe(
        pre: &AdapterPre<CallState>,
        engine: &SandboxEngine,
        limits: &Limits,
    ) -> Result<bindings::Descriptor, CallError> {
        let label = "adapter being installed".to_owned();
        let mut store = new_store(engine, &label, limits, CallScope::default());
        let started = store.data().started;
        let outcome = within_deadline(limits, started, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.call_describe(&mut store).await
        })
        .await;
        outcome.map_err(|e| classify(&label, e, &store))
    }

    /// Instantiates the adapter in a fresh store and asks it to describe itself: the cost of a
    /// call with no work in it, and a check that the adapter still runs.
    pub async fn probe(&self) -> Result<(), CallError> {
        let _slot = self.acquire().await;
        let pre = self.code().await?;
        let mut store = self.store(CallScope::default());
        let started = store.data().started;
        let outcome = within_deadline(&self.limits, started, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.call_describe(&mut store).await
        })
        .await;
        outcome
            .map(|_| ())
            .map_err(|e| classify(&self.info.reference(), e, &store))
    }

    /// Decodes wire bytes into canonical documents.
    pub async fn decode(
        &self,
        scope: CallScope,
        bytes: Vec<u8>,
        content_type: Option<String>,
    ) -> Result<DecodeOutcome, CallError> {
        self.decode_metered(scope, bytes, content_type).await.0
    }

    /// Like [`LoadedAdapter::decode`], with what the call cost whether it succeeded or not.
    pub async fn decode_metered(
        &self,
        scope: CallScope,
        bytes: Vec<u8>,
        content_type: Option<String>,
    ) -> (Result<DecodeOutcome, CallError>, CallCost) {
        let _slot = self.acquire().await;
        let pre = match self.code().await {
            Ok(pre) => pre,
            Err(e) => return (Err(e), CallCost::default()),
        };
        let context = call_context(&scope);
        let mut store = self.store(scope);
        let started = store.data().started;
        let input = bindings::Inbound {
            bytes,
            content_type,
            context,
        };
        let outcome = within_deadline(&self.limits, started, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.call_decode(&mut store, &input).await
        })
        .await;
        let cost = cost(&self.engine, &store);
        let decoded = self
            .finish(outcome, &store)
            .and_then(|d| self.decoded(d, cost));
        (decoded, cost)
    }

    fn decoded(
        &self,
        decoded: bindings::Decoded,
        cost: CallCost,
    ) -> Result<DecodeOutcome, CallError> {
        let mut documents = Vec::with_capacity(decoded.documents.len());
        let mut size = 0;
        for document in &decoded.documents {
            let (document, bytes) =
                convert::document_to_model(document).map_err(|e| self.bad_output(e))?;
            size += bytes;
            // Stop converting as soon as the limit is passed: the rest would be thrown away.
            self.check_output(size)?;
            documents.push(document);
        }
        Ok(DecodeOutcome {
            documents,
            warnings: decoded
                .warnings
                .into_iter()
                .map(AdapterFailure::from)
                .collect(),
            rejected: decoded
                .rejected
                .into_iter()
                .map(AdapterFailure::from)
                .collect(),
            cost,
        })
    }

    /// Encodes one canonical document into wire bytes, with the control number the host assigned.
    pub async fn encode(
        &self,
        scope: CallScope,
        document: &model::CanonicalDocument,
        control_number: String,
        timestamp: String,
    ) -> Result<EncodeOutcome, CallError> {
        let document = convert::document_from_model(document).map_err(|e| self.bad_output(e))?;
        let _slot = self.acquire().await;
        let pre = self.code().await?;
        let context = encode_context(&scope, control_number, timestamp);
        let mut store = self.store(scope);
        let started = store.data().started;
        let outcome = within_deadline(&self.limits, started, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.call_encode(&mut store, &document, &context).await
        })
        .await;
        let cost = cost(&self.engine, &store);
        let encoded = self.finish(outcome, &store)?;
        self.encoded(encoded, cost)
    }

    /// Renders a functional acknowledgment, or `None` where the adapter's standard has none.
    pub async fn acknowledge(
        &self,
        scope: CallScope,
        ack: &model::FunctionalAck,
        control_number: String,
        timestamp: String,
    ) -> Result<Option<EncodeOutcome>, CallError> {
        let ack = convert::functional_ack_from_model(ack).map_err(|e| self.bad_output(e))?;
        let _slot = self.acquire().await;
        let pre = self.code().await?;
        let context = encode_context(&scope, control_number, timestamp);
        let mut store = self.store(scope);
        let started = store.data().started;
        let outcome = within_deadline(&self.limits, started, async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance.call_acknowledge(&mut store, &ack, &context).await
        })
        .await;
        let cost = cost(&self.engine, &store);
        match self.finish(outcome, &store)? {
            Some(encoded) => self.encoded(encoded, cost).map(Some),
            None => Ok(None),
        }
    }

    async fn acquire(
        &self,
    ) -> (
        tokio::sync::SemaphorePermit<'_>,
        tokio::sync::SemaphorePermit<'_>,
    ) {
        // Neither semaphore is ever closed, so acquiring cannot fail.
        let own = self
            .permits
            .acquire()
            .await
            .expect("adapter semaphore is never closed");
        let slot = self
            .engine
            .slots
            .acquire()
            .await
            .expect("pool semaphore is never closed");
        (own, slot)
    }

    fn store(&self, scope: CallScope) -> Store<CallState> {
        new_store(&self.engine, &self.info.reference(), &self.limits, scope)
    }

    /// The linked component, loaded first if it was registered without it; before any call's
    /// clock starts, so that loading (or compiling again) never counts against its deadline.
    async fn code(&self) -> Result<&AdapterPre<CallState>, CallError> {
        self.code
            .get_or_try_init(|| async {
                match &self.source {
                    Some(source) => source.load().await.map_err(|e| e.to_string()),
                    None => Err("it was registered without code".to_owned()),
                }
            })
            .await
            .map_err(|reason| CallError::Unavailable {
                adapter: self.info.reference(),
                reason,
            })
    }

    fn finish<T>(
        &self,
        outcome: wasmtime::Result<Result<T, bindings::AdapterError>>,
        store: &Store<CallState>,
    ) -> Result<T, CallError> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(rejection)) => Err(CallError::Rejected(AdapterFailure::from(rejection))),
            Err(e) => Err(classify(&self.info.reference(), e, store)),
        }
    }

    fn encoded(
        &self,
        encoded: bindings::Encoded,
        cost: CallCost,
    ) -> Result<EncodeOutcome, CallError> {
        self.check_output(encoded.bytes.len())?;
        Ok(EncodeOutcome {
            cost,
            envelope: convert::envelope_to_model(&encoded.envelope)
                .map_err(|e| self.bad_output(e))?,
            bytes: encoded.bytes,
            content_type: encoded.content_type,
        })
    }

    fn check_output(&self, size: usize) -> Result<(), CallError> {
        if size > self.limits.max_output_bytes() {
            return Err(CallError::Limit {
                adapter: self.info.reference(),
                breach: LimitBreach::Output {
                    limit_kib: self.limits.max_output_kib,
                    actual_bytes: size,
                },
            });
        }
        Ok(())
    }

    fn bad_output(&self, e: convert::ConvertError) -> CallError {
        CallError::BadOutput {
            adapter: self.info.reference(),
            reason: e.to_string(),
        }
    }
}

fn call_context(scope: &CallScope) -> bindings::CallContext {
    bindings::CallContext {
        agreement: scope.agreement.clone(),
        partner: scope.partner.clone(),
        correlation_id: scope.correlation_id.clone(),
    }
}

fn encode_context(
    scope: &CallScope,
    control_number: String,
    timestamp: String,
) -> bindings::EncodeContext {
    bindings::EncodeContext {
        context: call_context(scope),
        control_number,
        timestamp,
    }
}
