//! A project from application to a partial exit and a final write-off over REST, with the
//! fund's cash, the cost not exited and the exit-period fee charged on it checked after each
//! step, and the portfolio showing the company, its stake, its latest report and the exit
//! trigger that report raised.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use common::{fund_body, spawn_app, TestApp};
use domain::{FundId, MemberId};
use serde_json::{json, Value};
use uuid::Uuid;

struct Fund {
    app: TestApp,
    id: Uuid,
    manager: String,
    custodian: String,
    members: Vec<String>,
}

impl Fund {
    async fn ok(&self, suffix: &str, body: Value) -> Value {
        self.app.ok(&self.manager, self.id, suffix, body).await.json
    }

    /// The manager instructs, the custodian confirms on `on`.
    async fn moved(&self, instructed: Value, on: &str) {
        let id = instructed["movement_id"].as_str().unwrap();
        let suffix = format!("/movements/{id}/confirmation");
        self.app
            .ok(
                &self.custodian,
                self.id,
                &suffix,
                json!({ "executed_on": on }),
            )
            .await;
    }

    /// A written resolution on `reference`, passed by four approvals.
    async fn passed(&self, kind: &str, reference: &str, amount: &str) -> String {
        let body = json!({ "subject": { "kind": kind, "title": format!("{kind} {reference}"),
                                        "reference": reference },
                           "amount": amount, "mode": "written",
                           "deadline": "2099-01-01T00:00:00Z" });
        let r = self.ok("/resolutions", body).await;
        let id = r["resolution_id"].as_str().unwrap().to_owned();
        for token in &self.members[..4] {
            let suffix = format!("/resolutions/{id}/votes");
            self.app
                .ok(token, self.id, &suffix, json!({ "choice": "approve" }))
                .await;
        }
        id
    }

    async fn capital(&self) -> Value {
        self.app.catch_up().await;
        let r = self
            .app
            .get(&format!("/funds/{}/overview", self.id), &self.manager)
            .await;
        r.json["capital"].clone()
    }
}

/// A fund established 2021-01-01 with a 12-month investment period, 50,000,000 paid in, and
/// its committee.
async fn fund() -> Fund {
    let app = spawn_app().await;
    let mut body = fund_body("昆山市天使投资基金");
    body["establishment_date"] = json!("2021-01-01");
    body["policy"] = json!({ "investment_months": 12,
                             "eligibility": { "industries": ["集成电路"] } });
    let r = app.post_fund(&app.admin, &body, &[]).await;
    let id: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (manager, custodian) = app.fund_tokens(id).await;
    let mut f = Fund {
        app,
        id,
        manager,
        custodian,
        members: Vec::new(),
    };
    f.ok(
        "/tranches",
        json!({ "number": 1, "size": "50000000.00",
                              "subscription_date": "2021-01-01" }),
    )
    .await;
    let lp = f
        .ok(
            "/subscriptions",
            json!({ "tranche": 1, "lp_name": "昆山国创",
        "lp_kind": "state_owned", "amount": "50000000.00" }),
        )
        .await["lp_id"]
        .clone();
    let call = f
        .ok(
            "/capital-calls",
            json!({ "tranches": [1], "amount": "50000000.00",
        "called_on": "2021-01-05", "due_on": "2021-01-31" }),
        )
        .await["call_id"]
        .clone();
    let paid = f
        .ok(
            "/movements",
            json!({ "kind": "lp_payment", "call_id": call, "lp_id": lp,
        "amount": "50000000.00", "value_date": "2021-01-20" }),
        )
        .await;
    f.moved(paid, "2021-01-20").await;
    for seat in 1..=5 {
        let suffix = format!("/committee/seats/{seat}/appointment");
        let r = f
            .ok(
                &suffix,
                json!({ "name": format!("委员{seat}"),
                                      "appointed_on": "2021-01-01" }),
            )
            .await;
        let member = MemberId(r["person_id"].as_str().unwrap().parse().unwrap());
        let principal = Principal::Member {
            fund: FundId(id),
            seat,
            member,
        };
        f.members.push(f.app.token(&principal, None).await);
    }
    f
}

