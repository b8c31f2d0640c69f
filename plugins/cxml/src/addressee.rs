//! What a cXML party carries besides its address, so that a party from another standard keeps
//! its ids and contact persons, and the buyer that stands in as BillTo keeps its role.
//!
//! - Party ids other than the `addressID` (scheme `buyer`) are written as
//!   `<IdReference identifier="…" domain="<scheme>"/>`: inside `<ShipTo>`/`<BillTo>` after the
//!   `<Address>`, and inside a `<Contact>` after its phones. Read back, each is the id
//!   `(domain, identifier)`.
//! - A contact person's name is a `PostalAddress/DeliverTo` (so only a party with a postal
//!   address can carry one). Read back, the names fill the contacts read from `Email`/`Phone`
//!   that have none, in order, and make new contacts past those.
//! - cXML requires a BillTo; an order without a bill-to party writes its buyer (or sold-to)
//!   both as `<BillTo>` and as its own `<Contact role="buyer">`. Reading, a BillTo that only
//!   copies a buyer or sold-to Contact (same name, address and ids) is dropped, so the party
//!   reads back once, as the buyer. A real bill-to party identical to the buyer is dropped
//!   the same way: the buyer is then the bill-to party.

use wharf_guest_sdk::canonical::{Contact, Identifier, Party, PartyRole};
use wharf_guest_sdk::id;
use wharf_guest_sdk::schemes::{self, Standard};
use wharf_guest_sdk::xml::Element;

use crate::address::ADDRESS_ID_SCHEME;

/// The party's ids that its `addressID` does not carry: every one but the first of scheme
/// `buyer`.
pub fn other_ids(party: &Party) -> Vec<&Identifier> {
    let address_id = party.ids.iter().position(|i| i.scheme == ADDRESS_ID_SCHEME);
    party
        .ids
        .iter()
        .enumerate()
        .filter(|(n, _)| Some(*n) != address_id)
        .map(|(_, i)| i)
        .collect()
}

/// The identifier scheme of an `IdReference@domain`: the canonical one the scheme table gives
/// it (`vatID` is [`schemes::VAT`]), else the domain as it stands.
pub fn domain_scheme(domain: &str) -> String {
    schemes::from_code(Standard::Cxml, domain).map_or_else(|| domain.to_owned(), str::to_owned)
}

/// The `IdReference@domain` an identifier of `scheme` is written with ([`domain_scheme`]'s
/// reverse).
pub fn scheme_domain(scheme: &str) -> &str {
    schemes::to_code(Standard::Cxml, scheme).unwrap_or(scheme)
}

/// `<IdReference>` elements for the ids `addressID` does not carry.
pub fn write_id_references(party: &Party) -> Vec<Element> {
    other_ids(party)
        .into_iter()
        .map(|i| {
            Element::new("IdReference")
                .attr("identifier", i.value.as_str())
                .attr("domain", scheme_domain(&i.scheme))
        })
        .collect()
}

/// The ids the `<IdReference>` children of `element` name; one without a domain or an
/// identifier is not an id and is left to the caller.
pub fn read_id_references(element: &Element) -> Vec<Identifier> {
    element
        .all("IdReference")
        .filter_map(id_reference)
        .collect()
}

/// The id one `<IdReference>` names.
pub fn id_reference(element: &Element) -> Option<Identifier> {
    let domain = element
        .get("domain")
        .map(str::trim)
        .filter(|d| !d.is_empty())?;
    let identifier = element
        .get("identifier")
        .map(str::trim)
        .filter(|v| !v.is_empty())?;
    Some(id(domain_scheme(domain), identifier))
}

/// The `<IdReference>` children of `element` that are not ids, for the caller to keep.
pub fn non_id_references(element: &Element) -> impl Iterator<Item = &Element> {
    element
        .all("IdReference")
        .filter(|e| id_reference(e).is_none())
}

/// `<DeliverTo>` elements for the party's named contacts.
pub fn write_deliver_to(party: &Party) -> Vec<Element> {
    party
        .contacts
        .iter()
        .filter_map(|c| c.name.as_deref())
        .map(|name| Element::new("DeliverTo").with_text(name))
        .collect()
}

