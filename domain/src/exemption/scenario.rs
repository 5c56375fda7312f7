//! A loss-making project built by running the real aggregates, each event cited as a store
//! would cite it ([`Scenario::evidence`]).
//!
//! [`Scenario::clean`]: the fund [`FUND`] is established on 2023-01-01 (investment period to
//! 2025-12-31) and paid in; the company applies on 2024-03-01, is reviewed, researched,
//! established, its four due-diligence reports come in 2024-06-03 ..= 2024-06-20, the
//! proposal of 2,500,000 for 10% on 2024-07-01; resolution [`DECISION`] is opened by written
//! vote on 2024-07-05 and passed by 4 approvals the same day; the decision is recorded on
//! 2024-07-15, the agreement signed on 2024-08-01, the company paid in on 2024-08-10 and the
//! fund injects 2,500,000 on 2024-08-20. Reports come on 2025-01-20 and 2025-07-20 (six months
//! apart to the day); the last shows the going concern lost (trigger Art. 16(6)). The exit
//! plan [`EXIT_PLAN`] is opened on 2025-08-30 and the fund exits on 2025-10-31 for 300,000:
//! a realised loss of 2,200,000. Each broken test changes one date, or edits the evidence.

use super::test_support::{at, d, member, run, yuan, Store, DECISION, EXIT_PLAN, FUND, PROJECT};
use super::Evidence;
use crate::committee::{
    Choice, Mode, Resolution, ResolutionCommand, ResolutionEvent, SeatHolder, Subject, SubjectKind,
};
use crate::eligibility::{ApplicationFacts, IpKind};
use crate::fund::capital::{Lp, LpKind};
use crate::fund::custody::MovementKind;
use crate::fund::phases::Phase;
use crate::fund::policy::{EligibilityPolicy, FundPolicy, InvestmentPolicy};
use crate::fund::{Fund, FundCommand, FundEvent, FundKind, FundTerms};
use crate::investment::{Instrument, Proposal, Shareholder};
use crate::project::{
    CompanyReport, DecisionFacts, DueDiligenceKind, Project, ProjectCommand, ProjectEvent,
    ResearchOutcome,
};
use crate::{Aggregate, CallId, ExitId, LpId, Money, MovementId, ResolutionId};
use uuid::Uuid;

/// The dates a scenario may change.
pub struct Scenario {
    /// The fund's establishment date.
    pub established: &'static str,
    /// The company's reports; the last shows the going concern lost.
    pub reports: Vec<&'static str>,
    /// When the exit plan's resolution is opened.
    pub exit_plan: &'static str,
    /// When the fund exits.
    pub exit: &'static str,
}

/// The proposal: 2,500,000 for 10%, next to 60% and 30%.
pub fn proposal() -> Proposal {
    let row = |name: &str, stake: &str, is_fund: bool| Shareholder {
        name: name.into(),
        stake: stake.parse().unwrap(),
        is_fund,
    };
    Proposal {
        amount: yuan(2_500_000),
        higher_approval_ref: None,
        post_money_cap_table: vec![
            row("昆山市天使投资基金", "0.10", true),
            row("创始人张伟", "0.60", false),
            row("昆山创业投资有限公司", "0.30", false),
        ],
        instrument: Instrument::Equity,
        industry: "集成电路".into(),
    }
}

/// The Kunshan IC designer of the project tests, meeting every condition of Art. 13.
fn facts() -> ApplicationFacts {
    ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: "集成电路".into(),
        ip: vec![IpKind::Patent],
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
        talent_programme: None,
    }
}

/// A periodic report of the company.
fn report(period: &str, going_concern: bool) -> CompanyReport {
    CompanyReport {
        period: period.into(),
        revenue: yuan(1_000_000),
        net_assets: yuan(2_000_000),
        staff: 40,
        rd_staff: 18,
        financing_rounds: vec![],
        raising_round: false,
        registered_city: "昆山".into(),
        going_concern,
    }
}

