//! The host's one `bindgen!` for the `wharf:adapter@0.1.0` world. Generated types never leave
//! `sandbox/`: [`super::convert`] turns them into `model` types at the boundary.

wasmtime::component::bindgen!({
    path: ["../wit/canonical@0.1.0", "../wit/adapter@0.1.0"],
    world: "wharf:adapter/adapter@0.1.0",
    exports: { default: async },
    // The host's own imports may end a call: one that floods them breaks a limit.
    imports: {
        "wharf:adapter/log.log": trappable,
        "wharf:adapter/config.get": trappable,
        "wharf:adapter/xref.lookup": trappable,
    },
    additional_derives: [serde::Serialize, serde::Deserialize],
});

// The world's own `use`s already bring `Descriptor`, `Inbound`, `Decoded`, `Encoded`,
// `EncodeContext`, `AdapterError`, `CanonicalDocument` and `FunctionalAck` to this level.
pub use wharf::adapter::types::{CallContext, ErrorKind, Location};
pub use wharf::canonical::documents::DocType;
