//! Given a fund (the fixture's, established 2023-01-01, investment period to 2024-06-30) and
//! its other streams, when the whole report of a half-year of 2024 is folded, then each
//! section sees exactly the events effective by the period end — one on the last day counts,
//! one the day after does not — counts the period from its first day, and ignores the
//! streams of other funds. Resolutions and exemption cases: `governance_tests.rs`; the
//! compliance section: `compliance_tests.rs`.

use super::fixture::*;
use super::fixture_builder::Builder;
use super::fixture_history::{committee, establish};
use super::*;
use crate::committee::membership::{Appointment, CommitteeEvent};
use crate::committee::{Mode, Status as ResolutionStatus, SubjectKind};
use crate::project::{CompanyReport, DecisionFacts, ProjectCommand, Stage, Trigger};

/// The fixture's fund and committee, with no project yet.
pub(super) fn base() -> Builder {
    let mut b = Builder::default();
    committee(&mut b);
    establish(&mut b);
    b
}

pub(super) fn half(kind: PeriodKind) -> Period {
    Period { kind, year: 2024 }
}

pub(super) fn fold(b: &Builder, period: Period) -> Report {
    let lists = b.lists(false);
    report(&lists.inputs(), &period).unwrap()
}

fn apply(p: u128, fund: crate::FundId, on: &str) -> ProjectCommand {
    ProjectCommand::Apply {
        project_id: project(p),
        fund_id: fund,
        company: format!("企业{p}"),
        facts: facts("集成电路", 40),
        applied_on: d(on),
    }
}

fn review(on: &str) -> ProjectCommand {
    ProjectCommand::ReviewQualification {
        policy: eligibility_policy(),
        reviewed_on: d(on),
    }
}

/// Project `p` of `fund` invested: applied 2023-09-01, proposed 2023-11-05 for 2,000,000 and
/// 10%, decided (as passed, in writing) on 2023-11-15, agreement signed on 2023-11-20.
fn invested(b: &mut Builder, p: u128, fund: crate::FundId) {
    let proposal = proposal(yuan(2_000_000), "集成电路", "0.10", "0.60");
    b.until_proposal(
        project(p),
        fund,
        &format!("企业{p}"),
        "2023-09-01",
        proposal,
    );
    let decision = DecisionFacts {
        resolution_id: resolution(p),
        fund,
        kind: SubjectKind::Investment,
        reference: project(p).0.to_string(),
        amount: yuan(2_000_000),
        mode: Mode::Written,
        status: ResolutionStatus::Passed,
    };
    b.project(
        project(p),
        [
            ProjectCommand::RecordDecision {
                decision,
                written_vote_max: yuan(3_000_000),
                on: d("2023-11-15"),
            },
            ProjectCommand::SignAgreement {
                commitment: yuan(2_000_000),
                registered_capital: yuan(20_000_000),
                other_shareholders: vec!["创始人".into()],
                signed_on: d("2023-11-20"),
            },
        ],
    );
}

fn company_report(going_concern: bool) -> CompanyReport {
    CompanyReport {
        period: "2024-H1".into(),
        revenue: yuan(1_000_000),
        net_assets: yuan(2_000_000),
        staff: 40,
        rd_staff: 10,
        financing_rounds: vec![],
        raising_round: false,
        registered_city: "昆山".into(),
        going_concern,
    }
}

#[test]
fn an_undated_event_takes_the_date_of_the_previous_one_in_its_stream() {
    let appointed = |n: u128, on: &str| CommitteeEvent::MemberAppointed {
        fund_id: FUND,
        seat: 1,
        appointment: Appointment {
            member: member(n),
            name: format!("委员{n}"),
            body: "财政局".into(),
            since: d(on),
        },
        replaces: None,
    };
    let observed = |n: u128| CommitteeEvent::ObserverAppointed {
        fund_id: FUND,
        observer: observer(n),
        details: crate::committee::membership::Observer {
            name: format!("观察员{n}"),
            body: "昆山开发区".into(),
        },
    };
    let stream = [
        observed(1),
        appointed(1, "2024-12-31"),
        observed(2),
        appointed(2, "2025-01-01"),
        observed(3),
    ];

    let counted = effective_in_stream(&stream, d("2024-12-31"));

    // The first has no dated neighbour before it; the second follows an appointment on the
    // period end; the third one the day after.
    assert_eq!(counted, vec![&stream[0], &stream[1], &stream[2]]);
}

