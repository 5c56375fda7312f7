//! The tables of the projects projection and the statements that write them.
//!
//! `rm_projects` holds one row per project (keyed by the project, the stream id), as it stands;
//! `rm_project_steps` one row per event of the project (keyed by its stream version), for its
//! history. Every event writes its step first, then updates the project's row, so a statement
//! may read the steps already written (the count of distinct due-diligence reports). The
//! application is inserted with `ON CONFLICT DO NOTHING`, steps too, and a closing only
//! applies to an active project; a report only applies when no later report is among the
//! steps, a trigger is appended only when not in the list yet, and the supervisory actions
//! are counted from the steps, as are the sums a sub-fund reports investing (all and local):
//! applying an event twice (which the runner's dedupe already prevents) changes nothing but
//! `updated_on`, which is the date of the latest step.
//!
//! Every statement has a set form ([`SET_FORMS`]) keyed by the project, which the runner uses
//! to apply a batch in a few executions.

use crate::SetForm;

/// Statement: a company applied (the project's row).
pub(super) const APPLIED: usize = 0;
/// Statement: one step of a project's history.
pub(super) const STEP: usize = 1;
/// Statement: the qualification review (and, when it passed, the move to research).
pub(super) const REVIEWED: usize = 2;
/// Statement: the project entered a stage (research shortlisted, established).
pub(super) const ADVANCED: usize = 3;
/// Statement: a step that changes nothing but the date of the latest step (follow-up).
pub(super) const TOUCHED: usize = 4;
/// Statement: a due-diligence report was recorded (the count of distinct kinds).
pub(super) const DUE_DILIGENCE: usize = 5;
/// Statement: the proposal went to the committee.
pub(super) const PROPOSED: usize = 6;
/// Statement: the committee decided.
pub(super) const DECIDED: usize = 7;
/// Statement: the agreement was signed.
pub(super) const SIGNED: usize = 8;
/// Statement: the company reported its paid-in capital.
pub(super) const PAID_IN: usize = 9;
/// Statement: the project was rejected or withdrawn.
pub(super) const CLOSED: usize = 10;
/// Statement: the company's periodic report (the latest KPIs).
pub(super) const REPORTED: usize = 11;
/// Statement: an exit trigger was raised (appended to the list once).
pub(super) const TRIGGERED: usize = 12;
/// Statement: a supervisory action was recorded (the count of them among the steps).
pub(super) const SUPERVISED: usize = 13;
/// Statement: a sub-fund reported a portfolio investment (the sums among the steps).
pub(super) const SUB_FUND_INVESTED: usize = 14;

/// The tables.
pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS rm_projects (
        fund_id             uuid NOT NULL,
        project_id          uuid PRIMARY KEY,
        company             text NOT NULL,
        industry            text NOT NULL,
        stage               text NOT NULL CHECK (stage IN ('application', 'research',
            'establishment', 'due_diligence', 'decision', 'implementation',
            'post_investment')),
        status              text NOT NULL CHECK (status IN ('active', 'rejected', 'withdrawn')),
        closed_reason       text,
        stage_since         date NOT NULL,
        applied_on          date NOT NULL,
        eligible            boolean,
        conditions_failed   integer NOT NULL DEFAULT 0,
        dd_reports          integer NOT NULL DEFAULT 0,
        proposed_amount     numeric(20, 2),
        fund_stake          numeric,
        higher_approval_ref text,
        resolution_id       uuid,
        approved            boolean,
        commitment          numeric(20, 2),
        registered_capital  numeric(20, 2),
        company_paid_in     numeric(20, 2),
        required_cumulative numeric(20, 2),
        latest_period       text,
        latest_revenue      numeric(20, 2),
        latest_net_assets   numeric(20, 2),
        latest_staff        bigint,
        latest_rd_staff     bigint,
        latest_registered_city text,
        latest_going_concern boolean,
        latest_report_on    date,
        triggers            text[] NOT NULL DEFAULT '{}',
        supervisory_actions integer NOT NULL DEFAULT 0,
        sub_fund_invested   numeric(20, 2),
        sub_fund_invested_locally numeric(20, 2),
        updated_on          date NOT NULL);
    CREATE INDEX IF NOT EXISTS rm_projects_by_fund ON rm_projects (fund_id, project_id);
    CREATE TABLE IF NOT EXISTS rm_project_steps (
        project_id  uuid NOT NULL,
        version     bigint NOT NULL,
        event_type  text NOT NULL,
        on_date     date NOT NULL,
        summary     jsonb NOT NULL,
        PRIMARY KEY (project_id, version))";

