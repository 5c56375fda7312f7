//! Given/when/then tests of the management-fee engine, with a day-by-day oracle.

use super::*;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn span(phase: Phase, from: NaiveDate, to: Option<NaiveDate>) -> PhaseSpan {
    PhaseSpan { phase, from, to }
}

pub(super) fn tranche(n: u32, yuan: i64, from: NaiveDate) -> TrancheBase {
    TrancheBase {
        tranche: n,
        subscribed: Money::from_yuan(yuan),
        from,
    }
}

pub(super) fn cost(on: NaiveDate, amount: &str) -> CostBasisChange {
    CostBasisChange {
        on,
        cost_not_exited: Money::parse(amount).unwrap(),
    }
}

pub(super) fn investing_since(from: NaiveDate) -> Vec<PhaseSpan> {
    vec![span(Phase::Investment, from, None)]
}

pub(super) fn assess_year(
    phases: &[PhaseSpan],
    tranches: &[TrancheBase],
    cost_basis: &[CostBasisChange],
    year: i32,
) -> Result<FeeAssessment, FeeError> {
    let (from, to) = calendar_year(year).unwrap();
    assess(
        &FeePolicy::default(),
        phases,
        tranches,
        cost_basis,
        from,
        to,
    )
}

/// (from, to, component, base, days, amount) of each segment.
fn rows(a: &FeeAssessment) -> Vec<(NaiveDate, NaiveDate, FeeComponent, String, u32, String)> {
    a.segments
        .iter()
        .map(|s| {
            let (base, amount) = (s.base.to_string(), s.amount.to_string());
            (s.from, s.to, s.component, base, s.days, amount)
        })
        .collect()
}

fn row(
    from: NaiveDate,
    to: NaiveDate,
    component: FeeComponent,
    base: &str,
    days: u32,
    amount: &str,
) -> (NaiveDate, NaiveDate, FeeComponent, String, u32, String) {
    (from, to, component, base.into(), days, amount.into())
}

#[test]
fn worked_example_two_tranches_in_2023() {
    let phases = investing_since(d(2022, 1, 1));
    let tranches = [
        tranche(1, 50_000_000, d(2022, 1, 1)),
        tranche(2, 30_000_000, d(2023, 7, 1)),
    ];
    let a = assess_year(&phases, &tranches, &[], 2023).unwrap();
    let t1 = FeeComponent::Tranche(1);
    let t2 = FeeComponent::Tranche(2);
    assert_eq!(
        rows(&a),
        [
            row(
                d(2023, 1, 1),
                d(2023, 12, 31),
                t1,
                "50000000.00",
                365,
                "500000.00"
            ),
            row(
                d(2023, 7, 1),
                d(2023, 12, 31),
                t2,
                "30000000.00",
                184,
                "151232.88"
            ),
        ]
    );
    assert!(a.segments.iter().all(|s| s.phase == Phase::Investment));
    assert!(a.segments.iter().all(|s| s.rate == Decimal::new(1, 2)));
    assert_eq!(a.total, Money::parse("651232.88").unwrap());
    assert_eq!(
        (a.period_from, a.period_to),
        (d(2023, 1, 1), d(2023, 12, 31))
    );
}

#[test]
fn a_tranche_subscribed_on_the_last_day_accrues_one_day() {
    let tranches = [tranche(1, 36_500_000, d(2023, 12, 31))];
    let a = assess_year(&investing_since(d(2023, 1, 1)), &tranches, &[], 2023).unwrap();
    let t1 = FeeComponent::Tranche(1);
    let last = d(2023, 12, 31);
    assert_eq!(rows(&a), [row(last, last, t1, "36500000.00", 1, "1000.00")]);
    assert_eq!(a.total, Money::from_yuan(1000));
}

#[test]
fn the_phase_change_day_belongs_to_the_exit_phase() {
    let phases = [
        span(Phase::Investment, d(2021, 1, 1), Some(d(2023, 9, 30))),
        span(Phase::Exit, d(2023, 10, 1), None),
    ];
    let tranches = [tranche(1, 36_500_000, d(2021, 1, 1))];
    let costs = [cost(d(2023, 6, 1), "73000000")];
    let a = assess_year(&phases, &tranches, &costs, 2023).unwrap();
    let (t1, c) = (FeeComponent::Tranche(1), FeeComponent::CostNotExited);
    assert_eq!(
        rows(&a),
        [
            row(
                d(2023, 1, 1),
                d(2023, 9, 30),
                t1,
                "36500000.00",
                273,
                "273000.00"
            ),
            row(
                d(2023, 10, 1),
                d(2023, 12, 31),
                c,
                "73000000.00",
                92,
                "184000.00"
            ),
        ]
    );
    assert_eq!(a.segments[1].phase, Phase::Exit);
    assert_eq!(a.total, Money::from_yuan(457_000));

    let day = d(2023, 10, 1);
    let one = assess(&FeePolicy::default(), &phases, &tranches, &costs, day, day).unwrap();
    assert_eq!(rows(&one), [row(day, day, c, "73000000.00", 1, "2000.00")]);
}

