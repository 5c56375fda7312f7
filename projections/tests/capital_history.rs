//! The capital read model through a fund's life: calls paid in full, late and in part, the
//! SPEC §7 fee example assessed and paid, a distribution declared and paid in part. Every
//! figure is checked: totals and cash after each step, LP accounts, calls, fees,
//! distributions and movements at the end.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod support;

use domain::fund::custody::MovementKind;
use domain::fund::FundEvent;
use projections::capital::{self, CallLpView, DistributionLpView};
use rust_decimal::Decimal;
use support::{d, dec, steps, History};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn every_figure_follows_the_fund_history() {
    let mut h = History::new().await;
    for (i, (commands, expected)) in steps(&h.ids).into_iter().enumerate() {
        h.run(&commands).await;
        assert_eq!(h.totals().await, expected, "totals after step {i}");
    }
    let ids = &h.ids;
    let (fund, a, b, c) = (ids.fund.0, ids.a.0, ids.b.0, ids.c.0);
    let client = h.db.pool.get().await.unwrap();
    let cl = &**client;

    // LP accounts: C owes 2,000,000 of call 2 from the day after its due date.
    let on_due = capital::lp_accounts(cl, fund, d("2023-07-31"))
        .await
        .unwrap();
    let after_due = capital::lp_accounts(cl, fund, d("2023-08-01"))
        .await
        .unwrap();
    let row = |acc: &capital::LpAccount| {
        (
            acc.lp_id,
            acc.subscribed,
            acc.called,
            acc.paid,
            acc.arrears,
            acc.distributed,
            acc.distribution_paid,
            acc.paid_in_ratio,
        )
    };
    let expected = |c_arrears: &str| {
        vec![
            (
                a,
                dec("48000000"),
                dec("39000000"),
                dec("39000000"),
                Decimal::ZERO,
                dec("6190476.19"),
                dec("6190476.19"),
                Some(dec("0.8125")),
            ),
            (
                b,
                dec("20000000"),
                dec("20000000"),
                dec("20000000"),
                Decimal::ZERO,
                dec("3174603.17"),
                dec("1000000"),
                Some(dec("1")),
            ),
            (
                c,
                dec("12000000"),
                dec("6000000"),
                dec("4000000"),
                dec(c_arrears),
                dec("634920.64"),
                Decimal::ZERO,
                Some(dec("0.333333")),
            ),
        ]
    };
    assert_eq!(on_due.iter().map(row).collect::<Vec<_>>(), expected("0"));
    assert_eq!(
        after_due.iter().map(row).collect::<Vec<_>>(),
        expected("2000000")
    );
    let names: Vec<(&str, &str)> = on_due
        .iter()
        .map(|x| (x.name.as_str(), x.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("昆山国投", "state_owned"),
            ("昆山市政府引导基金", "guidance_fund"),
            ("昆山某科技企业", "other")
        ]
    );
    let ratio = serde_json::to_value(&after_due[2]).unwrap()["paid_in_ratio"].clone();
    assert_eq!(ratio, "0.333333");
    let one = capital::lp_account(cl, fund, c, d("2023-08-01"))
        .await
        .unwrap();
    assert_eq!(one.as_ref(), Some(&after_due[2]));
    let nobody = capital::lp_account(cl, fund, Uuid::now_v7(), d("2023-08-01")).await;
    assert_eq!(nobody.unwrap(), None);

    // Calls, in order of their dates, with each LP's share over the tranches called.
    let lp = |lp_id, allocated: &str, paid: &str, arrears: &str| CallLpView {
        lp_id,
        allocated: dec(allocated),
        paid: dec(paid),
        arrears: dec(arrears),
    };
    for (on, c_arrears) in [("2023-07-31", "0"), ("2023-08-01", "2000000")] {
        let calls = capital::calls(cl, fund, d(on)).await.unwrap();
        assert_eq!(calls.len(), 2);
        let (first, second) = (&calls[0], &calls[1]);
        assert_eq!(first.call_id, ids.call1.0);
        assert_eq!(first.tranches, vec![1]);
        assert_eq!(
            (first.amount, first.paid, first.arrears),
            (dec("50000000"), dec("50000000"), Decimal::ZERO)
        );
        assert_eq!(
            (first.called_on, first.due_on),
            (d("2022-01-10"), d("2022-01-31"))
        );
        assert_eq!(
            first.allocations,
            [
                lp(a, "30000000", "30000000", "0"),
                lp(b, "20000000", "20000000", "0")
            ]
        );
        assert_eq!(second.call_id, ids.call2.0);
        assert_eq!(second.tranches, vec![2]);
        assert_eq!(
            (second.amount, second.paid, second.arrears),
            (dec("15000000"), dec("13000000"), dec(c_arrears))
        );
        assert_eq!(
            (second.called_on, second.due_on),
            (d("2023-07-05"), d("2023-07-31"))
        );
        assert_eq!(
            second.allocations,
            [
                lp(a, "9000000", "9000000", "0"),
                lp(c, "6000000", "4000000", c_arrears)
            ]
        );
        let one = capital::call(cl, fund, ids.call2.0, d(on)).await.unwrap();
        assert_eq!(one.as_ref(), Some(second));
    }
    assert_eq!(
        capital::call(cl, fund, Uuid::now_v7(), d("2024-01-01"))
            .await
            .unwrap(),
        None
    );

    // Fees: the SPEC example, with the segments as the event carries them.
    let fees = capital::fee_assessments(cl, fund).await.unwrap();
    let years: Vec<(i32, Decimal, Decimal, Decimal)> = fees
        .iter()
        .map(|f| (f.year, f.total, f.paid, f.outstanding))
        .collect();
    assert_eq!(
        years,
        [
            (2022, dec("500000.00"), dec("500000"), Decimal::ZERO),
            (2023, dec("651232.88"), dec("300000"), dec("351232.88"))
        ]
    );
    let fee = capital::fee_assessment(cl, fund, 2023)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fee, fees[1]);
    assert_eq!(
        (fee.period_from, fee.period_to),
        (d("2023-01-01"), d("2023-12-31"))
    );
    let segments = fee.segments.as_array().unwrap();
    assert_eq!(segments.len(), 2);
    for (segment, component, from, base, days, amount) in [
        (
            &segments[0],
            1,
            "2023-01-01",
            "50000000.00",
            365,
            "500000.00",
        ),
        (
            &segments[1],
            2,
            "2023-07-01",
            "30000000.00",
            184,
            "151232.88",
        ),
    ] {
        assert_eq!(segment["component"]["tranche"], component);
        assert_eq!(segment["from"], from);
        assert_eq!(segment["to"], "2023-12-31");
        assert_eq!(segment["phase"], "investment");
        assert_eq!(segment["base"], base);
        assert_eq!(segment["days"], days);
        assert_eq!(segment["amount"], amount);
    }
    let events = h.store.load_stream(&ids.fund.stream_id(), 0).await.unwrap();
    let assessed_2023 = events
        .iter()
        .find_map(|e| match e.decode::<FundEvent>().unwrap() {
            FundEvent::FeeAssessed { year: 2023, .. } => Some(e.payload["segments"].clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(fee.segments, assessed_2023);
    assert_eq!(capital::fee_assessment(cl, fund, 2024).await.unwrap(), None);

    // The distribution, pro rata to paid-in capital (39 : 20 : 4), paid in part.
    let share = |lp_id, paid_in: &str, allocated: &str, paid: &str| DistributionLpView {
        lp_id,
        paid_in: dec(paid_in),
        allocated: dec(allocated),
        paid: dec(paid),
    };
    let distributions = capital::distributions(cl, fund).await.unwrap();
    assert_eq!(distributions.len(), 1);
    let dist = &distributions[0];
    assert_eq!(dist.distribution_id, ids.dist.0);
    assert_eq!(
        (dist.amount, dist.declared_on, dist.paid),
        (dec("10000000"), d("2024-03-01"), dec("7190476.19"))
    );
    assert_eq!(
        dist.allocations,
        [
            share(a, "39000000", "6190476.19", "6190476.19"),
            share(b, "20000000", "3174603.17", "1000000"),
            share(c, "4000000", "634920.64", "0"),
        ]
    );
    let one = capital::distribution(cl, fund, ids.dist.0).await.unwrap();
    assert_eq!(one.as_ref(), Some(dist));
    let none = capital::distribution(cl, fund, Uuid::now_v7())
        .await
        .unwrap();
    assert_eq!(none, None);

    // Movements by value date: what each pays, confirmed or still pending.
    let movements = capital::movements(cl, fund).await.unwrap();
    let got: Vec<_> = movements
        .iter()
        .map(|m| {
            (
                m.movement_id,
                m.kind.as_str(),
                m.call_id,
                m.lp_id,
                m.fee_year,
                m.distribution_id,
                m.amount,
                m.value_date,
                m.confirmed_on,
            )
        })
        .collect();
    let (m, c1, c2, dd) = (
        ids.m,
        Some(ids.call1.0),
        Some(ids.call2.0),
        Some(ids.dist.0),
    );
    let on = |s: &str| Some(d(s));
    assert_eq!(
        got,
        [
            (
                m[0].0,
                "lp_payment",
                c1,
                Some(a),
                None,
                None,
                dec("30000000"),
                d("2022-01-20"),
                on("2022-01-21")
            ),
            (
                m[1].0,
                "lp_payment",
                c1,
                Some(b),
                None,
                None,
                dec("20000000"),
                d("2022-01-25"),
                on("2022-01-26")
            ),
            (
                m[2].0,
                "lp_payment",
                c2,
                Some(a),
                None,
                None,
                dec("9000000"),
                d("2023-07-20"),
                on("2023-07-20")
            ),
            (
                m[3].0,
                "lp_payment",
                c2,
                Some(c),
                None,
                None,
                dec("4000000"),
                d("2023-08-10"),
                on("2023-08-10")
            ),
            (
                m[4].0,
                "lp_payment",
                c2,
                Some(c),
                None,
                None,
                dec("1000000"),
                d("2023-08-20"),
                None
            ),
            (
                m[5].0,
                "fee_payment",
                None,
                None,
                Some(2022),
                None,
                dec("500000"),
                d("2024-01-10"),
                on("2024-01-10")
            ),
            (
                m[6].0,
                "fee_payment",
                None,
                None,
                Some(2023),
                None,
                dec("300000"),
                d("2024-01-15"),
                on("2024-01-16")
            ),
            (
                m[7].0,
                "distribution",
                None,
                Some(a),
                None,
                dd,
                dec("6190476.19"),
                d("2024-03-10"),
                on("2024-03-10")
            ),
            (
                m[8].0,
                "distribution",
                None,
                Some(b),
                None,
                dd,
                dec("1000000"),
                d("2024-03-11"),
                on("2024-03-12")
            ),
        ]
    );
    // The kinds stored are the domain's wire names.
    let wire = serde_json::to_value(MovementKind::FeePayment { year: 2023 }).unwrap();
    assert_eq!(wire["kind"], movements[6].kind.as_str());
}
