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
//! - INVOIC02 segments (E1EDK04/E1EDP04 taxes, E1EDP02, E1EDP26, E1EDK23, E1EDK28, E1EDP30):
//!   the INVOIC02 IDoc schema that BizTalk's SAP adapter generates from a system's segment
//!   definitions, published in the GitHub repository `lachmand-mitie/MFM.Lbg.Interface`
//!   (`MFM.Lbg.Schemas/INVOIC02.xsd`, a `maxLength` per field). It gives the segments already
//!   laid out here (E1EDK01 357 characters, E1EDKA1, E1EDK02, E1EDK05, E1EDP01, E1EDP05,
//!   E1EDP19, E1EDKT1, E1EDS01, ...) the same fields and widths as the tables above, which
//!   came from the other sources; field order of E1EDP02 as SAP Library "Reference Data
//!   (Segment E1EDP02)" (help.sap.com, saphelp_afs50) lists it.
//! - DELVRY segments (E1EDL20 and below, E1ADRM1, E1EDT13, E1TXTH8/E1TXTP8, ...): two
//!   independent public listings of the flat record layout, read field by field: the
//!   DELVRY03 flat-file schema BizTalk's SAP adapter generates (`pos_length` of every field
//!   after the 63-character header, segment definitions `E2EDL20002`, `E2EDL24006`,
//!   `E2EDL37004`, `E2EDL44003`, ...), in the GitHub repository `surfzgr8/SAPNCO3`
//!   (`DELVRY03.xsd`), and a hand-written BizTalk XSLT that cuts flat DELVRY records with
//!   `substring(., offset, length)` (its E1EDL24 takes LFIMG at column 240 for 15, E1ADRM1
//!   ends TZDESC at column 1015). Both agree on every segment below that says "both DELVRY
//!   listings"; E1EDL11, E1EDL37, E1EDL44 and E1ADRE1 are in the schema only. DELVRY07 uses
//!   the same segment types in later versions, which only append fields; where a field name
//!   differs between the two listings (E1ADRM1 COUNTY_COD, "country_cod" in the XSLT) the
//!   schema's name is used.
//! - MBGMCR (E1MBGMCR, E1BP2017_GM_*) is not laid out: its segments are generated from BAPI
//!   structures, whose quantities (ENTRY_QNT, QUAN 13,3) travel as character fields of a length
//!   no public listing found gives, so a flat goods movement is refused rather than guessed.

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

/// E1EDK04 and E1EDP04, taxes at the header and at an item (INVOIC02 schema, `E1EDK04`,
/// `E1EDP04`; the field order is the one SAP Library gives for both).
const TAXES: &[Field] = &[
    ("MWSKZ", 7),
    ("MSATZ", 17),
    ("MWSBT", 18),
    ("TXJCD", 15),
    ("KTEXT", 50),
];

/// E1EDP02, item references (INVOIC02 schema; field order as in SAP Library "Reference Data
/// (Segment E1EDP02)").
const E1EDP02: &[Field] = &[
    ("QUALF", 3),
    ("BELNR", 35),
    ("ZEILE", 6),
    ("DATUM", 8),
    ("UZEIT", 6),
    ("BSARK", 35),
    ("IHREZ", 30),
];

/// E1EDP26, item amounts (INVOIC02 schema).
const E1EDP26: &[Field] = &[("QUALF", 3), ("BETRG", 18)];

/// E1EDK23, foreign currency data (INVOIC02 schema); no mapping reads it, its fields stay
/// extensions as in XML.
const E1EDK23: &[Field] = &[
    ("QUALF", 3),
    ("WAERZ", 3),
    ("WAERQ", 3),
    ("KURS", 12),
    ("DATUM", 8),
    ("ZEIT", 6),
    ("KURS_M", 12),
];

/// E1EDK28, bank data (INVOIC02 schema); kept as extensions.
const E1EDK28: &[Field] = &[
    ("BCOUN", 3),
    ("BRNUM", 17),
    ("BNAME", 70),
    ("BALOC", 70),
    ("ACNUM", 30),
    ("ACNAM", 35),
];

/// E1EDP30, item account assignment (INVOIC02 schema); kept as extensions.
const E1EDP30: &[Field] = &[("QUALF", 3), ("IVKON", 30)];

