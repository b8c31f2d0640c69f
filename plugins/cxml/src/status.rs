//! cXML's answers, `<StatusUpdateRequest>` and a `<Response>`'s `<Status>`, against the canonical
//! [`FunctionalAck`]; writing an acknowledgment renders a `<Response>`.
//!
//! | cXML | functional acknowledgment |
//! | --- | --- |
//! | `StatusUpdateRequest/DocumentReference@payloadID` | `interchange_control`: the document answered |
//! | a Response's own `cXML@payloadID` | `interchange_control` |
//! | `Status@code` 2xx | status Accepted; a code other than 200 kept as [`CODE_KEY`] |
//! | `Status@code` 4xx, 5xx | status Rejected, one message whose error has the code |
//! | `Status` text content | the error's description when rejected, else [`CONTENT_KEY`] |
//! | `Status@text` | the error's description when there is no content; else [`TEXT_KEY`] unless it is the code's usual phrase |
//!
//! The envelope's `message_type` says which of the two answered, and which is written: an
//! acknowledgment whose envelope says `StatusUpdateRequest` is encoded as one (inside a full
//! request envelope); any other, and every `acknowledge`, as a `<Response>`. A Response written
//! for an acknowledgment carries the answered payloadID as its own, which is how a partner's
//! asynchronous reconciler ties it to the request.

use wharf_guest_sdk::canonical::{
    AckError, AckStatus, Extension, ExtensionValue, FunctionalAck, MessageAck,
};
use wharf_guest_sdk::contract::{AdapterError, EncodeContext, Encoded};
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, log, text_extension};

use crate::envelope;
use crate::extensions::{find, keep_unmapped, value_text};
use crate::values::{optional_attr, required_attr};

/// A success code other than 200.
pub const CODE_KEY: &str = "cxml.Status.code";
/// A `Status@text` that is not the code's usual phrase and not already the description.
pub const TEXT_KEY: &str = "cxml.Status.text";
/// The text content of a success status ("Forwarded to supplier").
pub const CONTENT_KEY: &str = "cxml.Status";

/// Codes cXML uses and their usual `text`.
const PHRASES: &[(u16, &str)] = &[
    (200, "OK"),
    (201, "Accepted"),
    (204, "No Content"),
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (406, "Not Acceptable"),
    (409, "Conflict"),
    (500, "Internal Server Error"),
];

fn phrase(code: u16) -> String {
    PHRASES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, p)| (*p).to_owned())
}

/// The acknowledgment a `<StatusUpdateRequest>` states.
pub fn decode_update(request: &Element) -> Result<FunctionalAck, AdapterError> {
    let document = request.require("DocumentReference")?;
    let answered = required_attr(document, "payloadID")?.to_owned();
    let mut extensions = Vec::new();
    keep_unmapped(
        document,
        "cxml.DocumentReference",
        &["payloadID"],
        &mut extensions,
    );
    keep_unmapped(
        request,
        "cxml.StatusUpdateRequest",
        &["DocumentReference", "Status"],
        &mut extensions,
    );
    read_status(request.require("Status")?, answered, extensions)
}

/// The acknowledgment a `<Response>` states; `payload_id` is its document's own.
pub fn decode_response(
    response: &Element,
    payload_id: &str,
) -> Result<FunctionalAck, AdapterError> {
    let mut extensions = Vec::new();
    keep_unmapped(response, "cxml.Response", &["Status"], &mut extensions);
    read_status(
        response.require("Status")?,
        payload_id.to_owned(),
        extensions,
    )
}

fn read_status(
    status: &Element,
    answered: String,
    mut extensions: Vec<Extension>,
) -> Result<FunctionalAck, AdapterError> {
    let text = required_attr(status, "code")?;
    let code: u16 = text
        .parse()
        .ok()
        .filter(|c| (200..300).contains(c) || (400..600).contains(c))
        .ok_or_else(|| {
            error::validation(format!("{text:?} is not a status code cXML defines"))
                .at_xml(status.attr_path("code"))
        })?;
    let phrase_given = optional_attr(status, "text").filter(|t| *t != phrase(code));
    let content = status.trimmed();
    keep_unmapped(
        status,
        "cxml.Status",
        &["code", "text", "xml:lang"],
        &mut extensions,
    );
    let mut messages = Vec::new();
    let accepted = code < 300;
    if accepted {
        if code != 200 {
            extensions.push(Extension {
                key: CODE_KEY.to_owned(),
                value: ExtensionValue::Number(code.to_string()),
            });
        }
        extensions.extend(phrase_given.map(|t| text_extension(TEXT_KEY, t)));
        extensions.extend(content.map(|c| text_extension(CONTENT_KEY, c)));
    } else {
        let description = content
            .or(phrase_given)
            .map_or_else(|| phrase(code), str::to_owned);
        if content.is_some() {
            extensions.extend(phrase_given.map(|t| text_extension(TEXT_KEY, t)));
        }
        messages.push(MessageAck {
            message_control: answered.clone(),
            message_type: None,
            status: AckStatus::Rejected,
            errors: vec![AckError {
                segment_id: None,
                segment_position: None,
                element_position: None,
                code: Some(code.to_string()),
                description,
            }],
        });
    }
    Ok(FunctionalAck {
        interchange_control: Some(answered),
        group_control: None,
        group_type: None,
        status: if accepted {
            AckStatus::Accepted
        } else {
            AckStatus::Rejected
        },
        messages,
        extensions,
    })
}

