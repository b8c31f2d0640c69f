//! The golden cases in `tests/golden/`: cXML in, canonical JSON (or a located error) out, and
//! canonical JSON in, cXML out. See `wharf_guest_sdk::testing` for the file naming.

#[test]
fn golden_cases() {
    wharf_guest_sdk::testing::run_golden::<wharf_plugin_cxml::CxmlAdapter>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden"
    ));
}
