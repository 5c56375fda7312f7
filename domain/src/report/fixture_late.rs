//! The annual fixture, continued (see `fixture_history.rs`): the 2024 pipeline, the events
//! after the period end, the liability-exemption cases, and [`annual`] putting it together.

use super::fixture::*;
use super::fixture_builder::Builder;
use super::fixture_history::*;
use crate::committee::membership::{Appointment, CommitteeCommand, CommitteeEvent};
use crate::committee::{Choice, Mode, ResolutionCommand, SubjectKind};
use crate::exemption::{
    self, CoveredPerson, EventRef, Evidence, ExemptionCommand, ExemptionPolicy, Role,
};
use crate::fund::custody::MovementKind;
use crate::fund::FundCommand;
use crate::project::{ProjectCommand, ResearchOutcome};
use crate::{DomainEvent, FundId, Money};

use Choice::{Abstain, Approve, Recuse, Reject};

/// The 2024 pipeline: P4 to P7, P9 of another fund, and R6.
pub fn pipeline(b: &mut Builder) {
    let p4 = proposal(yuan(2_000_000), "新材料", "0.08", "0.62");
    b.until_proposal(project(4), FUND, "昆山绿源新材料", "2024-02-01", p4);
    b.ballot(Ballot {
        id: resolution(6),
        fund: FUND,
        kind: SubjectKind::Investment,
        title: "绿源新材料投资",
        reference: project(4).0.to_string(),
        amount: yuan(2_000_000),
        mode: Mode::Written,
        day: d("2024-04-11"),
        votes: vec![(1, Reject), (2, Abstain)],
        comments: vec![],
    });
    b.record_decision(project(4), resolution(6), FUND, "2024-04-16");
    let apply = |p, fund: FundId, company: &str, staff, on: &str| ProjectCommand::Apply {
        project_id: project(p),
        fund_id: fund,
        company: company.into(),
        facts: facts("新材料", staff),
        applied_on: d(on),
    };
    let review = |on: &str| ProjectCommand::ReviewQualification {
        policy: eligibility_policy(),
        reviewed_on: d(on),
    };
    b.project(
        project(9),
        [apply(9, OTHER_FUND, "外地企业", 40, "2024-03-01")],
    );
    b.project(
        project(5),
        [
            apply(5, FUND, "昆山大型制造", 250, "2024-06-03"),
            review("2024-06-10"),
        ],
    );
    b.project(
        project(6),
        [
            apply(6, FUND, "昆山新能材料", 30, "2024-07-01"),
            review("2024-07-15"),
            ProjectCommand::CompleteResearch {
                outcome: ResearchOutcome::FollowUp,
                note: "继续跟踪".into(),
                on: d("2024-07-31"),
            },
            ProjectCommand::Withdraw {
                reason: "企业撤回申请".into(),
                on: d("2024-09-01"),
            },
        ],
    );
}

/// The exits of 2024, with the proceeds, the distribution and call 3 between them.
pub fn exits(b: &mut Builder) {
    let mut r4 = ballot(4, SubjectKind::Exit, "博瑞生物部分退出", 2, yuan(2_000_000));
    (r4.day, r4.comments) = (d("2024-08-01"), vec![(observer(2), "同意退出方案")]);
    b.ballot(r4);
    let record = |n, p, proceeds, cost, on: &str, r| FundCommand::RecordExit {
        exit_id: exit(n),
        project_id: project(p),
        proceeds: yuan(proceeds),
        cost_released: yuan(cost),
        on: d(on),
        resolution_id: resolution(r),
    };
    b.fund([record(1, 2, 2_000_000, 1_250_000, "2024-09-30", 4)]);
    let proceeds = MovementKind::ExitProceeds { exit_id: exit(1) };
    b.pay(proceeds, yuan(2_000_000), "2024-10-15");
    b.fund([FundCommand::DeclareDistribution {
        distribution_id: distribution(),
        amount: yuan(1_300_000),
        declared_on: d("2024-10-20"),
    }]);
    for (n, amount) in [(1, 700_000), (2, 400_000), (3, 200_000)] {
        let kind = MovementKind::Distribution {
            distribution_id: distribution(),
            lp: lp(n),
        };
        b.pay(kind, yuan(amount), "2024-10-25");
    }
    b.fund([call_capital(3, 2, 6_000_000, "2024-11-01", "2024-11-30")]);
    let mut r5 = ballot(5, SubjectKind::Exit, "智图人工智能核销", 3, Money::ZERO);
    (r5.day, r5.votes) = (d("2024-11-15"), vec![(3, Recuse)]);
    r5.votes.extend([1, 2, 4, 5].map(|s| (s, Approve)));
    b.ballot(r5);
    lp_pays(b, 3, 1, 2_000_000, "2024-11-20");
    b.fund([record(2, 3, 0, 3_000_000, "2024-11-30", 5)]);
}

