//! The order SAP's segment definitions give fields and segments, so IDocs this adapter writes
//! validate against the basic type even when fields come back from extensions in whatever
//! order the canonical document kept them.
//!
//! [`arrange`] sorts a built IDoc in place: within a segment, fields first in definition order,
//! then child segments in hierarchy order. Anything a table does not name keeps its relative
//! place after the names it knows. Field order belongs to the segment type, which SAP shares
//! between basic types (E1EDKA1 is the same in ORDERS05 and INVOIC02); segment order belongs
//! to the basic type, so each message module hands [`arrange`] its own [`Layout`], and
//! [`ORDERS`] is the one for ORDERS05.

use wharf_guest_sdk::xml::Element;

use crate::segments::is_field;

/// Segments directly under `<IDOC>`, in ORDERS05 order.
const IDOC_SEGMENTS: &[&str] = &[
    "EDI_DC40", "E1EDK01", "E1EDK14", "E1EDK03", "E1EDK04", "E1EDK05", "E1EDKA1", "E1EDK02",
    "E1EDK17", "E1EDK18", "E1EDK35", "E1EDK36", "E1EDKT1", "E1EDP01", "E1CUCFG", "E1EDL37",
    "E1EDS01",
];

/// Segments under `<E1EDP01>`, in ORDERS05 order.
const ITEM_SEGMENTS: &[&str] = &[
    "E1EDP02", "E1CURGS", "E1EDP03", "E1EDP04", "E1EDP05", "E1EDP20", "E1EDPA1", "E1EDP19",
    "E1EDPAD", "E1EDP17", "E1EDP18", "E1EDP35", "E1EDPT1", "E1EDC01",
];

const EDI_DC40: &[&str] = &[
    "TABNAM", "MANDT", "DOCNUM", "DOCREL", "STATUS", "DIRECT", "OUTMOD", "EXPRSS", "TEST",
    "IDOCTYP", "CIMTYP", "MESTYP", "MESCOD", "MESFCT", "STD", "STDVRS", "STDMES", "SNDPOR",
    "SNDPRT", "SNDPFC", "SNDPRN", "SNDSAD", "SNDLAD", "RCVPOR", "RCVPRT", "RCVPFC", "RCVPRN",
    "RCVSAD", "RCVLAD", "CREDAT", "CRETIM", "REFINT", "REFGRP", "REFMES", "ARCKEY", "SERIAL",
];

const E1EDK01: &[&str] = &[
    "ACTION",
    "KZABS",
    "CURCY",
    "HWAER",
    "WKURS",
    "ZTERM",
    "KUNDEUINR",
    "EIGENUINR",
    "BSART",
    "BELNR",
    "NTGEW",
    "BRGEW",
    "GEWEI",
    "FKART_RL",
    "ABLAD",
    "BSTZD",
    "VSART",
    "VSART_BEZ",
    "RECIPNT_NO",
    "KZAZU",
    "AUTLF",
    "AUGRU",
    "AUGRU_BEZ",
    "ABRVW",
    "ABRVW_BEZ",
    "FKTYP",
    "LIFSK",
    "LIFSK_BEZ",
    "EMPST",
    "ABTNR",
    "DELCO",
    "WKURS_M",
];

const E1EDKA1: &[&str] = &[
    "PARVW",
    "PARTN",
    "LIFNR",
    "NAME1",
    "NAME2",
    "NAME3",
    "NAME4",
    "STRAS",
    "STRS2",
    "PFACH",
    "ORT01",
    "COUNC",
    "PSTLZ",
    "PSTL2",
    "LAND1",
    "ABLAD",
    "PERNR",
    "PARNR",
    "TELF1",
    "TELF2",
    "TELBX",
    "TELFX",
    "TELTX",
    "TELX1",
    "SPRAS",
    "ANRED",
    "ORT02",
    "HAUSN",
    "STOCK",
    "REGIO",
    "PARGE",
    "ISOAL",
    "ISONU",
    "FCODE",
    "IHREZ",
    "BNAME",
    "PAORG",
    "ORGTX",
    "PAGRU",
    "KNREF",
    "ILNNR",
    "PFORT",
    "SPRAS_ISO",
    "TITLE",
];

const E1EDP01: &[&str] = &[
    "POSEX",
    "ACTION",
    "PSTYP",
    "KZABS",
    "MENGE",
    "MENEE",
    "BMNG2",
    "PMENE",
    "ABFTZ",
    "VPREI",
    "PEINH",
    "NETWR",
    "ANETW",
    "SKFBP",
    "NTGEW",
    "GEWEI",
    "EINKZ",
    "CURCY",
    "PREIS",
    "MATKL",
    "UEPOS",
    "GRKOR",
    "EVERS",
    "BPUMN",
    "BPUMZ",
    "ABGRU",
    "ABGRT",
    "ANTLF",
    "FIXMG",
    "KZAZU",
    "BRGEW",
    "PSTYV",
    "EMPST",
    "ABTNR",
    "ABRVW",
    "WERKS",
    "LPRIO",
    "LPRIO_BEZ",
    "ROUTE",
    "ROUTE_BEZ",
    "LGORT",
    "VSTEL",
    "DELCO",
    "MATNR",
    "VALTG",
    "HIPOS",
    "HIEVW",
    "POSGUID",
];

