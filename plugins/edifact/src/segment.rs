//! What the envelope reader produces: decoded segments, messages and interchanges.
//!
//! [`Segment`] is one segment's text after the release character and the repertoire have been
//! applied, positioned within its message; [`Context`] is the interchange, group and message
//! references that turn a segment and element into a `SegmentLocation`; [`Message`] and
//! [`Interchange`] hold them in the nesting of the file.

use wharf_guest_sdk::contract::SegmentLocation;

/// One segment with its text decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub tag: String,
    /// Data elements after the tag, each a list of components.
    pub elements: Vec<Vec<String>>,
    /// 1-based position within its message (UNH = 1), or within the file outside messages.
    pub position: u32,
}

impl Segment {
    /// Component `component` of element `element` (both 1-based), when present and not empty.
    pub fn text(&self, element: usize, component: usize) -> Option<&str> {
        let value = self
            .elements
            .get(element.checked_sub(1)?)?
            .get(component.checked_sub(1)?)?;
        (!value.is_empty()).then_some(value.as_str())
    }
}

/// Where a message sits, for error locations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub interchange: Option<String>,
    pub group: Option<String>,
    pub message: Option<String>,
    /// UNH 0065, the message type.
    pub message_type: Option<String>,
}

impl Context {
    pub fn locate(
        &self,
        segment: &Segment,
        element: Option<u32>,
        component: Option<u32>,
    ) -> SegmentLocation {
        SegmentLocation {
            interchange: self.interchange.clone(),
            group: self.group.clone(),
            message: self.message.clone(),
            message_type: self.message_type.clone(),
            position: segment.position,
            segment_id: segment.tag.clone(),
            element,
            component,
        }
    }
}

/// The message types this adapter maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Orders,
    Ordchg,
    Ordrsp,
    Desadv,
    Invoic,
    Contrl,
}

impl MessageKind {
    pub fn from_code(code: &str) -> Option<MessageKind> {
        match code {
            "ORDERS" => Some(MessageKind::Orders),
            "ORDCHG" => Some(MessageKind::Ordchg),
            "ORDRSP" => Some(MessageKind::Ordrsp),
            "DESADV" => Some(MessageKind::Desadv),
            "INVOIC" => Some(MessageKind::Invoic),
            "CONTRL" => Some(MessageKind::Contrl),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Orders => "ORDERS",
            MessageKind::Ordchg => "ORDCHG",
            MessageKind::Ordrsp => "ORDRSP",
            MessageKind::Desadv => "DESADV",
            MessageKind::Invoic => "INVOIC",
            MessageKind::Contrl => "CONTRL",
        }
    }
}

/// One UNH..UNT message.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: MessageKind,
    pub unh: Segment,
    /// The segments between UNH and UNT.
    pub body: Vec<Segment>,
    pub context: Context,
    /// The UNG of the group the message travels in.
    pub group: Option<Segment>,
    pub decimal: char,
    /// Why a strict agreement refuses this message whatever its content (its UNT disagrees).
    pub refused: Option<wharf_guest_sdk::contract::AdapterError>,
}

/// One UNB..UNZ interchange.
#[derive(Debug, Clone)]
pub struct Interchange {
    pub unb: Segment,
    pub messages: Vec<Message>,
}