/// The events recorded in 2024-12 and after the period end.
fn year_end(b: &mut Builder) {
    let apply = |p, on: &str| ProjectCommand::Apply {
        project_id: project(p),
        fund_id: FUND,
        company: format!("昆山新申请{p}"),
        facts: facts("人工智能", 20),
        applied_on: d(on),
    };
    exemption_cases(b);
    b.ballot(Ballot {
        id: resolution(7),
        fund: FUND,
        kind: SubjectKind::Other,
        title: "2025年度工作计划",
        reference: String::new(),
        amount: Money::ZERO,
        mode: Mode::Written,
        day: d("2024-12-30"),
        votes: vec![],
        comments: vec![],
    });
    b.project(project(7), [apply(7, "2024-12-31")]);
    b.project(project(8), [apply(8, "2025-01-02")]);
    for (seat, minute) in [(1, 0), (2, 1), (4, 2), (5, 3)] {
        let vote = ResolutionCommand::CastVote {
            seat,
            choice: Approve,
            reason: None,
            now: at(d("2025-01-02"), minute),
        };
        b.resolution(resolution(7), vote);
    }
    b.fund([FundCommand::AssessFee {
        year: 2024,
        today: d("2025-01-03"),
    }]);
    b.pay(
        MovementKind::FeePayment { year: 2024 },
        m("451061.64"),
        "2025-01-08",
    );
    let pays = MovementKind::LpPayment {
        call_id: call(3),
        lp: lp(3),
    };
    b.pay(pays, yuan(4_000_000), "2025-01-10");
    b.committee(CommitteeCommand::AppointMember {
        fund_id: FUND,
        seat_bodies: crate::fund::policy::FundPolicy::default().committee.seats,
        seat: 2,
        member: member(7),
        name: "委员7".into(),
        appointed_on: d("2025-01-15"),
    });
    b.committee(CommitteeCommand::AppointObserver {
        fund_id: FUND,
        observer: observer(4),
        name: "观察员4".into(),
        body: "花桥经济开发区".into(),
    });
    reported(
        b,
        1,
        report("2024-H2", 9_900_000, 26_000_000, 70),
        "2025-01-20",
    );
    attest(b, member(1).0, "2025-01-05");
    b.case(
        case(1),
        ExemptionCommand::Determine {
            granted: false,
            reference: "昆科创〔2025〕3号".into(),
            exemptions: vec![],
            by: "昆山市科创办".into(),
            on: d("2025-02-01"),
        },
    );
}

fn attest(b: &mut Builder, person: uuid::Uuid, on: &str) {
    b.case(
        case(1),
        ExemptionCommand::Attest {
            person_id: person,
            no_personal_gain: true,
            no_violation_of_law: true,
            statement: "本人未谋取个人利益,未违反法律法规".into(),
            signed_on: d(on),
        },
    );
}

/// `events` cited as a store would cite them, from global position `from`.
fn cite<E: DomainEvent>(stream: &str, kind: &str, events: &[E], from: i64) -> Vec<(EventRef, E)> {
    let refs = events
        .iter()
        .zip(from..)
        .zip(1..)
        .map(|((e, position), version)| {
            let reference = EventRef {
                event_id: uuid::Uuid::from_u128(0xEE00_0000 + position as u128),
                stream_id: stream.to_owned(),
                stream_type: kind.to_owned(),
                version,
                global_position: position,
                hash: format!("{position:064x}"),
                event_type: e.event_type().to_owned(),
                effective_date: e.effective_date(),
            };
            (reference, e.clone())
        });
    refs.collect()
}

/// Case C1 for P3 (its written-off loss), evaluated from the streams as they stand on
/// 2024-12-15, one attestation in 2024; case C2 of another fund.
fn exemption_cases(b: &mut Builder) {
    let covered = vec![
        CoveredPerson {
            person_id: STAFF,
            name: "李明".into(),
            role: Role::ManagerStaff,
            part: "项目负责人,尽职调查".into(),
        },
        CoveredPerson {
            person_id: member(1).0,
            name: "委员1".into(),
            role: Role::CommitteeMember,
            part: "投资决策".into(),
        },
    ];
    let open = |n, fund, p, loss, covered, on: &str| ExemptionCommand::Open {
        case_id: case(n),
        fund_id: fund,
        project_id: project(p),
        loss,
        covered,
        opened_on: d(on),
    };
    b.case(
        case(1),
        open(1, FUND, 3, yuan(3_000_000), covered.clone(), "2024-12-10"),
    );
    let evidence = Evidence {
        project: cite("p3", "project", &b.projects[&project(3)], 1),
        resolution: cite("r3", "resolution", &b.resolutions[&resolution(3)], 1000),
        fund: cite("fund", "fund", &b.fund, 2000),
        exit_plans: cite("r5", "resolution", &b.resolutions[&resolution(5)], 3000),
    };
    let policy = ExemptionPolicy::default();
    let on = d("2024-12-15");
    b.case(
        case(1),
        ExemptionCommand::RecordEvaluation {
            outcomes: exemption::evaluate(&evidence, &policy, on),
            policy,
            evaluated_on: on,
        },
    );
    attest(b, STAFF, "2024-12-20");
    let other = covered[..1].to_vec();
    b.case(
        case(2),
        open(2, OTHER_FUND, 9, yuan(100_000), other, "2024-06-01"),
    );
}

/// The whole fixture history.
pub fn annual() -> Builder {
    let mut b = Builder::default();
    committee(&mut b);
    establish(&mut b);
    investments(&mut b);
    year_2024(&mut b);
    year_end(&mut b);
    // Another fund's appointment in the list given: ignored.
    b.committee.push(CommitteeEvent::MemberAppointed {
        fund_id: OTHER_FUND,
        seat: 1,
        appointment: Appointment {
            member: member(91),
            name: "委员91".into(),
            body: "财政局".into(),
            since: d("2024-01-01"),
        },
        replaces: None,
    });
    b
}

/// The report of `period` on the whole fixture history.
pub fn annual_report(period: super::Period) -> super::Report {
    let lists = annual().lists(false);
    super::report(&lists.inputs(), &period).unwrap()
}

/// The annual period of 2024.
pub fn year_2024_period() -> super::Period {
    super::Period {
        kind: super::PeriodKind::Annual,
        year: 2024,
    }
}
