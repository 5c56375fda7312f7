-- Projection bookkeeping and API tokens.

-- Per projection and stream, the last applied stream version: duplicates are skipped, gaps
-- are filled from the log before applying.
CREATE TABLE projection_streams (
    projection text NOT NULL,
    stream_id  text NOT NULL,
    version    bigint NOT NULL,
    PRIMARY KEY (projection, stream_id)
);

-- Bearer tokens. The secret is shown once; only its sha256 is stored.
CREATE TABLE api_tokens (
    token_id     uuid PRIMARY KEY,
    secret_hash  bytea NOT NULL,
    role         text NOT NULL,
    fund_id      uuid,
    seat         integer,
    lp_id        uuid,
    agency       text,
    funds        uuid[] NOT NULL DEFAULT '{}',
    label        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
