//! Purchase orders: ORDERS05 with message type ORDERS, to and from [`PurchaseOrder`].
//!
//! Header: E1EDK01 CURCY is the currency, BSART the order type, ZTERM the payment terms; the
//! PO number is E1EDK02 QUALF 001 BELNR, else E1EDK01 BELNR. E1EDS01 SUMID 002 is the total.
//! Items: E1EDP01 POSEX is the line number (kept as written, `00010`), UEPOS the parent line;
//! E1EDP20 schedule lines carry WMENG in the item's unit and EDATU as the requested delivery
//! date (qualifier `EDATU`); E1EDP03 dates, E1EDP02 references, E1EDP19 identifiers and
//! E1EDPT1 texts as at the header. Everything else is kept under `idoc.E1EDP01`.
//!
//! Written, an order's codes (BSART, ZTERM, date qualifiers, partner functions, text IDs) are
//! SAP's only when the order came from an IDoc; from another standard the canonical meaning
//! decides, and codes SAP cannot take are logged and left out.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, DateKind, Dated, Document, Envelope, OrderLine, PurchaseOrder, Quantity,
    ScheduleLine,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin};
use crate::control::ORDERS05 as BASIC_TYPE;
use crate::header::{self, HeaderOut};
use crate::items::{read_price, require_quantity, write_price, write_quantity};
use crate::output::{not_written, restore, segment, write_date, write_decimal};
use crate::parties::BUYER_NUMBERS;
use crate::qualified;
use crate::segments::Segment;
use crate::texts;

/// The qualifier a schedule line's delivery date keeps: the E1EDP20 field it came from.
pub const SCHEDULE_DATE: &str = "EDATU";

/// Reads the data segments of one ORDERS IDoc into a purchase order.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let header = header::read(&mut idoc, true, BUYER_NUMBERS)?;
    let mut extensions = Vec::new();
    let (mut currency, mut order_type, mut payment_terms, mut po_number) = (None, None, None, None);
    if let Some(mut general) = header.general {
        currency = general.text("CURCY").map(str::to_owned);
        order_type = general.text("BSART").map(str::to_owned);
        payment_terms = general.text("ZTERM").map(str::to_owned);
        if header.purchase_order.is_none() {
            po_number = general.text("BELNR").map(str::to_owned);
        }
        general.leftovers(&format!("idoc.{}", general.key_name()), &mut extensions);
    }
    let po_number = match header.purchase_order.map(|po| po.number).or(po_number) {
        Some(number) => number,
        None => {
            return Err(error::validation(
                "the order has no purchase order number: no E1EDK02 with QUALF 001 \
                 and no BELNR in E1EDK01",
            )
            .at_xml(idoc.field_path("E1EDK02")));
        }
    };
    extensions.extend(header.extensions);
    if payment_terms.is_none() {
        payment_terms = header::read_payment_terms(&mut idoc, &mut extensions);
    }
    let items = idoc.segments("E1EDP01");
    if items.is_empty() {
        return Err(error::validation("the order has no items (E1EDP01)")
            .at_xml(idoc.field_path("E1EDP01")));
    }
    let lines = items
        .into_iter()
        .map(|item| read_line(item, currency.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let total = header::read_totals(
        &mut idoc,
        &[header::TOTAL_VALUE],
        currency.as_deref(),
        &mut extensions,
    )?
    .pop()
    .flatten();
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::PurchaseOrder(PurchaseOrder {
            po_number,
            order_type,
            currency,
            dates: {
                let mut dates = header.dates;
                codes::shipping_dates_as(&mut dates, DateKind::RequestedShip);
                dates
            },
            parties: header.parties,
            references: header.references,
            payment_terms,
            notes: header.notes,
            lines,
            total,
            extensions,
        }),
    })
}

/// Reads one E1EDP01 into an order line (order changes read their items the same way).
pub fn read_line(mut item: Segment<'_>, currency: Option<&str>) -> Result<OrderLine, AdapterError> {
    let line_number = item.require("POSEX", "the item number")?.to_owned();
    let quantity = require_quantity(&mut item)?;
    let price = read_price(&mut item, Some(&quantity.unit), currency)?;
    let mut extensions = Vec::new();
    // SAP writes an empty higher-level item as zeros; only a real one names a parent.
    let parent_line = match item.peek("UEPOS") {
        Some(uepos) if uepos.bytes().any(|b| b != b'0') => {
            item.consume("UEPOS");
            Some(uepos.to_owned())
        }
        _ => None,
    };
    let mut dates = qualified::read_dates(&mut item, "E1EDP03", &mut extensions)?;
    codes::shipping_dates_as(&mut dates, DateKind::RequestedShip);
    let (_, references) =
        qualified::read_references(&mut item, "E1EDP02", None, false, &mut extensions)?;
    let (item_ids, description) = qualified::read_item_ids(&mut item, true, &mut extensions)?;
    let mut schedule = Vec::new();
    for mut line in item.segments("E1EDP20") {
        let Some(value) = line.decimal("WMENG")? else {
            return Err(
                error::validation("<E1EDP20> has no WMENG (the scheduled quantity)")
                    .at_xml(line.field_path("WMENG")),
            );
        };
        let dates = line
            .date("EDATU", "EZEIT")?
            .map(|value| Dated {
                kind: DateKind::RequestedDelivery,
                value,
                qualifier: Some(SCHEDULE_DATE.to_owned()),
            })
            .into_iter()
            .collect();
        line.leftovers(
            &format!("idoc.E1EDP01.{}", line.key_name()),
            &mut extensions,
        );
        schedule.push(ScheduleLine {
            quantity: Quantity {
                value,
                unit: quantity.unit.clone(),
            },
            dates,
        });
    }
    let notes = texts::read(&mut item, texts::ITEM, &mut extensions)?;
    item.leftovers("idoc.E1EDP01", &mut extensions);
    Ok(OrderLine {
        line_number,
        parent_line,
        item_ids,
        description,
        quantity,
        price,
        schedule,
        dates,
        references,
        notes,
        extensions,
    })
}

