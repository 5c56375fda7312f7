//! Given the annual fixture (`fixture_history.rs`: two tranches, three LPs, three calls with
//! one payment late and one unpaid at the year end, three investments made through the
//! project → committee → fund commands, a partial exit, a write-off, fees across the
//! investment and exit periods, a distribution), when the 2024 annual report is folded, then
//! every figure of the fund sections is the one computed by hand below. The other sections are
//! checked in `fixture_sections_tests.rs` and `fixture_governance_tests.rs`.

use super::fixture::{d, dec, m, project, resolution, FUND};
use super::fixture_history::{call, distribution, exit, lp};
use super::fixture_late::{annual_report, year_2024_period};
use super::*;
use crate::fees::{FeeAssessment, FeeComponent, FeeSegment};
use crate::fund::capital::LpKind;
use crate::fund::phases::Phase;
use crate::fund::FundKind;
use crate::guidance::LossTolerance;
use rust_decimal::{Decimal, RoundingStrategy};

fn lp_line(n: u128, name: &str, kind: LpKind, figures: [&str; 5], ratio: &str) -> LpLine {
    let [subscribed, called, paid, arrears, distributed] = figures.map(m);
    LpLine {
        lp: lp(n),
        name: name.into(),
        kind,
        subscribed,
        called,
        paid,
        arrears,
        paid_in_ratio: Some(dec(ratio)),
        distribution_allocated: distributed,
        distributed,
    }
}

#[test]
fn the_basics_lps_and_calls_are_as_computed_by_hand() {
    let r = annual_report(year_2024_period());

    assert_eq!(r.format, "fundadmin.report/1");
    assert_eq!(
        (r.fund.start, r.fund.as_of, r.fund.due),
        (d("2024-01-01"), d("2024-12-31"), d("2025-04-30"))
    );
    let b = &r.fund.basics;
    assert_eq!(b.fund_id, Some(FUND));
    assert_eq!((b.kind, b.total_size), (FundKind::Angel, m("300000000")));
    assert_eq!(b.establishment_date, d("2023-01-01"));
    // 18 months from 2023-01-01: the investment period ends 2024-06-30.
    assert_eq!(b.phase, Some(Phase::Exit));
    let tranches: Vec<_> = b
        .tranches
        .iter()
        .map(|t| {
            (
                t.number,
                t.size,
                t.subscription_date,
                t.subscribed,
                t.called,
            )
        })
        .collect();
    assert_eq!(
        tranches,
        vec![
            (
                1,
                m("50000000"),
                d("2023-01-01"),
                m("50000000"),
                m("50000000")
            ),
            // Called 15M + 6M.
            (
                2,
                m("30000000"),
                d("2024-01-01"),
                m("30000000"),
                m("21000000")
            ),
        ]
    );
    assert_eq!(
        r.fund.lps,
        vec![
            // 30M + 10M subscribed; 30M + 5M + 2M called and paid; 37/40; 1.3M × 35/65.
            lp_line(
                1,
                "昆山市财政局",
                LpKind::StateOwned,
                ["40000000", "37000000", "37000000", "0", "700000"],
                "0.925000"
            ),
            // 1.3M × 20/65.
            lp_line(
                2,
                "昆山国创投资集团",
                LpKind::StateOwned,
                ["20000000", "20000000", "20000000", "0", "400000"],
                "1.000000"
            ),
            // 10M + 4M called, 10M paid (late, 2024-03-15); call 3's 4M due 2024-11-30 unpaid;
            // 10/20; 1.3M × 10/65.
            lp_line(
                3,
                "苏州科创天使合伙企业",
                LpKind::Other,
                ["20000000", "14000000", "10000000", "4000000", "200000"],
                "0.500000"
            ),
        ]
    );
    assert_eq!(
        r.fund.lp_totals,
        LpTotals {
            subscribed: m("80000000"),
            called: m("71000000"),
            paid: m("67000000"),
            arrears: m("4000000"),
            // 67 / 80.
            paid_in_ratio: Some(dec("0.837500")),
            distribution_allocated: m("1300000"),
            distributed: m("1300000"),
        }
    );
    let call_line =
        |n, tranche, on: &str, due: &str, [amount, paid, arrears]: [&str; 3]| CallLine {
            call_id: call(n),
            tranches: vec![tranche],
            called_on: d(on),
            due_on: d(due),
            amount: m(amount),
            paid: m(paid),
            arrears: m(arrears),
        };
    assert_eq!(
        r.fund.calls,
        vec![
            call_line(
                1,
                1,
                "2023-01-01",
                "2023-01-15",
                ["50000000", "50000000", "0"]
            ),
            call_line(
                2,
                2,
                "2024-01-05",
                "2024-01-31",
                ["15000000", "15000000", "0"]
            ),
            call_line(
                3,
                2,
                "2024-11-01",
                "2024-11-30",
                ["6000000", "2000000", "4000000"]
            ),
        ]
    );
}

