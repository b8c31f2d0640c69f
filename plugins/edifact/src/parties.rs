//! Parties: the NAD segment group (NAD, its RFF, CTA and COM) to and from canonical parties.
//!
//! NAD 3035 is the role (through [`codes::party_role`]) and kept as `role_code`; the C082 id
//! with its 3055 agency is the first identifier (`gln`, `duns`, `supplier`, `buyer`,
//! `edifact:<3055>`); RFF segments in the group add identifiers in scheme `edifact:<1153>`
//! (a VAT number is `edifact:VA`). C080 is the name, C059 the street lines, then city, region,
//! postal code and country. CTA (3139 role, C056 name) opens a contact, COM adds its phone
//! (TE), email (EM) or fax. Unused elements stay as `edifact.NAD[<3035>].<tag>`.

use wharf_guest_sdk::canonical::{Address, Contact, Extension, Identifier, Party, PartyRole};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id, log};

use crate::codes;
use crate::common::{chunks, read_reference, seg};
use crate::interchange::{Message, Segment};
use crate::writer::{Kept, Out};

/// Reads the NAD at `segments[0]` and the RFF/CTA/COM after it; returns the party and how many
/// segments it took.
pub fn read(
    message: &Message,
    segments: &[Segment],
    extensions: &mut Vec<Extension>,
) -> Result<(Party, usize), AdapterError> {
    let Some(first) = segments.first() else {
        return Err(error::syntax("expected NAD"));
    };
    let nad = seg(message, first);
    let role = nad.require(1, 1, "party function qualifier (3035)")?;
    let mut ids = Vec::new();
    if let Some(value) = nad.get(2, 1) {
        ids.push(id(codes::party_scheme(nad.get(2, 3)), value));
    }
    let name_lines: Vec<&str> = (1..=5).filter_map(|c| nad.get(4, c)).collect();
    let street: Vec<String> = (1..=4).filter_map(|c| nad.string(5, c)).collect();
    let address = Address {
        street,
        city: nad.string(6, 1),
        region: nad.string(7, 1),
        postal_code: nad.string(8, 1),
        country: nad.string(9, 1),
    };
    let has_address = !address.street.is_empty()
        || address.city.is_some()
        || address.region.is_some()
        || address.postal_code.is_some()
        || address.country.is_some();
    let prefix = format!("edifact.NAD[{role}]");
    nad.leftovers(&prefix, extensions);
    let mut contacts: Vec<Contact> = Vec::new();
    let mut taken = 1;
    for segment in &segments[1..] {
        let s = seg(message, segment);
        match segment.tag.as_str() {
            "RFF" => ids.push(party_reference(read_reference(&s)?)),
            "CTA" => contacts.push(Contact {
                // IC (information contact) is what a contact without a function is written as.
                role: s.string(1, 1).filter(|r| r != "IC"),
                name: s.string(2, 2),
                phone: None,
                email: None,
            }),
            "COM" => {
                let number = s.string(1, 1);
                let channel = s.get(1, 2);
                if contacts.is_empty() {
                    contacts.push(Contact {
                        role: None,
                        name: None,
                        phone: None,
                        email: None,
                    });
                }
                if let Some(contact) = contacts.last_mut() {
                    match channel {
                        Some("TE") if contact.phone.is_none() => contact.phone = number,
                        Some("EM") if contact.email.is_none() => contact.email = number,
                        _ => {
                            extensions.push(crate::reader::raw_extension(segment));
                            taken += 1;
                            continue;
                        }
                    }
                }
            }
            _ => break,
        }
        s.leftovers(&format!("{prefix}.{}", segment.tag), extensions);
        taken += 1;
    }
    Ok((
        Party {
            role: codes::party_role(role),
            role_code: Some(role.to_owned()),
            ids,
            name: (!name_lines.is_empty()).then(|| name_lines.join(" ")),
            address: has_address.then_some(address),
            contacts,
        },
        taken,
    ))
}

