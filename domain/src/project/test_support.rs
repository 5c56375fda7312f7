//! Helpers shared by the project aggregate's tests (`tests.rs`, `proposal_tests.rs`,
//! `flow_tests.rs`).
//!
//! One company ([`COMPANY`], a Kunshan IC designer meeting every condition of Art. 13) applies
//! on [`APPLIED`] to the fund [`FUND`] as project [`PROJECT`]. The happy path then runs on
//! fixed, increasing dates: reviewed [`REVIEWED`] against [`eligibility_policy`] (industries
//! configured), researched, established, the four due-diligence reports, the proposal of
//! [`AMOUNT`] (3,333,333.33 for 15%: above the 3,000,000 written-vote limit, so decided on
//! site) under [`investment_policy`], the decision (resolution [`RESOLUTION`]), and the
//! agreement on a registered capital of [`REGISTERED`] yuan.

use super::{
    DecisionFacts, DueDiligenceKind, Project, ProjectCommand, ProjectError, ProjectEvent,
    ResearchOutcome, Stage,
};
use crate::aggregate::given;
use crate::committee::SubjectKind;
use crate::committee::{Mode, Status as ResolutionStatus};
use crate::eligibility::{ApplicationFacts, IpKind};
use crate::fund::phases::Phase;
use crate::fund::policy::{EligibilityPolicy, InvestmentPolicy};
use crate::investment::{Instrument, Proposal, Shareholder};
use crate::{FundId, Money, ProjectId, Rejection, ResolutionId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

/// What a project command decides.
pub type Decided = Result<Vec<ProjectEvent>, ProjectError>;

/// The project.
pub const PROJECT: ProjectId = ProjectId(Uuid::from_u128(0x1001));
/// The fund applied to.
pub const FUND: FundId = FundId(Uuid::from_u128(0x2001));
/// The committee resolution deciding the proposal.
pub const RESOLUTION: ResolutionId = ResolutionId(Uuid::from_u128(0x3001));
/// The company.
pub const COMPANY: &str = "昆山芯微电子科技有限公司";
/// The application date.
pub const APPLIED: &str = "2024-03-01";
/// The qualification review's date.
pub const REVIEWED: &str = "2024-03-15";
/// The research's date.
pub const RESEARCHED: &str = "2024-04-10";
/// The establishment's date.
pub const ESTABLISHED: &str = "2024-05-06";
/// The proposal's date.
pub const PROPOSED: &str = "2024-07-01";
/// The decision's date.
pub const DECIDED: &str = "2024-07-15";
/// The agreement's date.
pub const SIGNED: &str = "2024-08-01";
/// The proposed (and decided, and committed) amount.
pub const AMOUNT: &str = "3333333.33";
/// The company's registered capital after the investment, in yuan.
pub const REGISTERED: i64 = 10_000_000;
/// The partner institution's opinion (立项意见).
pub const OPINION: &str = "工研院立项意见〔2024〕12号";
/// The other shareholders of the agreement.
pub const OTHERS: [&str; 2] = ["创始人张伟", "昆山创业投资有限公司"];

/// Every stage, in order.
pub const STAGES: [Stage; 7] = [
    Stage::Application,
    Stage::Research,
    Stage::Establishment,
    Stage::DueDiligence,
    Stage::Decision,
    Stage::Implementation,
    Stage::PostInvestment,
];

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An amount such as `"3333333.33"`.
pub fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// A decimal such as `"0.2001"`.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A company meeting every condition of Art. 13 under [`eligibility_policy`] on [`APPLIED`].
pub fn facts() -> ApplicationFacts {
    ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: "集成电路".into(),
        ip: vec![IpKind::Patent, IpKind::IcLayoutDesign],
        business_model_company: false,
        alternative_qualifications: vec![],
        staff: 45,
        rd_staff: 20,
        clear_ownership: true,
        subsidiary_of_large_group: false,
        annual_revenue: yuan(3_500_000),
        net_assets: yuan(8_000_000),
        rd_spending: yuan(1_200_000),
        founded_on: d("2021-05-20"),
        talent_programme: Some("昆山市创新创业领军人才计划".into()),
    }
}

/// The Kunshan eligibility policy with its industries configured.
pub fn eligibility_policy() -> EligibilityPolicy {
    EligibilityPolicy {
        industries: vec!["集成电路".into(), "生物医药".into(), "人工智能".into()],
        ..EligibilityPolicy::default()
    }
}

/// The default limits (5,000,000 per project, 20%), with two prohibited industries.
pub fn investment_policy() -> InvestmentPolicy {
    InvestmentPolicy {
        prohibited_industries: vec!["钢铁冶炼".into(), "电解铝".into()],
        ..InvestmentPolicy::default()
    }
}

/// A row of a post-money cap table.
pub fn holder(name: &str, stake: &str, is_fund: bool) -> Shareholder {
    Shareholder {
        name: name.into(),
        stake: dec(stake),
        is_fund,
    }
}

