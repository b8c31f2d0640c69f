//! The golden cases in `tests/golden/`: portal JSON in, canonical JSON (or a located error)
//! out, and canonical JSON in, portal JSON out. Wire files end in `.portal-json`, since
//! `.json` names the canonical side. See `wharf_guest_sdk::testing` for the file naming.

#[test]
fn golden_cases() {
    wharf_guest_sdk::testing::run_golden::<wharf_plugin_portal_json::PortalJsonAdapter>(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden"
    ));
}