/// The fund established on `on` with the default policy, its first tranche of 10,000,000
/// subscribed, called and paid the same day.
fn fund_setup(on: &str) -> Vec<FundCommand> {
    let (on, lp, call_id, paid) = (
        d(on),
        LpId(Uuid::from_u128(0xA001)),
        CallId(Uuid::from_u128(1)),
        MovementId(Uuid::from_u128(1)),
    );
    let terms = FundTerms {
        name: "昆山市天使投资基金".into(),
        kind: FundKind::Angel,
        total_size: yuan(100_000_000),
        establishment_date: on,
        manager: "昆山创业投资管理有限公司".into(),
        custodian: "中国工商银行昆山分行".into(),
        city: "昆山".into(),
        policy: Box::default(),
    };
    let identity = Lp {
        name: "昆山市财政局".into(),
        kind: LpKind::StateOwned,
    };
    let amount = yuan(10_000_000);
    vec![
        FundCommand::Establish {
            fund_id: FUND,
            terms,
        },
        FundCommand::OpenTranche {
            number: 1,
            size: amount,
            subscription_date: on,
        },
        FundCommand::Subscribe {
            tranche: 1,
            lp,
            identity,
            amount,
        },
        FundCommand::CallCapital {
            call_id,
            tranches: vec![1],
            amount,
            called_on: on,
            due_on: on,
        },
        FundCommand::InstructMovement {
            movement_id: paid,
            kind: MovementKind::LpPayment { call_id, lp },
            amount,
            value_date: on,
        },
        FundCommand::ConfirmMovement {
            movement_id: paid,
            executed_on: on,
        },
    ]
}

/// The pipeline from the application to the proposal.
fn pipeline() -> Vec<ProjectCommand> {
    let policy = EligibilityPolicy {
        industries: vec!["集成电路".into()],
        ..EligibilityPolicy::default()
    };
    let mut commands = vec![
        ProjectCommand::Apply {
            project_id: PROJECT,
            fund_id: FUND,
            company: "昆山芯微电子科技有限公司".into(),
            facts: facts(),
            applied_on: d("2024-03-01"),
        },
        ProjectCommand::ReviewQualification {
            policy,
            reviewed_on: d("2024-03-15"),
        },
        ProjectCommand::CompleteResearch {
            outcome: ResearchOutcome::Shortlisted,
            note: "走访企业,核实研发团队与订单".into(),
            on: d("2024-04-10"),
        },
        ProjectCommand::Establish {
            partner_opinion_ref: "工研院立项意见〔2024〕12号".into(),
            on: d("2024-05-06"),
        },
    ];
    let dates = ["2024-06-03", "2024-06-04", "2024-06-05", "2024-06-20"];
    for (kind, on) in DueDiligenceKind::ALL.into_iter().zip(dates) {
        commands.push(ProjectCommand::RecordDueDiligence {
            kind,
            provider: "第三方机构".into(),
            document_ref: format!("DD-{kind:?}-2024"),
            on: d(on),
        });
    }
    commands.push(ProjectCommand::Propose {
        proposal: proposal(),
        price: "1.50".parse().unwrap(),
        policy: InvestmentPolicy::default(),
        phase: Some(Phase::Investment),
        on: d("2024-07-01"),
    });
    commands
}

/// A written resolution of `kind` on the project for `amount`, opened at 10:00 on `day` and
/// passed by seats 1–4 an hour later.
fn ballot(id: ResolutionId, kind: SubjectKind, amount: Money, day: &str) -> Vec<ResolutionEvent> {
    let policy = FundPolicy::default().committee;
    let seats = policy.seats.iter().zip(1..).map(|(body, seat)| SeatHolder {
        seat,
        body: body.clone(),
        member: Some(member(seat)),
    });
    let open = ResolutionCommand::Open {
        resolution_id: id,
        fund_id: FUND,
        subject: Subject {
            kind,
            title: format!("昆山芯微电子 {}", kind.as_str()),
            reference: PROJECT.0.to_string(),
        },
        amount,
        mode: Mode::Written,
        deadline: at(day, 7 * 24 * 60),
        seats: seats.collect(),
        observers: vec![],
        quorum: policy.approvals_to_pass,
        written_vote_max: policy.written_vote_max,
        documents: vec![],
        now: at(day, 0),
    };
    let mut history = Vec::new();
    run::<Resolution>(&mut history, &open);
    for seat in 1..=4 {
        let vote = ResolutionCommand::CastVote {
            seat,
            choice: Choice::Approve,
            reason: None,
            now: at(day, 60),
        };
        run::<Resolution>(&mut history, &vote);
    }
    history
}

