//! Two processes on one database: a project's steps are decided on the fund and the project
//! as cached by the process that runs them, without reading the store, and still see what
//! the other process wrote meanwhile: no lost update, no refusal the log would not give, no
//! step let through that the log refuses.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::state::AppState;
use chrono::NaiveDate;
use common::{fund_body, spawn_app, TestApp, TestResponse};
use eventstore::Metrics;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

/// Runs `f` as the other process: the same database, its own caches.
async fn as_other<T>(app: &mut TestApp, other: &AppState, f: impl AsyncFnOnce(&TestApp) -> T) -> T {
    let mine = std::mem::replace(&mut app.state, other.clone());
    let out = f(app).await;
    app.state = mine;
    out
}

async fn step(
    app: &TestApp,
    manager: &str,
    fund: Uuid,
    project: &str,
    step: &str,
    body: Value,
) -> TestResponse {
    let suffix = format!("/projects/{project}/{step}");
    app.post(manager, fund, &suffix, body).await
}

/// The id named `field` in an answer.
fn id(r: &TestResponse, field: &str) -> Uuid {
    r.json[field].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_step_sees_what_another_process_wrote_since_it_cached_the_fund_and_the_project() {
    let mut app = spawn_app().await;
    let mut body = fund_body("昆山市天使投资基金");
    body["policy"] = json!({ "eligibility": { "industries": ["集成电路"] } });
    let r = app.post_fund(&app.admin, &body, &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fund = id(&r, "fund_id");
    let (manager, _) = app.fund_tokens(fund).await;
    let mut other = AppState::new(app.db.pool.clone(), None, Metrics::new());
    let facts = json!({ "registered_city": "昆山", "operating_city": "昆山",
        "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
        "business_model_company": false, "alternative_qualifications": [], "staff": 120,
        "rd_staff": 30, "clear_ownership": true, "subsidiary_of_large_group": false,
        "annual_revenue": "8000000.00", "net_assets": "5000000.00",
        "rd_spending": "1200000.00", "founded_on": "2021-05-01" });
    let r = app
        .ok(
            &manager,
            fund,
            "/projects",
            json!({ "company": "昆山芯片科技有限公司",
            "facts": facts, "applied_on": "2024-03-01" }),
        )
        .await;
    let project = id(&r, "project_id").to_string();
    // This process has the fund and the project (at its application) in its caches.

    // The other process reviews the project: research is the next step, not the review.
    let reviewed = as_other(&mut app, &other, async |app| {
        step(
            app,
            &manager,
            fund,
            &project,
            "qualification-review",
            json!({ "on": "2024-03-10" }),
        )
        .await
    })
    .await;
    assert_eq!(reviewed.status, 201, "{}", reviewed.text);
    let r = step(
        &app,
        &manager,
        fund,
        &project,
        "research",
        json!({ "outcome": "shortlisted", "note": "走访企业", "on": "2024-04-01" }),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["stream_version"], 3, "no lost update");
    assert_eq!(r.json["stage"], "establishment");
    let r = step(
        &app,
        &manager,
        fund,
        &project,
        "qualification-review",
        json!({ "on": "2024-04-02" }),
    )
    .await;
    r.assert_problem(422, "stage_out_of_order");

    // The other process closes the fund after its liquidation (no LP, no investment).
    let today: NaiveDate = "2031-01-01".parse().unwrap();
    other.clock = Arc::new(move || today);
    let closed = as_other(&mut app, &other, async |app| {
        app.post(
            &manager,
            fund,
            "/closing",
            json!({ "closed_on": "2030-12-31" }),
        )
        .await
    })
    .await;
    assert_eq!(closed.status, 201, "{}", closed.text);
    // This process's cached fund is open; the append sees it moved and the step is decided
    // again on the fund as it is: refused, nothing written.
    let before = app.event_count().await;
    let r = step(
        &app,
        &manager,
        fund,
        &project,
        "establishment",
        json!({ "partner_opinion_ref": "工研院意见〔2024〕12号", "on": "2024-05-01" }),
    )
    .await;
    r.assert_problem(422, "fund_closed");
    assert_eq!(app.event_count().await, before);
}
