//! Given/when/then tests of exits (Art. 16): partial exits with their proceeds, write-offs,
//! the cost they may release, and the exit-period fee on the cost not exited (Art. 7), on
//! the worked sequence of the parent module.

use super::*;

#[test]
fn a_partial_exit_releases_cost_and_its_proceeds_raise_the_cash_once_confirmed() {
    let g = given::<Fund>(&invested());
    let events = g.when(&exit(1, 1, "1500000", "1000000", "2022-09-01"));
    let recorded = FundEvent::ExitRecorded {
        exit_id: exit_id(1),
        project_id: project(1),
        proceeds: yuan(1_500_000),
        cost_released: yuan(1_000_000),
        realised: yuan(500_000),
        on: d("2022-09-01"),
        resolution_id: resolution(),
    };
    assert_eq!(events, Ok(vec![recorded.clone()]));
    let history = [invested(), vec![recorded]].concat();
    let fund = state(&history);
    assert_eq!(
        fund.cost_basis.last(),
        cost_basis(&[("2022-09-01", "2833333.33")]).last()
    );
    assert_eq!(fund.investments[&project(1)].realised(), yuan(500_000));
    // The proceeds are due: collected up to them, through the custodian.
    let too_much = collect(6, 1, "1500000.01", "2022-09-15");
    let room = yuan(1_500_000);
    assert_eq!(
        refusal(given::<Fund>(&history).when(&too_much)),
        (
            FundError::Overpayment { room },
            "overpayment",
            Some("SPEC §2")
        )
    );
    let instructed = after(&history, &[collect(6, 1, "1500000", "2022-09-15")]);
    assert_eq!(state(&instructed).custody.cash, money("46166666.67"));
    let collected = after(&instructed, &[confirm(6, "2022-09-15")]);
    let fund = state(&collected);
    assert_eq!(fund.custody.cash, money("47666666.67"));
    assert_eq!(
        fund.custody.exit_proceeds[&exit_id(1)].outstanding(),
        Money::ZERO
    );
}

#[test]
fn a_write_off_releases_the_rest_and_moves_no_money() {
    let fund = state(&exited());
    let investment = fund.investments[&project(1)];
    assert_eq!(investment.cost_not_exited(), Money::ZERO);
    assert_eq!(investment.realised(), money("-1833333.33"));
    assert_eq!(fund.exits[&exit_id(2)].proceeds, Money::ZERO);
    assert_eq!(fund.custody.exit_proceeds.get(&exit_id(2)), None);
    let expected = [
        ("2021-10-01", "1000000.00"),
        ("2022-03-01", "2000000.00"),
        ("2022-06-01", "3833333.33"),
        ("2022-09-01", "2833333.33"),
        ("2022-11-01", "500000.00"),
    ];
    assert_eq!(fund.cost_basis, cost_basis(&expected));
    let g = given::<Fund>(&exited());
    let no_proceeds = collect(7, 2, "0.01", "2022-11-02");
    assert_eq!(
        refusal(g.when(&no_proceeds)),
        (
            FundError::ProceedsWithoutExit,
            "payment_without_exit",
            Some("Art. 18")
        )
    );
    let again = exit(3, 1, "0", "0.01", "2022-12-01");
    let cost_not_exited = Money::ZERO;
    assert_eq!(
        refusal(g.when(&again)),
        (
            FundError::ExitExceedsCost { cost_not_exited },
            "exit_exceeds_cost",
            Some("Art. 16")
        )
    );
}

