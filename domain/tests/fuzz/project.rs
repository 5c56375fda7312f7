//! A project driven by random sequences of all seventeen of its commands, as a company's
//! direct investment or a guidance fund's commitment to a sub-fund.
//!
//! Each command is drawn near the happy path (the facts of a company meeting every condition
//! of Art. 13, a proposal within the limits, a resolution on this project with the proposed
//! amount, the agreement on the decided commitment) with one thing at a time put wrong
//! (a failed condition, a stake of 20.01%, a fen too much, another fund's resolution, a
//! guarantee…), on days mostly a few days after the last step. About half the steps are
//! `Advance`: the happy path's next step for the stage the project is at. So random sequences
//! go through the whole pipeline and off it at every stage. The commands are built in
//! [`super::project_command`], the invariants are in [`super::project_check`].

use super::project_check;
use super::project_command::command;
use super::support::{amt, config, forward_day, text, Amt, Day, Stream};
use domain::committee::{Mode, Status};
use domain::fund::phases::Phase;
use domain::project::{DueDiligenceKind, Project, ProjectCommand, SupervisoryAction, Trigger};
use proptest::prelude::*;

/// A project command, with its facts as variations of the happy path and amounts and days
/// still to resolve against the state.
#[derive(Debug, Clone)]
pub enum Op {
    /// The happy path's next step for the stage the project is at (`seed` picks among the
    /// post-investment steps), `days` after the last step.
    Advance {
        seed: u8,
        days: i32,
    },
    Apply {
        company: String,
        facts: u8,
        on: Day,
    },
    ApplySubFund {
        facts: u8,
        on: Day,
    },
    Review {
        industries: bool,
        on: Day,
    },
    Research {
        shortlisted: bool,
        note: String,
        on: Day,
    },
    Establish {
        opinion: String,
        on: Day,
    },
    DueDiligence {
        kind: DueDiligenceKind,
        provider: String,
        document: String,
        on: Day,
    },
    Propose {
        amount: Amt,
        table: u8,
        price: i64,
        phase: Option<Phase>,
        on: Day,
    },
    ProposeCommitment {
        commitment: Amt,
        terms: u8,
        prohibited: bool,
        phase: Option<Phase>,
        on: Day,
    },
    Decide {
        wrong: u8,
        mode: Mode,
        status: Status,
        on: Day,
    },
    Sign {
        commitment: Amt,
        registered: Amt,
        others: Vec<String>,
        on: Day,
    },
    PaidIn {
        paid: Amt,
        on: Day,
    },
    Report {
        report: Report,
        on: Day,
    },
    SubFundInvestment {
        company: String,
        city: String,
        amount: Amt,
        fund_city: String,
        on: Day,
    },
    Trigger {
        trigger: Trigger,
        note: String,
        on: Day,
    },
    Supervise {
        action: SupervisoryAction,
        reason: String,
        on: Day,
    },
    Reject {
        reason: String,
        on: Day,
    },
    Withdraw {
        reason: String,
        on: Day,
    },
}

/// A post-investment report, as variations.
#[derive(Debug, Clone)]
pub struct Report {
    pub period: String,
    pub revenue: Amt,
    pub staff: u32,
    pub rd_staff: u32,
    /// Rounds closed this many days after the agreement, of these amounts.
    pub rounds: Vec<(i32, Amt)>,
    pub raising: bool,
    pub city: String,
    pub going_concern: bool,
}

/// Mostly the happy variation (0), otherwise one of `n` things wrong.
fn variation(n: u8) -> impl Strategy<Value = u8> {
    prop_oneof![6 => Just(0u8), 1 => 1..=n]
}

fn phase() -> impl Strategy<Value = Option<Phase>> {
    prop_oneof![
        8 => Just(Some(Phase::Investment)),
        1 => prop_oneof![Just(None), Just(Some(Phase::Exit)), Just(Some(Phase::Extension)), Just(Some(Phase::Liquidation))],
    ]
}

