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

-- Group commit: the appends of several commands in one transaction and one statement. Each
-- command keeps its own idempotency key, its own expected versions and head hashes, and its
-- own outcome: status 0 = appended (with its first and last global positions), 1 = version
-- conflict (with the stream and its actual version; nothing of that command is written),
-- 2 = its idempotency key already has a result. Hashes are computed by the writer, which
-- knows each stream's head. Arrays: c_* one entry per command; s_* one per (command,
-- stream) with s_cmd the command's index; e_* one per event with e_cmd likewise.
CREATE FUNCTION append_batch(
    c_keys text[], c_request_hashes bytea[], c_results jsonb[],
    s_cmd int4[], s_ids text[], s_types text[], s_expected int8[], s_expected_heads bytea[],
    s_versions int8[], s_heads bytea[],
    e_cmd int4[], e_ids uuid[], e_streams text[], e_stream_types text[], e_versions int8[],
    e_types text[], e_schema_versions int4[], e_payloads jsonb[], e_metadata jsonb[],
    e_effective date[], e_recorded timestamptz[], e_hashes bytea[])
RETURNS TABLE (status int4, conflict_stream text, actual_version int8,
               first_position int8, last_position int8)
LANGUAGE plpgsql AS $$
DECLARE
    ncmd  int4 := coalesce(array_length(c_results, 1), 0);
    nstr  int4 := coalesce(array_length(s_ids, 1), 0);
    st    int4[] := array_fill(0, ARRAY[ncmd]);
    cs    text[] := array_fill(NULL::text, ARRAY[ncmd]);
    av    int8[] := array_fill(NULL::int8, ARRAY[ncmd]);
    fp    int8[] := array_fill(NULL::int8, ARRAY[ncmd]);
    lp    int8[] := array_fill(NULL::int8, ARRAY[ncmd]);
    made  text[];
    cur_v int8;
    cur_h bytea;
    n     int4;
    r     record;
BEGIN
    FOR c IN 1 .. ncmd LOOP
        IF c_keys[c] IS NOT NULL THEN
            INSERT INTO command_results (idempotency_key, request_hash)
            VALUES (c_keys[c], c_request_hashes[c]) ON CONFLICT (idempotency_key) DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN st[c] := 2; CONTINUE; END IF;
        END IF;
        -- Existing streams: lock and compare.
        FOR i IN 1 .. nstr LOOP
            CONTINUE WHEN s_cmd[i] <> c OR s_expected[i] = 0;
            SELECT version, head_hash INTO cur_v, cur_h FROM streams
            WHERE stream_id = s_ids[i] FOR UPDATE;
            IF NOT FOUND OR cur_v <> s_expected[i] OR cur_h <> s_expected_heads[i] THEN
                st[c] := 1; cs[c] := s_ids[i]; av[c] := coalesce(cur_v, 0);
                EXIT;
            END IF;
        END LOOP;
        -- New streams: create (a racing creator makes this a conflict).
        made := '{}';
        IF st[c] = 0 THEN
            FOR i IN 1 .. nstr LOOP
                CONTINUE WHEN s_cmd[i] <> c OR s_expected[i] <> 0;
                INSERT INTO streams (stream_id, stream_type, version, head_hash)
                VALUES (s_ids[i], s_types[i], s_versions[i], s_heads[i])
                ON CONFLICT (stream_id) DO NOTHING;
                GET DIAGNOSTICS n = ROW_COUNT;
                IF n = 0 THEN
                    st[c] := 1; cs[c] := s_ids[i];
                    av[c] := (SELECT version FROM streams WHERE stream_id = s_ids[i]);
                    EXIT;
                END IF;
                made := made || s_ids[i];
            END LOOP;
        END IF;
        IF st[c] = 0 THEN
            FOR i IN 1 .. nstr LOOP
                CONTINUE WHEN s_cmd[i] <> c OR s_expected[i] = 0;
                UPDATE streams SET version = s_versions[i], head_hash = s_heads[i]
                WHERE stream_id = s_ids[i];
            END LOOP;
        ELSE
            DELETE FROM streams WHERE stream_id = ANY (made);
            IF c_keys[c] IS NOT NULL THEN
                DELETE FROM command_results WHERE idempotency_key = c_keys[c];
            END IF;
        END IF;
    END LOOP;

    FOR r IN
        WITH ins AS (
            INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type,
                                schema_version, payload, metadata, effective_at, recorded_at,
                                hash)
            SELECT u.id, u.stream, u.stream_type, u.version, u.type, u.schema, u.payload,
                   u.metadata, u.effective, u.recorded, u.hash
            FROM unnest(e_cmd, e_ids, e_streams, e_stream_types, e_versions, e_types,
                        e_schema_versions, e_payloads, e_metadata, e_effective, e_recorded,
                        e_hashes)
                 AS u(cmd, id, stream, stream_type, version, type, schema, payload, metadata,
                      effective, recorded, hash)
            WHERE st[u.cmd] = 0
            RETURNING event_id, global_position)
        SELECT k.cmd, min(ins.global_position) AS f, max(ins.global_position) AS l
        FROM ins JOIN unnest(e_cmd, e_ids) AS k(cmd, id) ON k.id = ins.event_id
        GROUP BY k.cmd
    LOOP
        fp[r.cmd] := r.f;
        lp[r.cmd] := r.l;
    END LOOP;

    FOR c IN 1 .. ncmd LOOP
        IF st[c] = 0 AND c_keys[c] IS NOT NULL THEN
            UPDATE command_results
            SET result = c_results[c] || jsonb_build_object(
                'first_position', fp[c], 'last_position', lp[c])
            WHERE idempotency_key = c_keys[c];
        END IF;
    END LOOP;

    RETURN QUERY SELECT st[c], cs[c], av[c], fp[c], lp[c]
        FROM generate_subscripts(st, 1) AS c ORDER BY c;
END
$$;
