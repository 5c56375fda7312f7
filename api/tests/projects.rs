//! A project through the pipeline over REST: application, qualification review, research,
//! establishment, the four due-diligence reports, a proposal checked against the limits, the
//! committee's resolution, the agreement and paid-in reports matched to the fund's payments;
//! with an ineligible application, a step out of order and the board.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use common::{fund_body, spawn_app, TestApp, TestResponse};
use domain::{FundId, MemberId};
use serde_json::{json, Value};
use uuid::Uuid;

fn facts(staff: u32) -> Value {
    json!({ "registered_city": "昆山", "operating_city": "昆山", "independent_legal_person": true,
            "industry": "集成电路", "ip": ["patent"], "business_model_company": false,
            "alternative_qualifications": [], "staff": staff, "rd_staff": 30,
            "clear_ownership": true, "subsidiary_of_large_group": false,
            "annual_revenue": "8000000.00", "net_assets": "5000000.00",
            "rd_spending": "1200000.00", "founded_on": "2021-05-01" })
}

fn proposal(fund_stake: &str) -> Value {
    json!({ "proposal": { "amount": "3000000.00",
                          "post_money_cap_table": [
                              { "name": "基金", "stake": fund_stake, "is_fund": true },
                              { "name": "创始人", "stake": "0.60", "is_fund": false }],
                          "instrument": "equity", "industry": "集成电路" },
            "price": "1.50", "on": "2024-07-01" })
}

struct Pipeline {
    app: TestApp,
    fund: Uuid,
    manager: String,
}

impl Pipeline {
    async fn step(&self, project: &str, step: &str, body: Value) -> TestResponse {
        let suffix = format!("/projects/{project}/{step}");
        self.app.post(&self.manager, self.fund, &suffix, body).await
    }

    async fn ok(&self, project: &str, step: &str, body: Value) -> Value {
        let r = self.step(project, step, body).await;
        assert_eq!(r.status, 201, "{step}: {}", r.text);
        r.json
    }

    async fn apply(&self, staff: u32) -> String {
        let body = json!({ "company": "昆山芯片科技有限公司", "facts": facts(staff),
                           "applied_on": "2024-03-01" });
        let r = self
            .app
            .ok(&self.manager, self.fund, "/projects", body)
            .await;
        assert_eq!(r.json["stage"], "application");
        r.json["project_id"].as_str().unwrap().to_owned()
    }
}

async fn pipeline() -> Pipeline {
    let app = spawn_app().await;
    let mut body = fund_body("昆山市天使投资基金");
    body["establishment_date"] = json!("2024-01-01");
    body["policy"] = json!({ "eligibility": { "industries": ["集成电路", "生物医药"] } });
    let r = app.post_fund(&app.admin, &body, &[]).await;
    let fund: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (manager, _) = app.fund_tokens(fund).await;
    Pipeline { app, fund, manager }
}

