//! Capital and custody commands end to end: tranches, subscriptions, capital calls, payments
//! instructed by the manager and confirmed by the custodian, with their refusals.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use axum::http::StatusCode;
use common::{spawn_app, TestApp, TestResponse};
use domain::FundId;
use serde_json::{json, Value};
use uuid::Uuid;

async fn ok(app: &TestApp, token: &str, fund: Uuid, suffix: &str, body: Value) -> TestResponse {
    app.ok(token, fund, suffix, body).await
}

async fn refused(
    app: &TestApp,
    token: &str,
    fund: Uuid,
    suffix: &str,
    body: Value,
    expected: (u16, &str),
) -> TestResponse {
    app.refused(token, fund, suffix, body, expected).await
}

fn subscription(tranche: u32, name: &str, amount: &str) -> Value {
    json!({ "tranche": tranche, "lp_name": name, "lp_kind": "state_owned", "amount": amount })
}

fn payment(call: &Value, lp: &Value, amount: &str) -> Value {
    json!({ "kind": "lp_payment", "call_id": call, "lp_id": lp, "amount": amount,
            "value_date": "2021-10-10" })
}

/// The allocation of `lp` in a capital call's answer.
fn allocation_of<'a>(r: &'a TestResponse, lp: &Value) -> &'a Value {
    let all = r.json["allocations"].as_array().unwrap();
    let found = all.iter().find(|a| &a["lp_id"] == lp);
    &found.unwrap_or_else(|| panic!("no allocation for {lp}: {}", r.text))["amount"]
}