/// E1EDL20, the delivery (DELVRY03 flat schema `E2EDL20002`, the flat DELVRY XSLT).
const E1EDL20: &[Field] = &[
    ("VBELN", 10),
    ("VSTEL", 4),
    ("VKORG", 4),
    ("LSTEL", 2),
    ("VKBUR", 4),
    ("LGNUM", 3),
    ("ABLAD", 25),
    ("INCO1", 3),
    ("INCO2", 28),
    ("ROUTE", 6),
    ("VSBED", 2),
    ("BTGEW", 17),
    ("NTGEW", 15),
    ("GEWEI", 3),
    ("VOLUM", 15),
    ("VOLEH", 3),
    ("ANZPK", 5),
    ("BOLNR", 35),
    ("TRATY", 4),
    ("TRAID", 20),
    ("XABLN", 10),
    ("LIFEX", 35),
    ("PARID", 35),
    ("PODAT", 8),
    ("POTIM", 6),
];

/// E1EDL22, delivery header descriptions (both DELVRY listings); kept as extensions.
const E1EDL22: &[Field] = &[
    ("VSTEL_BEZ", 30),
    ("VKORG_BEZ", 20),
    ("LSTEL_BEZ", 20),
    ("VKBUR_BEZ", 20),
    ("LGNUM_BEZ", 25),
    ("INCO1_BEZ", 30),
    ("ROUTE_BEZ", 40),
    ("VSBED_BEZ", 20),
    ("TRATY_BEZ", 20),
];

/// E1EDL21, delivery header additional data (both DELVRY listings); kept as extensions.
const E1EDL21: &[Field] = &[
    ("LFART", 4),
    ("BZIRK", 6),
    ("AUTLF", 1),
    ("EXPKZ", 1),
    ("LIFSK", 2),
    ("LPRIO", 2),
    ("KDGRP", 2),
    ("BEROT", 20),
    ("TRAGR", 4),
    ("TRSPG", 2),
    ("AULWE", 10),
];

/// E1EDL23, descriptions of E1EDL21 (both DELVRY listings); kept as extensions.
const E1EDL23: &[Field] = &[
    ("LFART_BEZ", 20),
    ("LPRIO_BEZ", 20),
    ("BZIRK_BEZ", 20),
    ("LIFSK_BEZ", 20),
    ("KDGRP_BEZ", 20),
    ("TRAGR_BEZ", 20),
    ("TRSPG_BEZ", 20),
    ("AULWE_BEZ", 40),
];

/// E1EDL18, control (both DELVRY listings).
const E1EDL18: &[Field] = &[("QUALF", 3), ("PARAM", 20)];

/// E1ADRM1, a delivery partner's address (both DELVRY listings, `E2ADRM1001`).
const E1ADRM1: &[Field] = &[
    ("PARTNER_Q", 3),
    ("ADDRESS_T", 1),
    ("PARTNER_ID", 17),
    ("JURISDIC", 17),
    ("LANGUAGE", 2),
    ("FORMOFADDR", 15),
    ("NAME1", 40),
    ("NAME2", 40),
    ("NAME3", 40),
    ("NAME4", 40),
    ("NAME_TEXT", 50),
    ("NAME_CO", 40),
    ("LOCATION", 40),
    ("BUILDING", 10),
    ("FLOOR", 10),
    ("ROOM", 10),
    ("STREET1", 40),
    ("STREET2", 40),
    ("STREET3", 40),
    ("HOUSE_SUPL", 4),
    ("HOUSE_RANG", 10),
    ("POSTL_COD1", 10),
    ("POSTL_COD3", 10),
    ("POSTL_AREA", 15),
    ("CITY1", 40),
    ("CITY2", 40),
    ("POSTL_PBOX", 10),
    ("POSTL_COD2", 10),
    ("POSTL_CITY", 40),
    ("TELEPHONE1", 30),
    ("TELEPHONE2", 30),
    ("TELEFAX", 30),
    ("TELEX", 30),
    ("E_MAIL", 70),
    ("COUNTRY1", 3),
    ("COUNTRY2", 3),
    ("REGION", 3),
    ("COUNTY_COD", 3),
    ("COUNTY_TXT", 25),
    ("TZCODE", 6),
    ("TZDESC", 35),
];

