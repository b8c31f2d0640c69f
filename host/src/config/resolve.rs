//! Turns a [`RawConfig`] into [`Settings`], refusing anything inconsistent with a message that
//! names the field.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ApiKeyHash;
use super::raw::{Direction, RawConfig, UnknownOrders};
use super::{
    Agreement, DeliverySettings, EdgeSettings, Partner, ProcessingSettings, Rate, Route, Settings,
    SigningSecret,
};
use crate::model::DocType;

/// Where secrets come from: the process environment in production, a map in tests.
pub trait SecretSource {
    fn secret(&self, name: &str) -> Option<String>;
}

/// Reads secrets from environment variables.
#[derive(Debug, Clone, Copy, Default)]
pub struct Environment;

impl SecretSource for Environment {
    fn secret(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl SecretSource for BTreeMap<String, String> {
    fn secret(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {0}")]
    Read(String),
    #[error("cannot parse config {0}")]
    Parse(String),
    #[error("config: {0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(message.into())
}

fn absolute(base: &Path, path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

/// Where the store lives: the database URL and the audit anchor's path.
pub(super) fn storage(raw: &RawConfig, base: &Path) -> (String, PathBuf) {
    let data_dir = absolute(base, &raw.server.data_dir);
    let database_url = if raw.server.database_url.is_empty() {
        format!("sqlite://{}", data_dir.join("wharf.db").display())
    } else {
        raw.server.database_url.clone()
    };
    let audit_anchor = if raw.server.audit_anchor.is_empty() {
        data_dir.join("audit-anchor.json")
    } else {
        absolute(base, &raw.server.audit_anchor)
    };
    (database_url, audit_anchor)
}

pub(super) fn resolve(
    raw: RawConfig,
    base: &Path,
    secrets: &dyn SecretSource,
) -> Result<Settings, ConfigError> {
    let listen = raw
        .server
        .listen
        .parse()
        .map_err(|e| invalid(format!("server.listen {:?}: {e}", raw.server.listen)))?;
    let data_dir = absolute(base, &raw.server.data_dir);
    let (database_url, audit_anchor) = storage(&raw, base);
    if raw.server.database_max_connections.is_some_and(|n| n < 2) {
        return Err(invalid(
            "server.database_max_connections must be at least 2 (the writer keeps one of its own)",
        ));
    }
    if raw.server.max_body_kib == 0 {
        return Err(invalid("server.max_body_kib must be above 0"));
    }
    if raw.server.adapters_sync_ms == 0 {
        return Err(invalid("server.adapters_sync_ms must be above 0"));
    }
    raw.limits
        .check()
        .map_err(|e| invalid(format!("limits: {e}")))?;
    for (id, limits) in &raw.adapter_limits {
        limits
            .check()
            .map_err(|e| invalid(format!("adapter_limits.{id}: {e}")))?;
        if limits.sets_install_bounds() {
            return Err(invalid(format!(
                "adapter_limits.{id}: max_component_mib and compile_timeout_ms bound every \
                 installation, before an adapter's id is known; set them under [limits]"
            )));
        }
    }
    let d = &raw.delivery;
    if d.timeout_ms == 0 || d.poll_interval_ms == 0 || d.retry_for_s == 0 {
        return Err(invalid(
            "delivery.timeout_ms, poll_interval_ms and retry_for_s must be above 0",
        ));
    }
    if d.max_in_flight == 0 || d.max_in_flight_per_endpoint == 0 || d.breaker_failures == 0 {
        return Err(invalid(
            "delivery.max_in_flight, max_in_flight_per_endpoint and breaker_failures must be above 0",
        ));
    }
    let p = &raw.processing;
    if p.claim_batch == 0 || p.lease_ms < 1_000 || p.poll_interval_ms == 0 {
        return Err(invalid(
            "processing.claim_batch and poll_interval_ms must be above 0, and lease_ms at least 1000",
        ));
    }
    if p.retry_initial_ms > p.retry_max_ms {
        return Err(invalid("processing.retry_initial_ms exceeds retry_max_ms"));
    }
    let default_signing = secrets.secret(&d.signing_secret_env);
    if d.initial_backoff_ms > d.max_backoff_ms {
        return Err(invalid(
            "delivery.initial_backoff_ms exceeds max_backoff_ms",
        ));
    }

    let e = &raw.edge;
    if e.max_connections == 0
        || e.header_timeout_ms == 0
        || e.body_timeout_ms == 0
        || e.partner_rate_per_s == 0
        || e.partner_burst == 0
        || e.anonymous_rate_per_s == 0
        || e.rejected_retention_hours == 0
    {
        return Err(invalid(
            "edge.max_connections, header_timeout_ms, body_timeout_ms, partner_rate_per_s, \
             partner_burst, anonymous_rate_per_s and rejected_retention_hours must be above 0",
        ));
    }
    let edge = EdgeSettings {
        max_connections: e.max_connections,
        header_timeout: std::time::Duration::from_millis(e.header_timeout_ms),
        body_timeout: std::time::Duration::from_millis(e.body_timeout_ms),
        anonymous_rate_per_s: e.anonymous_rate_per_s,
        rejected_prefix_bytes: e.rejected_prefix_bytes,
        drain_max_bytes: (e.drain_max_kib as u64).saturating_mul(1024),
        rejected_max_bytes: (e.rejected_max_kib as i64).saturating_mul(1024),
        rejected_retention_ms: (e.rejected_retention_hours as i64).saturating_mul(3_600_000),
    };

    let mut partners = BTreeMap::new();
    for p in raw.partners {
        let mut api_keys = Vec::new();
        for name in &p.api_key_envs {
            let key = secrets.secret(name).ok_or_else(|| {
                invalid(format!(
                    "partner {}: environment variable {name} is not set",
                    p.id
                ))
            })?;
            api_keys.push(ApiKeyHash::of(&key));
        }
        for hash in &p.api_key_sha256 {
            api_keys.push(
                ApiKeyHash::from_hex(hash).map_err(|e| {
                    invalid(format!("partner {}: api_key_sha256 {hash:?}: {e}", p.id))
                })?,
            );
        }
        let rate = Rate {
            per_s: p.rate_per_s.unwrap_or(e.partner_rate_per_s),
            burst: p.burst.unwrap_or(e.partner_burst),
        };
        if rate.per_s == 0 || rate.burst == 0 {
            return Err(invalid(format!(
                "partner {}: rate_per_s and burst must be above 0",
                p.id
            )));
        }
        let partner = Partner {
            rate,
            name: if p.name.is_empty() {
                p.id.clone()
            } else {
                p.name
            },
            id: p.id.clone(),
            api_keys,
        };
        if partners.insert(p.id.clone(), partner).is_some() {
            return Err(invalid(format!("partner {} is defined twice", p.id)));
        }
    }

    let mut agreements = BTreeMap::new();
    for a in raw.agreements {
        if !partners.contains_key(&a.partner) {
            return Err(invalid(format!(
                "agreement {}: unknown partner {}",
                a.id, a.partner
            )));
        }
        let doc_types = a
            .doc_types
            .iter()
            .map(|t| t.parse::<DocType>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("agreement {}: {e}", a.id)))?;
        match (a.direction, &a.endpoint) {
            (Direction::Outbound, None) => {
                return Err(invalid(format!(
                    "agreement {}: an outbound agreement needs an endpoint",
                    a.id
                )));
            }
            (Direction::Outbound, Some(url)) => {
                reqwest::Url::parse(url)
                    .map_err(|e| invalid(format!("agreement {}: endpoint {url:?}: {e}", a.id)))?;
            }
            (Direction::Inbound, _) => {}
        }
        let shared_secret = match &a.shared_secret_env {
            Some(name) => Some(ApiKeyHash::of(&secrets.secret(name).ok_or_else(|| {
                invalid(format!(
                    "agreement {}: environment variable {name} is not set",
                    a.id
                ))
            })?)),
            None => None,
        };
        if shared_secret.is_some() && a.direction != Direction::Inbound {
            return Err(invalid(format!(
                "agreement {}: shared_secret_env applies to inbound agreements only",
                a.id
            )));
        }
        if a.acknowledge_to.is_some() && a.direction != Direction::Inbound {
            return Err(invalid(format!(
                "agreement {}: acknowledge_to applies to inbound agreements only",
                a.id
            )));
        }
        let signing_secrets = signing_secrets(
            &a.id,
            a.direction,
            &a.signing_secret_envs,
            default_signing.as_deref(),
            &d.signing_secret_env,
            secrets,
        )?;
        if a.unknown_orders != UnknownOrders::default() && a.direction != Direction::Inbound {
            return Err(invalid(format!(
                "agreement {}: unknown_orders applies to inbound agreements only",
                a.id
            )));
        }
        let deadlines = deadlines(&a)?;
        let agreement = Agreement {
            deadlines,
            signing_secrets,
            unknown_orders: a.unknown_orders,
            acknowledge_to: a.acknowledge_to,
            mode: a.mode,
            shared_secret,
            id: a.id.clone(),
            partner: a.partner,
            direction: a.direction,
            adapter: a.adapter,
            endpoint: a.endpoint,
            doc_types,
            config: Arc::new(a.config),
        };
        if agreements
            .insert(a.id.clone(), Arc::new(agreement))
            .is_some()
        {
            return Err(invalid(format!("agreement {} is defined twice", a.id)));
        }
    }

    for agreement in agreements.values() {
        if let Some(target) = &agreement.acknowledge_to {
            match agreements.get(target) {
                Some(t) if t.direction == Direction::Outbound => {}
                Some(_) => {
                    return Err(invalid(format!(
                        "agreement {}: acknowledge_to {target} is not an outbound agreement",
                        agreement.id
                    )));
                }
                None => {
                    return Err(invalid(format!(
                        "agreement {}: acknowledge_to names unknown agreement {target}",
                        agreement.id
                    )));
                }
            }
        }
    }

    let mut routes = Vec::new();
    let mut seen = BTreeSet::new();
    for r in raw.routes {
        let doc_type: DocType = r
            .doc_type
            .parse()
            .map_err(|e| invalid(format!("route to {}: {e}", r.to)))?;
        let target = agreements
            .get(&r.to)
            .ok_or_else(|| invalid(format!("route {doc_type} → {}: unknown agreement", r.to)))?;
        if target.direction != Direction::Outbound {
            return Err(invalid(format!(
                "route {doc_type} → {}: the agreement is not outbound",
                r.to
            )));
        }
        if let Some(from) = &r.from
            && !partners.contains_key(from)
        {
            return Err(invalid(format!(
                "route {doc_type} → {}: unknown partner {from}",
                r.to
            )));
        }
        if !seen.insert((doc_type, r.from.clone(), r.to.clone())) {
            return Err(invalid(format!(
                "route {doc_type} → {} is defined twice",
                r.to
            )));
        }
        routes.push(Route {
            doc_type,
            from: r.from,
            to: r.to,
        });
    }

    let exceptions = super::owners::resolve(
        &raw.exceptions,
        default_signing.as_deref(),
        &d.signing_secret_env,
    )?;
    let matching = super::matching::resolve(
        &raw.matching,
        |p| partners.contains_key(p),
        |a| {
            agreements
                .get(a)
                .is_some_and(|a| a.direction == Direction::Outbound)
        },
    )?;
    let suppliers = |raw: &super::raw::RawSuppliers| {
        if raw
            .required_certifications
            .iter()
            .any(|c| c.trim().is_empty())
        {
            return Err(ConfigError::Invalid(
                "suppliers.required_certifications names an empty certification".into(),
            ));
        }
        Ok(crate::suppliers::SupplierRules {
            required_certifications: raw.required_certifications.clone(),
        })
    };
    let admin_token = secrets
        .secret(&raw.server.admin_token_env)
        .map(|token| ApiKeyHash::of(&token));

    Ok(Settings {
        listen,
        adapters_dir: absolute(base, &raw.server.adapters_dir),
        adapters_sync: std::time::Duration::from_millis(raw.server.adapters_sync_ms),
        data_dir,
        database_url,
        database_max_connections: raw.server.database_max_connections,
        max_body_bytes: raw.server.max_body_kib * 1024,
        admin_token,
        edge,
        audit_anchor,
        processing: ProcessingSettings {
            workers: match p.workers {
                0 => std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2),
                n => n,
            },
            claim_batch: p.claim_batch,
            lease_ms: p.lease_ms,
            retry_initial_ms: p.retry_initial_ms,
            retry_max_ms: p.retry_max_ms,
            poll_interval_ms: p.poll_interval_ms,
            deadline_sweep_ms: p.deadline_sweep_ms.max(1),
            max_backlog: p.max_backlog,
            intake_wait_ms: p.intake_wait_ms,
        },
        delivery: DeliverySettings {
            max_attempts: d.max_attempts,
            retry_for_ms: d.retry_for_s * 1_000,
            initial_backoff_ms: d.initial_backoff_ms,
            max_backoff_ms: d.max_backoff_ms,
            timeout_ms: d.timeout_ms,
            poll_interval_ms: d.poll_interval_ms,
            max_in_flight: d.max_in_flight,
            max_in_flight_per_endpoint: d.max_in_flight_per_endpoint,
            breaker_failures: d.breaker_failures,
            breaker_cooldown_ms: d.breaker_cooldown_ms,
        },
        default_limits: raw.limits,
        adapter_limits: raw.adapter_limits,
        partners,
        agreements,
        routes,
        xref: Arc::new(raw.xref),
        exceptions,
        matching,
        suppliers: suppliers(&raw.suppliers)?,
        retention: retention(&raw.retention)?,
    })
}

fn retention(raw: &super::raw::RawRetention) -> Result<super::RetentionSettings, ConfigError> {
    if raw.closed_order_content_days == Some(0) || raw.sweep_ms == 0 {
        return Err(invalid(
            "retention.closed_order_content_days and retention.sweep_ms must be above 0 \
             (leave closed_order_content_days out to keep content for good)",
        ));
    }
    Ok(super::RetentionSettings {
        closed_order_content_ms: raw
            .closed_order_content_days
            .map(|days| i64::from(days) * 86_400_000),
        sweep_ms: raw.sweep_ms,
    })
}

/// An outbound agreement's deadlines, each above zero.
fn deadlines(a: &super::raw::RawAgreement) -> Result<super::AgreementDeadlines, ConfigError> {
    let within = |key: &str, n: Option<u32>, unit_ms: i64| match n {
        Some(0) => Err(invalid(format!(
            "agreement {}: {key} must be above 0",
            a.id
        ))),
        Some(_) if a.direction != Direction::Outbound => Err(invalid(format!(
            "agreement {}: {key} applies to outbound agreements only",
            a.id
        ))),
        n => Ok(n.map(|n| i64::from(n) * unit_ms)),
    };
    Ok(super::AgreementDeadlines {
        functional_ack_ms: within(
            "functional_ack_within_minutes",
            a.functional_ack_within_minutes,
            60_000,
        )?,
        order_response_ms: within(
            "order_response_within_hours",
            a.order_response_within_hours,
            3_600_000,
        )?,
    })
}

/// The secrets an outbound agreement signs with: its own, or the default. Deliveries are
/// always signed, so an outbound agreement with neither is refused.
fn signing_secrets(
    id: &str,
    direction: Direction,
    names: &[String],
    default: Option<&str>,
    default_name: &str,
    secrets: &dyn SecretSource,
) -> Result<Vec<SigningSecret>, ConfigError> {
    if direction != Direction::Outbound {
        if !names.is_empty() {
            return Err(invalid(format!(
                "agreement {id}: signing_secret_envs applies to outbound agreements only"
            )));
        }
        return Ok(Vec::new());
    }
    let texts: Vec<(String, String)> = if names.is_empty() {
        let text = default.ok_or_else(|| {
            invalid(format!(
                "agreement {id}: deliveries are signed; set signing_secret_envs or the \
                 {default_name} environment variable"
            ))
        })?;
        vec![(default_name.to_owned(), text.to_owned())]
    } else {
        names
            .iter()
            .map(|name| {
                secrets
                    .secret(name)
                    .map(|text| (name.clone(), text))
                    .ok_or_else(|| {
                        invalid(format!(
                            "agreement {id}: environment variable {name} is not set"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    texts
        .into_iter()
        .map(|(name, text)| {
            SigningSecret::parse(&text).map_err(|e| invalid(format!("agreement {id}: {name}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        let secrets: BTreeMap<String, String> = [
            ("ERP_KEY".to_owned(), "s3cret".to_owned()),
            (
                "WHARF_SIGNING_SECRET".to_owned(),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            ),
        ]
        .into();
        resolve(raw, Path::new("/srv/wharf"), &secrets)
    }

    const GOOD: &str = r#"
        [[partners]]
        id = "erp"
        api_key_envs = ["ERP_KEY"]
        [[partners]]
        id = "portal"
        [[agreements]]
        id = "erp-in"
        partner = "erp"
        direction = "inbound"
        adapter = "idoc"
        [[agreements]]
        id = "portal-out"
        partner = "portal"
        direction = "outbound"
        adapter = "cxml@0.1.0"
        endpoint = "http://127.0.0.1:9000/cxml"
        [[routes]]
        doc_type = "purchase_order"
        from = "erp"
        to = "portal-out"
    "#;

    #[test]
    fn a_consistent_config_resolves() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.adapters_dir, PathBuf::from("/srv/wharf/adapters"));
        assert_eq!(s.database_url, "sqlite:///srv/wharf/wharf-data/wharf.db");
        assert!(s.partners["erp"].api_keys[0].matches("s3cret"));
        let to: Vec<_> = s
            .destinations(DocType::PurchaseOrder, "erp")
            .iter()
            .map(|a| a.id.clone())
            .collect();
        assert_eq!(to, ["portal-out"]);
        assert!(s.destinations(DocType::PurchaseOrder, "portal").is_empty());
    }

    #[test]
    fn content_is_kept_for_good_unless_retention_says_how_long() {
        assert_eq!(parse(GOOD).unwrap().retention.closed_order_content_ms, None);
        let kept = parse(&format!(
            "{GOOD}\n[retention]\nclosed_order_content_days = 30\n"
        ));
        assert_eq!(
            kept.unwrap().retention.closed_order_content_ms,
            Some(30 * 86_400_000)
        );
        let refused = parse(&format!(
            "{GOOD}\n[retention]\nclosed_order_content_days = 0\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("retention.closed_order_content_days"),
            "{refused}"
        );
    }

    #[test]
    fn the_documented_example_resolves() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example-wharf.toml");
        let secrets: BTreeMap<String, String> = [
            ("ERP_KEY".to_owned(), "k".to_owned()),
            ("PORTAL_CXML_SECRET".to_owned(), "s".to_owned()),
            (
                "PORTAL_SIGNING_SECRET".to_owned(),
                "a portal secret of some length".to_owned(),
            ),
            (
                "WHARF_SIGNING_SECRET".to_owned(),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            ),
        ]
        .into();
        let s = Settings::load(&path, &secrets).unwrap();
        assert_eq!(s.agreements.len(), 5);
        assert!(s.agreements["portal-confirmations"].shared_secret.is_some());
        assert_eq!(s.adapter_limits["idoc"].timeout_ms, 5000);
        assert!(s.partners["portal"].api_keys[0].matches("password"));
        assert_eq!(s.xref["parts"]["SUP-4711"], "MAT-100200");
        assert_eq!(
            s.retention,
            super::super::RetentionSettings {
                closed_order_content_ms: Some(400 * 86_400_000),
                sweep_ms: 3_600_000
            }
        );
        assert_eq!(
            s.exceptions.owner(crate::model::ExceptionKind::Duplicate),
            "edi-team"
        );
        assert_eq!(
            s.exceptions.owner(crate::model::ExceptionKind::Overdue),
            "operations"
        );
        assert!(s.exceptions.webhooks.contains_key("operations"));
        assert_eq!(
            s.agreements["portal-orders"].deadlines.order_response_ms,
            Some(24 * 3_600_000)
        );
    }

    #[test]
    fn deadlines_belong_to_outbound_agreements_and_are_above_zero() {
        let config = |direction: &str, line: &str| {
            let endpoint = if direction == "outbound" {
                "endpoint = \"http://127.0.0.1:9/\""
            } else {
                ""
            };
            let text = format!(
                "[[partners]]\nid = \"p\"\n[[agreements]]\nid = \"a\"\npartner = \"p\"\n\
                 direction = \"{direction}\"\nadapter = \"x12\"\n{endpoint}\n{line}\n"
            );
            let raw: RawConfig = toml::from_str(&text).unwrap();
            let secrets: BTreeMap<String, String> = [(
                "WHARF_SIGNING_SECRET".to_owned(),
                "a-secret-of-some-length".to_owned(),
            )]
            .into();
            resolve(raw, Path::new("/srv"), &secrets)
        };
        let s = config("outbound", "functional_ack_within_minutes = 30").unwrap();
        assert_eq!(
            s.agreements["a"].deadlines.functional_ack_ms,
            Some(1_800_000)
        );
        let err = config("inbound", "order_response_within_hours = 4").unwrap_err();
        assert!(
            err.to_string().contains("outbound agreements only"),
            "{err}"
        );
        let err = config("outbound", "functional_ack_within_minutes = 0").unwrap_err();
        assert!(err.to_string().contains("above 0"), "{err}");
    }

    #[test]
    fn inconsistencies_are_named() {
        let cases = [
            (
                GOOD.replace("to = \"portal-out\"", "to = \"nowhere\""),
                "unknown agreement",
            ),
            (
                GOOD.replace("ERP_KEY", "MISSING_KEY"),
                "MISSING_KEY is not set",
            ),
            (
                GOOD.replace("\"purchase_order\"", "\"po\""),
                "unknown document type \"po\"",
            ),
            (
                GOOD.replace("endpoint = \"http://127.0.0.1:9000/cxml\"", ""),
                "needs an endpoint",
            ),
            (
                GOOD.replace("to = \"portal-out\"", "to = \"erp-in\""),
                "not outbound",
            ),
            (
                format!("{GOOD}\n[server]\nlisten = \"nope\""),
                "server.listen",
            ),
            (format!("{GOOD}\n[server]\nport = 1"), "unknown field"),
            (
                GOOD.replace(
                    "adapter = \"idoc\"",
                    "adapter = \"idoc\"\nacknowledge_to = \"nowhere\"",
                ),
                "acknowledge_to names unknown agreement nowhere",
            ),
            (
                GOOD.replace(
                    "adapter = \"idoc\"",
                    "adapter = \"idoc\"\nacknowledge_to = \"erp-in\"",
                ),
                "is not an outbound agreement",
            ),
            (
                GOOD.replace(
                    "adapter = \"idoc\"",
                    "adapter = \"idoc\"\nshared_secret_env = \"NOPE\"",
                ),
                "NOPE is not set",
            ),
        ];
        for (text, want) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(want), "{want:?} not in {err:?}");
        }
    }
}
