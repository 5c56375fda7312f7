//! The JSON shapes of the project pipeline (SPEC §3): applications, reviews, research,
//! establishment, due diligence, proposals, decisions, agreements and paid-in reports.

use super::date;
use super::Amount;
use chrono::NaiveDate;
use domain::eligibility::ApplicationFacts;
use domain::investment::Proposal;
use domain::project::{DueDiligenceKind, ResearchOutcome};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /funds/{fund_id}/projects`: a company applies (申请投资).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The project's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub project_id: Option<Uuid>,
    /// The company's name.
    #[schema(example = "昆山某某科技有限公司", min_length = 1, max_length = 2000)]
    pub company: String,
    /// The facts the qualification review checks (Art. 13): `registered_city`,
    /// `operating_city`, `independent_legal_person`, `industry`, `ip`,
    /// `business_model_company`, `alternative_qualifications`, `staff`, `rd_staff`,
    /// `clear_ownership`, `subsidiary_of_large_group`, `annual_revenue`, `net_assets`,
    /// `rd_spending`, `founded_on`, `talent_programme` (see docs/API.md).
    #[schema(value_type = Object)]
    #[serde(deserialize_with = "facts")]
    pub facts: ApplicationFacts,
    /// The application date.
    #[schema(example = "2024-03-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub applied_on: NaiveDate,
}

/// A step dated `on`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// When: not before the previous step.
    #[schema(example = "2024-03-15")]
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// What the research found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ResearchOutcome)]
pub enum ResearchOutcomeDto {
    /// Shortlisted for establishment.
    Shortlisted,
    /// Kept in follow-up.
    FollowUp,
}

impl From<ResearchOutcomeDto> for ResearchOutcome {
    fn from(o: ResearchOutcomeDto) -> Self {
        match o {
            ResearchOutcomeDto::Shortlisted => ResearchOutcome::Shortlisted,
            ResearchOutcomeDto::FollowUp => ResearchOutcome::FollowUp,
        }
    }
}

/// `POST …/research`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResearchRequest {
    /// Shortlisted or follow-up.
    pub outcome: ResearchOutcomeDto,
    /// What the research found.
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/establishment` (立项).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstablishRequest {
    /// The partner institution's opinion.
    #[schema(example = "工研院意见〔2024〕12号", min_length = 1, max_length = 2000)]
    pub partner_opinion_ref: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// Which due-diligence report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DueDiligenceKind)]
pub enum DueDiligenceKindDto {
    /// Commercial.
    Commercial,
    /// Legal.
    Legal,
    /// Financial.
    Financial,
    /// The expert review.
    ExpertReview,
}

impl From<DueDiligenceKindDto> for DueDiligenceKind {
    fn from(k: DueDiligenceKindDto) -> Self {
        match k {
            DueDiligenceKindDto::Commercial => DueDiligenceKind::Commercial,
            DueDiligenceKindDto::Legal => DueDiligenceKind::Legal,
            DueDiligenceKindDto::Financial => DueDiligenceKind::Financial,
            DueDiligenceKindDto::ExpertReview => DueDiligenceKind::ExpertReview,
        }
    }
}

/// `POST …/due-diligence`: a report by a named third party (or the experts).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DueDiligenceRequest {
    /// Which report.
    pub kind: DueDiligenceKindDto,
    /// Who made it.
    #[schema(example = "江苏某某律师事务所", min_length = 1, max_length = 2000)]
    pub provider: String,
    /// The document's reference.
    #[schema(example = "DD-L-2024-031", min_length = 1, max_length = 2000)]
    pub document_ref: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/proposal`: the investment proposal, checked against the limits.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeRequest {
    /// `amount`, `higher_approval_ref`, `post_money_cap_table` (`[{name, stake, is_fund}]`,
    /// stakes as decimal strings), `instrument` (`equity`, …) and `industry` (see
    /// docs/API.md).
    #[schema(value_type = Object)]
    pub proposal: Proposal,
    /// The price per unit of registered capital.
    #[schema(value_type = String, example = "1.50")]
    pub price: Decimal,
    /// When: the fund must be in its investment period that day.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/decision`: record the committee resolution that decided the proposal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The resolution (subject `investment`, reference the project's id).
    pub resolution_id: Uuid,
    /// When recorded.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/agreement`: the investment agreement is signed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementRequest {
    /// The fund's commitment: the amount decided.
    pub commitment: Amount,
    /// The company's registered capital after the investment.
    pub registered_capital: Amount,
    /// The other shareholders, who pay in step with the fund.
    #[serde(default)]
    pub other_shareholders: Vec<String>,
    /// When signed.
    #[serde(deserialize_with = "date::deserialize")]
    pub signed_on: NaiveDate,
}

/// `POST …/paid-in`: the company reports its paid-in capital.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidInRequest {
    /// The company's paid-in capital (实缴资本).
    pub paid_in: Amount,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/rejection` or `…/withdrawal`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseProjectRequest {
    /// Why.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// What a command on a project did, and where the project stands after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectCommandResult {
    /// The fund.
    pub fund_id: Uuid,
    /// The project.
    pub project_id: Uuid,
    /// The project stream's version after the command.
    pub stream_version: i64,
    /// The global position of the last event written.
    pub global_position: i64,
    /// The stage now.
    #[schema(example = "research")]
    pub stage: String,
    /// `active`, `rejected` or `withdrawn`.
    #[schema(example = "active")]
    pub status: String,
    /// The events the command recorded, as stored (`type` and `data`).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// `POST …/injections`: the manager instructs a payment to the company (the custodian then
/// confirms it as any movement).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectionRequest {
    /// The movement's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub movement_id: Option<Uuid>,
    /// How much: at most what the company's paid-in ratio requires less what is instructed.
    pub amount: Amount,
    /// Its value date.
    #[serde(deserialize_with = "date::deserialize")]
    pub value_date: NaiveDate,
}

/// `POST …/exits`: an exit decided by the committee, partial or whole; zero proceeds is a
/// write-off.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitRequest {
    /// The exit's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub exit_id: Option<Uuid>,
    /// The proceeds (`"0.00"` for a write-off).
    pub proceeds: Amount,
    /// The cost of the investment released by this exit.
    pub cost_released: Amount,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
    /// The committee resolution that decided the exit plan (subject `exit`, reference the
    /// project's id, passed).
    pub resolution_id: Uuid,
}

/// What `POST …/exits` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExitResult {
    /// Versions and position of the fund stream.
    #[serde(flatten)]
    pub command: super::FundCommandResult,
    /// The exit.
    pub exit_id: Uuid,
    /// Proceeds less the cost released (negative: a loss).
    pub realised: Amount,
}

/// `POST …/reports`: the company's periodic post-investment report.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `period`, `revenue`, `net_assets`, `staff`, `rd_staff`, `financing_rounds`
    /// (`[{closed_on, amount}]`), `raising_round`, `registered_city`, `going_concern`.
    #[schema(value_type = Object)]
    #[serde(deserialize_with = "company_report")]
    pub report: domain::project::CompanyReport,
    /// When received.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/triggers`: the manager records an exit trigger (2, 3, 4 or 7 of Art. 16).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerRequest {
    /// `goals_reached`, `shareholder_buyer`, `third_party_buyer` or `contractual`.
    #[schema(value_type = String, example = "shareholder_buyer")]
    pub trigger: domain::project::Trigger,
    /// What shows it.
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/supervisory-actions`: a veto or a termination (Art. 21).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisoryRequest {
    /// `veto` or `termination`.
    #[schema(value_type = String, example = "veto")]
    pub action: domain::project::SupervisoryAction,
    /// Why: the violation of law or the misuse of funds.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// Reads a domain type from JSON whose dates at `paths` (each a list of keys, `*` for every
/// element of an array) are checked as the API's own ([`date::parse`]) before the type reads
/// them: chrono alone takes signed and five-digit years.
fn with_dates<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
    paths: &[&[&str]],
) -> Result<T, D::Error> {
    fn check(value: &Value, path: &[&str], at: String) -> Result<(), String> {
        match (path.split_first(), value) {
            (None, Value::String(s)) => {
                date::parse(s).map(|_| ()).map_err(|e| format!("{at}: {e}"))
            }
            (Some((&"*", rest)), Value::Array(items)) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check(v, rest, format!("{at}[{i}]"))),
            (Some((key, rest)), Value::Object(map)) => match map.get(*key) {
                Some(v) if at.is_empty() => check(v, rest, (*key).to_owned()),
                Some(v) => check(v, rest, format!("{at}.{key}")),
                None => Ok(()),
            },
            // Other shapes are for the type to refuse.
            _ => Ok(()),
        }
    }
    let value = Value::deserialize(d)?;
    for path in paths {
        check(&value, path, String::new()).map_err(serde::de::Error::custom)?;
    }
    serde_json::from_value(value).map_err(serde::de::Error::custom)
}

/// The facts of an application, `founded_on` a date of the API's range.
fn facts<'de, D: Deserializer<'de>>(d: D) -> Result<ApplicationFacts, D::Error> {
    with_dates(d, &[&["founded_on"]])
}

/// A company report, each financing round's `closed_on` a date of the API's range.
fn company_report<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<domain::project::CompanyReport, D::Error> {
    with_dates(d, &[&["financing_rounds", "*", "closed_on"]])
}
