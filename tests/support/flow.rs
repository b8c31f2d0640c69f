//! Configurations for the end-to-end tests, built from the pieces they share: the three
//! partners, retry timings in tens of milliseconds, the portal's cXML agreement and the ERP's
//! IDoc agreement. A test names what it adds; the TOML it gets is what an operator would write.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::PARTNERS;

/// The `[agreements.config]` of the portal's cXML outbound agreement.
pub const PORTAL_CXML: &str = r#"from_domain = "NetworkID"
from_identity = "ACME"
to_domain = "NetworkID"
to_identity = "PORTAL"
default_classification_value = "31160000""#;

/// The `[agreements.config]` of the ERP's IDoc outbound agreement.
pub const ERP_IDOC: &str = r#"sender_partner = "WHARF"
sender_port = "WHARF"
receiver_partner = "ERPCLNT100"
receiver_port = "SAPERP""#;

/// A host configuration under construction.
#[derive(Debug, Clone)]
pub struct Flow {
    processing: BTreeMap<&'static str, String>,
    delivery: BTreeMap<&'static str, String>,
    body: String,
}

impl Default for Flow {
    fn default() -> Self {
        Self::new()
    }
}

impl Flow {
    /// The partners and quick timings: a failed attempt is retried after 50 ms, at most 4
    /// times, and workers look for work every 50 ms besides being woken.
    pub fn new() -> Flow {
        let settings = |pairs: &[(&'static str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect::<BTreeMap<_, _>>()
        };
        Flow {
            processing: settings(&[
                ("poll_interval_ms", "50"),
                ("retry_initial_ms", "50"),
                ("retry_max_ms", "200"),
            ]),
            delivery: settings(&[
                ("initial_backoff_ms", "50"),
                ("max_backoff_ms", "200"),
                ("max_attempts", "4"),
                ("poll_interval_ms", "50"),
                ("timeout_ms", "2000"),
            ]),
            body: String::new(),
        }
    }

    /// Sets a key of `[processing]`.
    pub fn processing(mut self, key: &'static str, value: impl ToString) -> Flow {
        self.processing.insert(key, value.to_string());
        self
    }

    /// Sets a key of `[delivery]`.
    pub fn delivery(mut self, key: &'static str, value: impl ToString) -> Flow {
        self.delivery.insert(key, value.to_string());
        self
    }

    /// An inbound agreement; `extra` holds further `key = value` lines (or is empty).
    pub fn inbound(mut self, id: &str, partner: &str, adapter: &str, extra: &str) -> Flow {
        let _ = write!(
            self.body,
            "\n[[agreements]]\nid = \"{id}\"\npartner = \"{partner}\"\ndirection = \"inbound\"\n\
             adapter = \"{adapter}\"\n{}",
            lines(extra)
        );
        self
    }

    /// An outbound agreement to `endpoint`, with its adapter's `[agreements.config]`.
    pub fn outbound(
        self,
        id: &str,
        partner: &str,
        adapter: &str,
        endpoint: &str,
        config: &str,
    ) -> Flow {
        self.outbound_with(id, partner, adapter, endpoint, "", config)
    }

    /// An outbound agreement with further `key = value` lines of its own in `extra`.
    pub fn outbound_with(
        mut self,
        id: &str,
        partner: &str,
        adapter: &str,
        endpoint: &str,
        extra: &str,
        config: &str,
    ) -> Flow {
        let _ = write!(
            self.body,
            "\n[[agreements]]\nid = \"{id}\"\npartner = \"{partner}\"\ndirection = \"outbound\"\n\
             adapter = \"{adapter}\"\nendpoint = \"{endpoint}\"\n{}[agreements.config]\n{}",
            lines(extra),
            lines(config)
        );
        self
    }

    /// `portal-orders`: purchase orders to the portal as cXML.
    pub fn portal_orders(self, endpoint: &str) -> Flow {
        self.outbound("portal-orders", "portal", "cxml", endpoint, PORTAL_CXML)
    }

    /// `erp-responses`: documents to the ERP as IDocs.
    pub fn erp_responses(self, endpoint: &str) -> Flow {
        self.outbound("erp-responses", "erp", "idoc", endpoint, ERP_IDOC)
    }

    /// A route for one document type.
    pub fn route(mut self, doc_type: &str, from: &str, to: &str) -> Flow {
        let _ = write!(
            self.body,
            "\n[[routes]]\ndoc_type = \"{doc_type}\"\nfrom = \"{from}\"\nto = \"{to}\"\n"
        );
        self
    }

    /// Any other TOML, appended as written.
    pub fn raw(mut self, toml: &str) -> Flow {
        self.body.push('\n');
        self.body.push_str(toml);
        self
    }

    /// The configuration file's text.
    pub fn toml(&self) -> String {
        let section = |name: &str, keys: &BTreeMap<&'static str, String>| {
            let mut text = format!("[{name}]\n");
            for (key, value) in keys {
                let _ = writeln!(text, "{key} = {value}");
            }
            text
        };
        format!(
            "{}{}{PARTNERS}{}",
            section("processing", &self.processing),
            section("delivery", &self.delivery),
            self.body
        )
    }
}

fn lines(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!("{text}\n")
    }
}