fn report() -> impl Strategy<Value = Report> {
    let city = prop_oneof![4 => Just("昆山".to_owned()), 1 => Just("上海".to_owned()), 1 => text()];
    (
        prop_oneof![4 => Just("2024-H2".to_owned()), 1 => text()],
        amt(),
        0u32..=300,
        0u32..=300,
        prop::collection::vec((-30i32..=400, amt()), 0..=3),
        any::<bool>(),
        city,
        prop::bool::weighted(0.8),
    )
        .prop_map(
            |(period, revenue, staff, rd_staff, rounds, raising, city, going_concern)| Report {
                period,
                revenue,
                staff,
                rd_staff,
                rounds,
                raising,
                city,
                going_concern,
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    let dd = prop_oneof![
        Just(DueDiligenceKind::Commercial),
        Just(DueDiligenceKind::Legal),
        Just(DueDiligenceKind::Financial),
        Just(DueDiligenceKind::ExpertReview),
    ];
    let status = prop_oneof![6 => Just(Status::Passed), 1 => Just(Status::Failed), 1 => Just(Status::Lapsed), 1 => Just(Status::Open)];
    let mode = prop_oneof![Just(Mode::OnSite), Just(Mode::Written)];
    let trigger = prop::sample::select(vec![
        Trigger::NextRoundCompleted,
        Trigger::GoalsReached,
        Trigger::ShareholderBuyer,
        Trigger::ThirdPartyBuyer,
        Trigger::MovedOutOfCity,
        Trigger::GoingConcernLost,
        Trigger::Contractual,
    ]);
    let action = prop_oneof![
        Just(SupervisoryAction::Veto),
        Just(SupervisoryAction::Termination)
    ];
    let d = forward_day;
    prop_oneof![
        30 => (any::<u8>(), 0i32..=20).prop_map(|(seed, days)| Op::Advance { seed, days }),
        1 => (text(), variation(8), d()).prop_map(|(company, facts, on)| Op::Apply { company, facts, on }),
        1 => (variation(5), d()).prop_map(|(facts, on)| Op::ApplySubFund { facts, on }),
        3 => (prop::bool::weighted(0.9), d()).prop_map(|(industries, on)| Op::Review { industries, on }),
        3 => (prop::bool::weighted(0.8), text(), d()).prop_map(|(shortlisted, note, on)| Op::Research { shortlisted, note, on }),
        3 => (text(), d()).prop_map(|(opinion, on)| Op::Establish { opinion, on }),
        6 => (dd, text(), text(), d()).prop_map(|(kind, provider, document, on)| Op::DueDiligence { kind, provider, document, on }),
        3 => (amt(), variation(7), prop_oneof![8 => Just(1i64), 1 => -1i64..=0], phase(), d())
            .prop_map(|(amount, table, price, phase, on)| Op::Propose { amount, table, price, phase, on }),
        3 => (amt(), variation(2), prop::bool::weighted(0.1), phase(), d())
            .prop_map(|(commitment, terms, prohibited, phase, on)| Op::ProposeCommitment { commitment, terms, prohibited, phase, on }),
        4 => (variation(5), mode, status, d()).prop_map(|(wrong, mode, status, on)| Op::Decide { wrong, mode, status, on }),
        3 => (amt(), amt(), prop::collection::vec(text(), 0..=2), d())
            .prop_map(|(commitment, registered, others, on)| Op::Sign { commitment, registered, others, on }),
        3 => (amt(), d()).prop_map(|(paid, on)| Op::PaidIn { paid, on }),
        3 => (report(), d()).prop_map(|(report, on)| Op::Report { report, on }),
        2 => (text(), prop_oneof![Just("昆山".to_owned()), Just(" 昆山 ".to_owned()), text()], amt(), prop_oneof![4 => Just("昆山".to_owned()), 1 => text()], d())
            .prop_map(|(company, city, amount, fund_city, on)| Op::SubFundInvestment { company, city, amount, fund_city, on }),
        2 => (trigger, text(), d()).prop_map(|(trigger, note, on)| Op::Trigger { trigger, note, on }),
        1 => (action, text(), d()).prop_map(|(action, reason, on)| Op::Supervise { action, reason, on }),
        1 => (text(), d()).prop_map(|(reason, on)| Op::Reject { reason, on }),
        1 => (text(), d()).prop_map(|(reason, on)| Op::Withdraw { reason, on }),
    ]
}

/// An application (a company's or a sub-fund's, mostly the happy one) then up to 60 commands.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let at = Day::At(0, 0);
    let first = prop_oneof![
        3 => variation(8).prop_map(move |facts| vec![Op::Apply { company: "昆山芯微电子科技有限公司".to_owned(), facts, on: at }]),
        2 => variation(5).prop_map(move |facts| vec![Op::ApplySubFund { facts, on: at }]),
        1 => Just(Vec::new()),
    ];
    (first, prop::collection::vec(op(), 1..=60))
        .prop_map(|(first, ops)| first.into_iter().chain(ops).collect())
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the project's invariants
    /// hold after every step.
    #[test]
    fn project_invariants_hold_after_every_command(ops in ops()) {
        let mut stream = Stream::<Project>::new();
        for op in &ops {
            let command = command(op, &stream.state);
            let before = stream.state.clone();
            let events = stream.apply(&command).unwrap_or_default();
            project_check::step(&before, &stream.state, &command, &events, &stream.events);
            if matches!(command, ProjectCommand::RecordTrigger { .. }) {
                stream.retry_records_nothing(&command);
            }
        }
    }
}
