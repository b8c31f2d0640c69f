//! Parties both ways: `<ShipTo>`/`<BillTo>` (an `<Address>`) and `<Contact role="...">` against
//! the canonical [`Party`].
//!
//! - `ShipTo` / `BillTo` keep their element name as `role_code`; a `Contact` keeps its `role`
//!   (see [`crate::contact_role`]).
//! - `addressID` is the buyer's number for the address: the party id `("buyer", addressID)`.
//! - `<Email name="work">` and `<Phone name="work">` become one [`Contact`] with role `work`
//!   (telephone numbers as [`crate::phone`] spells them).
//! - Other party ids, contact person names and the buyer standing in as BillTo follow the
//!   conventions of [`crate::addressee`].

use wharf_guest_sdk::canonical::{Address, Contact, Extension, Identifier, Party, PartyRole};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, log};

use crate::addressee::{
    non_id_references, read_deliver_to, read_id_references, write_deliver_to, write_id_references,
};
use crate::contact_role::contact_role_code;
use crate::extensions::{flatten, keep_unmapped};
use crate::phone::{read_phone, write_phone};

/// The scheme of `addressID`: cXML address ids are assigned by the buying organization.
pub const ADDRESS_ID_SCHEME: &str = "buyer";

/// A header `<ShipTo>` or `<BillTo>`; what it holds besides the address is kept under `base`.
pub fn read_ship_or_bill(
    element: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Party, AdapterError> {
    let role = if element.name == "ShipTo" {
        PartyRole::ShipTo
    } else {
        PartyRole::BillTo
    };
    let address = element.require("Address")?;
    keep_unmapped(element, base, &["Address", "IdReference"], out);
    keep_non_id_references(element, base, out);
    let mut party = read_addressee(
        address,
        role,
        Some(element.name.clone()),
        &format!("{base}.Address"),
        out,
    )?;
    party.ids.extend(read_id_references(element));
    Ok(party)
}

/// Keeps the `<IdReference>` children of `element` that name no id.
fn keep_non_id_references(element: &Element, base: &str, out: &mut Vec<Extension>) {
    for (n, reference) in non_id_references(element).enumerate() {
        flatten(reference, &format!("{base}.IdReference[{}]", n + 1), out);
    }
}

/// A header `<Contact role="...">` as a party of the role it names.
pub fn read_contact(
    element: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Party, AdapterError> {
    let code = element.get("role").map(str::to_owned);
    let role = code
        .as_deref()
        .map_or(PartyRole::Other, crate::contact_role::contact_role);
    read_addressee(element, role, code, base, out)
}

/// What `<Address>` and `<Contact>` share: addressID, Name, PostalAddress, Email and Phone.
fn read_addressee(
    element: &Element,
    role: PartyRole,
    role_code: Option<String>,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Party, AdapterError> {
    let mut ids: Vec<Identifier> = element
        .get("addressID")
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| vec![id(ADDRESS_ID_SCHEME, v)])
        .unwrap_or_default();
    ids.extend(read_id_references(element));
    let mut postal = element.all("PostalAddress");
    let first_postal = postal.next();
    let address = first_postal.map(|p| read_postal(p, &format!("{base}.PostalAddress"), out));
    for (n, extra) in postal.enumerate() {
        flatten(extra, &format!("{base}.PostalAddress[{}]", n + 2), out);
    }
    let mut contacts: Vec<Contact> = Vec::new();
    for email in element.all("Email") {
        if let Some(text) = email.trimmed() {
            contact_slot(&mut contacts, email.get("name"), |c| c.email.is_none()).email =
                Some(text.to_owned());
        }
    }
    for phone in element.all("Phone") {
        if let Some(number) = phone.first("TelephoneNumber").and_then(read_phone) {
            contact_slot(&mut contacts, phone.get("name"), |c| c.phone.is_none()).phone =
                Some(number);
        }
    }
    if let Some(first) = first_postal {
        read_deliver_to(first, &mut contacts);
    }
    keep_unmapped(
        element,
        base,
        &[
            "addressID",
            "role",
            "Name",
            "PostalAddress",
            "Email",
            "Phone",
            "IdReference",
        ],
        out,
    );
    keep_non_id_references(element, base, out);
    Ok(Party {
        role,
        role_code,
        ids,
        name: element.text_of("Name").map(str::to_owned),
        address,
        contacts,
    })
}

/// The contact named `role` that still has room, or a new one.
fn contact_slot<'a>(
    contacts: &'a mut Vec<Contact>,
    role: Option<&str>,
    has_room: impl Fn(&Contact) -> bool,
) -> &'a mut Contact {
    let role = role.map(str::to_owned);
    let at = contacts
        .iter()
        .position(|c| c.role == role && has_room(c))
        .unwrap_or_else(|| {
            contacts.push(Contact {
                role,
                name: None,
                phone: None,
                email: None,
            });
            contacts.len() - 1
        });
    &mut contacts[at]
}

fn read_postal(postal: &Element, base: &str, out: &mut Vec<Extension>) -> Address {
    let country_element = postal.first("Country");
    let code = country_element
        .and_then(|c| c.get("isoCountryCode"))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let country_name = country_element.and_then(Element::trimmed);
    if let (Some(code), Some(name)) = (code, country_name)
        && name != code
    {
        // "Deutschland" beside isoCountryCode="DE": the model keeps the code only.
        out.push(wharf_guest_sdk::text_extension(
            format!("{base}.Country"),
            name,
        ));
    }
    keep_unmapped(
        postal,
        base,
        &[
            "DeliverTo",
            "Street",
            "City",
            "State",
            "PostalCode",
            "Country",
        ],
        out,
    );
    Address {
        street: postal
            .all("Street")
            .filter_map(Element::trimmed)
            .map(str::to_owned)
            .collect(),
        city: postal.text_of("City").map(str::to_owned),
        region: postal.text_of("State").map(str::to_owned),
        postal_code: postal.text_of("PostalCode").map(str::to_owned),
        country: code.or(country_name).map(str::to_owned),
    }
}

