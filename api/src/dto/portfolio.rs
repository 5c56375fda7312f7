//! The JSON shapes of the portfolio read: each investment's money from the capital read model,
//! joined by project with what the projects read model holds of the company (its name, stage
//! and status, the fund's stake, its latest periodic report and the exit triggers raised),
//! and, for a commitment to a sub-fund, its local reinvestment (返投) against the target; and
//! each exit.

use super::reads::amount;
use super::{Amount, ReinvestmentDto};
use chrono::NaiveDate;
use projections::capital::{ExitView, InvestmentView};
use projections::projects::ProjectSummary;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// An investment of the fund: the company, its commitment and what was paid, released and
/// realised, and how the company stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvestmentDto {
    /// The project.
    pub project_id: Uuid,
    /// The company (absent only while the projects read model has not caught up).
    #[schema(example = "昆山芯片科技")]
    pub company: Option<String>,
    /// The project's stage (`post_investment` once the agreement is signed).
    #[schema(example = "post_investment")]
    pub stage: Option<String>,
    /// `active`, `rejected` or `withdrawn`.
    #[schema(example = "active")]
    pub status: Option<String>,
    /// The fund's stake after the investment, as proposed: a decimal fraction (0.15 is 15%).
    #[schema(example = "0.15")]
    pub fund_stake: Option<String>,
    /// The company's latest periodic report: `period`, `revenue`, `net_assets` (amounts),
    /// `staff`, `rd_staff`, `registered_city`, `going_concern` and `on` (when received);
    /// absent before the first.
    #[schema(value_type = Option<Object>)]
    pub latest_report: Option<Value>,
    /// The exit triggers of Art. 16 raised, in the order raised (e.g. `moved_out_of_city`).
    pub triggers: Vec<String>,
    /// The commitment (the agreement's).
    pub commitment: Amount,
    /// What the company's paid-in ratio requires the fund to have paid (Art. 11).
    pub required_cumulative: Amount,
    /// Injections instructed, confirmed or not.
    pub instructed: Amount,
    /// Injections confirmed: the cost.
    pub paid: Amount,
    /// Commitment not yet paid.
    pub unpaid_commitment: Amount,
    /// Cost released by exits.
    pub cost_released: Amount,
    /// Cost not yet exited.
    pub cost_not_exited: Amount,
    /// Proceeds of its exits.
    pub proceeds: Amount,
    /// Realised gain (negative: loss).
    pub realised: Amount,
    /// For a commitment to a sub-fund: its investments in local companies against the
    /// commitment × the fund's `policy.guidance.reinvestment_multiple` (SPEC §10); absent for
    /// a company.
    pub reinvestment: Option<ReinvestmentDto>,
}

/// The latest report of a project's row, if it has one.
fn latest_report(p: &ProjectSummary) -> Option<Value> {
    let on = p.latest_report_on?;
    Some(json!({
        "period": p.latest_period,
        "revenue": p.latest_revenue.map(amount),
        "net_assets": p.latest_net_assets.map(amount),
        "staff": p.latest_staff,
        "rd_staff": p.latest_rd_staff,
        "registered_city": p.latest_registered_city,
        "going_concern": p.latest_going_concern,
        "on": on,
    }))
}

impl InvestmentDto {
    /// From the investment's money and the project's row (`None`: not in the projects read
    /// model yet, the company's fields are left empty), a sub-fund's reinvestment counted
    /// against `multiple` × the commitment.
    pub fn new(i: InvestmentView, project: Option<&ProjectSummary>, multiple: Decimal) -> Self {
        let reinvestment = project
            .and_then(|p| p.sub_fund_invested_locally)
            .map(|local| {
                domain::guidance::reinvestment(amount(local).0, amount(i.commitment).0, multiple)
                    .into()
            });
        InvestmentDto {
            project_id: i.project_id,
            company: project.map(|p| p.company.clone()),
            stage: project.map(|p| p.stage.clone()),
            status: project.map(|p| p.status.clone()),
            fund_stake: project.and_then(|p| p.fund_stake).map(|s| s.to_string()),
            latest_report: project.and_then(latest_report),
            triggers: project.map(|p| p.triggers.clone()).unwrap_or_default(),
            commitment: amount(i.commitment),
            required_cumulative: amount(i.required_cumulative),
            instructed: amount(i.instructed),
            paid: amount(i.paid),
            unpaid_commitment: amount(i.unpaid_commitment),
            cost_released: amount(i.cost_released),
            cost_not_exited: amount(i.cost_not_exited),
            proceeds: amount(i.proceeds),
            realised: amount(i.realised),
            reinvestment,
        }
    }
}

/// An exit or write-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExitDto {
    /// The exit.
    pub exit_id: Uuid,
    /// The project.
    pub project_id: Uuid,
    /// Proceeds (zero: a write-off).
    pub proceeds: Amount,
    /// Cost released.
    pub cost_released: Amount,
    /// Proceeds less cost.
    pub realised: Amount,
    /// When.
    pub on: NaiveDate,
    /// The exit plan's resolution.
    pub resolution_id: Uuid,
    /// Proceeds received at the custodian.
    pub received: Amount,
}

impl From<ExitView> for ExitDto {
    fn from(e: ExitView) -> Self {
        ExitDto {
            exit_id: e.exit_id,
            project_id: e.project_id,
            proceeds: amount(e.proceeds),
            cost_released: amount(e.cost_released),
            realised: amount(e.realised),
            on: e.on,
            resolution_id: e.resolution_id,
            received: amount(e.received),
        }
    }
}

/// The fund's investments and exits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PortfolioDto {
    /// Each investment, by project id.
    pub investments: Vec<InvestmentDto>,
    /// Each exit, by date.
    pub exits: Vec<ExitDto>,
}

impl PortfolioDto {
    /// The investments joined with the rows of their projects (by project id), sub-funds'
    /// reinvestment counted against the fund's `reinvestment_multiple`, and the exits.
    pub fn new(
        investments: Vec<InvestmentView>,
        projects: Vec<ProjectSummary>,
        exits: Vec<ExitView>,
        reinvestment_multiple: Decimal,
    ) -> Self {
        let projects: HashMap<Uuid, ProjectSummary> =
            projects.into_iter().map(|p| (p.project_id, p)).collect();
        PortfolioDto {
            investments: investments
                .into_iter()
                .map(|i| {
                    let project = projects.get(&i.project_id);
                    InvestmentDto::new(i, project, reinvestment_multiple)
                })
                .collect(),
            exits: exits.into_iter().map(ExitDto::from).collect(),
        }
    }
}
