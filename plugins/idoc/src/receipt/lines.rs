//! Goods receipt items: E1BP2017_GM_ITEM_CREATE to and from receipt lines.
//!
//! | E1BP2017_GM_ITEM_CREATE | receipt line |
//! | --- | --- |
//! | LINE_ID, else the item's position (1, 2, ...) | `line_number` |
//! | MATERIAL | item id, scheme `buyer` (the receiving ERP's material) |
//! | EAN_UPC | item id, scheme `gtin` |
//! | STGE_LOC | `location` (written only for documents from an IDoc: it is SAP customizing) |
//! | BATCH | `lots` (one) |
//! | ENTRY_QNT, ENTRY_UOM (else ENTRY_UOM_ISO, also kept) | `received`, or `rejected` for MOVE_TYPE 122 |
//! | PO_NUMBER, PO_ITEM | `po_number`, `order_line` |
//! | PLANT, MOVE_REAS, every other field | extensions `idoc.E1BP2017_GM_ITEM_CREATE.<FIELD>` |
//!
//! # Receipts and returns
//!
//! MOVE_TYPE 101 is a receipt; 122 is a return to the vendor, which SAP posts as an item of
//! its own. A 122 item without a LINE_ID that directly follows a receipt item is that line's
//! `rejected` quantity: its PO_NUMBER, PO_ITEM, MATERIAL, EAN_UPC, BATCH and STGE_LOC are taken
//! as the line's when they are equal, and its other fields (those among them too when they
//! differ) are the line's extensions `idoc.E1BP2017_GM_ITEM_CREATE.122.<FIELD>`, which win
//! over the line's values when the return item is written again. Any other 122 item is a line of its own that
//! received nothing: `received` is zero in the returned unit and `rejected` the quantity.
//! Writing does the reverse: a line with a zero `received` and a `rejected` quantity is one
//! 122 item; a line with both is a 101 item followed by a 122 item without LINE_ID.
//! Other movement types read as receipts and keep MOVE_TYPE as an extension.

use wharf_guest_sdk::canonical::{Extension, Quantity, ReceiptLine};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id};

use crate::codes::canonical_unit;
use crate::segments::Segment;

/// The fields of E1BP2017_GM_ITEM_CREATE, in definition order.
pub const ITEM_FIELDS: &[&str] = &[
    "MATERIAL",
    "PLANT",
    "STGE_LOC",
    "BATCH",
    "MOVE_TYPE",
    "STCK_TYPE",
    "SPEC_STOCK",
    "VENDOR",
    "CUSTOMER",
    "SALES_ORD",
    "S_ORD_ITEM",
    "SCHED_LINE",
    "VAL_TYPE",
    "ENTRY_QNT",
    "ENTRY_UOM",
    "ENTRY_UOM_ISO",
    "PO_PR_QNT",
    "ORDERPR_UN",
    "ORDERPR_UN_ISO",
    "PO_NUMBER",
    "PO_ITEM",
    "SHIPPING",
    "COMP_SHIP",
    "NO_MORE_GR",
    "ITEM_TEXT",
    "GR_RCPT",
    "UNLOAD_PT",
    "COSTCENTER",
    "ORDERID",
    "ORDER_ITNO",
    "CALC_MOTIVE",
    "ASSET_NO",
    "SUB_NUMBER",
    "RESERV_NO",
    "RES_ITEM",
    "RES_TYPE",
    "WITHDRAWN",
    "MOVE_MAT",
    "MOVE_PLANT",
    "MOVE_STLOC",
    "MOVE_BATCH",
    "MOVE_VAL_TYPE",
    "MVT_IND",
    "MOVE_REAS",
    "RL_EST_KEY",
    "REF_DATE",
    "COST_OBJ",
    "PROFIT_SEGM_NO",
    "PROFIT_CTR",
    "WBS_ELEM",
    "NETWORK",
    "ACTIVITY",
    "PART_ACCT",
    "AMOUNT_LC",
    "AMOUNT_SV",
    "REF_DOC_YR",
    "REF_DOC",
    "REF_DOC_IT",
    "EXPIRYDATE",
    "PROD_DATE",
    "FUND",
    "FUNDS_CTR",
    "CMMT_ITEM",
    "VAL_SALES_ORD",
    "VAL_S_ORD_ITEM",
    "VAL_WBS_ELEM",
    "GL_ACCOUNT",
    "IND_PROPOSE_QUANX",
    "XSTOB",
    "EAN_UPC",
    "DELIV_NUMB_TO_SEARCH",
    "DELIV_ITEM_TO_SEARCH",
    "SERIALNO_AUTO_NUMBERASSIGNMENT",
    "VENDRBATCH",
    "STGE_TYPE",
    "STGE_BIN",
    "LINE_ID",
    "PARENT_ID",
    "LINE_DEPTH",
    "QUANTITY",
    "BASE_UOM",
];