/// A party's RFF: the internal numbers parties give each other become the canonical
/// `buyer` / `supplier` schemes (IA internal vendor number and API additional identification
/// are the buyer's; IT internal customer number is the supplier's).
fn party_reference(reference: Identifier) -> Identifier {
    let scheme = match reference.scheme.as_str() {
        "internal-vendor" | "edifact:IA" | "edifact:API" => "buyer",
        "edifact:IT" => "supplier",
        _ => return reference,
    };
    Identifier {
        scheme: scheme.to_owned(),
        value: reference.value,
    }
}

/// A party as NAD, RFF, CTA and COM segments; `path` names it in errors (`parties[2]`).
pub fn write(party: &Party, kept: &mut Kept, path: &str) -> Result<Vec<Out>, AdapterError> {
    // The source's role code is kept only when EDIFACT reads it as the same role: SAP's "AG"
    // is not an EDIFACT 3035 code.
    let role = party
        .role_code
        .clone()
        .filter(|code| codes::party_role(code) == party.role)
        .unwrap_or_else(|| codes::party_code(party.role).to_owned());
    let mut nad = Out::new("NAD").el(&[role.as_str()]);
    // NAD names one party id; a GLN is the one EDIFACT partners expect there, the others go
    // into RFF segments of the party's group.
    let primary = party
        .ids
        .iter()
        .position(|i| i.scheme == "gln")
        .unwrap_or(0);
    match party.ids.get(primary) {
        Some(first) => {
            let agency = codes::party_agency(&first.scheme).unwrap_or_else(|| {
                log::warn(&format!(
                    "{path}: scheme {} has no EDIFACT agency",
                    first.scheme
                ));
                "ZZZ"
            });
            nad = nad.el(&[first.value.as_str(), "", agency]);
        }
        None => nad = nad.el(&[""]),
    }
    nad = nad.el(&[""]);
    let name = party
        .name
        .as_deref()
        .map(|n| chunks(n, 35))
        .unwrap_or_default();
    if name.len() > 5 {
        return Err(
            error::validation("a party name longer than five lines of 35 characters")
                .at_xml(format!("{path}.name")),
        );
    }
    nad = nad.el(&name);
    let address = party.address.clone().unwrap_or(Address {
        street: Vec::new(),
        city: None,
        region: None,
        postal_code: None,
        country: None,
    });
    if address.street.len() > 4 {
        return Err(error::validation("NAD holds at most four street lines")
            .at_xml(format!("{path}.address.street")));
    }
    nad = nad
        .el(&address.street)
        .opt(address.city.as_deref())
        .opt(address.region.as_deref())
        .opt(address.postal_code.as_deref())
        .opt(address.country.as_deref());
    let prefix = format!("edifact.NAD[{role}]");
    kept.restore(&prefix, &mut nad);
    let mut out = vec![nad];
    for (_, extra) in party.ids.iter().enumerate().filter(|(i, _)| *i != primary) {
        let qualifier = match extra.scheme.as_str() {
            "buyer" if party.role == PartyRole::Supplier => Some("IA"),
            "buyer" => Some("API"),
            "supplier" => Some("IT"),
            scheme => crate::common::reference_qualifier(scheme),
        };
        match qualifier {
            Some(qualifier) => {
                let mut rff = Out::new("RFF").el(&[qualifier, extra.value.as_str()]);
                kept.restore(&format!("{prefix}.RFF"), &mut rff);
                out.push(rff);
            }
            None => log::warn(&format!(
                "{path}: a second identifier in scheme {} has no place in NAD",
                extra.scheme
            )),
        }
    }
    for contact in &party.contacts {
        if contact.role.is_some() || contact.name.is_some() {
            let role = contact.role.as_deref().unwrap_or("IC");
            out.push(
                Out::new("CTA")
                    .el(&[role])
                    .el(&["", contact.name.as_deref().unwrap_or_default()]),
            );
        }
        if let Some(phone) = &contact.phone {
            out.push(Out::new("COM").el(&[phone.as_str(), "TE"]));
        }
        if let Some(email) = &contact.email {
            out.push(Out::new("COM").el(&[email.as_str(), "EM"]));
        }
    }
    Ok(out)
}
