//! Partners: E1EDKA1 segments to and from canonical parties.
//!
//! PARVW (partner function) gives the role through [`codes::party_role`] and is kept as
//! `role_code`. PARTN, the partner's number in the sending system, is the identifier in scheme
//! `buyer` when the buyer's SAP sends (orders, order changes; order responses alike) and LIFNR,
//! the vendor number, is `supplier`; an invoice comes from the supplier's SAP, so there PARTN
//! is `supplier` and LIFNR (the vendor's number at the customer) is `buyer` ([`Numbering`]).
//! ILNNR is `gln`. NAME1 is the name,
//! STRAS/STRS2, ORT01, REGIO, PSTLZ and LAND1 the address, BNAME and TELF1 a contact. Every
//! other field (NAME2..NAME4, IHREZ, language, ...) becomes a document extension under
//! `idoc.E1EDKA1.<PARVW>`.

use wharf_guest_sdk::canonical::{Address, Contact, Extension, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin};
use crate::output::{not_written, restore, segment};
use crate::segments::{Segment, occurrence_keys};

const NAME: &str = "E1EDKA1";

/// Whose numbers PARTN and LIFNR are, which depends on whose SAP wrote the IDoc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbering {
    partn: &'static str,
    lifnr: &'static str,
}

/// The buyer's SAP numbers the partners: orders, order changes and order responses.
pub const BUYER_NUMBERS: Numbering = Numbering {
    partn: "buyer",
    lifnr: "supplier",
};

/// The supplier's SAP numbers the partners: invoices.
pub const SUPPLIER_NUMBERS: Numbering = Numbering {
    partn: "supplier",
    lifnr: "buyer",
};

impl Numbering {
    /// Identifier schemes and the E1EDKA1 field each is written to.
    fn id_fields(self) -> [(&'static str, &'static str); 3] {
        [
            (self.partn, "PARTN"),
            (self.lifnr, "LIFNR"),
            ("gln", "ILNNR"),
        ]
    }
}

