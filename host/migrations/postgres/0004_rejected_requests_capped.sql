-- Refusals at the edge keep metadata and a short prefix of the body, not the body itself: a
-- caller without a key must not be able to fill the disk. size_bytes is how much the caller
-- sent (or declared); raw holds at most the configured prefix. Old rows are cut down the same
-- way, and `at` is indexed for pruning by age.
ALTER TABLE rejected_requests ADD COLUMN size_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE rejected_requests SET size_bytes = length(raw);
UPDATE rejected_requests SET raw = substr(raw, 1, 1024), truncated = 1 WHERE length(raw) > 1024;
CREATE INDEX rejected_requests_at ON rejected_requests (at, id);
