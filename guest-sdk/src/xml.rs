//! A small XML element tree over quick-xml, for adapters of XML standards (cXML, IDoc XML).
//!
//! Every [`Element`] knows its path (`/cXML/Request/OrderRequest/ItemOut[3]`), so a missing or
//! bad value becomes an error that points at it. The same type builds output: create elements
//! with [`Element::new`], add attributes and children, then [`Element::to_xml`].
//!
//! Reading tolerates what partners send: a byte-order mark, a DOCTYPE, comments, CDATA,
//! ISO-8859-1 documents that say so in their declaration. Entities other than XML's own five
//! are refused, so a document cannot make the adapter expand anything.

use std::borrow::Cow;
use std::fmt::Write as _;

use quick_xml::Reader;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;

use crate::contract::AdapterError;
use crate::error;

/// Nesting deeper than this is refused rather than followed.
const MAX_DEPTH: usize = 128;

/// An XML element: its name, attributes, child elements and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own character data, concatenated.
    pub text: String,
    /// Where the element stands in the document it was read from; empty for built elements.
    pub path: String,
}

impl Element {
    /// A new element with no attributes, children or text.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            ..Element::default()
        }
    }

    /// Adds an attribute (builder style).
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((name.into(), value.into()));
        self
    }

    /// Adds an attribute when `value` is present.
    pub fn attr_opt(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Adds a child element (builder style).
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }

    /// Adds a child element holding `text`.
    pub fn text_child(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.child(Element::new(name).with_text(text))
    }

    /// Adds a child element holding `text` when it is present.
    pub fn text_child_opt(self, name: impl Into<String>, text: Option<impl Into<String>>) -> Self {
        match text {
            Some(text) => self.text_child(name, text),
            None => self,
        }
    }

    /// Sets the element's text (builder style).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// The first child named `name`.
    pub fn first(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`, in document order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child named `name`, or a validation error at the place it should be.
    pub fn require(&self, name: &str) -> Result<&Element, AdapterError> {
        self.first(name).ok_or_else(|| {
            error::validation(format!("<{}> has no <{name}>", self.name))
                .at_xml(format!("{}/{name}", self.path))
        })
    }

    /// Follows a path of child names (`"Header/From/Credential"`).
    pub fn descend(&self, path: &str) -> Option<&Element> {
        path.split('/')
            .try_fold(self, |element, name| element.first(name))
    }

    /// The value of attribute `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of attribute `name`, or a validation error pointing at it.
    pub fn require_attr(&self, name: &str) -> Result<&str, AdapterError> {
        self.get(name).ok_or_else(|| {
            error::validation(format!("<{}> has no {name} attribute", self.name))
                .at_xml(self.attr_path(name))
        })
    }

    /// The path of attribute `name` of this element, for error locations.
    pub fn attr_path(&self, name: &str) -> String {
        format!("{}/@{name}", self.path)
    }

    /// The element's text, trimmed; `None` when blank.
    pub fn trimmed(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    /// The trimmed text of the first child named `name`, when it has any.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.first(name).and_then(Element::trimmed)
    }

    /// The trimmed text of child `name`, or a validation error saying it is missing or blank.
    pub fn require_text(&self, name: &str) -> Result<&str, AdapterError> {
        self.text_of(name).ok_or_else(|| {
            error::validation(format!("<{}> has no value in <{name}>", self.name))
                .at_xml(format!("{}/{name}", self.path))
        })
    }

    /// Drops the namespace prefix of this element and every descendant (`ns0:IDOC` →
    /// `IDOC`) and gives them their paths again, this element being the root. For formats
    /// whose elements are unqualified by schema but that some senders qualify anyway.
    pub fn strip_prefixes(&mut self) {
        fn strip(element: &mut Element) {
            if let Some((_, local)) = element.name.split_once(':') {
                element.name = local.to_owned();
            }
            element.children.iter_mut().for_each(strip);
        }
        strip(self);
        self.path = format!("/{}", self.name);
        assign_paths(self);
    }

    /// Serializes the element, indented by two spaces, after an XML declaration and the
    /// optional DOCTYPE line.
    pub fn to_xml(&self, doctype: Option<&str>) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if let Some(doctype) = doctype {
            out.push_str(doctype);
            out.push('\n');
        }
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let _ = write!(out, "{indent}<{}", self.name);
        for (name, value) in &self.attributes {
            let _ = write!(out, " {name}=\"{}\"", escape(value.as_str()));
        }
        if self.children.is_empty() && self.text.is_empty() {
            out.push_str("/>\n");
        } else if self.children.is_empty() {
            let _ = writeln!(out, ">{}</{}>", escape(self.text.as_str()), self.name);
        } else {
            out.push_str(">\n");
            if !self.text.is_empty() {
                let _ = writeln!(out, "{indent}  {}", escape(self.text.as_str()));
            }
            for child in &self.children {
                child.write(out, depth + 1);
            }
            let _ = writeln!(out, "{indent}</{}>", self.name);
        }
    }
}

