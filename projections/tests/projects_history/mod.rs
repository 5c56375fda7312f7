//! A pipeline history for the projects read-model tests, written through the repository of
//! the domain's `Project` aggregate, with the projection caught up.
//!
//! Every company meets the seven conditions of Art. 13 under [`eligibility_policy`] (its
//! industries configured); a review against a policy without industries rejects it. Proposals
//! are of 3,000,000 for 15% under `InvestmentPolicy::default()`, decided on site.

use chrono::NaiveDate;
use domain::committee::{Mode, Status as ResolutionStatus, SubjectKind};
use domain::eligibility::{ApplicationFacts, IpKind};
use domain::fund::phases::Phase;
use domain::fund::policy::{EligibilityPolicy, InvestmentPolicy};
use domain::investment::{Instrument, Proposal, Shareholder};
use domain::project::{DecisionFacts, DueDiligenceKind, Project, ProjectCommand, ResearchOutcome};
use domain::{FundId, Money, ProjectId, ResolutionId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed, TestDb};
use eventstore::{EventStore, Metadata, Metrics, Repository};
use projections::projects::ProjectsProjection;
use projections::runner::{catch_up, setup};
use uuid::Uuid;

mod batched;
pub mod post;
mod sub_fund;

/// A date.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// The proposed (decided, committed) amount.
pub const AMOUNT: i64 = 3_000_000;
/// The company's registered capital after the investment.
pub const REGISTERED: i64 = 10_000_000;

/// A Kunshan IC designer meeting every condition of Art. 13 on the dates used here.
pub fn facts() -> ApplicationFacts {
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
        talent_programme: Some("昆山市创新创业领军人才计划".into()),
    }
}

/// The Kunshan eligibility policy with its industries configured.
pub fn eligibility_policy() -> EligibilityPolicy {
    EligibilityPolicy {
        industries: vec!["集成电路".into(), "生物医药".into()],
        ..EligibilityPolicy::default()
    }
}

/// 3,000,000 of equity for 15%, next to 55% and 30%, in 集成电路.
pub fn proposal() -> Proposal {
    let holder = |name: &str, stake: &str, is_fund| Shareholder {
        name: name.into(),
        stake: stake.parse().unwrap(),
        is_fund,
    };
    Proposal {
        amount: yuan(AMOUNT),
        higher_approval_ref: None,
        post_money_cap_table: vec![
            holder("昆山市天使投资基金", "0.15", true),
            holder("创始人张伟", "0.55", false),
            holder("昆山创业投资有限公司", "0.30", false),
        ],
        instrument: Instrument::Equity,
        industry: "集成电路".into(),
    }
}

/// A fresh database with the projects projection set up, and the repository writing the
/// history.
pub struct History {
    /// The database.
    pub db: TestDb,
    /// Its event store.
    pub store: EventStore,
    /// Shared by every catch-up.
    pub metrics: Metrics,
    projects: Repository<Project>,
    appended: usize,
}

fn ctx() -> CommandContext {
    CommandContext::new(Metadata::new("manager", "manager"))
}

impl History {
    /// A fresh database, the projection set up, nothing appended.
    pub async fn new() -> Self {
        let db = test_db().await;
        setup::<ProjectsProjection>(&db.pool).await.unwrap();
        let store = db.store();
        History {
            projects: Repository::new(store.clone(), 10),
            store,
            db,
            metrics: Metrics::new(),
            appended: 0,
        }
    }

    /// Runs a command on a project.
    pub async fn run(&mut self, project: ProjectId, command: ProjectCommand) {
        let outcome = self
            .projects
            .execute(&project.stream_id(), &command, &ctx())
            .await
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        self.appended += outcome.events.len();
    }

    /// A company applies to `fund` on `on`; the new project.
    pub async fn apply(&mut self, fund: FundId, company: &str, on: &str) -> ProjectId {
        let project = ProjectId(Uuid::now_v7());
        let command = ProjectCommand::Apply {
            project_id: project,
            fund_id: fund,
            company: company.into(),
            facts: facts(),
            applied_on: d(on),
        };
        self.run(project, command).await;
        project
    }