/// `<ShipTo>` or `<BillTo>` (named by `tag`) for `party`; `at` is the party's place in the
/// canonical document for errors.
pub fn write_ship_or_bill(party: &Party, tag: &str, at: &str) -> Result<Element, AdapterError> {
    let mut address = Element::new("Address").attr_opt("addressID", address_id(party));
    address = address.child(name(party, at)?);
    if let Some(postal) = &party.address {
        address = address.child(write_postal(postal, party, at)?);
    }
    // An <Address> holds one Email and one Phone; a <Contact> holds any number.
    let (emails, phones) = contact_elements(party);
    let dropped =
        emails.len().saturating_sub(1) + phones.len().saturating_sub(1) + unwritten_names(party);
    address.children.extend(emails.into_iter().take(1));
    address.children.extend(phones.into_iter().take(1));
    if dropped > 0 {
        log::warn(&format!(
            "{at}: {dropped} contact detail(s) have no place in a cXML <{tag}> address and were not written"
        ));
    }
    let mut element = Element::new(tag).child(address);
    element.children.extend(write_id_references(party));
    Ok(element)
}

/// Contact names that have no `DeliverTo` to go to: all of them without a postal address.
fn unwritten_names(party: &Party) -> usize {
    match party.address {
        Some(_) => 0,
        None => party.contacts.iter().filter(|c| c.name.is_some()).count(),
    }
}

/// `<Contact role="...">` for a party cXML has no element of its own for.
pub fn write_contact(party: &Party, at: &str) -> Result<Element, AdapterError> {
    let mut contact = contact_element(party, at)?;
    contact.children.extend(write_id_references(party));
    Ok(contact)
}

/// `<Contact role="...">` plus the party's ids other than its addressID, for documents that
/// write those beside the contact (an InvoicePartner's IdReferences).
pub fn write_contact_with_ids(
    party: &Party,
    at: &str,
) -> Result<(Element, Vec<Identifier>), AdapterError> {
    let other = party
        .ids
        .iter()
        .filter(|i| i.scheme != ADDRESS_ID_SCHEME)
        .cloned()
        .collect();
    Ok((contact_element(party, at)?, other))
}

fn contact_element(party: &Party, at: &str) -> Result<Element, AdapterError> {
    let mut contact = Element::new("Contact")
        .attr("role", contact_role_code(party))
        .attr_opt("addressID", address_id(party))
        .child(name(party, at)?);
    if let Some(postal) = &party.address {
        contact = contact.child(write_postal(postal, party, at)?);
    }
    let (emails, phones) = contact_elements(party);
    contact.children.extend(emails);
    contact.children.extend(phones);
    if unwritten_names(party) > 0 {
        log::warn(&format!(
            "{at}: contact person names need a postal address (DeliverTo) in cXML and were not written"
        ));
    }
    Ok(contact)
}

fn address_id(party: &Party) -> Option<&str> {
    party
        .ids
        .iter()
        .find(|i| i.scheme == ADDRESS_ID_SCHEME)
        .map(|i| i.value.as_str())
}

fn name(party: &Party, at: &str) -> Result<Element, AdapterError> {
    let name = party.name.as_deref().ok_or_else(|| {
        error::validation("cXML requires a name for every address and contact")
            .at_xml(format!("{at}.name"))
    })?;
    Ok(Element::new("Name").attr("xml:lang", "en").with_text(name))
}

fn write_postal(postal: &Address, party: &Party, at: &str) -> Result<Element, AdapterError> {
    let missing = |field: &str| {
        error::validation(format!("cXML requires a {field} in every postal address"))
            .at_xml(format!("{at}.address.{field}"))
    };
    if postal.street.is_empty() {
        return Err(missing("street"));
    }
    let city = postal.city.as_deref().ok_or_else(|| missing("city"))?;
    let country = postal
        .country
        .as_deref()
        .ok_or_else(|| missing("country"))?;
    let mut element = Element::new("PostalAddress");
    element.children.extend(write_deliver_to(party));
    for street in &postal.street {
        element = element.text_child("Street", street);
    }
    Ok(element
        .text_child("City", city)
        .text_child_opt("State", postal.region.as_deref())
        .text_child_opt("PostalCode", postal.postal_code.as_deref())
        .child(
            Element::new("Country")
                .attr("isoCountryCode", country)
                .with_text(country),
        ))
}

fn contact_elements(party: &Party) -> (Vec<Element>, Vec<Element>) {
    let country = party
        .address
        .as_ref()
        .and_then(|a| a.country.as_deref())
        .unwrap_or_default();
    let emails = party
        .contacts
        .iter()
        .filter_map(|c| {
            let email = c.email.as_deref()?;
            Some(
                Element::new("Email")
                    .attr_opt("name", c.role.as_deref())
                    .with_text(email),
            )
        })
        .collect();
    let phones = party
        .contacts
        .iter()
        .filter_map(|c| {
            let phone = c.phone.as_deref()?;
            Some(
                Element::new("Phone")
                    .attr_opt("name", c.role.as_deref())
                    .child(write_phone(phone, country)),
            )
        })
        .collect();
    (emails, phones)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_without_a_name_is_refused_where_it_stands() {
        let party = Party {
            role: PartyRole::ShipTo,
            role_code: None,
            ids: vec![],
            name: None,
            address: None,
            contacts: vec![],
        };
        let err = write_ship_or_bill(&party, "ShipTo", "parties[1]").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at parties[1].name: cXML requires a name for every address and contact"
        );
    }
}