#[test]
fn an_exit_releases_at_most_the_cost_not_exited_on_its_day() {
    let g = given::<Fund>(&invested());
    let refused = |command: FundCommand| refusal(g.when(&command)).0;
    let beyond = exit(1, 1, "0", "3333333.34", "2022-09-01");
    let cost_not_exited = money(COMMITMENT);
    assert_eq!(
        refused(beyond),
        FundError::ExitExceedsCost { cost_not_exited }
    );
    // On 2022-05-31 only the first two injections had been paid.
    let early = exit(1, 1, "0", "2000000.01", "2022-05-31");
    let cost_not_exited = yuan(2_000_000);
    assert_eq!(
        refused(early),
        FundError::ExitExceedsCost { cost_not_exited }
    );
    let unknown = exit(1, 9, "0", "0.01", "2022-09-01");
    let cost_not_exited = Money::ZERO;
    assert_eq!(
        refused(unknown),
        FundError::ExitExceedsCost { cost_not_exited }
    );
    assert_eq!(
        refused(exit(1, 1, "-0.01", "1", "2022-09-01")),
        FundError::NegativeProceeds
    );
    assert_eq!(
        refused(exit(1, 1, "1", "0", "2022-09-01")),
        FundError::NonPositiveAmount
    );
    let establishment_date = d("2021-01-01");
    assert_eq!(
        refused(exit(1, 1, "1", "1", "2020-12-31")),
        FundError::BeforeEstablishment { establishment_date }
    );
    let history = after(&invested(), &[exit(1, 1, "1", "1", "2022-09-01")]);
    let reused = exit(1, 2, "1", "1", "2022-09-01");
    assert_eq!(
        refusal(given::<Fund>(&history).when(&reused)).1,
        "exit_already_recorded"
    );
    // An injection instructed and not confirmed is no cost yet.
    let pending = after(&fund(), &[p1(1, "1000000.00", "2021-10-01", 30)]);
    let early = exit(1, 1, "0", "0.01", "2021-12-31");
    let cost_not_exited = Money::ZERO;
    assert_eq!(
        refusal(given::<Fund>(&pending).when(&early)).0,
        FundError::ExitExceedsCost { cost_not_exited }
    );
}

#[test]
fn the_exit_period_fee_charges_the_cost_not_exited_day_by_day() {
    let events = given::<Fund>(&exited())
        .when(&assess(2022, "2023-01-01"))
        .unwrap();
    let [FundEvent::FeeAssessed { year, assessment }] = &events[..] else {
        panic!("{events:?}")
    };
    let segment = |from: &str, to: &str, base: &str, days: u32, amount: &str| FeeSegment {
        from: d(from),
        to: d(to),
        component: FeeComponent::CostNotExited,
        phase: Phase::Exit,
        base: money(base),
        rate: Decimal::new(1, 2),
        days,
        amount: money(amount),
    };
    // base × 1% × days ÷ 365, half up to the fen, e.g. 3,833,333.33 × 92 ÷ 36,500 =
    // 9,662.1004… → 9,662.10.
    let expected = vec![
        segment("2022-01-01", "2022-02-28", "1000000", 59, "1616.44"),
        segment("2022-03-01", "2022-05-31", "2000000", 92, "5041.10"),
        segment("2022-06-01", "2022-08-31", "3833333.33", 92, "9662.10"),
        segment("2022-09-01", "2022-10-31", "2833333.33", 61, "4735.16"),
        segment("2022-11-01", "2022-12-31", "500000", 61, "835.62"),
    ];
    assert_eq!((*year, &assessment.segments), (2022, &expected));
    assert_eq!(assessment.total, money("21890.42"));
}

#[test]
fn the_new_events_are_named_and_dated() {
    let history = exited();
    let types: Vec<&str> = history.iter().map(DomainEvent::event_type).collect();
    assert_eq!(
        types.iter().filter(|t| **t == "InjectionMatched").count(),
        5
    );
    let exits: Vec<_> = history
        .iter()
        .filter(|e| e.event_type() == "ExitRecorded")
        .map(DomainEvent::effective_date)
        .collect();
    assert_eq!(exits, vec![Some(d("2022-09-01")), Some(d("2022-11-01"))]);
    let kind = MovementKind::ExitProceeds {
        exit_id: exit_id(1),
    };
    let json = serde_json::to_value(&kind).unwrap();
    assert_eq!(json["kind"], "exit_proceeds");
    assert!(kind.is_inflow());
    // The fold is the same whether replayed from the stored JSON or not.
    let stored: Vec<FundEvent> =
        serde_json::from_value(serde_json::to_value(&history).unwrap()).unwrap();
    assert_eq!(state(&stored), state(&history));
}
