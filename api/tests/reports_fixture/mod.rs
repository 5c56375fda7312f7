//! The fund the report tests share: its history through the API, and helpers to draft, file
//! and read its reports.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use crate::common::{fund_body, spawn_app, TestApp, TestResponse};
use api::auth::Principal;
use chrono::NaiveDate;
use domain::FundId;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

pub fn pin(app: &mut TestApp, today: &str) {
    let today: NaiveDate = today.parse().unwrap();
    app.state.clock = Arc::new(move || today);
}

/// A fund established on 2 January 2024 whose first tranche (50,000,000: LP A 30,000,000 and
/// LP B 20,000,000) is called in February; A pays in full, B 15,000,000 of its 20,000,000.
/// Today is pinned to 5 July 2024: H1 2024 has ended, its report is due on 30 July.
pub struct Fixture {
    pub app: TestApp,
    pub fund: Uuid,
    pub manager: String,
    pub custodian: String,
    pub lps: [String; 2],
    pub call: String,
}

impl Fixture {
    pub async fn new() -> Fixture {
        let mut app = spawn_app().await;
        pin(&mut app, "2024-07-05");
        let mut body = fund_body("昆山市天使投资基金");
        body["establishment_date"] = json!("2024-01-02");
        let r = app.post_fund(&app.admin, &body, &[]).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let fund: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
        let (manager, custodian) = app.fund_tokens(fund).await;
        let tranche =
            json!({ "number": 1, "size": "50000000.00", "subscription_date": "2024-01-02" });
        app.ok(&manager, fund, "/tranches", tranche).await;
        let mut lps = Vec::new();
        for (name, amount) in [("昆山国投", "30000000.00"), ("昆山引导基金", "20000000.00")]
        {
            let body = json!({ "tranche": 1, "lp_name": name, "lp_kind": "state_owned",
                               "amount": amount });
            let r = app.ok(&manager, fund, "/subscriptions", body).await;
            lps.push(r.json["lp_id"].as_str().unwrap().to_owned());
        }
        let call = json!({ "tranches": [1], "amount": "50000000.00", "called_on": "2024-02-01",
                           "due_on": "2024-03-01" });
        let call = app.ok(&manager, fund, "/capital-calls", call).await.json["call_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let f = Fixture {
            app,
            fund,
            manager,
            custodian,
            lps: [lps[0].clone(), lps[1].clone()],
            call,
        };
        f.pay(0, "30000000.00", "2024-02-20").await;
        f.pay(1, "15000000.00", "2024-02-25").await;
        f
    }

    /// LP `lp` pays `amount` of the call, instructed by the manager and confirmed by the
    /// custodian, both effective `on`.
    pub async fn pay(&self, lp: usize, amount: &str, on: &str) {
        let movement = json!({ "kind": "lp_payment", "call_id": self.call, "lp_id": self.lps[lp],
                               "amount": amount, "value_date": on });
        let r = self
            .app
            .ok(&self.manager, self.fund, "/movements", movement)
            .await;
        let id = r.json["movement_id"].as_str().unwrap();
        let suffix = format!("/movements/{id}/confirmation");
        self.app
            .ok(
                &self.custodian,
                self.fund,
                &suffix,
                json!({ "executed_on": on }),
            )
            .await;
    }

    /// `/funds/{fund}/reports{suffix}`.
    pub fn path(&self, suffix: &str) -> String {
        format!("/funds/{}/reports{suffix}", self.fund)
    }

    /// `/funds/{fund}/reports/h1/2024/versions/{version}{suffix}`.
    pub fn version(&self, version: u32, suffix: &str) -> String {
        self.path(&format!("/h1/2024/versions/{version}{suffix}"))
    }

    /// The manager drafts the report of `kind` `year` now: from every event committed before
    /// (the draft's snapshot sees them, whatever other transactions are open in the cluster).
    pub async fn draft(&self, kind: &str, year: i32) -> TestResponse {
        self.app
            .post_json(
                &self.path(""),
                &self.manager,
                &json!({ "kind": kind, "year": year }),
                &[],
            )
            .await
    }

    /// The manager files `version` of H1 2024 under `sha256`.
    pub async fn file(&self, version: u32, sha256: &str) -> TestResponse {
        self.app
            .post_json(
                &self.version(version, "/filing"),
                &self.manager,
                &json!({ "sha256": sha256 }),
                &[],
            )
            .await
    }

    /// `GET path` as `token` once the read models are up to date, asserting `200`.
    pub async fn read(&self, path: &str, token: &str) -> Value {
        self.app.catch_up().await;
        let r = self.app.get(path, token).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.json
    }

    /// Drafts H1 2024 (version 1) and files it; returns its sha256 and canonical bytes.
    pub async fn filed_h1(&self) -> (String, String) {
        let r = self.draft("h1", 2024).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let sha = r.json["sha256"].as_str().unwrap().to_owned();
        let r = self.file(1, &sha).await;
        assert_eq!(r.status, 201, "{}", r.text);
        self.app.catch_up().await;
        let doc = self.app.get(&self.version(1, ""), &self.manager).await;
        assert_eq!(doc.status, 200, "{}", doc.text);
        (sha, doc.text)
    }

    pub async fn lp_token(&self, lp: usize) -> String {
        let principal = Principal::Lp {
            fund: FundId(self.fund),
            lp: self.lps[lp].parse().unwrap(),
        };
        self.app.token(&principal, None).await
    }

    pub async fn regulator_token(&self, funds: &[Uuid]) -> String {
        let principal = Principal::Regulator {
            agency: "昆山市金融监管局".into(),
            funds: funds.iter().copied().map(FundId).collect(),
        };
        self.app.token(&principal, None).await
    }
}

/// The LP line of `lp` in a document's `lps`.
pub fn lp_line<'a>(doc: &'a Value, lp: &str) -> &'a Value {
    doc["lps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lp"] == lp)
        .unwrap()
}

pub fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().unwrap()
}