    /// The qualification review against `policy` on `on`.
    pub async fn review(&mut self, project: ProjectId, policy: EligibilityPolicy, on: &str) {
        let command = ProjectCommand::ReviewQualification {
            policy,
            reviewed_on: d(on),
        };
        self.run(project, command).await;
    }

    /// The research's finding on `on`.
    pub async fn research(&mut self, project: ProjectId, outcome: ResearchOutcome, on: &str) {
        let command = ProjectCommand::CompleteResearch {
            outcome,
            note: "走访企业,核实研发团队与订单".into(),
            on: d(on),
        };
        self.run(project, command).await;
    }

    /// Reviewed (passed) on 2024-03-15, shortlisted on 2024-04-10, established on 2024-05-06.
    pub async fn establish(&mut self, project: ProjectId) {
        self.review(project, eligibility_policy(), "2024-03-15")
            .await;
        self.research(project, ResearchOutcome::Shortlisted, "2024-04-10")
            .await;
        let command = ProjectCommand::Establish {
            partner_opinion_ref: "工研院立项意见〔2024〕12号".into(),
            on: d("2024-05-06"),
        };
        self.run(project, command).await;
    }

    /// A due-diligence report of `kind` on `on`.
    pub async fn report(&mut self, project: ProjectId, kind: DueDiligenceKind, on: &str) {
        let command = ProjectCommand::RecordDueDiligence {
            kind,
            provider: "立信会计师事务所".into(),
            document_ref: format!("DD-{kind:?}"),
            on: d(on),
        };
        self.run(project, command).await;
    }

    /// Established, the four reports in June, proposed on 2024-07-01.
    pub async fn propose(&mut self, project: ProjectId) {
        self.establish(project).await;
        for (kind, on) in DueDiligenceKind::ALL.into_iter().zip(3..) {
            self.report(project, kind, &format!("2024-06-{on:02}"))
                .await;
        }
        let command = ProjectCommand::Propose {
            proposal: proposal(),
            price: "1.50".parse().unwrap(),
            policy: InvestmentPolicy::default(),
            phase: Some(Phase::Investment),
            on: d("2024-07-01"),
        };
        self.run(project, command).await;
    }

    /// The committee's resolution on the project (on site, for [`AMOUNT`]) recorded with
    /// `status` on `on`; the resolution.
    pub async fn decide(
        &mut self,
        fund: FundId,
        project: ProjectId,
        status: ResolutionStatus,
        on: &str,
    ) -> ResolutionId {
        let resolution = ResolutionId(Uuid::now_v7());
        let command = ProjectCommand::RecordDecision {
            decision: DecisionFacts {
                resolution_id: resolution,
                fund,
                kind: SubjectKind::Investment,
                reference: project.0.to_string(),
                amount: yuan(AMOUNT),
                mode: Mode::OnSite,
                status,
            },
            written_vote_max: yuan(3_000_000),
            on: d(on),
        };
        self.run(project, command).await;
        resolution
    }

    /// The agreement for [`AMOUNT`] on [`REGISTERED`], signed on `on`.
    pub async fn sign(&mut self, project: ProjectId, on: &str) {
        let command = ProjectCommand::SignAgreement {
            commitment: yuan(AMOUNT),
            registered_capital: yuan(REGISTERED),
            other_shareholders: vec!["创始人张伟".into(), "昆山创业投资有限公司".into()],
            signed_on: d(on),
        };
        self.run(project, command).await;
    }

    /// Catches the projection up with everything appended.
    pub async fn catch_up(&self) {
        wait_for_feed(&self.store, self.appended).await;
        catch_up(
            &ProjectsProjection,
            &self.db.pool,
            &self.store,
            &self.metrics,
        )
        .await
        .unwrap();
    }

    /// Events appended so far.
    pub fn appended(&self) -> usize {
        self.appended
    }
}

