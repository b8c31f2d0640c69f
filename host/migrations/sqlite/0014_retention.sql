-- Retention of closed orders' content ([retention] closed_order_content_days): the raw bytes of
-- messages and the delivered payloads of orders closed or cancelled long enough ago are removed
-- (emptied, with the time in pruned_at); their digests stay in the audit log, and a
-- `content_pruned` audit entry names what went. An order whose content was pruned is marked so
-- that the sweep passes it by.
ALTER TABLE messages ADD COLUMN pruned_at INTEGER;
ALTER TABLE outbox ADD COLUMN pruned_at INTEGER;
ALTER TABLE orders ADD COLUMN content_pruned_at INTEGER;
-- A message is pruned only when every order it touched is closed: which orders those are.
CREATE INDEX order_events_message ON order_events (message_id);
-- The sweep's own lookup: closed orders not yet pruned, oldest first.
CREATE INDEX orders_closed ON orders (status, updated_at) WHERE content_pruned_at IS NULL;
