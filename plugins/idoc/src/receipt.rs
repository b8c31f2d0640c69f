//! Goods receipts: MBGMCR03 (also read: MBGMCR02) with message type MBGMCR, the ALE form of
//! SAP's goods movement BAPI, to and from
//! [`GoodsReceipt`](wharf_guest_sdk::canonical::GoodsReceipt). The receiving ERP writes it, so
//! MATERIAL is the buyer's item number.
//!
//! Everything sits in the container segment E1MBGMCR:
//!
//! | MBGMCR03 | goods receipt |
//! | --- | --- |
//! | E1BP2017_GM_HEAD_01 GR_GI_SLIP_NO (required) | `receipt_number` |
//! | E1BP2017_GM_HEAD_01 REF_DOC_NO (the delivery note) | `shipment_id` |
//! | E1BP2017_GM_HEAD_01 DOC_DATE | date of kind Document |
//! | E1BP2017_GM_HEAD_01 PSTNG_DATE | date of kind Received |
//! | E1BP2017_GM_CODE GM_CODE | `01` (receipt for a purchase order) is written when no other was kept |
//! | E1BP2017_GM_ITEM_CREATE | lines (see [`lines`]) |
//!
//! The goods receipt model has no notes, so HEADER_TXT stays the extension
//! `idoc.E1BP2017_GM_HEAD_01.HEADER_TXT` and is written back, as is every other unmapped
//! header field; unmapped fields of E1MBGMCR and its other segments are kept under
//! `idoc.E1MBGMCR`. SAP dates carry no time, so a date's time is not written; parties and
//! references have no place in MBGMCR and are logged as left out.

mod lines;
mod write;

use wharf_guest_sdk::canonical::{
    CanonicalDocument, DateKind, Dated, Document, Envelope, GoodsReceipt,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::layout::Layout;
use crate::segments::Segment;

pub use write::write;

/// The basic type written.
pub const MBGMCR03: &str = "MBGMCR03";
/// The container segment of the whole goods movement.
const CONTAINER: &str = "E1MBGMCR";
const HEAD: &str = "E1BP2017_GM_HEAD_01";
const CODE: &str = "E1BP2017_GM_CODE";
const ITEM: &str = "E1BP2017_GM_ITEM_CREATE";
/// GM_CODE of a goods receipt for a purchase order.
const RECEIPT_FOR_ORDER: &str = "01";

/// MBGMCR03's hierarchy and the fields of its segment types.
pub const LAYOUT: Layout = Layout {
    segments: &[
        ("IDOC", &["EDI_DC40", CONTAINER]),
        (
            CONTAINER,
            &[
                HEAD,
                CODE,
                ITEM,
                "E1BP2017_GM_SERIALNUMBER",
                "E1BP2017_GM_ITEM_CREATE1",
                "E1BPPAREX",
            ],
        ),
    ],
    fields: &[
        (
            HEAD,
            &[
                "PSTNG_DATE",
                "DOC_DATE",
                "REF_DOC_NO",
                "BILL_OF_LADING",
                "GR_GI_SLIP_NO",
                "PR_UNAME",
                "HEADER_TXT",
                "VER_GR_GI_SLIP",
                "VER_GR_GI_SLIPX",
                "EXT_WMS",
                "REF_DOC_NO_LONG",
                "BILL_OF_LADING_LONG",
                "BAR_CODE",
            ],
        ),
        (CODE, &["GM_CODE"]),
        (ITEM, lines::ITEM_FIELDS),
    ],
};

/// Reads the data segments of one MBGMCR IDoc into a goods receipt.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let mut extensions = Vec::new();
    let mut containers = idoc.segments(CONTAINER);
    if containers.len() > 1 {
        return Err(error::validation("an MBGMCR IDoc has exactly one E1MBGMCR")
            .at_xml(containers[1].path()));
    }
    let Some(mut container) = containers.pop() else {
        return Err(
            error::validation("the IDoc has no goods movement segment E1MBGMCR")
                .at_xml(idoc.field_path(CONTAINER)),
        );
    };
    let mut heads = container.segments(HEAD);
    let Some(head) = heads.first_mut() else {
        return Err(
            error::validation("E1MBGMCR has no header segment E1BP2017_GM_HEAD_01")
                .at_xml(container.field_path(HEAD)),
        );
    };
    let receipt_number = head
        .require("GR_GI_SLIP_NO", "the goods receipt slip number")?
        .to_owned();
    let shipment_id = head.text("REF_DOC_NO").map(str::to_owned);
    let mut dates = Vec::new();
    for (field, kind) in [
        ("DOC_DATE", DateKind::Document),
        ("PSTNG_DATE", DateKind::Received),
    ] {
        if let Some(value) = head.date(field, "")? {
            dates.push(Dated {
                kind,
                value,
                qualifier: None,
            });
        }
    }
    head.leftovers(&format!("idoc.{HEAD}"), &mut extensions);
    for extra in heads.iter().skip(1) {
        extra.leftovers(
            &format!("idoc.{CONTAINER}.{}", extra.key_name()),
            &mut extensions,
        );
    }
    for mut code in container.segments(CODE) {
        if code.peek("GM_CODE") == Some(RECEIPT_FOR_ORDER) {
            code.consume("GM_CODE");
        }
        code.leftovers(
            &format!("idoc.{CONTAINER}.{}", code.key_name()),
            &mut extensions,
        );
    }
    let items = container.segments(ITEM);
    if items.is_empty() {
        return Err(
            error::validation("the goods receipt has no item E1BP2017_GM_ITEM_CREATE")
                .at_xml(container.field_path(ITEM)),
        );
    }
    let lines = lines::read(items)?;
    container.leftovers(&format!("idoc.{CONTAINER}"), &mut extensions);
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::GoodsReceipt(GoodsReceipt {
            receipt_number,
            shipment_id,
            dates,
            parties: Vec::new(),
            references: Vec::new(),
            lines,
            extensions,
        }),
    })
}