/// A project taken to post-investment: 3,000,000 committed on 10,000,000 registered.
async fn invested(f: &Fund) -> String {
    let facts = json!({ "registered_city": "昆山", "operating_city": "昆山",
        "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
        "business_model_company": false, "staff": 80, "rd_staff": 20,
        "clear_ownership": true, "subsidiary_of_large_group": false,
        "annual_revenue": "5000000.00", "net_assets": "4000000.00",
        "rd_spending": "900000.00", "founded_on": "2019-01-01" });
    let r = f
        .ok(
            "/projects",
            json!({ "company": "昆山芯片科技", "facts": facts,
                                      "applied_on": "2021-02-01" }),
        )
        .await;
    let p = r["project_id"].as_str().unwrap().to_owned();
    let step = |s: &str| format!("/projects/{p}/{s}");
    f.ok(&step("qualification-review"), json!({ "on": "2021-02-10" }))
        .await;
    f.ok(
        &step("research"),
        json!({ "outcome": "shortlisted", "note": "调研", "on": "2021-03-01" }),
    )
    .await;
    f.ok(
        &step("establishment"),
        json!({ "partner_opinion_ref": "意见1号", "on": "2021-03-15" }),
    )
    .await;
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        f.ok(
            &step("due-diligence"),
            json!({ "kind": kind, "provider": "某所",
                                             "document_ref": kind, "on": "2021-04-01" }),
        )
        .await;
    }
    f.ok(
        &step("proposal"),
        json!({ "proposal": { "amount": "3000000.00",
        "post_money_cap_table": [{ "name": "基金", "stake": "0.15", "is_fund": true },
                                 { "name": "创始人", "stake": "0.60", "is_fund": false }],
        "instrument": "equity", "industry": "集成电路" }, "price": "1.00", "on": "2021-05-01" }),
    )
    .await;
    let resolution = f.passed("investment", &p, "3000000.00").await;
    f.ok(
        &step("decision"),
        json!({ "resolution_id": resolution, "on": "2021-05-20" }),
    )
    .await;
    f.ok(
        &step("agreement"),
        json!({ "commitment": "3000000.00",
        "registered_capital": "10000000.00", "signed_on": "2021-06-01" }),
    )
    .await;
    p
}

