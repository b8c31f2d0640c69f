//! The golden cases in `tests/golden/`: a CSV batch and the agreement's configuration
//! (`NAME.config`) in, canonical JSON (with refused rows) or a located error out, and a
//! canonical document in, the batch's rows out. See `wharf_guest_sdk::testing` for the naming.

#[test]
fn golden_cases() {
    wharf_guest_sdk::testing::run_golden::<wharf_plugin_csv::CsvAdapter>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden"
    ));
}