#[test]
fn cash_fees_and_distributions_are_as_computed_by_hand() {
    let r = annual_report(year_2024_period());

    // In: 50M + 5M + 10M + 2M from the LPs, 2M of proceeds = 69M. Out: injections 6M + 2.5M
    // + 3M, the 2023 fee 0.5M, the distribution 1.3M = 13.3M. 69M − 13.3M = 55.7M; nothing
    // instructed and unconfirmed, nothing declared and unpaid.
    assert_eq!(
        r.fund.cash,
        Cash {
            at_custodian: m("55700000"),
            available: m("55700000"),
        }
    );
    let segment =
        |from: &str, to: &str, component, phase, base: &str, days, amount: &str| FeeSegment {
            from: d(from),
            to: d(to),
            component,
            phase,
            base: m(base),
            rate: dec("0.01"),
            days,
            amount: m(amount),
        };
    let (inv, exit_phase) = (Phase::Investment, Phase::Exit);
    let cost = FeeComponent::CostNotExited;
    let fee_2023 = FeeAssessment {
        period_from: d("2023-01-01"),
        period_to: d("2023-12-31"),
        segments: vec![
            // 50,000,000 × 1% × 365/365.
            segment(
                "2023-01-01",
                "2023-12-31",
                FeeComponent::Tranche(1),
                inv,
                "50000000",
                365,
                "500000.00",
            ),
        ],
        total: m("500000.00"),
    };
    let fee_2024 = FeeAssessment {
        period_from: d("2024-01-01"),
        period_to: d("2024-12-31"),
        segments: vec![
            // 1 Jan – 30 Jun 2024: 182 days. 50M × 1% × 182/365 = 249,315.068… → 249,315.07.
            segment(
                "2024-01-01",
                "2024-06-30",
                FeeComponent::Tranche(1),
                inv,
                "50000000",
                182,
                "249315.07",
            ),
            // 30M × 1% × 182/365 = 149,589.041… → 149,589.04.
            segment(
                "2024-01-01",
                "2024-06-30",
                FeeComponent::Tranche(2),
                inv,
                "30000000",
                182,
                "149589.04",
            ),
            // Exit period on the cost not exited: 6M + 2.5M + 3M until the P2 exit, 91 days:
            // 11.5M × 1% × 91/365 = 28,671.232… → 28,671.23.
            segment(
                "2024-07-01",
                "2024-09-29",
                cost,
                exit_phase,
                "11500000",
                91,
                "28671.23",
            ),
            // Less 1.25M released on 2024-09-30, 61 days: 10.25M × 1% × 61/365 = 17,130.136…
            segment(
                "2024-09-30",
                "2024-11-29",
                cost,
                exit_phase,
                "10250000",
                61,
                "17130.14",
            ),
            // Less 3M written off on 2024-11-30, 32 days: 7.25M × 1% × 32/365 = 6,356.164…
            segment(
                "2024-11-30",
                "2024-12-31",
                cost,
                exit_phase,
                "7250000",
                32,
                "6356.16",
            ),
        ],
        // 249,315.07 + 149,589.04 + 28,671.23 + 17,130.14 + 6,356.16.
        total: m("451061.64"),
    };
    assert_eq!(
        r.fund.fees,
        Fees {
            years: vec![
                FeeYear {
                    year: 2023,
                    assessment: fee_2023,
                    // Paid 2024-01-08.
                    paid: m("500000"),
                },
                FeeYear {
                    year: 2024,
                    // Assessed on 2025-01-03, effective on 2024-12-31; paid only in 2025.
                    assessment: fee_2024,
                    paid: m("0"),
                },
            ],
            // 500,000.00 + 451,061.64.
            assessed: m("951061.64"),
            paid: m("500000"),
        }
    );
    assert_eq!(
        r.fund.distributions,
        vec![DistributionLine {
            distribution_id: distribution(),
            declared_on: d("2024-10-20"),
            amount: m("1300000"),
            paid: m("1300000"),
        }]
    );
}

