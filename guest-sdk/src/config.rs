//! The agreement's settings for this adapter, as the operator configured them.
//!
//! Outside a wasm host the values come from [`crate::testing::with_config`], so an adapter's
//! native tests can set them; otherwise every key is unset.

use crate::contract::AdapterError;

/// The value of `key`, or `None` when the agreement does not set it.
pub fn get(key: &str) -> Option<String> {
    #[cfg(target_family = "wasm")]
    return crate::bindings::wharf::adapter::config::get(key);
    #[cfg(not(target_family = "wasm"))]
    return crate::testing::config_value(key);
}

/// The value of `key`, or `default` when unset.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_owned())
}

/// The value of `key`, or a configuration error naming it.
pub fn require(key: &str) -> Result<String, AdapterError> {
    get(key).ok_or_else(|| {
        crate::error::configuration(format!("the agreement does not set the adapter's `{key}`"))
    })
}
