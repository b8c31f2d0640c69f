//! 855 Purchase Order Acknowledgment and 865 Purchase Order Change Acknowledgment against the
//! canonical order response.
//!
//! BAK (855) or BCA (865) gives the PO number, the acknowledgment type as status (AD accepted,
//! AC accepted with changes, RD rejected, …, kept in `status_code`), the seller's order number
//! as response number, the PO date (qualifier "004") and the acknowledgment date (`Document`);
//! BCA05 is the change number. Each PO1 (855) or POC (865) loop is one line; each ACK in it
//! one line response (a split line answers with several), its ACK01 kept as `status_code`.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Envelope, LineResponse, LineStatus, OrderResponse, Quantity, ResponseStatus,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{date, error};

use crate::codes;
use crate::common::{self, Header};
use crate::items::{self, LineBody};
use crate::parties;
use crate::purchase_order::{self, document_date, expect, split_document_date};
use crate::reader::{Body, Place, Seg};
use crate::syntax::Segment;
use crate::writer::{Out, extension, raw_segments};

/// Which of the two acknowledgments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// 855, answering an 850.
    Order,
    /// 865, answering an 860.
    Change,
}

/// Where the beginning segment keeps each field.
struct Layout {
    begin: &'static str,
    line: &'static str,
    po_date: usize,
    response_number: usize,
    date: usize,
    change_number: Option<usize>,
    /// First element of the line segment's product id pairs, its price and basis.
    ids: usize,
    last_id: usize,
    price: usize,
}

impl Set {
    pub fn id(self) -> &'static str {
        match self {
            Set::Order => "855",
            Set::Change => "865",
        }
    }

    /// 865 when the response answers a change (it names one, or came as an 865).
    pub fn for_document(response: &OrderResponse, envelope: &Envelope) -> Set {
        let came_as_865 = envelope.standard.eq_ignore_ascii_case("x12")
            && envelope.message_type.as_deref() == Some("865");
        if response.change_number.is_some() || came_as_865 {
            Set::Change
        } else {
            Set::Order
        }
    }

    fn layout(self) -> Layout {
        match self {
            Set::Order => Layout {
                begin: "BAK",
                line: "PO1",
                po_date: 4,
                response_number: 8,
                date: 9,
                change_number: None,
                ids: 6,
                last_id: 25,
                price: 4,
            },
            Set::Change => Layout {
                begin: "BCA",
                line: "POC",
                po_date: 6,
                response_number: 9,
                date: 10,
                change_number: Some(5),
                ids: 8,
                last_id: 27,
                price: 6,
            },
        }
    }
}

/// The PO date, which X12 qualifies as "004" wherever a DTM carries it.
/// The refusal of a response or change whose source gives no date for the purchase order it
/// answers, which `segment`'s element `position` (BAK04, BCA06, BCH06) requires.
pub fn missing_order_date(segment: &str, position: usize) -> AdapterError {
    error::validation(format!(
        "X12 requires the purchase order's date ({segment}{position:02}); the document gives \
         none (a date of kind Other with qualifier {})",
        date::ORDER_DATE_QUALIFIERS.join(", ")
    ))
    .at_xml("dates")
}

pub fn po_date(value: String) -> Dated {
    Dated {
        kind: DateKind::Other,
        value,
        qualifier: Some("004".to_owned()),
    }
}

pub fn read(segments: &[Segment], place: &Place, set: Set) -> Result<OrderResponse, AdapterError> {
    let layout = set.layout();
    let mut body = Body::new(segments, place);
    let begin = expect(&mut body, layout.begin, segments, place)?;
    let code = begin.require(2, "the acknowledgment type")?;
    let mut response = OrderResponse {
        response_number: begin.owned(layout.response_number),
        po_number: begin.require(3, "the purchase order number")?.to_owned(),
        change_number: layout.change_number.and_then(|n| begin.owned(n)),
        status: codes::response_status(code),
        status_code: Some(code.to_owned()),
        currency: None,
        dates: Vec::new(),
        parties: Vec::new(),
        references: Vec::new(),
        notes: Vec::new(),
        lines: Vec::new(),
        extensions: Vec::new(),
    };
    if let Some(value) = begin.date(layout.date, None)? {
        response.dates.push(document_date(value));
    }
    if let Some(value) = begin.date(layout.po_date, None)? {
        response.dates.push(po_date(value));
    }
    let mut used = vec![2, 3, layout.po_date, layout.response_number, layout.date];
    used.extend(layout.change_number);
    if begin.text(1) == Some("00") {
        used.push(1);
    }
    begin.leftovers(&used, "", &mut response.extensions);
    let mut ordered = Vec::new();
    while let Some(seg) = body.next_seg() {
        match seg.id() {
            "N1" => response
                .parties
                .push(parties::read(seg, &mut body, &mut response.extensions)?),
            id if id == layout.line => {
                let ordinal = (0..response.lines.len())
                    .filter(|&i| !continues(&response.lines, i))
                    .count();
                let lines = read_line(seg, &mut body, &response, &layout, &mut ordered, ordinal)?;
                response.lines.extend(lines);
            }
            "CTT" => {
                let quantities: Vec<&str> = ordered.iter().map(String::as_str).collect();
                let count = (0..response.lines.len())
                    .filter(|&i| !continues(&response.lines, i))
                    .count();
                purchase_order::read_ctt(seg, count, &quantities, &mut response.extensions);
            }
            _ => {
                let mut header = Header {
                    currency: &mut response.currency,
                    dates: &mut response.dates,
                    references: &mut response.references,
                    notes: &mut response.notes,
                    payment_terms: None,
                    extensions: &mut response.extensions,
                    entity: "SE",
                };
                if !header.read(seg)? {
                    response.extensions.push(seg.raw_extension(""));
                }
            }
        }
    }
    Ok(response)
}

