//! Given/when/then tests of linking an LP to a guidance fund administered here.

use super::capital::LpKind;
use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::Rejection;
use uuid::Uuid;

fn history() -> Vec<FundEvent> {
    let mut guidance_lp = subscribed(1, 2, 20_000_000);
    if let FundEvent::LpSubscribed { lp_kind, .. } = &mut guidance_lp {
        *lp_kind = LpKind::GuidanceFund;
    }
    vec![
        established(FundKind::Angel, "2021-09-01"),
        opened(1, 50_000_000, "2021-09-01"),
        subscribed(1, 1, 30_000_000),
        guidance_lp,
    ]
}

fn link(who: u128, fund: u128) -> FundCommand {
    FundCommand::LinkLp {
        lp: lp(who),
        fund: FundId(Uuid::from_u128(fund)),
    }
}

#[test]
fn a_guidance_fund_lp_is_linked_to_its_fund_once() {
    let events = given::<Fund>(&history()).when(&link(2, 77)).unwrap();
    assert_eq!(
        events,
        [FundEvent::LpLinked {
            lp: lp(2),
            fund: FundId(Uuid::from_u128(77))
        }]
    );
    let mut linked = history();
    linked.extend(events);
    let g = given::<Fund>(&linked);
    assert_eq!(
        g.state.lp_funds.get(&lp(2)),
        Some(&FundId(Uuid::from_u128(77)))
    );
    assert_eq!(g.when(&link(2, 77)), Ok(vec![]));
    let e = g.when(&link(2, 78)).unwrap_err();
    assert_eq!(e.code(), "lp_already_linked");
}

#[test]
fn only_a_known_guidance_fund_lp_is_linked() {
    let g = given::<Fund>(&history());
    assert_eq!(g.when(&link(9, 77)).unwrap_err().code(), "lp_not_found");
    assert_eq!(g.when(&link(1, 77)).unwrap_err().code(), "lp_not_linkable");
}