/// Drops the tables.
pub(super) const DROP: &str = "DROP TABLE IF EXISTS rm_projects, rm_project_steps";

/// The statements, by the indexes above.
pub(super) const STATEMENTS: &[&str] = &[
    // APPLIED ($1 project, $2 fund, $3 company, $4 industry, $5 applied on, $6 a sub-fund):
    // a sub-fund starts with nothing invested, a company has no such sums.
    "INSERT INTO rm_projects (fund_id, project_id, company, industry, stage, status,
         stage_since, applied_on, updated_on, sub_fund_invested, sub_fund_invested_locally)
     VALUES ($2, $1, $3, $4, 'application', 'active', $5, $5, $5,
             CASE WHEN $6 THEN 0 END, CASE WHEN $6 THEN 0 END)
     ON CONFLICT DO NOTHING",
    // STEP ($1 project, $2 version, $3 event type, $4 on, $5 summary)
    "INSERT INTO rm_project_steps (project_id, version, event_type, on_date, summary)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    // REVIEWED ($1 project, $2 eligible, $3 conditions failed, $4 on)
    "UPDATE rm_projects SET eligible = $2, conditions_failed = $3,
         stage = CASE WHEN $2 THEN 'research' ELSE stage END,
         stage_since = CASE WHEN $2 THEN $4 ELSE stage_since END,
         updated_on = GREATEST(updated_on, $4)
     WHERE project_id = $1",
    // ADVANCED ($1 project, $2 stage, $3 on)
    "UPDATE rm_projects SET stage = $2, stage_since = $3,
         updated_on = GREATEST(updated_on, $3)
     WHERE project_id = $1",
    // TOUCHED ($1 project, $2 on)
    "UPDATE rm_projects SET updated_on = GREATEST(updated_on, $2) WHERE project_id = $1",
    // DUE_DILIGENCE ($1 project, $2 on): the distinct kinds among the steps written so far.
    "UPDATE rm_projects SET updated_on = GREATEST(updated_on, $2),
         dd_reports = (SELECT count(DISTINCT s.summary->>'kind')::int FROM rm_project_steps s
                       WHERE s.project_id = $1 AND s.event_type = 'DueDiligenceRecorded')
     WHERE project_id = $1",
    // PROPOSED ($1 project, $2 amount, $3 fund stake, $4 higher approval, $5 on)
    "UPDATE rm_projects SET stage = 'decision', stage_since = $5, proposed_amount = $2,
         fund_stake = $3, higher_approval_ref = $4, updated_on = GREATEST(updated_on, $5)
     WHERE project_id = $1",
    // DECIDED ($1 project, $2 resolution, $3 approved, $4 on)
    "UPDATE rm_projects SET resolution_id = $2, approved = $3,
         stage = CASE WHEN $3 THEN 'implementation' ELSE stage END,
         stage_since = CASE WHEN $3 THEN $4 ELSE stage_since END,
         updated_on = GREATEST(updated_on, $4)
     WHERE project_id = $1",
    // SIGNED ($1 project, $2 commitment, $3 registered capital, $4 signed on)
    "UPDATE rm_projects SET stage = 'post_investment', stage_since = $4, commitment = $2,
         registered_capital = $3, updated_on = GREATEST(updated_on, $4)
     WHERE project_id = $1",
    // PAID_IN ($1 project, $2 company paid in, $3 required cumulative, $4 on)
    "UPDATE rm_projects SET company_paid_in = $2, required_cumulative = $3,
         updated_on = GREATEST(updated_on, $4)
     WHERE project_id = $1",
    // CLOSED ($1 project, $2 status, $3 stage, $4 reason, $5 on)
    "UPDATE rm_projects SET status = $2, stage = $3, closed_reason = $4, stage_since = $5,
         updated_on = GREATEST(updated_on, $5)
     WHERE project_id = $1 AND status = 'active'",
    // REPORTED ($1 project, $2 period, $3 revenue, $4 net assets, $5 staff, $6 R&D staff,
    // $7 registered city, $8 going concern, $9 on, $10 version): unless a later report is in.
    "UPDATE rm_projects SET latest_period = $2, latest_revenue = $3, latest_net_assets = $4,
         latest_staff = $5, latest_rd_staff = $6, latest_registered_city = $7,
         latest_going_concern = $8, latest_report_on = $9,
         updated_on = GREATEST(updated_on, $9)
     WHERE project_id = $1
       AND NOT EXISTS (SELECT 1 FROM rm_project_steps s
                       WHERE s.project_id = $1 AND s.event_type = 'PostInvestmentReported'
                         AND s.version > $10)",
    // TRIGGERED ($1 project, $2 trigger, $3 on)
    "UPDATE rm_projects SET updated_on = GREATEST(updated_on, $3),
         triggers = CASE WHEN $2 = ANY(triggers) THEN triggers
                         ELSE array_append(triggers, $2::text) END
     WHERE project_id = $1",
    // SUPERVISED ($1 project, $2 on): the actions among the steps written so far.
    "UPDATE rm_projects SET updated_on = GREATEST(updated_on, $2),
         supervisory_actions = (SELECT count(*)::int FROM rm_project_steps s
             WHERE s.project_id = $1 AND s.event_type = 'SupervisoryActionRecorded')
     WHERE project_id = $1",
    // SUB_FUND_INVESTED ($1 project, $2 on): the sums of the reports among the steps written
    // so far, all of them and the local ones.
    "UPDATE rm_projects SET updated_on = GREATEST(updated_on, $2),
         (sub_fund_invested, sub_fund_invested_locally) = (
             SELECT coalesce(sum((s.summary->>'amount')::numeric), 0),
                    coalesce(sum((s.summary->>'amount')::numeric)
                             FILTER (WHERE (s.summary->>'local')::boolean), 0)
             FROM rm_project_steps s
             WHERE s.project_id = $1 AND s.event_type = 'SubFundInvestmentReported')
     WHERE project_id = $1",
];