/// Whether `lines[i]` answers the same line as the response before it (a split line).
fn continues(lines: &[LineResponse], i: usize) -> bool {
    i > 0 && lines.get(i - 1).map(|p| &p.line_number) == lines.get(i).map(|l| &l.line_number)
}

/// The line status a line without ACK has: accepted when the whole order is, else pending.
fn implied(response: &OrderResponse) -> LineStatus {
    if response.status == ResponseStatus::Accepted {
        LineStatus::Accepted
    } else {
        LineStatus::Pending
    }
}

fn read_line(
    line: Seg<'_>,
    body: &mut Body<'_>,
    response: &OrderResponse,
    layout: &Layout,
    ordered: &mut Vec<String>,
    ordinal: usize,
) -> Result<Vec<LineResponse>, AdapterError> {
    let mut extensions = Vec::new();
    let line_number = items::line_number(line, ordinal, &mut extensions);
    let mut used = vec![1];
    if layout.line == "POC" && line.text(2) == Some("CA") {
        used.push(2);
    }
    let mut acks = Vec::new();
    let mut rest = LineBody {
        plain: true,
        ..LineBody::default()
    };
    while let Some(seg) = body
        .peek()
        .filter(|s| !purchase_order::LINE_END.contains(&s.id()))
    {
        body.next_seg();
        if seg.id() == "ACK" {
            acks.push(seg);
        } else {
            rest.read(seg)?;
        }
    }
    // A price per 100 is per 100 of the line's unit: PO103 when the line repeats the order
    // quantity, else the unit the first ACK answers in.
    let unit = codes::canonical_unit(
        line.component(layout.price - 1, 1)
            .or_else(|| acks.first().and_then(|ack| ack.text(3)))
            .unwrap_or(""),
    );
    let price = items::read_price(
        line,
        layout.price,
        layout.price + 1,
        &unit,
        response.currency.as_ref(),
        &mut used,
    )?;
    let mut item_ids = Vec::new();
    used.extend(items::read_ids(
        line,
        layout.ids,
        "",
        &mut item_ids,
        &mut extensions,
    ));
    line.leftovers(&used, "", &mut extensions);
    if let Some(quantity) = line.decimal(if layout.line == "PO1" { 2 } else { 3 })? {
        ordered.push(quantity);
    }
    let blank = |line_number: &str| LineResponse {
        line_number: line_number.to_owned(),
        status: implied(response),
        status_code: None,
        item_ids: Vec::new(),
        quantity: None,
        price: None,
        dates: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    let mut lines = Vec::new();
    let mut first = blank(&line_number);
    first.item_ids = item_ids;
    first.price = price;
    first.notes = rest.notes;
    let mut acks = acks.into_iter();
    if let Some(ack) = acks.next() {
        read_ack(ack, &mut first)?;
    }
    first.dates.extend(rest.dates);
    first.extensions.extend(extensions);
    first.extensions.extend(rest.extensions);
    lines.push(first);
    for ack in acks {
        let mut answer = blank(&line_number);
        read_ack(ack, &mut answer)?;
        lines.push(answer);
    }
    Ok(lines)
}

/// ACK: status ACK01, quantity ACK02/ACK03, date ACK04/ACK05; the rest kept as `x12.ACK.NN`.
fn read_ack(ack: Seg<'_>, answer: &mut LineResponse) -> Result<(), AdapterError> {
    let code = ack.require(1, "ACK01, the line item status,")?;
    answer.status = codes::line_status(code);
    answer.status_code = Some(code.to_owned());
    let mut used = vec![1];
    if let Some(value) = ack.decimal(2)? {
        answer.quantity = Some(Quantity {
            value,
            unit: codes::canonical_unit(ack.text(3).unwrap_or_default()),
        });
        used.extend([2, 3]);
    }
    if let (Some(qualifier), Some(value)) = (ack.text(4), ack.date(5, None)?) {
        answer.dates.push(Dated {
            kind: codes::date_kind(qualifier),
            value,
            qualifier: Some(qualifier.to_owned()),
        });
        used.extend([4, 5]);
    }
    ack.leftovers(&used, "", &mut answer.extensions);
    Ok(())
}

pub fn write(response: &OrderResponse, set: Set) -> Result<Vec<Out>, AdapterError> {
    let layout = set.layout();
    let mut out = Vec::new();
    let (main, dates) = split_document_date(&response.dates);
    let po_date_at = dates.iter().position(|d| date::is_order_date(d));
    let po_date = po_date_at
        .and_then(|i| dates.get(i))
        .map(|d| common::compact(&d.value, "dates"))
        .transpose()?
        .ok_or_else(|| missing_order_date(layout.begin, layout.po_date))?;
    let status = codes::keep_or(
        response.status_code.as_deref(),
        response.status,
        codes::response_status,
        codes::response_code(response.status),
    );
    let mut begin = Out::new(layout.begin)
        .with(
            1,
            extension(&response.extensions, &format!("x12.{}.01", layout.begin))
                .unwrap_or_else(|| "00".to_owned()),
        )
        .with(2, status)
        .with(3, response.po_number.clone())
        .with(layout.po_date, po_date.0)
        .with_opt(layout.response_number, response.response_number.clone());
    if let Some(d) = main {
        begin.set(layout.date, common::compact(&d.value, "dates")?.0);
    }
    if let Some(n) = layout.change_number {
        begin.opt(n, response.change_number.clone());
    }
    out.push(begin.restore(&response.extensions, ""));
    out.extend(common::write_cur(
        response.currency.as_ref(),
        &response.extensions,
        "SE",
    ));
    out.extend(response.references.iter().filter_map(common::write_ref));
    out.extend(raw_segments(&response.extensions, ""));
    for (i, dated) in dates
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != po_date_at)
    {
        out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
    }
    out.extend(response.notes.iter().flat_map(common::write_note));
    for party in &response.parties {
        parties::write(party, &response.extensions, &mut out)?;
    }
    let mut ordered = Vec::new();
    let mut count = 0;
    for (i, line) in response.lines.iter().enumerate() {
        let path = format!("lines[{i}]");
        let first = !continues(&response.lines, i);
        if first {
            count += 1;
            let mut seg = Out::new(layout.line);
            if !items::line_number_absent(layout.line, &line.extensions) {
                seg.set(1, line.line_number.clone());
            }
            if let Some(price) = &line.price {
                items::write_price(&mut seg, layout.price, layout.price + 1, price, &path)?;
            }
            items::write_ids(
                &mut seg,
                layout.ids,
                layout.last_id,
                &line.item_ids,
                &line.extensions,
                "",
            );
            let mut seg = seg.restore(&line.extensions, "");
            if layout.line == "POC" {
                seg = seg.with_default(2, "CA");
            }
            let ordered_at = if layout.line == "PO1" { 2 } else { 3 };
            if let Some(q) = crate::writer::element(&seg, ordered_at) {
                ordered.push(q.to_owned());
            }
            out.push(seg);
            out.extend(raw_segments(&line.extensions, ""));
            out.extend(line.notes.iter().flat_map(common::write_note));
        }
        write_ack(line, implied(response), first, &path, &mut out)?;
    }
    let quantities: Vec<&str> = ordered.iter().map(String::as_str).collect();
    let mut ctt = purchase_order::write_ctt(&quantities, &response.extensions);
    ctt.set(1, count.to_string());
    out.push(ctt);
    Ok(out)
}