#[tokio::test]
async fn a_project_goes_from_application_to_paid_in_matching() {
    let p = pipeline().await;
    let project = p.apply(120).await;

    // Stages are never skipped.
    let r = p
        .step(
            &project,
            "establishment",
            json!({ "partner_opinion_ref": "意见", "on": "2024-03-05" }),
        )
        .await;
    r.assert_problem(422, "stage_out_of_order");
    assert_eq!(r.json["rule"], "Art. 15");

    let r = p
        .ok(
            &project,
            "qualification-review",
            json!({ "on": "2024-03-10" }),
        )
        .await;
    assert_eq!(r["stage"], "research");
    assert_eq!(r["events"][0]["type"], "QualificationReviewed");
    assert_eq!(r["events"][0]["data"]["eligibility"]["passed"], true);
    p.ok(
        &project,
        "research",
        json!({ "outcome": "shortlisted", "note": "走访企业", "on": "2024-04-01" }),
    )
    .await;
    let r = p
        .ok(
            &project,
            "establishment",
            json!({ "partner_opinion_ref": "工研院意见〔2024〕12号", "on": "2024-05-01" }),
        )
        .await;
    assert_eq!(r["stage"], "due_diligence");
    let r = p.step(&project, "proposal", proposal("0.15")).await;
    r.assert_problem(422, "due_diligence_incomplete");
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        p.ok(
            &project,
            "due-diligence",
            json!({ "kind": kind, "provider": "江苏某某咨询",
                                                 "document_ref": format!("DD-{kind}"),
                                                 "on": "2024-06-01" }),
        )
        .await;
    }
    // A stake above 20% is refused, exactly 20% is not, and the proposal moves on.
    let r = p.step(&project, "proposal", proposal("0.2001")).await;
    r.assert_problem(422, "stake_limit_exceeded");
    assert_eq!(r.json["rule"], "Art. 10");
    let r = p.ok(&project, "proposal", proposal("0.20")).await;
    assert_eq!(r["stage"], "decision");
    assert_eq!(
        r["events"][0]["data"]["limits"]["checks"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // The committee decides in writing (3,000,000 may be circulated).
    let mut members = Vec::new();
    for seat in 1..=5 {
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": "2024-01-01" });
        let suffix = format!("/committee/seats/{seat}/appointment");
        let r = p.app.ok(&p.manager, p.fund, &suffix, body).await;
        let member = MemberId(r.json["person_id"].as_str().unwrap().parse().unwrap());
        let principal = Principal::Member {
            fund: FundId(p.fund),
            seat,
            member,
        };
        members.push(p.app.token(&principal, None).await);
    }
    let resolution = json!({ "subject": { "kind": "investment", "title": "投资昆山芯片科技",
                                          "reference": project },
                             "amount": "3000000.00", "mode": "written",
                             "deadline": "2099-01-01T00:00:00Z" });
    let r = p
        .app
        .ok(&p.manager, p.fund, "/resolutions", resolution)
        .await;
    let resolution_id = r.json["resolution_id"].as_str().unwrap().to_owned();
    let decide = json!({ "resolution_id": resolution_id, "on": "2024-07-20" });
    p.step(&project, "decision", decide.clone())
        .await
        .assert_problem(422, "resolution_undecided");
    for token in &members[..4] {
        let suffix = format!("/resolutions/{resolution_id}/votes");
        p.app
            .ok(token, p.fund, &suffix, json!({ "choice": "approve" }))
            .await;
    }
    let r = p.ok(&project, "decision", decide).await;
    assert_eq!(r["stage"], "implementation");

    let r = p
        .step(
            &project,
            "agreement",
            json!({ "commitment": "2999999.99",
        "registered_capital": "10000000.00", "signed_on": "2024-08-01" }),
        )
        .await;
    r.assert_problem(422, "commitment_mismatch");
    let r = p
        .ok(
            &project,
            "agreement",
            json!({ "commitment": "3000000.00",
        "registered_capital": "10000000.00", "other_shareholders": ["创始人"],
        "signed_on": "2024-08-01" }),
        )
        .await;
    assert_eq!(r["stage"], "post_investment");
    // Paid in step with the company: 30%, 60%, 100% of its registered capital.
    for (paid_in, on, required) in [
        ("3000000.00", "2024-09-01", "900000.00"),
        ("6000000.00", "2024-12-01", "1800000.00"),
        ("10000000.00", "2025-03-01", "3000000.00"),
    ] {
        let r = p
            .ok(&project, "paid-in", json!({ "paid_in": paid_in, "on": on }))
            .await;
        assert_eq!(r["events"][0]["data"]["required_cumulative"], required);
    }
    p.step(
        &project,
        "paid-in",
        json!({ "paid_in": "9000000.00", "on": "2025-04-01" }),
    )
    .await
    .assert_problem(422, "paid_in_decreased");

    p.app.catch_up().await;
    let board = p
        .app
        .get(
            &format!("/funds/{}/projects/board?on=2025-03-31", p.fund),
            &p.manager,
        )
        .await;
    let columns = board.json["items"].as_array().unwrap();
    assert_eq!(columns.len(), 7);
    let post = columns
        .iter()
        .find(|c| c["stage"] == "post_investment")
        .unwrap();
    assert_eq!(post["projects"][0]["project_id"], project.as_str());
    assert_eq!(post["projects"][0]["age_days"], 242);
    let detail = p
        .app
        .get(
            &format!("/funds/{}/projects/{project}", p.fund),
            &members[0],
        )
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.json["steps"].as_array().unwrap().len(), 14);
}

#[tokio::test]
async fn an_ineligible_application_is_rejected_naming_the_conditions() {
    let p = pipeline().await;
    let project = p.apply(201).await;
    let r = p
        .ok(
            &project,
            "qualification-review",
            json!({ "on": "2024-03-10" }),
        )
        .await;
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["events"][1]["type"], "ProjectRejected");
    assert!(r["events"][1]["data"]["reason"]
        .as_str()
        .unwrap()
        .contains("staff_and_rd"));
    p.step(
        &project,
        "research",
        json!({ "outcome": "shortlisted", "note": "x", "on": "2024-04-01" }),
    )
    .await
    .assert_problem(422, "project_closed");
    // Only the fund's manager records steps; another fund's project is not found.
    let observer = p
        .app
        .token(
            &Principal::Custodian {
                fund: FundId(p.fund),
            },
            None,
        )
        .await;
    let r = p.app.post(&observer, p.fund, "/projects", json!({})).await;
    r.assert_problem(403, "forbidden");
    let other = pipeline().await;
    let r = other
        .step(
            &project,
            "rejection",
            json!({ "reason": "x", "on": "2024-05-01" }),
        )
        .await;
    r.assert_problem(404, "project_not_found");
}

#[tokio::test]
async fn a_retried_step_answers_its_first_result_though_the_stage_has_moved_on() {
    let p = pipeline().await;
    let project = p.apply(120).await;
    let path = format!("/funds/{}/projects/{project}/qualification-review", p.fund);
    let body = json!({ "on": "2024-03-10" });
    let key = [("idempotency-key", "review-1")];
    let first = p.app.post_json(&path, &p.manager, &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let before = p.app.event_count().await;
    // The project is in research now: decided again, the review would be out of order.
    let again = p.app.post_json(&path, &p.manager, &body, &key).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.json, first.json);
    assert_eq!(p.app.event_count().await, before);
    // Without the key it is the refusal it always was.
    p.step(&project, "qualification-review", body)
        .await
        .assert_problem(422, "stage_out_of_order");
}
