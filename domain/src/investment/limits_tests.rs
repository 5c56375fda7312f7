//! Given/when/then tests of the investment limits and prohibitions (Art. 10, 20), each limit at
//! its boundary and each prohibited instrument on its own.

use super::limits::*;
use super::Instrument;
use crate::fund::policy::InvestmentPolicy;
use crate::{Money, Rejection};
use rust_decimal::Decimal;

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn pct(s: &str) -> Decimal {
    s.parse::<Decimal>().unwrap() / Decimal::from(100)
}

fn row(name: &str, stake_pct: &str, is_fund: bool) -> Shareholder {
    Shareholder {
        name: name.to_owned(),
        stake: pct(stake_pct),
        is_fund,
    }
}

/// Given the default policy with two prohibited industries.
fn policy() -> InvestmentPolicy {
    InvestmentPolicy {
        prohibited_industries: vec!["Steel Smelting".to_owned(), "电解铝".to_owned()],
        ..InvestmentPolicy::default()
    }
}

/// A proposal that passes everything: 3,000,000 of equity for 15% behind a founder with 60%.
fn proposal() -> Proposal {
    Proposal {
        amount: Money::from_yuan(3_000_000),
        higher_approval_ref: None,
        post_money_cap_table: vec![
            row("创始人", "60", false),
            row("员工持股平台", "25", false),
            row("昆山市天使投资基金", "15", true),
        ],
        instrument: Instrument::Equity,
        industry: "集成电路".to_owned(),
    }
}

fn with_fund_stake(fund: &str, founder: &str) -> Proposal {
    Proposal {
        post_money_cap_table: vec![row("创始人", founder, false), row("基金", fund, true)],
        ..proposal()
    }
}

fn code_and_rule(p: &Proposal) -> (&'static str, Option<&'static str>) {
    let e = check_proposal(&policy(), p).unwrap_err();
    (e.code(), e.rule())
}

#[test]
fn a_compliant_proposal_passes_and_every_check_is_recorded() {
    let record = check_proposal(&policy(), &proposal()).unwrap();
    assert!(record.passed());
    assert_eq!(record.checks.len(), 7);
    assert!(record.checks.iter().all(|c| c.outcome == Outcome::Pass));
    assert_eq!(
        record.checks[6].check,
        Check::NotLargestShareholder {
            stake: Some(pct("15")),
            largest_other: Some(pct("60")),
        }
    );
    // The record is the audit trail: it serializes with the figures.
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["checks"][3]["check"]["check"], "per_project_limit");
    assert_eq!(json["checks"][3]["check"]["max"], "5000000.00");
    assert_eq!(json["checks"][3]["outcome"], "pass");
}

#[test]
fn exactly_the_per_project_limit_passes() {
    let p = Proposal {
        amount: money("5000000.00"),
        ..proposal()
    };
    assert!(check_proposal(&policy(), &p).is_ok());
}

#[test]
fn a_fen_above_the_per_project_limit_is_refused() {
    let p = Proposal {
        amount: money("5000000.01"),
        ..proposal()
    };
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::PerProjectLimitExceeded {
            amount: money("5000000.01"),
            max: money("5000000.00"),
        })
    );
    assert_eq!(
        code_and_rule(&p),
        ("per_project_limit_exceeded", Some("Art. 10"))
    );
}

#[test]
fn the_higher_bodys_approval_lifts_the_per_project_limit_and_is_recorded() {
    let p = Proposal {
        amount: money("5000000.01"),
        higher_approval_ref: Some("  昆国资投决〔2024〕3号 ".to_owned()),
        ..proposal()
    };
    let record = check_proposal(&policy(), &p).unwrap();
    assert_eq!(record.checks[3].outcome, Outcome::Approved);
    assert_eq!(
        record.checks[3].check,
        Check::PerProjectLimit {
            amount: money("5000000.01"),
            max: money("5000000.00"),
            higher_approval_ref: Some("昆国资投决〔2024〕3号".to_owned()),
        }
    );
}

#[test]
fn a_blank_approval_reference_is_no_approval() {
    let p = Proposal {
        amount: money("8000000"),
        higher_approval_ref: Some(" \u{3000} ".to_owned()),
        ..proposal()
    };
    assert_eq!(code_and_rule(&p).0, "per_project_limit_exceeded");
}

#[test]
fn the_approval_lifts_only_the_amount_not_the_stake() {
    let p = Proposal {
        amount: money("8000000"),
        higher_approval_ref: Some("昆国资投决〔2024〕3号".to_owned()),
        ..with_fund_stake("20.01", "79.99")
    };
    assert_eq!(code_and_rule(&p), ("stake_limit_exceeded", Some("Art. 10")));
}