pub const ITEM_PREFIX: &str = "idoc.E1BP2017_GM_ITEM_CREATE";
/// The step under [`ITEM_PREFIX`] that keeps a merged return item's own fields.
pub const RETURN_STEP: &str = "122";
pub const RECEIPT: &str = "101";
pub const RETURN: &str = "122";
/// Fields a return item shares with the receipt it follows.
pub const SHARED: [&str; 6] = [
    "PO_NUMBER",
    "PO_ITEM",
    "MATERIAL",
    "EAN_UPC",
    "BATCH",
    "STGE_LOC",
];

/// Reads the items, in order, into receipt lines.
pub fn read(items: Vec<Segment<'_>>) -> Result<Vec<ReceiptLine>, AdapterError> {
    let mut lines: Vec<ReceiptLine> = Vec::new();
    // Whether the last line read came from a receipt item a return may still join.
    let mut open: Option<Segment<'_>> = None;
    for (index, mut item) in items.into_iter().enumerate() {
        let move_type = item.peek("MOVE_TYPE");
        let quantity = quantity(&mut item)?;
        if move_type == Some(RETURN) {
            item.consume("MOVE_TYPE");
            if item.peek("LINE_ID").is_none()
                && let (Some(receipt), Some(line)) = (open.take(), lines.last_mut())
            {
                for field in SHARED {
                    if item.peek(field).is_some() && item.peek(field) == receipt.peek(field) {
                        item.consume(field);
                    }
                }
                line.rejected = Some(quantity);
                item.leftovers(
                    &format!("{ITEM_PREFIX}.{RETURN_STEP}"),
                    &mut line.extensions,
                );
                continue;
            }
            let received = Quantity {
                value: "0".to_owned(),
                unit: quantity.unit.clone(),
            };
            lines.push(line_of(&mut item, index, received, Some(quantity)));
            open = None;
        } else {
            if move_type == Some(RECEIPT) {
                item.consume("MOVE_TYPE");
            }
            lines.push(line_of(&mut item, index, quantity, None));
            open = Some(item);
        }
    }
    Ok(lines)
}

/// ENTRY_QNT in ENTRY_UOM (SAP's internal unit, read as its Rec 20 code), else in
/// ENTRY_UOM_ISO; a quantity needs a unit. ENTRY_UOM_ISO is
/// read without being used up, so it stays an extension and is written back as the ISO unit
/// it was rather than as SAP's own unit ENTRY_UOM.
fn quantity(item: &mut Segment<'_>) -> Result<Quantity, AdapterError> {
    let Some(value) = item.decimal("ENTRY_QNT")? else {
        return Err(error::validation(
            "<E1BP2017_GM_ITEM_CREATE> has no ENTRY_QNT (the quantity received)",
        )
        .at_xml(item.field_path("ENTRY_QNT")));
    };
    let unit = match item.text("ENTRY_UOM") {
        Some(unit) => unit,
        None => item.peek("ENTRY_UOM_ISO").ok_or_else(|| {
            error::validation(
                "<E1BP2017_GM_ITEM_CREATE> has no ENTRY_UOM nor ENTRY_UOM_ISO (the unit of entry)",
            )
            .at_xml(item.field_path("ENTRY_UOM"))
        })?,
    };
    Ok(Quantity {
        value,
        unit: canonical_unit(unit),
    })
}

fn line_of(
    item: &mut Segment<'_>,
    index: usize,
    received: Quantity,
    rejected: Option<Quantity>,
) -> ReceiptLine {
    let line_number = item
        .text("LINE_ID")
        .map_or_else(|| (index + 1).to_string(), str::to_owned);
    let mut item_ids = Vec::new();
    if let Some(material) = item.text("MATERIAL") {
        item_ids.push(id("buyer", material));
    }
    if let Some(gtin) = item.text("EAN_UPC") {
        item_ids.push(id("gtin", gtin));
    }
    let po_number = item.text("PO_NUMBER").map(str::to_owned);
    let order_line = item.text("PO_ITEM").map(str::to_owned);
    let lots = item.text("BATCH").map(str::to_owned).into_iter().collect();
    let location = item.text("STGE_LOC").map(str::to_owned);
    let mut extensions: Vec<Extension> = Vec::new();
    item.leftovers(ITEM_PREFIX, &mut extensions);
    ReceiptLine {
        line_number,
        po_number,
        order_line,
        item_ids,
        received,
        rejected,
        lots,
        location,
        extensions,
    }
}
