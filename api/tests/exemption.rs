//! A liability-exemption case (尽职免责, SPEC §9) over REST: a project invested in and
//! written off, all at today's dates (committee resolutions are dated by the clock, and the
//! decision must follow its resolution); the case opened for the loss, the procedural
//! conditions evaluated from the log with references to the events, the attestations (a
//! committee member with their own token, manager staff through the manager's token), the
//! authority's determinations, and the evidence package checked against the log before and
//! after an event is tampered with.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use axum::http::Method;
use chrono::{Days, NaiveDate, Utc};
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
    member_ids: Vec<Uuid>,
    today: NaiveDate,
}

impl Fund {
    /// Today less `n` days (China Standard Time), as JSON.
    fn day(&self, n: u64) -> Value {
        json!(self.today.checked_sub_days(Days::new(n)).unwrap())
    }

    async fn ok(&self, suffix: &str, body: Value) -> Value {
        self.app.ok(&self.manager, self.id, suffix, body).await.json
    }

    async fn moved(&self, instructed: Value, on: Value) {
        let id = instructed["movement_id"].as_str().unwrap();
        let suffix = format!("/movements/{id}/confirmation");
        let body = json!({ "executed_on": on });
        self.app.ok(&self.custodian, self.id, &suffix, body).await;
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
            let body = json!({ "choice": "approve" });
            self.app.ok(token, self.id, &suffix, body).await;
        }
        id
    }
}

/// A fund established 60 days ago, 50,000,000 paid in, with its committee.
async fn fund() -> Fund {
    let app = spawn_app().await;
    let today = (Utc::now() + chrono::TimeDelta::hours(8)).date_naive();
    let day = |n: u64| json!(today.checked_sub_days(Days::new(n)).unwrap());
    let mut body = fund_body("昆山市天使投资基金");
    body["establishment_date"] = day(60);
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
        member_ids: Vec::new(),
        today,
    };
    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": day(60) });
    f.ok("/tranches", tranche).await;
    let lp = json!({ "tranche": 1, "lp_name": "昆山国创", "lp_kind": "state_owned",
                     "amount": "50000000.00" });
    let lp = f.ok("/subscriptions", lp).await["lp_id"].clone();
    let call = json!({ "tranches": [1], "amount": "50000000.00", "called_on": day(55),
                       "due_on": day(40) });
    let call = f.ok("/capital-calls", call).await["call_id"].clone();
    let paid = json!({ "kind": "lp_payment", "call_id": call, "lp_id": lp,
                       "amount": "50000000.00", "value_date": day(50) });
    let paid = f.ok("/movements", paid).await;
    f.moved(paid, day(50)).await;
    for seat in 1..=5 {
        let suffix = format!("/committee/seats/{seat}/appointment");
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": day(60) });
        let r = f.ok(&suffix, body).await;
        let member: Uuid = r["person_id"].as_str().unwrap().parse().unwrap();
        let principal = Principal::Member {
            fund: FundId(id),
            seat,
            member: MemberId(member),
        };
        f.members.push(f.app.token(&principal, None).await);
        f.member_ids.push(member);
    }
    f
}

/// A project decided, signed, paid in, injected, reported on and written off today:
/// 3,000,000 lost. Before the write-off, a case is refused `no_loss`.
async fn written_off(f: &Fund) -> String {
    let facts = json!({ "registered_city": "昆山", "operating_city": "昆山",
        "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
        "business_model_company": false, "staff": 80, "rd_staff": 20,
        "clear_ownership": true, "subsidiary_of_large_group": false,
        "annual_revenue": "5000000.00", "net_assets": "4000000.00",
        "rd_spending": "900000.00", "founded_on": f.day(700) });
    let apply = json!({ "company": "昆山芯片科技", "facts": facts, "applied_on": f.day(40) });
    let p = f.ok("/projects", apply).await["project_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let step = |s: &str| format!("/projects/{p}/{s}");
    f.ok(&step("qualification-review"), json!({ "on": f.day(39) }))
        .await;
    let research = json!({ "outcome": "shortlisted", "note": "调研", "on": f.day(38) });
    f.ok(&step("research"), research).await;
    let establish = json!({ "partner_opinion_ref": "意见1号", "on": f.day(37) });
    f.ok(&step("establishment"), establish).await;
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        let dd = json!({ "kind": kind, "provider": "某所", "document_ref": kind, "on": f.day(30) });
        f.ok(&step("due-diligence"), dd).await;
    }
    let proposal = json!({ "proposal": { "amount": "3000000.00",
        "post_money_cap_table": [{ "name": "基金", "stake": "0.15", "is_fund": true },
                                 { "name": "创始人", "stake": "0.60", "is_fund": false }],
        "instrument": "equity", "industry": "集成电路" }, "price": "1.00", "on": f.day(20) });
    f.ok(&step("proposal"), proposal).await;
    let resolution = f.passed("investment", &p, "3000000.00").await;
    let decision = json!({ "resolution_id": resolution, "on": f.day(0) });
    f.ok(&step("decision"), decision).await;
    let agreement = json!({ "commitment": "3000000.00", "registered_capital": "10000000.00",
                            "signed_on": f.day(0) });
    f.ok(&step("agreement"), agreement).await;
    let paid_in = json!({ "paid_in": "10000000.00", "on": f.day(0) });
    f.ok(&step("paid-in"), paid_in).await;
    let inject = json!({ "amount": "3000000.00", "value_date": f.day(0) });
    let m = f.ok(&step("injections"), inject).await;
    f.moved(m, f.day(0)).await;
    let report = json!({ "report": { "period": "2025-H1", "revenue": "6000000.00",
        "net_assets": "4000000.00", "staff": 80, "rd_staff": 20, "registered_city": "昆山",
        "going_concern": true }, "on": f.day(0) });
    f.ok(&step("reports"), report).await;

    let case = json!({ "project_id": p, "opened_on": f.day(0), "covered": [
        { "person_id": Uuid::now_v7(), "name": "张伟", "role": "manager_staff", "part": "项目负责人" }] });
    let r = f.app.post(&f.manager, f.id, "/exemption-cases", case).await;
    r.assert_problem(422, "no_loss");

    let plan = f.passed("exit", &p, "0.00").await;
    let exit = json!({ "proceeds": "0.00", "cost_released": "3000000.00", "on": f.day(0),
                       "resolution_id": plan });
    let r = f.ok(&step("exits"), exit).await;
    assert_eq!(r["realised"], "-3000000.00");
    p
}

