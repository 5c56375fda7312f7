//! The fund lifecycle over REST: fee assessments (once per year, only after the year ends),
//! fee payments, distributions pro rata to paid-in, term extensions and closing, with their
//! refusals; "today" is pinned through the state's clock.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{fund_body, spawn_app, TestApp};
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

fn pin(app: &mut TestApp, today: &str) {
    let today: NaiveDate = today.parse().unwrap();
    app.state.clock = Arc::new(move || today);
}

/// A fund established 2021-09-01 whose first tranche (50,000,000: LP 1 30,000,000 and LP 2
/// 20,000,000) is called and paid in full: 50,000,000 at the custodian.
struct Funded {
    fund: Uuid,
    manager: String,
    custodian: String,
    lps: [Value; 2],
}

async fn funded(app: &TestApp) -> Funded {
    let fund = app.establish("昆山市天使投资基金").await;
    let (manager, custodian) = app.fund_tokens(fund).await;
    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": "2021-09-01" });
    app.ok(&manager, fund, "/tranches", tranche).await;
    let mut lps = Vec::new();
    for (name, amount) in [("昆山国投", "30000000.00"), ("昆山引导基金", "20000000.00")] {
        let body = json!({ "tranche": 1, "lp_name": name, "lp_kind": "state_owned",
                           "amount": amount });
        let r = app.ok(&manager, fund, "/subscriptions", body).await;
        lps.push((r.json["lp_id"].clone(), amount));
    }
    let call = json!({ "tranches": [1], "amount": "50000000.00", "called_on": "2021-09-15",
                       "due_on": "2021-10-15" });
    let call_id = app.ok(&manager, fund, "/capital-calls", call).await.json["call_id"].clone();
    for (lp, amount) in &lps {
        let payment = json!({ "kind": "lp_payment", "call_id": call_id, "lp_id": lp,
                              "amount": amount, "value_date": "2021-10-10" });
        pay(app, &manager, &custodian, fund, payment).await;
    }
    Funded {
        fund,
        manager,
        custodian,
        lps: [lps[0].0.clone(), lps[1].0.clone()],
    }
}

/// The manager instructs a movement and the custodian confirms it.
async fn pay(app: &TestApp, manager: &str, custodian: &str, fund: Uuid, movement: Value) {
    let executed_on = movement["value_date"].clone();
    let r = app.ok(manager, fund, "/movements", movement).await;
    let id = r.json["movement_id"].as_str().unwrap();
    let confirmation = json!({ "executed_on": executed_on });
    let suffix = format!("/movements/{id}/confirmation");
    app.ok(custodian, fund, &suffix, confirmation).await;
}