/// The projects of the history, in creation (and id) order.
pub struct Projects {
    /// Applied on 2024-03-01, not reviewed yet.
    pub applied: ProjectId,
    /// Reviewed on 2024-03-15, kept in follow-up on 2024-04-01: still in research.
    pub follow_up: ProjectId,
    /// Established on 2024-05-06; the commercial report twice and the legal one.
    pub diligence: ProjectId,
    /// Decided 2024-07-15, signed 2024-08-01, 3,000,000 paid in on 2024-09-01; reported
    /// 2024-H1 from 上海 on 2024-09-10 (moved out of the city: a trigger detected), an
    /// existing shareholder's offer recorded on 2024-09-12, a veto on 2024-09-15, and
    /// 2024-Q3 reported from 上海 again on 2024-09-20 (no trigger raised again).
    pub invested: ProjectId,
    /// Its resolution.
    pub invested_resolution: ResolutionId,
    /// Decided 2024-07-15: in implementation.
    pub implementing: ProjectId,
    /// Rejected at the review on 2024-03-20: no industries configured.
    pub ineligible: ProjectId,
    /// Withdrawn on 2024-04-20 after the shortlisting.
    pub withdrawn: ProjectId,
    /// Its resolution failed on 2024-07-20: rejected at the decision.
    pub turned_down: ProjectId,
    /// Applied on 2024-02-20, not reviewed yet.
    pub early: ProjectId,
}

/// The history of a fund's pipeline (see [`Projects`]), caught up.
pub async fn history(h: &mut History, fund: FundId) -> Projects {
    let applied = h.apply(fund, "昆山甲科技有限公司", "2024-03-01").await;

    let follow_up = h.apply(fund, "昆山乙智能有限公司", "2024-03-01").await;
    h.review(follow_up, eligibility_policy(), "2024-03-15")
        .await;
    h.research(follow_up, ResearchOutcome::FollowUp, "2024-04-01")
        .await;

    let diligence = h.apply(fund, "昆山丙微电子有限公司", "2024-03-01").await;
    h.establish(diligence).await;
    for (kind, on) in [
        (DueDiligenceKind::Commercial, "2024-06-03"),
        (DueDiligenceKind::Legal, "2024-06-04"),
        (DueDiligenceKind::Commercial, "2024-06-05"),
    ] {
        h.report(diligence, kind, on).await;
    }
    h.catch_up().await;

    let invested = h.apply(fund, "昆山丁半导体有限公司", "2024-03-01").await;
    h.propose(invested).await;
    let invested_resolution = h
        .decide(fund, invested, ResolutionStatus::Passed, "2024-07-15")
        .await;
    h.sign(invested, "2024-08-01").await;
    let paid_in = ProjectCommand::ReportPaidIn {
        paid_in: yuan(3_000_000),
        on: d("2024-09-01"),
    };
    h.run(invested, paid_in).await;
    post::post_investment(h, invested).await;

    let implementing = h.apply(fund, "昆山戊芯片有限公司", "2024-03-01").await;
    h.propose(implementing).await;
    h.decide(fund, implementing, ResolutionStatus::Passed, "2024-07-15")
        .await;
    h.catch_up().await;

    let ineligible = h.apply(fund, "昆山己材料有限公司", "2024-03-05").await;
    h.review(ineligible, EligibilityPolicy::default(), "2024-03-20")
        .await;

    let withdrawn = h.apply(fund, "昆山庚光电有限公司", "2024-03-01").await;
    h.review(withdrawn, eligibility_policy(), "2024-03-15")
        .await;
    h.research(withdrawn, ResearchOutcome::Shortlisted, "2024-04-10")
        .await;
    let withdraw = ProjectCommand::Withdraw {
        reason: "企业撤回申请".into(),
        on: d("2024-04-20"),
    };
    h.run(withdrawn, withdraw).await;

    let turned_down = h.apply(fund, "昆山辛生物有限公司", "2024-03-01").await;
    h.propose(turned_down).await;
    h.decide(fund, turned_down, ResolutionStatus::Failed, "2024-07-20")
        .await;

    let early = h.apply(fund, "昆山壬软件有限公司", "2024-02-20").await;
    h.catch_up().await;
    Projects {
        applied,
        follow_up,
        diligence,
        invested,
        invested_resolution,
        implementing,
        ineligible,
        withdrawn,
        turned_down,
        early,
    }
}
