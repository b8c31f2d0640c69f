//! Shipping notifications: DELVRY07 (DELVRY03/05/06 read alike) with message type DESADV, to
//! and from [`ShipNotice`](wharf_guest_sdk::canonical::ShipNotice). [`read`] regroups the
//! delivery's items and handling units into the canonical tree; [`write`] flattens it again.
//!
//! | DELVRY | ship notice |
//! | --- | --- |
//! | E1EDL20 VBELN | `shipment_id` |
//! | E1EDL20 LIFEX (the supplier's delivery note) | reference `("supplier", ..)` |
//! | E1EDL20 BTGEW + GEWEI | `gross_weight` |
//! | E1EDL20 ANZPK | `package_count` |
//! | E1EDL20 TRATY (means of transport type) | carrier `mode` |
//! | E1EDL20 BOLNR (bill of lading) | carrier `tracking_numbers`: the first, DELVRY has one |
//! | E1ADRM1 SP (forwarding agent): PARTNER_ID, NAME1 | carrier `ids` (`supplier`), `name` |
//! | E1TXTH8 TDID + E1TXTP8 TDLINE | `notes` (see [`crate::texts`]) |
//! | first E1EDL18 QUALF (ORI, CHG, DEL) | `purpose` |
//! | E1EDT13 | dates (see [`deadlines`]) |
//! | E1ADRM1 | parties (see [`addresses`]) |
//! | E1EDL24 POSNR | item `line_number` |
//! | E1EDL24 KDMAT, MATNR, EAN11 | item ids `buyer`, `supplier`, `gtin` |
//! | E1EDL24 ARKTX | item `description` |
//! | E1EDL24 LFIMG + VRKME | item `quantity` (split over packs, see [`read`]) |
//! | E1EDL24 CHARG | item `lots` |
//! | E1EDL11 SERNR | item `serials` (an item split over packs: all with its first listing) |
//! | E1EDL24/E1EDL41 QUALI 001: BSTNR, POSEX | the order's `po_number`, item `order_line` |
//! | E1EDL41 BSTDT | the order's date, kind Other, qualifier `BSTDT` |
//! | E1EDL37 | packs (see [`units`]) |
//!
//! Items with no order reference form an order with an empty `po_number`. Everything else is
//! kept: E1EDL20 fields and segments under `idoc.E1EDL20`, item fields under `idoc.E1EDL24`,
//! and written back where they were. The ordered quantity has no element: E1EDL24 gives the
//! delivered quantity (LFIMG in VRKME, LGMNG in the stockkeeping unit MEINS) and E1EDL41
//! names the order line without its quantity; nor has the notice's own date (E1EDT13 dates
//! the shipment's deadlines). Codes that are keys into SAP's customizing (TRATY, VHILM,
//! E1EDL18 QUALF) are written only for documents that came from an IDoc.

mod addresses;
mod deadlines;
mod read;
mod units;
mod write;

pub use read::read;
pub use write::write;

use crate::layout::Layout;

/// The basic type written.
pub const DELVRY07: &str = "DELVRY07";
/// The reference scheme of LIFEX, the external identification of the delivery note: the
/// scheme table's delivery note (EDIFACT RFF+DQ, X12 REF*PK).
const SUPPLIER_DELIVERY: &str = "delivery-note";
/// The segment of a delivery item's serial numbers, one SERNR each.
const SERIAL_NUMBER: &str = "E1EDL11";
/// E1EDL41 QUALI of the customer's purchase order.
const CUSTOMER_ORDER: &str = "001";
/// The qualifier an order's date keeps: the E1EDL41 field it came from.
const ORDER_DATE: &str = "BSTDT";

