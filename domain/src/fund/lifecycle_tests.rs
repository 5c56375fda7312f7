//! Given/when/then tests of the fund's life (SPEC §1, Art. 5): the terms fixed at
//! establishment, the phase changes recorded on their dates, extensions and closing.
//!
//! The default term of a fund established on 2021-09-01 is 36 months of investment
//! (2021-09-01 ..= 2024-08-31) and 60 of exit (2024-09-01 ..= 2029-08-31); liquidation starts
//! on 2029-09-01.

use super::phases::{Phase, PhaseError};
use super::policy::{FundPolicy, PolicyError};
use super::test_support::{
    after, close, d, declare, established, extend, lp_pays, paid_in_fund, record, refusal, terms,
    wound_up, yuan, RESOLUTION,
};
use super::*;
use crate::aggregate::given;
use crate::Rejection;
use rust_decimal::Decimal;
use uuid::Uuid;

fn angel() -> Vec<FundEvent> {
    vec![established(FundKind::Angel, "2021-09-01")]
}

fn establish(terms: FundTerms) -> FundCommand {
    FundCommand::Establish {
        fund_id: FundId(Uuid::nil()),
        terms,
    }
}

fn changed(phase: Phase, on: &str) -> FundEvent {
    FundEvent::PhaseChanged { phase, on: d(on) }
}

#[test]
fn establishment_requires_a_manager_a_custodian_and_a_city() {
    let g = given::<Fund>(&[]);
    let longest = "行".repeat(MAX_NAME_CHARS);
    for field in ["manager", "custodian", "city"] {
        let with = |value: String| {
            let mut t = terms(FundKind::Angel, "2021-09-01");
            *match field {
                "manager" => &mut t.manager,
                "custodian" => &mut t.custodian,
                _ => &mut t.city,
            } = value;
            establish(t)
        };
        for bad in [String::new(), "   ".to_owned(), format!("{longest}行")] {
            let (err, code, rule) = refusal(g.when(&with(bad)));
            assert_eq!(
                (err, code, rule),
                (FundError::MissingTerm(field), "invalid_fund_term", None)
            );
        }
        // Surrounding blanks are trimmed away; exactly the longest name is accepted.
        let events = g.when(&with(format!("  {longest} "))).unwrap();
        let FundEvent::FundEstablished { terms: kept, .. } = &events[0] else {
            panic!("{events:?}")
        };
        assert!([&kept.manager, &kept.custodian, &kept.city].contains(&&longest));
    }
}

#[test]
fn an_invalid_policy_is_refused_with_its_code() {
    let g = given::<Fund>(&[]);
    let with = |change: fn(&mut FundPolicy)| {
        let mut t = terms(FundKind::Angel, "2021-09-01");
        change(&mut t.policy);
        refusal(g.when(&establish(t)))
    };
    let (err, code, _) = with(|p| p.fee_day_count_basis = 0);
    assert_eq!(
        (err, code),
        (
            FundError::Policy(PolicyError::ZeroDayCountBasis),
            "invalid_day_count_basis"
        )
    );
    // A period of the term (Art. 5), as the phase schedule's own refusals.
    let empty = FundError::Policy(PolicyError::EmptyPeriod);
    let art5 = (empty, "invalid_fund_period", Some("Art. 5"));
    assert_eq!(with(|p| p.exit_months = 0), art5);
    assert_eq!(with(|p| p.investment_months = 0), art5);
    let (err, code, _) = with(|p| p.fee_rate = Decimal::new(101, 2));
    assert_eq!(
        err,
        FundError::Policy(PolicyError::ShareOutOfRange("fee_rate"))
    );
    assert_eq!(code, "share_out_of_range");
    // A term whose end is beyond the calendar.
    let mut t = terms(FundKind::Angel, "2021-09-01");
    t.establishment_date = NaiveDate::MAX;
    assert_eq!(
        refusal(g.when(&establish(t))),
        (
            FundError::Phase(PhaseError::InvalidPeriod),
            "invalid_fund_period",
            Some("Art. 5")
        )
    );
}

