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
CREATE INDEX events_stream_type ON events (stream_type, global_position);

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

-- One append in one statement (one round trip): checks every stream's expected version and
-- head hash, moves the heads, inserts the events, stores the idempotency result, and returns
-- the first and last global positions. Hashes are computed by the writer, which knows each
-- stream's head. Errors: SQLSTATE FA409 (message = stream id, detail = actual version) on a
-- version conflict; FA422 when the idempotency key already has a result.
CREATE FUNCTION append_events(
    s_ids text[], s_types text[], s_expected int8[], s_expected_heads bytea[],
    s_versions int8[], s_heads bytea[],
    e_ids uuid[], e_streams text[], e_stream_types text[], e_versions int8[],
    e_types text[], e_schema_versions int4[], e_payloads jsonb[], e_metadata jsonb[],
    e_effective date[], e_recorded timestamptz[], e_hashes bytea[],
    p_key text, p_request_hash bytea, p_result jsonb,
    OUT first_position bigint, OUT last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    FOR i IN 1 .. coalesce(array_length(s_ids, 1), 0) LOOP
        IF s_expected[i] = 0 THEN
            INSERT INTO streams (stream_id, stream_type, version, head_hash)
            VALUES (s_ids[i], s_types[i], s_versions[i], s_heads[i])
            ON CONFLICT (stream_id) DO NOTHING;
        ELSE
            UPDATE streams SET version = s_versions[i], head_hash = s_heads[i]
            WHERE stream_id = s_ids[i] AND version = s_expected[i]
              AND head_hash = s_expected_heads[i];
        END IF;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'FA409', MESSAGE = s_ids[i],
                DETAIL = coalesce((SELECT version::text FROM streams WHERE stream_id = s_ids[i]), '0');
        END IF;
    END LOOP;
    WITH ins AS (
        INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type,
                            schema_version, payload, metadata, effective_at, recorded_at, hash)
        SELECT * FROM unnest(e_ids, e_streams, e_stream_types, e_versions, e_types,
                             e_schema_versions, e_payloads, e_metadata, e_effective,
                             e_recorded, e_hashes)
        RETURNING global_position)
    SELECT min(global_position), max(global_position) INTO first_position, last_position FROM ins;
    IF p_key IS NOT NULL THEN
        INSERT INTO command_results (idempotency_key, request_hash, result)
        VALUES (p_key, p_request_hash, p_result || jsonb_build_object(
            'first_position', first_position, 'last_position', last_position))
        ON CONFLICT (idempotency_key) DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'FA422', MESSAGE = p_key;
        END IF;
    END IF;
END
$$;
