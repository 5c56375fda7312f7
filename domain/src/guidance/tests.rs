//! Given/when/then tests of the guidance-fund rules (SPEC §9, §10): each limit of a commitment
//! at its boundary, the refusal of guarantees, the concession arithmetic with and without a
//! cap, the loss tolerance after a write-off, and the reinvestment target.

use super::*;
use crate::fund::investments::Investment;
use crate::investment::{matching, Outcome};
use crate::{Money, Rejection};

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn lp(name: &str, commitment: Money) -> SubFundLp {
    SubFundLp {
        name: name.to_owned(),
        commitment,
    }
}

/// Given a sub-fund of 100,000,000 in 集成电路 whose other LPs commit 30,000,000 (the
/// largest), 25,000,000 and 24,000,000: 79,000,000 in all, leaving room for 21,000,000.
fn sub_fund() -> SubFundFacts {
    SubFundFacts {
        name: "昆山集成电路产业子基金".to_owned(),
        manager: "昆山芯创投资管理有限公司".to_owned(),
        size: yuan(100_000_000),
        term_years: 7,
        focus: "集成电路".to_owned(),
        other_lps: vec![
            lp("昆山国创投资集团", yuan(30_000_000)),
            lp("芯创管理团队跟投平台", yuan(25_000_000)),
            lp("苏州产业投资基金", yuan(24_000_000)),
        ],
    }
}

fn prohibited() -> Vec<String> {
    vec!["钢铁冶炼".to_owned(), "Electrolytic Aluminium".to_owned()]
}

fn checking(facts: &SubFundFacts, commitment: Money) -> Result<CommitmentCheck, CommitmentError> {
    check_commitment(&GuidancePolicy::default(), &prohibited(), facts, commitment)
}

fn code_and_rule(facts: &SubFundFacts, commitment: Money) -> (&'static str, Option<&'static str>) {
    let e = checking(facts, commitment).unwrap_err();
    (e.code(), e.rule())
}

#[test]
fn exactly_20_percent_of_the_sub_fund_passes_and_a_fen_more_is_refused() {
    // When the guidance fund commits exactly 20% of 100,000,000:
    let record = checking(&sub_fund(), yuan(20_000_000)).unwrap();
    // Then every check passes, the share check with its figures.
    assert!(record.checks.iter().all(|c| c.outcome == Outcome::Pass));
    assert!(record.checks.contains(&GuidanceCheckResult {
        check: GuidanceCheck::SubFundShare {
            commitment: yuan(20_000_000),
            size: yuan(100_000_000),
            max_share: dec("0.20"),
            max: Some(yuan(20_000_000)),
        },
        outcome: Outcome::Pass,
    }));
    // When it commits 20,000,000.01: refused, naming SPEC §10.
    let over = money("20000000.01");
    assert_eq!(
        code_and_rule(&sub_fund(), over),
        ("sub_fund_share_exceeded", Some("SPEC §10"))
    );
    assert_eq!(
        checking(&sub_fund(), over).unwrap_err(),
        CommitmentError::SubFundShareExceeded {
            commitment: over,
            size: yuan(100_000_000),
            max_share: dec("0.20"),
            max: yuan(20_000_000),
        }
    );
}

#[test]
fn a_share_that_does_not_fall_on_a_fen_is_compared_exactly_and_is_a_parameter() {
    // Given a sub-fund of 100,000,000.03: 20% is 20,000,000.006.
    let facts = SubFundFacts {
        size: money("100000000.03"),
        ..sub_fund()
    };
    // Then 20,000,000.00 passes and 20,000,000.01 (above the exact product) does not.
    assert!(checking(&facts, yuan(20_000_000)).is_ok());
    let e = checking(&facts, money("20000000.01")).unwrap_err();
    assert_eq!(e.code(), "sub_fund_share_exceeded");
    // The share is a policy parameter: at 15%, 15,000,000 passes and a fen more does not.
    let policy = GuidancePolicy {
        sub_fund_max_share: dec("0.15"),
        ..GuidancePolicy::default()
    };
    assert!(check_commitment(&policy, &[], &sub_fund(), yuan(15_000_000)).is_ok());
    let e = check_commitment(&policy, &[], &sub_fund(), money("15000000.01")).unwrap_err();
    assert_eq!(e.code(), "sub_fund_share_exceeded");
}