#[tokio::test]
async fn a_year_is_assessed_once_after_it_ends_and_its_fee_is_paid_through_the_custodian() {
    let mut app = spawn_app().await;
    let f = funded(&app).await;
    let (fund, manager) = (f.fund, f.manager.as_str());

    pin(&mut app, "2022-12-31");
    let r = app
        .ok(manager, fund, "/fee-assessments", json!({ "year": 2021 }))
        .await;
    // 50,000,000 × 1% × 122 / 365 = 167,123.2876… → 167,123.29.
    assert_eq!(r.json["total"], "167123.29");
    assert_eq!(
        (r.json["period_from"].as_str(), r.json["period_to"].as_str()),
        (Some("2021-09-01"), Some("2021-12-31"))
    );
    assert_eq!(
        r.json["segments"],
        json!([{ "from": "2021-09-01", "to": "2021-12-31", "component": "tranche",
                 "tranche": 1, "phase": "investment", "base": "50000000.00", "rate": "0.01",
                 "days": 122, "amount": "167123.29" }])
    );
    let r = app
        .refused(
            manager,
            fund,
            "/fee-assessments",
            json!({ "year": 2022 }),
            (422, "fee_period_not_ended"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 7");
    app.refused(
        manager,
        fund,
        "/fee-assessments",
        json!({ "year": 2020 }),
        (422, "no_fee_period"),
    )
    .await;
    app.refused(
        &f.custodian,
        fund,
        "/fee-assessments",
        json!({ "year": 2021 }),
        (403, "forbidden"),
    )
    .await;

    // The day after the year ends it can be assessed, and only once.
    pin(&mut app, "2023-01-01");
    let first = app
        .ok(manager, fund, "/fee-assessments", json!({ "year": 2022 }))
        .await;
    assert_eq!(first.json["total"], "500000.00");
    assert_eq!(first.json["segments"][0]["days"], 365);
    let events = app.event_count().await;
    let again = app
        .post(manager, fund, "/fee-assessments", json!({ "year": 2022 }))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json["total"], "500000.00");
    assert_eq!(again.json["segments"], first.json["segments"]);
    assert_eq!(
        app.event_count().await,
        events,
        "a second assessment wrote events"
    );

    // Paying it: never more than assessed, never a year not assessed.
    let fee = |year: i32, amount: &str| {
        json!({ "kind": "fee_payment", "fee_year": year, "amount": amount,
                "value_date": "2023-01-10" })
    };
    let r = app
        .refused(
            manager,
            fund,
            "/movements",
            fee(2022, "500000.01"),
            (422, "overpayment"),
        )
        .await;
    assert_eq!(r.json["rule"], "SPEC §2");
    app.refused(
        manager,
        fund,
        "/movements",
        fee(2023, "1.00"),
        (422, "fee_not_assessed"),
    )
    .await;
    app.refused(
        manager,
        fund,
        "/movements",
        json!({ "kind": "fee_payment", "amount": "1.00", "value_date": "2023-01-10" }),
        (422, "invalid_request"),
    )
    .await;
    app.refused(
        manager,
        fund,
        "/movements",
        json!({ "kind": "fee_payment", "fee_year": 2022, "call_id": Uuid::now_v7(),
                        "amount": "1.00", "value_date": "2023-01-10" }),
        (422, "invalid_request"),
    )
    .await;
    pay(&app, manager, &f.custodian, fund, fee(2022, "300000.00")).await;
    pay(&app, manager, &f.custodian, fund, fee(2022, "200000.00")).await;
    app.refused(
        manager,
        fund,
        "/movements",
        fee(2022, "0.01"),
        (422, "overpayment"),
    )
    .await;
}

#[tokio::test]
async fn a_distribution_is_allocated_pro_rata_to_paid_in_and_paid_through_the_custodian() {
    let app = spawn_app().await;
    let f = funded(&app).await;
    let (fund, manager) = (f.fund, f.manager.as_str());
    let declare = |amount: &str| json!({ "amount": amount, "declared_on": "2022-06-30" });

    let r = app
        .ok(manager, fund, "/distributions", declare("1000000.00"))
        .await;
    assert_eq!(r.json["amount"], "1000000.00");
    let shares: Vec<(Value, Value, Value)> = r.json["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["lp_id"].clone(),
                a["paid_in"].clone(),
                a["amount"].clone(),
            )
        })
        .collect();
    assert!(shares.contains(&(f.lps[0].clone(), json!("30000000.00"), json!("600000.00"))));
    assert!(shares.contains(&(f.lps[1].clone(), json!("20000000.00"), json!("400000.00"))));
    let distribution = r.json["distribution_id"].clone();

    // 50,000,000 at the custodian, 1,000,000 of it committed to the first distribution.
    let r = app
        .refused(
            manager,
            fund,
            "/distributions",
            declare("49000000.01"),
            (422, "insufficient_cash"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 18");
    app.refused(
        manager,
        fund,
        "/distributions",
        declare("0.00"),
        (422, "non_positive_amount"),
    )
    .await;
    let mut again = declare("1.00");
    again["distribution_id"] = distribution.clone();
    app.refused(
        manager,
        fund,
        "/distributions",
        again,
        (422, "distribution_already_declared"),
    )
    .await;

    let payout = |lp: &Value, amount: &str| {
        json!({ "kind": "distribution", "distribution_id": distribution, "lp_id": lp,
                "amount": amount, "value_date": "2022-07-05" })
    };
    app.refused(
        manager,
        fund,
        "/movements",
        payout(&f.lps[0], "600000.01"),
        (422, "overpayment"),
    )
    .await;
    app.refused(
        manager,
        fund,
        "/movements",
        payout(&json!(Uuid::now_v7()), "1.00"),
        (422, "payment_without_distribution"),
    )
    .await;
    pay(
        &app,
        manager,
        &f.custodian,
        fund,
        payout(&f.lps[0], "600000.00"),
    )
    .await;
    // The rest of the cash can now be declared: 50,000,000 − 1,000,000.
    app.ok(manager, fund, "/distributions", declare("49000000.00"))
        .await;
}

#[tokio::test]
async fn a_term_is_extended_by_resolution_and_a_fund_closes_after_its_liquidation() {
    let mut app = spawn_app().await;
    let angel = app.establish("昆山市天使投资基金").await;
    let (manager, custodian) = app.fund_tokens(angel).await;
    let extension = |reference: &str, resolved_on: &str| json!({ "months": 12, "resolution_ref": reference, "resolved_on": resolved_on });
    let r = app
        .refused(
            &manager,
            angel,
            "/extensions",
            extension("  ", "2029-06-30"),
            (422, "extension_without_resolution"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 5");
    // Default term: 36 + 60 months from 2021-09-01, liquidation from 2029-09-01.
    app.refused(
        &manager,
        angel,
        "/extensions",
        extension("合伙人大会决议〔2029〕3号", "2029-09-01"),
        (422, "term_ended"),
    )
    .await;
    app.refused(
        &custodian,
        angel,
        "/extensions",
        extension("决议", "2029-06-30"),
        (403, "forbidden"),
    )
    .await;
    app.ok(
        &manager,
        angel,
        "/extensions",
        extension("合伙人大会决议〔2029〕3号", "2029-06-30"),
    )
    .await;

    let mut body = fund_body("苏州市创新产业引导基金");
    body["kind"] = json!("guidance");
    let r = app.post_fund(&app.admin, &body, &[]).await;
    let guidance: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (guidance_manager, _) = app.fund_tokens(guidance).await;
    let r = app
        .refused(
            &guidance_manager,
            guidance,
            "/extensions",
            extension("合伙人大会决议〔2029〕1号", "2029-06-30"),
            (422, "extension_without_government_approval"),
        )
        .await;
    assert!(r.json["rule"].as_str().unwrap().contains("210号"));
    let mut approved = extension("合伙人大会决议〔2029〕1号", "2029-06-30");
    approved["government_approval_ref"] = json!("苏财金〔2029〕12号");
    app.ok(&guidance_manager, guidance, "/extensions", approved)
        .await;

    // Liquidation of the angel fund now starts on 2030-09-01.
    pin(&mut app, "2031-01-01");
    let close = |on: &str| json!({ "closed_on": on });
    let r = app
        .refused(
            &manager,
            angel,
            "/closing",
            close("2030-08-31"),
            (422, "closed_before_liquidation"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 5");
    app.refused(
        &manager,
        angel,
        "/closing",
        close("2031-01-02"),
        (422, "date_in_future"),
    )
    .await;
    app.ok(&manager, angel, "/closing", close("2030-12-31"))
        .await;
    app.refused(
        &manager,
        angel,
        "/closing",
        close("2030-12-31"),
        (422, "fund_closed"),
    )
    .await;
    app.refused(
        &manager,
        angel,
        "/extensions",
        extension("决议", "2030-01-01"),
        (422, "fund_closed"),
    )
    .await;
}

#[tokio::test]
async fn a_fund_with_cash_at_the_custodian_cannot_close() {
    let mut app = spawn_app().await;
    let f = funded(&app).await;
    pin(&mut app, "2031-01-01");
    let r = app
        .refused(
            &f.manager,
            f.fund,
            "/closing",
            json!({ "closed_on": "2030-12-31" }),
            (422, "liquidation_incomplete"),
        )
        .await;
    assert!(r.json["detail"].as_str().unwrap().contains("50000000.00"));
}
