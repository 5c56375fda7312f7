//! Given/when/then tests of the proposal (SPEC §3, §5): it waits for the four due-diligence
//! reports, comes only in the investment period (Art. 5), and passes the limits and
//! prohibitions of Art. 10 and 20, each refused with its own code and rule; the accepted
//! proposal records every check with its figures.

use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::fund::phases::Phase;
use crate::investment::{Check, CheckResult, Instrument, LimitError, LimitsCheck, Outcome};

/// Every check of [`proposal`], passed, with its figures.
fn limits_of_the_proposal() -> LimitsCheck {
    let pass = |check| CheckResult {
        check,
        outcome: Outcome::Pass,
    };
    LimitsCheck {
        checks: vec![
            pass(Check::PositiveAmount {
                amount: money(AMOUNT),
            }),
            pass(Check::PermittedInstrument {
                instrument: Instrument::Equity,
            }),
            pass(Check::PermittedIndustry {
                industry: "集成电路".into(),
                matched: None,
            }),
            pass(Check::PerProjectLimit {
                amount: money(AMOUNT),
                max: yuan(5_000_000),
                higher_approval_ref: None,
            }),
            pass(Check::CapTable {
                shareholders: 3,
                total_stake: Some(dec("1.00")),
                problem: None,
            }),
            pass(Check::StakeLimit {
                stake: Some(dec("0.15")),
                max: dec("0.20"),
            }),
            pass(Check::NotLargestShareholder {
                stake: Some(dec("0.15")),
                largest_other: Some(dec("0.55")),
            }),
        ],
    }
}

#[test]
fn a_proposal_waits_for_each_of_the_four_due_diligence_reports() {
    for missing in DueDiligenceKind::ALL {
        let others: Vec<_> = DueDiligenceKind::ALL
            .into_iter()
            .filter(|k| *k != missing)
            .map(due_diligence)
            .collect();
        let history = after(&established(), &others);
        let p = Project::replay(&history);
        assert_eq!(
            (p.stage, p.due_diligence.len()),
            (Some(Stage::DueDiligence), 3)
        );
        let (err, code, rule) = refusal(given::<Project>(&history).when(&propose(proposal())));
        assert_eq!(err, ProjectError::DueDiligenceIncomplete(missing));
        assert_eq!((code, rule), ("due_diligence_incomplete", Some("Art. 15")));
        assert!(err.to_string().contains(&format!("{missing:?}")));
    }
    // With none in, the first missing is named: the commercial report.
    let none = given::<Project>(&established()).when(&propose(proposal()));
    let expected = ProjectError::DueDiligenceIncomplete(DueDiligenceKind::Commercial);
    assert_eq!(refusal(none).0, expected);
}

#[test]
fn new_investments_are_proposed_only_in_the_investment_period() {
    let history = reach(Stage::DueDiligence);
    let g = given::<Project>(&history);
    let outside = [
        None,
        Some(Phase::Exit),
        Some(Phase::Extension),
        Some(Phase::Liquidation),
        Some(Phase::Closed),
    ];
    for phase in outside {
        let command = propose_in(proposal(), investment_policy(), phase);
        let (err, code, rule) = refusal(g.when(&command));
        assert_eq!(err, ProjectError::OutsideInvestmentPeriod, "{phase:?}");
        assert_eq!((code, rule), ("outside_investment_period", Some("Art. 5")));
    }
    assert!(g.when(&propose(proposal())).is_ok());
}

/// The proposal decided on the happy path's due diligence.
fn proposing(proposal: Proposal) -> Decided {
    given::<Project>(&reach(Stage::DueDiligence)).when(&propose(proposal))
}

/// The limit a proposal breaks, with its code and rule.
fn limit_refusal(proposal: Proposal) -> (LimitError, &'static str, Option<&'static str>) {
    match refusal(proposing(proposal)) {
        (ProjectError::Limit(e), code, rule) => (e, code, rule),
        (other, ..) => panic!("not a limit: {other:?}"),
    }
}

/// The limits recorded by an accepted proposal.
fn recorded_limits(proposal: Proposal) -> LimitsCheck {
    match proposing(proposal).unwrap().as_slice() {
        [ProjectEvent::InvestmentProposed { limits, .. }] => limits.clone(),
        other => panic!("not a proposal: {other:?}"),
    }
}

#[test]
fn the_per_project_limit_is_inclusive_and_lifted_only_by_a_recorded_approval() {
    let at_limit = recorded_limits(proposal_of(yuan(5_000_000)));
    assert!(at_limit.passed());
    assert_eq!(at_limit.checks[3].outcome, Outcome::Pass);
    let over = money("5000000.01");
    for approval in [None, Some("   ")] {
        let proposal = Proposal {
            higher_approval_ref: approval.map(str::to_owned),
            ..proposal_of(over)
        };
        let (err, code, rule) = limit_refusal(proposal);
        let max = yuan(5_000_000);
        assert_eq!(
            err,
            LimitError::PerProjectLimitExceeded { amount: over, max }
        );
        assert_eq!(
            (code, rule),
            ("per_project_limit_exceeded", Some("Art. 10"))
        );
    }
    let approved = Proposal {
        higher_approval_ref: Some(" 昆国资投决〔2024〕7号 ".into()),
        ..proposal_of(over)
    };
    let limits = recorded_limits(approved);
    let expected = CheckResult {
        check: Check::PerProjectLimit {
            amount: over,
            max: yuan(5_000_000),
            higher_approval_ref: Some("昆国资投决〔2024〕7号".into()),
        },
        outcome: Outcome::Approved,
    };
    assert_eq!(limits.checks[3], expected);
    assert!(limits.passed());
}

