//! stub
use wharf_guest_sdk::canonical::ShipNotice;
use wharf_guest_sdk::contract::AdapterError;
use crate::writer::Out;
pub fn write(_doc: &ShipNotice, _today: &str) -> Result<Vec<Out>, AdapterError> {
    Err(wharf_guest_sdk::error::unsupported("not yet"))
}
