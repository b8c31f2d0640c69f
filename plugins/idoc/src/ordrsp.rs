//! Order responses: ORDERS05 with message type ORDRSP, to and from [`OrderResponse`].
//!
//! Header: E1EDK01 ACTION is the status (table in [`crate::codes`], the code kept in
//! `status_code`), CURCY the currency, BELNR the response number; E1EDK02 QUALF 001 names the
//! purchase order. Items: POSEX is the line number, ACTION the line status (a three-digit
//! `status_code` is written as it is), MENGE/MENEE the confirmed quantity, VPREI/PEINH the
//! price. A promised delivery date is an E1EDP20 schedule line (EDATU, with WMENG the confirmed
//! quantity when there is one date); other dates are E1EDP03.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, DateKind, Dated, Document, Envelope, LineResponse, OrderResponse,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin, is_three_digits};
use crate::control::ORDERS05 as BASIC_TYPE;
use crate::header::{self, HeaderOut};
use crate::items::{read_price, read_quantity, write_price, write_quantity};
use crate::orders::SCHEDULE_DATE;
use crate::output::{not_written, restore, segment, write_date, write_decimal};
use crate::parties::BUYER_NUMBERS;
use crate::qualified;
use crate::segments::{Segment, sap_decimal};
use crate::texts;

/// Reads the data segments of one ORDRSP IDoc into an order response.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let header = header::read(&mut idoc, false, BUYER_NUMBERS)?;
    let mut extensions = Vec::new();
    let (mut action, mut currency, mut response_number) = (None, None, None);
    if let Some(mut general) = header.general {
        action = general.text("ACTION").map(str::to_owned);
        currency = general.text("CURCY").map(str::to_owned);
        response_number = general.text("BELNR").map(str::to_owned);
        general.leftovers(&format!("idoc.{}", general.key_name()), &mut extensions);
    }
    let Some(purchase_order) = header.purchase_order else {
        return Err(error::validation(
            "the order response names no purchase order: no E1EDK02 with QUALF 001",
        )
        .at_xml(idoc.field_path("E1EDK02")));
    };
    extensions.extend(header.extensions);
    let lines = idoc
        .segments("E1EDP01")
        .into_iter()
        .map(|item| read_line(item, currency.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    header::read_totals(&mut idoc, &[], None, &mut extensions)?;
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::OrderResponse(OrderResponse {
            response_number,
            po_number: purchase_order.number,
            change_number: None,
            status: codes::response_status(action.as_deref()),
            status_code: action,
            currency,
            dates: {
                let mut dates = header.dates;
                codes::shipping_dates_as(&mut dates, DateKind::PromisedShip);
                dates
            },
            parties: header.parties,
            references: header.references,
            notes: header.notes,
            lines,
            extensions,
        }),
    })
}

fn read_line(mut item: Segment<'_>, currency: Option<&str>) -> Result<LineResponse, AdapterError> {
    let line_number = item.require("POSEX", "the item number")?.to_owned();
    let action = item.text("ACTION").map(str::to_owned);
    let quantity = read_quantity(&mut item)?;
    let unit = quantity
        .as_ref()
        .map(|q| q.unit.as_str())
        .or(item.peek("MENEE"));
    let price = read_price(&mut item, unit, currency)?;
    let mut extensions = Vec::new();
    let (item_ids, _) = qualified::read_item_ids(&mut item, false, &mut extensions)?;
    let mut dates = qualified::read_dates(&mut item, "E1EDP03", &mut extensions)?;
    codes::shipping_dates_as(&mut dates, DateKind::PromisedShip);
    for mut schedule in item.segments("E1EDP20") {
        // WMENG repeating the confirmed quantity says nothing new; any other is kept.
        if let Some(confirmed) = schedule.peek("WMENG") {
            let same = sap_decimal(confirmed)
                .ok()
                .zip(quantity.as_ref())
                .is_some_and(|(scheduled, quantity)| scheduled == quantity.value);
            if same {
                schedule.consume("WMENG");
            }
        }
        if let Some(value) = schedule.date("EDATU", "EZEIT")? {
            dates.push(Dated {
                kind: DateKind::PromisedDelivery,
                value,
                qualifier: Some(SCHEDULE_DATE.to_owned()),
            });
        }
        schedule.leftovers(
            &format!("idoc.E1EDP01.{}", schedule.key_name()),
            &mut extensions,
        );
    }
    let notes = texts::read(&mut item, texts::ITEM, &mut extensions)?;
    item.leftovers("idoc.E1EDP01", &mut extensions);
    Ok(LineResponse {
        line_number,
        status: codes::line_status(action.as_deref()),
        status_code: action,
        item_ids,
        quantity,
        price,
        dates,
        notes,
        extensions,
    })
}

