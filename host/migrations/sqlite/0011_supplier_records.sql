-- Supplier master data: each partner's current record of each supplier it sends, by the
-- supplier's identity (its GLN, else its DUNS, else its first identifier, as scheme:value).
-- A newer supplier document replaces the record; the document itself stays in documents.
-- valid and violations are what the onboarding rules said when it was processed.

CREATE TABLE supplier_records (
    partner      TEXT NOT NULL,
    supplier_key TEXT NOT NULL,
    name         TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    -- 1 when the record broke no rule, 0 otherwise.
    valid        INTEGER NOT NULL,
    -- JSON array of {rule, field, message}.
    violations   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (partner, supplier_key)
);