/// Writes a purchase order as the data segments of an ORDERS05 IDoc.
pub fn write(po: &PurchaseOrder, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    // Order type and payment terms are keys into the receiving SAP's customizing; another
    // standard's codes ("SA", "2% 10 Net 30") would be read as keys that do not exist.
    // Payment terms in words go to E1EDK18 instead.
    let keys = [("BSART", &po.order_type), ("ZTERM", &po.payment_terms)];
    let mut general = segment("E1EDK01").text_child_opt("CURCY", po.currency.clone());
    let mut own_segments = Vec::new();
    for (field, value) in keys {
        match value {
            Some(terms) if field == "ZTERM" && !header::is_payment_terms_key(terms, origin) => {
                own_segments = header::write_payment_terms(terms);
            }
            Some(value) if origin.sap_codes => general = general.text_child(field, value),
            Some(value) => not_written(&format!("{field} {value:?} from another standard")),
            None => {}
        }
    }
    if po.lines.is_empty() {
        return Err(error::validation("the purchase order has no lines")
            .at_xml(format!("/{BASIC_TYPE}/IDOC/E1EDP01")));
    }
    let mut data = header::write(HeaderOut {
        general,
        dates: &po.dates,
        numbering: BUYER_NUMBERS,
        parties: &po.parties,
        purchase_order: Some(&po.po_number),
        references: &po.references,
        notes: &po.notes,
        extensions: &po.extensions,
        own_segments,
        origin,
        basic_type: BASIC_TYPE,
    })?;
    for (index, line) in po.lines.iter().enumerate() {
        data.push(write_line(line, index + 1, po.currency.as_deref(), origin)?);
    }
    data.extend(header::write_totals(
        &[(header::TOTAL_VALUE, po.total.as_ref())],
        &po.extensions,
        BASIC_TYPE,
    )?);
    Ok(data)
}

/// Writes an order line as the E1EDP01 at `position` (1-based).
pub fn write_line(
    line: &OrderLine,
    position: usize,
    currency: Option<&str>,
    origin: Origin,
) -> Result<Element, AdapterError> {
    let path = format!("/{BASIC_TYPE}/IDOC/E1EDP01[{position}]");
    let line_number = line.line_number.trim();
    if line_number.is_empty() {
        return Err(
            error::validation("the order line has no line number").at_xml(format!("{path}/POSEX"))
        );
    }
    let mut item = segment("E1EDP01").text_child("POSEX", line_number);
    item = write_quantity(item, &line.quantity, &path)?;
    if let Some(price) = &line.price {
        item = write_price(item, price, Some(&line.quantity.unit), currency, &path)?;
    }
    item = item.text_child_opt("UEPOS", line.parent_line.clone());
    item.children.extend(qualified::write_references(
        None,
        &line.references,
        "E1EDP02",
        &line.extensions,
    ));
    item.children.extend(qualified::write_dates(
        &line.dates,
        "E1EDP03",
        &path,
        &line.extensions,
        origin,
    )?);
    for (index, schedule) in line.schedule.iter().enumerate() {
        item.children.push(write_schedule(
            schedule,
            line,
            &format!("{path}/E1EDP20[{}]", index + 1),
        )?);
    }
    item.children.extend(qualified::write_item_ids(
        &line.item_ids,
        line.description.as_deref(),
        &line.extensions,
    ));
    item.children.extend(texts::write(
        &line.notes,
        texts::ITEM,
        &line.extensions,
        origin.sap_codes,
    ));
    restore(&mut item, &line.extensions, "idoc.E1EDP01", &[]);
    Ok(item)
}

fn write_schedule(
    schedule: &ScheduleLine,
    line: &OrderLine,
    path: &str,
) -> Result<Element, AdapterError> {
    // E1EDP20 has no unit of its own: a schedule in another unit would be read as the
    // item's unit, a wrong quantity, so it is refused rather than written.
    if schedule.quantity.unit.trim() != line.quantity.unit.trim() {
        return Err(error::validation(format!(
            "a schedule line of line {} counts in {}, but E1EDP20 counts in the item's unit {}",
            line.line_number, schedule.quantity.unit, line.quantity.unit
        ))
        .at_xml(format!("{path}/WMENG")));
    }
    let mut segment = segment("E1EDP20").text_child(
        "WMENG",
        write_decimal(&schedule.quantity.value, &format!("{path}/WMENG"))?,
    );
    let mut dates = schedule.dates.iter();
    if let Some(date) = dates.next() {
        let (day, time) = write_date(&date.value, &format!("{path}/EDATU"))?;
        segment = segment
            .text_child("EDATU", day)
            .text_child_opt("EZEIT", time);
    }
    for extra in dates {
        not_written(&format!(
            "a second date {} of a schedule line of line {}",
            extra.value, line.line_number
        ));
    }
    Ok(segment)
}
