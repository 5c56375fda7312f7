//! A fund walked through REST from establishment to its first distribution: two tranches,
//! calls, partial and late payments confirmed by the custodian, the 2023 fee of the SPEC's
//! worked example, its payment and a distribution, checking every figure the read models
//! show, and what an LP and a regulator may see of it.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use chrono::NaiveDate;
use common::{fund_body, spawn_app, TestApp};
use domain::FundId;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

struct Walk {
    app: TestApp,
    fund: Uuid,
    manager: String,
    custodian: String,
}

impl Walk {
    async fn command(&self, suffix: &str, body: Value) -> Value {
        self.app
            .ok(&self.manager, self.fund, suffix, body)
            .await
            .json
    }

    async fn subscribe(
        &self,
        tranche: u32,
        lp: Option<&Value>,
        name: &str,
        kind: &str,
        amount: &str,
    ) -> Value {
        let mut body = json!({ "tranche": tranche, "lp_name": name, "lp_kind": kind,
                               "amount": amount });
        if let Some(lp) = lp {
            body["lp_id"] = lp.clone();
        }
        self.command("/subscriptions", body).await["lp_id"].clone()
    }

    /// Instructed by the manager, confirmed by the custodian on the value date.
    async fn pay(&self, mut movement: Value, amount: &str, on: &str) {
        movement["amount"] = json!(amount);
        movement["value_date"] = json!(on);
        let id = self.command("/movements", movement).await["movement_id"].clone();
        let suffix = format!("/movements/{}/confirmation", id.as_str().unwrap());
        let confirmation = json!({ "executed_on": on });
        self.app
            .ok(&self.custodian, self.fund, &suffix, confirmation)
            .await;
    }

    async fn read(&self, token: &str, suffix: &str) -> Value {
        self.app.catch_up().await;
        let r = self
            .app
            .get(&format!("/funds/{}{suffix}", self.fund), token)
            .await;
        assert_eq!(r.status, 200, "{suffix}: {}", r.text);
        r.json
    }

    async fn capital(&self) -> Value {
        self.read(&self.manager, "/overview").await["capital"].clone()
    }
}

fn pin(app: &mut TestApp, today: &str) {
    let today: NaiveDate = today.parse().unwrap();
    app.state.clock = Arc::new(move || today);
}

/// The LP line of `lp` in a list of items with `lp_id`.
fn line<'a>(items: &'a Value, lp: &Value) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["lp_id"] == *lp)
        .unwrap()
}

