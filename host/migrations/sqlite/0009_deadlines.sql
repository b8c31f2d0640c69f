-- Functional acknowledgments reconciled, and deadlines as rows.
--
-- What an outbound X12/EDIFACT delivery carried, as its adapter wrote it (ISA13/GS06/ST02,
-- UNB 0020/UNH 0062), so a returning 997 or CONTRL is matched to the interchange and group we
-- sent. Controls are kept without leading zeros (a partner may pad AK102 or not). The
-- acknowledgment that answered it, once one did.
ALTER TABLE outbox ADD COLUMN standard TEXT;
ALTER TABLE outbox ADD COLUMN interchange_control TEXT;
ALTER TABLE outbox ADD COLUMN group_control TEXT;
ALTER TABLE outbox ADD COLUMN message_control TEXT;
ALTER TABLE outbox ADD COLUMN message_type TEXT;
ALTER TABLE outbox ADD COLUMN ack_status TEXT;
ALTER TABLE outbox ADD COLUMN ack_message_id TEXT;
CREATE INDEX outbox_sent_group ON outbox (partner, standard, group_control);
CREATE INDEX outbox_sent_interchange ON outbox (partner, standard, interchange_control);

-- What a partner owes us after a delivery, and by when: a functional acknowledgment of an
-- X12/EDIFACT interchange (`functional_ack`), an order response to a purchase order
-- (`order_response`). open → met (it came) | missed (the sweep found it overdue, raised an
-- `overdue` exception and queued the owning team's notification, once: a sweep leases due
-- rows like outbox entries, and completes them fenced by its lease token).
CREATE TABLE deadlines (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    state             TEXT NOT NULL,
    agreement         TEXT NOT NULL,
    partner           TEXT NOT NULL,
    -- The delivery that set it, and the message and document it carried.
    outbox_id         TEXT NOT NULL,
    message_id        TEXT NOT NULL,
    document_id       TEXT,
    doc_type          TEXT NOT NULL,
    order_buyer       TEXT,
    po_number         TEXT,
    control_number    TEXT,
    due_at            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    closed_at         INTEGER,
    -- The message that met it (the acknowledgment or the order response).
    closed_by_message TEXT,
    lease_token       TEXT,
    lease_until       INTEGER
);
CREATE UNIQUE INDEX deadlines_once ON deadlines (outbox_id, kind);
CREATE INDEX deadlines_due ON deadlines (state, due_at);
CREATE INDEX deadlines_order ON deadlines (po_number, order_buyer, kind, state);