#[test]
fn the_exit_fee_uses_the_new_cost_basis_from_the_day_of_the_change() {
    let phases = [span(Phase::Exit, d(2022, 1, 1), None)];
    let costs = [
        cost(d(2023, 11, 1), "0"),
        cost(d(2022, 6, 1), "73000000"),
        cost(d(2023, 3, 1), "36500000"),
    ];
    let a = assess_year(&phases, &[], &costs, 2023).unwrap();
    let c = FeeComponent::CostNotExited;
    assert_eq!(
        rows(&a),
        [
            row(
                d(2023, 1, 1),
                d(2023, 2, 28),
                c,
                "73000000.00",
                59,
                "118000.00"
            ),
            row(
                d(2023, 3, 1),
                d(2023, 10, 31),
                c,
                "36500000.00",
                245,
                "245000.00"
            ),
        ]
    );
    assert_eq!(a.total, Money::from_yuan(363_000));

    let day = d(2023, 3, 1);
    let one = assess(&FeePolicy::default(), &phases, &[], &costs, day, day).unwrap();
    assert_eq!(rows(&one), [row(day, day, c, "36500000.00", 1, "1000.00")]);
}

#[test]
fn no_cost_basis_before_the_first_change_and_no_tranche_fee_in_the_exit_phase() {
    let phases = [span(Phase::Exit, d(2023, 1, 1), None)];
    let tranches = [tranche(1, 50_000_000, d(2022, 1, 1))];
    let costs = [cost(d(2023, 12, 1), "36500000")];
    let a = assess_year(&phases, &tranches, &costs, 2023).unwrap();
    let c = FeeComponent::CostNotExited;
    assert_eq!(
        rows(&a),
        [row(
            d(2023, 12, 1),
            d(2023, 12, 31),
            c,
            "36500000.00",
            31,
            "31000.00"
        )]
    );
}

#[test]
fn extension_and_liquidation_charge_nothing() {
    let phases = [
        span(Phase::Investment, d(2015, 1, 1), Some(d(2017, 12, 31))),
        span(Phase::Exit, d(2018, 1, 1), Some(d(2022, 12, 31))),
        span(Phase::Extension, d(2023, 1, 1), Some(d(2023, 6, 30))),
        span(Phase::Liquidation, d(2023, 7, 1), None),
    ];
    let tranches = [tranche(1, 50_000_000, d(2015, 1, 1))];
    let costs = [cost(d(2016, 1, 1), "40000000")];
    let a = assess_year(&phases, &tranches, &costs, 2023).unwrap();
    assert!(a.segments.is_empty());
    assert_eq!(a.total, Money::ZERO);
}

#[test]
fn days_outside_every_phase_and_a_zero_rate_charge_nothing() {
    let phases = [span(
        Phase::Investment,
        d(2020, 1, 1),
        Some(d(2022, 12, 31)),
    )];
    let tranches = [tranche(1, 50_000_000, d(2020, 1, 1))];
    assert!(assess_year(&phases, &tranches, &[], 2023)
        .unwrap()
        .segments
        .is_empty());
    let free = FeePolicy {
        rate: Decimal::ZERO,
        ..FeePolicy::default()
    };
    let (from, to) = calendar_year(2021).unwrap();
    let a = assess(&free, &phases, &tranches, &[], from, to).unwrap();
    assert!(a.segments.is_empty());
}

#[test]
fn a_leap_year_has_366_fee_days_each_a_365th() {
    let tranches = [tranche(1, 36_500_000, d(2020, 1, 1))];
    let a = assess_year(&investing_since(d(2020, 1, 1)), &tranches, &[], 2024).unwrap();
    let t1 = FeeComponent::Tranche(1);
    assert_eq!(
        rows(&a),
        [row(
            d(2024, 1, 1),
            d(2024, 12, 31),
            t1,
            "36500000.00",
            366,
            "366000.00"
        )]
    );
    assert_eq!(a.total, Money::from_yuan(366_000));
}

#[test]
fn a_partial_first_year_is_prorated_by_days() {
    let established = d(2021, 9, 1);
    let phases = investing_since(established);
    let tranches = [tranche(1, 50_000_000, established)];
    let periods = fee_periods(established, d(2022, 12, 31));
    assert_eq!(periods[0], (established, d(2021, 12, 31)));
    let (from, to) = periods[0];
    let a = assess(&FeePolicy::default(), &phases, &tranches, &[], from, to).unwrap();
    let t1 = FeeComponent::Tranche(1);
    assert_eq!(
        rows(&a),
        [row(
            established,
            d(2021, 12, 31),
            t1,
            "50000000.00",
            122,
            "167123.29"
        )]
    );
    // The whole calendar year gives the same: before establishment there is no phase.
    assert_eq!(
        assess_year(&phases, &tranches, &[], 2021).unwrap().segments,
        a.segments
    );
}

