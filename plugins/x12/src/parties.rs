//! The N1 loop (N1, N2, N3, N4, REF, PER) against canonical parties.
//!
//! N102 plus any N2 lines make the name (joined by line breaks); N103/N104 the identifier in
//! its scheme; N3 lines the street; N4 city, region, postal code, country; a REF inside the
//! loop becomes an identifier in scheme `x12:ref:<REF01>`; PER a contact. What has no field
//! is kept under the party's role code, `x12.N1.<N101>.<SEG>.<NN>`, and written back there.
//!
//! N1 names one identifier (the party's first with an N103 qualifier). Each further one is
//! written in the loop as `REF*ZZ*<id>*<N103 qualifier>`: REF01 ZZ (mutually defined), the
//! identifier in REF02 and in REF03 the code N103 would give its scheme (a second party GLN
//! is `REF*ZZ*4012345000009*UL`). Such a REF reads back as that identifier, in the scheme
//! the N103 code names.

use wharf_guest_sdk::canonical::{Address, Contact, Extension, Identifier, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::schemes::{self, Standard};
use wharf_guest_sdk::{error, id, log};

use crate::codes;
use crate::reader::{Body, Seg};
use crate::writer::{Out, raw_segments};

/// Segments that continue an N1 loop.
const LOOP: [&str; 7] = ["N2", "N3", "N4", "REF", "PER", "NX2", "SI"];

/// The scheme of party identifiers read from a REF inside the N1 loop.
const REF_SCHEME: &str = "x12:ref:";

/// The scheme of a party identifier read from `REF*<qualifier>` in the N1 loop: a VAT
/// registration number (`REF*VX`) is the canonical [`schemes::VAT`], any other
/// `x12:ref:<REF01>`.
fn party_ref_scheme(qualifier: &str) -> String {
    match schemes::from_code(Standard::X12, qualifier) {
        Some(schemes::VAT) => schemes::VAT.to_owned(),
        _ => format!("{REF_SCHEME}{qualifier}"),
    }
}

/// The REF01 a party identifier of `scheme` is written with in the N1 loop, if it is one.
fn party_ref_qualifier(scheme: &str) -> Option<&str> {
    match scheme {
        schemes::VAT => schemes::to_code(Standard::X12, scheme),
        other => other.strip_prefix(REF_SCHEME),
    }
}

/// REF01 of a further party identifier, whose REF03 is its N103 qualifier.
const FURTHER_ID: &str = "ZZ";

/// N103 "ZZ", mutually defined.
const MUTUALLY_DEFINED: &str = "ZZ";

/// Reads the N1 loop opened by `n1`, taking its loop segments from `body`.
pub fn read(
    n1: Seg<'_>,
    body: &mut Body<'_>,
    extensions: &mut Vec<Extension>,
) -> Result<Party, AdapterError> {
    let code = n1.text(1).unwrap_or("");
    let prefix = format!("N1.{code}.");
    let mut party = Party {
        role: codes::party_role(code),
        role_code: n1.owned(1),
        ids: Vec::new(),
        name: n1.owned(2),
        address: None,
        contacts: Vec::new(),
    };
    let mut used = vec![1, 2];
    if let (Some(qualifier), Some(value)) = (n1.text(3), n1.text(4)) {
        party.ids.push(id(codes::party_scheme(qualifier), value));
        used.extend([3, 4]);
    }
    n1.leftovers(&used, &prefix, extensions);
    while let Some(seg) = body.next_if(&LOOP) {
        match seg.id() {
            "N2" => {
                let mut lines: Vec<&str> = party.name.iter().map(String::as_str).collect();
                lines.extend((1..=seg.segment.elements.len()).filter_map(|n| seg.text(n)));
                party.name = Some(lines.join("\n"));
            }
            "N3" => {
                let address = party.address.get_or_insert_with(empty_address);
                address
                    .street
                    .extend((1..=seg.segment.elements.len()).filter_map(|n| seg.owned(n)));
            }
            "N4" => {
                let address = party.address.get_or_insert_with(empty_address);
                address.city = seg.owned(1);
                address.region = seg.owned(2);
                address.postal_code = seg.owned(3);
                address.country = seg.owned(4);
                seg.leftovers(&[1, 2, 3, 4], &prefix, extensions);
            }
            "REF"
                if seg.only_uses(&[1, 2, 3])
                    && seg.text(1) == Some(FURTHER_ID)
                    && seg.text(3).is_some_and(codes::is_code) =>
            {
                if let (Some(value), Some(qualifier)) = (seg.text(2), seg.text(3)) {
                    party.ids.push(id(codes::party_scheme(qualifier), value));
                }
            }
            "REF" if seg.only_uses(&[1, 2]) && seg.text(1).is_some() && seg.text(2).is_some() => {
                party.ids.push(id(
                    party_ref_scheme(seg.text(1).unwrap_or("")),
                    seg.text(2).unwrap_or(""),
                ));
            }
            "PER" => {
                let index = party.contacts.len() + 1;
                party
                    .contacts
                    .push(contact(seg, &format!("{prefix}{index}."), extensions));
            }
            _ => extensions.push(seg.raw_extension(&prefix)),
        }
    }
    Ok(party)
}

fn empty_address() -> Address {
    Address {
        street: Vec::new(),
        city: None,
        region: None,
        postal_code: None,
        country: None,
    }
}

/// PER: role PER01, name PER02, the first telephone (TE) and e-mail (EM) of its
/// communication pairs; the other pairs are kept under `prefix`.
fn contact(seg: Seg<'_>, prefix: &str, extensions: &mut Vec<Extension>) -> Contact {
    let mut contact = Contact {
        role: seg.owned(1),
        name: seg.owned(2),
        phone: None,
        email: None,
    };
    let mut used = vec![1, 2];
    for n in [3, 5, 7] {
        let slot = match seg.text(n) {
            Some("TE") if contact.phone.is_none() => &mut contact.phone,
            Some("EM") if contact.email.is_none() => &mut contact.email,
            _ => continue,
        };
        if let Some(value) = seg.owned(n + 1) {
            *slot = Some(value);
            used.extend([n, n + 1]);
        }
    }
    seg.leftovers(&used, prefix, extensions);
    contact
}

/// The N101 code for `party`: its own when it is an X12 code meaning the same role.
pub fn role_code(party: &Party) -> String {
    codes::keep_or(
        party.role_code.as_deref(),
        party.role,
        codes::party_role,
        codes::party_code(party.role),
    )
}

/// Writes the N1 loop of `party`.
pub fn write(
    party: &Party,
    extensions: &[Extension],
    out: &mut Vec<Out>,
) -> Result<(), AdapterError> {
    let code = role_code(party);
    let prefix = format!("N1.{code}.");
    let mut lines = party.name.iter().flat_map(|n| n.split('\n'));
    let mut n1 = Out::new("N1")
        .with(1, code.clone())
        .with_opt(2, lines.next());
    let qualified = |i: &Identifier| {
        if party_ref_qualifier(&i.scheme).is_some() {
            return None;
        }
        codes::party_qualifier(&i.scheme)
    };
    let main = party.ids.iter().position(|i| qualified(i).is_some());
    if let Some(first) = main.and_then(|at| party.ids.get(at))
        && let Some(qualifier) = qualified(first)
    {
        n1.set(3, qualifier).set(4, first.value.clone());
    }
    let mut n1 = n1.restore(extensions, &prefix);
    // N1 syntax note R0203: a name or an identification code. An identifier in a scheme X12
    // has no N103 code for is written as ZZ (mutually defined) rather than not at all.
    if !n1.has(2) && !n1.has(3) {
        let Some(first) = party.ids.first() else {
            return Err(error::validation(format!(
                "the {code} party has neither a name nor an identifier, and N1 needs one of \
                 them (syntax note R0203)"
            )));
        };
        log::warn(&format!(
            "the {code} party's identifier {}:{} has no N103 code; it is written as ZZ",
            first.scheme, first.value
        ));
        n1.set(3, MUTUALLY_DEFINED).set(4, first.value.clone());
    }
    out.push(n1);
    let rest: Vec<&str> = lines.collect();
    for pair in rest.chunks(2) {
        let mut n2 = Out::new("N2");
        for (i, line) in pair.iter().enumerate() {
            n2.set(i + 1, *line);
        }
        out.push(n2);
    }
    if let Some(address) = &party.address {
        for pair in address.street.chunks(2) {
            let mut n3 = Out::new("N3");
            for (i, line) in pair.iter().enumerate() {
                n3.set(i + 1, line.clone());
            }
            out.push(n3);
        }
        let n4 = Out::new("N4")
            .with_opt(1, address.city.clone())
            .with_opt(2, address.region.clone())
            .with_opt(3, address.postal_code.clone())
            .with_opt(4, address.country.clone())
            .restore(extensions, &prefix);
        if (1..=6).any(|n| n4.has(n)) {
            out.push(n4);
        }
    }
    for (at, identifier) in party.ids.iter().enumerate() {
        if let Some(qualifier) = party_ref_qualifier(&identifier.scheme) {
            out.push(
                Out::new("REF")
                    .with(1, qualifier)
                    .with(2, identifier.value.clone()),
            );
        } else if main == Some(at) {
            // Written in N103/N104.
        } else if let Some(qualifier) = qualified(identifier) {
            out.push(
                Out::new("REF")
                    .with(1, FURTHER_ID)
                    .with(2, identifier.value.clone())
                    .with(3, qualifier),
            );
        } else {
            log::warn(&format!(
                "party {code}: identifier {}:{} has no X12 qualifier and is not written",
                identifier.scheme, identifier.value
            ));
        }
    }
    for (index, contact) in party.contacts.iter().enumerate() {
        let mut per = Out::new("PER")
            .with_opt(1, contact.role.clone())
            .with_opt(2, contact.name.clone())
            .restore(extensions, &format!("{prefix}{}.", index + 1));
        for (qualifier, value) in [("TE", &contact.phone), ("EM", &contact.email)] {
            if let Some(value) = value
                && let Some(n) = [3, 5, 7]
                    .into_iter()
                    .find(|&n| !per.has(n) && !per.has(n + 1))
            {
                per.set(n, qualifier).set(n + 1, value.clone());
            }
        }
        out.push(per);
    }
    out.extend(raw_segments(extensions, &prefix));
    Ok(())
}
