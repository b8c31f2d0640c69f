//! Matching a functional acknowledgment to what was sent, without a store: the deliveries
//! read go in, the delivery answered and the verdict come out.

use super::{answered, lookup};
use crate::model::{
    AckError, AckStatus, CanonicalDocument, Document, Envelope, FunctionalAck, MessageAck, OrderKey,
};
use crate::store::deadlines::{SentControls, SentInterchange};

fn sent(outbox_id: &str, group: &str, set: &str) -> SentInterchange {
    SentInterchange {
        outbox_id: outbox_id.into(),
        message_id: "m-850".into(),
        document_id: Some("d-850".into()),
        doc_type: "purchase_order".into(),
        agreement: "supplier-orders".into(),
        partner: "portal".into(),
        order: Some(OrderKey {
            buyer: "erp".into(),
            po_number: "4500012345".into(),
        }),
        controls: SentControls {
            standard: "x12".into(),
            interchange_control: Some(group.into()),
            group_control: Some(group.into()),
            message_control: Some(set.into()),
            message_type: Some("850".into()),
        },
        acknowledged: None,
        order_status: Some("sent".into()),
        created_at: 0,
    }
}

fn message(control: &str, status: AckStatus) -> MessageAck {
    MessageAck {
        message_control: control.into(),
        message_type: Some("850".into()),
        status,
        errors: vec![AckError {
            segment_id: Some("PO1".into()),
            segment_position: Some(4),
            element_position: None,
            code: Some("8".into()),
            description: "Segment has data element errors".into(),
        }],
    }
}

fn ack(group: Option<&str>, status: AckStatus, messages: Vec<MessageAck>) -> FunctionalAck {
    FunctionalAck {
        interchange_control: None,
        group_control: group.map(str::to_owned),
        group_type: Some("PO".into()),
        status,
        messages,
        extensions: Vec::new(),
    }
}

#[test]
fn a_997_is_looked_up_by_its_group_without_padding_and_a_contrl_by_its_interchange() {
    let document = |ack: FunctionalAck, standard: &str| CanonicalDocument {
        envelope: Envelope {
            standard: standard.into(),
            version: String::new(),
            sender: Vec::new(),
            receiver: Vec::new(),
            interchange_control: None,
            group_control: None,
            message_control: None,
            message_type: None,
            test: false,
            created: None,
            raw_digest: None,
            adapter: None,
            extensions: Vec::new(),
        },
        body: Document::FunctionalAck(ack),
    };
    let x12 = document(ack(Some("000000042"), AckStatus::Accepted, vec![]), "x12");
    assert_eq!(lookup(&x12), Some(("x12".into(), None, Some("42".into()))));
    let mut contrl = ack(None, AckStatus::Rejected, vec![]);
    contrl.interchange_control = Some("7".into());
    assert_eq!(
        lookup(&document(contrl, "EDIFACT")),
        Some(("edifact".into(), Some("7".into()), None))
    );
}

#[test]
fn the_set_named_picks_the_delivery_and_its_rejection_rejects_it() {
    let candidates = [sent("newer", "42", "43"), sent("ours", "42", "42")];
    let partial = ack(
        Some("42"),
        AckStatus::PartiallyAccepted,
        vec![message("0042", AckStatus::Rejected)],
    );
    let (delivery, rejected) = answered(&partial, &candidates).unwrap();
    assert_eq!(delivery.outbox_id, "ours");
    assert!(rejected, "AK5 R for our set rejects it");

    let accepted = ack(
        Some("42"),
        AckStatus::Accepted,
        vec![message("0042", AckStatus::AcceptedWithErrors)],
    );
    let (delivery, rejected) = answered(&accepted, &candidates).unwrap();
    assert_eq!(delivery.outbox_id, "ours");
    assert!(!rejected, "accepted with errors is accepted");
}

#[test]
fn a_group_rejection_rejects_and_an_ack_naming_no_set_of_ours_matches_nothing() {
    let candidates = [sent("ours", "42", "42")];
    let whole = ack(Some("42"), AckStatus::Rejected, vec![]);
    let (delivery, rejected) = answered(&whole, &candidates).unwrap();
    assert_eq!(delivery.outbox_id, "ours");
    assert!(rejected, "AK9 R rejects the group");

    let other_set = ack(
        Some("42"),
        AckStatus::Accepted,
        vec![message("0099", AckStatus::Accepted)],
    );
    assert!(answered(&other_set, &candidates).is_none());
    assert!(
        answered(&whole, &[]).is_none(),
        "nothing sent, nothing answered"
    );
}
