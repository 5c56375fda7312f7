//! Rejected inputs and the calendar-year fee periods.

use super::tests::{assess_year, cost, d, investing_since, span, tranche};
use super::*;

#[test]
fn an_inverted_period_is_rejected() {
    let err = assess(
        &FeePolicy::default(),
        &[],
        &[],
        &[],
        d(2023, 12, 31),
        d(2023, 1, 1),
    )
    .unwrap_err();
    assert!(matches!(err, FeeError::InvertedPeriod { .. }));
    assert_eq!((err.code(), err.rule()), ("fee_period_inverted", None));
}

#[test]
fn overlapping_phases_are_rejected() {
    let closed = [
        span(Phase::Exit, d(2024, 1, 1), None),
        span(Phase::Investment, d(2021, 1, 1), Some(d(2024, 1, 1))),
    ];
    let open = [
        span(Phase::Investment, d(2021, 1, 1), None),
        span(Phase::Exit, d(2024, 1, 1), None),
    ];
    for phases in [&closed[..], &open[..]] {
        let err = assess_year(phases, &[], &[], 2023).unwrap_err();
        assert_eq!(
            err,
            FeeError::OverlappingPhases {
                earlier: Phase::Investment,
                later: Phase::Exit,
                on: d(2024, 1, 1),
            }
        );
        assert_eq!((err.code(), err.rule()), ("phases_overlap", Some("Art. 5")));
    }
}

#[test]
fn invalid_inputs_are_rejected_with_stable_codes() {
    let day = d(2023, 1, 1);
    let (p, phases) = (FeePolicy::default(), investing_since(day));
    let rejected = |policy: &FeePolicy, phases: &[PhaseSpan], t: &[TrancheBase], c| {
        let e = assess(policy, phases, t, c, day, day).unwrap_err();
        (e.code(), e.rule())
    };
    let inverted = [span(Phase::Exit, day, Some(d(2022, 1, 1)))];
    let art7 = Some("Art. 7");
    assert_eq!(
        rejected(&p, &inverted, &[], &[]),
        ("phase_span_inverted", None)
    );
    let negative = TrancheBase {
        subscribed: Money::from_fen(-1),
        ..tranche(1, 0, day)
    };
    assert_eq!(
        rejected(&p, &phases, &[negative], &[]),
        ("negative_fee_base", art7)
    );
    let negative = [cost(day, "-0.01")];
    assert_eq!(
        rejected(&p, &phases, &[], &negative),
        ("negative_fee_base", art7)
    );
    let twice = [tranche(1, 1, day), tranche(1, 2, day)];
    assert_eq!(
        rejected(&p, &phases, &twice, &[]),
        ("duplicate_tranche", None)
    );
    let twice = [cost(day, "1"), cost(day, "2")];
    let code = "duplicate_cost_basis_change";
    assert_eq!(rejected(&p, &phases, &[], &twice), (code, None));
    let zero_basis = FeePolicy {
        day_count_basis: 0,
        ..FeePolicy::default()
    };
    let code = "invalid_day_count_basis";
    assert_eq!(rejected(&zero_basis, &phases, &[], &[]), (code, art7));
    for rate in [Decimal::new(-1, 2), Decimal::new(101, 2)] {
        let policy = FeePolicy {
            rate,
            ..FeePolicy::default()
        };
        assert_eq!(
            rejected(&policy, &phases, &[], &[]),
            ("invalid_fee_rate", art7)
        );
    }
}

#[test]
fn a_span_is_split_into_calendar_year_periods() {
    assert_eq!(calendar_year(2023), Some((d(2023, 1, 1), d(2023, 12, 31))));
    assert_eq!(calendar_year(i32::MAX), None);
    assert_eq!(
        fee_periods(d(2021, 9, 1), d(2024, 3, 15)),
        [
            (d(2021, 9, 1), d(2021, 12, 31)),
            (d(2022, 1, 1), d(2022, 12, 31)),
            (d(2023, 1, 1), d(2023, 12, 31)),
            (d(2024, 1, 1), d(2024, 3, 15)),
        ]
    );
    assert_eq!(
        fee_periods(d(2023, 5, 5), d(2023, 5, 5)),
        [(d(2023, 5, 5), d(2023, 5, 5))]
    );
    assert_eq!(fee_periods(d(2023, 12, 31), d(2024, 1, 1)).len(), 2);
    assert!(fee_periods(d(2023, 5, 5), d(2023, 5, 4)).is_empty());
    assert_eq!(fee_periods(NaiveDate::MAX, NaiveDate::MAX).len(), 1);
}
