//! One data record EDI_DD40 of a flat IDoc: its header (segment name, IDoc number, segment
//! number, parent number, level) checked and located, its segment type and layout found, and
//! the segment placed under its parent in the IDoc being read.

use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use super::custom::{CONFIG_KEY, CustomSegments};
use super::places::column_number;
use super::widths::{self, DATA_HEADER, Layout, SDATA_LENGTH, SDATA_OFFSET};
use super::{MAX_DEPTH, Node, Open, segment_element, slice};

/// The header field that spans `column` (0-based) of a data record.
fn header_field(column: usize) -> (&'static str, usize) {
    let mut start = 0;
    for (name, width) in DATA_HEADER {
        if column < start + width {
            return (name, start);
        }
        start += width;
    }
    ("SDATA", start)
}

pub(super) fn data(
    idoc: &mut Open,
    record: &[char],
    line: u32,
    custom: &CustomSegments,
    warnings: &mut Vec<AdapterError>,
) -> Result<(), AdapterError> {
    if record.len() < SDATA_OFFSET {
        let (field, _) = header_field(record.len());
        return Err(error::syntax(format!(
            "the data record ends after {} characters, inside {field}; its header (SEGNAM, \
             MANDT, DOCNUM, SEGNUM, PSGNUM, HLEVEL) takes {SDATA_OFFSET}",
            record.len()
        ))
        .at_text(line, column_number(record.len() + 1)));
    }
    if record.len() > SDATA_OFFSET + SDATA_LENGTH {
        return Err(error::syntax(format!(
            "the data record is {} characters long; EDI_DD40 has {}",
            record.len(),
            SDATA_OFFSET + SDATA_LENGTH
        ))
        .at_text(line, column_number(SDATA_OFFSET + SDATA_LENGTH + 1)));
    }
    let segnam = slice(record, 0, 30);
    let Some((segment, layout)) = segment_type(&segnam, custom) else {
        let laid_out: Vec<&str> = custom.names().collect();
        let laid_out = if laid_out.is_empty() {
            String::new()
        } else {
            format!(" and, from the agreement, {}", laid_out.join(", "))
        };
        return Err(error::unsupported(format!(
            "segment {segnam}: the flat reader knows the field positions of {}{laid_out}; \
             lay out customer segments in the agreement's {CONFIG_KEY}",
            widths::KNOWN.join(", ")
        ))
        .at_text(line, 1));
    };
    let docnum = slice(record, 33, 16);
    if !docnum.is_empty() && !idoc.docnum.is_empty() && docnum != idoc.docnum {
        return Err(error::syntax(format!(
            "the data record belongs to IDoc {docnum}, but the control record before it opens \
             IDoc {}",
            idoc.docnum
        ))
        .at_text(line, 34));
    }
    let number = header_number(record, 49, line)?
        .ok_or_else(|| error::syntax("the data record has no SEGNUM").at_text(line, 50))?;
    let level = hlevel(record, line)?;
    let parent = match header_number(record, 55, line)? {
        None | Some(0) => parent_by_level(idoc, level, line)?,
        Some(parent) => Some(idoc.numbers.get(&parent).copied().ok_or_else(|| {
            error::syntax(format!(
                "PSGNUM {parent} names no segment before this one in the IDoc"
            ))
            .at_text(line, 56)
        })?),
    };
    if idoc.numbers.contains_key(&number) {
        return Err(
            error::syntax(format!("SEGNUM {number} is used twice in this IDoc")).at_text(line, 50),
        );
    }
    let depth = parent.map_or(1, |(_, depth)| depth + 1);
    if depth > MAX_DEPTH {
        return Err(error::syntax("segments nested too deeply").at_text(line, 56));
    }
    let known = layout.length();
    if !slice(record, SDATA_OFFSET + known, SDATA_LENGTH).is_empty() {
        let fields = layout.fields();
        let last = fields.last().map_or("", |(name, _)| *name);
        warnings.push(
            error::unsupported(format!(
                "{segment} carries data past {last}, the last field this adapter knows for it; \
                 that data is not read"
            ))
            .at_text(line, column_number(SDATA_OFFSET + known + 1)),
        );
    }
    let index = idoc.nodes.len();
    idoc.nodes.push(Node {
        element: segment_element(&segment, record, SDATA_OFFSET, &layout),
        segment,
        line,
        first_column: SDATA_OFFSET + 1,
        layout,
        children: Vec::new(),
    });
    idoc.numbers.insert(number, (index, depth));
    if let Some(level) = level {
        idoc.levels.retain(|(l, _, _)| *l < level);
        idoc.levels.push((level, index, depth));
    }
    match parent {
        Some((parent, _)) => idoc.nodes[parent].children.push(index),
        None => idoc.top.push(index),
    }
    Ok(())
}

/// HLEVEL, the segment's level (2 for the top, under the control record): absent when blank.
fn hlevel(record: &[char], line: u32) -> Result<Option<u64>, AdapterError> {
    let text = slice(record, 61, 2);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| error::syntax(format!("HLEVEL \"{text}\" is not a number")).at_text(line, 62))
}

/// The parent of a record whose PSGNUM is zero. SAP's file port fills PSGNUM, but files that
/// other systems write for SAP may leave it zero and give only HLEVEL: a segment at level
/// n > 2 then belongs under the last segment read at level n − 1.
fn parent_by_level(
    idoc: &Open,
    level: Option<u64>,
    line: u32,
) -> Result<Option<(usize, usize)>, AdapterError> {
    let Some(level) = level.filter(|l| *l > 2) else {
        return Ok(None);
    };
    idoc.levels
        .iter()
        .find(|(l, _, _)| *l == level - 1)
        .map(|(_, index, depth)| Some((*index, *depth)))
        .ok_or_else(|| {
            error::syntax(format!(
                "HLEVEL {level} puts the segment under one at level {}, but none comes before \
                 it and PSGNUM names no parent",
                level - 1
            ))
            .at_text(line, 62)
        })
}

/// A header number (SEGNUM at 49, PSGNUM at 55): absent when blank, an error when not digits.
fn header_number(record: &[char], offset: usize, line: u32) -> Result<Option<u64>, AdapterError> {
    let (name, _) = header_field(offset);
    let text = slice(record, offset, 6);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error::syntax(format!("{name} \"{text}\" is not a number"))
            .at_text(line, column_number(offset + 1)));
    }
    Ok(text.parse().ok())
}

/// The segment type and its layout for a record's SEGNAM: the type itself (`E1EDP01`) or, as
/// SAP writes it, the segment definition (`E2EDP01007`: 2 for 1 in the second place, and a
/// release suffix), standard or laid out by the agreement (`Z2KESQM000` for `Z1KESQM`).
pub(super) fn segment_type(segnam: &str, custom: &CustomSegments) -> Option<(String, Layout)> {
    let lookup = |name: &str| {
        widths::segment(name)
            .map(Layout::Standard)
            .or_else(|| custom.get(name).cloned())
            .map(|layout| (name.to_owned(), layout))
    };
    lookup(segnam).or_else(|| {
        if !segnam.is_ascii() || segnam.as_bytes().get(1) != Some(&b'2') {
            return None;
        }
        let name = format!("{}1{}", &segnam[..1], &segnam[2..]);
        lookup(&name).or_else(|| {
            let (base, version) = name.split_at(name.len().checked_sub(3)?);
            version
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| lookup(base))
                .flatten()
        })
    })
}