/// E1ADRE1, extended address data under E1ADRM1 (DELVRY03 flat schema); kept as extensions.
const E1ADRE1: &[Field] = &[("EXTEND_Q", 3), ("EXTEND_D", 70)];

/// E1EDT13, deadlines (both DELVRY listings, `E2EDT13001`).
const E1EDT13: &[Field] = &[
    ("QUALF", 3),
    ("VSTZW", 4),
    ("VSTZW_BEZ", 20),
    ("NTANF", 8),
    ("NTANZ", 6),
    ("NTEND", 8),
    ("NTENZ", 6),
    ("TZONE_BEG", 6),
    ("ISDD", 8),
    ("ISDZ", 6),
    ("IEDD", 8),
    ("IEDZ", 6),
    ("TZONE_END", 6),
    ("VORNR", 4),
    ("VSTGA", 4),
    ("VSTGA_BEZ", 20),
    ("EVENT", 10),
    ("EVENT_ALI", 20),
];

/// E1TXTH8 and E1TXTH9, text headers of a delivery and a delivery item (both DELVRY listings).
const DELIVERY_TEXT: &[Field] = &[
    ("FUNCTION", 3),
    ("TDOBJECT", 10),
    ("TDOBNAME", 70),
    ("TDID", 4),
    ("TDSPRAS", 1),
    ("TDTEXTTYPE", 6),
    ("LANGUA_ISO", 2),
];

/// E1TXTP8 and E1TXTP9, their text lines of 132 characters (both DELVRY listings).
const DELIVERY_TEXT_LINE: &[Field] = &[("TDFORMAT", 2), ("TDLINE", 132)];

/// E1EDL28, route (both DELVRY listings); kept as extensions.
const E1EDL28: &[Field] = &[
    ("ROUTE", 6),
    ("VSART", 2),
    ("VSAVL", 2),
    ("VSANL", 2),
    ("ROUID", 100),
    ("DISTZ", 15),
    ("MEDST", 3),
];

/// E1EDL24, delivery item (both DELVRY listings, `E2EDL24006`). MATNR is the 18-character
/// field of that version; longer material numbers follow in MATNR_EXTERNAL.
const E1EDL24: &[Field] = &[
    ("POSNR", 6),
    ("MATNR", 18),
    ("MATWA", 18),
    ("ARKTX", 40),
    ("ORKTX", 40),
    ("SUGRD", 4),
    ("SUDRU", 1),
    ("MATKL", 9),
    ("WERKS", 4),
    ("LGORT", 4),
    ("CHARG", 10),
    ("KDMAT", 22),
    ("LFIMG", 15),
    ("VRKME", 3),
    ("LGMNG", 15),
    ("MEINS", 3),
    ("NTGEW", 15),
    ("BRGEW", 15),
    ("GEWEI", 3),
    ("VOLUM", 15),
    ("VOLEH", 3),
    ("LGPBE", 10),
    ("HIPOS", 6),
    ("HIEVW", 1),
    ("LADGR", 4),
    ("TRAGR", 4),
    ("VKBUR", 4),
    ("VKGRP", 3),
    ("VTWEG", 2),
    ("SPART", 2),
    ("GRKOR", 3),
    ("EAN11", 18),
    ("SERNR", 8),
    ("AESKD", 17),
    ("EMPST", 25),
    ("MFRGR", 8),
    ("VBRST", 14),
    ("LABNK", 17),
    ("ABRDT", 8),
    ("MFRPN", 40),
    ("MFRNR", 10),
    ("ABRVW", 3),
    ("KDMAT35", 35),
    ("KANNR", 35),
    ("POSEX", 6),
    ("LIEFFZ", 17),
    ("USR01", 35),
    ("USR02", 35),
    ("USR03", 35),
    ("USR04", 10),
    ("USR05", 10),
    ("MATNR_EXTERNAL", 40),
    ("MATNR_VERSION", 10),
    ("MATNR_GUID", 32),
    ("MATWA_EXTERNAL", 40),
    ("MATWA_VERSION", 10),
    ("MATWA_GUID", 32),
    ("ZUDAT", 20),
    ("VFDAT", 8),
];

