//! The cXML wrapper both ways: `<cXML>` with its `<Header>` (From, To, Sender) and the
//! `<Request>` around one request element, against the canonical [`Envelope`].
//!
//! | cXML | envelope |
//! | --- | --- |
//! | `cXML@version` (else the DOCTYPE's version) | `version` |
//! | `cXML@payloadID` | `interchange_control` |
//! | `cXML@timestamp` | `created` |
//! | request element name | `message_type` |
//! | `From/Credential` (domain lower-cased, Identity) | `sender` |
//! | `To/Credential` | `receiver` |
//! | `Request@deploymentMode="test"` | `test` |
//! | `Sender/Credential`, `UserAgent` | extensions `cxml.Sender.*` |
//!
//! Written documents declare the agreement's cXML version (see [`crate::settings`]) in
//! `cXML@version` and in the DOCTYPE, whose DTD file is the one that defines the request
//! ([`dtd_file`]): a validating portal reads only that file.
//!
//! A SharedSecret, CredentialMac or DigitalSignature is never copied anywhere: the host
//! authenticates the partner. Only its presence is kept, as `cxml.<From|To|Sender>.<name>.present`,
//! and for the Sender's SharedSecret its SHA-256 (`credential.sha256`), which the host checks
//! against the agreement's secret.

use wharf_guest_sdk::canonical::{Envelope, Extension, ExtensionValue, Identifier};
use wharf_guest_sdk::contract::{AdapterError, EncodeContext, Encoded};
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{credential, error, id, text_extension};

use crate::extensions::keep_unmapped;
use crate::settings::{Credential, Settings};
use crate::values::{date_attr, iso_date, required_attr};

/// The DTD file that defines `request` (an element inside `<Request>`): cXML publishes its
/// definition in three files, and a validator reads only the one the DOCTYPE names. Which
/// request each file defines is read from the 1.2.063 and 1.2.037 DTDs themselves.
pub fn dtd_file(request: &str) -> &'static str {
    match request {
        "ConfirmationRequest" | "ShipNoticeRequest" => "Fulfill.dtd",
        "InvoiceDetailRequest" => "InvoiceDetail.dtd",
        // OrderRequest, StatusUpdateRequest and the Response, which has no request.
        _ => "cXML.dtd",
    }
}

/// `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/<version>/<file>">`, the system
/// identifier cXML publishes its DTDs under.
pub fn doctype(version: &str, file: &str) -> String {
    format!("<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/{version}/{file}\">")
}

/// Credential children that authenticate rather than identify; never copied.
const SECRETS: &[&str] = &["SharedSecret", "CredentialMac", "DigitalSignature"];

/// The one element inside `<Request>`, or why there is none we can read.
pub fn request_of(root: &Element) -> Result<&Element, AdapterError> {
    if root.name != "cXML" {
        return Err(
            error::unsupported(format!("<{}> is not a cXML document", root.name))
                .at_xml(root.path.clone()),
        );
    }
    // A Response is read by `crate::status`; a Message (one-way, unanswered) is not ours.
    for kind in ["Message"] {
        if let Some(content) = root.first(kind) {
            let inner = content
                .children
                .iter()
                .find(|c| c.name != "Status")
                .or(content.children.first())
                .map(|c| format!(" (<{}>)", c.name))
                .unwrap_or_default();
            return Err(error::unsupported(format!(
                "cXML <{kind}>{inner} is not handled by this adapter; it reads requests only"
            ))
            .at_xml(content.path.clone()));
        }
    }
    let request = root.require("Request")?;
    let mut inner = request.children.iter();
    let first = inner.next().ok_or_else(|| {
        error::validation("<Request> holds no request element").at_xml(request.path.clone())
    })?;
    if let Some(second) = inner.next() {
        return Err(error::validation(format!(
            "<Request> holds more than one request: <{}> after <{}>",
            second.name, first.name
        ))
        .at_xml(second.path.clone()));
    }
    Ok(first)
}

