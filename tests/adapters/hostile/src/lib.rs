//! An adapter that misbehaves on purpose, so tests can show the sandbox contains it.
//!
//! `decode` reads the first word of its input:
//! - `spin`: loops forever (the time limit must stop it);
//! - `sleep`: sleeps 30 s in WASI (the wall-clock deadline must stop it, not only epochs);
//! - `hoard`: allocates without bound (the memory limit must stop it);
//! - `recurse`: recurses without bound (the engine's stack limit must stop it);
//! - `deep-frames`: recurses with large frames until its own stack, in its linear memory,
//!   overflows (a trap, reported as one);
//! - `panic`: panics (the trap must be reported with the panic message);
//! - `flood`: returns far more output than any limit allows;
//! - `chatter`: calls `log` without end (the host call limit must stop it);
//! - `lookups`: calls `xref` without end (the host call limit must stop it);
//! - `bigkey`: asks `config` for a 1 MiB key (the host argument limit must stop it);
//! - `file`: tries to read a host file (WASI grants no directory: the open fails);
//! - `ambient`: reports what environment variables and arguments it sees (none);
//! - anything else: a well-behaved purchase order whose number is the input text.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, DocType, Document, FunctionalAck, OrderLine, PurchaseOrder, Quantity,
};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::{Adapter, config, envelope, error, export_adapter, log, xref};

pub struct Hostile;

/// Recurses until something stops it. Nothing of a frame lives in linear memory, so the
/// engine's stack limit, not the adapter's own stack, is what runs out; the subtraction after
/// the call keeps the compiler from turning it into a loop.
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return depth;
    }
    depth.wrapping_sub(recurse(depth + 1))
}

/// Recurses with large frames on the adapter's own stack (in its linear memory), which runs
/// out first.
fn recurse_in_memory(depth: u64) -> u64 {
    if depth == u64::MAX {
        return depth;
    }
    let frame = std::hint::black_box([depth; 64]);
    frame[0] + recurse_in_memory(depth + 1)
}

fn order(number: &str, lines: usize) -> CanonicalDocument {
    let line = |i: usize| OrderLine {
        line_number: i.to_string(),
        parent_line: None,
        item_ids: Vec::new(),
        description: Some("x".repeat(64)),
        quantity: Quantity {
            value: "1".into(),
            unit: "EA".into(),
        },
        price: None,
        schedule: Vec::new(),
        dates: Vec::new(),
        references: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    CanonicalDocument {
        envelope: envelope("hostile", "1"),
        body: Document::PurchaseOrder(PurchaseOrder {
            po_number: number.to_owned(),
            order_type: None,
            currency: None,
            dates: Vec::new(),
            parties: Vec::new(),
            references: Vec::new(),
            payment_terms: None,
            notes: Vec::new(),
            lines: (1..=lines).map(line).collect(),
            total: None,
            extensions: Vec::new(),
        }),
    }
}

impl Adapter for Hostile {
    fn describe() -> Descriptor {
        wharf_guest_sdk::descriptor(
            "hostile",
            "0.1.0",
            &["nothing real"],
            &[DocType::PurchaseOrder],
            &[],
        )
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let text = String::from_utf8_lossy(&input.bytes).trim().to_owned();
        let documents = match text.split_whitespace().next().unwrap_or("") {
            "spin" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "hoard" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_secs(30));
                vec![order("SLEPT", 1)]
            }
            "recurse" => vec![order(
                &format!("DEPTH-{}", recurse(std::hint::black_box(0))),
                1,
            )],
            "deep-frames" => vec![order(&format!("DEPTH-{}", recurse_in_memory(0)), 1)],
            "panic" => panic!("hostile adapter panics on purpose"),
            "flood" => vec![order("FLOOD", 10_000)],
            "chatter" => loop {
                log::info(&"chatter ".repeat(128));
            },
            "lookups" => {
                let mut n: u64 = 0;
                loop {
                    n += 1;
                    std::hint::black_box(xref::lookup("parts", &n.to_string()));
                }
            }
            "bigkey" => {
                let found = config::get(&"k".repeat(1 << 20));
                vec![order(&format!("BIGKEY-{}", found.is_some()), 1)]
            }
            "file" => match std::fs::read("/etc/passwd") {
                Ok(bytes) => vec![order(&format!("READ-{}", bytes.len()), 1)],
                Err(e) => return Err(error::validation(format!("cannot read a host file: {e}"))),
            },
            "ambient" => vec![order(
                &format!(
                    "AMBIENT-{}-{}",
                    std::env::vars().count(),
                    std::env::args().count()
                ),
                1,
            )],
            "" => return Err(error::validation("empty input").at_text(1, 1)),
            _ => vec![order(&text, 1)],
        };
        Ok(Decoded {
            documents,
            warnings: Vec::new(),
            rejected: Vec::new(),
        })
    }

    fn encode(_: CanonicalDocument, _: EncodeContext) -> Result<Encoded, AdapterError> {
        Err(error::unsupported("the hostile adapter encodes nothing"))
    }

    fn acknowledge(_: FunctionalAck, _: EncodeContext) -> Result<Option<Encoded>, AdapterError> {
        Ok(None)
    }
}

export_adapter!(Hostile);
