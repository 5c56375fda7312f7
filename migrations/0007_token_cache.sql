-- Serving processes that keep authenticated tokens in memory (api::auth::cache). Each LISTENs
-- on `token_revoked`, heartbeats here every second and records the last revocation it has
-- applied; `fundadmin token revoke` returns once every holder with a recent heartbeat has
-- acknowledged the revocation (a holder without one has stopped trusting its cache).
CREATE TABLE token_cache_holders (
    holder_id    uuid PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    -- The number of the last revocation applied (token_revocations).
    acked        bigint NOT NULL DEFAULT 0
);

-- Revocations are numbered in the order they commit (they take one advisory lock).
CREATE SEQUENCE token_revocations;
