//! `<Classification domain="...">` of a line, both ways, and the one cXML requires.
//!
//! Every cXML version's DTD makes `ItemDetail` (in `ItemOut` and `ItemIn`) hold
//! `Classification+`, and portals that validate refuse an order without one. The canonical
//! model has no classification of its own: a line carries the ones it was read with as
//! extensions `cxml.Classification.<domain>` (see [`crate::order_request`]). A line without any
//! gets the agreement's default (`default_classification_domain`, `UNSPSC` unless set, and
//! `default_classification_value`); without a default it is refused, since an invented
//! commodity code would misfile the spend on the buyer's side. `ShipNoticeItemDetail` and
//! the invoice's item references make it optional, and get only the line's own.

use wharf_guest_sdk::canonical::Extension;
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, log};

use crate::extensions::value_text;
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::settings::optional;

/// Agreement key: the domain of the default classification.
pub const DOMAIN_KEY: &str = "default_classification_domain";
/// Agreement key: the code of the default classification.
pub const VALUE_KEY: &str = "default_classification_value";
/// The domain a default classification has when the agreement names only a value: Ariba
/// and most portals classify by UNSPSC.
const DEFAULT_DOMAIN: &str = "UNSPSC";

/// The `<Classification>` elements a line's extensions carry, in their order.
pub fn write_own(extensions: &[Extension]) -> Vec<Element> {
    extensions
        .iter()
        .filter_map(|extension| {
            let domain = extension.key.strip_prefix(CLASSIFICATION_PREFIX)?;
            Some(
                Element::new("Classification")
                    .attr("domain", domain)
                    .with_text(value_text(&extension.value)),
            )
        })
        .collect()
}

/// The classifications of an `ItemDetail` for the line at `at`: its own, else the
/// agreement's default, else an error that says both ways to fix it.
pub fn write_required(extensions: &[Extension], at: &str) -> Result<Vec<Element>, AdapterError> {
    let own = write_own(extensions);
    if !own.is_empty() {
        return Ok(own);
    }
    let Some(value) = optional(VALUE_KEY) else {
        return Err(error::validation(format!(
            "cXML requires a Classification on every ItemDetail: the line has no \
             {CLASSIFICATION_PREFIX}<domain> extension and the agreement sets no \
             `{VALUE_KEY}` (with `{DOMAIN_KEY}`, UNSPSC by default)"
        ))
        .at_xml(format!("{at}.extensions")));
    };
    let domain = optional(DOMAIN_KEY).unwrap_or_else(|| DEFAULT_DOMAIN.to_owned());
    log::info(&format!(
        "{at}: no classification; the agreement's {domain} {value} is written"
    ));
    Ok(vec![
        Element::new("Classification")
            .attr("domain", domain)
            .with_text(value),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::testing::with_config;
    use wharf_guest_sdk::text_extension;

    #[test]
    fn the_lines_own_classification_wins() {
        let extensions = [text_extension("cxml.Classification.eClass", "23-11-01-01")];
        let written = with_config(&[(VALUE_KEY, "31161500")], || {
            write_required(&extensions, "lines[0]")
        })
        .unwrap();
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].get("domain"), Some("eClass"));
        assert_eq!(written[0].text, "23-11-01-01");
    }

    #[test]
    fn the_agreement_default_stands_in_under_unspsc() {
        let written = with_config(&[(VALUE_KEY, "31161500")], || {
            write_required(&[], "lines[0]")
        })
        .unwrap();
        assert_eq!(written[0].get("domain"), Some("UNSPSC"));
        assert_eq!(written[0].text, "31161500");
        let written = with_config(&[(VALUE_KEY, "4711"), (DOMAIN_KEY, "custom")], || {
            write_required(&[], "lines[0]")
        })
        .unwrap();
        assert_eq!(written[0].get("domain"), Some("custom"));
    }

    #[test]
    fn a_line_without_any_is_refused_where_it_is() {
        let err = with_config(&[], || write_required(&[], "lines[3]")).unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at lines[3].extensions: cXML requires a Classification on every ItemDetail: the line has no cxml.Classification.<domain> extension and the agreement sets no `default_classification_value` (with `default_classification_domain`, UNSPSC by default)"
        );
    }
}
