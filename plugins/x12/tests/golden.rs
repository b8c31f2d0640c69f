//! Golden cases: X12 files this team wrote → canonical JSON, canonical JSON → X12, and the
//! rendered error for every input that must fail.

#[test]
fn golden_cases() {
    wharf_guest_sdk::testing::run_golden::<wharf_plugin_x12::X12Adapter>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden"
    ));
}
