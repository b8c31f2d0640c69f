-- What rendering an outbox entry cost (the destination adapter's encode or acknowledge call),
-- recorded with the rendered bytes, as 0003 records what decoding a message cost: fuel, epoch
-- ticks, wall-clock time and the memory the instance held. NULL until rendered.
ALTER TABLE outbox ADD COLUMN render_fuel INTEGER;
ALTER TABLE outbox ADD COLUMN render_epoch_ticks INTEGER;
ALTER TABLE outbox ADD COLUMN render_wall_us INTEGER;
ALTER TABLE outbox ADD COLUMN render_memory_bytes INTEGER;
