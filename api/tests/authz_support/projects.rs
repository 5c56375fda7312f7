//! The projects of a walked fund: a company taken from its application to a write-off, a
//! project rejected and one withdrawn, a sub-fund committed to; and the written resolutions
//! that decide them.

use super::scenario::{ago, pay};
use super::Fund;
use crate::common::TestApp;
use api::authz::matrix;
use api::authz::Caller::{Manager, Member};
use api::routes::Verb;
use serde_json::{json, Value};

/// A written resolution on `reference`, passed by seats 1 (the matrix's member) to 4.
pub(super) async fn passed(
    app: &TestApp,
    f: &mut Fund,
    kind: &str,
    reference: &str,
    amount: &str,
) -> String {
    let body = json!({ "subject": { "kind": kind, "title": format!("{kind} {reference}"),
                                    "reference": reference },
                       "amount": amount, "mode": "written", "deadline": "2099-01-01T00:00:00Z" });
    let r = f
        .post(app, Manager, "/funds/{fund_id}/resolutions", &[], body)
        .await;
    let id = r["resolution_id"].as_str().unwrap().to_owned();
    let votes = "/funds/{fund_id}/resolutions/{resolution_id}/votes";
    let vote = json!({ "choice": "approve" });
    f.post(app, Member, votes, &[("resolution_id", &id)], vote.clone())
        .await;
    for (_, token) in &f.members[1..4] {
        let suffix = format!("/resolutions/{id}/votes");
        app.ok(token, f.id, &suffix, vote.clone()).await;
    }
    id
}

/// The manager's steps on project `p`: each the path after the project, and its body.
async fn steps(app: &TestApp, f: &mut Fund, p: &str, steps: Vec<(&str, Value)>) {
    for (step, body) in steps {
        let path = format!("/funds/{{fund_id}}/projects/{{project_id}}/{step}");
        let template = matrix()
            .into_iter()
            .find(|e| e.verb == Verb::Post && e.path == path)
            .unwrap_or_else(|| panic!("no POST {path} in the matrix"))
            .path;
        f.post(app, Manager, template, &[("project_id", p)], body)
            .await;
    }
}

fn facts(founded_on: Value) -> Value {
    json!({ "registered_city": "昆山", "operating_city": "昆山",
        "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
        "business_model_company": false, "staff": 80, "rd_staff": 20,
        "clear_ownership": true, "subsidiary_of_large_group": false,
        "annual_revenue": "5000000.00", "net_assets": "4000000.00",
        "rd_spending": "900000.00", "founded_on": founded_on })
}

/// A company applied for 60 days ago, taken through every step to an investment paid today,
/// reported on, with a trigger and a supervisory action, and written off: 3,000,000 lost.
pub(super) async fn written_off(app: &TestApp, f: &mut Fund) -> String {
    let today = f.today;
    let day = |n: u64| ago(today, n);
    let apply = json!({ "company": "昆山芯片科技", "facts": facts(day(700)),
                        "applied_on": day(60) });
    let r = f
        .post(app, Manager, "/funds/{fund_id}/projects", &[], apply)
        .await;
    let p = r["project_id"].as_str().unwrap().to_owned();
    f.ids.insert("project_id", p.clone());
    let mut pipeline = vec![
        ("qualification-review", json!({ "on": day(59) })),
        (
            "research",
            json!({ "outcome": "shortlisted", "note": "调研", "on": day(58) }),
        ),
        (
            "establishment",
            json!({ "partner_opinion_ref": "意见1号", "on": day(57) }),
        ),
    ];
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        let body = json!({ "kind": kind, "provider": "某所", "document_ref": kind,
                           "on": day(50) });
        pipeline.push(("due-diligence", body));
    }
    pipeline.push((
        "proposal",
        json!({ "proposal": { "amount": "3000000.00",
            "post_money_cap_table": [{ "name": "基金", "stake": "0.15", "is_fund": true },
                                     { "name": "创始人", "stake": "0.60", "is_fund": false }],
            "instrument": "equity", "industry": "集成电路" }, "price": "1.00", "on": day(40) }),
    ));
    steps(app, f, &p, pipeline).await;
    let resolution = passed(app, f, "investment", &p, "3000000.00").await;
    let report = json!({ "period": "2026-H1", "revenue": "6000000.00", "net_assets": "4000000.00",
        "staff": 80, "rd_staff": 20, "registered_city": "昆山", "going_concern": true });
    steps(
        app,
        f,
        &p,
        vec![
            (
                "decision",
                json!({ "resolution_id": resolution, "on": day(0) }),
            ),
            (
                "agreement",
                json!({ "commitment": "3000000.00", "registered_capital": "10000000.00",
                 "signed_on": day(0) }),
            ),
            ("paid-in", json!({ "paid_in": "10000000.00", "on": day(0) })),
        ],
    )
    .await;
    let inject = json!({ "amount": "3000000.00", "value_date": day(0) });
    let injections = "/funds/{fund_id}/projects/{project_id}/injections";
    pay(app, f, injections, &[("project_id", &p)], inject).await;
    steps(
        app,
        f,
        &p,
        vec![
            ("reports", json!({ "report": report, "on": day(0) })),
            (
                "triggers",
                json!({ "trigger": "goals_reached", "note": "经营目标达成", "on": day(0) }),
            ),
            (
                "supervisory-actions",
                json!({ "action": "veto", "reason": "关联交易未披露", "on": day(0) }),
            ),
        ],
    )
    .await;
    let plan = passed(app, f, "exit", &p, "0.00").await;
    let exit = json!({ "proceeds": "0.00", "cost_released": "3000000.00", "on": day(0),
                       "resolution_id": plan });
    let exits = "/funds/{fund_id}/projects/{project_id}/exits";
    let r = f
        .post(app, Manager, exits, &[("project_id", &p)], exit)
        .await;
    assert_eq!(r["realised"], "-3000000.00", "{r}");
    p
}

