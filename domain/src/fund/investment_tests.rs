//! Given/when/then tests of injections and exits on the fund (Art. 11, 16, 18) and of the
//! exit-period fee on the cost not exited (Art. 7).
//!
//! The worked sequence: a fund established on 2021-01-01 with 12 months of investment (the
//! exit period starts on 2022-01-01) and 50,000,000 at the custodian commits 3,333,333.33 to
//! project 1, a company with a registered capital of 10,000,000. At 30% paid in it injects
//! 1,000,000.00 (2021-10-01), at 60% 1,000,000.00 (2022-03-01), at 100% 1,333,333.33
//! (2022-06-01), the same day as project 2's two injections of 200,000 and 300,000. It exits
//! 1,000,000 of project 1's cost for 1,500,000 on 2022-09-01 and writes off the rest on
//! 2022-11-01.
//!
//! This file: the helpers and the injections; `investment_tests/exits.rs`: the exits, the
//! fee on the cost not exited and the events.

use super::custody::MovementKind;
use super::phases::Phase;
use super::test_support::{
    after, assess, close, confirm, d, instruct, money, paid_in_fund, refusal, terms, wound_up, yuan,
};
use super::*;
use crate::aggregate::given;
use crate::fees::{CostBasisChange, FeeComponent, FeeSegment};
use crate::investment::matching;
use crate::{DomainEvent, ExitId, MovementId, ProjectId, ResolutionId};
use rust_decimal::Decimal;
use uuid::Uuid;

mod closing;
mod concession;
mod exits;

const COMMITMENT: &str = "3333333.33";
const REGISTERED: i64 = 10_000_000;

fn project(n: u128) -> ProjectId {
    ProjectId(Uuid::from_u128(n))
}

fn exit_id(n: u128) -> ExitId {
    ExitId(Uuid::from_u128(n))
}

fn resolution() -> ResolutionId {
    ResolutionId(Uuid::from_u128(77))
}

/// The fund of the worked sequence, before any investment.
fn fund() -> Vec<FundEvent> {
    let mut history = paid_in_fund("2021-01-01", &[(1, 50_000_000)], &[(1, 50_000_000)]);
    let mut t = terms(FundKind::Angel, "2021-01-01");
    t.policy.investment_months = 12;
    history[0] = FundEvent::FundEstablished {
        fund_id: FundId(Uuid::nil()),
        terms: t,
    };
    history
}

/// Project 1's required cumulative payment once `percent`% of the registered capital is
/// paid in, as the project computes it (Art. 11).
fn required(percent: i64) -> Money {
    let paid_in = yuan(REGISTERED * percent / 100);
    let due = matching::due(money(COMMITMENT), yuan(REGISTERED), paid_in, Money::ZERO);
    due.unwrap().required_cumulative
}

/// Injection `id` of `amount` into project 1 on `on`, at `percent`% paid in.
fn p1(id: u128, amount: &str, on: &str, percent: i64) -> FundCommand {
    injection(
        id,
        1,
        money(amount),
        on,
        required(percent),
        money(COMMITMENT),
    )
}

/// Injection `id` of `amount` yuan into project 2 (500,000 committed and required).
fn p2(id: u128, amount: i64) -> FundCommand {
    injection(
        id,
        2,
        yuan(amount),
        "2022-06-01",
        yuan(500_000),
        yuan(500_000),
    )
}

fn injection(
    id: u128,
    p: u128,
    amount: Money,
    on: &str,
    required: Money,
    commitment: Money,
) -> FundCommand {
    FundCommand::InstructInjection {
        movement_id: MovementId(Uuid::from_u128(id)),
        project_id: project(p),
        amount,
        value_date: d(on),
        required_cumulative: required,
        commitment,
    }
}

/// Exit `n` of project `p`: `proceeds` for `cost` released on `on`.
fn exit(n: u128, p: u128, proceeds: &str, cost: &str, on: &str) -> FundCommand {
    FundCommand::RecordExit {
        exit_id: exit_id(n),
        project_id: project(p),
        proceeds: money(proceeds),
        cost_released: money(cost),
        on: d(on),
        resolution_id: resolution(),
    }
}

fn collect(id: u128, n: u128, amount: &str, on: &str) -> FundCommand {
    instruct(
        id,
        MovementKind::ExitProceeds {
            exit_id: exit_id(n),
        },
        money(amount),
        on,
    )
}

