//! Golden cases: every file pair in `tests/golden/` decoded or encoded and compared.

#[test]
fn golden_cases() {
    wharf_guest_sdk::testing::run_golden::<wharf_plugin_edifact::EdifactAdapter>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden"
    ));
}