#[test]
fn a_report_received_on_the_period_end_is_the_latest_and_one_the_day_after_is_not() {
    let mut b = base();
    invested(&mut b, 1, FUND);
    let report_on = |going_concern, on: &str| ProjectCommand::ReportPostInvestment {
        report: company_report(going_concern),
        on: d(on),
    };
    b.project(
        project(1),
        [
            report_on(true, "2024-06-30"),
            report_on(false, "2024-07-01"),
        ],
    );

    let h1 = fold(&b, half(PeriodKind::H1));
    let h2 = fold(&b, half(PeriodKind::H2));

    let line = &h1.portfolio[0];
    assert_eq!((line.project_id, line.reports), (project(1), 1));
    let latest = line.latest_report.as_ref().unwrap();
    assert_eq!((latest.on, latest.going_concern), (d("2024-06-30"), true));
    assert_eq!(
        (line.triggers.clone(), line.last_trigger_on),
        (vec![], None)
    );
    // Nothing paid yet: the money columns are zero and there is no multiple.
    assert_eq!(
        (line.paid, line.moic, line.fully_exited),
        (m("0"), None, false)
    );
    assert_eq!(
        (line.commitment, line.stake),
        (m("2000000"), Some(dec("0.10")))
    );
    let line = &h2.portfolio[0];
    let latest = line.latest_report.as_ref().unwrap();
    assert_eq!(
        (line.reports, latest.on, latest.going_concern),
        (2, d("2024-07-01"), false)
    );
    assert_eq!(line.triggers, vec![Trigger::GoingConcernLost]);
    assert_eq!(line.last_trigger_on, Some(d("2024-07-01")));
    assert_eq!(h2.pipeline.post_investment_reports, 1);
    assert_eq!(h2.pipeline.triggers_raised, 1);
}

#[test]
fn applications_count_from_the_period_start_to_its_end_inclusive() {
    let mut b = base();
    b.project(
        project(1),
        [apply(1, FUND, "2023-12-31"), review("2024-01-01")],
    );
    b.project(project(2), [apply(2, FUND, "2024-06-30")]);
    b.project(project(3), [apply(3, FUND, "2024-07-01")]);

    let h1 = fold(&b, half(PeriodKind::H1)).pipeline;
    let h2 = fold(&b, half(PeriodKind::H2)).pipeline;

    // P1 applied the day before the period (not counted) but was reviewed on its first day;
    // P2 applied on its last day; P3 the day after.
    assert_eq!(
        (h1.applications, h1.qualified, h1.projects, h1.active),
        (1, 1, 2, 2)
    );
    let standing = |s: &PipelineStats| -> Vec<(Stage, u32)> {
        s.stages
            .iter()
            .filter(|c| c.active > 0)
            .map(|c| (c.stage, c.active))
            .collect()
    };
    assert_eq!(
        standing(&h1),
        vec![(Stage::Application, 1), (Stage::Research, 1)]
    );
    assert_eq!((h2.applications, h2.qualified, h2.projects), (1, 0, 3));
    assert_eq!(
        standing(&h2),
        vec![(Stage::Application, 2), (Stage::Research, 1)]
    );
    assert_eq!(h1.stages.len(), 7);
    assert_eq!((h1.proposed_amount, h1.committed), (m("0"), m("0")));
}

#[test]
fn a_project_of_another_fund_is_ignored_in_every_section() {
    let mut b = base();
    invested(&mut b, 9, OTHER_FUND);
    b.project(project(8), [apply(8, OTHER_FUND, "2024-03-01")]);

    let r = fold(&b, half(PeriodKind::H1));

    assert!(r.portfolio.is_empty(), "{:?}", r.portfolio);
    assert_eq!((r.pipeline.applications, r.pipeline.projects), (0, 0));
    assert_eq!(r.compliance.proposals, 0);
    assert!(r.compliance.lines.is_empty());
}
