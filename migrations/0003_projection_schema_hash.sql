-- The sha256 (hex) of the SCHEMA a projection's tables were created with. When a projection's
-- SCHEMA changes, its runner finds a different hash at setup, drops and recreates the tables
-- and replays the log. NULL: not recorded yet (tables created before this column existed),
-- which also rebuilds once.
ALTER TABLE checkpoints ADD COLUMN schema_hash text;
