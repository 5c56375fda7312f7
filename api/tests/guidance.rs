//! A guidance fund subscribes to an angel fund and commits to a sub-fund, and both funds'
//! overviews and capital accounts are checked.
//!
//! The guidance fund G (100,000,000 paid in by its own LP) is an LP of the angel fund A
//! (20,000,000 of A's 100,000,000, next to two LPs of 40,000,000), linked to G by A's manager.
//! On G's side the commitment to A goes through the pipeline as a sub-fund (20% of its size,
//! within the default limit), A's called capital is reported as its paid-in and G injects
//! what is due; on A's side the same payment is G's LP payment: both sides show the same
//! money. G then commits to an external sub-fund S, at the limit to the fen (a fen more and
//! a guarantee are refused), S reports its investments (one local, for 返投) and a write-off
//! of S shows in G's loss tolerance (容错率).

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

/// A fund with its manager, custodian and five committee members.
struct Side {
    id: Uuid,
    manager: String,
    custodian: String,
    members: Vec<String>,
}

struct World {
    app: TestApp,
    a: Side,
    g: Side,
}

impl World {
    async fn ok(&self, f: &Side, suffix: &str, body: Value) -> Value {
        self.app.ok(&f.manager, f.id, suffix, body).await.json
    }

    /// A step on G's project `p`.
    async fn on(&self, p: &str, step: &str, body: Value) -> Value {
        self.ok(&self.g, &format!("/projects/{p}/{step}"), body)
            .await
    }

    /// The manager instructs a movement at `suffix` (`/movements`, `…/injections`); the
    /// custodian confirms it on its value date.
    async fn moved(&self, f: &Side, suffix: &str, body: Value) {
        let on = body["value_date"].clone();
        let m = self.ok(f, suffix, body).await;
        let suffix = format!(
            "/movements/{}/confirmation",
            m["movement_id"].as_str().unwrap()
        );
        let confirm = json!({ "executed_on": on });
        self.app.ok(&f.custodian, f.id, &suffix, confirm).await;
    }

    async fn read(&self, f: &Side, suffix: &str) -> Value {
        self.app.catch_up().await;
        let r = self
            .app
            .get(&format!("/funds/{}{suffix}", f.id), &f.manager)
            .await;
        assert_eq!(r.status, 200, "{suffix}: {}", r.text);
        r.json
    }

    async fn capital(&self, f: &Side) -> Value {
        self.read(f, "/overview").await["capital"].clone()
    }

    /// An on-site resolution of `kind` on `reference`, attended by all and passed by four
    /// approvals.
    async fn passed(&self, f: &Side, kind: &str, reference: &str, amount: &str) -> String {
        let body = json!({ "subject": { "kind": kind, "title": format!("{kind} {reference}"),
                                        "reference": reference },
                           "amount": amount, "mode": "on_site",
                           "deadline": "2099-01-01T00:00:00Z" });
        let r = self.ok(f, "/resolutions", body).await;
        let id = r["resolution_id"].as_str().unwrap().to_owned();
        let at = |s: &str| format!("/resolutions/{id}{s}");
        let meeting = json!({ "meets_at": "2098-06-20T02:00:00Z", "place": "昆山市科创大厦" });
        self.ok(f, &at("/meeting"), meeting).await;
        for seat in 1..=5 {
            self.ok(f, &at("/attendance"), json!({ "seat": seat }))
                .await;
        }
        self.ok(f, &at("/meeting/opening"), json!({})).await;
        for token in &f.members[..4] {
            let body = json!({ "choice": "approve" });
            let r = self.app.ok(token, f.id, &at("/votes"), body).await;
            assert_ne!(r.json["status"], "failed");
        }
        id
    }

    /// A sub-fund project of G taken through the due diligence; the project.
    async fn diligent(&self, sub_fund: Value) -> String {
        let body = json!({ "sub_fund": sub_fund, "applied_on": "2024-01-15" });
        let r = self.ok(&self.g, "/sub-funds", body).await;
        assert_eq!(r["stage"], "application");
        let p = r["project_id"].as_str().unwrap().to_owned();
        let r = self
            .on(&p, "qualification-review", json!({ "on": "2024-01-16" }))
            .await;
        assert_eq!(
            (&r["stage"], &r["events"][0]["type"]),
            (&json!("research"), &json!("SubFundReviewed"))
        );
        let research = json!({ "outcome": "shortlisted", "note": "访谈", "on": "2024-01-17" });
        self.on(&p, "research", research).await;
        let opinion = json!({ "partner_opinion_ref": "立项意见1号", "on": "2024-01-18" });
        self.on(&p, "establishment", opinion).await;
        for kind in ["commercial", "legal", "financial", "expert_review"] {
            let body = json!({ "kind": kind, "provider": "某所", "document_ref": kind,
                               "on": "2024-01-19" });
            self.on(&p, "due-diligence", body).await;
        }
        p
    }