/// The stored reference of an event: stream, version, position and hash.
async fn stored(app: &TestApp, event_id: &str) -> Value {
    let c = app.db.pool.get().await.unwrap();
    let row = c
        .query_one(
            "SELECT stream_id, stream_version, global_position, encode(hash, 'hex') \
             FROM events WHERE event_id = $1",
            &[&event_id.parse::<Uuid>().unwrap()],
        )
        .await
        .unwrap();
    json!({ "stream_id": row.get::<_, String>(0), "version": row.get::<_, i64>(1),
            "global_position": row.get::<_, i64>(2), "hash": row.get::<_, String>(3) })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_from_opening_to_a_verified_evidence_package() {
    let f = fund().await;
    let p = written_off(&f).await;
    let fund = FundId(f.id);
    let authority = Principal::Authority {
        agency: "昆山市财政局".into(),
        funds: vec![fund],
    };
    let authority = f.app.token(&authority, None).await;
    let regulator = Principal::Regulator {
        agency: "昆山市金融监管局".into(),
        funds: vec![fund],
    };
    let regulator = f.app.token(&regulator, None).await;
    let (staff, member) = (Uuid::now_v7(), f.member_ids[0]);
    let open = json!({ "project_id": p, "opened_on": f.day(0), "covered": [
        { "person_id": staff, "name": "张伟", "role": "manager_staff", "part": "项目负责人,尽职调查" },
        { "person_id": member, "name": "委员1", "role": "committee_member", "part": "投资决策" }] });
    let r = f.ok("/exemption-cases", open).await;
    let case = r["case_id"].as_str().unwrap().to_owned();
    let at = |s: &str| format!("/exemption-cases/{case}{s}");
    assert_eq!(r["events"][0]["data"]["loss"], "3000000.00");

    // Evaluated from the log: every condition holds, each with the events that prove it.
    f.ok(&at("/evaluation"), json!({})).await;
    let path = format!("/funds/{}{}", f.id, at(""));
    let view = f.app.get(&path, &regulator).await;
    assert_eq!(view.status.as_u16(), 200, "{}", view.text);
    let evaluation = &view.json["evaluations"][0];
    assert_eq!(evaluation["passed"], true, "{evaluation:#}");
    let outcomes = evaluation["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 7);
    for o in outcomes {
        assert_eq!(o["passed"], true, "{o:#}");
        let refs = o["references"].as_array().unwrap();
        assert!(
            !refs.is_empty() || o["condition"] == "triggers_acted_on",
            "{o:#}"
        );
        for r in refs.iter().take(2) {
            let s = stored(&f.app, r["event_id"].as_str().unwrap()).await;
            for field in ["stream_id", "version", "global_position", "hash"] {
                assert_eq!(r[field], s[field], "{field} of {r:#}");
            }
        }
    }
    let committee = &outcomes[2];
    assert_eq!(committee["condition"], "committee_approved");
    let types: Vec<&str> = committee["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "ResolutionOpened");
    assert_eq!(types.iter().filter(|t| **t == "VoteCast").count(), 4);
    assert_eq!(types.last(), Some(&"DecisionRecorded"));
    assert_eq!(view.json["loss_tolerance"]["realised_losses"], "3000000.00");
    assert_eq!(view.json["loss_tolerance"]["within"], true);
    assert_eq!(view.json["status"], "evaluated");

    // A grant before the attestations is refused.
    let grant = json!({ "granted": true, "reference": "昆财免〔2025〕1号", "on": f.day(0),
        "exemptions": [{ "person_id": staff, "exemptions": ["performance_evaluation", "awards"] },
                       { "person_id": member, "exemptions": ["promotion_rotation_title"] }] });
    let r = f
        .app
        .post(&authority, f.id, &at("/determination"), grant.clone())
        .await;
    r.assert_problem(422, "attestation_missing");

    // Attestations: each person through the token that may sign for them.
    let sign = |person: Uuid| {
        json!({ "person_id": person, "no_personal_gain": true, "no_violation_of_law": true,
                "statement": "本人承诺未谋取个人利益,无违法违规行为", "signed_on": f.day(0) })
    };
    let forbidden = (403, "forbidden");
    let app = &f.app;
    app.refused(
        &f.manager,
        f.id,
        &at("/attestations"),
        sign(member),
        forbidden,
    )
    .await;
    app.refused(
        &f.members[0],
        f.id,
        &at("/attestations"),
        sign(staff),
        forbidden,
    )
    .await;
    app.refused(
        &f.members[1],
        f.id,
        &at("/attestations"),
        sign(member),
        forbidden,
    )
    .await;
    app.refused(
        &f.custodian,
        f.id,
        &at("/attestations"),
        sign(staff),
        forbidden,
    )
    .await;
    app.ok(&f.members[0], f.id, &at("/attestations"), sign(member))
        .await;
    let r = app
        .post(&f.members[0], f.id, &at("/attestations"), sign(member))
        .await;
    r.assert_problem(422, "already_attested");
    app.ok(&f.manager, f.id, &at("/attestations"), sign(staff))
        .await;

    // Only the authority determines.
    for token in [&regulator, &f.manager, &f.members[0]] {
        app.refused(token, f.id, &at("/determination"), grant.clone(), forbidden)
            .await;
    }
    app.ok(&authority, f.id, &at("/determination"), grant).await;
    let second = json!({ "granted": true, "reference": "昆财免〔2025〕2号", "on": f.day(0),
        "exemptions": [{ "person_id": staff, "exemptions": ["performance_evaluation"] }] });
    app.ok(&authority, f.id, &at("/determination"), second)
        .await;
    let view = app.get(&path, &f.members[2]).await;
    let determinations = view.json["determinations"].as_array().unwrap();
    assert_eq!(determinations.len(), 2);
    assert_eq!(determinations[0]["supersedes"], Value::Null);
    assert_eq!(determinations[1]["supersedes"], 0);
    assert_eq!(determinations[1]["by"], "昆山市财政局");
    assert_eq!(view.json["status"], "granted");
    assert_eq!(view.json["missing_attestations"], json!([]));

    // The evidence package cites every referenced event with its stored payload.
    let package = app.get(&format!("{path}/package"), &regulator).await;
    assert_eq!(package.status.as_u16(), 200, "{}", package.text);
    let events = package.json["events"].as_array().unwrap();
    let cited = |id: &Value| events.iter().any(|e| e["reference"]["event_id"] == *id);
    for o in outcomes {
        for r in o["references"].as_array().unwrap() {
            assert!(cited(&r["event_id"]), "{r:#} is not in the package");
        }
    }
    let decision = events
        .iter()
        .find(|e| e["reference"]["event_type"] == "DecisionRecorded")
        .unwrap();
    assert!(decision["payload"]["resolution_id"].is_string());
    let html = app
        .send(
            Method::GET,
            &format!("{path}/package"),
            Some(&regulator),
            None,
            &[("accept", "text/html")],
        )
        .await;
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(html.text.contains("证据事件") && html.text.contains("committee_approved"));
    let outsider = app
        .token(
            &Principal::Manager {
                fund: FundId(Uuid::now_v7()),
            },
            None,
        )
        .await;
    app.get(&path, &outsider)
        .await
        .assert_problem(404, "fund_not_found");

    // Verified against the log: intact, then broken by a tampered payload.
    let report = api::cli::verify_package(&app.db.pool, &package.json)
        .await
        .unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    let file = std::env::temp_dir().join(format!("package-{case}.json"));
    std::fs::write(&file, &package.text).unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_fundadmin"))
            .args(["verify", "--package", file.to_str().unwrap()])
            .env("DATABASE_URL", &app.db.url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let tampered = decision["reference"]["event_id"].as_str().unwrap();
    let c = app.db.pool.get().await.unwrap();
    c.batch_execute(&format!(
        "ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete;
         UPDATE events SET payload = jsonb_set(payload, '{{on}}', '\"2000-01-01\"')
          WHERE event_id = '{tampered}';
         ALTER TABLE events ENABLE TRIGGER events_no_update_or_delete;"
    ))
    .await
    .unwrap();
    let report = api::cli::verify_package(&app.db.pool, &package.json)
        .await
        .unwrap();
    let problems = serde_json::to_value(&report.problems).unwrap();
    assert!(
        problems
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["problem"] == "hash_mismatch" && p["event_id"] == tampered),
        "{problems:#}"
    );
    let broken = run();
    assert_eq!(broken.status.code(), Some(1));
    let stdout = String::from_utf8(broken.stdout).unwrap();
    assert!(
        stdout.contains("hash_mismatch") && stdout.contains(tampered),
        "{stdout}"
    );
    std::fs::remove_file(&file).unwrap();
}
