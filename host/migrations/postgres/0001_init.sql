-- Wharf's schema on PostgreSQL, statement for statement the SQLite folder's 0001_init.sql
-- (one file here per file there, so the two histories stay comparable). Types follow what the
-- store decodes over sqlx's Any driver: every integer is BIGINT (i64; flags are 0/1, not
-- BOOLEAN), blobs are BYTEA, JSON is TEXT. Times are milliseconds since the Unix epoch (UTC).

-- Every inbound message, stored raw before anything else happens to it.
CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    partner          TEXT NOT NULL,
    agreement        TEXT NOT NULL,
    received_at      BIGINT NOT NULL,
    digest           TEXT NOT NULL,
    idempotency_key  TEXT,
    content_type     TEXT,
    raw              BYTEA NOT NULL,
    size_bytes       BIGINT NOT NULL,
    -- received → processing → processed | failed
    status           TEXT NOT NULL,
    error            TEXT,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_idempotency ON messages (partner, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX messages_digest ON messages (partner, digest);
CREATE INDEX messages_status ON messages (status, received_at);

-- Canonical documents decoded from messages (or received by the engine).
CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    message_id    TEXT NOT NULL REFERENCES messages (id),
    position      BIGINT NOT NULL,
    doc_type      TEXT NOT NULL,
    business_key  TEXT,
    partner       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX documents_message ON documents (message_id);
CREATE INDEX documents_key ON documents (doc_type, business_key);

-- The lifecycle state of each purchase order.
CREATE TABLE orders (
    po_number   TEXT PRIMARY KEY,
    buyer       TEXT NOT NULL,
    status      TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Which partners may see an order.
CREATE TABLE order_parties (
    po_number TEXT NOT NULL REFERENCES orders (po_number),
    partner   TEXT NOT NULL,
    PRIMARY KEY (po_number, partner)
);

-- An order's history, one row per thing that happened to it.
CREATE TABLE order_events (
    id          BIGSERIAL PRIMARY KEY,
    po_number   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    event       TEXT NOT NULL,
    status      TEXT NOT NULL,
    message_id  TEXT,
    document_id TEXT,
    detail      TEXT
);
CREATE INDEX order_events_po ON order_events (po_number, id);

-- Encoded documents waiting to be delivered, written in the same transaction as the state
-- change that produced them.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL,
    document_id     TEXT,
    doc_type        TEXT NOT NULL,
    agreement       TEXT NOT NULL,
    partner         TEXT NOT NULL,
    endpoint        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    payload         BYTEA NOT NULL,
    control_number  TEXT NOT NULL,
    po_number       TEXT,
    -- pending → delivered | dead
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_token     TEXT,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_message ON outbox (message_id);

-- Every delivery attempt, successful or not.
CREATE TABLE delivery_attempts (
    id          BIGSERIAL PRIMARY KEY,
    outbox_id   TEXT NOT NULL REFERENCES outbox (id),
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    status_code BIGINT,
    error       TEXT
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts (outbox_id, attempt);

-- Interchange control numbers, one counter per outbound agreement.
CREATE TABLE control_numbers (
    agreement TEXT PRIMARY KEY,
    last      BIGINT NOT NULL
);

-- The audit trail: a hash chain, each entry's hash covering the one before it. Appends are
-- serialized across replicas by the writer's advisory lock, so seq rises in chain order.
CREATE TABLE audit (
    seq        BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, seq);

-- Requests refused at the edge (bad credentials, unknown agreement, body too large), kept with
-- their bytes (up to the body limit) so nothing a partner sent is lost.
CREATE TABLE rejected_requests (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    path        TEXT NOT NULL,
    partner     TEXT,
    status_code BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    raw         BYTEA NOT NULL,
    truncated   BIGINT NOT NULL
);