/// E1EDL25, item descriptions (both DELVRY listings); kept as extensions.
const E1EDL25: &[Field] = &[
    ("LGORT_BEZ", 16),
    ("LADGR_BEZ", 20),
    ("TRAGR_BEZ", 20),
    ("VKBUR_BEZ", 20),
    ("VKGRP_BEZ", 20),
    ("VTWEG_BEZ", 20),
    ("SPART_BEZ", 20),
    ("MFRGR_BEZ", 20),
];

/// E1EDL26, item additional data (both DELVRY listings); kept as extensions.
const E1EDL26: &[Field] = &[
    ("PSTYV", 4),
    ("MATKL", 9),
    ("PRODH", 18),
    ("UMVKZ", 6),
    ("UMVKN", 6),
    ("KZTLF", 1),
    ("UEBTK", 1),
    ("UEBTO", 5),
    ("UNTTO", 5),
    ("CHSPL", 1),
    ("XCHBW", 1),
    ("POSAR", 1),
    ("SOBKZ", 1),
    ("PCKPF", 1),
    ("MAGRV", 4),
    ("SHKZG", 1),
    ("KOQUI", 1),
    ("AKTNR", 10),
    ("KZUMW", 1),
    ("KVGR1", 3),
    ("KVGR2", 3),
    ("KVGR3", 3),
    ("KVGR4", 3),
    ("KVGR5", 3),
    ("MVGR1", 3),
    ("MVGR2", 3),
    ("MVGR3", 3),
    ("MVGR4", 3),
    ("MVGR5", 3),
];

/// E1EDL27, descriptions of E1EDL26 (both DELVRY listings); kept as extensions.
const E1EDL27: &[Field] = &[
    ("PSTYV_BEZ", 20),
    ("MATKL_BEZ", 20),
    ("PRODH_BEZ", 20),
    ("WERKS_BEZ", 30),
    ("KVGR1_BEZ", 20),
    ("KVGR2_BEZ", 20),
    ("KVGR3_BEZ", 20),
    ("KVGR4_BEZ", 20),
    ("KVGR5_BEZ", 20),
    ("MVGR1_BEZ", 40),
    ("MVGR2_BEZ", 40),
    ("MVGR3_BEZ", 40),
    ("MVGR4_BEZ", 40),
    ("MVGR5_BEZ", 40),
];

/// E1EDL35, item export data (both DELVRY listings); kept as extensions.
const E1EDL35: &[Field] = &[
    ("STAWN", 17),
    ("EXPRF", 5),
    ("EXART", 2),
    ("HERKL", 3),
    ("HERKR", 3),
    ("GRWRT", 15),
    ("PREFE", 1),
];

/// E1EDL36, item export descriptions (both DELVRY listings); kept as extensions.
const E1EDL36: &[Field] = &[
    ("STXT1", 40),
    ("STXT2", 40),
    ("STXT3", 40),
    ("STXT4", 40),
    ("STXT5", 40),
    ("STXT6", 40),
    ("STXT7", 40),
    ("EXPRF_BEZ", 30),
    ("EXART_BEZ", 30),
    ("HERKL_BEZ", 15),
    ("HERKR_BEZ", 20),
];

/// E1EDL43, item references (both DELVRY listings); kept as extensions.
const E1EDL43: &[Field] = &[("QUALF", 1), ("BELNR", 35), ("POSNR", 6), ("DATUM", 8)];

/// E1EDL41, the customer's order an item delivers (both DELVRY listings).
const E1EDL41: &[Field] = &[
    ("QUALI", 3),
    ("BSTNR", 35),
    ("BSTDT", 8),
    ("BSARK", 4),
    ("IHREZ", 12),
    ("POSEX", 6),
];

/// E1EDL11, a serial number (DELVRY03 flat schema).
const E1EDL11: &[Field] = &[("SERNR", 18)];