/// Puts the `DeliverTo` names of `postal` on `contacts`: each on the next contact without a
/// name, or on a new contact.
pub fn read_deliver_to(postal: &Element, contacts: &mut Vec<Contact>) {
    let mut next = 0;
    for name in postal.all("DeliverTo").filter_map(Element::trimmed) {
        match contacts
            .iter()
            .skip(next)
            .position(|c| c.name.is_none())
            .map(|at| at + next)
        {
            Some(at) => {
                contacts[at].name = Some(name.to_owned());
                next = at + 1;
            }
            None => {
                contacts.push(Contact {
                    role: None,
                    name: Some(name.to_owned()),
                    phone: None,
                    email: None,
                });
                next = contacts.len();
            }
        }
    }
}

/// Drops a BillTo party (`role_code` "BillTo") that only copies a buyer or sold-to Contact.
pub fn drop_stand_in_bill_to(parties: &mut Vec<Party>) {
    let copies = |bill_to: &Party| {
        parties.iter().any(|p| {
            matches!(p.role, PartyRole::Buyer | PartyRole::SoldTo)
                && p.role_code.as_deref() != Some("BillTo")
                && p.name == bill_to.name
                && p.address == bill_to.address
                && sorted(&p.ids) == sorted(&bill_to.ids)
        })
    };
    let stand_in = parties
        .iter()
        .position(|p| p.role == PartyRole::BillTo && p.role_code.as_deref() == Some("BillTo"))
        .filter(|&at| copies(&parties[at]));
    if let Some(at) = stand_in {
        parties.remove(at);
    }
}

fn sorted(ids: &[Identifier]) -> Vec<(&str, &str)> {
    let mut ids: Vec<(&str, &str)> = ids
        .iter()
        .map(|i| (i.scheme.as_str(), i.value.as_str()))
        .collect();
    ids.sort_unstable();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn party(role: PartyRole, role_code: &str) -> Party {
        Party {
            role,
            role_code: Some(role_code.into()),
            ids: vec![id("buyer", "1000"), id("gln", "4012345000009")],
            name: Some("Kessler".into()),
            address: None,
            contacts: vec![],
        }
    }

    #[test]
    fn ids_beside_the_address_id_are_id_references() {
        let written = write_id_references(&party(PartyRole::ShipTo, "WE"));
        assert_eq!(written.len(), 1);
        let element = Element::new("ShipTo").child(written[0].clone());
        let parsed = xml::parse(element.to_xml(None).as_bytes()).unwrap();
        assert_eq!(read_id_references(&parsed), [id("gln", "4012345000009")]);
    }

    #[test]
    fn deliver_to_names_fill_nameless_contacts_first() {
        let postal = xml::parse(b"<PostalAddress><DeliverTo>M. Brandt</DeliverTo><DeliverTo>J. Ott</DeliverTo></PostalAddress>").unwrap();
        let mut contacts = vec![Contact {
            role: None,
            name: None,
            phone: Some("+49 821 4470-0".into()),
            email: None,
        }];
        read_deliver_to(&postal, &mut contacts);
        assert_eq!(contacts[0].name.as_deref(), Some("M. Brandt"));
        assert_eq!(contacts[1].name.as_deref(), Some("J. Ott"));
        assert_eq!(contacts.len(), 2);
    }

    #[test]
    fn a_bill_to_copying_the_buyer_is_dropped_and_a_different_one_kept() {
        let mut parties = vec![
            party(PartyRole::BillTo, "BillTo"),
            party(PartyRole::Buyer, "buyer"),
        ];
        drop_stand_in_bill_to(&mut parties);
        assert_eq!(parties.len(), 1);
        assert_eq!(parties[0].role, PartyRole::Buyer);
        let mut other = party(PartyRole::BillTo, "BillTo");
        other.name = Some("Kessler Finance".into());
        let mut parties = vec![other, party(PartyRole::Buyer, "buyer")];
        drop_stand_in_bill_to(&mut parties);
        assert_eq!(parties.len(), 2);
    }
}