/// The `<Status>` for `ack`: code, usual phrase (or the kept text) and content.
pub fn write_status(ack: &FunctionalAck) -> Element {
    let kept = |key: &str| find(&ack.extensions, key).map(value_text);
    let errors: Vec<&AckError> = ack.messages.iter().flat_map(|m| &m.errors).collect();
    let descriptions: Vec<&str> = errors.iter().map(|e| e.description.as_str()).collect();
    let (code, content) = if ack.status == AckStatus::Rejected {
        let code = errors
            .iter()
            .filter_map(|e| e.code.as_deref()?.parse::<u16>().ok())
            .find(|c| (400..600).contains(c))
            .unwrap_or(400);
        (
            code,
            Some(descriptions.join("; ")).filter(|c| !c.is_empty()),
        )
    } else {
        if ack.status != AckStatus::Accepted {
            log::info(
                "cXML has no partial acceptance; the acknowledgment is written as 200 with its errors as text",
            );
        }
        let code = kept(CODE_KEY)
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (200..300).contains(c))
            .unwrap_or(200);
        let content =
            kept(CONTENT_KEY).or_else(|| Some(descriptions.join("; ")).filter(|c| !c.is_empty()));
        (code, content)
    };
    Element::new("Status")
        .attr("code", code.to_string())
        .attr("text", kept(TEXT_KEY).unwrap_or_else(|| phrase(code)))
        .with_text(content.unwrap_or_default())
}

/// A `<StatusUpdateRequest>` telling the partner the status of the document `ack` answers.
pub fn write_update(ack: &FunctionalAck) -> Result<Element, AdapterError> {
    let answered = ack.interchange_control.clone().ok_or_else(|| {
        error::validation(
            "a StatusUpdateRequest needs the payloadID of the document it is about (interchange_control)",
        )
        .at_xml("interchange_control")
    })?;
    Ok(Element::new("StatusUpdateRequest")
        .child(Element::new("DocumentReference").attr("payloadID", answered))
        .child(write_status(ack)))
}

/// A whole `<cXML><Response>` answering `ack.interchange_control` (or, with none, under a
/// payloadID of its own), in the agreement's cXML version.
pub fn encode(ack: &FunctionalAck, context: &EncodeContext) -> Result<Encoded, AdapterError> {
    let version = crate::settings::version()?;
    let payload_id = ack
        .interchange_control
        .clone()
        .unwrap_or_else(|| envelope::payload_id(context, &crate::settings::payload_domain()));
    let response = Element::new("Response").child(write_status(ack));
    Ok(envelope::write_response(
        response, payload_id, &version, context,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn status(text: &str) -> FunctionalAck {
        let element = xml::parse(text.as_bytes()).unwrap();
        read_status(&element, "p1".into(), Vec::new()).unwrap()
    }

    #[test]
    fn failures_become_located_errors_with_their_code() {
        let ack = status(r#"<Status code="406" text="Not Acceptable">Unknown part HZ-1</Status>"#);
        assert_eq!(ack.status, AckStatus::Rejected);
        let error = &ack.messages[0].errors[0];
        assert_eq!(error.code.as_deref(), Some("406"));
        assert_eq!(error.description, "Unknown part HZ-1");
        assert!(ack.extensions.is_empty());
        let written = write_status(&ack);
        assert_eq!(written.get("code"), Some("406"));
        assert_eq!(written.text, "Unknown part HZ-1");
    }

    #[test]
    fn an_unusual_success_keeps_its_code_and_content() {
        let ack = status(r#"<Status code="201" text="Accepted">Queued</Status>"#);
        assert_eq!(ack.status, AckStatus::Accepted);
        assert_eq!(write_status(&ack).get("code"), Some("201"));
        assert_eq!(write_status(&ack).text, "Queued");
    }

    #[test]
    fn a_code_outside_cxml_is_located() {
        let element = xml::parse(br#"<Status code="302" text="Found"/>"#).unwrap();
        let err = read_status(&element, "p".into(), Vec::new()).unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /Status/@code: \"302\" is not a status code cXML defines"
        );
    }
}