/// Every injection of the worked sequence, confirmed on its value date.
fn invested() -> Vec<FundEvent> {
    after(
        &fund(),
        &[
            p1(1, "1000000.00", "2021-10-01", 30),
            confirm(1, "2021-10-01"),
            p1(2, "1000000.00", "2022-03-01", 60),
            confirm(2, "2022-03-01"),
            p1(3, "1333333.33", "2022-06-01", 100),
            confirm(3, "2022-06-01"),
            p2(4, 200_000),
            confirm(4, "2022-06-01"),
            p2(5, 300_000),
            confirm(5, "2022-06-01"),
        ],
    )
}

/// [`invested`], then the partial exit (proceeds collected on 2022-09-15) and the write-off.
fn exited() -> Vec<FundEvent> {
    after(
        &invested(),
        &[
            exit(1, 1, "1500000", "1000000", "2022-09-01"),
            collect(6, 1, "1500000", "2022-09-15"),
            confirm(6, "2022-09-15"),
            exit(2, 1, "0", "2333333.33", "2022-11-01"),
        ],
    )
}

fn state(history: &[FundEvent]) -> Fund {
    given::<Fund>(history).state
}

fn cost_basis(changes: &[(&str, &str)]) -> Vec<CostBasisChange> {
    let change = |(on, cost): &(&str, &str)| CostBasisChange {
        on: d(on),
        cost_not_exited: money(cost),
    };
    changes.iter().map(change).collect()
}

#[test]
fn injections_follow_the_company_paid_in_ratio_to_the_fen() {
    let steps = [
        (30, "1000000.00", "2021-10-01", "1000000.00", 1),
        (60, "2000000.00", "2022-03-01", "1000000.00", 2),
        (100, "3333333.33", "2022-06-01", "1333333.33", 3),
    ];
    let mut history = fund();
    let mut cash = yuan(50_000_000);
    for (percent, cumulative, on, amount, id) in steps {
        assert_eq!(required(percent), money(cumulative));
        let fen_more = p1(
            id,
            &(money(amount) + money("0.01")).to_string(),
            on,
            percent,
        );
        assert_eq!(
            refusal(given::<Fund>(&history).when(&fen_more)),
            (
                FundError::InjectionExceedsRequired {
                    room: money(amount)
                },
                "overpayment",
                Some("Art. 11")
            )
        );
        let events = given::<Fund>(&history)
            .when(&p1(id, amount, on, percent))
            .unwrap();
        let movement_id = MovementId(Uuid::from_u128(id));
        let expected = vec![
            FundEvent::InjectionMatched {
                movement_id,
                project_id: project(1),
                commitment: money(COMMITMENT),
                required_cumulative: money(cumulative),
            },
            FundEvent::MovementInstructed {
                movement_id,
                kind: MovementKind::Injection {
                    project_id: project(1),
                },
                amount: money(amount),
                value_date: d(on),
            },
        ];
        assert_eq!(events, expected);
        history.extend(events);
        // Instructed, not confirmed: it counts against the room, and the cash has not moved.
        let one_fen = p1(99, "0.01", on, percent);
        let room = refusal(given::<Fund>(&history).when(&one_fen)).0;
        assert_eq!(
            room,
            FundError::InjectionExceedsRequired { room: Money::ZERO }
        );
        assert_eq!(state(&history).custody.cash, cash);
        history = after(&history, &[confirm(id, on)]);
        cash = cash - money(amount);
        assert_eq!(state(&history).custody.cash, cash);
    }
    let investment = state(&history).investments[&project(1)];
    let paid = money(COMMITMENT);
    assert_eq!(
        investment,
        investments::Investment {
            commitment: paid,
            required_cumulative: paid,
            instructed: paid,
            paid,
            cost_released: Money::ZERO,
            proceeds: Money::ZERO,
        }
    );
    assert_eq!(state(&history).custody.cash, money("46666666.67"));
}

#[test]
fn the_cost_not_exited_rises_on_each_day_money_moved_and_same_day_changes_merge() {
    let fund = state(&invested());
    let expected = [
        ("2021-10-01", "1000000.00"),
        ("2022-03-01", "2000000.00"),
        // Project 1's 1,333,333.33 and project 2's 200,000 and 300,000: one change.
        ("2022-06-01", "3833333.33"),
    ];
    assert_eq!(fund.cost_basis, cost_basis(&expected));
    assert_eq!(fund.custody.cash, money("46166666.67"));
    assert_eq!(
        fund.investments[&project(2)].cost_not_exited(),
        yuan(500_000)
    );
}