/// ACK for one line response (its first date in ACK04/ACK05 when it has no time), then the
/// line's other dates as DTM. A first response that says no more than the order status
/// implies gets no ACK.
fn write_ack(
    line: &LineResponse,
    implied: LineStatus,
    first: bool,
    path: &str,
    out: &mut Vec<Out>,
) -> Result<(), AdapterError> {
    let needs_ack =
        line.status_code.is_some() || line.status != implied || line.quantity.is_some() || !first;
    let mut dates = line.dates.iter().enumerate().peekable();
    if needs_ack {
        let code = codes::keep_or(
            line.status_code.as_deref(),
            line.status,
            codes::line_status,
            codes::line_status_code(line.status),
        );
        let mut ack = Out::new("ACK").with(1, code);
        if let Some(quantity) = &line.quantity {
            ack.set(2, quantity.value.clone())
                .set(3, codes::x12_unit(&quantity.unit));
        }
        let qualifier = |d: &Dated| {
            d.qualifier
                .clone()
                .filter(|q| codes::is_code(q) && codes::date_kind(q) == d.kind)
                .or_else(|| codes::date_qualifier(d.kind).map(str::to_owned))
        };
        if let Some((_, dated)) =
            dates.next_if(|(_, d)| d.value.len() == 10 && qualifier(d).is_some())
        {
            let (day, _, _) = common::compact(&dated.value, &format!("{path}.dates[0]"))?;
            ack.set(4, qualifier(dated).unwrap_or_default()).set(5, day);
        }
        out.push(ack.restore(&line.extensions, ""));
    }
    for (i, dated) in dates {
        out.push(common::write_dtm(dated, &format!("{path}.dates[{i}]"))?);
    }
    if !first {
        out.extend(line.notes.iter().flat_map(common::write_note));
    }
    Ok(())
}