/// The fund at `fund`, then the other shareholders with their stakes.
pub fn cap_table(fund: &str, others: &[(&str, &str)]) -> Vec<Shareholder> {
    let mut rows = vec![holder("昆山市天使投资基金", fund, true)];
    rows.extend(
        others
            .iter()
            .map(|(name, stake)| holder(name, stake, false)),
    );
    rows
}

/// Equity of `amount` for 15%, next to 55% and 30%, in 集成电路, without a higher approval.
pub fn proposal_of(amount: Money) -> Proposal {
    Proposal {
        amount,
        higher_approval_ref: None,
        post_money_cap_table: cap_table("0.15", &[(OTHERS[0], "0.55"), (OTHERS[1], "0.30")]),
        instrument: Instrument::Equity,
        industry: "集成电路".into(),
    }
}

/// The happy path's proposal, of [`AMOUNT`].
pub fn proposal() -> Proposal {
    proposal_of(money(AMOUNT))
}

/// The company applies on [`APPLIED`].
pub fn apply() -> ProjectCommand {
    ProjectCommand::Apply {
        project_id: PROJECT,
        fund_id: FUND,
        company: COMPANY.into(),
        facts: facts(),
        applied_on: d(APPLIED),
    }
}

/// The qualification review against `policy` on [`REVIEWED`].
pub fn review(policy: EligibilityPolicy) -> ProjectCommand {
    ProjectCommand::ReviewQualification {
        policy,
        reviewed_on: d(REVIEWED),
    }
}

/// The research's finding on [`RESEARCHED`].
pub fn research(outcome: ResearchOutcome) -> ProjectCommand {
    ProjectCommand::CompleteResearch {
        outcome,
        note: "走访企业,核实研发团队与订单".into(),
        on: d(RESEARCHED),
    }
}

/// Establishment with [`OPINION`] on [`ESTABLISHED`].
pub fn establish() -> ProjectCommand {
    ProjectCommand::Establish {
        partner_opinion_ref: OPINION.into(),
        on: d(ESTABLISHED),
    }
}

/// Who makes a report of `kind`, its reference and its date.
pub fn report_of(kind: DueDiligenceKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        DueDiligenceKind::Commercial => ("江苏商务咨询有限公司", "DD-C-2024-031", "2024-06-03"),
        DueDiligenceKind::Legal => ("昆山正衡律师事务所", "DD-L-2024-032", "2024-06-04"),
        DueDiligenceKind::Financial => ("立信会计师事务所", "DD-F-2024-033", "2024-06-05"),
        DueDiligenceKind::ExpertReview => ("专家评审组", "DD-E-2024-034", "2024-06-20"),
    }
}

/// The report of `kind`, as [`report_of`] describes it.
pub fn due_diligence(kind: DueDiligenceKind) -> ProjectCommand {
    let (provider, document_ref, on) = report_of(kind);
    ProjectCommand::RecordDueDiligence {
        kind,
        provider: provider.into(),
        document_ref: document_ref.into(),
        on: d(on),
    }
}

/// `proposal` under `policy` in `phase`, at 1.50 per unit of registered capital, on
/// [`PROPOSED`].
pub fn propose_in(
    proposal: Proposal,
    policy: InvestmentPolicy,
    phase: Option<Phase>,
) -> ProjectCommand {
    ProjectCommand::Propose {
        proposal,
        price: dec("1.50"),
        policy,
        phase,
        on: d(PROPOSED),
    }
}

/// `proposal` under [`investment_policy`] in the investment period.
pub fn propose(proposal: Proposal) -> ProjectCommand {
    propose_in(proposal, investment_policy(), Some(Phase::Investment))
}

/// Resolution [`RESOLUTION`] of [`FUND`] on this project for [`AMOUNT`], as read.
pub fn resolution(status: ResolutionStatus, mode: Mode) -> DecisionFacts {
    DecisionFacts {
        resolution_id: RESOLUTION,
        fund: FUND,
        kind: SubjectKind::Investment,
        reference: PROJECT.0.to_string(),
        amount: money(AMOUNT),
        mode,
        status,
    }
}

/// Recording `decision` on [`DECIDED`], with the default 3,000,000 written-vote limit.
pub fn record(decision: DecisionFacts) -> ProjectCommand {
    ProjectCommand::RecordDecision {
        decision,
        written_vote_max: yuan(3_000_000),
        on: d(DECIDED),
    }
}

/// The agreement for `commitment` on [`REGISTERED`] with [`OTHERS`], on [`SIGNED`].
pub fn sign(commitment: Money) -> ProjectCommand {
    ProjectCommand::SignAgreement {
        commitment,
        registered_capital: yuan(REGISTERED),
        other_shareholders: OTHERS.iter().map(|s| (*s).to_owned()).collect(),
        signed_on: d(SIGNED),
    }
}

/// The company reports `paid_in` on `on`.
pub fn report(paid_in: Money, on: &str) -> ProjectCommand {
    ProjectCommand::ReportPaidIn { paid_in, on: d(on) }
}