#[test]
fn investments_exits_and_the_loss_tolerance_are_as_computed_by_hand() {
    let r = annual_report(year_2024_period());

    let line =
        |p, [commitment, paid, cost, proceeds, realised]: [&str; 5], moic: &str| InvestmentLine {
            project_id: project(p),
            commitment: m(commitment),
            paid: m(paid),
            cost_not_exited: m(cost),
            proceeds: m(proceeds),
            realised: m(realised),
            moic: Some(dec(moic)),
        };
    let exit_line =
        |n, p, on: &str, [proceeds, cost, realised, collected]: [&str; 4], r| ExitLine {
            exit_id: exit(n),
            project_id: project(p),
            on: d(on),
            proceeds: m(proceeds),
            cost_released: m(cost),
            realised: m(realised),
            collected: m(collected),
            resolution_id: resolution(r),
        };
    assert_eq!(
        r.fund.investments,
        Investments {
            lines: vec![
                // 3M + 3M paid, nothing exited: (0 + 6M) / 6M.
                line(1, ["6000000", "6000000", "6000000", "0", "0"], "1.0000"),
                // Half sold for 2M: 2M − 1.25M = 0.75M; (2M + 1.25M) / 2.5M = 1.3.
                line(
                    2,
                    ["2500000", "2500000", "1250000", "2000000", "750000"],
                    "1.3000"
                ),
                // Written off: 0 − 3M; (0 + 0) / 3M.
                line(3, ["3000000", "3000000", "0", "0", "-3000000"], "0.0000"),
            ],
            exits: vec![
                exit_line(
                    1,
                    2,
                    "2024-09-30",
                    ["2000000", "1250000", "750000", "2000000"],
                    4
                ),
                exit_line(2, 3, "2024-11-30", ["0", "3000000", "-3000000", "0"], 5),
            ],
            paid: m("11500000"),
            cost_not_exited: m("7250000"),
            proceeds: m("2000000"),
            // 0.75M − 3M.
            realised: m("-2250000"),
        }
    );
    assert_eq!(
        r.fund.loss_tolerance,
        LossTolerance {
            // P3's loss; P2's gain does not offset it.
            realised_losses: m("3000000"),
            paid_in: m("67000000"),
            // 3 / 67 = 0.0447761…
            ratio: Some(dec("0.044776")),
            threshold: dec("0.20"),
            // 20% × 67M.
            limit: m("13400000"),
            within: true,
        }
    );
}

fn four_places(rate: Option<Decimal>) -> Option<Decimal> {
    rate.map(|r| r.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

#[test]
fn nav_multiples_and_irrs_are_as_computed_independently() {
    let r = annual_report(year_2024_period());
    let p = &r.fund.performance;

    // NAV at cost: cash 55.7M + cost not exited 7.25M.
    assert_eq!(
        (p.nav, p.paid_in, p.distributed),
        (m("62950000"), m("67000000"), m("1300000"))
    );
    // TVPI (1.3M + 62.95M) / 67M = 0.958955…; DPI 1.3/67 = 0.019402…; RVPI 62.95/67 = 0.939552…
    assert_eq!(
        (p.tvpi, p.dpi, p.rvpi),
        (
            Some(dec("0.9590")),
            Some(dec("0.0194")),
            Some(dec("0.9396"))
        )
    );
    // Independent XIRR, float bisection on actual/365:
    //   python3 -c "
    //   from datetime import date as D
    //   def xirr(fl):
    //       d0 = min(d for d, _ in fl)
    //       f = lambda r: sum(a / (1 + r) ** ((d - d0).days / 365) for d, a in fl)
    //       lo, hi = -0.9999, 10.0
    //       for _ in range(200):
    //           mid = (lo + hi) / 2
    //           lo, hi = (mid, hi) if (f(lo) > 0) == (f(mid) > 0) else (lo, mid)
    //       return lo
    //   print(xirr([(D(2023,1,10),-30e6),(D(2023,1,12),-20e6),(D(2024,1,20),-5e6),
    //       (D(2024,3,15),-10e6),(D(2024,10,25),1.3e6),(D(2024,11,20),-2e6),
    //       (D(2024,12,31),62.95e6)]))
    //   print(xirr([(D(2023,4,10),-3e6),(D(2023,6,10),-2.5e6),(D(2023,8,10),-3e6),
    //       (D(2023,9,15),-3e6),(D(2024,10,15),2e6),(D(2024,12,31),7.25e6)]))"
    // prints -0.02495892615108447 (net: the LPs' payments, the distribution, the NAV) and
    // -0.13985819314381404 (gross: the injections, the proceeds collected, the cost not
    // exited).
    assert_eq!(four_places(p.net_irr), Some(dec("-0.0250")));
    assert_eq!(four_places(p.gross_irr), Some(dec("-0.1399")));
    assert_eq!(
        (p.net_irr, p.gross_irr),
        (Some(dec("-0.024959")), Some(dec("-0.139858")))
    );
    assert_eq!((&p.net_irr_note, &p.gross_irr_note), (&None, &None));
}
