//! Cross-reference lookups the operator maintains (partner part number → internal part, ...).
//!
//! Outside a wasm host no table has entries.

/// The value `key` maps to in `table`, when the operator has one.
pub fn lookup(table: &str, key: &str) -> Option<String> {
    #[cfg(target_family = "wasm")]
    return crate::bindings::wharf::adapter::xref::lookup(table, key);
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = (table, key);
        None
    }
}
