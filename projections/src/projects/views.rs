//! The views of the projects read model, as the API shows them. Wire names (stage, status,
//! event types) are the domain's; amounts are exact decimals with two places, the fund's
//! stake a fraction (0.15 is 15%); dates are `YYYY-MM-DD`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An active project on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardCard {
    /// The project.
    pub project_id: Uuid,
    /// The company.
    pub company: String,
    /// Always `active` (closed projects are only counted).
    pub status: String,
    /// When it entered its stage.
    pub stage_since: NaiveDate,
    /// Days from `stage_since` to the board's date (negative if the board is dated before).
    pub age_days: i64,
}

/// A column of the board: one stage of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardColumn {
    /// The stage (`application`, `research`, `establishment`, `due_diligence`, `decision`,
    /// `implementation`, `post_investment`).
    pub stage: String,
    /// The active projects at this stage, longest there first (by `stage_since`, then id).
    pub projects: Vec<BoardCard>,
    /// How many projects were rejected at this stage.
    pub rejected: i64,
    /// How many projects were withdrawn at this stage.
    pub withdrawn: i64,
}

/// Which projects to list; every field narrows the list, `None` does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ProjectFilter {
    /// The stage it is at (or closed at).
    pub stage: Option<String>,
    /// `active`, `rejected` or `withdrawn`.
    pub status: Option<String>,
}

/// A project as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSummary {
    /// The project.
    pub project_id: Uuid,
    /// The fund applied to.
    pub fund_id: Uuid,
    /// The company.
    pub company: String,
    /// The company's industry, as applied.
    pub industry: String,
    /// The stage it is at; for a closed project, the stage it closed at.
    pub stage: String,
    /// `active`, `rejected` or `withdrawn`.
    pub status: String,
    /// Why it was rejected or withdrawn.
    pub closed_reason: Option<String>,
    /// When it entered its stage; for a closed project, when it closed.
    pub stage_since: NaiveDate,
    /// When the company applied.
    pub applied_on: NaiveDate,
    /// Whether it passed the qualification review; `None` until reviewed.
    pub eligible: Option<bool>,
    /// How many conditions of Art. 13 failed at the review.
    pub conditions_failed: i32,
    /// How many kinds of due-diligence report are in (of four).
    pub dd_reports: i32,
    /// The amount proposed to the committee.
    pub proposed_amount: Option<Decimal>,
    /// The fund's stake after the investment, as proposed.
    pub fund_stake: Option<Decimal>,
    /// The approval lifting the per-project limit, if the proposal has one.
    pub higher_approval_ref: Option<String>,
    /// The committee resolution that decided the proposal.
    pub resolution_id: Option<Uuid>,
    /// Whether the committee approved; `None` until decided.
    pub approved: Option<bool>,
    /// The fund's commitment, once the agreement is signed.
    pub commitment: Option<Decimal>,
    /// The company's registered capital after the investment.
    pub registered_capital: Option<Decimal>,
    /// The company's paid-in capital as last reported.
    pub company_paid_in: Option<Decimal>,
    /// What the fund must have paid in total after that report (Art. 11).
    pub required_cumulative: Option<Decimal>,
    /// The period of the company's latest periodic report, e.g. `2024-H2`.
    pub latest_period: Option<String>,
    /// Its revenue for that period.
    pub latest_revenue: Option<Decimal>,
    /// Its net assets at the period's end.
    pub latest_net_assets: Option<Decimal>,
    /// Its staff.
    pub latest_staff: Option<i64>,
    /// Its R&D staff.
    pub latest_rd_staff: Option<i64>,
    /// The city it was registered in.
    pub latest_registered_city: Option<String>,
    /// Whether it could continue as a going concern.
    pub latest_going_concern: Option<bool>,
    /// When that report was received.
    pub latest_report_on: Option<NaiveDate>,
    /// The exit triggers of Art. 16 raised, each once, in the order raised (e.g.
    /// `moved_out_of_city`).
    pub triggers: Vec<String>,
    /// How many supervisory actions (Art. 21) were recorded.
    pub supervisory_actions: i32,
    /// A sub-fund's portfolio investments reported so far; `None` for a company.
    pub sub_fund_invested: Option<Decimal>,
    /// Those of them in the guidance fund's city (local reinvestment, 返投); `None` for a
    /// company.
    pub sub_fund_invested_locally: Option<Decimal>,
    /// The date of its latest step.
    pub updated_on: NaiveDate,
}

/// One step of a project's history: one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectStep {
    /// The event's number in the project's stream, from 1.
    pub version: i64,
    /// The event type, e.g. `QualificationReviewed`.
    pub event_type: String,
    /// The step's date.
    pub on: NaiveDate,
    /// What it recorded (the event's fields, without the application's facts and the limits
    /// checked, which the event log keeps).
    pub summary: serde_json::Value,
}

/// A project with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectView {
    /// What a list shows (its fields are inlined in JSON).
    #[serde(flatten)]
    pub summary: ProjectSummary,
    /// Every step, in order.
    pub steps: Vec<ProjectStep>,
}
