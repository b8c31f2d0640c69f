//! An adapter that misbehaves on purpose, so tests can show the sandbox contains it.
//!
//! `decode` reads the first word of its input:
//! - `spin`: loops forever (the time limit must stop it);
//! - `hoard`: allocates without bound (the memory limit must stop it);
//! - `panic`: panics (the trap must be reported with the panic message);
//! - `flood`: returns far more output than any limit allows;
//! - anything else: a well-behaved purchase order whose number is the input text.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, DocType, Document, FunctionalAck, OrderLine, PurchaseOrder, Quantity,
};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::{Adapter, envelope, error, export_adapter};

pub struct Hostile;

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
            "panic" => panic!("hostile adapter panics on purpose"),
            "flood" => vec![order("FLOOD", 10_000)],
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