#[tokio::test]
async fn a_project_from_application_to_a_partial_exit_and_a_write_off() {
    let f = fund().await;
    let p = invested(&f).await;
    let step = |s: &str| format!("/projects/{p}/{s}");
    let inject = |amount: &str, on: &str| json!({ "amount": amount, "value_date": on });

    // 30% paid in by the company: 900,000 due; a fen more is refused.
    f.ok(
        &step("paid-in"),
        json!({ "paid_in": "3000000.00", "on": "2021-07-01" }),
    )
    .await;
    let r = f
        .app
        .post(
            &f.manager,
            f.id,
            &step("injections"),
            inject("900000.01", "2021-07-10"),
        )
        .await;
    r.assert_problem(422, "overpayment");
    assert_eq!(r.json["rule"], "Art. 11");
    let m = f
        .ok(&step("injections"), inject("900000.00", "2021-07-10"))
        .await;
    assert_eq!(
        f.capital().await["cash"],
        "50000000.00",
        "nothing moves before the custodian"
    );
    f.moved(m, "2021-07-10").await;
    let c = f.capital().await;
    assert_eq!(
        (&c["cash"], &c["cost_not_exited"]),
        (&json!("49100000.00"), &json!("900000.00"))
    );

    // 100% paid in: the rest, 2,100,000.
    f.ok(
        &step("paid-in"),
        json!({ "paid_in": "10000000.00", "on": "2021-10-01" }),
    )
    .await;
    let m = f
        .ok(&step("injections"), inject("2100000.00", "2021-10-10"))
        .await;
    f.moved(m, "2021-10-10").await;
    let c = f.capital().await;
    assert_eq!(
        (&c["cash"], &c["cost_not_exited"]),
        (&json!("47000000.00"), &json!("3000000.00"))
    );

    // A partial exit decided by the committee: 1,500,000 for a third of the cost.
    let exit = json!({ "proceeds": "1500000.00", "cost_released": "1000000.00",
                       "on": "2022-07-01", "resolution_id": Uuid::now_v7() });
    let r = f
        .app
        .post(&f.manager, f.id, &step("exits"), exit.clone())
        .await;
    r.assert_problem(422, "exit_not_decided");
    let plan = f.passed("exit", &p, "1500000.00").await;
    let mut decided = exit.clone();
    decided["resolution_id"] = json!(plan);
    let r = f.ok(&step("exits"), decided).await;
    assert_eq!(r["realised"], "500000.00");
    let proceeds = f
        .ok(
            "/movements",
            json!({ "kind": "exit_proceeds", "exit_id": r["exit_id"],
        "amount": "1500000.00", "value_date": "2022-07-05" }),
        )
        .await;
    f.moved(proceeds, "2022-07-05").await;
    let c = f.capital().await;
    assert_eq!(
        (&c["cash"], &c["cost_not_exited"]),
        (&json!("48500000.00"), &json!("2000000.00"))
    );

    // The company reports from 上海: it moved out of the city, an exit trigger (Art. 16(5)).
    let report = json!({ "report": { "period": "2022-H1", "revenue": "3000000.00",
        "net_assets": "2000000.00", "staff": 60, "rd_staff": 15, "registered_city": "上海",
        "going_concern": true }, "on": "2022-07-15" });
    let r = f.ok(&step("reports"), report).await;
    let position = r["global_position"].as_i64().unwrap();
    f.app.catch_up().await;
    let path = format!("/funds/{}/portfolio?min_position={position}", f.id);
    let portfolio = f.app.get(&path, &f.manager).await;
    assert_eq!(portfolio.header("x-projection-behind"), None);
    let investment = &portfolio.json["investments"][0];
    assert_eq!(
        (
            &investment["company"],
            &investment["stage"],
            &investment["status"],
            &investment["fund_stake"]
        ),
        (
            &json!("昆山芯片科技"),
            &json!("post_investment"),
            &json!("active"),
            &json!("0.15")
        )
    );
    assert_eq!(
        investment["latest_report"],
        json!({ "period": "2022-H1", "revenue": "3000000.00", "net_assets": "2000000.00",
                "staff": 60, "rd_staff": 15, "registered_city": "上海",
                "going_concern": true, "on": "2022-07-15" })
    );
    assert_eq!(investment["triggers"], json!(["moved_out_of_city"]));
    assert_eq!(
        (&investment["paid"], &investment["cost_not_exited"]),
        (&json!("3000000.00"), &json!("2000000.00"))
    );

    // The rest written off: no proceeds, the remaining cost released as a loss.
    let write_off_plan = f.passed("exit", &p, "0.00").await;
    let r = f
        .ok(
            &step("exits"),
            json!({ "proceeds": "0.00", "cost_released": "2000000.00",
        "on": "2022-10-01", "resolution_id": write_off_plan }),
        )
        .await;
    assert_eq!(r["realised"], "-2000000.00");
    let c = f.capital().await;
    assert_eq!(
        (&c["cash"], &c["cost_not_exited"]),
        (&json!("48500000.00"), &json!("0.00"))
    );
    let r = f
        .app
        .post(
            &f.manager,
            f.id,
            &step("exits"),
            json!({ "proceeds": "0.00",
        "cost_released": "0.01", "on": "2022-11-01", "resolution_id": write_off_plan }),
        )
        .await;
    r.assert_problem(422, "exit_exceeds_cost");
    let portfolio = f
        .app
        .get(&format!("/funds/{}/portfolio", f.id), &f.manager)
        .await;
    let investment = &portfolio.json["investments"][0];
    assert_eq!(
        (
            &investment["paid"],
            &investment["cost_not_exited"],
            &investment["realised"]
        ),
        (&json!("3000000.00"), &json!("0.00"), &json!("-1500000.00"))
    );
    assert_eq!(investment["triggers"], json!(["moved_out_of_city"]));
    let exits = portfolio.json["exits"].as_array().unwrap();
    assert_eq!(exits.len(), 2);
    assert_eq!(
        (&exits[0]["received"], &exits[1]["proceeds"]),
        (&json!("1500000.00"), &json!("0.00"))
    );

    // 2022 is all exit period: 1% a year of the cost not exited, as it stood each day.
    let fee = f.ok("/fee-assessments", json!({ "year": 2022 })).await;
    let segments: Vec<(&str, &str, &str)> = fee["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["amount"] != "0.00")
        .map(|s| {
            (
                s["from"].as_str().unwrap(),
                s["base"].as_str().unwrap(),
                s["amount"].as_str().unwrap(),
            )
        })
        .collect();
    // 3,000,000 × 1% × 181/365 = 14,876.71; 2,000,000 × 1% × 92/365 = 5,041.10.
    assert_eq!(
        segments,
        [
            ("2022-01-01", "3000000.00", "14876.71"),
            ("2022-07-01", "2000000.00", "5041.10")
        ]
    );
    assert_eq!(fee["total"], "19917.81");
}
