//! Flat IDoc files, as SAP's file port writes them: one fixed-width record per line, a control
//! record EDI_DC40 opening each IDoc, then its data records EDI_DD40 (segment name, client,
//! IDoc number, segment number, parent segment number, level, then the segment's fields at
//! fixed offsets in the 1000-character data part).
//!
//! [`is_flat`] tells such a file from IDoc XML by its first non-blank characters. [`decode`]
//! turns each IDoc into the element tree the XML reader would have built from the same IDoc
//! (`<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1">…`), so every message mapping reads both
//! alike, and tells the errors and warnings the mappings raise at the line and column of the
//! file (see [`places`]). Data records are read in [`record`], field positions come from
//! [`widths`] and, for customer segments, the agreement ([`custom`]). Lines may end in LF or
//! CRLF and lose their trailing blanks; blank fields are left out, as SAP leaves them out of
//! XML.
//!
//! The standard segments laid out are those of ORDERS05 (orders, order changes, order
//! responses), INVOIC02 (invoices) and DELVRY (ship notices, DELVRY03 to DELVRY07). MBGMCR
//! goods movements are not: their BAPI-generated segments have no public field lengths (see
//! [`widths`]), so a flat MBGMCR is refused at its first segment, as any segment without a
//! layout is.

mod custom;
mod places;
mod record;
mod widths;

use std::collections::HashMap;

use wharf_guest_sdk::canonical::CanonicalDocument;
use wharf_guest_sdk::contract::{AdapterError, Decoded};
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use crate::segments::SEGMENT_MARK;
use custom::CustomSegments;
use places::{Place, Places, column_number};
use widths::{EDI_DC40, Layout};

pub use custom::CONFIG_KEY;

/// How the control record of release 4.x starts; older releases wrote `EDI_DC`.
const CONTROL: &str = "EDI_DC40";

/// Segment nesting deeper than this is refused; SAP's basic types nest a handful of levels.
const MAX_DEPTH: usize = 64;

/// True when `bytes` start (after a byte-order mark and blanks) with a control record.
pub fn is_flat(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|at| bytes[at..].starts_with(b"EDI_DC"))
}

/// Reads every IDoc of a flat file and hands each, as its `<IDOC>` element, to `read_idoc`.
pub fn decode(
    bytes: &[u8],
    read_idoc: impl Fn(&Element, &mut Vec<AdapterError>) -> Result<CanonicalDocument, AdapterError>,
) -> Result<Decoded, AdapterError> {
    let text = text_of(bytes);
    let custom = CustomSegments::from_config()?;
    let mut warnings = Vec::new();
    let mut documents = Vec::new();
    for idoc in read(&text, &custom, &mut warnings)? {
        let mut raised = Vec::new();
        let document =
            read_idoc(&idoc.element, &mut raised).map_err(|e| idoc.places.relocate(e))?;
        warnings.extend(raised.into_iter().map(|w| idoc.places.relocate(w)));
        documents.push(document);
    }
    Ok(Decoded {
        documents,
        warnings,
        rejected: Vec::new(),
    })
}

/// The file as text: UTF-8 when it is valid UTF-8, else ISO-8859-1, which a non-Unicode SAP
/// system writes and which maps every byte to one character, so columns stay columns.
fn text_of(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// One IDoc read from a flat file: its `<IDOC>` element and where its segments came from.
struct FlatIdoc {
    element: Element,
    places: Places,
}

/// A segment read but not yet placed in its parent.
struct Node {
    element: Element,
    segment: String,
    line: u32,
    first_column: usize,
    layout: Layout,
    children: Vec<usize>,
}

/// The IDoc being read: its control record and data records so far.
struct Open {
    nodes: Vec<Node>,
    top: Vec<usize>,
    /// Segment number → node index and depth, for the parent numbers that follow.
    numbers: HashMap<u64, (usize, usize)>,
    /// HLEVEL → the last segment read at that level, with its depth, for records whose
    /// PSGNUM is zero (see [`record`]).
    levels: Vec<(u64, usize, usize)>,
    /// The extension type (CIMTYP) or else the basic type (IDOCTYP): what SAP names the
    /// root element of the IDoc's XML form.
    root: String,
    docnum: String,
}

fn read(
    text: &str,
    custom: &CustomSegments,
    warnings: &mut Vec<AdapterError>,
) -> Result<Vec<FlatIdoc>, AdapterError> {
    let mut idocs = Vec::new();
    let mut open: Option<Open> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let record: Vec<char> = raw.strip_suffix('\r').unwrap_or(raw).chars().collect();
        if record.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        if starts_with(&record, CONTROL) {
            idocs.extend(open.take().map(close));
            open = Some(control(&record, line)?);
        } else if starts_with(&record, "EDI_DC") {
            return Err(error::unsupported(
                "this is a control record of SAP release 3.x (EDI_DC); flat files are read in \
                 the 4.x layout, whose control record is EDI_DC40",
            )
            .at_text(line, 1));
        } else {
            let Some(idoc) = open.as_mut() else {
                return Err(
                    error::syntax("a data record before any control record EDI_DC40")
                        .at_text(line, 1),
                );
            };
            record::data(idoc, &record, line, custom, warnings)?;
        }
    }
    idocs.extend(open.map(close));
    Ok(idocs)
}