#[test]
fn a_stake_above_twenty_percent_is_refused() {
    let twenty = Proposal {
        post_money_cap_table: cap_table("0.20", &[("创始人张伟", "0.50"), ("其他", "0.30")]),
        ..proposal()
    };
    assert!(recorded_limits(twenty).passed());
    let above = Proposal {
        post_money_cap_table: cap_table("0.2001", &[("创始人张伟", "0.50"), ("其他", "0.2999")]),
        ..proposal()
    };
    let (err, code, rule) = limit_refusal(above);
    let expected = LimitError::StakeLimitExceeded {
        stake: dec("0.2001"),
        max: dec("0.20"),
    };
    assert_eq!(
        (err, code, rule),
        (expected, "stake_limit_exceeded", Some("Art. 10"))
    );
}

#[test]
fn the_fund_tied_for_first_place_is_the_largest_shareholder() {
    let tied = Proposal {
        post_money_cap_table: cap_table("0.18", &[("甲", "0.18"), ("乙", "0.18"), ("丙", "0.18")]),
        ..proposal()
    };
    let (err, code, rule) = limit_refusal(tied);
    let expected = LimitError::LargestShareholder {
        stake: dec("0.18"),
        largest_other: dec("0.18"),
    };
    assert_eq!(
        (err, code, rule),
        (expected, "largest_shareholder", Some("Art. 10"))
    );
    let behind = Proposal {
        post_money_cap_table: cap_table("0.18", &[("甲", "0.1801"), ("乙", "0.18")]),
        ..proposal()
    };
    assert!(recorded_limits(behind).passed());
}

#[test]
fn only_direct_equity_may_be_proposed() {
    let prohibited = Instrument::ALL.into_iter().filter(|i| i.is_prohibited());
    let mut seen = 0;
    for instrument in prohibited {
        let (err, code, rule) = limit_refusal(Proposal {
            instrument,
            ..proposal()
        });
        assert_eq!(err, LimitError::ProhibitedInstrument { instrument });
        let rule_text = Some("Art. 20; 财预〔2015〕210号 Art. 12");
        assert_eq!((code, rule), ("prohibited_instrument", rule_text));
        seen += 1;
    }
    assert_eq!(seen, 10);
}

#[test]
fn a_prohibited_industry_is_refused_ignoring_case_and_spaces() {
    let (err, code, rule) = limit_refusal(Proposal {
        industry: "钢铁 冶炼".into(),
        ..proposal()
    });
    let expected = LimitError::ProhibitedIndustry {
        industry: "钢铁 冶炼".into(),
        listed_as: "钢铁冶炼".into(),
    };
    assert_eq!(
        (err, code, rule),
        (expected, "prohibited_industry", Some("Art. 20"))
    );
}

#[test]
fn the_proposal_records_every_check_and_moves_to_the_decision() {
    let history = reach(Stage::DueDiligence);
    let events = given::<Project>(&history)
        .when(&propose(proposal()))
        .unwrap();
    let [ProjectEvent::InvestmentProposed { limits, .. }] = events.as_slice() else {
        panic!("not a proposal: {events:?}");
    };
    assert_eq!(limits, &limits_of_the_proposal());
    let kinds: Vec<_> = limits
        .checks
        .iter()
        .map(|c| serde_json::to_value(&c.check).unwrap()["check"].clone())
        .collect();
    let expected = [
        "positive_amount",
        "permitted_instrument",
        "permitted_industry",
        "per_project_limit",
        "cap_table",
        "stake_limit",
        "not_largest_shareholder",
    ];
    assert_eq!(kinds, expected);
    let p = Project::replay(&[history, events].concat());
    assert_eq!(
        (p.stage, p.proposal),
        (Some(Stage::Decision), Some(proposal()))
    );
}

#[test]
fn the_proposal_is_for_the_company_as_applied_and_at_a_positive_price() {
    let mut other_industry = proposal();
    other_industry.industry = "生物医药".into();
    let (err, code, rule) = refusal(proposing(other_industry));
    assert!(
        matches!(err, ProjectError::IndustryMismatch { .. }),
        "{err:?}"
    );
    assert_eq!((code, rule), ("industry_mismatch", None));
    let g = given::<Project>(&reach(Stage::DueDiligence));
    for price in ["0", "-1.50"] {
        let mut free = propose(proposal());
        if let ProjectCommand::Propose { price: p, .. } = &mut free {
            *p = dec(price);
        }
        let (err, code, _) = refusal(g.when(&free));
        assert_eq!(
            (err, code),
            (ProjectError::NonPositivePrice, "non_positive_price")
        );
    }
}
