//! The work the transform benches time, in the sandbox and natively: a bundled adapter's
//! decode, and the purchase orders it yields encoded by `cxml` as cXML OrderRequests.

use std::collections::BTreeMap;
use std::sync::Arc;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::{Decoded, Inbound};
use wharf_host::cli::bundled;
use wharf_host::sandbox::{
    AdapterRegistry, CallScope, LoadedAdapter, RegistrySettings, SandboxEngine,
};

use super::fixtures::CXML_CONFIG;

/// A registry on `engine` with the bundled adapters `ids` built and installed.
pub async fn bundled_registry(engine: Arc<SandboxEngine>, ids: &[&str]) -> AdapterRegistry {
    let components = bundled::build_adapters(ids).expect("adapters build");
    let registry = AdapterRegistry::new(engine, RegistrySettings::default());
    for component in &components {
        registry
            .install_file(component)
            .await
            .expect("adapter installs");
    }
    registry
}

/// The `cxml` adapter's call scope: the agreement settings an OrderRequest needs.
pub fn cxml_scope() -> CallScope {
    CallScope {
        config: Arc::new(
            CXML_CONFIG
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..CallScope::default()
    }
}

/// `adapter` decodes `bytes` in the sandbox and `cxml` encodes every document, each in a
/// fresh instance.
pub async fn sandboxed_to_cxml(
    adapter: &LoadedAdapter,
    cxml: &LoadedAdapter,
    cxml_scope: &CallScope,
    bytes: &[u8],
) {
    let decoded = adapter
        .decode(CallScope::default(), bytes.to_vec(), None)
        .await
        .expect("the fixture decodes in the sandbox");
    for document in &decoded.documents {
        let encoded = cxml
            .encode(
                cxml_scope.clone(),
                document,
                "1".into(),
                "2026-01-02T03:04:05+00:00".into(),
            )
            .await
            .expect("the order encodes in the sandbox");
        std::hint::black_box(encoded);
    }
}

/// The same adapter's code, linked into the bench: `x12` or `idoc`.
pub fn native_decode(adapter: &str, bytes: &[u8]) -> Decoded {
    let input = Inbound {
        bytes: bytes.to_vec(),
        content_type: None,
        context: wharf_guest_sdk::testing::call_context(),
    };
    match adapter {
        "x12" => wharf_plugin_x12::X12Adapter::decode(input),
        "idoc" => wharf_plugin_idoc::IdocAdapter::decode(input),
        other => panic!("no native build of adapter {other} in the benches"),
    }
    .expect("the fixture decodes natively")
}

/// [`native_decode`], then every document encoded by the `cxml` adapter's code, natively.
pub fn native_to_cxml(adapter: &str, bytes: &[u8]) {
    wharf_guest_sdk::testing::with_config(&CXML_CONFIG, || {
        for document in native_decode(adapter, bytes).documents {
            let encoded = wharf_plugin_cxml::CxmlAdapter::encode(
                document,
                wharf_guest_sdk::testing::encode_context(),
            )
            .expect("the order encodes natively");
            std::hint::black_box(encoded);
        }
    });
}