/// E1EDL37, handling unit header (DELVRY03 flat schema `E2EDL37004`).
const E1EDL37: &[Field] = &[
    ("EXIDV", 20),
    ("TARAG", 17),
    ("GWEIT", 3),
    ("BRGEW", 17),
    ("NTGEW", 17),
    ("MAGEW", 17),
    ("GWEIM", 3),
    ("BTVOL", 17),
    ("NTVOL", 17),
    ("MAVOL", 17),
    ("VOLEM", 3),
    ("TAVOL", 17),
    ("VOLET", 3),
    ("VEGR2", 5),
    ("VEGR1", 5),
    ("VEGR3", 5),
    ("VHILM", 18),
    ("VEGR4", 5),
    ("LAENG", 15),
    ("VEGR5", 5),
    ("BREIT", 15),
    ("HOEHE", 15),
    ("MEABM", 3),
    ("INHALT", 40),
    ("VHART", 4),
    ("MAGRV", 4),
    ("LADLG", 8),
    ("LADEH", 3),
    ("FARZT", 4),
    ("FAREH", 3),
    ("ENTFE", 8),
    ("EHENT", 3),
    ("VELTP", 1),
    ("EXIDV2", 20),
    ("LANDT", 3),
    ("LANDF", 3),
    ("NAMEF", 35),
    ("NAMBE", 35),
    ("VHILM_KU", 22),
    ("VEBEZ", 40),
    ("SMGKN", 1),
    ("KDMAT35", 35),
    ("SORTL", 10),
    ("ERNAM", 12),
    ("GEWFX", 1),
    ("ERLKZ", 1),
    ("EXIDA", 1),
    ("MOVE_STATUS", 4),
    ("PACKVORSCHR", 22),
    ("PACKVORSCHR_ST", 1),
    ("LABELTYP", 1),
    ("ZUL_AUFL", 17),
    ("VHILM_EXTERNAL", 40),
    ("VHILM_VERSION", 10),
    ("VHILM_GUID", 32),
];

/// E1EDL44, handling unit contents (DELVRY03 flat schema `E2EDL44003`).
const E1EDL44: &[Field] = &[
    ("VELIN", 1),
    ("VBELN", 10),
    ("POSNR", 6),
    ("EXIDV", 20),
    ("VEMNG", 17),
    ("VEMEH", 3),
    ("MATNR", 18),
    ("KDMAT", 35),
    ("CHARG", 10),
    ("WERKS", 4),
    ("LGORT", 4),
    ("CUOBJ", 18),
    ("BESTQ", 1),
    ("SOBKZ", 1),
    ("SONUM", 16),
    ("ANZSN", 11),
    ("WDATU", 8),
    ("PARID", 35),
    ("MATNR_EXTERNAL", 40),
    ("MATNR_VERSION", 10),
    ("MATNR_GUID", 32),
];

/// The fields of segment type `segment` (`E1EDP01`), when the flat reader knows them.
pub fn segment(segment: &str) -> Option<&'static [Field]> {
    Some(match segment {
        "E1ADRE1" => E1ADRE1,
        "E1ADRM1" => E1ADRM1,
        "E1EDK01" => E1EDK01,
        "E1EDK02" => E1EDK02,
        "E1EDK03" | "E1EDP03" => DATES,
        "E1EDK04" | "E1EDP04" => TAXES,
        "E1EDK05" => E1EDK05,
        "E1EDK14" => E1EDK14,
        "E1EDK17" => E1EDK17,
        "E1EDK18" => E1EDK18,
        "E1EDK23" => E1EDK23,
        "E1EDK28" => E1EDK28,
        "E1EDKA1" | "E1EDPA1" => PARTNER,
        "E1EDKT1" => E1EDKT1,
        "E1EDKT2" | "E1EDPT2" => TEXT_LINE,
        "E1EDL11" => E1EDL11,
        "E1EDL18" => E1EDL18,
        "E1EDL20" => E1EDL20,
        "E1EDL21" => E1EDL21,
        "E1EDL22" => E1EDL22,
        "E1EDL23" => E1EDL23,
        "E1EDL24" => E1EDL24,
        "E1EDL25" => E1EDL25,
        "E1EDL26" => E1EDL26,
        "E1EDL27" => E1EDL27,
        "E1EDL28" => E1EDL28,
        "E1EDL35" => E1EDL35,
        "E1EDL36" => E1EDL36,
        "E1EDL37" => E1EDL37,
        "E1EDL41" => E1EDL41,
        "E1EDL43" => E1EDL43,
        "E1EDL44" => E1EDL44,
        "E1EDP01" => E1EDP01,
        "E1EDP02" => E1EDP02,
        "E1EDP05" => E1EDP05,
        "E1EDP19" => E1EDP19,
        "E1EDP20" => E1EDP20,
        "E1EDP26" => E1EDP26,
        "E1EDP30" => E1EDP30,
        "E1EDPT1" => E1EDPT1,
        "E1EDS01" => E1EDS01,
        "E1EDT13" => E1EDT13,
        "E1TXTH8" | "E1TXTH9" => DELIVERY_TEXT,
        "E1TXTP8" | "E1TXTP9" => DELIVERY_TEXT_LINE,
        _ => return None,
    })
}