#[test]
fn exactly_twenty_percent_passes() {
    assert!(check_proposal(&policy(), &with_fund_stake("20", "80")).is_ok());
}

#[test]
fn above_twenty_percent_is_refused() {
    let p = with_fund_stake("20.01", "79.99");
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::StakeLimitExceeded {
            stake: pct("20.01"),
            max: pct("20"),
        })
    );
    assert_eq!(code_and_rule(&p), ("stake_limit_exceeded", Some("Art. 10")));
}

#[test]
fn the_fund_may_not_be_the_largest_shareholder() {
    // Given a fund with 20% and every other shareholder below it.
    let p = Proposal {
        post_money_cap_table: (0..4)
            .map(|i| row(&format!("股东{i}"), "19.99", false))
            .chain([row("基金", "20", true)])
            .collect(),
        ..proposal()
    };
    // Then it would be the largest shareholder.
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::LargestShareholder {
            stake: pct("20"),
            largest_other: pct("19.99"),
        })
    );
    assert_eq!(code_and_rule(&p), ("largest_shareholder", Some("Art. 10")));
}

#[test]
fn a_tie_for_largest_shareholder_is_refused_and_a_hair_less_passes() {
    let tied = Proposal {
        post_money_cap_table: vec![
            row("甲", "15", false),
            row("乙", "15", false),
            row("基金", "15", true),
        ],
        ..proposal()
    };
    assert_eq!(code_and_rule(&tied).0, "largest_shareholder");
    let below = Proposal {
        post_money_cap_table: vec![
            row("甲", "15", false),
            row("乙", "15.0001", false),
            row("基金", "15", true),
        ],
        ..proposal()
    };
    assert!(check_proposal(&policy(), &below).is_ok());
}

#[test]
fn a_fund_alone_on_the_cap_table_is_the_largest_shareholder() {
    let p = Proposal {
        post_money_cap_table: vec![row("基金", "10", true)],
        ..proposal()
    };
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::LargestShareholder {
            stake: pct("10"),
            largest_other: Decimal::ZERO,
        })
    );
}

#[test]
fn the_cap_table_needs_exactly_one_fund_row() {
    let none = Proposal {
        post_money_cap_table: vec![row("创始人", "90", false)],
        ..proposal()
    };
    assert_eq!(
        check_proposal(&policy(), &none),
        Err(LimitError::InvalidCapTable(CapTableProblem::NoFundRow))
    );
    assert_eq!(code_and_rule(&none), ("invalid_cap_table", None));
    let two = Proposal {
        post_money_cap_table: vec![
            row("创始人", "60", false),
            row("基金", "10", true),
            row("基金", "10", true),
        ],
        ..proposal()
    };
    assert_eq!(
        check_proposal(&policy(), &two),
        Err(LimitError::InvalidCapTable(
            CapTableProblem::SeveralFundRows { count: 2 }
        ))
    );
    let empty = Proposal {
        post_money_cap_table: vec![],
        ..proposal()
    };
    assert_eq!(code_and_rule(&empty).0, "invalid_cap_table");
}

#[test]
fn stakes_summing_to_exactly_one_pass_and_above_one_are_refused() {
    assert!(check_proposal(&policy(), &with_fund_stake("10", "90")).is_ok());
    let p = with_fund_stake("10", "90.01");
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::InvalidCapTable(
            CapTableProblem::TotalAboveOne {
                total: pct("100.01")
            }
        ))
    );
}

#[test]
fn a_stake_outside_zero_to_one_is_refused_and_the_stake_checks_are_not_evaluated() {
    let p = with_fund_stake("10", "-5");
    let record = evaluate(&policy(), &p);
    assert_eq!(
        record.first_violation(),
        Some(LimitError::InvalidCapTable(
            CapTableProblem::StakeOutOfRange {
                name: "创始人".to_owned(),
                stake: pct("-5"),
            }
        ))
    );
    assert!(matches!(
        record.checks[5].check,
        Check::StakeLimit { stake: None, .. }
    ));
    assert_eq!(record.checks[5].outcome, Outcome::NotEvaluated);
    assert_eq!(record.checks[6].outcome, Outcome::NotEvaluated);
    let above = with_fund_stake("100.01", "0");
    assert_eq!(code_and_rule(&above).0, "invalid_cap_table");
}

#[test]
fn a_fund_row_with_no_stake_is_refused() {
    let p = with_fund_stake("0", "60");
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::InvalidCapTable(
            CapTableProblem::FundStakeNotPositive
        ))
    );
}

