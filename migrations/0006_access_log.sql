-- Who read what, when: reads of management reports and of liability-exemption evidence
-- packages by anyone other than the fund's manager (regulators, authorities, LPs, the admin),
-- shown to the manager. Rows are appended, never changed or deleted.
CREATE TABLE access_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    fund_id   uuid NOT NULL,
    token_id  uuid NOT NULL,
    actor     text NOT NULL,
    role      text NOT NULL,
    -- report_document, report_verification, evidence_package
    what      text NOT NULL,
    -- The path read, with its query.
    resource  text NOT NULL
);

CREATE INDEX access_log_fund ON access_log (fund_id, id);

CREATE TRIGGER access_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