/// The ACTION written for a status: its own code when that is a three-digit SAP code.
fn action<'s>(status_code: Option<&'s str>, from_status: Option<&'s str>) -> Option<&'s str> {
    status_code
        .map(str::trim)
        .filter(|code| is_three_digits(code))
        .or(from_status)
}

/// Writes an order response as the data segments of an ORDRSP IDoc.
pub fn write(response: &OrderResponse, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    if let Some(change) = &response.change_number {
        not_written(&format!("change number {change}"));
    }
    let general = segment("E1EDK01")
        .text_child_opt(
            "ACTION",
            action(
                response.status_code.as_deref(),
                codes::header_action(response.status),
            ),
        )
        .text_child_opt("CURCY", response.currency.clone())
        .text_child_opt("BELNR", response.response_number.clone());
    let mut data = header::write(HeaderOut {
        general,
        dates: &response.dates,
        numbering: BUYER_NUMBERS,
        parties: &response.parties,
        purchase_order: Some(&response.po_number),
        references: &response.references,
        notes: &response.notes,
        extensions: &response.extensions,
        own_segments: Vec::new(),
        origin,
        basic_type: BASIC_TYPE,
    })?;
    for (index, line) in response.lines.iter().enumerate() {
        data.push(write_line(
            line,
            index + 1,
            response.currency.as_deref(),
            origin,
        )?);
    }
    data.extend(header::write_totals(&[], &response.extensions, BASIC_TYPE)?);
    Ok(data)
}

/// A promised delivery date goes into a schedule line unless it came from SAP with a date
/// qualifier of its own (E1EDP03).
fn is_schedule_date(date: &Dated, origin: Origin) -> bool {
    date.kind == DateKind::PromisedDelivery
        && origin.sap_qualifier(date.qualifier.as_deref()).is_none()
}

fn write_line(
    line: &LineResponse,
    position: usize,
    currency: Option<&str>,
    origin: Origin,
) -> Result<Element, AdapterError> {
    let path = format!("/{BASIC_TYPE}/IDOC/E1EDP01[{position}]");
    let line_number = line.line_number.trim();
    if line_number.is_empty() {
        return Err(error::validation("the response line has no line number")
            .at_xml(format!("{path}/POSEX")));
    }
    let status = codes::item_action(line.status);
    let mut item = segment("E1EDP01")
        .text_child("POSEX", line_number)
        .text_child_opt("ACTION", action(line.status_code.as_deref(), Some(status)));
    let unit = line.quantity.as_ref().map(|q| q.unit.as_str());
    if let Some(quantity) = &line.quantity {
        item = write_quantity(item, quantity, &path)?;
    }
    if let Some(price) = &line.price {
        item = write_price(item, price, unit, currency, &path)?;
    }
    let (promised, other): (Vec<&Dated>, Vec<&Dated>) =
        line.dates.iter().partition(|d| is_schedule_date(d, origin));
    item.children.extend(qualified::write_dates(
        other,
        "E1EDP03",
        &path,
        &line.extensions,
        origin,
    )?);
    for (index, date) in promised.iter().enumerate() {
        let (day, time) = write_date(&date.value, &format!("{path}/E1EDP20[{}]/EDATU", index + 1))?;
        item.children.push(
            segment("E1EDP20")
                .text_child("EDATU", day)
                .text_child_opt("EZEIT", time),
        );
    }
    item.children.extend(qualified::write_item_ids(
        &line.item_ids,
        None,
        &line.extensions,
    ));
    item.children.extend(texts::write(
        &line.notes,
        texts::ITEM,
        &line.extensions,
        origin.sap_codes,
    ));
    restore(&mut item, &line.extensions, "idoc.E1EDP01", &[]);
    // One delivery date confirms the whole quantity on it; with several, how the quantity
    // splits is not in the canonical line, so only kept WMENG values are written.
    if let ([_], Some(quantity)) = (promised.as_slice(), &line.quantity)
        && let Some(schedule) = item.children.iter_mut().find(|c| c.name == "E1EDP20")
        && schedule.first("WMENG").is_none()
    {
        let value = write_decimal(&quantity.value, &format!("{path}/E1EDP20/WMENG"))?;
        schedule
            .children
            .push(Element::new("WMENG").with_text(value));
    }
    Ok(item)
}