const E1EDK02: &[&str] = &["QUALF", "BELNR", "POSNR", "DATUM", "UZEIT"];
const E1EDP02: &[&str] = &[
    "QUALF", "BELNR", "ZEILE", "DATUM", "UZEIT", "BSARK", "IHREZ",
];
const DATES: &[&str] = &["IDDAT", "DATUM", "UZEIT"];
const E1EDK14: &[&str] = &["QUALF", "ORGID"];
const TEXT_HEADER: &[&str] = &["TDID", "TSSPRAS", "TSSPRAS_ISO", "TDOBJECT", "TDOBNAME"];
const TEXT_LINE: &[&str] = &["TDLINE", "TDFORMAT"];
const E1EDP19: &[&str] = &["QUALF", "IDTNR", "KTEXT", "MFRPN", "MFRNR"];
const E1EDP20: &[&str] = &[
    "WMENG",
    "AMENG",
    "EDATU",
    "EZEIT",
    "EDATU_OLD",
    "EZEIT_OLD",
    "ACTION",
];
const E1EDS01: &[&str] = &["SUMID", "SUMME", "SUNIT", "WAERQ"];

/// The hierarchy of one basic type, and the fields of segment types only it uses.
pub struct Layout {
    /// For each parent (`IDOC` for the top level), its child segments in definition order.
    pub segments: &'static [(&'static str, &'static [&'static str])],
    /// Field order of segment types the shared table below does not know.
    pub fields: &'static [(&'static str, &'static [&'static str])],
}

/// ORDERS05, for orders, order changes and order responses.
pub const ORDERS: Layout = Layout {
    segments: &[("IDOC", IDOC_SEGMENTS), ("E1EDP01", ITEM_SEGMENTS)],
    fields: &[],
};

/// Field order of segment types several basic types share.
pub fn shared_fields(segment: &str) -> &'static [&'static str] {
    match segment {
        "EDI_DC40" => EDI_DC40,
        "E1EDK01" => E1EDK01,
        "E1EDKA1" => E1EDKA1,
        "E1EDP01" => E1EDP01,
        "E1EDK02" => E1EDK02,
        "E1EDP02" => E1EDP02,
        "E1EDK03" | "E1EDP03" => DATES,
        "E1EDK14" => E1EDK14,
        "E1EDKT1" | "E1EDPT1" => TEXT_HEADER,
        "E1EDKT2" | "E1EDPT2" => TEXT_LINE,
        "E1EDP19" => E1EDP19,
        "E1EDP20" => E1EDP20,
        "E1EDS01" => E1EDS01,
        _ => &[],
    }
}

fn lookup(
    table: &[(&str, &'static [&'static str])],
    name: &str,
) -> Option<&'static [&'static str]> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, names)| *names)
}

fn rank(table: &[&str], name: &str) -> usize {
    table.iter().position(|n| *n == name).unwrap_or(table.len())
}

/// Puts `element`'s fields and child segments, and theirs, into SAP's definition order.
pub fn arrange(element: &mut Element, layout: &Layout) {
    let fields =
        lookup(layout.fields, &element.name).unwrap_or_else(|| shared_fields(&element.name));
    let segments = lookup(layout.segments, &element.name).unwrap_or(&[]);
    // Fields (leaves) sort before segments; the sort is stable, so repeated segments and
    // names the tables do not know keep the order they were built in.
    element.children.sort_by_key(|child| {
        if is_field(child) {
            (0, rank(fields, &child.name))
        } else {
            (1, rank(segments, &child.name))
        }
    });
    for child in &mut element.children {
        arrange(child, layout);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::segment;

    #[test]
    fn fields_then_segments_in_definition_order() {
        let mut line = segment("E1EDP01")
            .child(
                segment("E1EDP19")
                    .text_child("IDTNR", "A")
                    .text_child("QUALF", "001"),
            )
            .text_child("ZZCUSTOM", "kept last")
            .child(segment("E1EDP20").text_child("WMENG", "1"))
            .text_child("MENGE", "1")
            .child(segment("E1EDP20").text_child("WMENG", "2"))
            .text_child("POSEX", "00010");
        arrange(&mut line, &ORDERS);
        let names: Vec<_> = line.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "POSEX", "MENGE", "ZZCUSTOM", "E1EDP20", "E1EDP20", "E1EDP19"
            ]
        );
        let p19: Vec<_> = line.children[5]
            .children
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(p19, ["QUALF", "IDTNR"]);
        assert_eq!(line.children[4].text_of("WMENG"), Some("2"));
    }
}
