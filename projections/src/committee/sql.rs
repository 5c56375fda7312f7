//! The tables of the committee projection and the statements that write them.
//!
//! The committee tables are keyed by fund; the resolution tables by resolution (the stream
//! id), since only the opening event names the fund. Rows are inserted with
//! `ON CONFLICT DO NOTHING` (attendance and comments keyed by the event's stream version, so
//! an observer may comment twice), the counts of a resolution only grow by the votes inserted,
//! and an outcome only applies to a resolution still open: applying an event twice (which the
//! runner's dedupe already prevents) changes nothing. Appointments are upserts: the latest
//! appointment of a seat holds it.

/// Statement: a member was appointed to a seat (the seat's current holder).
pub(super) const SEAT: usize = 0;
/// Statement: a member was appointed (every member ever appointed, for names).
pub(super) const MEMBER: usize = 1;
/// Statement: an observer was recorded.
pub(super) const OBSERVER: usize = 2;
/// Statement: a resolution was opened.
pub(super) const OPENED: usize = 3;
/// Statement: its meeting was convened.
pub(super) const CONVENED: usize = 4;
/// Statement: someone attends its meeting.
pub(super) const ATTENDANCE: usize = 5;
/// Statement: its meeting opened.
pub(super) const MEETING_OPENED: usize = 6;
/// Statement: its meeting closed.
pub(super) const MEETING_CLOSED: usize = 7;
/// Statement: a seat voted (and the resolution's counts).
pub(super) const VOTE: usize = 8;
/// Statement: an observer commented.
pub(super) const COMMENT: usize = 9;
/// Statement: the outcome (passed, failed or lapsed) with the final count.
pub(super) const DECIDED: usize = 10;

/// The tables.
pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS rm_committee_seats (
        fund_id     uuid NOT NULL,
        seat        integer NOT NULL,
        body        text NOT NULL,
        member_id   uuid NOT NULL,
        name        text NOT NULL,
        since       date NOT NULL,
        PRIMARY KEY (fund_id, seat));
    CREATE TABLE IF NOT EXISTS rm_committee_members (
        fund_id     uuid NOT NULL,
        member_id   uuid NOT NULL,
        seat        integer NOT NULL,
        body        text NOT NULL,
        name        text NOT NULL,
        since       date NOT NULL,
        PRIMARY KEY (fund_id, member_id));
    CREATE TABLE IF NOT EXISTS rm_committee_observers (
        fund_id     uuid NOT NULL,
        observer_id uuid NOT NULL,
        name        text NOT NULL,
        body        text NOT NULL,
        PRIMARY KEY (fund_id, observer_id));
    CREATE TABLE IF NOT EXISTS rm_resolutions (
        resolution_id       uuid PRIMARY KEY,
        fund_id             uuid NOT NULL,
        subject_kind        text NOT NULL,
        title               text NOT NULL,
        reference           text NOT NULL,
        amount              numeric(20, 2) NOT NULL,
        mode                text NOT NULL CHECK (mode IN ('written', 'on_site')),
        deadline            timestamptz NOT NULL,
        quorum              integer NOT NULL,
        seat_count          integer NOT NULL,
        vacant              integer NOT NULL,
        status              text NOT NULL
            CHECK (status IN ('open', 'passed', 'failed', 'lapsed')),
        failed_because      text,
        approvals           integer NOT NULL DEFAULT 0,
        rejections          integer NOT NULL DEFAULT 0,
        abstentions         integer NOT NULL DEFAULT 0,
        recusals            integer NOT NULL DEFAULT 0,
        documents           jsonb NOT NULL,
        seats               jsonb NOT NULL,
        observers           jsonb NOT NULL,
        meeting_convened_at timestamptz,
        meets_at            timestamptz,
        place               text,
        meeting_opened_at   timestamptz,
        meeting_closed_at   timestamptz,
        opened_at           timestamptz NOT NULL,
        decided_at          timestamptz);
    CREATE INDEX IF NOT EXISTS rm_resolutions_by_fund ON rm_resolutions (fund_id, resolution_id);
    CREATE TABLE IF NOT EXISTS rm_resolution_votes (
        resolution_id uuid NOT NULL,
        seat          integer NOT NULL,
        member_id     uuid NOT NULL,
        choice        text NOT NULL
            CHECK (choice IN ('approve', 'reject', 'abstain', 'recuse')),
        reason        text,
        cast_at       timestamptz NOT NULL,
        PRIMARY KEY (resolution_id, seat));
    CREATE INDEX IF NOT EXISTS rm_resolution_votes_by_member
        ON rm_resolution_votes (member_id);
    CREATE TABLE IF NOT EXISTS rm_resolution_attendance (
        resolution_id uuid NOT NULL,
        version       bigint NOT NULL,
        attendee_kind text NOT NULL CHECK (attendee_kind IN ('member', 'observer')),
        seat          integer,
        observer_id   uuid,
        at            timestamptz NOT NULL,
        PRIMARY KEY (resolution_id, version));
    CREATE TABLE IF NOT EXISTS rm_resolution_comments (
        resolution_id uuid NOT NULL,
        version       bigint NOT NULL,
        observer_id   uuid NOT NULL,
        text          text NOT NULL,
        at            timestamptz NOT NULL,
        PRIMARY KEY (resolution_id, version))";

