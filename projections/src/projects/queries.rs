//! Reading the projects read model: the board, the list (or the projects among some ids) and
//! one project with its steps.

use super::views::{
    BoardCard, BoardColumn, ProjectFilter, ProjectStep, ProjectSummary, ProjectView,
};
use super::STAGES;
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// The fund's pipeline on `on`: one column per stage, in pipeline order, every stage present
/// even when empty. A column lists the active projects at its stage, longest there first,
/// each with its age at the stage (`on − stage_since`, in days); rejected and withdrawn
/// projects are not listed but counted in the column of the stage they closed at.
pub async fn board(
    client: &impl GenericClient,
    fund_id: Uuid,
    on: NaiveDate,
) -> Result<Vec<BoardColumn>, tokio_postgres::Error> {
    let mut columns: Vec<BoardColumn> = STAGES
        .iter()
        .map(|stage| BoardColumn {
            stage: stage.as_str().to_owned(),
            projects: Vec::new(),
            rejected: 0,
            withdrawn: 0,
        })
        .collect();
    let column = |columns: &[BoardColumn], stage: &str| -> Option<usize> {
        columns.iter().position(|c| c.stage == stage)
    };
    let active = client
        .query(
            "SELECT stage, project_id, company, status, stage_since FROM rm_projects
             WHERE fund_id = $1 AND status = 'active'
             ORDER BY stage_since, project_id",
            &[&fund_id],
        )
        .await?;
    for r in &active {
        let stage: String = r.get(0);
        let stage_since: NaiveDate = r.get(4);
        if let Some(i) = column(&columns, &stage) {
            columns[i].projects.push(BoardCard {
                project_id: r.get(1),
                company: r.get(2),
                status: r.get(3),
                stage_since,
                age_days: (on - stage_since).num_days(),
            });
        }
    }
    let closed = client
        .query(
            "SELECT stage, status, count(*) FROM rm_projects
             WHERE fund_id = $1 AND status <> 'active' GROUP BY stage, status",
            &[&fund_id],
        )
        .await?;
    for r in &closed {
        let (stage, status, count): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        if let Some(i) = column(&columns, &stage) {
            match status.as_str() {
                "rejected" => columns[i].rejected = count,
                _ => columns[i].withdrawn = count,
            }
        }
    }
    Ok(columns)
}

/// The columns [`summary`] reads, in its order.
const SUMMARY_COLUMNS: &str = "project_id, fund_id, company, industry, stage, status, \
     closed_reason, stage_since, applied_on, eligible, conditions_failed, dd_reports, \
     proposed_amount, fund_stake, higher_approval_ref, resolution_id, approved, commitment, \
     registered_capital, company_paid_in, required_cumulative, updated_on, latest_period, \
     latest_revenue, latest_net_assets, latest_staff, latest_rd_staff, latest_registered_city, \
     latest_going_concern, latest_report_on, triggers, supervisory_actions, sub_fund_invested, \
     sub_fund_invested_locally";

/// A summary from a row of [`SUMMARY_COLUMNS`].
fn summary(r: &Row) -> ProjectSummary {
    ProjectSummary {
        project_id: r.get(0),
        fund_id: r.get(1),
        company: r.get(2),
        industry: r.get(3),
        stage: r.get(4),
        status: r.get(5),
        closed_reason: r.get(6),
        stage_since: r.get(7),
        applied_on: r.get(8),
        eligible: r.get(9),
        conditions_failed: r.get(10),
        dd_reports: r.get(11),
        proposed_amount: r.get(12),
        fund_stake: r.get(13),
        higher_approval_ref: r.get(14),
        resolution_id: r.get(15),
        approved: r.get(16),
        commitment: r.get(17),
        registered_capital: r.get(18),
        company_paid_in: r.get(19),
        required_cumulative: r.get(20),
        updated_on: r.get(21),
        latest_period: r.get(22),
        latest_revenue: r.get(23),
        latest_net_assets: r.get(24),
        latest_staff: r.get(25),
        latest_rd_staff: r.get(26),
        latest_registered_city: r.get(27),
        latest_going_concern: r.get(28),
        latest_report_on: r.get(29),
        triggers: r.get(30),
        supervisory_actions: r.get(31),
        sub_fund_invested: r.get(32),
        sub_fund_invested_locally: r.get(33),
    }
}

/// The projects of a fund matching `filter`, by project id, after `after` (exclusive; the
/// last id of the previous page), at most `limit`.
pub async fn projects(
    client: &impl GenericClient,
    fund_id: Uuid,
    filter: &ProjectFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ProjectSummary>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM rm_projects
                 WHERE fund_id = $1
                   AND ($2::text IS NULL OR stage = $2)
                   AND ($3::text IS NULL OR status = $3)
                   AND ($4::uuid IS NULL OR project_id > $4)
                 ORDER BY project_id LIMIT $5"
            ),
            &[
                &fund_id,
                &filter.stage,
                &filter.status,
                &after,
                &limit.max(0),
            ],
        )
        .await?;
    Ok(rows.iter().map(summary).collect())
}

/// The projects of a fund among `ids` (another fund's or an unknown id is left out), by
/// project id.
pub async fn projects_by_ids(
    client: &impl GenericClient,
    fund_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<ProjectSummary>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM rm_projects
                 WHERE fund_id = $1 AND project_id = ANY($2)
                 ORDER BY project_id"
            ),
            &[&fund_id, &ids],
        )
        .await?;
    Ok(rows.iter().map(summary).collect())
}

/// One project of a fund with every step of its history in order, if it applied to that
/// fund.
pub async fn project(
    client: &impl GenericClient,
    fund_id: Uuid,
    project_id: Uuid,
) -> Result<Option<ProjectView>, tokio_postgres::Error> {
    let Some(row) = client
        .query_opt(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM rm_projects
                 WHERE fund_id = $1 AND project_id = $2"
            ),
            &[&fund_id, &project_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let steps = client
        .query(
            "SELECT version, event_type, on_date, summary FROM rm_project_steps
             WHERE project_id = $1 ORDER BY version",
            &[&project_id],
        )
        .await?
        .iter()
        .map(|r| ProjectStep {
            version: r.get(0),
            event_type: r.get(1),
            on: r.get(2),
            summary: r.get(3),
        })
        .collect();
    Ok(Some(ProjectView {
        summary: summary(&row),
        steps,
    }))
}
