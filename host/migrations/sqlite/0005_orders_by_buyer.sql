-- A purchase-order number belongs to the party that issued it: two buyers may both use
-- 4500000001, and neither may see or touch the other's order. Orders, their parties and their
-- history are keyed by (buyer, po_number), where buyer is the partner that released the order;
-- an outbox entry about an order names both.

CREATE TABLE orders_by_buyer (
    buyer       TEXT NOT NULL,
    po_number   TEXT NOT NULL,
    status      TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (buyer, po_number)
);
INSERT INTO orders_by_buyer (buyer, po_number, status, document_id, created_at, updated_at)
    SELECT buyer, po_number, status, document_id, created_at, updated_at FROM orders;

CREATE TABLE order_parties_by_buyer (
    buyer     TEXT NOT NULL,
    po_number TEXT NOT NULL,
    partner   TEXT NOT NULL,
    PRIMARY KEY (buyer, po_number, partner),
    FOREIGN KEY (buyer, po_number) REFERENCES orders_by_buyer (buyer, po_number)
);
INSERT INTO order_parties_by_buyer (buyer, po_number, partner)
    SELECT o.buyer, p.po_number, p.partner FROM order_parties p
    JOIN orders o ON o.po_number = p.po_number;
-- Which orders under a number a partner may see: the lookup every later document makes.
CREATE INDEX order_parties_partner ON order_parties_by_buyer (po_number, partner);

DROP TABLE order_parties;
DROP TABLE orders;
ALTER TABLE orders_by_buyer RENAME TO orders;
ALTER TABLE order_parties_by_buyer RENAME TO order_parties;

ALTER TABLE order_events ADD COLUMN buyer TEXT NOT NULL DEFAULT '';
UPDATE order_events SET buyer = COALESCE(
    (SELECT o.buyer FROM orders o WHERE o.po_number = order_events.po_number), '');
DROP INDEX order_events_po;
CREATE INDEX order_events_order ON order_events (buyer, po_number, id);

ALTER TABLE outbox ADD COLUMN order_buyer TEXT;
UPDATE outbox SET order_buyer =
    (SELECT o.buyer FROM orders o WHERE o.po_number = outbox.po_number)
    WHERE po_number IS NOT NULL;
DROP INDEX outbox_order;
CREATE INDEX outbox_order ON outbox (po_number, order_buyer, agreement, doc_type, status);