/// The fund rejects the project on `on`.
pub fn reject(reason: &str, on: &str) -> ProjectCommand {
    ProjectCommand::Reject {
        reason: reason.into(),
        on: d(on),
    }
}

/// The applicant withdraws on `on`.
pub fn withdraw(reason: &str, on: &str) -> ProjectCommand {
    ProjectCommand::Withdraw {
        reason: reason.into(),
        on: d(on),
    }
}

/// `command` with its date replaced by `day`.
pub fn dated(mut command: ProjectCommand, day: &str) -> ProjectCommand {
    let day = d(day);
    match &mut command {
        ProjectCommand::Apply { applied_on: on, .. }
        | ProjectCommand::ApplySubFund { applied_on: on, .. }
        | ProjectCommand::ReviewQualification {
            reviewed_on: on, ..
        }
        | ProjectCommand::SignAgreement { signed_on: on, .. }
        | ProjectCommand::CompleteResearch { on, .. }
        | ProjectCommand::Establish { on, .. }
        | ProjectCommand::RecordDueDiligence { on, .. }
        | ProjectCommand::Propose { on, .. }
        | ProjectCommand::ProposeCommitment { on, .. }
        | ProjectCommand::ReportSubFundInvestment { on, .. }
        | ProjectCommand::RecordDecision { on, .. }
        | ProjectCommand::ReportPaidIn { on, .. }
        | ProjectCommand::ReportPostInvestment { on, .. }
        | ProjectCommand::RecordTrigger { on, .. }
        | ProjectCommand::RecordSupervisoryAction { on, .. }
        | ProjectCommand::Reject { on, .. }
        | ProjectCommand::Withdraw { on, .. } => *on = day,
    }
    command
}

/// The happy path's commands that bring a new project to `stage` (at due diligence, with
/// every report in, ready for the proposal).
pub fn path_to(stage: Stage) -> Vec<ProjectCommand> {
    let mut path = vec![apply()];
    let steps: [(Stage, Vec<ProjectCommand>); 6] = [
        (Stage::Research, vec![review(eligibility_policy())]),
        (
            Stage::Establishment,
            vec![research(ResearchOutcome::Shortlisted)],
        ),
        (
            Stage::DueDiligence,
            std::iter::once(establish())
                .chain(DueDiligenceKind::ALL.map(due_diligence))
                .collect(),
        ),
        (Stage::Decision, vec![propose(proposal())]),
        (
            Stage::Implementation,
            vec![record(resolution(ResolutionStatus::Passed, Mode::OnSite))],
        ),
        (Stage::PostInvestment, vec![sign(money(AMOUNT))]),
    ];
    for (reached, commands) in steps {
        if reached > stage {
            break;
        }
        path.extend(commands);
    }
    path
}

/// The history of a project brought to `stage` by [`path_to`].
pub fn reach(stage: Stage) -> Vec<ProjectEvent> {
    after(&[], &path_to(stage))
}

/// The history of a project just established: due diligence with no report in.
pub fn established() -> Vec<ProjectEvent> {
    after(&reach(Stage::Establishment), &[establish()])
}

/// `history` followed by the events of each command in turn; panics on a refusal.
pub fn after(history: &[ProjectEvent], commands: &[ProjectCommand]) -> Vec<ProjectEvent> {
    let mut all = history.to_vec();
    for command in commands {
        let events = given::<Project>(&all)
            .when(command)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        all.extend(events);
    }
    all
}

/// The refusal of a decision, with its code and rule; panics if it was accepted.
pub fn refusal(decided: Decided) -> (ProjectError, &'static str, Option<&'static str>) {
    let err = decided.expect_err("the command should be refused");
    let (code, rule) = (err.code(), err.rule());
    (err, code, rule)
}

/// One command of each kind bound to a stage, with that stage: each is accepted on the
/// happy path's history at its stage.
pub fn stage_commands() -> Vec<(Stage, ProjectCommand)> {
    vec![
        (Stage::Application, review(eligibility_policy())),
        (Stage::Research, research(ResearchOutcome::Shortlisted)),
        (Stage::Establishment, establish()),
        (
            Stage::DueDiligence,
            due_diligence(DueDiligenceKind::Commercial),
        ),
        (Stage::DueDiligence, propose(proposal())),
        (
            Stage::Decision,
            record(resolution(ResolutionStatus::Passed, Mode::OnSite)),
        ),
        (Stage::Implementation, sign(money(AMOUNT))),
        (Stage::PostInvestment, report(yuan(3_000_000), "2024-09-01")),
    ]
}

/// Every command but `Apply`: the stage-bound ones, a rejection and a withdrawal.
pub fn every_command_but_apply() -> Vec<ProjectCommand> {
    let mut commands: Vec<ProjectCommand> = stage_commands().into_iter().map(|(_, c)| c).collect();
    commands.push(reject("不符合投资方向", "2025-12-31"));
    commands.push(withdraw("企业撤回申请", "2025-12-31"));
    commands
}
