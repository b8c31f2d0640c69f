//! Pack ids between the canonical ship notice and CPS 7164.
//!
//! CPS 7164 (an..12) numbers a pack within one message; it is not the pack's identity, which
//! for a pack with an SSCC (GIN+BJ) is that SSCC, as every other format names it. Read, a
//! pack with an SSCC is renamed to it ([`name_packs_by_sscc`]); written, a pack keeps its id
//! as 7164 when that is a valid, unused 7164, else takes the lowest free number
//! ([`cps_numbers`]).

use std::collections::HashMap;

use wharf_guest_sdk::canonical::{Extension, Pack, ShippedOrder};

/// The longest CPS 7164, hierarchical id number (an..12).
const CPS_ID_LENGTH: usize = 12;

/// Renames every pack with an SSCC mark to its first SSCC, with its children's `parent_pack`
/// and its `edifact.CPS[<id>]` extensions. A pack several orders share is renamed in each.
pub fn name_packs_by_sscc(orders: &mut [ShippedOrder], extensions: &mut [Extension]) {
    let mut renamed: HashMap<String, String> = HashMap::new();
    for pack in orders.iter().flat_map(|o| o.packs.iter()) {
        let Some(sscc) = pack.marks.iter().find(|m| m.scheme == "sscc") else {
            continue;
        };
        let taken = renamed
            .iter()
            .any(|(old, new)| *new == sscc.value && *old != pack.pack_id);
        if !taken {
            renamed.insert(pack.pack_id.clone(), sscc.value.clone());
        }
    }
    for pack in orders.iter_mut().flat_map(|o| o.packs.iter_mut()) {
        if let Some(new) = renamed.get(&pack.pack_id) {
            pack.pack_id = new.clone();
        }
        if let Some(new) = pack.parent_pack.as_ref().and_then(|p| renamed.get(p)) {
            pack.parent_pack = Some(new.clone());
        }
    }
    for extension in extensions {
        let id = extension
            .key
            .strip_prefix("edifact.CPS[")
            .and_then(|rest| rest.split_once(']'));
        if let Some((id, rest)) = id
            && let Some(new) = renamed.get(id)
        {
            extension.key = format!("edifact.CPS[{new}]{rest}");
        }
    }
}

fn valid_cps_id(id: &str) -> bool {
    !id.is_empty() && id.chars().count() <= CPS_ID_LENGTH
}

/// The CPS 7164 of each pack (by pack id) and, when there are unpacked items (`unpacked`:
/// the number their CPS kept, if any), of their CPS; none used twice.
pub fn cps_numbers(
    packs: &[Pack],
    unpacked: Option<Option<String>>,
) -> (HashMap<String, String>, Option<String>) {
    let mut numbers: HashMap<String, String> = HashMap::new();
    let mut used: Vec<String> = Vec::new();
    for pack in packs {
        if valid_cps_id(&pack.pack_id) && !used.contains(&pack.pack_id) {
            used.push(pack.pack_id.clone());
            numbers.insert(pack.pack_id.clone(), pack.pack_id.clone());
        }
    }
    let fresh = |used: &mut Vec<String>| {
        let id = (1..)
            .map(|n: u32| n.to_string())
            .find(|n| !used.contains(n))
            .unwrap_or_default();
        used.push(id.clone());
        id
    };
    let unpacked =
        unpacked.map(
            |kept| match kept.filter(|id| valid_cps_id(id) && !used.contains(id)) {
                Some(id) => {
                    used.push(id.clone());
                    id
                }
                None => fresh(&mut used),
            },
        );
    for pack in packs {
        if !numbers.contains_key(&pack.pack_id) {
            let id = fresh(&mut used);
            numbers.insert(pack.pack_id.clone(), id);
        }
    }
    (numbers, unpacked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::id;

    fn pack(pack_id: &str, parent: Option<&str>, sscc: Option<&str>) -> Pack {
        Pack {
            pack_id: pack_id.to_owned(),
            parent_pack: parent.map(str::to_owned),
            marks: sscc.map(|s| id("sscc", s)).into_iter().collect(),
            packaging: None,
            weight: None,
            items: Vec::new(),
        }
    }

    #[test]
    fn an_sscc_names_its_pack_and_an_sscc_is_no_cps_number() {
        let pallet = "340987650000000017";
        let mut orders = vec![ShippedOrder {
            po_number: "PO-1".into(),
            references: Vec::new(),
            dates: Vec::new(),
            packs: vec![pack("1", None, Some(pallet)), pack("2", Some("1"), None)],
            items: Vec::new(),
        }];
        let mut extensions = vec![wharf_guest_sdk::text_extension(
            "edifact.CPS[1].PAC.C531",
            "x",
        )];
        name_packs_by_sscc(&mut orders, &mut extensions);
        assert_eq!(orders[0].packs[0].pack_id, pallet);
        assert_eq!(orders[0].packs[1].pack_id, "2");
        assert_eq!(orders[0].packs[1].parent_pack.as_deref(), Some(pallet));
        assert_eq!(extensions[0].key, format!("edifact.CPS[{pallet}].PAC.C531"));

        // Written, the 18-digit SSCC (longer than 7164's 12) gets a number "2" does not use;
        // the unpacked items' CPS keeps the number it came with when that is free.
        let (numbers, unpacked) = cps_numbers(&orders[0].packs, Some(Some("1".into())));
        assert_eq!(unpacked.as_deref(), Some("1"));
        assert_eq!(numbers["2"], "2");
        assert_eq!(numbers[pallet], "3");
        // Without unpacked items no number is set aside for them.
        let (numbers, unpacked) = cps_numbers(&orders[0].packs, None);
        assert_eq!(unpacked, None);
        assert_eq!(numbers[pallet], "1");
    }
}
