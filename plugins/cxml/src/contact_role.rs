//! cXML `Contact@role` values against the canonical [`PartyRole`], both ways.

use wharf_guest_sdk::canonical::{Party, PartyRole};

/// cXML Contact roles and the party role each stands for; the first of a role is the one an
/// encoder writes when the party's own `role_code` is not a cXML role.
const CONTACT_ROLES: &[(&str, PartyRole)] = &[
    ("buyer", PartyRole::Buyer),
    ("buyerCorporate", PartyRole::Buyer),
    ("buyerAccount", PartyRole::Buyer),
    ("buyerMasterAccount", PartyRole::Buyer),
    ("purchasingAgent", PartyRole::Buyer),
    ("supplierCorporate", PartyRole::Supplier),
    ("supplierAccount", PartyRole::Supplier),
    ("supplierMasterAccount", PartyRole::Supplier),
    ("shipFrom", PartyRole::ShipFrom),
    ("soldTo", PartyRole::SoldTo),
    ("remitTo", PartyRole::RemitTo),
    ("carrierCorporate", PartyRole::Carrier),
    ("manufacturer", PartyRole::Manufacturer),
    ("shipTo", PartyRole::ShipTo),
    ("billTo", PartyRole::BillTo),
];

/// The party role a cXML Contact role stands for; roles outside the table are `Other`.
pub fn contact_role(role: &str) -> PartyRole {
    CONTACT_ROLES
        .iter()
        .find(|(name, _)| *name == role)
        .map_or(PartyRole::Other, |(_, party)| *party)
}

/// The Contact role to write for `party`: its own `role_code` when that is a cXML role meaning
/// the same, else the table's first role for it.
pub fn contact_role_code(party: &Party) -> String {
    if let Some(code) = &party.role_code
        && (contact_role(code) == party.role || party.role == PartyRole::Other)
    {
        return code.clone();
    }
    CONTACT_ROLES
        .iter()
        .find(|(_, role)| *role == party.role)
        .map_or("other", |(name, _)| name)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_roles_map_both_ways() {
        assert_eq!(contact_role("purchasingAgent"), PartyRole::Buyer);
        assert_eq!(contact_role("supplierMasterAccount"), PartyRole::Supplier);
        assert_eq!(contact_role("endUser"), PartyRole::Other);
        let mut party = Party {
            role: PartyRole::Supplier,
            role_code: Some("LF".into()),
            ids: vec![],
            name: None,
            address: None,
            contacts: vec![],
        };
        assert_eq!(contact_role_code(&party), "supplierCorporate");
        party.role_code = Some("supplierAccount".into());
        assert_eq!(contact_role_code(&party), "supplierAccount");
        party.role = PartyRole::Other;
        party.role_code = Some("endUser".into());
        assert_eq!(contact_role_code(&party), "endUser");
    }
}