#[test]
fn a_zero_or_negative_amount_is_refused() {
    for amount in ["0", "-0.01"] {
        let p = Proposal {
            amount: money(amount),
            ..proposal()
        };
        assert_eq!(code_and_rule(&p), ("non_positive_amount", None));
    }
    let p = Proposal {
        amount: money("0.01"),
        ..proposal()
    };
    assert!(check_proposal(&policy(), &p).is_ok());
}

#[test]
fn a_prohibited_industry_is_refused_ignoring_case_and_whitespace() {
    for industry in [
        "steel smelting",
        " STEEL\tSMELTING ",
        "SteelSmelting",
        "电解\u{3000}铝",
    ] {
        let p = Proposal {
            industry: industry.to_owned(),
            ..proposal()
        };
        assert_eq!(code_and_rule(&p), ("prohibited_industry", Some("Art. 20")));
    }
    let p = Proposal {
        industry: "steel".to_owned(),
        ..proposal()
    };
    assert!(check_proposal(&policy(), &p).is_ok());
}

#[test]
fn the_refusal_names_the_prohibited_list_entry() {
    let p = Proposal {
        industry: "steel smelting".to_owned(),
        ..proposal()
    };
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::ProhibitedIndustry {
            industry: "steel smelting".to_owned(),
            listed_as: "Steel Smelting".to_owned(),
        })
    );
}

#[test]
fn a_blank_industry_matches_no_entry_even_a_blank_one() {
    let mut policy = policy();
    policy.prohibited_industries.push("  ".to_owned());
    let p = Proposal {
        industry: String::new(),
        ..proposal()
    };
    assert!(check_proposal(&policy, &p).is_ok());
}

#[test]
fn the_first_violation_is_refused_and_every_failure_is_recorded() {
    // Given a proposal breaking the amount, industry, per-project and stake rules at once.
    let p = Proposal {
        instrument: Instrument::Futures,
        industry: "电解铝".to_owned(),
        amount: money("6000000"),
        ..with_fund_stake("50", "50")
    };
    // When it is checked, then the prohibition comes first.
    assert_eq!(
        check_proposal(&policy(), &p),
        Err(LimitError::ProhibitedInstrument {
            instrument: Instrument::Futures
        })
    );
    let failed: Vec<usize> = evaluate(&policy(), &p)
        .checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.outcome == Outcome::Fail)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(failed, vec![1, 2, 3, 5, 6]);
}

macro_rules! prohibited_instrument_tests {
    ($($test:ident: $instrument:ident, $clause:literal;)*) => {$(
        #[test]
        fn $test() {
            // Given a compliant proposal, when its instrument is prohibited:
            let p = Proposal { instrument: Instrument::$instrument, ..proposal() };
            // Then it is refused naming the instrument and the article.
            let e = check_proposal(&policy(), &p).unwrap_err();
            assert_eq!(e, LimitError::ProhibitedInstrument { instrument: Instrument::$instrument });
            assert_eq!(e.code(), "prohibited_instrument");
            assert_eq!(e.rule(), Some("Art. 20; 财预〔2015〕210号 Art. 12"));
            assert_eq!(Instrument::$instrument.clause(), $clause);
            assert!(e.to_string().contains(Instrument::$instrument.as_str()));
            assert!(e.to_string().contains($clause));
        }
    )*};
}

prohibited_instrument_tests! {
    borrowing_or_guarantees_are_prohibited: BorrowingOrGuarantee, "Art. 20(1)";
    listed_securities_are_prohibited: ListedSecurities, "Art. 20(2)";
    futures_are_prohibited: Futures, "Art. 20(2)";
    foreign_exchange_is_prohibited: ForeignExchange, "Art. 20(2)";
    real_estate_is_prohibited: RealEstate, "Art. 20(2)";
    securities_funds_are_prohibited: SecuritiesFund, "Art. 20(2)";
    derivatives_are_prohibited: Derivatives, "Art. 20(2)";
    sponsorship_or_donations_are_prohibited: SponsorshipOrDonation, "Art. 20(3)";
    deposits_or_lending_are_prohibited: DepositOrLending, "Art. 20(4)";
    unlimited_liability_is_prohibited: UnlimitedLiability, "Art. 20(5)";
}

#[test]
fn equity_is_the_only_permitted_instrument_and_names_round_trip() {
    let permitted: Vec<_> = Instrument::ALL
        .into_iter()
        .filter(|i| !i.is_prohibited())
        .collect();
    assert_eq!(permitted, vec![Instrument::Equity]);
    for i in Instrument::ALL {
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(json, format!("\"{}\"", i.as_str()));
        assert_eq!(serde_json::from_str::<Instrument>(&json).unwrap(), i);
    }
}
