//! Given a fund and its projects, when the whole report of a half-year of 2024 is folded,
//! then the compliance section reports each proposal's limits as recorded — pending or
//! decided, inside the investment period or not — and, for a guidance fund, the sub-fund
//! checks and local reinvestment as of the period end.

use super::fixture::*;
use super::fixture_builder::Builder;
use super::fixture_history::committee;
use super::full_tests::{base, fold, half};
use super::*;
use crate::committee::{Mode, Status as ResolutionStatus, SubjectKind};
use crate::fund::phases::Phase;
use crate::fund::policy::{GuidancePolicy, InvestmentPolicy};
use crate::fund::{FundCommand, FundKind, FundTerms};
use crate::guidance::{ReturnTerms, SubFundFacts, SubFundLp};
use crate::investment::Outcome;
use crate::project::{DecisionFacts, DueDiligenceKind, ProjectCommand, ResearchOutcome};

#[test]
fn compliance_reports_a_pending_decision_and_a_proposal_outside_the_investment_period() {
    let mut b = base();
    let late = proposal(yuan(1_500_000), "集成电路", "0.05", "0.70");
    // Applied 2024-05-06: proposed 2024-07-10, the caller asserting the investment period.
    b.until_proposal(project(1), FUND, "企业1", "2024-05-06", late);

    let h2 = fold(&b, half(PeriodKind::H2)).compliance;

    assert_eq!(h2.investment_period_ends, Some(d("2024-06-30")));
    assert_eq!((h2.proposals, h2.outside_investment_period), (1, 1));
    assert_eq!((h2.within_limits, h2.exceptions_approved), (1, 0));
    let line = &h2.lines[0];
    assert_eq!(
        (line.proposed_on, line.in_investment_period),
        (d("2024-07-10"), false)
    );
    assert_eq!(
        (line.decision, line.decided_on, line.resolution_id),
        (DecisionStatus::Pending, None, None)
    );
    assert_eq!((line.mode, line.approvals, line.quorum), (None, None, None));
    assert_eq!(
        (line.stake, line.largest_other_stake),
        (Some(dec("0.05")), Some(dec("0.70")))
    );
    assert_eq!(line.checks.len(), 7);
    let h1 = fold(&b, half(PeriodKind::H1)).compliance;
    assert_eq!(h1.proposals, 0, "proposed after the H1 end");
}

/// A guidance fund established 2023-01-01 (default policy) with its first tranche.
fn guidance_fund() -> Builder {
    let mut b = Builder::default();
    committee(&mut b);
    let terms = FundTerms {
        name: "昆山市产业引导基金".into(),
        kind: FundKind::Guidance,
        total_size: yuan(500_000_000),
        establishment_date: d("2023-01-01"),
        manager: "昆山创业投资管理有限公司".into(),
        custodian: "中国工商银行昆山分行".into(),
        city: "昆山".into(),
        policy: Box::default(),
    };
    b.fund([FundCommand::Establish {
        fund_id: FUND,
        terms,
    }]);
    b
}

#[test]
fn a_sub_fund_commitment_is_in_the_portfolio_and_its_reinvestment_in_compliance() {
    let mut b = guidance_fund();
    let facts = SubFundFacts {
        name: "昆山芯片产业子基金".into(),
        manager: "子基金管理人".into(),
        size: yuan(100_000_000),
        term_years: 7,
        focus: "集成电路".into(),
        other_lps: vec![SubFundLp {
            name: "社会资本甲".into(),
            commitment: yuan(30_000_000),
        }],
    };
    let mut commands = vec![
        ProjectCommand::ApplySubFund {
            project_id: project(1),
            fund_id: FUND,
            sub_fund: facts,
            applied_on: d("2024-01-05"),
        },
        ProjectCommand::ReviewQualification {
            policy: eligibility_policy(),
            reviewed_on: d("2024-01-10"),
        },
        ProjectCommand::CompleteResearch {
            outcome: ResearchOutcome::Shortlisted,
            note: "尽调".into(),
            on: d("2024-01-20"),
        },
        ProjectCommand::Establish {
            partner_opinion_ref: "立项意见".into(),
            on: d("2024-02-01"),
        },
    ];
    commands.extend(
        DueDiligenceKind::ALL.map(|kind| ProjectCommand::RecordDueDiligence {
            kind,
            provider: "第三方机构".into(),
            document_ref: format!("DD-{kind:?}"),
            on: d("2024-02-10"),
        }),
    );
    commands.extend([
        ProjectCommand::ProposeCommitment {
            commitment: yuan(15_000_000),
            return_terms: ReturnTerms::default(),
            guidance: GuidancePolicy::default(),
            prohibited_industries: InvestmentPolicy::default().prohibited_industries,
            phase: Some(Phase::Investment),
            on: d("2024-03-01"),
        },
        ProjectCommand::RecordDecision {
            decision: DecisionFacts {
                resolution_id: resolution(1),
                fund: FUND,
                kind: SubjectKind::Investment,
                reference: project(1).0.to_string(),
                amount: yuan(15_000_000),
                mode: Mode::OnSite,
                status: ResolutionStatus::Passed,
            },
            written_vote_max: yuan(3_000_000),
            on: d("2024-03-15"),
        },
        ProjectCommand::SignAgreement {
            commitment: yuan(15_000_000),
            registered_capital: yuan(100_000_000),
            other_shareholders: vec!["社会资本甲".into()],
            signed_on: d("2024-04-01"),
        },
        ProjectCommand::ReportSubFundInvestment {
            company: "昆山某芯片公司".into(),
            city: "昆山".into(),
            amount: yuan(10_000_000),
            fund_city: "昆山".into(),
            on: d("2024-06-30"),
        },
        ProjectCommand::ReportSubFundInvestment {
            company: "昆山另一公司".into(),
            city: "昆山".into(),
            amount: yuan(5_000_000),
            fund_city: "昆山".into(),
            on: d("2024-07-01"),
        },
    ]);
    b.project(project(1), commands);

    let r = fold(&b, half(PeriodKind::H1));

    let line = &r.portfolio[0];
    assert_eq!(
        (line.target, line.stake, line.commitment),
        (Some(Target::SubFund), None, m("15000000"))
    );
    let c = &r.compliance;
    let line = &c.lines[0];
    assert_eq!(
        (line.target, line.amount, line.stake),
        (Target::SubFund, m("15000000"), None)
    );
    assert_eq!(
        (line.limits_passed, line.decision),
        (true, DecisionStatus::Approved)
    );
    let names: Vec<_> = line.checks.keys().copied().collect();
    assert_eq!(
        names,
        [
            "not_largest_lp",
            "permitted_focus",
            "positive_commitment",
            "sub_fund_facts",
            "sub_fund_share"
        ]
    );
    assert!(line.checks.values().all(|c| c.outcome == Outcome::Pass));
    let share = serde_json::to_value(&line.checks["sub_fund_share"]).unwrap();
    // 20% of 100,000,000.
    assert_eq!(share["max"], "20000000.00");
    assert_eq!(c.reinvestment.len(), 1);
    let reinvested = &c.reinvestment[0].reinvestment;
    // 1.5 × 15,000,000 = 22,500,000 expected; 10,000,000 local by 2024-06-30.
    assert_eq!(
        (
            reinvested.target,
            reinvested.local,
            reinvested.shortfall,
            reinvested.behind
        ),
        (m("22500000"), m("10000000"), m("12500000"), true)
    );
    let h2 = fold(&b, half(PeriodKind::H2));
    assert_eq!(
        h2.compliance.reinvestment[0].reinvestment.local,
        m("15000000")
    );
}