/// The envelope of a cXML request document; `raw` is searched for the DOCTYPE's version when
/// the root does not state one.
pub fn read(root: &Element, raw: &[u8]) -> Result<Envelope, AdapterError> {
    let request = request_of(root)?;
    let version = root
        .get("version")
        .map(str::to_owned)
        .or_else(|| doctype_version(raw))
        // The DTD's default for a missing version is the DTD's own, unknown here beyond 1.2.
        .unwrap_or_else(|| "1.2".to_owned());
    let mut envelope = wharf_guest_sdk::envelope("cxml", &version);
    envelope.interchange_control = Some(required_attr(root, "payloadID")?.to_owned());
    envelope.created = Some(date_attr(root, "timestamp")?);
    envelope.message_type = Some(request.name.clone());
    let out = &mut envelope.extensions;
    keep_unmapped(
        root,
        "cxml",
        &["payloadID", "timestamp", "version", "Header", "Request"],
        out,
    );
    let header = root.require("Header")?;
    envelope.sender = read_credentials(header.require("From")?, out)?;
    envelope.receiver = read_credentials(header.require("To")?, out)?;
    read_sender(header.require("Sender")?, out)?;
    keep_unmapped(header, "cxml.Header", &["From", "To", "Sender"], out);
    let wrapper = root.require("Request")?;
    envelope.test = wrapper.get("deploymentMode").map(str::trim) == Some("test");
    keep_unmapped(
        wrapper,
        "cxml.Request",
        &["deploymentMode", request.name.as_str()],
        out,
    );
    Ok(envelope)
}

