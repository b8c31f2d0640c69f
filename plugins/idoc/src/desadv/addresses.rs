//! Partners of a delivery: E1ADRM1 segments to and from canonical parties.
//!
//! PARTNER_Q is a partner function like E1EDKA1's PARVW (AG sold-to, WE ship-to, LF vendor,
//! SP forwarding agent) and goes through the same table, plus the delivery's own OSP, the
//! shipping point's address: where the goods leave from, the ship-from party. The first
//! forwarding agent SP is the notice's carrier ([`read`], [`carrier_party`]), not a party, so
//! that a carrier read from any standard comes back as the carrier. PARTNER_ID is the
//! partner's number in the sending system, which for a shipping notification is the
//! supplier's: scheme `supplier`. NAME1 is the name; STREET1/STREET2, CITY1, POSTL_COD1,
//! REGION and COUNTRY1 the address; TELEPHONE1 and E_MAIL a contact. The rest (NAME2,
//! language, E1ADRE1, ...) stays an extension under `idoc.E1ADRM1.<PARTNER_Q>`.

use wharf_guest_sdk::canonical::{Address, Carrier, Contact, Extension, Party, PartyRole};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin};
use crate::output::{not_written, restore, segment};
use crate::parties::partner_function;
use crate::segments::{Segment, occurrence_keys};

const NAME: &str = "E1ADRM1";
/// PARTNER_Q of the shipping point, where the delivery ships from.
const SHIPPING_POINT: &str = "OSP";
/// PARTNER_Q of the forwarding agent, the carrier.
const FORWARDING_AGENT: &str = "SP";
/// The scheme of PARTNER_ID: the supplier's SAP sends the delivery.
const PARTNER_SCHEME: &str = "supplier";

/// Reads every E1ADRM1 under the delivery `parent` into parties, and the first forwarding
/// agent (SP) into the carrier's name and ids: the rest of that partner (an address, a
/// telephone) stays an extension under `idoc.E1ADRM1.SP`, since a carrier has no place for it.
pub fn read(
    parent: &mut Segment<'_>,
    extensions: &mut Vec<Extension>,
) -> Result<(Vec<Party>, Option<Carrier>), AdapterError> {
    let mut partners = parent.segments(NAME);
    let mut functions = Vec::with_capacity(partners.len());
    for partner in &mut partners {
        functions.push(partner.require("PARTNER_Q", "the partner function")?);
    }
    let keys = occurrence_keys(functions.iter().copied());
    let mut parties = Vec::with_capacity(partners.len());
    let mut carrier = None;
    for ((mut partner, function), key) in partners.into_iter().zip(functions).zip(keys) {
        let ids = partner
            .text("PARTNER_ID")
            .map(|number| id(PARTNER_SCHEME, number))
            .into_iter()
            .collect();
        let name = partner.text("NAME1").map(str::to_owned);
        if function == FORWARDING_AGENT && carrier.is_none() {
            partner.leftovers(&format!("idoc.{NAME}.{key}"), extensions);
            carrier = Some(Carrier {
                ids,
                name,
                mode: None,
                tracking_numbers: Vec::new(),
            });
            continue;
        }
        let mut text = |field: &str| partner.text(field).map(str::to_owned);
        let street: Vec<String> = ["STREET1", "STREET2"]
            .iter()
            .filter_map(|f| text(f))
            .collect();
        let address = Address {
            street,
            city: text("CITY1"),
            region: text("REGION"),
            postal_code: text("POSTL_COD1"),
            country: text("COUNTRY1"),
        };
        let has_address = !address.street.is_empty()
            || address.city.is_some()
            || address.region.is_some()
            || address.postal_code.is_some()
            || address.country.is_some();
        let contact = Contact {
            role: None,
            name: None,
            phone: text("TELEPHONE1"),
            email: text("E_MAIL"),
        };
        let has_contact = contact.phone.is_some() || contact.email.is_some();
        partner.leftovers(&format!("idoc.{NAME}.{key}"), extensions);
        parties.push(Party {
            role: role_of(function),
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
    Ok((parties, carrier))
}

/// The role of a delivery partner function: E1EDKA1's table, and the shipping point.
fn role_of(function: &str) -> PartyRole {
    match function {
        SHIPPING_POINT => PartyRole::ShipFrom,
        other => codes::party_role(other),
    }
}

/// The carrier's name and ids as the forwarding agent (SP) partner, when it has either.
pub fn carrier_party(carrier: &Carrier) -> Option<Party> {
    (carrier.name.is_some() || !carrier.ids.is_empty()).then(|| Party {
        role: PartyRole::Carrier,
        role_code: Some(FORWARDING_AGENT.to_owned()),
        ids: carrier.ids.clone(),
        name: carrier.name.clone(),
        address: None,
        contacts: Vec::new(),
    })
}

/// Writes parties as E1ADRM1 segments, with the fields their extensions kept.
pub fn write(parties: &[Party], extensions: &[Extension], origin: Origin) -> Vec<Element> {
    let mut planned = Vec::new();
    for party in parties {
        match partner_function(party, origin)
            .or_else(|| (party.role == PartyRole::ShipFrom).then_some(SHIPPING_POINT))
        {
            Some(function) => planned.push((party, function)),
            None => not_written(&format!(
                "party {:?} with role {:?}",
                party.name.as_deref().unwrap_or_default(),
                party.role
            )),
        }
    }
    let keys = occurrence_keys(planned.iter().map(|(_, function)| *function));
    planned
        .into_iter()
        .zip(keys)
        .map(|((party, function), key)| {
            let mut partner = segment(NAME).text_child("PARTNER_Q", function);
            let mut numbers = party.ids.iter().filter(|i| i.scheme == PARTNER_SCHEME);
            partner = partner.text_child_opt("PARTNER_ID", numbers.next().map(|i| i.value.clone()));
            for other in party
                .ids
                .iter()
                .filter(|i| i.scheme != PARTNER_SCHEME)
                .chain(numbers)
            {
                not_written(&format!(
                    "party identifier {}:{}",
                    other.scheme, other.value
                ));
            }
            partner = partner.text_child_opt("NAME1", party.name.clone());
            if let Some(address) = &party.address {
                let mut street = address.street.iter();
                partner = partner
                    .text_child_opt("STREET1", street.next().cloned())
                    .text_child_opt("STREET2", street.next().cloned())
                    .text_child_opt("CITY1", address.city.clone())
                    .text_child_opt("POSTL_COD1", address.postal_code.clone())
                    .text_child_opt("COUNTRY1", address.country.clone())
                    .text_child_opt("REGION", address.region.clone());
                if street.next().is_some() {
                    not_written("a third street line");
                }
            }
            if let Some(contact) = party.contacts.first() {
                partner = partner
                    .text_child_opt("TELEPHONE1", contact.phone.clone())
                    .text_child_opt("E_MAIL", contact.email.clone());
                if contact.name.is_some() || contact.role.is_some() {
                    not_written("a delivery contact's name or role");
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