#[test]
fn the_exit_is_recorded_on_its_first_day_and_not_the_day_before() {
    let g = given::<Fund>(&angel());
    assert_eq!(g.when(&record("2021-09-01")).unwrap(), vec![]);
    assert_eq!(g.when(&record("2024-08-31")).unwrap(), vec![]);
    assert_eq!(
        g.when(&record("2024-09-01")).unwrap(),
        vec![changed(Phase::Exit, "2024-09-01")]
    );
    let (err, code, _) = refusal(given::<Fund>(&[]).when(&record("2024-09-01")));
    assert_eq!((code, err.is_not_found()), ("fund_not_found", true));
}

#[test]
fn missed_phase_changes_are_recorded_at_once_in_order() {
    let g = given::<Fund>(&angel());
    assert_eq!(
        g.when(&record("2029-08-31")).unwrap(),
        vec![changed(Phase::Exit, "2024-09-01")]
    );
    assert_eq!(
        g.when(&record("2030-01-01")).unwrap(),
        vec![
            changed(Phase::Exit, "2024-09-01"),
            changed(Phase::Liquidation, "2029-09-01")
        ]
    );
}

#[test]
fn recording_twice_records_nothing_more() {
    let history = after(&angel(), &[record("2024-09-01")]);
    let g = given::<Fund>(&history);
    assert_eq!(g.when(&record("2024-09-01")).unwrap(), vec![]);
    assert_eq!(g.when(&record("2029-08-31")).unwrap(), vec![]);
    // Only the change not yet recorded.
    assert_eq!(
        g.when(&record("2029-09-01")).unwrap(),
        vec![changed(Phase::Liquidation, "2029-09-01")]
    );
    let history = after(&history, &[record("2035-01-01")]);
    assert_eq!(
        given::<Fund>(&history).when(&record("2036-01-01")).unwrap(),
        vec![]
    );
}

#[test]
fn an_extension_needs_a_resolution_reference() {
    let guidance = [established(FundKind::Guidance, "2021-09-01")];
    for g in [given::<Fund>(&angel()), given::<Fund>(&guidance)] {
        for blank in ["", "   "] {
            let approved = extend(12, blank, "2029-06-30", Some("苏财〔2029〕7号"));
            assert_eq!(
                refusal(g.when(&approved)),
                (
                    FundError::ExtensionWithoutResolution,
                    "extension_without_resolution",
                    Some("Art. 5")
                )
            );
        }
    }
}

