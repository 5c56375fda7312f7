//! The JSON shapes of liability-exemption cases (尽职免责, SPEC §9, Art. 22–23): the requests
//! of the case's commands, the case as read, and the evidence package.

use super::date;
use super::{Amount, LossToleranceDto};
use chrono::{DateTime, NaiveDate, Utc};
use domain::exemption::{
    ConditionOutcome, CoveredPerson, EventRef, Exemption, ExemptionPolicy, Role,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Manager staff or committee member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CoveredRole)]
pub enum RoleDto {
    /// Staff of the fund manager (基金管理机构); attests through the manager's token.
    ManagerStaff,
    /// A member of the investment committee; attests with their member token.
    CommitteeMember,
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::ManagerStaff => Role::ManagerStaff,
            RoleDto::CommitteeMember => Role::CommitteeMember,
        }
    }
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::ManagerStaff => RoleDto::ManagerStaff,
            Role::CommitteeMember => RoleDto::CommitteeMember,
        }
    }
}

/// A person the case covers (Art. 22: "相关投资决策、投资实施人员").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoveredPersonDto {
    /// The person (for a committee member, their member id as appointed).
    pub person_id: Uuid,
    /// Their name.
    #[schema(example = "张伟")]
    pub name: String,
    /// `manager_staff` or `committee_member`.
    pub role: RoleDto,
    /// Their part in the decision or its implementation.
    #[schema(example = "项目负责人,尽职调查")]
    pub part: String,
}

impl From<&CoveredPersonDto> for CoveredPerson {
    fn from(p: &CoveredPersonDto) -> Self {
        CoveredPerson {
            person_id: p.person_id,
            name: p.name.clone(),
            role: p.role.into(),
            part: p.part.clone(),
        }
    }
}

impl From<&CoveredPerson> for CoveredPersonDto {
    fn from(p: &CoveredPerson) -> Self {
        CoveredPersonDto {
            person_id: p.person_id,
            name: p.name.clone(),
            role: p.role.into(),
            part: p.part.clone(),
        }
    }
}

/// `POST /funds/{fund_id}/exemption-cases`: a case for a loss-making project. The loss is
/// not given: it is the opposite of the project's realised result on the fund's stream.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// The case's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub case_id: Option<Uuid>,
    /// The loss-making project of the fund.
    pub project_id: Uuid,
    /// The people covered, at least one, each once.
    pub covered: Vec<CoveredPersonDto>,
    /// When opened.
    #[serde(deserialize_with = "date::deserialize")]
    pub opened_on: NaiveDate,
}

/// The parameters of the post-investment conditions.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExemptionPolicy)]
pub struct PolicyDto {
    /// The longest time without a post-investment report, in months, 1 to 120 (default 6).
    #[serde(default, deserialize_with = "super::optional_at_most::<_, 120>")]
    #[schema(minimum = 1, maximum = 120)]
    pub report_interval_months: Option<u32>,
    /// The longest time from an exit trigger to an exit-plan resolution, in days, 1 to 3650
    /// (default 90).
    #[serde(default, deserialize_with = "super::optional_at_most::<_, 3650>")]
    #[schema(minimum = 1, maximum = 3650)]
    pub trigger_response_days: Option<u32>,
}

impl From<PolicyDto> for ExemptionPolicy {
    fn from(p: PolicyDto) -> Self {
        let d = ExemptionPolicy::default();
        ExemptionPolicy {
            report_interval_months: p.report_interval_months.unwrap_or(d.report_interval_months),
            trigger_response_days: p.trigger_response_days.unwrap_or(d.trigger_response_days),
        }
    }
}

/// `POST …/evaluation`: judge the procedural conditions from the event history.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// The parameters (defaults: 6 months, 90 days).
    #[serde(default)]
    pub policy: Option<PolicyDto>,
    /// The day judged up to (default today, China Standard Time).
    #[serde(default, deserialize_with = "date::option::deserialize")]
    pub as_of: Option<NaiveDate>,
}

/// `POST …/attestations`: a covered person's signed statement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestRequest {
    /// The covered person (a committee member: the token's member).
    pub person_id: Uuid,
    /// They sought no personal gain (未谋取个人利益).
    pub no_personal_gain: bool,
    /// They violated no law or regulation.
    pub no_violation_of_law: bool,
    /// The statement as signed.
    pub statement: String,
    /// When signed.
    #[serde(deserialize_with = "date::deserialize")]
    pub signed_on: NaiveDate,
}

/// An exemption of Art. 23.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Exemption)]
pub enum ExemptionDto {
    /// Art. 23(1): no negative performance evaluation (经营业绩考核).
    PerformanceEvaluation,
    /// Art. 23(2): promotion, rotation and title unaffected.
    PromotionRotationTitle,
    /// Art. 23(3): awards unaffected (评优评先).
    Awards,
}

impl From<ExemptionDto> for Exemption {
    fn from(e: ExemptionDto) -> Self {
        match e {
            ExemptionDto::PerformanceEvaluation => Exemption::PerformanceEvaluation,
            ExemptionDto::PromotionRotationTitle => Exemption::PromotionRotationTitle,
            ExemptionDto::Awards => Exemption::Awards,
        }
    }
}

impl From<Exemption> for ExemptionDto {
    fn from(e: Exemption) -> Self {
        match e {
            Exemption::PerformanceEvaluation => ExemptionDto::PerformanceEvaluation,
            Exemption::PromotionRotationTitle => ExemptionDto::PromotionRotationTitle,
            Exemption::Awards => ExemptionDto::Awards,
        }
    }
}

