-- Large values are kept compressed (Zstandard) when that saves space; each codec column says
-- how its row's value is kept: NULL as it is, 'zstd' as one Zstandard frame. Rows written
-- before this migration keep NULL and read as they are.
--
-- A document's JSON is TEXT, which cannot hold a frame: when packed, body_zstd holds it and
-- body is ''. Digests in the audit log are always of the unpacked value.
ALTER TABLE messages ADD COLUMN raw_codec TEXT;
ALTER TABLE outbox ADD COLUMN payload_codec TEXT;
ALTER TABLE documents ADD COLUMN body_zstd BLOB;
