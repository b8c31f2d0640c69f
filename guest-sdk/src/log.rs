//! Log lines from the adapter into the host's tracing, tagged with the message's correlation id.
//!
//! Outside a wasm host (native unit tests, benchmarks) the lines are dropped.

use crate::bindings::wharf::adapter::log::Level;

fn emit(level: Level, message: &str) {
    #[cfg(target_family = "wasm")]
    crate::bindings::wharf::adapter::log::log(level, message);
    #[cfg(not(target_family = "wasm"))]
    let _ = (level, message);
}

pub fn debug(message: &str) {
    emit(Level::Debug, message);
}

pub fn info(message: &str) {
    emit(Level::Info, message);
}

pub fn warn(message: &str) {
    emit(Level::Warn, message);
}

pub fn error(message: &str) {
    emit(Level::Error, message);
}
