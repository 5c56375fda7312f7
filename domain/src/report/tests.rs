//! Given a fund's history, when the report of a period is folded, then its figures are
//! exact, it sees only the events effective by the period end, and it is byte-identical for
//! the same events.

use super::*;
use crate::aggregate::given;
use crate::fund::capital::LpKind;
use crate::fund::custody::MovementKind;
use crate::fund::phases::Phase;
use crate::fund::{FundCommand, FundKind, FundTerms};
use crate::{CallId, DistributionId, FundId, LpId, Money, MovementId, ProjectId};
use rust_decimal::Decimal;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn lp(n: u128) -> LpId {
    LpId(Uuid::from_u128(n))
}

fn mv(n: u128) -> MovementId {
    MovementId(Uuid::from_u128(n))
}

fn call(n: u128) -> CallId {
    CallId(Uuid::from_u128(n))
}

fn h1() -> Period {
    Period {
        kind: PeriodKind::H1,
        year: 2022,
    }
}

fn annual() -> Period {
    Period {
        kind: PeriodKind::Annual,
        year: 2022,
    }
}

fn subscribed(tranche: u32, who: u128, amount: i64) -> FundEvent {
    FundEvent::LpSubscribed {
        tranche,
        lp: lp(who),
        lp_name: format!("LP {who}"),
        lp_kind: LpKind::StateOwned,
        amount: yuan(amount),
    }
}

fn opened(number: u32, size: i64, on: &str) -> FundEvent {
    FundEvent::TrancheOpened {
        number,
        size: yuan(size),
        subscription_date: d(on),
    }
}

fn call_capital(n: u128, tranche: u32, amount: i64, on: &str, due: &str) -> FundCommand {
    FundCommand::CallCapital {
        call_id: call(n),
        tranches: vec![tranche],
        amount: yuan(amount),
        called_on: d(on),
        due_on: d(due),
    }
}

/// Movement `id` of `kind` instructed with value date `on` and confirmed executed on `on`.
fn moved(id: u128, kind: MovementKind, amount: Money, on: &str) -> [FundCommand; 2] {
    [
        FundCommand::InstructMovement {
            movement_id: mv(id),
            kind,
            amount,
            value_date: d(on),
        },
        FundCommand::ConfirmMovement {
            movement_id: mv(id),
            executed_on: d(on),
        },
    ]
}

fn lp_pays(id: u128, n: u128, who: u128, amount: i64, on: &str) -> [FundCommand; 2] {
    let kind = MovementKind::LpPayment {
        call_id: call(n),
        lp: lp(who),
    };
    moved(id, kind, yuan(amount), on)
}

fn distribution() -> DistributionId {
    DistributionId(Uuid::from_u128(1))
}

/// `history` followed by the events of each command in turn; panics on a refusal.
fn after(history: &[FundEvent], commands: &[FundCommand]) -> Vec<FundEvent> {
    let mut all = history.to_vec();
    for command in commands {
        let events = given::<Fund>(&all)
            .when(command)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        all.extend(events);
    }
    all
}

/// An angel fund established on 2021-01-01: tranche 1 (LP 1: 60M, LP 2: 40M) called in full
/// and paid on 2021-01-10; the 2021 fee assessed and paid on 2022-01-10; tranche 2 (LP 1:
/// 30M, LP 3: 20M) from 2022-01-01, half called on 2022-03-01 due 2022-03-31, LP 1 paying
/// its 15M on 2022-03-20 and LP 3 not yet; 5M injected into a company on 2022-02-01; a
/// distribution of 11.5M declared on 2022-05-31 and paid on 2022-06-10.
fn history() -> Vec<FundEvent> {
    let terms = FundTerms {
        name: "昆山市天使投资基金".to_owned(),
        kind: FundKind::Angel,
        total_size: yuan(300_000_000),
        establishment_date: d("2021-01-01"),
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::default(),
    };
    let start = vec![
        FundEvent::FundEstablished {
            fund_id: FundId(Uuid::from_u128(7)),
            terms,
        },
        opened(1, 100_000_000, "2021-01-01"),
        subscribed(1, 1, 60_000_000),
        subscribed(1, 2, 40_000_000),
    ];
    let mut commands = vec![call_capital(1, 1, 100_000_000, "2021-01-01", "2021-01-15")];
    commands.extend(lp_pays(1, 1, 1, 60_000_000, "2021-01-10"));
    commands.extend(lp_pays(2, 1, 2, 40_000_000, "2021-01-10"));
    commands.push(FundCommand::AssessFee {
        year: 2021,
        today: d("2022-01-05"),
    });
    let fee = MovementKind::FeePayment { year: 2021 };
    commands.extend(moved(3, fee, money("1000000.00"), "2022-01-10"));
    let mut events = after(&start, &commands);
    events.extend([
        opened(2, 50_000_000, "2022-01-01"),
        subscribed(2, 1, 30_000_000),
        subscribed(2, 3, 20_000_000),
    ]);
    let mut commands = vec![call_capital(2, 2, 25_000_000, "2022-03-01", "2022-03-31")];
    commands.extend(lp_pays(4, 2, 1, 15_000_000, "2022-03-20"));
    commands.extend([
        FundCommand::InstructInjection {
            movement_id: mv(5),
            project_id: ProjectId(Uuid::from_u128(9)),
            amount: yuan(5_000_000),
            value_date: d("2022-02-01"),
            required_cumulative: yuan(5_000_000),
            commitment: yuan(10_000_000),
        },
        FundCommand::ConfirmMovement {
            movement_id: mv(5),
            executed_on: d("2022-02-01"),
        },
        FundCommand::DeclareDistribution {
            distribution_id: distribution(),
            amount: yuan(11_500_000),
            declared_on: d("2022-05-31"),
        },
    ]);
    for (id, who, amount) in [(6, 1, 7_500_000), (7, 2, 4_000_000)] {
        let kind = MovementKind::Distribution {
            distribution_id: distribution(),
            lp: lp(who),
        };
        commands.extend(moved(id, kind, yuan(amount), "2022-06-10"));
    }
    after(&events, &commands)
}