#[test]
fn a_commitment_equal_to_the_largest_lp_is_refused_and_just_below_passes() {
    // Given a largest other LP of 15,000,000 (in a sub-fund of 100,000,000):
    let facts = SubFundFacts {
        other_lps: vec![
            lp("昆山国创投资集团", yuan(15_000_000)),
            lp("苏州产业投资基金", yuan(10_000_000)),
        ],
        ..sub_fund()
    };
    // When the guidance fund commits as much: refused (an equal first place is first place).
    assert_eq!(
        code_and_rule(&facts, yuan(15_000_000)),
        ("largest_lp", Some("SPEC §10"))
    );
    assert_eq!(
        checking(&facts, yuan(15_000_000)).unwrap_err(),
        CommitmentError::LargestLp {
            commitment: yuan(15_000_000),
            largest_other: yuan(15_000_000),
        }
    );
    // When it commits a fen less: it passes, the largest LP named in the record.
    let record = checking(&facts, money("14999999.99")).unwrap();
    assert_eq!(
        record.checks.last().map(|c| &c.check),
        Some(&GuidanceCheck::NotLargestLp {
            commitment: money("14999999.99"),
            largest_other: yuan(15_000_000),
            largest_other_name: Some("昆山国创投资集团".to_owned()),
        })
    );
    // Without other LPs, the guidance fund would be the largest.
    let alone = SubFundFacts {
        other_lps: vec![],
        ..sub_fund()
    };
    assert_eq!(code_and_rule(&alone, yuan(1_000_000)).0, "largest_lp");
}

#[test]
fn a_prohibited_focus_is_refused_ignoring_case_and_spaces() {
    for focus in ["钢铁 冶炼", "electrolytic aluminium"] {
        let facts = SubFundFacts {
            focus: focus.to_owned(),
            ..sub_fund()
        };
        assert_eq!(
            code_and_rule(&facts, yuan(10_000_000)),
            ("prohibited_industry", Some("Art. 20"))
        );
    }
}

#[test]
fn facts_that_do_not_hold_together_are_refused() {
    let cases: Vec<(SubFundFacts, SubFundProblem)> = vec![
        (
            SubFundFacts {
                size: Money::ZERO,
                ..sub_fund()
            },
            SubFundProblem::NonPositiveSize { size: Money::ZERO },
        ),
        (
            SubFundFacts {
                term_years: 0,
                ..sub_fund()
            },
            SubFundProblem::ZeroTerm,
        ),
        (
            SubFundFacts {
                manager: " ".to_owned(),
                ..sub_fund()
            },
            SubFundProblem::BlankText {
                field: "manager".to_owned(),
            },
        ),
    ];
    for (facts, problem) in cases {
        let e = checking(&facts, yuan(10_000_000)).unwrap_err();
        assert_eq!(e, CommitmentError::InvalidSubFund(problem));
        assert_eq!((e.code(), e.rule()), ("invalid_sub_fund", None));
    }
    // The commitments may fill the size exactly (79,000,000 + 21,000,000) but not exceed it:
    // 21,000,000 is beyond 20%, so the share is raised to test the size on its own.
    let policy = GuidancePolicy {
        sub_fund_max_share: dec("0.25"),
        ..GuidancePolicy::default()
    };
    let fills = check_commitment(&policy, &[], &sub_fund(), yuan(21_000_000));
    assert!(fills.is_ok());
    let over = check_commitment(&policy, &[], &sub_fund(), money("21000000.01")).unwrap_err();
    assert_eq!(
        over,
        CommitmentError::InvalidSubFund(SubFundProblem::OverSubscribed {
            total: money("100000000.01"),
            size: yuan(100_000_000),
        })
    );
    // The problem reads as a sentence, not as the program's structure.
    assert_eq!(
        over.to_string(),
        "the sub-fund's facts are inconsistent: the commitments total 100000000.01, more than \
         the size 100000000.00"
    );
    // And a commitment of nothing is refused first.
    assert_eq!(
        code_and_rule(&sub_fund(), Money::ZERO),
        ("non_positive_commitment", None)
    );
}