fn starts_with(record: &[char], prefix: &str) -> bool {
    record.len() >= prefix.len() && record.iter().zip(prefix.chars()).all(|(a, b)| *a == b)
}

/// The text of `width` characters at `offset`, without trailing blanks; what lies past the
/// end of a shortened line is blank.
fn slice(record: &[char], offset: usize, width: usize) -> String {
    let end = (offset + width).min(record.len());
    let start = offset.min(end);
    let text: String = record[start..end].iter().collect();
    text.trim_end().to_owned()
}

/// A segment element with a child for every non-blank field.
fn segment_element(name: &str, record: &[char], start: usize, layout: &Layout) -> Element {
    let mut element = Element::new(name).attr(SEGMENT_MARK, "1");
    let mut offset = start;
    for (field, width) in layout.fields() {
        let value = slice(record, offset, width);
        if !value.trim().is_empty() {
            element = element.text_child(field, value);
        }
        offset += width;
    }
    element
}

fn control(record: &[char], line: u32) -> Result<Open, AdapterError> {
    let length: usize = EDI_DC40.iter().map(|(_, w)| w).sum();
    if record.len() > length {
        return Err(error::syntax(format!(
            "the control record is {} characters long; EDI_DC40 has {length}",
            record.len()
        ))
        .at_text(line, column_number(length + 1)));
    }
    let layout = Layout::Standard(EDI_DC40);
    let element = segment_element(CONTROL, record, 0, &layout);
    let root = element
        .text_of("CIMTYP")
        .or_else(|| element.text_of("IDOCTYP"))
        .unwrap_or("IDOC")
        .to_owned();
    let docnum = element.text_of("DOCNUM").unwrap_or_default().to_owned();
    Ok(Open {
        nodes: vec![Node {
            element,
            segment: CONTROL.to_owned(),
            line,
            first_column: 1,
            layout,
            children: Vec::new(),
        }],
        top: vec![0],
        numbers: HashMap::new(),
        levels: Vec::new(),
        root,
        docnum,
    })
}

/// Builds the `<IDOC>` tree of a finished IDoc, giving every element the path the XML reader
/// would give it, and records where each segment came from.
fn close(mut idoc: Open) -> FlatIdoc {
    let idoc_path = format!("/{}/IDOC", idoc.root);
    let mut places = Places::default();
    let top = std::mem::take(&mut idoc.top);
    let children = build_children(&mut idoc.nodes, &top, &idoc_path, &mut places);
    let mut element = Element::new("IDOC").attr("BEGIN", "1");
    element.children = children;
    element.path = idoc_path;
    FlatIdoc { element, places }
}

fn build_children(
    nodes: &mut [Node],
    indices: &[usize],
    parent_path: &str,
    places: &mut Places,
) -> Vec<Element> {
    let mut totals: HashMap<String, usize> = HashMap::new();
    for index in indices {
        *totals.entry(nodes[*index].segment.clone()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut built = Vec::new();
    for index in indices {
        let name = nodes[*index].segment.clone();
        let nth = seen.entry(name.clone()).or_default();
        *nth += 1;
        // Same-named siblings are numbered from 1, a lone one is not, as the XML reader does.
        let path = if totals.get(&name).copied().unwrap_or(0) > 1 {
            format!("{parent_path}/{name}[{nth}]")
        } else {
            format!("{parent_path}/{name}")
        };
        let node = &mut nodes[*index];
        let mut element = std::mem::take(&mut node.element);
        for field in &mut element.children {
            field.path = format!("{path}/{}", field.name);
        }
        places.segments.push(Place {
            path: path.clone(),
            segment: node.segment.clone(),
            line: node.line,
            first_column: node.first_column,
            layout: node.layout.clone(),
        });
        let children = std::mem::take(&mut node.children);
        element
            .children
            .extend(build_children(nodes, &children, &path, places));
        element.path = path;
        built.push(element);
    }
    built
}

#[cfg(test)]
mod tests;