/// [`history`] and LP 3 paying its 10M of call 2 on `on`.
fn lp3_pays_on(on: &str) -> Vec<FundEvent> {
    after(&history(), &lp_pays(8, 2, 3, 10_000_000, on))
}

fn m(s: &str) -> Money {
    money(s)
}

fn dec(s: &str) -> Option<Decimal> {
    Some(s.parse().unwrap())
}

#[test]
fn periods_end_and_fall_due_as_spec_8_says() {
    let h2 = Period {
        kind: PeriodKind::H2,
        year: 2022,
    };
    assert_eq!(h1().start().unwrap(), d("2022-01-01"));
    assert_eq!(h1().end().unwrap(), d("2022-06-30"));
    assert_eq!(h1().due().unwrap(), d("2022-07-30"));
    assert_eq!(h2.start().unwrap(), d("2022-07-01"));
    assert_eq!(h2.end().unwrap(), d("2022-12-31"));
    assert_eq!(h2.due().unwrap(), d("2023-01-30"));
    assert_eq!(annual().end().unwrap(), d("2022-12-31"));
    assert_eq!(annual().due().unwrap(), d("2023-04-30"));
    let never = Period {
        kind: PeriodKind::Annual,
        year: i32::MAX,
    };
    assert_eq!(
        never.due(),
        Err(ReportError::InvalidPeriod { year: i32::MAX })
    );
}

#[test]
fn the_h1_report_shows_the_late_payer_in_arrears() {
    let report = fund_report(&lp3_pays_on("2022-07-15"), &h1()).unwrap();

    assert_eq!(report.as_of, d("2022-06-30"));
    assert_eq!(report.due, d("2022-07-30"));
    assert_eq!(report.basics.name, "昆山市天使投资基金");
    assert_eq!(report.basics.phase, Some(Phase::Investment));
    assert_eq!(report.basics.tranches.len(), 2);
    let lines: Vec<_> = report
        .lps
        .iter()
        .map(|l| {
            (
                l.lp,
                l.subscribed,
                l.called,
                l.paid,
                l.arrears,
                l.paid_in_ratio,
                l.distributed,
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                lp(1),
                m("90000000"),
                m("75000000"),
                m("75000000"),
                m("0"),
                dec("0.833333"),
                m("7500000")
            ),
            (
                lp(2),
                m("40000000"),
                m("40000000"),
                m("40000000"),
                m("0"),
                dec("1.000000"),
                m("4000000")
            ),
            (
                lp(3),
                m("20000000"),
                m("10000000"),
                m("0"),
                m("10000000"),
                dec("0.000000"),
                m("0")
            ),
        ]
    );
    let t = &report.lp_totals;
    assert_eq!(
        (t.subscribed, t.called, t.paid, t.arrears, t.paid_in_ratio),
        (
            m("150000000"),
            m("125000000"),
            m("115000000"),
            m("10000000"),
            dec("0.766667")
        )
    );
    assert_eq!(report.calls[1].arrears, m("10000000"));
    assert_eq!(report.cash.at_custodian, m("97500000"));
    assert_eq!(report.fees.assessed, m("1000000"));
    assert_eq!(report.fees.paid, m("1000000"));
    assert_eq!(report.fees.years[0].year, 2021);
    assert_eq!(report.distributions[0].paid, m("11500000"));
    assert_eq!(report.investments.cost_not_exited, m("5000000"));
    let p = &report.performance;
    assert_eq!(p.nav, m("102500000"));
    assert_eq!(
        (p.tvpi, p.dpi, p.rvpi),
        (dec("0.9913"), dec("0.1000"), dec("0.8913"))
    );
    assert_eq!(p.gross_irr.map(|r| r.is_zero()), Some(true));
    // Checked independently: −100M on 2021-01-10, −15M on 2022-03-20, +11.5M on 2022-06-10,
    // +102.5M NAV on 2022-06-30.
    assert_eq!(p.net_irr, dec("-0.006658"));
    assert!(report.loss_tolerance.within);
}

