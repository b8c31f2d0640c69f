//! The VAT registration numbers of an invoice's two sides, which INVOIC02 gives in E1EDK01
//! rather than with the partners: EIGENUINR, the invoicing party's own (the supplier's SAP
//! writes the invoice), and KUNDEUINR, the customer's.
//!
//! Each belongs to the first party of its side, in the order [`SELLER`] and [`CUSTOMER`]
//! list the roles; reading and writing use the same party, so a number read from one side
//! is written back from it. A VAT id on any other party has no field in INVOIC02.

use wharf_guest_sdk::canonical::{Party, PartyRole};
use wharf_guest_sdk::id;
use wharf_guest_sdk::schemes::VAT;

use crate::segments::Segment;

/// The invoicing side, whose VAT number is E1EDK01 EIGENUINR.
const SELLER: [PartyRole; 2] = [PartyRole::Supplier, PartyRole::RemitTo];
/// The invoiced side, whose VAT number is E1EDK01 KUNDEUINR.
const CUSTOMER: [PartyRole; 3] = [PartyRole::Buyer, PartyRole::BillTo, PartyRole::SoldTo];

const SIDES: [(&str, &[PartyRole]); 2] = [("EIGENUINR", &SELLER), ("KUNDEUINR", &CUSTOMER)];

/// The party whose VAT number the side's field is: the first party of its first role.
fn side(parties: &[Party], roles: &[PartyRole]) -> Option<usize> {
    roles
        .iter()
        .find_map(|role| parties.iter().position(|p| p.role == *role))
}

/// Takes EIGENUINR and KUNDEUINR out of E1EDK01 into their parties' ids; a number whose side
/// has no party stays in E1EDK01's extensions.
pub fn read(general: &mut Segment<'_>, parties: &mut [Party]) {
    for (field, roles) in SIDES {
        if let (Some(at), Some(number)) = (side(parties, roles), general.peek(field)) {
            general.consume(field);
            parties[at].ids.push(id(VAT, number));
        }
    }
}

/// E1EDK01 EIGENUINR and KUNDEUINR, each from its side's party.
pub fn write(parties: &[Party]) -> [(&'static str, Option<String>); 2] {
    SIDES.map(|(field, roles)| {
        let at = side(parties, roles);
        let number = at.and_then(|at| parties[at].ids.iter().find(|i| i.scheme == VAT));
        (field, number.map(|n| n.value.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml::{self, Element};

    fn party(role: PartyRole, ids: &[(&str, &str)]) -> Party {
        Party {
            role,
            role_code: None,
            ids: ids.iter().map(|(s, v)| id(*s, *v)).collect(),
            name: None,
            address: None,
            contacts: Vec::new(),
        }
    }

    #[test]
    fn each_side_s_vat_number_is_its_e1edk01_field_and_back() {
        let parties = [
            party(PartyRole::ShipTo, &[("vat", "DE999")]),
            party(
                PartyRole::RemitTo,
                &[("buyer", "S-100"), ("vat", "DE811234567")],
            ),
            party(PartyRole::BillTo, &[("vat", "DE123456789")]),
        ];
        let fields = write(&parties);
        assert_eq!(
            fields,
            [
                ("EIGENUINR", Some("DE811234567".to_owned())),
                ("KUNDEUINR", Some("DE123456789".to_owned())),
            ]
        );
        let mut general = Element::new("E1EDK01");
        for (field, value) in fields {
            general = general.text_child_opt(field, value);
        }
        let general = xml::parse(general.to_xml(None).as_bytes()).expect("parses");
        let mut read_back: Vec<Party> = parties
            .iter()
            .map(|p| Party {
                ids: p.ids.iter().filter(|i| i.scheme != VAT).cloned().collect(),
                ..p.clone()
            })
            .collect();
        read(&mut Segment::new(&general), &mut read_back);
        assert_eq!(read_back[1], parties[1]);
        assert_eq!(read_back[2], parties[2]);
        assert!(read_back[0].ids.is_empty(), "a ship-to's VAT has no field");
    }
}
