//! ORDERS, the purchase order, to and from a canonical purchase order.
//!
//! BGM 1004 is the PO number and C002 1001 the order type (220 order, 221 blanket order, ...);
//! the heading gives dates, references, parties, notes, payment terms (FTX+AAB) and currency.
//! Each LIN group is a line: QTY+21 the ordered quantity, PRI the price, SCC+1 groups the
//! delivery schedule, LIN C829 the parent of a sub-line. MOA+86 after UNS is the total.

use wharf_guest_sdk::canonical::{Money, OrderLine, PurchaseOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::common::{write_dates, write_notes, write_references};
use crate::header::{self, Common, keep_all, read_summary, take_amount, write_bgm, write_common};
use crate::interchange::Message;
use crate::items::{self, write_item, write_price, write_quantity, write_schedule};
use crate::writer::{Kept, Out, number};

/// Reads an ORDERS message.
pub fn read(message: &Message) -> Result<PurchaseOrder, AdapterError> {
    let mut header = header::read(message)?;
    header.keep_function();
    let Some(po_number) = header.number.clone() else {
        let bgm = &message.body[0];
        return Err(error::validation("ORDERS has no order number (BGM 1004)")
            .at_segment(message.context.locate(bgm, Some(2), Some(1))));
    };
    let mut extensions = std::mem::take(&mut header.extensions);
    keep_all(&header.rest, &mut extensions);
    let currency = header.currency.clone();
    let (lines, at) = items::read_lines(
        message,
        header.length,
        currency.as_deref(),
        &mut extensions,
        |line| order_line(message, line),
    )?;
    let mut summary = read_summary(message, at);
    let total =
        take_amount(message, &mut summary, "86", &mut extensions)?.map(|(amount, own)| Money {
            amount,
            // An amount naming no currency is in the CUX reference currency.
            currency: own.or_else(|| currency.clone()),
        });
    keep_all(&summary, &mut extensions);
    Ok(PurchaseOrder {
        po_number,
        order_type: header.code.clone(),
        currency,
        dates: header.dates,
        parties: header.parties,
        references: header.references,
        payment_terms: header.payment_terms,
        notes: header.notes,
        lines,
        total,
        extensions,
    })
}

/// A line group as an order line: QTY+21 (else the first QTY) is the ordered quantity, LIN
/// C829 names the parent of a sub-line.
pub fn order_line(message: &Message, mut line: items::Line<'_>) -> Result<OrderLine, AdapterError> {
    let chosen = line
        .quantities
        .iter()
        .position(|(q, _)| q == "21")
        .unwrap_or(0);
    if line.quantities.is_empty() {
        return Err(error::validation(format!(
            "line {} has no ordered quantity (QTY+21)",
            line.number
        ))
        .at_segment(message.context.locate(line.lin, None, None)));
    }
    let (_, quantity) = line.quantities.remove(chosen);
    let parent_line = line.lin.text(4, 2).map(str::to_owned);
    if line.lin.text(4, 1) == Some("1") {
        line.extensions.retain(|e| e.key != "edifact.LIN.C829");
    }
    let mut extensions = std::mem::take(&mut line.extensions);
    for (qualifier, other) in &line.quantities {
        let kept = format!("{qualifier}:{}:{}", other.value, other.unit);
        extensions.push(wharf_guest_sdk::text_extension("edifact.QTY", kept));
    }
    keep_all(&line.rest, &mut extensions);
    Ok(OrderLine {
        line_number: line.number,
        parent_line,
        item_ids: line.item_ids,
        description: line.description,
        quantity,
        price: line.price,
        schedule: line.schedule,
        dates: line.dates,
        references: line.references,
        notes: line.notes,
        extensions,
    })
}

/// Writes a purchase order as the body of an ORDERS message (BGM to CNT).
pub fn write(po: &PurchaseOrder, mark: char) -> Result<Vec<Out>, AdapterError> {
    if po.po_number.is_empty() {
        return Err(error::validation("an ORDERS needs an order number").at_xml("po_number"));
    }
    let mut kept = Kept::new(&po.extensions);
    let mut out = vec![write_bgm(
        po.order_type.as_deref().unwrap_or("220"),
        &po.po_number,
        None,
        &mut kept,
    )];
    out.extend(write_common(
        &Common {
            dates: &po.dates,
            notes: &po.notes,
            payment_terms: po.payment_terms.as_deref(),
            references: &po.references,
            parties: &po.parties,
            currency: po.currency.as_deref(),
        },
        &mut kept,
    )?);
    out.extend(kept.raw_segments());
    for (i, line) in po.lines.iter().enumerate() {
        out.extend(write_line(
            line,
            po.currency.as_deref(),
            mark,
            None,
            &format!("lines[{}]", i + 1),
        )?);
    }
    out.push(Out::new("UNS").el(&["S"]));
    if let Some(total) = &po.total {
        let amount = number(&total.amount, mark, "total.amount")?;
        let mut moa = Out::new("MOA").el(&[
            "86",
            amount.as_str(),
            // MOA 6345 only when it is not the CUX reference currency, as it is read.
            total
                .currency
                .as_deref()
                .filter(|c| *c != po.currency.as_deref().unwrap_or_default())
                .unwrap_or_default(),
        ]);
        kept.restore("edifact.MOA[86]", &mut moa);
        out.push(moa);
    }
    out.push(Out::new("CNT").el(&["2", &po.lines.len().to_string()]));
    Ok(out)
}

/// The line group of an order line; `action` is LIN 1229, the change an ORDCHG asks for.
pub fn write_line(
    line: &OrderLine,
    currency: Option<&str>,
    mark: char,
    action: Option<&str>,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let mut kept = Kept::new(&line.extensions);
    let mut out = write_item(
        &line.line_number,
        action,
        &line.item_ids,
        line.description.as_deref(),
        &mut kept,
    );
    if let (Some(parent), Some(lin)) = (&line.parent_line, out.first_mut()) {
        lin.set(4, 1, "1");
        lin.set(4, 2, parent);
    }
    out.push(write_quantity(
        "21",
        &line.quantity,
        mark,
        &mut kept,
        &format!("{path}.quantity"),
    )?);
    out.extend(write_dates(
        &line.dates,
        &mut kept,
        &format!("{path}.dates"),
    )?);
    out.extend(write_notes(&line.notes));
    if let Some(price) = &line.price {
        out.extend(write_price(
            price,
            currency,
            mark,
            &mut kept,
            &format!("{path}.price"),
        )?);
    }
    out.extend(write_references(&line.references));
    out.extend(write_schedule(
        &line.schedule,
        mark,
        &mut kept,
        &format!("{path}.schedule"),
    )?);
    out.extend(kept.raw_segments());
    Ok(out)
}