/// Drops the tables.
pub(super) const DROP: &str = "DROP TABLE IF EXISTS rm_committee_seats, rm_committee_members, \
     rm_committee_observers, rm_resolutions, rm_resolution_votes, rm_resolution_attendance, \
     rm_resolution_comments";

/// The statements, by the indexes above.
pub(super) const STATEMENTS: &[&str] = &[
    // SEAT ($1 fund, $2 seat, $3 body, $4 member, $5 name, $6 since)
    "INSERT INTO rm_committee_seats (fund_id, seat, body, member_id, name, since)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (fund_id, seat) DO UPDATE SET body = EXCLUDED.body,
         member_id = EXCLUDED.member_id, name = EXCLUDED.name, since = EXCLUDED.since",
    // MEMBER ($1 fund, $2 seat, $3 body, $4 member, $5 name, $6 since)
    "INSERT INTO rm_committee_members (fund_id, seat, body, member_id, name, since)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (fund_id, member_id) DO UPDATE SET seat = EXCLUDED.seat,
         body = EXCLUDED.body, name = EXCLUDED.name, since = EXCLUDED.since",
    // OBSERVER ($1 fund, $2 observer, $3 name, $4 body)
    "INSERT INTO rm_committee_observers (fund_id, observer_id, name, body)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    // OPENED ($1 resolution, $2 fund, $3 subject kind, $4 title, $5 reference, $6 amount,
    // $7 mode, $8 deadline, $9 quorum, $10 seat count, $11 vacant, $12 documents, $13 seats,
    // $14 observers, $15 at)
    "INSERT INTO rm_resolutions (resolution_id, fund_id, subject_kind, title, reference,
         amount, mode, deadline, quorum, seat_count, vacant, status, documents, seats,
         observers, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, $13, $14, $15)
     ON CONFLICT DO NOTHING",
    // CONVENED ($1 resolution, $2 meets at, $3 place, $4 at)
    "UPDATE rm_resolutions SET meets_at = $2, place = $3, meeting_convened_at = $4
     WHERE resolution_id = $1",
    // ATTENDANCE ($1 resolution, $2 version, $3 kind, $4 seat, $5 observer, $6 at)
    "INSERT INTO rm_resolution_attendance (resolution_id, version, attendee_kind, seat,
         observer_id, at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    // MEETING_OPENED ($1 resolution, $2 at)
    "UPDATE rm_resolutions SET meeting_opened_at = $2 WHERE resolution_id = $1",
    // MEETING_CLOSED ($1 resolution, $2 at)
    "UPDATE rm_resolutions SET meeting_closed_at = $2 WHERE resolution_id = $1",
    // VOTE ($1 resolution, $2 seat, $3 member, $4 choice, $5 reason, $6 at)
    "WITH ins AS (
         INSERT INTO rm_resolution_votes (resolution_id, seat, member_id, choice, reason,
             cast_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
         RETURNING resolution_id, choice)
     UPDATE rm_resolutions r SET
         approvals = r.approvals + (ins.choice = 'approve')::int,
         rejections = r.rejections + (ins.choice = 'reject')::int,
         abstentions = r.abstentions + (ins.choice = 'abstain')::int,
         recusals = r.recusals + (ins.choice = 'recuse')::int
     FROM ins WHERE r.resolution_id = ins.resolution_id",
    // COMMENT ($1 resolution, $2 version, $3 observer, $4 text, $5 at)
    "INSERT INTO rm_resolution_comments (resolution_id, version, observer_id, text, at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    // DECIDED ($1 resolution, $2 status, $3 failed because, $4 approvals, $5 rejections,
    // $6 abstentions, $7 recusals, $8 at): the event's count is the final one.
    "UPDATE rm_resolutions SET status = $2, failed_because = $3, approvals = $4,
         rejections = $5, abstentions = $6, recusals = $7, decided_at = $8
     WHERE resolution_id = $1 AND status = 'open'",
];