/// DELVRY07's hierarchy and the fields of its own segment types.
pub const LAYOUT: Layout = Layout {
    segments: &[
        ("IDOC", &["EDI_DC40", "E1EDL20"]),
        (
            "E1EDL20",
            &[
                "E1EDL22", "E1EDL21", "E1EDL18", "E1ADRM1", "E1EDT13", "E1EDL28", "E1TXTH8",
                "E1EDL24", "E1EDL37",
            ],
        ),
        (
            "E1EDL24",
            &[
                "E1EDL25", "E1EDL26", "E1EDL27", "E1EDL35", "E1EDL36", "E1EDL43", "E1EDL41",
                "E1EDL11", "E1TXTH9",
            ],
        ),
        ("E1EDL37", &["E1EDL39", "E1EDL38", "E1EDL44"]),
        ("E1TXTH8", &["E1TXTP8"]),
        ("E1ADRM1", &["E1ADRE1"]),
    ],
    fields: &[
        (
            "E1EDL20",
            &[
                "VBELN", "VSTEL", "VKORG", "LSTEL", "VKBUR", "LGNUM", "ABLAD", "INCO1", "INCO2",
                "ROUTE", "VSBED", "BTGEW", "NTGEW", "GEWEI", "VOLUM", "VOLEH", "ANZPK", "BOLNR",
                "TRATY", "TRAID", "XABLN", "LIFEX", "PARID", "PODAT", "POTIM",
            ],
        ),
        ("E1EDL18", &["QUALF", "PARAM"]),
        (
            "E1TXTH8",
            &[
                "FUNCTION",
                "TDOBJECT",
                "TDOBNAME",
                "TDID",
                "TDSPRAS",
                "TDTEXTTYPE",
                "LANGUA_ISO",
            ],
        ),
        ("E1TXTP8", &["TDFORMAT", "TDLINE"]),
        ("E1EDL11", &["SERNR"]),
        (
            "E1ADRM1",
            &[
                "PARTNER_Q",
                "ADDRESS_T",
                "PARTNER_ID",
                "JURISDIC",
                "LANGUAGE",
                "FORMOFADDR",
                "NAME1",
                "NAME2",
                "NAME3",
                "NAME4",
                "NAME_TEXT",
                "NAME_CO",
                "LOCATION",
                "BUILDING",
                "FLOOR",
                "ROOM",
                "STREET1",
                "STREET2",
                "STREET3",
                "HOUSE_SUPL",
                "HOUSE_RANG",
                "POSTL_COD1",
                "POSTL_COD3",
                "POSTL_AREA",
                "CITY1",
                "CITY2",
                "POSTL_PBOX",
                "POSTL_COD2",
                "POSTL_CITY",
                "TELEPHONE1",
                "TELEPHONE2",
                "TELEFAX",
                "TELEX",
                "E_MAIL",
                "COUNTRY1",
                "COUNTRY2",
                "REGION",
            ],
        ),
        (
            "E1EDT13",
            &[
                "QUALF",
                "VSTZW",
                "VSTZW_BEZ",
                "NTANF",
                "NTANZ",
                "NTEND",
                "NTENZ",
                "TZONE_BEG",
                "ISDD",
                "ISDZ",
                "IEDD",
                "IEDZ",
                "TZONE_END",
            ],
        ),
        (
            "E1EDL24",
            &[
                "POSNR",
                "MATNR",
                "MATWA",
                "ARKTX",
                "ORKTX",
                "SUGRD",
                "SUDRU",
                "MATKL",
                "WERKS",
                "LGORT",
                "CHARG",
                "KDMAT",
                "LFIMG",
                "VRKME",
                "LGMNG",
                "MEINS",
                "NTGEW",
                "BRGEW",
                "GEWEI",
                "VOLUM",
                "VOLEH",
                "LGPBE",
                "HIPOS",
                "HIEVW",
                "LADGR",
                "TRAGR",
                "VKBUR",
                "VKGRP",
                "VTWEG",
                "SPART",
                "GRKOR",
                "EAN11",
                "SERNR",
                "AESKD",
                "EMPST",
                "MFRGR",
                "VBRST",
                "LABNK",
                "ABRDT",
                "MFRPN",
                "MFRNR",
                "ABRVW",
                "KDMAT35",
                "KANNR",
                "POSEX",
                "LIEFFZ",
                "USR01",
                "USR02",
                "USR03",
                "USR04",
                "USR05",
                "MATNR_EXTERNAL",
                "MATNR_VERSION",
                "MATNR_GUID",
                "MATWA_EXTERNAL",
                "MATWA_VERSION",
                "MATWA_GUID",
                "ZUDAT",
                "VFDAT",
            ],
        ),
        (
            "E1EDL41",
            &["QUALI", "BSTNR", "BSTDT", "BSARK", "IHREZ", "POSEX"],
        ),
        (
            "E1EDL37",
            &[
                "EXIDV",
                "TARAG",
                "GWEIT",
                "BRGEW",
                "NTGEW",
                "MAGEW",
                "GWEIM",
                "BTVOL",
                "NTVOL",
                "MAVOL",
                "VOLEM",
                "TAVOL",
                "VOLET",
                "VEGR2",
                "VEGR1",
                "VEGR3",
                "VHILM",
                "VEGR4",
                "LAENG",
                "VEGR5",
                "BREIT",
                "HOEHE",
                "MEABM",
                "INHALT",
                "VHART",
                "MAGRV",
                "LADLG",
                "LADEH",
                "FARZT",
                "FAREH",
                "ENTFE",
                "EHENT",
                "VELTP",
                "EXIDV2",
                "LANDT",
                "LANDF",
                "NAMEF",
                "NAMBE",
                "VHILM_KU",
                "VEBEZ",
                "SMGKN",
                "KDMAT35",
                "SORTL",
                "ERNAM",
                "GEWFX",
                "ERLKZ",
                "EXIDA",
                "MOVE_STATUS",
                "PACKVORSCHR",
                "PACKVORSCHR_ST",
                "LABELTYP",
                "ZUL_AUFL",
            ],
        ),
        (
            "E1EDL44",
            &[
                "VELIN", "VBELN", "POSNR", "EXIDV", "VEMNG", "VEMEH", "MATNR", "KDMAT", "CHARG",
            ],
        ),
    ],
};