#[test]
fn an_exact_half_fen_rounds_up() {
    // 36,500,182.50 × 1% / 365 = 1,000.005 for one day.
    let day = d(2023, 5, 4);
    let tranches = [TrancheBase {
        tranche: 1,
        subscribed: Money::parse("36500182.50").unwrap(),
        from: day,
    }];
    let phases = investing_since(day);
    let a = assess(&FeePolicy::default(), &phases, &tranches, &[], day, day).unwrap();
    assert_eq!(a.total, Money::parse("1000.01").unwrap());
    // Just below the midpoint rounds down: 36,500,182.49 → 1,000.004999…
    let below = [TrancheBase {
        subscribed: Money::parse("36500182.49").unwrap(),
        ..tranches[0].clone()
    }];
    let a = assess(&FeePolicy::default(), &phases, &below, &[], day, day).unwrap();
    assert_eq!(a.total, Money::parse("1000.00").unwrap());
}

#[test]
fn each_segment_is_rounded_and_the_total_is_their_sum() {
    // Two segments of exactly 0.005 each: rounded one by one they make 0.02, whereas the
    // exact sum 0.01 would round to 0.01.
    let day = d(2023, 5, 4);
    let half_fen_base = |n| TrancheBase {
        tranche: n,
        subscribed: Money::parse("182.50").unwrap(),
        from: day,
    };
    let tranches = [half_fen_base(1), half_fen_base(2)];
    let a = assess(
        &FeePolicy::default(),
        &investing_since(day),
        &tranches,
        &[],
        day,
        day,
    )
    .unwrap();
    assert_eq!(a.segments.len(), 2);
    assert!(a.segments.iter().all(|s| s.amount == Money::from_fen(1)));
    assert_eq!(a.total, Money::from_fen(2));
}

#[test]
fn segments_are_ordered_by_first_day_then_tranche_number() {
    let tranches = [
        tranche(3, 1_000_000, d(2023, 1, 1)),
        tranche(2, 1_000_000, d(2023, 3, 1)),
        tranche(1, 1_000_000, d(2023, 1, 1)),
    ];
    let a = assess_year(&investing_since(d(2023, 1, 1)), &tranches, &[], 2023).unwrap();
    let order: Vec<_> = a.segments.iter().map(|s| (s.from, s.component)).collect();
    assert_eq!(
        order,
        [
            (d(2023, 1, 1), FeeComponent::Tranche(1)),
            (d(2023, 1, 1), FeeComponent::Tranche(3)),
            (d(2023, 3, 1), FeeComponent::Tranche(2)),
        ]
    );
}

#[test]
fn adjacent_spans_of_one_phase_make_one_segment_but_a_gap_splits_it() {
    let tranches = [tranche(1, 36_500_000, d(2020, 1, 1))];
    let adjacent = [
        span(Phase::Investment, d(2020, 1, 1), Some(d(2023, 4, 30))),
        span(Phase::Investment, d(2023, 5, 1), None),
    ];
    let a = assess_year(&adjacent, &tranches, &[], 2023).unwrap();
    assert_eq!(a.segments.len(), 1);
    assert_eq!(a.segments[0].days, 365);
    let gap = [
        span(Phase::Investment, d(2020, 1, 1), Some(d(2023, 4, 30))),
        span(Phase::Investment, d(2023, 5, 2), None),
    ];
    let a = assess_year(&gap, &tranches, &[], 2023).unwrap();
    let days: Vec<_> = a.segments.iter().map(|s| s.days).collect();
    assert_eq!(days, [120, 244]);
}

#[test]
fn assessing_twice_gives_one_identical_result() {
    let phases = [
        span(Phase::Investment, d(2021, 1, 1), Some(d(2023, 9, 30))),
        span(Phase::Exit, d(2023, 10, 1), None),
    ];
    let tranches = [tranche(1, 50_000_000, d(2021, 1, 1))];
    let costs = [cost(d(2022, 5, 17), "12345678.91")];
    let first = assess_year(&phases, &tranches, &costs, 2023).unwrap();
    let second = assess_year(&phases, &tranches, &costs, 2023).unwrap();
    assert_eq!(first, second);
    let json = serde_json::to_string(&first).unwrap();
    assert_eq!(serde_json::from_str::<FeeAssessment>(&json).unwrap(), first);
    assert!(json.contains(r#""component":"cost_not_exited""#));
    assert!(json.contains(r#""component":{"tranche":1}"#));
}

#[test]
fn trailing_zeros_in_the_rate_change_nothing() {
    let precise = FeePolicy {
        rate: "0.0100000000000000000000000000".parse().unwrap(),
        ..FeePolicy::default()
    };
    let tranches = [tranche(1, 50_000_000, d(2022, 1, 1))];
    let phases = investing_since(d(2022, 1, 1));
    let (from, to) = calendar_year(2023).unwrap();
    let a = assess(&precise, &phases, &tranches, &[], from, to).unwrap();
    assert_eq!(a.total, Money::from_yuan(500_000));
}
