//! stub
use wharf_guest_sdk::canonical::Invoice;
use wharf_guest_sdk::contract::AdapterError;
use crate::writer::Out;
pub fn write(_doc: &Invoice, _today: &str) -> Result<Vec<Out>, AdapterError> {
    Err(wharf_guest_sdk::error::unsupported("not yet"))
}