    /// The commitment decided on site and signed on the sub-fund's `size`, the sub-fund's
    /// `called` capital reported and what is due injected: G's injection movement to instruct.
    async fn signed(&self, p: &str, commitment: &str, size: &str, called: &str) -> Value {
        let resolution = self.passed(&self.g, "investment", p, commitment).await;
        let decision = json!({ "resolution_id": resolution, "on": "2024-02-05" });
        let r = self.on(p, "decision", decision).await;
        assert_eq!(r["stage"], "implementation");
        let agreement = json!({ "commitment": commitment, "registered_capital": size,
                                "signed_on": "2024-02-06" });
        self.on(p, "agreement", agreement).await;
        let r = self
            .on(
                p,
                "paid-in",
                json!({ "paid_in": called, "on": "2024-02-07" }),
            )
            .await;
        let due = r["events"][0]["data"]["required_cumulative"].clone();
        json!({ "amount": due, "value_date": "2024-02-20" })
    }
}

/// A fund of `kind` and `size` established 2024-01-01 in 昆山, with its committee.
async fn establish(app: &TestApp, name: &str, kind: &str, size: &str) -> Side {
    let mut body = fund_body(name);
    body["kind"] = json!(kind);
    body["total_size"] = json!(size);
    body["establishment_date"] = json!("2024-01-01");
    let r = app.post_fund(&app.admin, &body, &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (manager, custodian) = app.fund_tokens(id).await;
    let mut members = Vec::new();
    for seat in 1..=5 {
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": "2024-01-01" });
        let suffix = format!("/committee/seats/{seat}/appointment");
        let r = app.ok(&manager, id, &suffix, body).await;
        let member = MemberId(r.json["person_id"].as_str().unwrap().parse().unwrap());
        let principal = Principal::Member {
            fund: FundId(id),
            seat,
            member,
        };
        members.push(app.token(&principal, None).await);
    }
    Side {
        id,
        manager,
        custodian,
        members,
    }
}

/// Subscribes `lps` (name, kind, amount) to tranche 1 of `f`; their ids.
async fn subscribed(w: &World, f: &Side, size: &str, lps: &[(&str, &str, &str)]) -> Vec<Value> {
    let tranche = json!({ "number": 1, "size": size, "subscription_date": "2024-01-01" });
    w.ok(f, "/tranches", tranche).await;
    let mut ids = Vec::new();
    for (name, kind, amount) in lps {
        let body = json!({ "tranche": 1, "lp_name": name, "lp_kind": kind, "amount": amount });
        ids.push(w.ok(f, "/subscriptions", body).await["lp_id"].clone());
    }
    ids
}

/// The item of `list` whose `key` is `value`.
fn find(list: &Value, key: &str, value: &Value) -> Value {
    let items = list.as_array().unwrap();
    items.iter().find(|i| &i[key] == value).unwrap().clone()
}

/// Only `keys` of `v`.
fn pick(v: &Value, keys: &[&str]) -> Value {
    let picked = keys.iter().map(|k| ((*k).to_owned(), v[*k].clone()));
    Value::Object(picked.collect())
}

/// `lp` pays `amount` of `call` on `on`.
fn lp_payment(call: &Value, lp: &Value, amount: &str, on: &str) -> Value {
    json!({ "kind": "lp_payment", "call_id": call, "lp_id": lp, "amount": amount,
            "value_date": on })
}

fn sub_fund(name: &str, size: &str, others: &[(&str, &str)]) -> Value {
    let others: Vec<Value> = others
        .iter()
        .map(|(name, commitment)| json!({ "name": name, "commitment": commitment }))
        .collect();
    json!({ "name": name, "manager": "某某私募基金管理有限公司", "size": size,
            "term_years": 8, "focus": "集成电路", "other_lps": others })
}

/// A's and G's funds, G paid in by its own LP, G subscribed to A and linked; G's LP id in A.
async fn world() -> (World, Value, Value) {
    let app = spawn_app().await;
    let a = establish(&app, "昆山市天使投资基金", "angel", "100000000.00").await;
    let g = establish(&app, "昆山市政府引导基金", "guidance", "300000000.00").await;
    let w = World { app, a, g };

    let (a, g) = (&w.a, &w.g);
    let lp = subscribed(
        &w,
        g,
        "100000000.00",
        &[("昆山市财政局", "state_owned", "100000000.00")],
    )
    .await;
    let call = json!({ "tranches": [1], "amount": "100000000.00", "called_on": "2024-01-05",
                       "due_on": "2024-01-31" });
    let call = w.ok(g, "/capital-calls", call).await["call_id"].clone();
    let payment = lp_payment(&call, &lp[0], "100000000.00", "2024-01-10");
    w.moved(g, "/movements", payment).await;

    let lps = [
        ("昆山市政府引导基金", "guidance_fund", "20000000.00"),
        ("昆山国创", "state_owned", "40000000.00"),
        ("苏州产投", "other", "40000000.00"),
    ];
    let ids = subscribed(&w, a, "100000000.00", &lps).await;
    let link = format!("/lps/{}/link", ids[0].as_str().unwrap());
    w.ok(a, &link, json!({ "fund_id": g.id })).await;
    let call = json!({ "tranches": [1], "amount": "100000000.00", "called_on": "2024-02-01",
                       "due_on": "2024-03-31" });
    let call = w.ok(a, "/capital-calls", call).await["call_id"].clone();
    for lp in &ids[1..] {
        let payment = lp_payment(&call, lp, "40000000.00", "2024-02-10");
        w.moved(a, "/movements", payment).await;
    }
    let guidance_lp = ids[0].clone();
    (w, guidance_lp, call)
}

#[tokio::test]
async fn a_guidance_fund_pays_into_an_angel_fund_and_writes_off_a_sub_fund() {
    let (w, g_lp, a_call) = world().await;
    let (a, g) = (&w.a, &w.g);

    // G's commitment to A: 20% of A's size, less than A's largest other LP.
    let facts = sub_fund(
        "昆山市天使投资基金",
        "100000000.00",
        &[("昆山国创", "40000000.00"), ("苏州产投", "40000000.00")],
    );
    let pa = w.diligent(facts).await;
    let propose = |commitment: &str| json!({ "commitment": commitment, "on": "2024-02-01" });
    let r = w
        .on(&pa, "commitment-proposal", propose("20000000.00"))
        .await;
    assert_eq!(r["stage"], "decision");
    assert_eq!(r["events"][0]["type"], "CommitmentProposed");
    let a_called = w.capital(a).await["called"].as_str().unwrap().to_owned();
    assert_eq!(a_called, "100000000.00");
    let injection = w
        .signed(&pa, "20000000.00", "100000000.00", &a_called)
        .await;
    assert_eq!(injection["amount"], "20000000.00");

    // The same money from both sides, on the same day.
    let cash = |c: Value| c["cash"].clone();
    let before = (cash(w.capital(a).await), cash(w.capital(g).await));
    assert_eq!(before, (json!("80000000.00"), json!("100000000.00")));
    w.moved(g, &format!("/projects/{pa}/injections"), injection)
        .await;
    let payment = lp_payment(&a_call, &g_lp, "20000000.00", "2024-02-20");
    w.moved(a, "/movements", payment).await;
    let lps = w.read(a, "/lps").await;
    let account = find(&lps["items"], "lp_id", &g_lp);
    let keys = ["kind", "linked_fund_id", "subscribed", "called", "paid_in"];
    assert_eq!(
        pick(&account, &keys),
        json!({ "kind": "guidance_fund", "linked_fund_id": g.id, "subscribed": "20000000.00",
                "called": "20000000.00", "paid_in": "20000000.00" })
    );
    let portfolio = w.read(g, "/portfolio").await;
    let in_a = find(&portfolio["investments"], "project_id", &json!(pa));
    assert_eq!(
        pick(&in_a, &["company", "stage"]),
        json!({ "company": "昆山市天使投资基金", "stage": "post_investment" })
    );
    assert_eq!(in_a["paid"], account["paid_in"]);
    assert_eq!(in_a["commitment"], account["subscribed"]);
    assert_eq!(
        in_a["reinvestment"],
        json!({ "target": "30000000.00", "local": "0.00", "shortfall": "30000000.00",
                "behind": true })
    );
    let (ca, cg) = (w.capital(a).await, w.capital(g).await);
    assert_eq!(
        (&ca["cash"], &cg["cash"]),
        (&json!("100000000.00"), &json!("80000000.00"))
    );
    assert_eq!(cg["invested"], "20000000.00");
    let no_loss = |paid_in: &str| {
        json!({ "realised_losses": "0.00", "paid_in": paid_in, "ratio": "0.000000",
                "threshold": "0.20", "limit": "20000000.00", "within": true })
    };
    assert_eq!(cg["loss_tolerance"], no_loss("100000000.00"));
    assert_eq!(ca["loss_tolerance"], no_loss("100000000.00"));

    // An external sub-fund S: at most 20% of its size, to the fen; never a guarantee.
    let facts = sub_fund(
        "苏州某某创业投资基金",
        "100000000.00",
        &[("苏州国发", "30000000.00"), ("元禾控股", "40000000.00")],
    );
    let ps = w.diligent(facts).await;
    let proposal = format!("/projects/{ps}/commitment-proposal");
    let mut guaranteed = propose("20000000.00");
    guaranteed["return_terms"] = json!({ "principal_guarantee": true });
    let refusals = [
        (guaranteed, "guarantee_prohibited"),
        (propose("20000000.01"), "sub_fund_share_exceeded"),
    ];
    for (body, code) in refusals {
        let r = w
            .app
            .refused(&g.manager, g.id, &proposal, body, (422, code))
            .await;
        assert!(r.json["rule"].as_str().unwrap().starts_with("SPEC §10"));
    }
    let company_proposal = json!({ "proposal": { "amount": "20000000.00",
        "post_money_cap_table": [], "instrument": "equity", "industry": "集成电路" },
        "price": "1.00", "on": "2024-02-01" });
    let suffix = format!("/projects/{ps}/proposal");
    let refused = (422, "wrong_target");
    w.app
        .refused(&g.manager, g.id, &suffix, company_proposal, refused)
        .await;
    w.on(&ps, "commitment-proposal", propose("20000000.00"))
        .await;
    let injection = w
        .signed(&ps, "20000000.00", "100000000.00", "50000000.00")
        .await;
    assert_eq!(injection["amount"], "10000000.00");
    w.moved(g, &format!("/projects/{ps}/injections"), injection)
        .await;

    // S invests in a local company and elsewhere: 10,000,000 of the 30,000,000 target.
    let reports = format!("/projects/{ps}/sub-fund-investments");
    for (company, city, amount) in [
        ("昆山芯片科技有限公司", "昆山", "10000000.00"),
        ("上海某某科技有限公司", "上海", "8000000.00"),
    ] {
        let body = json!({ "company": company, "city": city, "amount": amount,
                           "on": "2024-04-01" });
        let r = w.ok(g, &reports, body).await;
        assert_eq!(r["events"][0]["data"]["local"], city == "昆山");
    }
    let project = w.read(g, &format!("/projects/{ps}")).await;
    let keys = ["sub_fund_invested", "sub_fund_invested_locally"];
    assert_eq!(
        pick(&project, &keys),
        json!({ "sub_fund_invested": "18000000.00", "sub_fund_invested_locally": "10000000.00" })
    );
    let portfolio = w.read(g, "/portfolio").await;
    let in_s = find(&portfolio["investments"], "project_id", &json!(ps));
    assert_eq!(
        in_s["reinvestment"],
        json!({ "target": "30000000.00", "local": "10000000.00", "shortfall": "20000000.00",
                "behind": true })
    );

    // S written off after an exit plan: G has lost 10% of its paid-in, within 20%.
    let plan = w.passed(g, "exit", &ps, "0.00").await;
    let write_off = json!({ "proceeds": "0.00", "cost_released": "10000000.00",
                            "on": "2024-06-01", "resolution_id": plan });
    let r = w.on(&ps, "exits", write_off).await;
    assert_eq!(r["realised"], "-10000000.00");
    assert_eq!(
        w.capital(g).await["loss_tolerance"],
        json!({ "realised_losses": "10000000.00", "paid_in": "100000000.00",
                "ratio": "0.100000", "threshold": "0.20", "limit": "20000000.00",
                "within": true })
    );
    // A's side does not see G's loss.
    assert_eq!(
        w.capital(a).await["loss_tolerance"],
        no_loss("100000000.00")
    );
}

#[tokio::test]
async fn an_angel_fund_does_not_commit_to_sub_funds() {
    let app = common::spawn_app().await;
    let angel = app.establish("昆山市天使投资基金").await;
    let (manager, _) = app.fund_tokens(angel).await;
    let body = json!({ "sub_fund": { "name": "某子基金", "manager": "某管理人",
                                      "size": "100000000.00", "term_years": 8, "focus": "集成电路",
                                      "other_lps": [] },
                       "applied_on": "2022-01-10" });
    let r = app
        .refused(
            &manager,
            angel,
            "/sub-funds",
            body,
            (422, "sub_funds_for_guidance_funds"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 8");
}