#[test]
fn a_confirmation_entered_late_moves_the_later_totals() {
    let history = after(
        &fund(),
        &[
            p1(1, "1000000.00", "2022-03-01", 30),
            p2(2, 200_000),
            confirm(2, "2022-06-01"),
            confirm(1, "2022-03-01"),
        ],
    );
    let expected = [("2022-03-01", "1000000.00"), ("2022-06-01", "1200000.00")];
    assert_eq!(state(&history).cost_basis, cost_basis(&expected));
}

#[test]
fn an_injection_needs_a_required_payment_within_the_commitment_and_the_cash() {
    let g = given::<Fund>(&fund());
    let over = injection(1, 1, yuan(1), "2021-10-01", yuan(11), yuan(10));
    assert_eq!(
        refusal(g.when(&over)),
        (
            FundError::RequiredAboveCommitment {
                required_cumulative: yuan(11),
                commitment: yuan(10)
            },
            "required_above_commitment",
            Some("Art. 11")
        )
    );
    let nothing = injection(1, 1, Money::ZERO, "2021-10-01", yuan(10), yuan(10));
    assert_eq!(refusal(g.when(&nothing)).1, "non_positive_amount");
    // A stale (lower) required payment is conservative: it leaves less room.
    let history = after(&fund(), &[p1(1, "1000000.00", "2021-10-01", 60)]);
    let stale = p1(2, "0.01", "2021-10-02", 30);
    let room = Money::ZERO;
    assert_eq!(
        refusal(given::<Fund>(&history).when(&stale)).0,
        FundError::InjectionExceedsRequired { room }
    );
    let state = state(&history);
    assert_eq!(
        state.investments[&project(1)].required_cumulative,
        required(60)
    );
    let reused = p1(1, "1", "2021-10-02", 60);
    assert_eq!(
        refusal(given::<Fund>(&history).when(&reused)).1,
        "movement_already_instructed"
    );
    // 49,000,000 is left once the instructed 1,000,000 is committed.
    let big = injection(
        2,
        3,
        yuan(49_000_001),
        "2021-10-02",
        yuan(60_000_000),
        yuan(60_000_000),
    );
    let available = yuan(49_000_000);
    assert_eq!(
        refusal(given::<Fund>(&history).when(&big)),
        (
            FundError::InsufficientCash { available },
            "insufficient_cash",
            Some("Art. 18")
        )
    );
}

#[test]
fn the_generic_instruction_refuses_an_injection() {
    let kind = MovementKind::Injection {
        project_id: project(1),
    };
    let generic = instruct(1, kind, yuan(1), "2021-10-01");
    assert_eq!(
        refusal(given::<Fund>(&fund()).when(&generic)),
        (
            FundError::InjectionNeedsItsCommand,
            "injection_needs_its_command",
            Some("Art. 11")
        )
    );
}

#[test]
fn a_closed_fund_refuses_injections_and_exits() {
    let paid = paid_in_fund("2021-09-01", &[(1, 50_000_000)], &[(1, 50_000_000)]);
    let closed = after(&wound_up(&paid), &[close("2030-01-01", "2030-01-01")]);
    let g = given::<Fund>(&closed);
    for command in [
        p1(1, "1", "2030-02-01", 30),
        exit(1, 1, "1", "1", "2030-02-01"),
    ] {
        let refused = refusal(g.when(&command));
        assert_eq!(
            refused,
            (FundError::FundClosed, "fund_closed", Some("Art. 5"))
        );
    }
}

#[test]
fn a_fund_holding_an_investment_cannot_close() {
    // After the worked sequence project 2's 500,000 is still held (project 1 is sold and
    // written off); the term ended on 2027-01-01 and liquidation is under way.
    let closing = close("2028-01-01", "2028-01-01");
    let (err, code, rule) = refusal(given::<Fund>(&exited()).when(&closing));
    let FundError::LiquidationIncomplete { holdings, .. } = err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (holdings, code, rule),
        (yuan(500_000), "liquidation_incomplete", Some("Art. 5"))
    );
    // Written off too: nothing held (the cash still stands in the way).
    let written_off = after(&exited(), &[exit(3, 2, "0", "500000", "2027-06-01")]);
    let (err, _, _) = refusal(given::<Fund>(&written_off).when(&closing));
    assert!(
        matches!(err, FundError::LiquidationIncomplete { holdings, cash, .. } if holdings == Money::ZERO && cash.is_positive()),
        "{err:?}"
    );
}
