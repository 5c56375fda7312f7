-- The event log: the source of truth. Rows are appended, never updated or deleted.

CREATE TABLE streams (
    stream_id   text PRIMARY KEY,
    stream_type text NOT NULL,
    -- Version of the last event in the stream (events are numbered from 1).
    version     bigint NOT NULL CHECK (version > 0),
    -- Hash of the last event: the head of the stream's sha256 chain.
    head_hash   bytea NOT NULL
);

CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction: the gap-safe feed orders by (tx_id, global_position).
    tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_type     text NOT NULL,
    stream_version  bigint NOT NULL CHECK (stream_version > 0),
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    payload         jsonb NOT NULL,
    -- actor, role, token, command id, correlation id, causation id.
    metadata        jsonb NOT NULL,
    -- Business date the event takes effect (as-of reports use it).
    effective_at    date NOT NULL,
    -- When it was recorded (set by the writer, microsecond precision, covered by the hash).
    recorded_at     timestamptz NOT NULL,
    -- sha256(previous hash in the stream || canonical bytes of this event).
    hash            bytea NOT NULL,
    PRIMARY KEY (stream_id, stream_version)
);

CREATE UNIQUE INDEX events_feed_order ON events (tx_id, global_position);
CREATE UNIQUE INDEX events_global_position ON events (global_position);

CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % on events refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable();

-- Idempotent commands: the first result of a key, stored in the same transaction as its events.
CREATE TABLE command_results (
    idempotency_key text PRIMARY KEY,
    -- sha256 of the request, so that a key reused for a different request is refused.
    request_hash    bytea NOT NULL,
    result          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Checkpoints of feed readers (relay, projections, workers): the last (tx_id, global_position)
-- fully handled.
CREATE TABLE checkpoints (
    name            text PRIMARY KEY,
    tx_id           xid8 NOT NULL DEFAULT '0',
    global_position bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
