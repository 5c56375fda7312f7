-- Management reports (SPEC §8). The filing decisions are events (stream type `report`); the
-- documents they name are kept here, addressed by the sha256 of their canonical bytes. A row
-- is written before the event that names it and is never changed or deleted.
CREATE TABLE report_documents (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER report_documents_no_update_or_delete
    BEFORE UPDATE OR DELETE ON report_documents
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();

-- The streams of a fund's projects, resolutions and exemption cases: their first event names
-- the fund. The reporting worker finds them through this index.
CREATE INDEX events_fund_streams ON events ((payload->>'fund_id'), stream_type)
    WHERE stream_version = 1;

-- The last cut of the log each report stream was regenerated at by the worker, whether or not
-- the document changed, so the scheduler asks again only when newer events exist.
CREATE TABLE report_checks (
    stream_id  text PRIMARY KEY,
    cut        bigint NOT NULL,
    checked_at timestamptz NOT NULL DEFAULT now()
);