#[test]
fn a_guidance_fund_also_needs_the_government_approval_and_an_angel_fund_does_not() {
    let g = given::<Fund>(&[established(FundKind::Guidance, "2021-09-01")]);
    for approval in [None, Some(""), Some("  ")] {
        assert_eq!(
            refusal(g.when(&extend(12, RESOLUTION, "2029-06-30", approval))),
            (
                FundError::ExtensionWithoutGovernmentApproval,
                "extension_without_government_approval",
                Some("财预〔2015〕210号 Art. 17")
            )
        );
    }
    let approved = extend(12, RESOLUTION, "2029-06-30", Some(" 苏财〔2029〕7号 "));
    let events = g.when(&approved).unwrap();
    let FundEvent::TermExtended {
        government_approval_ref: approval,
        ..
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!(approval.as_deref(), Some("苏财〔2029〕7号"));
    let events = given::<Fund>(&angel()).when(&extend(12, RESOLUTION, "2029-06-30", None));
    assert!(matches!(
        &events.unwrap()[0],
        FundEvent::TermExtended {
            government_approval_ref: None,
            ..
        }
    ));
    // A reference too long is refused, not dropped, for either kind of fund.
    let long = "号".repeat(201);
    for fund in [g, given::<Fund>(&angel())] {
        let (error, code, _) =
            refusal(fund.when(&extend(12, RESOLUTION, "2029-06-30", Some(&long))));
        assert_eq!(code, "invalid_fund_term", "{error}");
    }
}

#[test]
fn extensions_follow_the_exit_period_back_to_back() {
    let resolution = format!(" {RESOLUTION} ");
    let first = given::<Fund>(&angel())
        .when(&extend(12, &resolution, "2029-06-30", None))
        .unwrap();
    assert_eq!(
        first,
        vec![FundEvent::TermExtended {
            months: 12,
            resolution_ref: RESOLUTION.to_owned(),
            resolved_on: d("2029-06-30"),
            government_approval_ref: None,
            from: d("2029-09-01"),
            to: d("2030-08-31"),
        }]
    );
    // A second extension, resolved during the first, follows it.
    let history = [angel(), first].concat();
    let second = given::<Fund>(&history).when(&extend(6, "决议〔2030〕2号", "2030-07-01", None));
    let second = second.unwrap();
    let FundEvent::TermExtended { from, to, .. } = &second[0] else {
        panic!("{second:?}")
    };
    assert_eq!((*from, *to), (d("2030-09-01"), d("2031-02-28")));
    let state = given::<Fund>(&[history, second].concat()).state;
    let last = lifecycle::schedule(&state).unwrap().pop().unwrap();
    assert_eq!(
        (last.phase, last.from),
        (Phase::Liquidation, d("2031-03-01"))
    );
}

#[test]
fn an_extension_is_refused_once_the_term_ended() {
    let g = given::<Fund>(&angel());
    // Resolved on the last day of the exit period: in time.
    assert!(g.when(&extend(12, RESOLUTION, "2029-08-31", None)).is_ok());
    // On or after the first day of liquidation: too late.
    let ended = FundError::TermEnded {
        liquidation_from: d("2029-09-01"),
    };
    for late in ["2029-09-01", "2030-01-01"] {
        let refused = refusal(g.when(&extend(12, RESOLUTION, late, None)));
        assert_eq!(refused, (ended.clone(), "term_ended", Some("Art. 5")));
    }
    // Once liquidation was recorded, even a resolution dated before it is too late.
    let history = after(&angel(), &[record("2029-09-01")]);
    let refused =
        refusal(given::<Fund>(&history).when(&extend(12, RESOLUTION, "2029-08-31", None)));
    assert_eq!(refused, (ended, "term_ended", Some("Art. 5")));
}

#[test]
fn an_extension_must_be_resolved_after_establishment_and_last_a_month() {
    let g = given::<Fund>(&angel());
    let (err, code, _) = refusal(g.when(&extend(12, RESOLUTION, "2021-08-31", None)));
    let before = FundError::BeforeEstablishment {
        establishment_date: d("2021-09-01"),
    };
    assert_eq!((err, code), (before, "date_before_establishment"));
    assert!(g.when(&extend(12, RESOLUTION, "2021-09-01", None)).is_ok());
    let (_, code, rule) = refusal(g.when(&extend(0, RESOLUTION, "2029-06-30", None)));
    assert_eq!((code, rule), ("invalid_fund_period", Some("Art. 5")));
    let refused = refusal(given::<Fund>(&[]).when(&extend(12, RESOLUTION, "2029-06-30", None)));
    assert_eq!(refused.0, FundError::NotEstablished);
}

#[test]
fn after_an_extension_the_extension_then_liquidation_are_recorded_on_the_new_dates() {
    let extended = [
        record("2024-09-01"),
        extend(12, RESOLUTION, "2029-06-30", None),
    ];
    let history = after(&angel(), &extended);
    let g = given::<Fund>(&history);
    assert_eq!(g.when(&record("2029-08-31")).unwrap(), vec![]);
    let extension = changed(Phase::Extension, "2029-09-01");
    assert_eq!(
        g.when(&record("2029-09-01")).unwrap(),
        vec![extension.clone()]
    );
    let liquidation = changed(Phase::Liquidation, "2030-09-01");
    assert_eq!(
        g.when(&record("2030-09-01")).unwrap(),
        vec![extension, liquidation.clone()]
    );
    let history = after(&history, &[record("2030-08-31")]);
    assert_eq!(
        given::<Fund>(&history).when(&record("2030-09-01")).unwrap(),
        vec![liquidation]
    );
}

#[test]
fn a_fund_closes_only_during_liquidation() {
    let g = given::<Fund>(&angel());
    // In the exit period, and on the first day of liquidation (which lasts at least a day).
    let early = FundError::Phase(PhaseError::ClosedBeforeLiquidation);
    for on in ["2029-08-31", "2029-09-01"] {
        let refused = refusal(g.when(&close(on, "2030-01-01")));
        assert_eq!(
            refused,
            (early.clone(), "closed_before_liquidation", Some("Art. 5"))
        );
    }
    let closed = FundEvent::FundClosed {
        closed_on: d("2029-09-02"),
    };
    assert_eq!(
        g.when(&close("2029-09-02", "2030-01-01")).unwrap(),
        vec![closed]
    );
    // An extension moves liquidation: closing inside the extension is too early.
    let extended = after(&angel(), &[extend(12, RESOLUTION, "2029-06-30", None)]);
    let refused = refusal(given::<Fund>(&extended).when(&close("2030-01-01", "2031-01-01")));
    assert_eq!(refused.1, "closed_before_liquidation");
}

#[test]
fn a_fund_cannot_be_closed_in_the_future() {
    let g = given::<Fund>(&angel());
    let (err, code, _) = refusal(g.when(&close("2030-01-02", "2030-01-01")));
    assert_eq!(
        (err, code),
        (
            FundError::DateInFuture {
                today: d("2030-01-01")
            },
            "date_in_future"
        )
    );
    assert!(g.when(&close("2030-01-01", "2030-01-01")).is_ok());
}

#[test]
fn a_fund_cannot_close_with_cash_or_pending_movements() {
    // LP 1 paid its 30M in: cash at the custodian.
    let subscriptions = [(1, 30_000_000), (2, 20_000_000)];
    let paid = paid_in_fund("2021-09-01", &subscriptions, &[(1, 30_000_000)]);
    let refused = refusal(given::<Fund>(&paid).when(&close("2030-01-01", "2030-01-01")));
    let incomplete = FundError::LiquidationIncomplete {
        cash: yuan(30_000_000),
        pending: 0,
        holdings: Money::ZERO,
        // The investment period's fees (2021-09-01 to 2024-08-31) were never assessed.
        unassessed_fee_years: vec![2021, 2022, 2023, 2024],
        fees_unpaid: Money::ZERO,
    };
    let code = "liquidation_incomplete";
    assert_eq!(refused, (incomplete, code, Some("Art. 5")));
    // Nothing paid, but a payment instructed and not confirmed.
    let [pay, _] = lp_pays(7, 1, 1, yuan(1), "2021-09-20");
    let pending = after(&paid_in_fund("2021-09-01", &subscriptions, &[]), &[pay]);
    let (err, code, _) = refusal(given::<Fund>(&pending).when(&close("2030-01-01", "2030-01-01")));
    let incomplete = FundError::LiquidationIncomplete {
        cash: Money::ZERO,
        pending: 1,
        holdings: Money::ZERO,
        unassessed_fee_years: vec![2021, 2022, 2023, 2024],
        fees_unpaid: Money::ZERO,
    };
    assert_eq!((err, code), (incomplete, "liquidation_incomplete"));
}

#[test]
fn a_fund_closes_once_after_paying_everything_out() {
    // 50M paid in, the fees paid, the rest distributed and paid out: nothing left at the
    // custodian.
    let subscriptions = [(1, 30_000_000), (2, 20_000_000)];
    let paid = paid_in_fund("2021-09-01", &subscriptions, &subscriptions);
    let emptied = wound_up(&paid);
    let closed = after(&emptied, &[close("2030-01-01", "2030-01-01")]);
    let g = given::<Fund>(&closed);
    assert_eq!(g.state.lifecycle.closed_on, Some(d("2030-01-01")));
    let later = [
        close("2030-01-02", "2030-01-02"),
        extend(12, RESOLUTION, "2029-06-30", None),
        declare(2, yuan(1)),
    ];
    for command in later {
        assert_eq!(
            refusal(g.when(&command)),
            (FundError::FundClosed, "fund_closed", Some("Art. 5"))
        );
    }
    // The scheduler then records every change up to the closing.
    assert_eq!(
        g.when(&record("2030-01-01")).unwrap(),
        vec![
            changed(Phase::Exit, "2024-09-01"),
            changed(Phase::Liquidation, "2029-09-01"),
            changed(Phase::Closed, "2030-01-01"),
        ]
    );
}
