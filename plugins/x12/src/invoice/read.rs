//! stub
use wharf_guest_sdk::canonical::Invoice;
use wharf_guest_sdk::contract::AdapterError;
use crate::reader::Place;
use crate::syntax::Segment;
pub fn read(_segments: &[Segment], _place: &Place) -> Result<Invoice, AdapterError> {
    Err(wharf_guest_sdk::error::unsupported("not yet"))
}
