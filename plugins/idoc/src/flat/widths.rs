//! Where each field sits in a flat IDoc record: the control record EDI_DC40 and, for every
//! segment type the flat reader knows, its fields in definition order with their widths.
//!
//! A flat file carries no field names, only positions, so these tables are the flat reader's
//! whole knowledge of a segment. Widths are SAP's external lengths from the segment
//! definitions (WE31, `E2EDP01007` and its older versions): every field is character data, and
//! a later version of a segment only appends fields, so one table reads every version up to
//! the last field it names. Sources, checked against each other:
//!
//! - EDI_DC40: SAP Library "EDI_DC - IDoc Control Record" (help.sap.com, saphelp_470 /
//!   saphelp_me60: TABNAM CHAR 10, MANDT 3, DOCNUM NUMC 16, …), IDOCTYP 30 from TraceLink's
//!   ORDERS05 guideline, REFINT/REFGRP/REFMES 14 and ARCKEY 70 from the E1IDRD1 table listing
//!   on leanx.eu; they add up to the 524 characters of release 4.x (a test checks the sum).
//! - EDI_DD40 (data record header): "SAP R/3 ALE, EDI & IDoc" §11.5.2 as published on
//!   realomega.com: SEGNAM offset 0 length 30, MANDT 30/3, DOCNUM 33/16, SEGNUM 49/6,
//!   PSGNUM 55/6, HLEVEL 61/2, SDATA 63/1000.
//! - Widths are the data elements' output lengths: SAP Library "Defining Segments"
//!   (help.sap.com, saphelp_470) says fields travel "as character fields with this length".
//! - Segments: the field lists with lengths on leanx.eu and datapanda.eu (`E1EDK01`,
//!   `E1EDP01`, `E1EDK05`, `E1EDP05`, `E2EDLA1` for the partner address family), on
//!   beyondse16.com ("Complete field list of E1EDK01", the INVOIC02 segment list), and
//!   sapdatasheet.org (`E2EDK01002`); each table below names the one it was read from and was
//!   compared with a second, independent listing (a public IDoc flat-file parser,
//!   `idoc_parser.py`, which lists the same fields and lengths).

use std::rc::Rc;