#[test]
fn a_guarantee_of_principal_or_of_a_minimum_return_is_refused() {
    assert_eq!(check_return_terms(&ReturnTerms::default()), Ok(()));
    let guarantees = [
        ReturnTerms {
            principal_guarantee: true,
            minimum_return: None,
        },
        ReturnTerms {
            principal_guarantee: false,
            minimum_return: Some(dec("0.06")),
        },
        ReturnTerms {
            principal_guarantee: false,
            minimum_return: Some(Decimal::ZERO),
        },
    ];
    for terms in guarantees {
        let e = check_return_terms(&terms).unwrap_err();
        assert_eq!(
            (e.code(), e.rule()),
            ("guarantee_prohibited", Some("SPEC §10; 财预〔2015〕210号"))
        );
    }
}

/// The dues of `commitment` in a sub-fund of `size` as it calls `called`, one after another,
/// the guidance fund paying what is due each time: (required, due) at each step.
fn sub_fund_calls(commitment: Money, size: Money, called: &[Money]) -> Vec<(Money, Money)> {
    let mut paid = Money::ZERO;
    called
        .iter()
        .map(|c| {
            let d = matching::due(commitment, size, *c, paid).unwrap();
            paid = paid + d.due;
            (d.required_cumulative, d.due)
        })
        .collect()
}

#[test]
fn the_commitment_is_paid_in_step_with_the_sub_funds_calls() {
    // Given 20,000,000 committed to a sub-fund of 100,000,000,
    // when it has called 30%, 55%, then 100%:
    let steps = sub_fund_calls(
        yuan(20_000_000),
        yuan(100_000_000),
        &[yuan(30_000_000), yuan(55_000_000), yuan(100_000_000)],
    );
    // Then the guidance fund must have paid 6,000,000, 11,000,000, then 20,000,000.
    assert_eq!(
        steps,
        [
            (yuan(6_000_000), yuan(6_000_000)),
            (yuan(11_000_000), yuan(5_000_000)),
            (yuan(20_000_000), yuan(9_000_000)),
        ]
    );
}

#[test]
fn a_commitment_that_does_not_divide_evenly_follows_the_calls_to_the_fen() {
    // Given 16,666,666.67 in a sub-fund of 90,000,000, calling a third at a time:
    // 5,555,555.5566… → .56, 11,111,111.1133… → .11, then the whole commitment.
    let steps = sub_fund_calls(
        money("16666666.67"),
        yuan(90_000_000),
        &[yuan(30_000_000), yuan(60_000_000), yuan(90_000_000)],
    );
    assert_eq!(
        steps,
        [
            (money("5555555.56"), money("5555555.56")),
            (money("11111111.11"), money("5555555.55")),
            (money("16666666.67"), money("5555555.56")),
        ]
    );
    let paid: Money = steps.iter().map(|s| s.1).sum();
    assert_eq!(paid, money("16666666.67"));
}

#[test]
fn half_the_excess_return_is_conceded_without_a_cap() {
    // Given a concession of 50% without a cap,
    let policy = ConcessionPolicy {
        share: dec("0.5"),
        cap: None,
    };
    // when 30,000,000 is distributed on a cost of 20,000,000:
    let c = concede(&policy, yuan(30_000_000), yuan(20_000_000));
    // Then the excess is 10,000,000, 5,000,000 is conceded and 25,000,000 kept.
    assert_eq!(c.excess, yuan(10_000_000));
    assert_eq!((c.uncapped, c.conceded), (yuan(5_000_000), yuan(5_000_000)));
    assert_eq!(c.kept, yuan(25_000_000));
}

#[test]
fn the_cap_limits_the_concession() {
    // Given the same with a cap of 3,000,000: 3,000,000 conceded, 27,000,000 kept.
    let policy = ConcessionPolicy {
        share: dec("0.5"),
        cap: Some(yuan(3_000_000)),
    };
    let c = concede(&policy, yuan(30_000_000), yuan(20_000_000));
    assert_eq!((c.uncapped, c.conceded), (yuan(5_000_000), yuan(3_000_000)));
    assert_eq!(c.kept, yuan(27_000_000));
    // A cap above the uncapped amount changes nothing.
    let loose = ConcessionPolicy {
        cap: Some(yuan(6_000_000)),
        ..policy
    };
    assert_eq!(
        concede(&loose, yuan(30_000_000), yuan(20_000_000)).conceded,
        yuan(5_000_000)
    );
}