/// A project rejected and one withdrawn, both right after their application.
pub(super) async fn closed_projects(app: &TestApp, f: &mut Fund) {
    let today = f.today;
    let day = |n: u64| ago(today, n);
    for (company, step) in [("昆山甲公司", "rejection"), ("昆山乙公司", "withdrawal")] {
        let apply = json!({ "company": company, "facts": facts(day(700)),
                            "applied_on": day(30) });
        let r = f
            .post(app, Manager, "/funds/{fund_id}/projects", &[], apply)
            .await;
        let p = r["project_id"].as_str().unwrap().to_owned();
        let body = json!({ "reason": "不符合投资方向", "on": day(29) });
        steps(app, f, &p, vec![(step, body)]).await;
    }
}

/// A sub-fund committed to (20% of its size, at the limit), decided, signed, with one of its
/// investments reported.
pub(super) async fn sub_fund(app: &TestApp, f: &mut Fund) {
    let today = f.today;
    let day = |n: u64| ago(today, n);
    let sub_fund = json!({ "name": "昆山集成电路子基金", "manager": "某某私募基金管理有限公司",
        "size": "10000000.00", "term_years": 8, "focus": "集成电路",
        "other_lps": [{ "name": "社会资本", "commitment": "3000000.00" }] });
    let body = json!({ "sub_fund": sub_fund, "applied_on": day(60) });
    let r = f
        .post(app, Manager, "/funds/{fund_id}/sub-funds", &[], body)
        .await;
    let s = r["project_id"].as_str().unwrap().to_owned();
    let mut pipeline = vec![
        ("qualification-review", json!({ "on": day(59) })),
        (
            "research",
            json!({ "outcome": "shortlisted", "note": "访谈", "on": day(58) }),
        ),
        (
            "establishment",
            json!({ "partner_opinion_ref": "立项意见1号", "on": day(57) }),
        ),
    ];
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        let body = json!({ "kind": kind, "provider": "某所", "document_ref": kind,
                           "on": day(50) });
        pipeline.push(("due-diligence", body));
    }
    pipeline.push((
        "commitment-proposal",
        json!({ "commitment": "2000000.00", "on": day(40) }),
    ));
    steps(app, f, &s, pipeline).await;
    let resolution = passed(app, f, "investment", &s, "2000000.00").await;
    steps(
        app,
        f,
        &s,
        vec![
            (
                "decision",
                json!({ "resolution_id": resolution, "on": day(0) }),
            ),
            (
                "agreement",
                json!({ "commitment": "2000000.00", "registered_capital": "10000000.00",
                 "signed_on": day(0) }),
            ),
            (
                "sub-fund-investments",
                json!({ "company": "昆山某科技", "city": "昆山", "amount": "1000000.00",
                 "on": day(0) }),
            ),
        ],
    )
    .await;
}