/// One field of a record: its name and width in characters.
pub type Field = (&'static str, usize);

/// The fields of one segment type in order: a standard one from the tables here, or a
/// customer segment the agreement lays out (see [`super::custom`]).
#[derive(Debug, Clone)]
pub enum Layout {
    Standard(&'static [Field]),
    Custom(Rc<[(String, usize)]>),
}

impl Layout {
    pub fn fields(&self) -> Vec<(&str, usize)> {
        match self {
            Layout::Standard(fields) => fields.to_vec(),
            Layout::Custom(fields) => fields.iter().map(|(n, w)| (n.as_str(), *w)).collect(),
        }
    }

    /// The offset and width of `field`, counted from the start of the record's data.
    pub fn position(&self, field: &str) -> Option<(usize, usize)> {
        let mut offset = 0;
        for (name, width) in self.fields() {
            if name == field {
                return Some((offset, width));
            }
            offset += width;
        }
        None
    }

    /// How many characters the fields take together.
    pub fn length(&self) -> usize {
        self.fields().iter().map(|(_, w)| w).sum()
    }
}

/// Where the data part (SDATA) of a data record starts, counting from 0.
pub const SDATA_OFFSET: usize = 63;
/// The longest data part a record can carry.
pub const SDATA_LENGTH: usize = 1000;

/// The data record header EDI_DD40 before SDATA (realomega.com, see the module docs).
pub const DATA_HEADER: [Field; 6] = [
    ("SEGNAM", 30),
    ("MANDT", 3),
    ("DOCNUM", 16),
    ("SEGNUM", 6),
    ("PSGNUM", 6),
    ("HLEVEL", 2),
];

/// The control record EDI_DC40 of release 4.x, 524 characters (help.sap.com, see above).
pub const EDI_DC40: &[Field] = &[
    ("TABNAM", 10),
    ("MANDT", 3),
    ("DOCNUM", 16),
    ("DOCREL", 4),
    ("STATUS", 2),
    ("DIRECT", 1),
    ("OUTMOD", 1),
    ("EXPRSS", 1),
    ("TEST", 1),
    ("IDOCTYP", 30),
    ("CIMTYP", 30),
    ("MESTYP", 30),
    ("MESCOD", 3),
    ("MESFCT", 3),
    ("STD", 1),
    ("STDVRS", 6),
    ("STDMES", 6),
    ("SNDPOR", 10),
    ("SNDPRT", 2),
    ("SNDPFC", 2),
    ("SNDPRN", 10),
    ("SNDSAD", 21),
    ("SNDLAD", 70),
    ("RCVPOR", 10),
    ("RCVPRT", 2),
    ("RCVPFC", 2),
    ("RCVPRN", 10),
    ("RCVSAD", 21),
    ("RCVLAD", 70),
    ("CREDAT", 8),
    ("CRETIM", 6),
    ("REFINT", 14),
    ("REFGRP", 14),
    ("REFMES", 14),
    ("ARCKEY", 70),
    ("SERIAL", 20),
];

/// E1EDK01, document header (leanx.eu `e1edk01`, beyondse16.com, sapdatasheet `E2EDK01002`).
const E1EDK01: &[Field] = &[
    ("ACTION", 3),
    ("KZABS", 1),
    ("CURCY", 3),
    ("HWAER", 3),
    ("WKURS", 12),
    ("ZTERM", 17),
    ("KUNDEUINR", 20),
    ("EIGENUINR", 20),
    ("BSART", 4),
    ("BELNR", 35),
    ("NTGEW", 18),
    ("BRGEW", 18),
    ("GEWEI", 3),
    ("FKART_RL", 4),
    ("ABLAD", 25),
    ("BSTZD", 4),
    ("VSART", 2),
    ("VSART_BEZ", 20),
    ("RECIPNT_NO", 10),
    ("KZAZU", 1),
    ("AUTLF", 1),
    ("AUGRU", 3),
    ("AUGRU_BEZ", 40),
    ("ABRVW", 3),
    ("ABRVW_BEZ", 20),
    ("FKTYP", 1),
    ("LIFSK", 2),
    ("LIFSK_BEZ", 20),
    ("EMPST", 25),
    ("ABTNR", 4),
    ("DELCO", 3),
    ("WKURS_M", 12),
];

/// E1EDP01, item (leanx.eu `e1edp01` up to UEPOS, datapanda.eu `E3EDP01` up to KZAZU, the
/// flat-file parser's listing for the rest). BPUMN and BPUMZ are DEC 5 inside SAP; a segment
/// carries a field at its output length, which sapdatasheet.org gives as 6 for both data
/// elements (and as 1 for ANTLF, DEC 1).
const E1EDP01: &[Field] = &[
    ("POSEX", 6),
    ("ACTION", 3),
    ("PSTYP", 1),
    ("KZABS", 1),
    ("MENGE", 15),
    ("MENEE", 3),
    ("BMNG2", 15),
    ("PMENE", 3),
    ("ABFTZ", 7),
    ("VPREI", 15),
    ("PEINH", 9),
    ("NETWR", 18),
    ("ANETW", 18),
    ("SKFBP", 18),
    ("NTGEW", 18),
    ("GEWEI", 3),
    ("EINKZ", 1),
    ("CURCY", 3),
    ("PREIS", 18),
    ("MATKL", 9),
    ("UEPOS", 6),
    ("GRKOR", 3),
    ("EVERS", 7),
    ("BPUMN", 6),
    ("BPUMZ", 6),
    ("ABGRU", 2),
    ("ABGRT", 40),
    ("ANTLF", 1),
    ("FIXMG", 1),
    ("KZAZU", 1),
    ("BRGEW", 18),
    ("PSTYV", 4),
    ("EMPST", 25),
    ("ABTNR", 4),
    ("ABRVW", 3),
    ("WERKS", 4),
    ("LPRIO", 2),
    ("LPRIO_BEZ", 20),
    ("ROUTE", 6),
    ("ROUTE_BEZ", 40),
    ("LGORT", 4),
    ("VSTEL", 4),
    ("DELCO", 3),
    ("MATNR", 35),
    ("VALTG", 2),
    ("HIPOS", 6),
    ("HIEVW", 1),
    ("POSGUID", 22),
];

/// E1EDKA1 and E1EDPA1, partner with address (leanx.eu `e2edla1`, the same address family:
/// PARVW 3, PARTN 17, LIFNR 17, names 35, …; SAP Library "Segment E1EDKA1" for the tail).
const PARTNER: &[Field] = &[
    ("PARVW", 3),
    ("PARTN", 17),
    ("LIFNR", 17),
    ("NAME1", 35),
    ("NAME2", 35),
    ("NAME3", 35),
    ("NAME4", 35),
    ("STRAS", 35),
    ("STRS2", 35),
    ("PFACH", 35),
    ("ORT01", 35),
    ("COUNC", 9),
    ("PSTLZ", 9),
    ("PSTL2", 9),
    ("LAND1", 3),
    ("ABLAD", 35),
    ("PERNR", 30),
    ("PARNR", 30),
    ("TELF1", 25),
    ("TELF2", 25),
    ("TELBX", 25),
    ("TELFX", 25),
    ("TELTX", 25),
    ("TELX1", 25),
    ("SPRAS", 1),
    ("ANRED", 15),
    ("ORT02", 35),
    ("HAUSN", 6),
    ("STOCK", 6),
    ("REGIO", 3),
    ("PARGE", 1),
    ("ISOAL", 2),
    ("ISONU", 2),
    ("FCODE", 20),
    ("IHREZ", 30),
    ("BNAME", 35),
    ("PAORG", 30),
    ("ORGTX", 35),
    ("PAGRU", 30),
    ("KNREF", 30),
    ("ILNNR", 70),
    ("PFORT", 35),
    ("SPRAS_ISO", 2),
    ("TITLE", 15),
];

/// E1EDK05, header conditions (leanx.eu `e1edk05`; KOEIN 3 as in E1EDP05).
const E1EDK05: &[Field] = &[
    ("ALCKZ", 3),
    ("KSCHL", 4),
    ("KOTXT", 80),
    ("BETRG", 18),
    ("KPERC", 8),
    ("KRATE", 15),
    ("UPRBS", 9),
    ("MEAUN", 3),
    ("KOBTR", 18),
    ("MWSKZ", 7),
    ("MSATZ", 17),
    ("KOEIN", 3),
];

/// E1EDP05, item conditions (datapanda.eu and leanx.eu `E1EDP05`).
const E1EDP05: &[Field] = &[
    ("ALCKZ", 3),
    ("KSCHL", 4),
    ("KOTXT", 80),
    ("BETRG", 18),
    ("KPERC", 8),
    ("KRATE", 15),
    ("UPRBS", 9),
    ("MEAUN", 3),
    ("KOBTR", 18),
    ("MENGE", 15),
    ("PREIS", 15),
    ("MWSKZ", 7),
    ("MSATZ", 17),
    ("KOEIN", 3),
    ("CURTP", 2),
    ("KOBAS", 18),
];

/// E1EDK02, header references (the INVOIC02 segment list on beyondse16.com).
const E1EDK02: &[Field] = &[
    ("QUALF", 3),
    ("BELNR", 35),
    ("POSNR", 6),
    ("DATUM", 8),
    ("UZEIT", 6),
];

/// E1EDK03 and E1EDP03, dates (beyondse16.com INVOIC02 list).
const DATES: &[Field] = &[("IDDAT", 3), ("DATUM", 8), ("UZEIT", 6)];

/// E1EDK14, organizational data (beyondse16.com INVOIC02 list).
const E1EDK14: &[Field] = &[("QUALF", 3), ("ORGID", 35)];

/// E1EDK17, terms of delivery (beyondse16.com INVOIC02 list).
const E1EDK17: &[Field] = &[("QUALF", 3), ("LKOND", 3), ("LKTEXT", 70)];

/// E1EDK18, terms of payment (beyondse16.com INVOIC02 list).
const E1EDK18: &[Field] = &[("QUALF", 3), ("TAGE", 8), ("PRZNT", 8), ("ZTERM_TXT", 70)];

/// E1EDKT1, header text identification (beyondse16.com INVOIC02 list).
const E1EDKT1: &[Field] = &[
    ("TDID", 4),
    ("TSSPRAS", 3),
    ("TSSPRAS_ISO", 2),
    ("TDOBJECT", 10),
    ("TDOBNAME", 70),
];

/// E1EDPT1, item text identification (beyondse16.com INVOIC02 list).
const E1EDPT1: &[Field] = &[("TDID", 4), ("TSSPRAS", 3), ("TSSPRAS_ISO", 2)];

/// E1EDKT2 and E1EDPT2, text lines (beyondse16.com INVOIC02 list).
const TEXT_LINE: &[Field] = &[("TDLINE", 70), ("TDFORMAT", 2)];

/// E1EDP19, item object identification (beyondse16.com INVOIC02 list).
const E1EDP19: &[Field] = &[
    ("QUALF", 3),
    ("IDTNR", 35),
    ("KTEXT", 70),
    ("MFRPN", 42),
    ("MFRNR", 10),
];

/// E1EDP20, schedule lines (fields as SAP's ORDERS05 documentation names them; widths from the
/// flat-file parser's listing, the same as E1EDP01's quantity (15) and E1EDK03's date and time).
const E1EDP20: &[Field] = &[
    ("WMENG", 15),
    ("AMENG", 15),
    ("EDATU", 8),
    ("EZEIT", 6),
    ("EDATU_OLD", 8),
    ("EZEIT_OLD", 6),
    ("ACTION", 3),
];

/// E1EDS01, summary (beyondse16.com INVOIC02 list).
const E1EDS01: &[Field] = &[("SUMID", 3), ("SUMME", 18), ("SUNIT", 3), ("WAERQ", 3)];

/// The fields of segment type `segment` (`E1EDP01`), when the flat reader knows them.
pub fn segment(segment: &str) -> Option<&'static [Field]> {
    Some(match segment {
        "E1EDK01" => E1EDK01,
        "E1EDK02" => E1EDK02,
        "E1EDK03" | "E1EDP03" => DATES,
        "E1EDK05" => E1EDK05,
        "E1EDK14" => E1EDK14,
        "E1EDK17" => E1EDK17,
        "E1EDK18" => E1EDK18,
        "E1EDKA1" | "E1EDPA1" => PARTNER,
        "E1EDKT1" => E1EDKT1,
        "E1EDKT2" | "E1EDPT2" => TEXT_LINE,
        "E1EDP01" => E1EDP01,
        "E1EDP05" => E1EDP05,
        "E1EDP19" => E1EDP19,
        "E1EDP20" => E1EDP20,
        "E1EDPT1" => E1EDPT1,
        "E1EDS01" => E1EDS01,
        _ => return None,
    })
}

/// Every segment type [`segment`] knows, for error messages.
pub const KNOWN: &[&str] = &[
    "E1EDK01", "E1EDK02", "E1EDK03", "E1EDK05", "E1EDK14", "E1EDK17", "E1EDK18", "E1EDKA1",
    "E1EDKT1", "E1EDKT2", "E1EDP01", "E1EDP03", "E1EDP05", "E1EDP19", "E1EDP20", "E1EDPA1",
    "E1EDPT1", "E1EDPT2", "E1EDS01",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout;

    #[test]
    fn the_control_record_is_524_characters() {
        assert_eq!(EDI_DC40.iter().map(|(_, w)| w).sum::<usize>(), 524);
        assert_eq!(
            DATA_HEADER.iter().map(|(_, w)| w).sum::<usize>(),
            SDATA_OFFSET
        );
    }

    /// SAP's own segment documentation (WE60) for E2EDK01005, quoted on deskdr.com: "Segment
    /// length: 0357", ACTION at offset 0063 with external length 3.
    #[test]
    fn e1edk01_is_as_long_as_its_segment_definition() {
        let header = Layout::Standard(E1EDK01);
        assert_eq!(header.length(), 357);
        assert_eq!(SDATA_OFFSET + header.position("ACTION").unwrap().0, 63);
    }

    #[test]
    fn every_known_segment_fits_its_data_part() {
        for name in KNOWN {
            let fields = segment(name).expect("a known segment has fields");
            let length: usize = fields.iter().map(|(_, w)| w).sum();
            assert!(length <= SDATA_LENGTH, "{name} is {length} characters");
        }
    }

    /// The XML writer's field order (layout.rs) and these tables come from separate readings of
    /// the segment definitions; where both name a segment they must agree on the order.
    #[test]
    fn field_order_agrees_with_the_xml_layout() {
        let mut compared = 0;
        for name in KNOWN.iter().chain(["EDI_DC40"].iter()) {
            let widths: Vec<&str> = if *name == "EDI_DC40" {
                EDI_DC40.iter().map(|(n, _)| *n).collect()
            } else {
                segment(name).unwrap().iter().map(|(n, _)| *n).collect()
            };
            let order = layout::shared_fields(name);
            if order.is_empty() {
                continue;
            }
            compared += 1;
            let common = order.len().min(widths.len());
            assert_eq!(&order[..common], &widths[..common], "{name}");
        }
        assert!(compared >= 10, "only {compared} segments compared");
    }

    #[test]
    fn positions_count_from_the_start_of_the_data() {
        // E1EDP01: POSEX 6, ACTION 3, PSTYP 1, KZABS 1, then MENGE (15) at offset 11.
        let item = Layout::Standard(E1EDP01);
        assert_eq!(item.position("MENGE"), Some((11, 15)));
        // EDI_DC40: TABNAM..TEST are 39 characters, IDOCTYP and CIMTYP 30 each.
        assert_eq!(
            Layout::Standard(EDI_DC40).position("MESTYP"),
            Some((99, 30))
        );
        assert_eq!(item.position("NOPE"), None);
    }
}
