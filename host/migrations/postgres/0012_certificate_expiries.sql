-- Supplier certifications watched over time: when a partner's supplier record is stored, each
-- certification that has not yet expired becomes a `certificate_expiry` deadline, due at the
-- start (UTC) of the day after its valid_until; the sweep raises a `supplier_compliance`
-- exception when the host's clock passes it, once. The partner's next record of the same
-- supplier replaces every pending one (state `replaced`), so a renewed certificate moves its
-- deadline instead of adding one.
--
-- Such a deadline answers no delivery: outbox_id holds what set it instead
-- (`certificate:{document_id}:{n}`, the supplier document and the certification's position),
-- doc_type is `supplier`, control_number the certification's last valid day (YYYY-MM-DD),
-- and these columns say which supplier and which certificate.
ALTER TABLE deadlines ADD COLUMN supplier_key TEXT;
ALTER TABLE deadlines ADD COLUMN certificate TEXT;
CREATE INDEX deadlines_supplier ON deadlines (partner, supplier_key, kind, state);
