-- Installed adapter components, the one record every replica of a database follows: an install
-- or removal on one replica reaches the others through this table, and each replica compiles
-- from the bytes it read here after checking them against their digest. `reference` is
-- `id@version`; a released version never changes, so a reference keeps its digest for life.
CREATE TABLE installed_adapters (
    reference    TEXT PRIMARY KEY,
    id           TEXT NOT NULL,
    version      TEXT NOT NULL,
    -- Hex SHA-256 of `component`.
    digest       TEXT NOT NULL,
    component    BLOB NOT NULL,
    installed_at INTEGER NOT NULL
);