/// The set-based forms of every statement (see [`crate::SetForm`]): the same SQL over
/// `unnest` of arrays of the per-row parameters, in the same order. The key of every write is
/// the project (`$1`): a statement reads and writes only the project's row and its steps.
/// (`OFFSET 0` keeps the report's `NOT EXISTS` a lookup per row: pulled up into an anti-join,
/// it was planned as a sort of every report step of every project, 20 ms an execution.)
pub(super) const SET_FORMS: &[SetForm] = &[
    SetForm {
        statement: APPLIED,
        sql: "INSERT INTO rm_projects (fund_id, project_id, company, industry, stage, status,
                  stage_since, applied_on, updated_on, sub_fund_invested,
                  sub_fund_invested_locally)
              SELECT u.fund, u.project, u.company, u.industry, 'application', 'active', u.day,
                     u.day, u.day, CASE WHEN u.sub_fund THEN 0 END,
                     CASE WHEN u.sub_fund THEN 0 END
              FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[],
                          $6::bool[]) AS u(project, fund, company, industry, day, sub_fund)
              ON CONFLICT DO NOTHING",
        key: &[0],
    },
    SetForm {
        statement: STEP,
        sql: "INSERT INTO rm_project_steps (project_id, version, event_type, on_date, summary)
              SELECT * FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::date[], $5::jsonb[])
              ON CONFLICT DO NOTHING",
        key: &[0],
    },
    SetForm {
        statement: REVIEWED,
        sql: "UPDATE rm_projects p SET eligible = u.eligible, conditions_failed = u.failed,
                  stage = CASE WHEN u.eligible THEN 'research' ELSE p.stage END,
                  stage_since = CASE WHEN u.eligible THEN u.day ELSE p.stage_since END,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::bool[], $3::int4[], $4::date[])
                   AS u(project, eligible, failed, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: ADVANCED,
        sql: "UPDATE rm_projects p SET stage = u.stage, stage_since = u.day,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::text[], $3::date[]) AS u(project, stage, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: TOUCHED,
        sql: "UPDATE rm_projects p SET updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::date[]) AS u(project, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: DUE_DILIGENCE,
        sql: "UPDATE rm_projects p SET updated_on = GREATEST(p.updated_on, u.day),
                  dd_reports = (SELECT count(DISTINCT s.summary->>'kind')::int
                                FROM rm_project_steps s
                                WHERE s.project_id = u.project
                                  AND s.event_type = 'DueDiligenceRecorded')
              FROM unnest($1::uuid[], $2::date[]) AS u(project, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: PROPOSED,
        sql: "UPDATE rm_projects p SET stage = 'decision', stage_since = u.day,
                  proposed_amount = u.amount, fund_stake = u.stake,
                  higher_approval_ref = u.approval, updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::text[], $5::date[])
                   AS u(project, amount, stake, approval, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: DECIDED,
        sql: "UPDATE rm_projects p SET resolution_id = u.resolution, approved = u.approved,
                  stage = CASE WHEN u.approved THEN 'implementation' ELSE p.stage END,
                  stage_since = CASE WHEN u.approved THEN u.day ELSE p.stage_since END,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::date[])
                   AS u(project, resolution, approved, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: SIGNED,
        sql: "UPDATE rm_projects p SET stage = 'post_investment', stage_since = u.day,
                  commitment = u.commitment, registered_capital = u.registered,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::date[])
                   AS u(project, commitment, registered, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: PAID_IN,
        sql: "UPDATE rm_projects p SET company_paid_in = u.paid_in,
                  required_cumulative = u.required, updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::date[])
                   AS u(project, paid_in, required, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: CLOSED,
        sql: "UPDATE rm_projects p SET status = u.status, stage = u.stage,
                  closed_reason = u.reason, stage_since = u.day,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[])
                   AS u(project, status, stage, reason, day)
              WHERE p.project_id = u.project AND p.status = 'active'",
        key: &[0],
    },
    SetForm {
        statement: REPORTED,
        sql: "UPDATE rm_projects p SET latest_period = u.period, latest_revenue = u.revenue,
                  latest_net_assets = u.net_assets, latest_staff = u.staff,
                  latest_rd_staff = u.rd_staff, latest_registered_city = u.city,
                  latest_going_concern = u.going_concern, latest_report_on = u.day,
                  updated_on = GREATEST(p.updated_on, u.day)
              FROM unnest($1::uuid[], $2::text[], $3::numeric[], $4::numeric[], $5::int8[],
                          $6::int8[], $7::text[], $8::bool[], $9::date[], $10::int8[])
                   AS u(project, period, revenue, net_assets, staff, rd_staff, city,
                        going_concern, day, version)
              WHERE p.project_id = u.project
                AND NOT EXISTS (SELECT 1 FROM rm_project_steps s
                                WHERE s.project_id = u.project
                                  AND s.event_type = 'PostInvestmentReported'
                                  AND s.version > u.version OFFSET 0)",
        key: &[0],
    },
    SetForm {
        statement: TRIGGERED,
        sql: "UPDATE rm_projects p SET updated_on = GREATEST(p.updated_on, u.day),
                  triggers = CASE WHEN u.raised = ANY(p.triggers) THEN p.triggers
                                  ELSE array_append(p.triggers, u.raised) END
              FROM unnest($1::uuid[], $2::text[], $3::date[]) AS u(project, raised, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: SUPERVISED,
        sql: "UPDATE rm_projects p SET updated_on = GREATEST(p.updated_on, u.day),
                  supervisory_actions = (SELECT count(*)::int FROM rm_project_steps s
                      WHERE s.project_id = u.project
                        AND s.event_type = 'SupervisoryActionRecorded')
              FROM unnest($1::uuid[], $2::date[]) AS u(project, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
    SetForm {
        statement: SUB_FUND_INVESTED,
        sql: "UPDATE rm_projects p SET updated_on = GREATEST(p.updated_on, u.day),
                  (sub_fund_invested, sub_fund_invested_locally) = (
                      SELECT coalesce(sum((s.summary->>'amount')::numeric), 0),
                             coalesce(sum((s.summary->>'amount')::numeric)
                                      FILTER (WHERE (s.summary->>'local')::boolean), 0)
                      FROM rm_project_steps s
                      WHERE s.project_id = u.project
                        AND s.event_type = 'SubFundInvestmentReported')
              FROM unnest($1::uuid[], $2::date[]) AS u(project, day)
              WHERE p.project_id = u.project",
        key: &[0],
    },
];