#[tokio::test]
async fn a_fund_raises_calls_and_collects_capital() {
    let app = spawn_app().await;
    let fund = app.establish("深圳天使母基金").await;
    let (manager, custodian) = app.fund_tokens(fund).await;

    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": "2021-09-01" });
    let r = ok(&app, &manager, fund, "/tranches", tranche).await;
    assert_eq!(r.json["stream_version"], 2);
    assert_eq!(r.header("location"), None);

    let lp1 = ok(
        &app,
        &manager,
        fund,
        "/subscriptions",
        subscription(1, "深投控", "30000000"),
    )
    .await
    .json["lp_id"]
        .clone();
    let lp2_id = Uuid::now_v7();
    let mut body = subscription(1, "引导基金", "20000000.00");
    body["lp_id"] = json!(lp2_id);
    body["lp_kind"] = json!("guidance_fund");
    let lp2 = ok(&app, &manager, fund, "/subscriptions", body).await.json["lp_id"].clone();
    assert_eq!(lp2, json!(lp2_id));
    assert_eq!(
        Uuid::parse_str(lp1.as_str().unwrap())
            .unwrap()
            .get_version_num(),
        7
    );

    let r = refused(
        &app,
        &manager,
        fund,
        "/subscriptions",
        subscription(1, "Late", "0.01"),
        (422, "subscriptions_exceed_tranche"),
    )
    .await;
    assert_eq!(r.json["rule"], "Art. 3");

    let call = json!({ "tranches": [1], "amount": "50000000.00", "called_on": "2021-09-15",
                       "due_on": "2021-10-15" });
    let r = ok(&app, &manager, fund, "/capital-calls", call).await;
    assert_eq!(r.json["amount"], "50000000.00");
    assert_eq!(allocation_of(&r, &lp1), "30000000.00");
    assert_eq!(allocation_of(&r, &lp2), "20000000.00");
    let call1 = r.json["call_id"].clone();

    // Payments: the manager instructs, the custodian confirms.
    refused(
        &app,
        &manager,
        fund,
        "/movements",
        payment(&json!(Uuid::now_v7()), &lp1, "10000000.00"),
        (422, "payment_without_call"),
    )
    .await;
    refused(
        &app,
        &custodian,
        fund,
        "/movements",
        payment(&call1, &lp1, "10000000.00"),
        (403, "forbidden"),
    )
    .await;
    let r = ok(
        &app,
        &manager,
        fund,
        "/movements",
        payment(&call1, &lp1, "10000000.00"),
    )
    .await;
    let movement = r.json["movement_id"].as_str().unwrap().to_owned();
    let r = refused(
        &app,
        &manager,
        fund,
        "/movements",
        payment(&call1, &lp1, "20000000.01"),
        (422, "overpayment"),
    )
    .await;
    assert_eq!(r.json["rule"], "SPEC §2");

    let confirmation = format!("/movements/{movement}/confirmation");
    let executed = json!({ "executed_on": "2021-10-11" });
    refused(
        &app,
        &manager,
        fund,
        &confirmation,
        executed.clone(),
        (403, "forbidden"),
    )
    .await;
    let r = ok(&app, &custodian, fund, &confirmation, executed.clone()).await;
    assert_eq!(r.json["movement_id"], movement);
    refused(
        &app,
        &custodian,
        fund,
        &confirmation,
        executed.clone(),
        (422, "movement_already_confirmed"),
    )
    .await;
    refused(
        &app,
        &custodian,
        fund,
        &format!("/movements/{}/confirmation", Uuid::now_v7()),
        executed,
        (404, "movement_not_found"),
    )
    .await;

    // The confirmation carries the custodian as its actor.
    let client = app.db.pool.get().await.unwrap();
    let metadata: Value = client
        .query_one(
            "SELECT metadata FROM events WHERE stream_id = $1 AND event_type = 'MovementConfirmed'",
            &[&fund.to_string()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(metadata["actor"], format!("custodian:{fund}"));
    assert_eq!(metadata["role"], "custodian");

    // A second tranche, called pro rata to the fen.
    let tranche = json!({ "number": 2, "size": "30000000.00", "subscription_date": "2023-07-01" });
    ok(&app, &manager, fund, "/tranches", tranche).await;
    let mut body = subscription(2, "深投控", "20000000.00");
    body["lp_id"] = lp1.clone();
    ok(&app, &manager, fund, "/subscriptions", body).await;
    let mut body = subscription(2, "引导基金", "10000000.00");
    body["lp_id"] = lp2.clone();
    body["lp_kind"] = json!("guidance_fund");
    ok(&app, &manager, fund, "/subscriptions", body).await;
    let call = |amount: &str| {
        json!({ "tranches": [2], "amount": amount, "called_on": "2023-07-15",
                "due_on": "2023-08-15" })
    };
    let r = refused(
        &app,
        &manager,
        fund,
        "/capital-calls",
        call("30000000.01"),
        (422, "call_exceeds_uncalled"),
    )
    .await;
    assert_eq!(r.json["rule"], "SPEC §2");
    let r = ok(&app, &manager, fund, "/capital-calls", call("1000000.01")).await;
    assert_eq!(allocation_of(&r, &lp1), "666666.67");
    assert_eq!(allocation_of(&r, &lp2), "333333.34");
    assert!(r.json["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["tranche"] == 2));
}

#[tokio::test]
async fn only_the_funds_manager_and_custodian_act_on_it() {
    let app = spawn_app().await;
    let fund = app.establish("A").await;
    let other = app.establish("B").await;
    let (manager_of_other, custodian_of_other) = app.fund_tokens(other).await;
    let observer = app
        .token(
            &Principal::Observer {
                fund: FundId(fund),
                observer: domain::ObserverId(Uuid::now_v7()),
            },
            None,
        )
        .await;
    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": "2021-09-01" });

    // Who may not even read the fund is told it does not exist, as the reads do.
    for token in [&manager_of_other, &custodian_of_other] {
        refused(
            &app,
            token,
            fund,
            "/tranches",
            tranche.clone(),
            (404, "fund_not_found"),
        )
        .await;
    }
    // Who may read it but is not its manager is refused.
    for token in [&app.admin, &observer] {
        refused(
            &app,
            token,
            fund,
            "/tranches",
            tranche.clone(),
            (403, "forbidden"),
        )
        .await;
    }
    // The capacity is checked before the body is read.
    refused(
        &app,
        &observer,
        fund,
        "/tranches",
        json!({}),
        (403, "forbidden"),
    )
    .await;
    // A fund that does not exist, for its own manager: the fund rules say so.
    refused(
        &app,
        &app.manager,
        app.manager_fund,
        "/tranches",
        tranche.clone(),
        (404, "fund_not_found"),
    )
    .await;
    // Unknown fields are refused.
    let (manager, _) = app.fund_tokens(fund).await;
    let mut stray = tranche;
    stray["extra"] = json!(1);
    refused(
        &app,
        &manager,
        fund,
        "/tranches",
        stray,
        (422, "invalid_request"),
    )
    .await;
}

#[tokio::test]
async fn commands_honour_idempotency_keys_and_if_match() {
    let app = spawn_app().await;
    let fund = app.establish("A").await;
    let (manager, _) = app.fund_tokens(fund).await;
    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": "2021-09-01" });
    let path = format!("/funds/{fund}/tranches");

    let r = app
        .post_json(&path, &manager, &tranche, &[("if-match", "5")])
        .await;
    r.assert_problem(409, "version_conflict");
    let r = app
        .post_json(&path, &manager, &tranche, &[("if-match", "1")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // A replayed subscription answers the generated LP id of the first request.
    let path = format!("/funds/{fund}/subscriptions");
    let key = [("idempotency-key", "sub-1")];
    let body = subscription(1, "深投控", "50000000.00");
    let first = app.post_json(&path, &manager, &body, &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let before = app.event_count().await;
    let again = app.post_json(&path, &manager, &body, &key).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.json, first.json);
    assert_eq!(app.event_count().await, before);

    // A replayed call answers the same allocations.
    let path = format!("/funds/{fund}/capital-calls");
    let key = [("idempotency-key", "call-1")];
    let body = json!({ "tranches": [1], "amount": "50000000.00", "called_on": "2021-09-15",
                       "due_on": "2021-10-15" });
    let first = app.post_json(&path, &manager, &body, &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = app.post_json(&path, &manager, &body, &key).await;
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.json, first.json);
    assert_eq!(app.event_count().await, before + 1);

    // A retry with both headers is a replay too, though the stream has moved past its
    // `If-Match` (by its own first attempt): not a version conflict.
    let path = format!("/funds/{fund}/tranches");
    let headers = [("idempotency-key", "tranche-2"), ("if-match", "4")];
    let body = json!({ "number": 2, "size": "60000000.00", "subscription_date": "2022-09-01" });
    let first = app.post_json(&path, &manager, &body, &headers).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = app.post_json(&path, &manager, &body, &headers).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.json, first.json);
    assert_eq!(app.event_count().await, before + 2);
    // Another key with the stale `If-Match` is the conflict it always was.
    let other = [("idempotency-key", "tranche-3"), ("if-match", "4")];
    let body = json!({ "number": 3, "size": "10000000.00", "subscription_date": "2023-09-01" });
    let r = app.post_json(&path, &manager, &body, &other).await;
    r.assert_problem(409, "version_conflict");
}