/// `1.2.050` from `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd">`.
fn doctype_version(raw: &[u8]) -> Option<String> {
    let head = &raw[..raw.len().min(1024)];
    let marker = b"/cXML/1.";
    let at = head.windows(marker.len()).position(|w| w == marker)? + b"/cXML/".len();
    let version: String = head[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .map(|b| char::from(*b))
        .collect();
    Some(version.trim_end_matches('.').to_owned()).filter(|v| v.len() > 2)
}

struct ReadCredential {
    domain: String,
    identity: String,
}

/// The credentials of `<From>`, `<To>` or `<Sender>`, with secrets reduced to a presence flag.
fn credentials(
    party: &Element,
    out: &mut Vec<Extension>,
) -> Result<Vec<ReadCredential>, AdapterError> {
    let label = party.name.as_str();
    let all: Vec<&Element> = party.all("Credential").collect();
    if all.is_empty() {
        return Err(error::validation(format!("<{label}> has no <Credential>"))
            .at_xml(format!("{}/Credential", party.path)));
    }
    let mut read = Vec::new();
    for (n, credential) in all.iter().enumerate() {
        // The Sender's SharedSecret authenticates the document; the host compares its digest
        // with the agreement's secret.
        if label == "Sender"
            && let Some(secret) = credential.text_of("SharedSecret")
            && !out
                .iter()
                .any(|e| e.key == credential::PRESENTED_SECRET_KEY)
        {
            out.push(credential::presented_secret(secret));
        }
        for secret in SECRETS {
            if credential.first(secret).is_some() {
                let key = format!("cxml.{label}.{secret}.present");
                if !out.iter().any(|e| e.key == key) {
                    out.push(Extension {
                        key,
                        value: ExtensionValue::Flag(true),
                    });
                }
            }
        }
        let base = if all.len() > 1 {
            format!("cxml.{label}.Credential[{}]", n + 1)
        } else {
            format!("cxml.{label}.Credential")
        };
        let mut mapped = vec!["domain", "Identity"];
        mapped.extend_from_slice(SECRETS);
        keep_unmapped(credential, &base, &mapped, out);
        read.push(ReadCredential {
            domain: required_attr(credential, "domain")?.to_owned(),
            identity: credential.require_text("Identity")?.to_owned(),
        });
    }
    Ok(read)
}

fn read_credentials(
    party: &Element,
    out: &mut Vec<Extension>,
) -> Result<Vec<Identifier>, AdapterError> {
    let read = credentials(party, out)?;
    keep_unmapped(party, &format!("cxml.{}", party.name), &["Credential"], out);
    Ok(read
        .into_iter()
        .map(|c| id(c.domain.to_lowercase(), c.identity))
        .collect())
}

fn read_sender(sender: &Element, out: &mut Vec<Extension>) -> Result<(), AdapterError> {
    for (n, credential) in credentials(sender, out)?.into_iter().enumerate() {
        let base = match n {
            0 => "cxml.Sender".to_owned(),
            n => format!("cxml.Sender.Credential[{}]", n + 1),
        };
        out.push(text_extension(
            format!("{base}.Identity"),
            credential.identity,
        ));
        out.push(text_extension(format!("{base}.Domain"), credential.domain));
    }
    if let Some(agent) = sender.text_of("UserAgent") {
        out.push(text_extension("cxml.Sender.UserAgent", agent));
    }
    keep_unmapped(sender, "cxml.Sender", &["Credential", "UserAgent"], out);
    Ok(())
}

/// Wraps `request` (an `<OrderRequest>`, a `<ConfirmationRequest>`) in a full cXML document
/// and describes what was written.
pub fn write(
    request: Element,
    test: bool,
    settings: &Settings,
    context: &EncodeContext,
) -> Encoded {
    let test = test || settings.test;
    let message_type = request.name.clone();
    let version = settings.version.as_str();
    let doctype = doctype(version, dtd_file(&message_type));
    let payload_id = payload_id(context, &settings.payload_domain);
    let header = Element::new("Header")
        .child(Element::new("From").child(credential(&settings.from)))
        .child(Element::new("To").child(credential(&settings.to)))
        .child(
            Element::new("Sender")
                .child(credential(&settings.sender))
                .text_child("UserAgent", "Wharf"),
        );
    let document = Element::new("cXML")
        .attr("payloadID", payload_id.as_str())
        .attr("timestamp", context.timestamp.as_str())
        .attr("version", version)
        .attr("xml:lang", "en-US")
        .child(header)
        .child(
            Element::new("Request")
                .attr("deploymentMode", if test { "test" } else { "production" })
                .child(request),
        );
    let mut envelope = wharf_guest_sdk::envelope("cxml", version);
    envelope.sender = vec![identifier(&settings.from)];
    envelope.receiver = vec![identifier(&settings.to)];
    envelope.interchange_control = Some(payload_id);
    envelope.message_type = Some(message_type);
    envelope.test = test;
    envelope.created =
        Some(iso_date(&context.timestamp).unwrap_or_else(|_| context.timestamp.clone()));
    Encoded {
        bytes: document.to_xml(Some(&doctype)).into_bytes(),
        content_type: "text/xml; charset=UTF-8".to_owned(),
        envelope,
    }
}

/// The payloadID of a document written now: control number, timestamp digits, domain.
pub fn payload_id(context: &EncodeContext, domain: &str) -> String {
    let digits: String = context
        .timestamp
        .chars()
        .take("YYYY-MM-DDTHH:MM:SS".len())
        .filter(char::is_ascii_digit)
        .collect();
    format!("{}.{digits}@{domain}", context.control_number)
}

/// The envelope of a `<cXML><Response>`: it has no Header, so no sender or receiver.
pub fn read_response(root: &Element, raw: &[u8]) -> Result<Envelope, AdapterError> {
    let version = root
        .get("version")
        .map(str::to_owned)
        .or_else(|| doctype_version(raw))
        .unwrap_or_else(|| "1.2".to_owned());
    let mut envelope = wharf_guest_sdk::envelope("cxml", &version);
    envelope.interchange_control = Some(required_attr(root, "payloadID")?.to_owned());
    envelope.created = Some(date_attr(root, "timestamp")?);
    envelope.message_type = Some("Response".to_owned());
    keep_unmapped(
        root,
        "cxml",
        &["payloadID", "timestamp", "version", "Response"],
        &mut envelope.extensions,
    );
    Ok(envelope)
}

/// A whole `<cXML>` of cXML `version` around `response`, under `payload_id`.
pub fn write_response(
    response: Element,
    payload_id: String,
    version: &str,
    context: &EncodeContext,
) -> Encoded {
    let document = Element::new("cXML")
        .attr("payloadID", payload_id.as_str())
        .attr("timestamp", context.timestamp.as_str())
        .attr("version", version)
        .attr("xml:lang", "en-US")
        .child(response);
    let mut envelope = wharf_guest_sdk::envelope("cxml", version);
    envelope.interchange_control = Some(payload_id);
    envelope.message_type = Some("Response".to_owned());
    envelope.created =
        Some(iso_date(&context.timestamp).unwrap_or_else(|_| context.timestamp.clone()));
    Encoded {
        bytes: document
            .to_xml(Some(&doctype(version, dtd_file("Response"))))
            .into_bytes(),
        content_type: "text/xml; charset=UTF-8".to_owned(),
        envelope,
    }
}

fn credential(credential: &Credential) -> Element {
    Element::new("Credential")
        .attr("domain", credential.domain.as_str())
        .text_child("Identity", credential.identity.as_str())
}

fn identifier(credential: &Credential) -> Identifier {
    id(
        credential.domain.to_lowercase(),
        credential.identity.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    const HEADER: &str = r#"<Header><From><Credential domain="NetworkID"><Identity>AN01</Identity></Credential></From><To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To><Sender><Credential domain="NetworkID"><Identity>AN01</Identity><SharedSecret>coyote</SharedSecret></Credential><UserAgent>Procure 9</UserAgent></Sender></Header>"#;

    fn document(version: &str, request: &str) -> String {
        format!(
            r#"<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd"><cXML payloadID="p1@buyer" timestamp="2026-02-03T10:00:00-08:00"{version}>{HEADER}<Request deploymentMode="test">{request}</Request></cXML>"#
        )
    }

    #[test]
    fn the_envelope_keeps_no_secret() {
        let raw = document(r#" version="1.2.014""#, "<OrderRequest/>");
        let root = xml::parse(raw.as_bytes()).unwrap();
        let envelope = read(&root, raw.as_bytes()).unwrap();
        assert_eq!(envelope.version, "1.2.014");
        assert_eq!(envelope.sender, [id("networkid", "AN01")]);
        assert_eq!(envelope.receiver, [id("duns", "123456789")]);
        assert!(envelope.test);
        assert_eq!(envelope.message_type.as_deref(), Some("OrderRequest"));
        let text = format!("{:?}", envelope.extensions);
        assert!(!text.contains("coyote"), "{text}");
        assert!(text.contains("cxml.Sender.SharedSecret.present"), "{text}");
    }

    #[test]
    fn a_missing_version_comes_from_the_doctype() {
        let raw = document("", "<OrderRequest/>");
        let root = xml::parse(raw.as_bytes()).unwrap();
        assert_eq!(read(&root, raw.as_bytes()).unwrap().version, "1.2.050");
    }

    #[test]
    fn messages_are_unsupported_by_name() {
        let raw = r#"<cXML payloadID="p" timestamp="2026-02-03T10:00:00Z"><Message><PunchOutOrderMessage/></Message></cXML>"#;
        let err = request_of(&xml::parse(raw.as_bytes()).unwrap()).unwrap_err();
        assert_eq!(
            error::render(&err),
            "unsupported error at /cXML/Message: cXML <Message> (<PunchOutOrderMessage>) is not handled by this adapter; it reads requests only"
        );
    }
}
