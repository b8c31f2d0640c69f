-- The order's life per line, the three-way match and quality holds.
--
-- Quantities and prices are exact decimals kept as text (in the unit and currency of the
-- order line). An order's `version` rises with every write to its lines, so a decision taken
-- on lines another replica has changed since is a conflict, rerun, never a lost update.

ALTER TABLE orders ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE order_lines (
    buyer           TEXT NOT NULL,
    po_number       TEXT NOT NULL,
    line_number     TEXT NOT NULL,
    -- The line as the engine keeps it (JSON: item, unit, ordered, price, confirmed, shipped,
    -- received, rejected, invoiced, matched, lots, stage).
    state           TEXT NOT NULL,
    stage           TEXT NOT NULL,
    -- What was shipped and received, as normalized decimals, for the key figures.
    shipped         TEXT NOT NULL DEFAULT '0',
    received        TEXT NOT NULL DEFAULT '0',
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (buyer, po_number, line_number)
);

-- Each invoice line's match against its order line and receipts, with why.
CREATE TABLE invoice_matches (
    document_id     TEXT NOT NULL,
    invoice_line    TEXT NOT NULL,
    partner         TEXT NOT NULL,
    invoice_number  TEXT NOT NULL,
    buyer           TEXT,
    po_number       TEXT,
    order_line      TEXT,
    -- matched | held | blocked | released
    result          TEXT NOT NULL,
    -- JSON: the quantities and prices compared and every rule breached, by how much.
    explanation     TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (document_id, invoice_line)
);
CREATE INDEX invoice_matches_order ON invoice_matches (buyer, po_number, result);

-- Quality holds on a part, a lot or a supplier, placed and released by quality notifications.
CREATE TABLE quality_holds (
    id              TEXT PRIMARY KEY,
    -- The partner whose notification placed it: it holds only that partner's orders.
    placed_by       TEXT NOT NULL,
    notification    TEXT NOT NULL,
    -- part | lot | supplier
    scope           TEXT NOT NULL,
    value           TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    placed_at       BIGINT NOT NULL,
    released_at     BIGINT,
    released_by     TEXT
);
CREATE INDEX quality_holds_active ON quality_holds (placed_by, released_at);

-- What keeps an outbox entry (status `held`) from delivery: `match:<invoice document>` or
-- `quality:<hold>`. The entry becomes pending when its last hold goes.
CREATE TABLE outbox_holds (
    outbox_id       TEXT NOT NULL,
    hold            TEXT NOT NULL,
    PRIMARY KEY (outbox_id, hold)
);
CREATE INDEX outbox_holds_hold ON outbox_holds (hold);
