//! Where each HL of an 856 goes in the canonical tree, whatever hierarchy the partner used.
//!
//! The canonical ship notice is shipment → order → pack → item. Partners send that (BSN05
//! 0001, S-O-P-I, tares as packs holding packs), but also S-O-I (0004), packs under items
//! (0002, S-O-I-P), items straight under the shipment with their order in an item-level PRF
//! (S-I, pick and pack), and tare → pack → item with no order level at all (S-T-P-I). [`plan`]
//! reads the HL headers (and each level's PRF) before anything is mapped and decides:
//!
//! - the order of a level is its nearest O ancestor; else the PRF of its own level; else the
//!   PRF of its nearest level above that has one (a single-order notice with PRF at the
//!   shipment level); else the order of its first descendant that has one (a tare or pack
//!   above items with a PRF);
//! - a level that is neither S, O nor I is a pack of that order, nested in its nearest pack
//!   ancestor of the same order;
//! - an item sits in its nearest pack ancestor; an item with packs under it (S-O-I-P) sits in
//!   the first of them. When it has several and each states its own SN1, the item is spread
//!   over them ([`Plan::spread`]): one item per pack with that pack's quantity, the first
//!   keeping the item's HL01, the others `<HL01>.<n>`. When they do not, the item stays in the
//!   first pack whole and the other packs keep their segments as extensions.

use std::collections::HashMap;

use wharf_guest_sdk::contract::AdapterError;

use crate::reader::Seg;

/// One HL as read before mapping.
struct Level<'a> {
    hl: Seg<'a>,
    id: String,
    parent: Option<usize>,
    code: String,
    /// PRF01 of the level's own PRF.
    prf: Option<String>,
}

/// What an order is known by while planning: the HL01 of its O level, or a PRF01.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrderKey {
    Level(String),
    Prf(String),
}

/// Where one HL goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Shipment,
    Order(usize),
    /// Order index, and the HL01 of the pack it nests in.
    Pack(usize, Option<String>),
    /// Order index, and the HL01 of the pack it sits in.
    Item(usize, Option<String>),
}

/// The plan: orders in the order first met (with the PO number a PRF-keyed order carries),
/// packs in file order per order, and each HL's placement.
pub struct Plan {
    pub orders: Vec<OrderKey>,
    /// (order index, pack HL01, parent pack HL01, level code).
    pub packs: Vec<(usize, String, Option<String>, String)>,
    pub placements: HashMap<String, Placement>,
    /// Items with several packs under them (S-O-I-P): item HL01, and the packs' HL01s.
    pub spread: Vec<(String, Vec<String>)>,
}

/// Plans the tree from the body segments `segs` (BSN excluded).
pub fn plan(segs: &[Seg<'_>]) -> Result<Plan, AdapterError> {
    let mut levels: Vec<Level> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for seg in segs {
        match seg.id() {
            "HL" => {
                let id = seg.require(1, "HL01, the hierarchical id,")?.to_owned();
                if index.contains_key(&id) {
                    return Err(seg.invalid(1, format!("HL01 {id:?} is used twice")));
                }
                let code = seg.require(3, "HL03, the level code,")?.to_owned();
                let parent = match seg.text(2) {
                    Some(parent) => Some(*index.get(parent).ok_or_else(|| {
                        seg.invalid(
                            2,
                            format!("HL02 names parent {parent:?}, which no HL before it has"),
                        )
                    })?),
                    None => None,
                };
                index.insert(id.clone(), levels.len());
                levels.push(Level {
                    hl: *seg,
                    id,
                    parent,
                    code,
                    prf: None,
                });
            }
            "PRF" => {
                if let Some(level) = levels.last_mut().filter(|l| l.prf.is_none()) {
                    level.prf = seg.owned(1);
                }
            }
            _ => {}
        }
    }
    let ancestors = |at: usize| ancestors(&levels, at);
    // The order of each level, by the rules in the module doc.
    let mut keys: Vec<Option<OrderKey>> = levels
        .iter()
        .enumerate()
        .map(|(i, level)| match level.code.as_str() {
            "S" => None,
            "O" => Some(OrderKey::Level(level.id.clone())),
            _ => {
                let above = ancestors(i);
                above
                    .iter()
                    .find(|&&a| levels[a].code == "O")
                    .map(|&a| OrderKey::Level(levels[a].id.clone()))
                    .or_else(|| level.prf.clone().map(OrderKey::Prf))
                    .or_else(|| {
                        above
                            .iter()
                            .find_map(|&a| levels[a].prf.clone())
                            .map(OrderKey::Prf)
                    })
            }
        })
        .collect();
    for i in (0..levels.len()).rev() {
        if keys[i].is_none() && levels[i].code != "S" {
            let below = (i + 1..levels.len())
                .find(|&d| keys[d].is_some() && ancestors(d).into_iter().any(|a| a == i));
            keys[i] = below.and_then(|d| keys[d].clone());
        }
    }
    let mut plan = Plan {
        orders: Vec::new(),
        packs: Vec::new(),
        placements: HashMap::new(),
        spread: Vec::new(),
    };
    let order_of = |key: &OrderKey, plan_orders: &mut Vec<OrderKey>| {
        plan_orders
            .iter()
            .position(|k| k == key)
            .unwrap_or_else(|| {
                plan_orders.push(key.clone());
                plan_orders.len() - 1
            })
    };
    for (i, level) in levels.iter().enumerate() {
        let placement = match (level.code.as_str(), &keys[i]) {
            ("S", _) => Placement::Shipment,
            (_, None) => {
                return Err(level.hl.invalid(
                    0,
                    format!(
                        "HL {} (level {}) belongs to no order: no O level above it and no PRF \
                         on it or below it",
                        level.id, level.code
                    ),
                ));
            }
            ("O", Some(key)) => Placement::Order(order_of(key, &mut plan.orders)),
            ("I", Some(key)) => {
                let o = order_of(key, &mut plan.orders);
                let in_pack = ancestors(i)
                    .into_iter()
                    .find(|&a| !matches!(levels[a].code.as_str(), "S" | "O" | "I"))
                    .filter(|&a| keys[a].as_ref() == Some(key));
                let under: Vec<String> = (i + 1..levels.len())
                    .filter(|&d| {
                        levels[d].parent == Some(i)
                            && !matches!(levels[d].code.as_str(), "S" | "O" | "I")
                    })
                    .map(|d| levels[d].id.clone())
                    .collect();
                if in_pack.is_none() && under.len() > 1 {
                    plan.spread.push((level.id.clone(), under.clone()));
                }
                let pack = in_pack.map(|p| levels[p].id.clone());
                Placement::Item(o, pack.or_else(|| under.into_iter().next()))
            }
            (code, Some(key)) => {
                let o = order_of(key, &mut plan.orders);
                let parent = ancestors(i)
                    .into_iter()
                    .find(|&a| !matches!(levels[a].code.as_str(), "S" | "O" | "I"))
                    .filter(|&a| keys[a].as_ref() == Some(key))
                    .map(|a| levels[a].id.clone());
                plan.packs
                    .push((o, level.id.clone(), parent.clone(), code.to_owned()));
                Placement::Pack(o, parent)
            }
        };
        plan.placements.insert(level.id.clone(), placement);
    }
    Ok(plan)
}

/// The indexes of the levels above `at`, nearest first.
fn ancestors(levels: &[Level<'_>], mut at: usize) -> Vec<usize> {
    let mut above = Vec::new();
    while let Some(parent) = levels.get(at).and_then(|l| l.parent) {
        above.push(parent);
        at = parent;
    }
    above
}