/// The decision recorded on 2024-07-15, as the caller reads `resolution`.
fn record_decision(resolution: &Resolution) -> ProjectCommand {
    let opened = resolution.opened.clone().unwrap();
    ProjectCommand::RecordDecision {
        decision: DecisionFacts {
            resolution_id: DECISION,
            fund: FUND,
            kind: opened.subject.kind,
            reference: opened.subject.reference,
            amount: opened.amount,
            mode: opened.mode,
            status: resolution.status.unwrap(),
        },
        written_vote_max: yuan(3_000_000),
        on: d("2024-07-15"),
    }
}

/// The aggregates' histories and the evidence, as the scenario runs.
#[derive(Default)]
struct Builder {
    store: Store,
    evidence: Evidence,
    fund: Vec<FundEvent>,
    project: Vec<ProjectEvent>,
}

impl Builder {
    fn fund(&mut self, commands: impl IntoIterator<Item = FundCommand>) {
        for command in commands {
            let events = run::<Fund>(&mut self.fund, &command);
            let cited = self.store.append("fund", &FUND.stream_id(), events);
            self.evidence.fund.extend(cited);
        }
    }

    fn project(&mut self, commands: impl IntoIterator<Item = ProjectCommand>) {
        for command in commands {
            let events = run::<Project>(&mut self.project, &command);
            let cited = self.store.append("project", &PROJECT.stream_id(), events);
            self.evidence.project.extend(cited);
        }
    }
}

impl Scenario {
    /// The clean project of the module doc.
    pub fn clean() -> Scenario {
        Scenario {
            established: "2023-01-01",
            reports: vec!["2025-01-20", "2025-07-20"],
            exit_plan: "2025-08-30",
            exit: "2025-10-31",
        }
    }

    /// Runs the aggregates through the scenario and cites every event.
    pub fn evidence(&self) -> Evidence {
        let mut b = Builder::default();
        b.fund(fund_setup(self.established));
        b.project(pipeline());
        let amount = yuan(2_500_000);
        let voted = ballot(DECISION, SubjectKind::Investment, amount, "2024-07-05");
        let resolution = Resolution::replay(&voted);
        b.evidence.resolution = b.store.append("resolution", &DECISION.stream_id(), voted);
        b.project([
            record_decision(&resolution),
            ProjectCommand::SignAgreement {
                commitment: amount,
                registered_capital: yuan(25_000_000),
                other_shareholders: vec!["创始人张伟".into(), "昆山创业投资有限公司".into()],
                signed_on: d("2024-08-01"),
            },
            ProjectCommand::ReportPaidIn {
                paid_in: yuan(25_000_000),
                on: d("2024-08-10"),
            },
        ]);
        let injection = MovementId(Uuid::from_u128(2));
        let required = Project::replay(&b.project).required_cumulative;
        b.fund([
            FundCommand::InstructInjection {
                movement_id: injection,
                project_id: PROJECT,
                amount,
                value_date: d("2024-08-20"),
                required_cumulative: required,
                commitment: amount,
            },
            FundCommand::ConfirmMovement {
                movement_id: injection,
                executed_on: d("2024-08-20"),
            },
        ]);
        let last = self.reports.len().saturating_sub(1);
        b.project(self.reports.iter().enumerate().map(|(n, on)| {
            ProjectCommand::ReportPostInvestment {
                report: report(&format!("R{n}"), n != last),
                on: d(on),
            }
        }));
        let plan = ballot(EXIT_PLAN, SubjectKind::Exit, yuan(300_000), self.exit_plan);
        b.evidence.exit_plans = b.store.append("resolution", &EXIT_PLAN.stream_id(), plan);
        b.fund([FundCommand::RecordExit {
            exit_id: ExitId(Uuid::from_u128(0xE005)),
            project_id: PROJECT,
            proceeds: yuan(300_000),
            cost_released: amount,
            on: d(self.exit),
            resolution_id: EXIT_PLAN,
        }]);
        b.evidence
    }
}
