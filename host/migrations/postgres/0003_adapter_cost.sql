-- What the adapter call that decided a message cost, recorded with its outcome: fuel burned
-- (about one unit per wasm instruction; NULL when the engine does not meter fuel), epoch ticks
-- (5 ms slices of running wasm), wall-clock time and the memory and tables the instance held.
-- A message retried after a passing fault keeps the cost of its last attempt.
ALTER TABLE messages ADD COLUMN adapter_fuel BIGINT;
ALTER TABLE messages ADD COLUMN adapter_epoch_ticks BIGINT;
ALTER TABLE messages ADD COLUMN adapter_wall_us BIGINT;
ALTER TABLE messages ADD COLUMN adapter_memory_bytes BIGINT;
