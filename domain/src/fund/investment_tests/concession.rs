//! Given/when/then tests of a sub-fund exit with the fund's profit concession (让利, SPEC §10):
//! only an excess return is conceded, at most the cap, and never on a loss.

use super::*;
use crate::fund::policy::ConcessionPolicy;

/// The worked fund with a concession policy: half of the excess, capped at `cap` yuan.
fn conceding(cap: Option<i64>) -> Vec<FundEvent> {
    let mut history = invested();
    if let FundEvent::FundEstablished { terms, .. } = &mut history[0] {
        terms.policy.guidance.concession = Some(ConcessionPolicy {
            share: Decimal::new(5, 1),
            cap: cap.map(yuan),
        });
    }
    history
}

fn sub_fund_exit(proceeds: &str, cost: &str) -> FundCommand {
    FundCommand::RecordSubFundExit {
        exit_id: exit_id(1),
        project_id: project(1),
        proceeds: money(proceeds),
        cost_released: money(cost),
        on: d("2022-09-01"),
        resolution_id: resolution(),
    }
}

fn kept_and_conceded(events: &[FundEvent]) -> (Money, Option<Money>) {
    let kept = events.iter().find_map(|e| match e {
        FundEvent::ExitRecorded { proceeds, .. } => Some(*proceeds),
        _ => None,
    });
    let conceded = events.iter().find_map(|e| match e {
        FundEvent::ConcessionApplied { concession, .. } => Some(concession.conceded),
        _ => None,
    });
    (kept.unwrap(), conceded)
}

#[test]
fn half_the_excess_return_is_conceded_and_the_fund_keeps_the_rest() {
    // 3,000,000 for 2,000,000 of cost: excess 1,000,000, half conceded.
    let events = given::<Fund>(&conceding(None))
        .when(&sub_fund_exit("3000000", "2000000"))
        .unwrap();
    assert_eq!(
        kept_and_conceded(&events),
        (yuan(2_500_000), Some(yuan(500_000)))
    );
    let FundEvent::ExitRecorded { realised, .. } = &events[1] else {
        panic!("{events:?}");
    };
    assert_eq!(*realised, yuan(500_000));
}

#[test]
fn the_cap_limits_the_concession() {
    let events = given::<Fund>(&conceding(Some(300_000)))
        .when(&sub_fund_exit("3000000", "2000000"))
        .unwrap();
    assert_eq!(
        kept_and_conceded(&events),
        (yuan(2_700_000), Some(yuan(300_000)))
    );
}

#[test]
fn a_loss_concedes_nothing_and_without_a_policy_nothing_is_conceded() {
    let loss = given::<Fund>(&conceding(None))
        .when(&sub_fund_exit("1500000", "2000000"))
        .unwrap();
    assert_eq!(kept_and_conceded(&loss), (yuan(1_500_000), None));
    let plain = given::<Fund>(&invested())
        .when(&sub_fund_exit("3000000", "2000000"))
        .unwrap();
    assert_eq!(kept_and_conceded(&plain), (yuan(3_000_000), None));
}