#[test]
fn the_annual_report_includes_the_late_payment() {
    let report = fund_report(&lp3_pays_on("2022-07-15"), &annual()).unwrap();

    let lp3 = &report.lps[2];
    assert_eq!(
        (lp3.paid, lp3.arrears, lp3.paid_in_ratio),
        (m("10000000"), m("0"), dec("0.500000"))
    );
    assert_eq!(report.lp_totals.paid, m("125000000"));
    assert_eq!(report.lp_totals.arrears, m("0"));
    assert_eq!(report.cash.at_custodian, m("107500000"));
    let p = &report.performance;
    assert_eq!(p.nav, m("112500000"));
    assert_eq!(
        (p.tvpi, p.dpi, p.rvpi),
        (dec("0.9920"), dec("0.0920"), dec("0.9000"))
    );
}

#[test]
fn the_same_events_give_the_same_bytes() {
    let events = lp3_pays_on("2022-07-15");
    let once = canonical_bytes(&fund_report(&events, &h1()).unwrap());
    let twice = canonical_bytes(&fund_report(&events, &h1()).unwrap());
    assert_eq!(once, twice);
    let text = String::from_utf8(once).unwrap();
    assert!(text.contains(r#""paid_in_ratio":"0.766667""#), "{text}");
}

#[test]
fn an_event_effective_after_the_period_end_does_not_change_the_report() {
    let before = canonical_bytes(&fund_report(&history(), &h1()).unwrap());
    let after_end = canonical_bytes(&fund_report(&lp3_pays_on("2022-07-15"), &h1()).unwrap());
    assert_eq!(before, after_end);
}

#[test]
fn an_event_recorded_later_but_effective_in_the_period_amends_the_report() {
    let filed = fund_report(&history(), &h1()).unwrap();
    // Recorded after everything else, but the money moved on 2022-06-28.
    let amended = fund_report(&lp3_pays_on("2022-06-28"), &h1()).unwrap();

    assert_ne!(canonical_bytes(&filed), canonical_bytes(&amended));
    assert_eq!(filed.lp_totals.arrears, m("10000000"));
    assert_eq!(amended.lp_totals.arrears, m("0"));
    assert_eq!(amended.cash.at_custodian, m("107500000"));
}

#[test]
fn undated_events_go_with_their_dated_neighbours() {
    let events = history();
    let as_of_2021 = effective_events(&events, d("2021-12-31"));
    // Tranche 2's subscriptions follow its opening in 2022; the injection's match precedes
    // its 2022 instruction: none of them counts in 2021.
    assert!(!as_of_2021.iter().any(|e| matches!(
        e,
        FundEvent::LpSubscribed { tranche: 2, .. } | FundEvent::InjectionMatched { .. }
    )));
    let report = fund_report(
        &events,
        &Period {
            kind: PeriodKind::Annual,
            year: 2021,
        },
    )
    .unwrap();
    assert_eq!(report.lp_totals.subscribed, m("100000000"));
    assert_eq!(report.fees.assessed, m("1000000"));
    assert_eq!(report.fees.paid, m("0"));
    assert!(report.investments.lines.is_empty());
}

#[test]
fn a_fund_not_yet_established_has_no_report() {
    let report = fund_report(
        &history(),
        &Period {
            kind: PeriodKind::H2,
            year: 2020,
        },
    );
    assert_eq!(
        report,
        Err(ReportError::NotEstablished {
            as_of: d("2020-12-31")
        })
    );
}

#[test]
fn an_irr_out_of_range_is_shown_as_none_with_its_reason() {
    use crate::performance::{self, CashFlow};
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    // 1,000,000 paid in, worth one fen a day later: far below −99.99 % a year.
    let paid = [CashFlow {
        on: day("2022-01-01"),
        amount: Money::from_yuan(1_000_000),
    }];
    let result = performance::net_irr(&paid, &[], Money::from_fen(1), day("2022-01-02"));
    assert!(result.is_err(), "{result:?}");
    let (rate, note) = super::read::irr(result).unwrap();
    assert_eq!(rate, None);
    assert!(note.unwrap().contains("IRR"));
    // A computable rate passes through without a note.
    let (rate, note) = super::read::irr(Ok(None)).unwrap();
    assert_eq!((rate, note), (None, None));
}