#[test]
fn a_concession_rounds_half_up_and_never_touches_principal() {
    // 1/3 of an excess of 0.05 is 0.01666… → 0.02; half of 0.05 is 0.025 → 0.03.
    let third = ConcessionPolicy {
        share: dec("0.333333"),
        cap: None,
    };
    assert_eq!(
        concede(&third, money("100.05"), yuan(100)).conceded,
        money("0.02")
    );
    let half = ConcessionPolicy {
        share: dec("0.5"),
        cap: None,
    };
    assert_eq!(
        concede(&half, money("100.05"), yuan(100)).conceded,
        money("0.03")
    );
    // At a loss, nothing is conceded: the guidance fund keeps all its proceeds.
    let loss = concede(&half, yuan(15_000_000), yuan(20_000_000));
    assert_eq!((loss.excess, loss.conceded), (Money::ZERO, Money::ZERO));
    assert_eq!(loss.kept, yuan(15_000_000));
}

#[test]
fn the_loss_tolerance_after_a_write_off() {
    // Given a fund with 50,000,000 paid in, one project written off (no proceeds, its cost of
    // 2,000,000 released) and another exited at a gain, which does not offset the loss:
    let written_off = Investment {
        paid: yuan(2_000_000),
        cost_released: yuan(2_000_000),
        ..Investment::default()
    };
    let sold = Investment {
        paid: yuan(3_000_000),
        cost_released: yuan(3_000_000),
        proceeds: yuan(4_500_000),
        ..Investment::default()
    };
    let losses = realised_losses([written_off.realised(), sold.realised()]);
    assert_eq!(losses, yuan(2_000_000));
    // When the tolerance is computed against the default 20%:
    let t = loss_tolerance(
        losses,
        yuan(50_000_000),
        GuidancePolicy::default().loss_tolerance,
    );
    // Then the ratio is 0.040000, within.
    assert_eq!(t.ratio.map(|r| r.to_string()), Some("0.040000".to_owned()));
    assert_eq!(t.limit, yuan(10_000_000));
    assert!(t.within);
}

#[test]
fn losses_of_exactly_the_threshold_are_within_and_a_fen_more_is_not() {
    let at = loss_tolerance(yuan(10_000_000), yuan(50_000_000), dec("0.20"));
    assert_eq!(at.ratio, Some(dec("0.200000")));
    assert!(at.within);
    // 10,000,000.01 rounds to a ratio of 0.200000 but is compared exactly: not within.
    let over = loss_tolerance(money("10000000.01"), yuan(50_000_000), dec("0.20"));
    assert_eq!(over.ratio, Some(dec("0.200000")));
    assert!(!over.within);
    // Without paid-in there is no ratio; no loss is within.
    let none = loss_tolerance(Money::ZERO, Money::ZERO, dec("0.20"));
    assert_eq!((none.ratio, none.within), (None, true));
}

#[test]
fn local_reinvestment_is_measured_against_the_multiple_of_the_commitment() {
    // Given 20,000,000 committed and the default multiple of 1.5: the target is 30,000,000.
    let multiple = GuidancePolicy::default().reinvestment_multiple;
    let behind = reinvestment(yuan(18_000_000), yuan(20_000_000), multiple);
    assert_eq!(behind.target, yuan(30_000_000));
    assert_eq!(behind.shortfall, yuan(12_000_000));
    assert!(behind.behind);
    // Exactly the target is not behind; neither is more.
    assert!(!reinvestment(yuan(30_000_000), yuan(20_000_000), multiple).behind);
    let ahead = reinvestment(yuan(31_000_000), yuan(20_000_000), multiple);
    assert_eq!((ahead.behind, ahead.shortfall), (false, Money::ZERO));
    // The target is rounded half up to the fen: 0.03 × 1.5 = 0.045 → 0.05.
    assert_eq!(
        reinvestment(Money::ZERO, money("0.03"), multiple).target,
        money("0.05")
    );
}
