//! `wharf decode` and `wharf encode`: run one adapter on one file, outside any host, under the
//! same sandbox and limits as production. Errors are the adapter's own, with their location.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};

use super::bundled;
use crate::model::{CanonicalDocument, DocType, Document, Envelope};
use crate::sandbox::{
    AdapterRegistry, CallError, CallScope, LoadedAdapter, RegistrySettings, SandboxEngine,
};

/// Where the offline commands keep compiled adapters between runs: `$XDG_CACHE_HOME/wharf`,
/// else `~/.cache/wharf`. Compiling a component takes far longer than running it.
fn cache_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .map(|base| base.join("wharf").join("compiled"))
}

fn settings() -> RegistrySettings {
    RegistrySettings {
        cache_dir: cache_dir(),
        ..RegistrySettings::default()
    }
}

/// Finds the adapter a command names: a `.wasm` file, one installed in `adapters_dir`, or a
/// bundled adapter built from this repository.
pub async fn load_adapter(
    reference: &str,
    adapters_dir: &Path,
) -> anyhow::Result<Arc<LoadedAdapter>> {
    let engine = Arc::new(SandboxEngine::new()?);
    let path = Path::new(reference);
    if path.extension().is_some_and(|e| e == "wasm") {
        let registry = AdapterRegistry::new(engine, settings());
        let info = registry
            .install_file(path)
            .await
            .with_context(|| format!("loading {}", path.display()))?;
        return Ok(registry.resolve(&info.reference())?);
    }
    let installed = AdapterRegistry::new(
        engine.clone(),
        RegistrySettings {
            adapters_dir: Some(adapters_dir.to_path_buf()),
            ..settings()
        },
    );
    installed.load_dir().await;
    if let Ok(adapter) = installed.resolve(reference) {
        return Ok(adapter);
    }
    let id = reference.split('@').next().unwrap_or(reference);
    let built = bundled::build_adapters(&[id])?;
    let registry = AdapterRegistry::new(engine, settings());
    for path in built {
        registry.install_file(&path).await?;
    }
    Ok(registry.resolve(reference)?)
}

fn scope(settings: &[String]) -> anyhow::Result<CallScope> {
    let mut config = BTreeMap::new();
    for setting in settings {
        let (key, value) = setting
            .split_once('=')
            .with_context(|| format!("--set {setting:?}: expected KEY=VALUE"))?;
        config.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(CallScope {
        agreement: "cli".into(),
        partner: "cli".into(),
        correlation_id: "cli".into(),
        config: Arc::new(config),
        xref: Arc::default(),
    })
}

fn explain(error: CallError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

/// Decodes `file` and prints its documents as a JSON array.
pub async fn decode(
    reference: &str,
    adapters_dir: &Path,
    settings: &[String],
    file: &Path,
) -> anyhow::Result<()> {
    let adapter = load_adapter(reference, adapters_dir).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let digest = crate::store::messages::digest(&bytes);
    let outcome = adapter
        .decode(scope(settings)?, bytes, None)
        .await
        .map_err(explain)
        .with_context(|| {
            format!(
                "{} could not decode {}",
                adapter.info.reference(),
                file.display()
            )
        })?;
    let documents: Vec<CanonicalDocument> = outcome
        .documents
        .into_iter()
        .map(|mut d| {
            d.envelope.raw_digest = Some(digest.clone());
            d.envelope.adapter = Some(adapter.info.reference());
            d
        })
        .collect();
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    println!("{}", serde_json::to_string_pretty(&documents)?);
    Ok(())
}

/// Reads a canonical document: either a whole `{"envelope", "body"}` or just the body.
fn read_document(text: &str, doc_type: DocType) -> anyhow::Result<CanonicalDocument> {
    let value: serde_json::Value = serde_json::from_str(text).context("the file is not JSON")?;
    let document = if value.get("envelope").is_some() {
        serde_json::from_value::<CanonicalDocument>(value).context("not a canonical document")?
    } else if value.get("body").is_none() && value.as_object().is_some_and(|o| o.len() == 1) {
        CanonicalDocument {
            envelope: bare_envelope(),
            body: serde_json::from_value::<Document>(value)
                .context("not a canonical document body")?,
        }
    } else {
        bail!("expected {{\"envelope\": …, \"body\": {{\"PurchaseOrder\": …}}}} or a bare body");
    };
    if document.body.doc_type() != doc_type {
        bail!(
            "the file holds a {} document, not {doc_type}",
            document.body.doc_type()
        );
    }
    Ok(document)
}

fn bare_envelope() -> Envelope {
    Envelope {
        standard: "canonical".into(),
        version: crate::model::MODEL_VERSION.into(),
        sender: vec![],
        receiver: vec![],
        interchange_control: None,
        group_control: None,
        message_control: None,
        message_type: None,
        test: false,
        created: None,
        raw_digest: None,
        adapter: None,
        extensions: vec![],
    }
}

/// Encodes the document in `file` and writes the wire bytes to stdout.
pub async fn encode(
    reference: &str,
    adapters_dir: &Path,
    doc_type: &str,
    settings: &[String],
    control_number: &str,
    file: &Path,
) -> anyhow::Result<()> {
    let doc_type: DocType = doc_type.parse()?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let document = read_document(&text, doc_type).with_context(|| file.display().to_string())?;
    let adapter = load_adapter(reference, adapters_dir).await?;
    let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let encoded = adapter
        .encode(
            scope(settings)?,
            &document,
            control_number.to_owned(),
            timestamp,
        )
        .await
        .map_err(explain)
        .with_context(|| {
            format!(
                "{} could not encode {}",
                adapter.info.reference(),
                file.display()
            )
        })?;
    use std::io::Write;
    std::io::stdout().write_all(&encoded.bytes)?;
    Ok(())
}
