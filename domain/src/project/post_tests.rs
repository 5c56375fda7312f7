//! Given/when/then tests of post-investment management: reports, exit triggers detected once
//! (1, 5, 6) or recorded by the manager (2, 3, 4, 7), supervisory actions.

use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::Rejection;

fn report(city: &str, going_concern: bool) -> CompanyReport {
    CompanyReport {
        period: "2024-H2".into(),
        revenue: yuan(6_000_000),
        net_assets: yuan(9_000_000),
        staff: 130,
        rd_staff: 35,
        financing_rounds: vec![],
        raising_round: false,
        registered_city: city.into(),
        going_concern,
    }
}

fn reporting(report: CompanyReport, on: &str) -> ProjectCommand {
    ProjectCommand::ReportPostInvestment { report, on: d(on) }
}

fn triggers(events: &[ProjectEvent]) -> Vec<Trigger> {
    events
        .iter()
        .filter_map(|e| match e {
            ProjectEvent::ExitTriggerRaised { trigger, .. } => Some(*trigger),
            _ => None,
        })
        .collect()
}

fn city() -> String {
    facts().registered_city
}

#[test]
fn a_report_in_order_raises_nothing() {
    let events = given::<Project>(&reach(Stage::PostInvestment))
        .when(&reporting(report(&city(), true), "2025-01-31"))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert!(matches!(
        events[0],
        ProjectEvent::PostInvestmentReported { .. }
    ));
}

#[test]
fn a_move_out_of_the_city_raises_trigger_5_once() {
    let mut history = reach(Stage::PostInvestment);
    let first = given::<Project>(&history)
        .when(&reporting(report("上海", true), "2025-01-31"))
        .unwrap();
    assert_eq!(triggers(&first), [Trigger::MovedOutOfCity]);
    assert_eq!(Trigger::MovedOutOfCity.clause(), "Art. 16(5)");
    history.extend(first);
    let second = given::<Project>(&history)
        .when(&reporting(report("上海", true), "2025-07-31"))
        .unwrap();
    assert_eq!(triggers(&second), [], "raised again: {second:?}");
    assert_eq!(second.len(), 1, "the report itself is recorded");
}

#[test]
fn a_lost_going_concern_raises_trigger_6() {
    let events = given::<Project>(&reach(Stage::PostInvestment))
        .when(&reporting(report(&city(), false), "2025-01-31"))
        .unwrap();
    assert_eq!(triggers(&events), [Trigger::GoingConcernLost]);
}

#[test]
fn a_later_round_with_a_further_one_being_raised_raises_trigger_1() {
    let g = given::<Project>(&reach(Stage::PostInvestment));
    let mut r = report(&city(), true);
    // A round before the fund's investment does not count.
    r.financing_rounds = vec![FinancingRound {
        closed_on: d("2024-06-30"),
        amount: yuan(10_000_000),
    }];
    r.raising_round = true;
    assert_eq!(
        triggers(&g.when(&reporting(r.clone(), "2025-01-31")).unwrap()),
        []
    );
    r.financing_rounds.push(FinancingRound {
        closed_on: d("2024-12-15"),
        amount: yuan(30_000_000),
    });
    // A later round without a further one being raised does not either.
    r.raising_round = false;
    assert_eq!(
        triggers(&g.when(&reporting(r.clone(), "2025-01-31")).unwrap()),
        []
    );
    r.raising_round = true;
    assert_eq!(
        triggers(&g.when(&reporting(r, "2025-01-31")).unwrap()),
        [Trigger::NextRoundCompleted]
    );
}

#[test]
fn the_manager_records_the_other_triggers_and_not_the_detected_ones() {
    let g = given::<Project>(&reach(Stage::PostInvestment));
    let record = |trigger| ProjectCommand::RecordTrigger {
        trigger,
        note: "老股东有意受让".into(),
        on: d("2025-02-01"),
    };
    let events = g.when(&record(Trigger::ShareholderBuyer)).unwrap();
    assert_eq!(triggers(&events), [Trigger::ShareholderBuyer]);
    let e = g.when(&record(Trigger::MovedOutOfCity)).unwrap_err();
    assert_eq!(
        (e.code(), e.rule()),
        ("trigger_detected_only", Some("Art. 16(5)"))
    );
    let mut history = reach(Stage::PostInvestment);
    history.extend(events);
    assert_eq!(
        given::<Project>(&history).when(&record(Trigger::ShareholderBuyer)),
        Ok(vec![])
    );
}

#[test]
fn reports_come_after_the_agreement_and_must_be_consistent() {
    let e = given::<Project>(&reach(Stage::Implementation))
        .when(&reporting(report(&city(), true), "2025-01-31"))
        .unwrap_err();
    assert_eq!(e.code(), "stage_out_of_order");
    let mut r = report(&city(), true);
    r.rd_staff = 131;
    let e = given::<Project>(&reach(Stage::PostInvestment))
        .when(&reporting(r, "2025-01-31"))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_report");
}

#[test]
fn a_supervisory_action_is_recorded_with_its_reason() {
    let g = given::<Project>(&reach(Stage::PostInvestment));
    let events = g
        .when(&ProjectCommand::RecordSupervisoryAction {
            action: SupervisoryAction::Termination,
            reason: "挪用投资资金".into(),
            on: d("2025-03-01"),
        })
        .unwrap();
    assert!(matches!(
        events[0],
        ProjectEvent::SupervisoryActionRecorded {
            action: SupervisoryAction::Termination,
            ..
        }
    ));
}
