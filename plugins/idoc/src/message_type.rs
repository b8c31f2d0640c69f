//! Customer message types on standard basic types. Most SAP landscapes send an ORDERS05 under
//! a message type of their own (`ZORDERS`, `/ACME/ORDERS`), set in the partner profile; the
//! basic type (IDOCTYP) still fixes the segments, so such an IDoc is read by its basic type.
//!
//! Which standard message a customer one stands for, in this order:
//! 1. the agreement's `custom_message_types` (`ZPOCONF=ORDRSP, /ACME/CHG=ORDCHG`);
//! 2. the standard message its name starts with once the customer prefix is removed
//!    (`ZORDRSP` → ORDRSP, `/ACME/ORDCHG_IN` → ORDCHG);
//! 3. the basic type's own message (ORDERS for ORDERS05).
//!
//! Each reading comes with a warning located at MESTYP that says which rule chose it. Only
//! names in SAP's customer namespace (Y…, Z…, or a registered `/NAMESPACE/…`) are read so: an
//! unknown name outside it is refused as before.

use wharf_guest_sdk::config;
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

/// The agreement key mapping customer message types to standard ones.
pub const CONFIG_KEY: &str = "custom_message_types";

/// Whether `mestyp` lies in SAP's customer namespace.
pub fn is_customer(mestyp: &str) -> bool {
    mestyp.starts_with(['Y', 'Z'])
        || (mestyp.starts_with('/') && mestyp[1..].find('/').is_some_and(|end| end > 0))
}

/// The standard message type (one of `standard`, the basic type's own first) that the
/// customer type `mestyp` stands for, and the reason, for the warning.
pub fn resolve(
    mestyp: &str,
    standard: &[&'static str],
) -> Result<(&'static str, String), AdapterError> {
    if let Some(mapped) = configured(mestyp)? {
        return match standard.iter().find(|s| **s == mapped) {
            Some(found) => Ok((found, format!("as the agreement's {CONFIG_KEY} says"))),
            None => Err(error::configuration(format!(
                "the agreement's {CONFIG_KEY} maps {mestyp} to {mapped}, which this basic type does not carry (it carries {})",
                standard.join(", ")
            ))),
        };
    }
    let bare = match mestyp.strip_prefix('/') {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, name)| name),
        None => mestyp.get(1..).unwrap_or_default(),
    };
    if let Some(found) = standard.iter().find(|s| bare.starts_with(**s)) {
        return Ok((
            found,
            format!("by its name; set {CONFIG_KEY} to read it otherwise"),
        ));
    }
    let own = standard.first().copied().unwrap_or_default();
    Ok((
        own,
        format!("the basic type's own message; set {CONFIG_KEY} to read it otherwise"),
    ))
}

/// What the agreement maps `mestyp` to, if anything.
fn configured(mestyp: &str) -> Result<Option<String>, AdapterError> {
    let Some(setting) = config::get(CONFIG_KEY) else {
        return Ok(None);
    };
    for entry in setting
        .split([',', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let Some((custom, standard)) = entry.split_once('=') else {
            return Err(error::configuration(format!(
                "the agreement's {CONFIG_KEY} holds {entry:?}; entries read CUSTOM=STANDARD, e.g. ZORDERS=ORDERS"
            )));
        };
        if custom.trim() == mestyp {
            return Ok(Some(standard.trim().to_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::testing::with_config;

    const ORDERS05: &[&str] = &["ORDERS", "ORDRSP", "ORDCHG"];

    #[test]
    fn the_customer_namespace_is_y_z_or_a_registered_prefix() {
        for name in ["ZORDERS", "YPO", "/ACME/ORDERS"] {
            assert!(is_customer(name), "{name}");
        }
        for name in ["ORDERS", "FOO", "//ORDERS", "/ACME"] {
            assert!(!is_customer(name), "{name}");
        }
    }

    #[test]
    fn the_agreement_then_the_name_then_the_basic_type_decide() {
        let config = [(CONFIG_KEY, "ZPOCONF=ORDRSP; /ACME/CHG = ORDCHG")];
        let read = |name| with_config(&config, || resolve(name, ORDERS05)).unwrap().0;
        assert_eq!(read("ZPOCONF"), "ORDRSP");
        assert_eq!(read("/ACME/CHG"), "ORDCHG");
        assert_eq!(read("ZORDRSP2"), "ORDRSP");
        assert_eq!(read("/ACME/ORDCHG_IN"), "ORDCHG");
        assert_eq!(read("ZPURCHASE"), "ORDERS");
    }

    #[test]
    fn a_mapping_to_another_basic_types_message_is_a_configuration_error() {
        let err =
            with_config(&[(CONFIG_KEY, "ZASN=DESADV")], || resolve("ZASN", ORDERS05)).unwrap_err();
        assert_eq!(
            error::render(&err),
            "configuration error: the agreement's custom_message_types maps ZASN to DESADV, which this basic type does not carry (it carries ORDERS, ORDRSP, ORDCHG)"
        );
        let err = with_config(&[(CONFIG_KEY, "ZASN")], || resolve("ZASN", ORDERS05)).unwrap_err();
        assert!(err.message.contains("CUSTOM=STANDARD"), "{err:?}");
    }
}