/// The exemptions granted to one covered person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonExemptionsDto {
    /// The person.
    pub person_id: Uuid,
    /// The exemptions, each once.
    pub exemptions: Vec<ExemptionDto>,
}

/// `POST …/determination`: the competent authority's determination; the authority is the
/// token's agency.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetermineRequest {
    /// Granted or denied.
    pub granted: bool,
    /// The document's reference.
    #[schema(example = "昆财免〔2025〕3号")]
    pub reference: String,
    /// The exemptions per covered person (only with a grant).
    #[serde(default)]
    pub exemptions: Vec<PersonExemptionsDto>,
    /// When.
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// What a case command did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseCommandResult {
    /// The fund.
    pub fund_id: Uuid,
    /// The case.
    pub case_id: Uuid,
    /// The case stream's version after the command.
    pub stream_version: i64,
    /// The global position of the last event written.
    pub global_position: i64,
    /// The events written.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// How the store cites an event: its id, stream, version, position and chained hash.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = EventRef)]
pub struct EventRefDto {
    /// The event's id.
    pub event_id: Uuid,
    /// Its stream.
    pub stream_id: String,
    /// Its stream's type (`project`, `resolution`, `fund`, `exemption_case`).
    pub stream_type: String,
    /// Its version in the stream, from 1.
    pub version: i64,
    /// Its position in the whole log.
    pub global_position: i64,
    /// Its sha256 in the stream's chain, hex.
    pub hash: String,
    /// Its type.
    pub event_type: String,
    /// Its business date.
    pub effective_date: Option<NaiveDate>,
}

impl From<&EventRef> for EventRefDto {
    fn from(r: &EventRef) -> Self {
        let r = r.clone();
        EventRefDto {
            event_id: r.event_id,
            stream_id: r.stream_id,
            stream_type: r.stream_type,
            version: r.version,
            global_position: r.global_position,
            hash: r.hash,
            event_type: r.event_type,
            effective_date: r.effective_date,
        }
    }
}

/// One procedural condition's outcome.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutcomeView {
    /// The condition, e.g. `committee_approved`.
    pub condition: String,
    /// The rule behind it, e.g. `Art. 22; Art. 14, 15(6)`.
    pub rule: String,
    /// Whether it holds.
    pub passed: bool,
    /// Why, with the dates and figures.
    pub reason: String,
    /// The events relied on.
    pub references: Vec<EventRefDto>,
}

impl From<&ConditionOutcome> for OutcomeView {
    fn from(o: &ConditionOutcome) -> Self {
        OutcomeView {
            condition: o.condition.as_str().to_owned(),
            rule: o.condition.rule().to_owned(),
            passed: o.passed,
            reason: o.reason.clone(),
            references: o.references.iter().map(EventRefDto::from).collect(),
        }
    }
}

/// An evaluation of the procedural conditions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluationView {
    /// Its index in the case, from 0 (the last one counts).
    pub index: u32,
    /// The day it judged up to.
    pub evaluated_on: NaiveDate,
    /// The parameters used.
    pub policy: PolicyDto,
    /// Whether every condition holds.
    pub passed: bool,
    /// One outcome per condition.
    pub outcomes: Vec<OutcomeView>,
}

/// A covered person's signed statement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttestationView {
    /// Who signed.
    pub person_id: Uuid,
    /// No personal gain.
    pub no_personal_gain: bool,
    /// No violation of law.
    pub no_violation_of_law: bool,
    /// The statement.
    pub statement: String,
    /// When signed.
    pub signed_on: NaiveDate,
}

/// A determination; the last one is in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeterminationView {
    /// Its index, from 0.
    pub index: u32,
    /// Granted or denied.
    pub granted: bool,
    /// The document's reference.
    pub reference: String,
    /// The authority (its agency).
    pub by: String,
    /// When.
    pub on: NaiveDate,
    /// The exemptions per person.
    pub exemptions: Vec<PersonExemptionsDto>,
    /// The evaluation it relied on.
    pub evaluation: u32,
    /// The determination it supersedes.
    pub supersedes: Option<u32>,
}

/// A case as it stands, with the fund's loss tolerance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    /// The case.
    pub case_id: Uuid,
    /// The fund.
    pub fund_id: Uuid,
    /// The loss-making project.
    pub project_id: Uuid,
    /// The loss, positive.
    pub loss: Amount,
    /// When opened.
    pub opened_on: NaiveDate,
    /// The case stream's version.
    pub stream_version: i64,
    /// `opened`, `evaluated`, `granted` or `denied` (by the determination in force).
    pub status: String,
    /// The people covered.
    pub covered: Vec<CoveredPersonDto>,
    /// Every evaluation, in order.
    pub evaluations: Vec<EvaluationView>,
    /// The attestations, by person id.
    pub attestations: Vec<AttestationView>,
    /// The covered people who have not attested.
    pub missing_attestations: Vec<Uuid>,
    /// Every determination, in order.
    pub determinations: Vec<DeterminationView>,
    /// The fund's losses against its loss tolerance (容错率).
    pub loss_tolerance: LossToleranceDto,
}

/// An event of the package: its reference and its stored payload and metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackagedEvent {
    /// How it is cited.
    pub reference: EventRefDto,
    /// The payload as stored.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Who recorded it, as stored.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
}

/// The evidence package: the case and every event it relies on (the evaluations'
/// references and the case's own events), in log order. `fundadmin verify --package` checks
/// it against the log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidencePackage {
    /// When the package was produced.
    pub generated_at: DateTime<Utc>,
    /// The case.
    pub case: CaseView,
    /// The events, by global position, each once.
    pub events: Vec<PackagedEvent>,
}
