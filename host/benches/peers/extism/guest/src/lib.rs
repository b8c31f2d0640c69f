//! The suite's trivial transform as an Extism plugin: the input upper-cased, byte for byte,
//! as Wharf's `tests/adapters/echo` does it.

use extism_pdk::{FnResult, plugin_fn};

#[plugin_fn]
pub fn transform(input: Vec<u8>) -> FnResult<Vec<u8>> {
    Ok(input.to_ascii_uppercase())
}