/// Reads a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, AdapterError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = decode_text(bytes)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    // Where each open element's start tag begins, to say where a truncated one was opened.
    let mut opened_at: Vec<u64> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            let pos = reader.error_position() as usize;
            located(&text, pos, format!("malformed XML: {e}"))
        })?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(located(
                    &text,
                    at as usize,
                    "content after the root element",
                ));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(located(&text, at as usize, "elements nested too deeply"));
                }
                stack.push(open(&start, &text, at)?);
                opened_at.push(at);
            }
            Event::Empty(start) => {
                let element = open(&start, &text, at)?;
                close(element, &mut stack, &mut root);
            }
            Event::End(_) => {
                // quick-xml has already checked that the end tag matches.
                if let Some(element) = stack.pop() {
                    opened_at.pop();
                    close(element, &mut stack, &mut root);
                }
            }
            Event::Text(t) => {
                let content = t
                    .decode()
                    .map_err(|e| located(&text, at as usize, format!("bad text: {e}")))?;
                append_text(&mut stack, &content, &text, at)?;
            }
            Event::CData(t) => {
                let content = t
                    .decode()
                    .map_err(|e| located(&text, at as usize, format!("bad CDATA: {e}")))?;
                append_text(&mut stack, &content, &text, at)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().unwrap_or_default();
                        resolve_predefined_entity(&name)
                            .map(str::to_owned)
                            .ok_or_else(|| {
                                located(&text, at as usize, format!("unknown entity &{name};"))
                            })?
                    }
                    Err(e) => {
                        return Err(located(&text, at as usize, format!("bad reference: {e}")));
                    }
                };
                append_text(&mut stack, &resolved, &text, at)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let (Some(innermost), Some(&start)) = (stack.last(), opened_at.last()) {
        // A truncated file: the end of the text is where it is broken, and the chain of open
        // elements says how far it got.
        let chain: Vec<&str> = stack.iter().map(|e| e.name.as_str()).collect();
        let (line, column) = line_column(&text, start as usize);
        let message = format!(
            "document ends inside <{}> (/{}, opened at line {line}, column {column})",
            innermost.name,
            chain.join("/")
        );
        return Err(located(&text, text.len(), message));
    }
    root.ok_or_else(|| error::syntax("no root element").at_text(1, 1))
}

fn open(
    start: &quick_xml::events::BytesStart<'_>,
    text: &str,
    at: u64,
) -> Result<Element, AdapterError> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut element = Element::new(name);
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|e| located(text, at as usize, format!("bad attribute: {e}")))?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|e| located(text, at as usize, format!("bad value of {key}: {e}")))?;
        element.attributes.push((key, value.into_owned()));
    }
    Ok(element)
}

fn close(mut element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(element);
        }
        None => {
            element.path = format!("/{}", element.name);
            assign_paths(&mut element);
            *root = Some(element);
        }
    }
}

/// Gives every descendant its path; same-named siblings are numbered from 1.
///
/// The children are put in name order once (a stable sort, so namesakes keep their document
/// order), which makes namesakes neighbours: numbering them is one pass, with one allocation
/// per element however many children it has. An IDoc's hundreds of segments are siblings;
/// counting each one's namesakes anew made reading it quadratic.
fn assign_paths(element: &mut Element) {
    let children = &mut element.children;
    // (child, its number among its namesakes; 0 for a name borne once)
    let mut order: Vec<(usize, usize)> = (0..children.len()).map(|at| (at, 0)).collect();
    order.sort_by(|a, b| children[a.0].name.cmp(&children[b.0].name));
    let mut start = 0;
    while start < order.len() {
        let name = &children[order[start].0].name;
        let namesakes = order[start..]
            .iter()
            .take_while(|(at, _)| children[*at].name == *name)
            .count();
        if namesakes > 1 {
            for (number, slot) in order[start..start + namesakes].iter_mut().enumerate() {
                slot.1 = number + 1;
            }
        }
        start += namesakes;
    }
    let base = element.path.as_str();
    for (at, number) in order {
        let child = &mut children[at];
        child.path.clear();
        child.path.reserve(base.len() + child.name.len() + 8);
        child.path.push_str(base);
        child.path.push('/');
        child.path.push_str(&child.name);
        if number > 0 {
            let _ = write!(child.path, "[{number}]");
        }
    }
    for child in children {
        assign_paths(child);
    }
}

fn append_text(
    stack: &mut [Element],
    content: &str,
    text: &str,
    at: u64,
) -> Result<(), AdapterError> {
    match stack.last_mut() {
        Some(element) => {
            element.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err(located(text, at as usize, "text outside the root element")),
    }
}

/// The document as UTF-8: UTF-8 bytes as they are, ISO-8859-1 when the declaration says so.
fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, AdapterError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e) => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
            let latin1 = head.starts_with("<?xml")
                && ["iso-8859-1", "latin1", "latin-1"]
                    .iter()
                    .any(|name| head.contains(name));
            if latin1 {
                Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
            } else {
                let valid = &bytes[..e.valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
                Err(
                    error::syntax("the document is not UTF-8 and does not declare ISO-8859-1")
                        .at_text(line as u32, column as u32),
                )
            }
        }
    }
}