/// Every segment type [`segment`] knows, for error messages.
pub const KNOWN: &[&str] = &[
    "E1ADRE1", "E1ADRM1", "E1EDK01", "E1EDK02", "E1EDK03", "E1EDK04", "E1EDK05", "E1EDK14",
    "E1EDK17", "E1EDK18", "E1EDK23", "E1EDK28", "E1EDKA1", "E1EDKT1", "E1EDKT2", "E1EDL11",
    "E1EDL18", "E1EDL20", "E1EDL21", "E1EDL22", "E1EDL23", "E1EDL24", "E1EDL25", "E1EDL26",
    "E1EDL27", "E1EDL28", "E1EDL35", "E1EDL36", "E1EDL37", "E1EDL41", "E1EDL43", "E1EDL44",
    "E1EDP01", "E1EDP02", "E1EDP03", "E1EDP04", "E1EDP05", "E1EDP19", "E1EDP20", "E1EDP26",
    "E1EDP30", "E1EDPA1", "E1EDPT1", "E1EDPT2", "E1EDS01", "E1EDT13", "E1TXTH8", "E1TXTH9",
    "E1TXTP8", "E1TXTP9",
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

    /// The same for the segment types a message's own layout orders (desadv, invoice, receipt).
    #[test]
    fn field_order_agrees_with_the_message_layouts() {
        let mut compared = 0;
        for message in [
            &layout::ORDERS,
            &crate::desadv::LAYOUT,
            &crate::invoice::LAYOUT,
            &crate::receipt::LAYOUT,
        ] {
            for (name, order) in message.fields {
                let Some(fields) = segment(name) else {
                    continue;
                };
                let widths: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
                compared += 1;
                let common = order.len().min(widths.len());
                assert_eq!(&order[..common], &widths[..common], "{name}");
            }
        }
        assert!(compared >= 14, "only {compared} segments compared");
    }

    /// Offsets the flat DELVRY XSLT cuts at (1-based columns of the whole record), checked
    /// against the tables read from the DELVRY03 schema: the two listings agree.
    #[test]
    fn delivery_offsets_agree_with_the_flat_xslt() {
        let column = |segment_type: &str, field: &str| {
            let layout = Layout::Standard(segment(segment_type).unwrap());
            let (offset, width) = layout.position(field).unwrap();
            (SDATA_OFFSET + offset + 1, width)
        };
        assert_eq!(column("E1EDL20", "BTGEW"), (155, 17));
        assert_eq!(column("E1EDL20", "LIFEX"), (282, 35));
        assert_eq!(column("E1EDL24", "LFIMG"), (240, 15));
        assert_eq!(column("E1EDL24", "EAN11"), (366, 18));
        assert_eq!(column("E1ADRM1", "REGION"), (944, 3));
        assert_eq!(column("E1EDT13", "ISDZ"), (133, 6));
        assert_eq!(column("E1EDL41", "POSEX"), (126, 6));
        assert_eq!(column("E1TXTP8", "TDLINE"), (66, 132));
        let address = Layout::Standard(segment("E1ADRM1").unwrap());
        assert_eq!(SDATA_OFFSET + address.length(), 1015);
    }

    /// INVOIC02's tax segment: MWSKZ 7, MSATZ 17, MWSBT 18, TXJCD 15, KTEXT 50 (107).
    #[test]
    fn tax_segments_are_as_long_as_the_invoice_schema_says() {
        for name in ["E1EDK04", "E1EDP04"] {
            let taxes = Layout::Standard(segment(name).unwrap());
            assert_eq!(taxes.length(), 107, "{name}");
            assert_eq!(taxes.position("KTEXT"), Some((57, 50)), "{name}");
        }
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
