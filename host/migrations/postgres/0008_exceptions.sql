-- Exceptions someone owns: typed, owned by a team, open → acknowledged → resolved, naming the
-- message (and, for a duplicate, the first message), the document and the order involved.
-- Raised in the same transaction as the processing decision that causes them.

CREATE TABLE exceptions (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    owner              TEXT NOT NULL,
    partner            TEXT NOT NULL,
    agreement          TEXT,
    message_id         TEXT NOT NULL,
    -- The message this one relates to: for a duplicate, the first with the same business key.
    related_message_id TEXT,
    -- For a failed delivery: the dead letter a retry replays.
    outbox_id          TEXT,
    doc_type           TEXT,
    business_key       TEXT,
    order_buyer        TEXT,
    po_number          TEXT,
    -- JSON array of the line numbers involved.
    lines              TEXT NOT NULL,
    explanation        TEXT NOT NULL,
    -- The last action taken and why (`acknowledge`, `resolve`, `override`, ...).
    last_action        TEXT,
    reason             TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX exceptions_listing ON exceptions (state, kind, owner, created_at);
CREATE INDEX exceptions_message ON exceptions (message_id);

-- The business documents processed, by what identifies them to their sender (an invoice by its
-- number, a ship notice by its shipment id, an order response by its PO and response number):
-- one row per (sender, type, key), so the same document under new control numbers is found
-- by one indexed lookup and two arriving at once cannot both be taken as the first.
CREATE TABLE business_documents (
    partner      TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    business_key TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (partner, doc_type, business_key)
);