fn located(text: &str, offset: usize, message: impl Into<String>) -> AdapterError {
    let (line, column) = line_column(text, offset);
    error::syntax(message).at_text(line, column)
}

/// The 1-based line and column (in bytes) of `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Location, TextLocation};

    #[test]
    fn paths_are_numbered_among_namesakes_at_every_depth() {
        let doc = parse(b"<r><s><t/><t/></s><u/><s><t/></s><s/></r>").unwrap();
        let mut paths = Vec::new();
        fn walk<'a>(element: &'a Element, paths: &mut Vec<&'a str>) {
            paths.push(&element.path);
            element.children.iter().for_each(|c| walk(c, paths));
        }
        walk(&doc, &mut paths);
        assert_eq!(
            paths,
            [
                "/r",
                "/r/s[1]",
                "/r/s[1]/t[1]",
                "/r/s[1]/t[2]",
                "/r/u",
                "/r/s[2]",
                "/r/s[2]/t",
                "/r/s[3]",
            ]
        );
    }

    #[test]
    fn paths_number_repeated_siblings() {
        let doc = parse(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!DOCTYPE a SYSTEM \"a.dtd\">\n<a><b x=\"1 &amp; 2\"/><c>t&#65;<![CDATA[<raw>]]></c><b/></a>").unwrap();
        assert_eq!(doc.path, "/a");
        let bs: Vec<_> = doc.all("b").map(|b| b.path.as_str()).collect();
        assert_eq!(bs, ["/a/b[1]", "/a/b[2]"]);
        assert_eq!(doc.first("b").unwrap().get("x"), Some("1 & 2"));
        assert_eq!(doc.text_of("c"), Some("tA<raw>"));
        let err = doc.first("c").unwrap().require_attr("q").unwrap_err();
        assert_eq!(err.location, Some(Location::XmlPath("/a/c/@q".into())));
    }

    #[test]
    fn malformed_documents_are_located() {
        let err = parse(b"<a>\n  <b></c>\n</a>").unwrap_err();
        assert!(err.message.contains("malformed XML"), "{err:?}");
        assert!(
            matches!(
                err.location,
                Some(Location::Text(TextLocation { line: 2, .. }))
            ),
            "{err:?}"
        );
        assert!(
            parse(b"<a>&ent;</a>")
                .unwrap_err()
                .message
                .contains("unknown entity")
        );
        assert_eq!(
            crate::error::render(&parse(b"<a>\n  <b>\n    <c>x</c>\n").unwrap_err()),
            "syntax error at line 4, column 1: document ends inside <b> (/a/b, opened at line 2, column 3)"
        );
        // Cut inside a tag: located where the unfinished tag starts.
        assert_eq!(
            crate::error::render(&parse(b"<a>\n<b x=\"1").unwrap_err()),
            "syntax error at line 2, column 1: malformed XML: syntax error: tag not closed: `>` not found before end of input"
        );
        assert_eq!(
            crate::error::render(&parse(b"<a><b>text").unwrap_err()),
            "syntax error at line 1, column 11: document ends inside <b> (/a/b, opened at line 1, column 4)"
        );
        assert!(parse(b"").is_err());
        assert!(parse(b"<a/><b/>").is_err());
    }

    #[test]
    fn prefixes_are_stripped_and_paths_renumbered() {
        let mut doc = parse(b"<n:a xmlns:n=\"urn:x\"><n:b/><n:b><c/></n:b></n:a>").unwrap();
        doc.strip_prefixes();
        assert_eq!(doc.name, "a");
        let paths: Vec<_> = doc.all("b").map(|b| b.path.as_str()).collect();
        assert_eq!(paths, ["/a/b[1]", "/a/b[2]"]);
        assert_eq!(
            doc.all("b")
                .nth(1)
                .and_then(|b| b.first("c"))
                .map(|c| c.path.as_str()),
            Some("/a/b[2]/c")
        );
    }

    #[test]
    fn built_elements_serialize_escaped() {
        let xml = Element::new("r")
            .attr("q", "a\"b")
            .text_child("t", "x < y")
            .child(Element::new("e"))
            .to_xml(None);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r q=\"a&quot;b\">\n  <t>x &lt; y</t>\n  <e/>\n</r>\n"
        );
        let back = parse(xml.as_bytes()).unwrap();
        assert_eq!(back.get("q"), Some("a\"b"));
        assert_eq!(back.text_of("t"), Some("x < y"));
    }

    #[test]
    fn latin1_declared_documents_are_read() {
        let doc =
            parse(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xfcller</a>").unwrap();
        assert_eq!(doc.trimmed(), Some("Müller"));
        assert!(parse(b"<a>M\xfcller</a>").is_err());
    }
}
