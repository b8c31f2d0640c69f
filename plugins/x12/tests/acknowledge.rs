//! `acknowledge` renders a 997 for a group the host received, with the agreement's ids and
//! the host's control number, and a 997 read back gives the same functional ack.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{AckError, AckStatus, Document, FunctionalAck, MessageAck};
use wharf_guest_sdk::contract::{ErrorKind, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_x12::X12Adapter;

const AGREEMENT: [(&str, &str); 5] = [
    ("sender_qualifier", "ZZ"),
    ("sender_id", "KESSLERUS"),
    ("receiver_qualifier", "01"),
    ("receiver_id", "987654321"),
    ("line_break", "true"),
];

fn rejected_order() -> FunctionalAck {
    FunctionalAck {
        interchange_control: Some("000004418".to_owned()),
        group_control: Some("4418".to_owned()),
        group_type: Some("PO".to_owned()),
        status: AckStatus::PartiallyAccepted,
        messages: vec![
            MessageAck {
                message_control: "0001".to_owned(),
                message_type: Some("850".to_owned()),
                status: AckStatus::Accepted,
                errors: Vec::new(),
            },
            MessageAck {
                message_control: "0003".to_owned(),
                message_type: Some("850".to_owned()),
                status: AckStatus::Rejected,
                errors: vec![
                    AckError {
                        segment_id: Some("PO1".to_owned()),
                        segment_position: Some(14),
                        element_position: Some(4),
                        code: Some("6".to_owned()),
                        description: "Invalid character in data element".to_owned(),
                    },
                    AckError {
                        segment_id: None,
                        segment_position: None,
                        element_position: None,
                        code: Some("5".to_owned()),
                        description: "One or more segments in error".to_owned(),
                    },
                ],
            },
        ],
        extensions: Vec::new(),
    }
}

#[test]
fn a_997_with_the_agreement_ids_and_the_host_control_number() {
    let mut context = encode_context();
    context.control_number = "52".to_owned();
    let encoded = with_config(&AGREEMENT, || {
        X12Adapter::acknowledge(rejected_order(), context)
    })
    .unwrap_or_else(|e| panic!("{}", render(&e)))
    .expect("X12 acknowledges");
    let text = String::from_utf8(encoded.bytes.clone()).expect("ASCII");
    assert_eq!(
        text,
        "ISA*00*          *00*          *ZZ*KESSLERUS      *01*987654321      *260102*0304*U*00401*000000052*0*P*>~\n\
         GS*FA*KESSLERUS*987654321*20260102*0304*52*X*004010~\n\
         ST*997*0052~\n\
         AK1*PO*4418~\n\
         AK2*850*0001~\n\
         AK5*A~\n\
         AK2*850*0003~\n\
         AK3*PO1*14**8~\n\
         AK4*4**6~\n\
         AK5*R*5~\n\
         AK9*P*2*2*1~\n\
         SE*10*0052~\n\
         GE*1*52~\n\
         IEA*1*000000052~\n"
    );
    assert_eq!(
        encoded.envelope.interchange_control.as_deref(),
        Some("000000052")
    );
    assert_eq!(encoded.envelope.message_type.as_deref(), Some("997"));

    let decoded = X12Adapter::decode(Inbound {
        bytes: encoded.bytes,
        content_type: None,
        context: call_context(),
    })
    .unwrap_or_else(|e| panic!("{}", render(&e)));
    let Document::FunctionalAck(read) = &decoded.documents[0].body else {
        panic!("a 997")
    };
    let mut expected = rejected_order();
    // The 997 does not carry the acknowledged interchange's ISA13; the host matches on GS06.
    expected.interchange_control = None;
    assert_eq!(*read, expected);
}

#[test]
fn acknowledging_without_the_agreement_ids_names_the_missing_key() {
    let err = with_config(&[], || {
        X12Adapter::acknowledge(rejected_order(), encode_context())
    })
    .expect_err("no ids");
    assert_eq!(err.kind, ErrorKind::Configuration);
    assert!(
        err.message.contains("`sender_qualifier`"),
        "{}",
        err.message
    );
    let err = with_config(&[("sender_qualifier", "ZZ")], || {
        X12Adapter::acknowledge(rejected_order(), encode_context())
    })
    .expect_err("no id");
    assert!(err.message.contains("`sender_id`"), "{}", err.message);
}

#[test]
fn bad_settings_and_control_numbers_are_refused() {
    for (key, value, says) in [
        ("element_separator", "**", "`element_separator`"),
        ("segment_terminator", "*", "configured twice"),
        ("usage", "X", "`usage`"),
        ("version", "4010", "`version`"),
        ("sender_id", "A-SENDER-ID-LONGER-THAN-15", "`sender_id`"),
    ] {
        let mut settings = AGREEMENT.to_vec();
        settings.retain(|(k, _)| *k != key);
        settings.push((key, value));
        let err = with_config(&settings, || {
            X12Adapter::acknowledge(rejected_order(), encode_context())
        })
        .expect_err(key);
        assert_eq!(err.kind, ErrorKind::Configuration, "{key}");
        assert!(err.message.contains(says), "{key}: {}", err.message);
    }
    let mut context = encode_context();
    context.control_number = "1234567890".to_owned();
    let err = with_config(&AGREEMENT, || {
        X12Adapter::acknowledge(rejected_order(), context)
    })
    .expect_err("ten digits");
    assert!(err.message.contains("ISA13"), "{}", err.message);
    let err = with_config(&[("strictness", "loose")], || {
        X12Adapter::decode(Inbound {
            bytes: Vec::new(),
            content_type: None,
            context: call_context(),
        })
    })
    .expect_err("bad strictness");
    assert_eq!(err.kind, ErrorKind::Configuration);
}

#[test]
fn the_descriptor_lists_every_config_key() {
    let descriptor = X12Adapter::describe();
    assert_eq!(descriptor.id, "x12");
    assert!(descriptor.acknowledges);
    let keys: Vec<&str> = descriptor
        .config_keys
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    for key in [
        "sender_qualifier",
        "sender_id",
        "receiver_qualifier",
        "receiver_id",
        "version",
        "element_separator",
        "component_separator",
        "segment_terminator",
        "repetition_separator",
        "usage",
        "strictness",
        "application_sender",
        "application_receiver",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
}
