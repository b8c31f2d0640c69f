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

-- Removals, by the bytes removed: a replica that was away when an adapter was removed, and
-- still has it in its adapters directory, does not record it again at its next start. An
-- operator installing those bytes again lifts the removal.
CREATE TABLE removed_adapters (
    reference  TEXT NOT NULL,
    digest     TEXT NOT NULL,
    removed_at INTEGER NOT NULL,
    PRIMARY KEY (reference, digest)
);
