-- The processing core: inbound messages are leased like outbox entries, transient faults go
-- back to the queue with a due time, failed messages can be reprocessed, and a partner's resend
-- of a failed message's bytes is a new message linked to the first.

-- received (waiting or leased) → processed | failed. 'processing' is gone: a lease says who
-- works on a message, so a second process never takes it while the lease holds.
ALTER TABLE messages ADD COLUMN lease_token TEXT;
ALTER TABLE messages ADD COLUMN lease_until BIGINT;
ALTER TABLE messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN resubmission_of TEXT;
ALTER TABLE messages ADD COLUMN last_fault TEXT;
UPDATE messages SET status = 'received' WHERE status = 'processing';
DROP INDEX messages_status;
CREATE INDEX messages_due ON messages (status, next_attempt_at);

-- Outbox entries are rendered (encoded by the destination's adapter, with the control number
-- the processing transaction allocated) when they are first sent, so no adapter runs inside a
-- transaction and a retry of the decision never reruns an adapter.
--   render = 'encode': document_id names the canonical document to encode;
--   render = 'acknowledge': ack holds the canonical functional acknowledgment (JSON).
-- rendered = 0 until payload holds the wire bytes.
ALTER TABLE outbox ADD COLUMN render TEXT NOT NULL DEFAULT 'encode';
ALTER TABLE outbox ADD COLUMN ack TEXT;
ALTER TABLE outbox ADD COLUMN rendered BIGINT NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN rendered_at TEXT;
ALTER TABLE outbox ADD COLUMN adapter TEXT;
CREATE INDEX outbox_order ON outbox (po_number, agreement, doc_type, status);

-- Control numbers wrap after 999999999 (X12 ISA13 has nine digits); wraps counts how often.
ALTER TABLE control_numbers ADD COLUMN wraps BIGINT NOT NULL DEFAULT 0;

-- When the current series of attempts began (the entry's creation, or its last replay): the
-- retry schedule gives up a fixed time after it.
ALTER TABLE outbox ADD COLUMN retry_from BIGINT;
UPDATE outbox SET retry_from = created_at;