/// Reads every E1EDKA1 under `idoc` into parties.
pub fn read(
    idoc: &mut Segment<'_>,
    numbering: Numbering,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Party>, AdapterError> {
    let mut partners = idoc.segments(NAME);
    let mut functions = Vec::with_capacity(partners.len());
    for partner in &mut partners {
        functions.push(partner.require("PARVW", "the partner function")?);
    }
    let keys = occurrence_keys(functions.iter().copied());
    let mut parties = Vec::with_capacity(partners.len());
    for ((mut partner, function), key) in partners.into_iter().zip(functions).zip(keys) {
        let ids = numbering
            .id_fields()
            .iter()
            .filter_map(|(scheme, field)| partner.text(field).map(|value| id(*scheme, value)))
            .collect();
        let name = partner.text("NAME1").map(str::to_owned);
        let street: Vec<String> = ["STRAS", "STRS2"]
            .iter()
            .filter_map(|field| partner.text(field).map(str::to_owned))
            .collect();
        let address = Address {
            street,
            city: partner.text("ORT01").map(str::to_owned),
            region: partner.text("REGIO").map(str::to_owned),
            postal_code: partner.text("PSTLZ").map(str::to_owned),
            country: partner.text("LAND1").map(str::to_owned),
        };
        let has_address = !address.street.is_empty()
            || address.city.is_some()
            || address.region.is_some()
            || address.postal_code.is_some()
            || address.country.is_some();
        let contact = Contact {
            role: None,
            name: partner.text("BNAME").map(str::to_owned),
            phone: partner.text("TELF1").map(str::to_owned),
            email: None,
        };
        let has_contact = contact.name.is_some() || contact.phone.is_some();
        partner.leftovers(&format!("idoc.{NAME}.{key}"), extensions);
        parties.push(Party {
            role: codes::party_role(function),
            role_code: Some(function.to_owned()),
            ids,
            name,
            address: has_address.then_some(address),
            contacts: if has_contact {
                vec![contact]
            } else {
                Vec::new()
            },
        });
    }
    Ok(parties)
}

/// The PARVW a party is written with: its own code when it came from SAP and still means the
/// party's role, else the role's code; `None` when SAP has no partner function for it.
pub fn partner_function(party: &Party, origin: Origin) -> Option<&str> {
    let own = party
        .role_code
        .as_deref()
        .map(str::trim)
        .filter(|code| origin.sap_codes && !code.is_empty())
        .filter(|code| codes::party_role(code) == party.role);
    own.or_else(|| codes::parvw_for(party.role))
}

/// Writes parties as E1EDKA1 segments, with the fields their extensions kept.
pub fn write(
    parties: &[Party],
    numbering: Numbering,
    extensions: &[Extension],
    origin: Origin,
) -> Vec<Element> {
    let id_fields = numbering.id_fields();
    let mut written = Vec::new();
    for party in parties {
        match partner_function(party, origin) {
            Some(function) => written.push((party, function)),
            None => not_written(&format!(
                "party {:?} with role {:?}",
                party.name.as_deref().unwrap_or_default(),
                party.role
            )),
        }
    }
    let keys = occurrence_keys(written.iter().map(|(_, function)| *function));
    written
        .into_iter()
        .zip(keys)
        .map(|((party, function), key)| {
            let mut partner = segment(NAME).text_child("PARVW", function);
            for (scheme, field) in id_fields {
                let mut values = party.ids.iter().filter(|i| i.scheme == scheme);
                partner = partner.text_child_opt(field, values.next().map(|i| i.value.clone()));
                for extra in values {
                    not_written(&format!(
                        "a second {scheme} identifier {:?} of a party",
                        extra.value
                    ));
                }
            }
            for other in party
                .ids
                .iter()
                .filter(|i| id_fields.iter().all(|(scheme, _)| *scheme != i.scheme))
            {
                not_written(&format!(
                    "party identifier {}:{}",
                    other.scheme, other.value
                ));
            }
            partner = partner.text_child_opt("NAME1", party.name.clone());
            if let Some(address) = &party.address {
                partner = write_address(partner, address);
            }
            if let Some(contact) = party.contacts.first() {
                partner = partner
                    .text_child_opt("BNAME", contact.name.clone())
                    .text_child_opt("TELF1", contact.phone.clone());
                if contact.email.is_some() || contact.role.is_some() {
                    not_written("a contact's e-mail address or role");
                }
            }
            if party.contacts.len() > 1 {
                not_written("a party's second and further contacts");
            }
            restore(&mut partner, extensions, &format!("idoc.{NAME}.{key}"), &[]);
            partner
        })
        .collect()
}

fn write_address(partner: Element, address: &Address) -> Element {
    let mut street = address.street.iter();
    let partner = partner
        .text_child_opt("STRAS", street.next().cloned())
        .text_child_opt("STRS2", street.next().cloned());
    if street.next().is_some() {
        not_written("a third street line");
    }
    partner
        .text_child_opt("ORT01", address.city.clone())
        .text_child_opt("PSTLZ", address.postal_code.clone())
        .text_child_opt("REGIO", address.region.clone())
        .text_child_opt("LAND1", address.country.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::canonical::PartyRole;
    use wharf_guest_sdk::xml;

    #[test]
    fn partners_read_with_their_leftovers() {
        let idoc = xml::parse(
            b"<IDOC><E1EDKA1 SEGMENT=\"1\"><PARVW>LF</PARVW><PARTN>0000100200</PARTN>\
              <NAME1>Stahlwerk Nord GmbH</NAME1><NAME2>Werk 2</NAME2><ORT01>Bremen</ORT01>\
              <TELF1>+49 421 5550</TELF1></E1EDKA1>\
              <E1EDKA1 SEGMENT=\"1\"><PARVW>RG</PARVW></E1EDKA1></IDOC>",
        )
        .expect("parses");
        let mut extensions = Vec::new();
        let parties =
            read(&mut Segment::new(&idoc), BUYER_NUMBERS, &mut extensions).expect("reads");
        assert_eq!(parties[0].role, PartyRole::Supplier);
        assert_eq!(parties[0].ids, [id("buyer", "0000100200")]);
        assert_eq!(
            parties[0].contacts[0].phone.as_deref(),
            Some("+49 421 5550")
        );
        assert_eq!(parties[1].role, PartyRole::Other);
        assert_eq!(parties[1].role_code.as_deref(), Some("RG"));
        assert_eq!(extensions.len(), 1);
        assert_eq!(extensions[0].key, "idoc.E1EDKA1.LF.NAME2");
    }

    #[test]
    fn foreign_role_codes_are_not_taken_for_sap_ones() {
        let party = Party {
            role: PartyRole::ShipTo,
            role_code: Some("ST".into()),
            ids: Vec::new(),
            name: None,
            address: None,
            contacts: Vec::new(),
        };
        let x12 = Origin { sap_codes: false };
        assert_eq!(partner_function(&party, x12), Some("WE"));
        let other = Party {
            role: PartyRole::Other,
            ..party.clone()
        };
        assert_eq!(partner_function(&other, x12), None);
        assert_eq!(
            partner_function(&other, Origin { sap_codes: true }),
            Some("ST")
        );
    }
}