#[tokio::test]
async fn a_fund_from_establishment_to_its_first_distribution() {
    let mut app = spawn_app().await;
    pin(&mut app, "2023-09-01");
    let mut body = fund_body("昆山市天使投资基金");
    body["establishment_date"] = json!("2022-01-01");
    let r = app.post_fund(&app.admin, &body, &[]).await;
    let fund: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (manager, custodian) = app.fund_tokens(fund).await;
    let w = Walk {
        app,
        fund,
        manager,
        custodian,
    };

    // Tranche 1, paid in at once: A 30,000,000 and B 20,000,000.
    w.command(
        "/tranches",
        json!({ "number": 1, "size": "50000000.00",
                                   "subscription_date": "2022-01-01" }),
    )
    .await;
    let a = w
        .subscribe(1, None, "昆山国创投资集团", "state_owned", "30000000.00")
        .await;
    let b = w
        .subscribe(
            1,
            None,
            "江苏省政府投资基金",
            "guidance_fund",
            "20000000.00",
        )
        .await;
    let call1 = w
        .command(
            "/capital-calls",
            json!({ "tranches": [1], "amount": "50000000.00",
        "called_on": "2022-01-05", "due_on": "2022-01-31" }),
        )
        .await["call_id"]
        .clone();
    let lp_payment = |call: &Value, lp: &Value| {
        json!({ "kind": "lp_payment", "call_id": call,
                                                        "lp_id": lp })
    };
    w.pay(lp_payment(&call1, &a), "30000000.00", "2022-01-20")
        .await;
    w.pay(lp_payment(&call1, &b), "15000000.00", "2022-01-25")
        .await;
    let lps = w.read(&w.manager, "/lps?on=2022-02-01").await["items"].clone();
    assert_eq!(line(&lps, &b)["arrears"], "5000000.00");
    assert_eq!(line(&lps, &b)["paid_in_ratio"], "0.750000");
    assert_eq!(line(&lps, &a)["arrears"], "0.00");
    w.pay(lp_payment(&call1, &b), "5000000.00", "2022-02-10")
        .await;

    // Tranche 2 a year and a half later: A 18,000,000 more and C 12,000,000; 30% called.
    w.command(
        "/tranches",
        json!({ "number": 2, "size": "30000000.00",
                                   "subscription_date": "2023-07-01" }),
    )
    .await;
    w.subscribe(
        2,
        Some(&a),
        "昆山国创投资集团",
        "state_owned",
        "18000000.00",
    )
    .await;
    let c = w
        .subscribe(2, None, "昆山高新创业投资有限公司", "other", "12000000.00")
        .await;
    let r = w
        .command(
            "/capital-calls",
            json!({ "tranches": [2], "amount": "9000000.00",
        "called_on": "2023-07-10", "due_on": "2023-08-10" }),
        )
        .await;
    let call2 = r["call_id"].clone();
    assert_eq!(line(&r["allocations"], &a)["amount"], "5400000.00");
    assert_eq!(line(&r["allocations"], &c)["amount"], "3600000.00");
    w.pay(lp_payment(&call2, &a), "5400000.00", "2023-07-20")
        .await;
    w.pay(lp_payment(&call2, &c), "1000000.00", "2023-08-01")
        .await;

    let capital = w.capital().await;
    assert_eq!(
        capital,
        json!({
        "total_size": "300000000.00", "tranches": "80000000.00", "subscribed": "80000000.00",
        "called": "59000000.00", "paid_in": "56400000.00", "uncalled": "21000000.00",
        "cash": "56400000.00", "fees_assessed": "0.00", "fees_paid": "0.00",
        "distributed": "0.00", "distributions_paid": "0.00", "invested": "0.00",
        "cost_released": "0.00", "cost_not_exited": "0.00", "exit_proceeds": "0.00",
        "proceeds_received": "0.00",
        // Nothing lost: 20% of the paid-in could be, inclusive (容错率).
        "loss_tolerance": { "realised_losses": "0.00", "paid_in": "56400000.00",
            "ratio": "0.000000", "threshold": "0.20", "limit": "11280000.00", "within": true } })
    );
    let lps = w.read(&w.manager, "/lps").await["items"].clone();
    assert_eq!(lps.as_array().unwrap().len(), 3);
    let account = |lp: &Value| {
        let l = line(&lps, lp);
        [
            &l["subscribed"],
            &l["called"],
            &l["paid_in"],
            &l["arrears"],
            &l["paid_in_ratio"],
        ]
        .map(|v| v.as_str().unwrap().to_owned())
    };
    assert_eq!(
        account(&a),
        [
            "48000000.00",
            "35400000.00",
            "35400000.00",
            "0.00",
            "0.737500"
        ]
    );
    assert_eq!(
        account(&b),
        [
            "20000000.00",
            "20000000.00",
            "20000000.00",
            "0.00",
            "1.000000"
        ]
    );
    // Pinned today (2023-09-01) is after C's due date: 2,600,000 in arrears.
    assert_eq!(
        account(&c),
        [
            "12000000.00",
            "3600000.00",
            "1000000.00",
            "2600000.00",
            "0.083333"
        ]
    );
    assert_eq!(line(&lps, &c)["kind"], "other");

    let calls = w.read(&w.manager, "/calls?on=2023-08-10").await["items"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 2);
    assert_eq!(calls[0]["call_id"], call1);
    assert_eq!(
        (&calls[0]["paid"], &calls[0]["arrears"]),
        (&json!("50000000.00"), &json!("0.00"))
    );
    assert_eq!(calls[1]["tranches"], json!([2]));
    assert_eq!(
        calls[1]["arrears"], "0.00",
        "nothing is in arrears on the due date"
    );
    let call = w
        .read(
            &w.manager,
            &format!("/calls/{}?on=2023-08-11", call2.as_str().unwrap()),
        )
        .await;
    assert_eq!(call["paid"], "6400000.00");
    assert_eq!(call["arrears"], "2600000.00");
    assert_eq!(line(&call["allocations"], &c)["arrears"], "2600000.00");

    // The 2023 fee, assessed after the year ended: the SPEC's worked example.
    w.app
        .refused(
            &w.manager,
            fund,
            "/fee-assessments",
            json!({ "year": 2023 }),
            (422, "fee_period_not_ended"),
        )
        .await;
    let mut app = w.app;
    pin(&mut app, "2024-01-02");
    let w = Walk { app, ..w };
    let fee = w.command("/fee-assessments", json!({ "year": 2023 })).await;
    assert_eq!(fee["total"], "651232.88");
    let segments: Vec<(String, String, u64, String)> = fee["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap().into(),
                s["base"].as_str().unwrap().into(),
                s["days"].as_u64().unwrap(),
                s["amount"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        segments,
        [
            (
                "2023-01-01".into(),
                "50000000.00".into(),
                365,
                "500000.00".into()
            ),
            (
                "2023-07-01".into(),
                "30000000.00".into(),
                184,
                "151232.88".into()
            ),
        ]
    );
    w.pay(
        json!({ "kind": "fee_payment", "fee_year": 2023 }),
        "651232.88",
        "2024-01-10",
    )
    .await;
    let recorded = w.read(&w.manager, "/fee-assessments/2023").await;
    assert_eq!(
        (&recorded["paid"], &recorded["outstanding"]),
        (&json!("651232.88"), &json!("0.00"))
    );
    assert_eq!(recorded["segments"], fee["segments"]);

    // A distribution of 1,000,000 pro rata to paid-in 35.4 : 20 : 1 million.
    let d = w
        .command(
            "/distributions",
            json!({ "amount": "1000000.00",
                                                "declared_on": "2024-03-01" }),
        )
        .await;
    let share = |lp: &Value| {
        line(&d["allocations"], lp)["amount"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        [share(&a), share(&b), share(&c)],
        ["627659.57", "354609.93", "17730.50"]
    );
    let distribution = d["distribution_id"].clone();
    w.pay(
        json!({ "kind": "distribution", "distribution_id": distribution, "lp_id": a }),
        "627659.57",
        "2024-03-05",
    )
    .await;

    let capital = w.capital().await;
    // 56,400,000 − 651,232.88 − 627,659.57.
    assert_eq!(capital["cash"], "55121107.55");
    assert_eq!(capital["fees_assessed"], "651232.88");
    assert_eq!(capital["fees_paid"], "651232.88");
    assert_eq!(capital["distributed"], "1000000.00");
    assert_eq!(capital["distributions_paid"], "627659.57");
    let lps = w.read(&w.manager, "/lps").await["items"].clone();
    assert_eq!(line(&lps, &a)["distributed"], "627659.57");
    assert_eq!(line(&lps, &a)["distribution_paid"], "627659.57");
    assert_eq!(line(&lps, &b)["distribution_paid"], "0.00");
    let movements = w.read(&w.manager, "/movements").await["items"].clone();
    let kinds: Vec<&str> = movements
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 7);
    assert_eq!(kinds.iter().filter(|k| **k == "lp_payment").count(), 5);
    assert!(movements
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["confirmed_on"].is_string()));

    let overview = w.read(&w.manager, "/overview").await;
    assert_eq!(overview["fund"]["phase"], "investment");
    let phases: Vec<(&str, &str)> = overview["fund"]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["phase"].as_str().unwrap(), p["from"].as_str().unwrap()))
        .collect();
    assert_eq!(
        phases,
        [
            ("investment", "2022-01-01"),
            ("exit", "2025-01-01"),
            ("liquidation", "2030-01-01")
        ]
    );
    assert_eq!(overview["fund"]["manager"], "昆山市天使投资管理有限公司");
    assert_eq!(overview["fund"]["policy"]["fee_rate"], "0.01");

    // LP C sees its own account and its own lines only.
    let c_token = w
        .app
        .token(
            &Principal::Lp {
                fund: FundId(fund),
                lp: c_uuid(&c),
            },
            None,
        )
        .await;
    let mine = w.read(&c_token, "/lps").await["items"].clone();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["lp_id"], c);
    let other = w
        .app
        .get(
            &format!("/funds/{fund}/lps/{}", a.as_str().unwrap()),
            &c_token,
        )
        .await;
    other.assert_problem(404, "lp_not_found");
    let calls = w.read(&c_token, "/calls").await["items"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 1, "C was called once");
    assert_eq!(calls[0]["allocations"].as_array().unwrap().len(), 1);
    // The call's amount is on C's notice; what was paid and is in arrears is C's own only.
    assert_eq!(calls[0]["amount"], "9000000.00");
    assert_eq!(calls[0]["paid"], "1000000.00");
    let d = w
        .read(
            &c_token,
            &format!("/distributions/{}", distribution.as_str().unwrap()),
        )
        .await;
    assert_eq!(
        d["allocations"],
        json!([{ "lp_id": c, "paid_in": "1000000.00",
                                          "allocated": "17730.50", "paid": "0.00" }])
    );
    assert_eq!(d["paid"], "0.00", "A was paid, not C");
    let movements = w.read(&c_token, "/movements").await["items"].clone();
    assert_eq!(movements.as_array().unwrap().len(), 1);
    w.app
        .refused(
            &c_token,
            fund,
            "/fee-assessments",
            json!({ "year": 2022 }),
            (403, "forbidden"),
        )
        .await;

    // A regulator assigned to the fund reads it; one assigned elsewhere does not see it.
    let regulator = |funds: Vec<FundId>| Principal::Regulator {
        agency: "市科创办".into(),
        funds,
    };
    let assigned = w.app.token(&regulator(vec![FundId(fund)]), None).await;
    assert_eq!(
        w.read(&assigned, "/overview").await["capital"]["paid_in"],
        "56400000.00"
    );
    let elsewhere = w
        .app
        .token(&regulator(vec![FundId(Uuid::now_v7())]), None)
        .await;
    let r = w
        .app
        .get(&format!("/funds/{fund}/overview"), &elsewhere)
        .await;
    r.assert_problem(404, "fund_not_found");
}

fn c_uuid(v: &Value) -> Uuid {
    v.as_str().unwrap().parse().unwrap()
}
