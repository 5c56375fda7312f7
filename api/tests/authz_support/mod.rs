//! The world the authorisation matrix is walked in: a fund with enough history that every
//! endpoint has something real to act on, built through the API by the principals the matrix
//! allows (so building it exercises the allowed commands, each recorded), a token of every
//! kind of caller bound to it, and the ids and bodies to call each endpoint with.

#![allow(
    dead_code,
    reason = "each test of the matrix uses a different part of the helpers"
)]
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod projects;
mod scenario;

pub use scenario::{build, close_a_wound_down_fund, establish, wound_down};

use crate::common::{TestApp, TestResponse};
use api::auth::Principal;
use api::authz::{Caller, Entry, FundParam};
use api::routes::Verb;
use chrono::NaiveDate;
use domain::{FundId, MemberId, ObserverId};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A fund, the tokens bound to it, and what the walk needs to call every endpoint on it.
pub struct Fund {
    /// The fund.
    pub id: Uuid,
    /// Today (China Standard Time), the day the history is built around.
    pub today: NaiveDate,
    /// A token of every kind of caller but the admin and anonymous, bound to this fund (the
    /// regulator and the authority cover it and no other).
    pub tokens: HashMap<Caller, String>,
    /// The committee: each seat's member and a token of theirs, seats 1 to 5.
    pub members: Vec<(Uuid, String)>,
    /// The LPs: the LP token's (tranche 1), a guidance fund (tranche 1, linked), one in
    /// tranche 2 only.
    pub lps: Vec<Uuid>,
    /// The value of each path parameter (`lp_id`, `call_id`, …); `fund_id` is [`Fund::id`].
    pub ids: HashMap<&'static str, String>,
    /// The last body each command (by path) was sent with successfully.
    pub bodies: HashMap<&'static str, Value>,
    /// The commands that succeeded, by path and kind of caller.
    pub exercised: HashSet<(&'static str, Caller)>,
    /// A capital call on which the LP token's LP has no line.
    pub call_without_lp: String,
    /// A report drafted and never filed: its kind and year.
    pub draft_only: (&'static str, i32),
    /// A covered member of the manager's staff on the exemption case.
    pub staff: Uuid,
}

impl Fund {
    fn new(id: Uuid, today: NaiveDate) -> Fund {
        Fund {
            id,
            today,
            tokens: HashMap::new(),
            members: Vec::new(),
            lps: Vec::new(),
            ids: HashMap::new(),
            bodies: HashMap::new(),
            exercised: HashSet::new(),
            call_without_lp: String::new(),
            draft_only: ("h2", 0),
            staff: Uuid::nil(),
        }
    }

    /// The token of `caller` on this fund (the admin's is the application's); `None` for
    /// anonymous.
    pub fn token(&self, app: &TestApp, caller: Caller) -> Option<String> {
        match caller {
            Caller::Admin => Some(app.admin.clone()),
            Caller::Anonymous => None,
            other => Some(self.tokens.get(&other).unwrap().clone()),
        }
    }

    /// `template` with its parameters: `overrides` first, then this fund's ids.
    pub fn fill(&self, template: &str, overrides: &[(&str, &str)]) -> String {
        template
            .split('/')
            .map(|segment| {
                let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                    return segment.to_owned();
                };
                if let Some((_, value)) = overrides.iter().find(|(n, _)| *n == name) {
                    return (*value).to_owned();
                }
                if name == "fund_id" {
                    return self.id.to_string();
                }
                self.ids
                    .get(name)
                    .unwrap_or_else(|| panic!("no {name} for {template}"))
                    .clone()
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The URL to call `entry` with on this fund.
    pub fn url(&self, entry: &Entry) -> String {
        let path = self.fill(entry.path, &[]);
        match entry.fund {
            FundParam::Query => format!("{path}?fund_id={}", self.id),
            _ => path,
        }
    }

    /// The body to send to `entry` (a command's last successful body; `{}` for a read).
    pub fn body(&self, entry: &Entry) -> Option<Value> {
        match entry.verb {
            Verb::Get => None,
            Verb::Post => Some(
                self.bodies
                    .get(entry.path)
                    .unwrap_or_else(|| panic!("no body for POST {}", entry.path))
                    .clone(),
            ),
        }
    }

    /// Sends a command to `template` as `caller` and asserts it succeeded (`201`, or `200`
    /// for what was already recorded) with a JSON object; records it as exercised.
    pub async fn post(
        &mut self,
        app: &TestApp,
        caller: Caller,
        template: &'static str,
        overrides: &[(&str, &str)],
        body: Value,
    ) -> Value {
        let url = self.fill(template, overrides);
        let token = self.token(app, caller).unwrap();
        let r = app.post_json(&url, &token, &body, &[]).await;
        assert!(
            r.status.is_success() && r.json.is_object(),
            "POST {url} by {}: {} {}",
            caller.name(),
            r.status,
            r.text
        );
        self.exercised.insert((template, caller));
        self.bodies.insert(template, body);
        r.json
    }

    /// Issues the tokens of the committee member of seat 1, the observer and the LP
    /// [`Fund::lps`]`[0]`, and of a regulator and an authority covering this fund only.
    pub async fn issue_tokens(&mut self, app: &TestApp, observer: Uuid) {
        let fund = FundId(self.id);
        let principals = [
            Principal::Member {
                fund,
                seat: 1,
                member: MemberId(self.members[0].0),
            },
            Principal::Observer {
                fund,
                observer: ObserverId(observer),
            },
            Principal::Lp {
                fund,
                lp: self.lps[0],
            },
            Principal::Regulator {
                agency: "昆山市金融监管局".into(),
                funds: vec![fund],
            },
            Principal::Authority {
                agency: "昆山市财政局".into(),
                funds: vec![fund],
            },
        ];
        for principal in principals {
            let token = app.token(&principal, None).await;
            self.tokens.insert(Caller::of(&principal), token);
        }
    }
}

/// Tokens of every kind of caller bound to `fund` (a committee member, an observer and an LP
/// of made-up ids; a regulator and an authority covering it only), for calling other funds.
pub async fn bound_tokens(app: &TestApp, fund: Uuid) -> Fund {
    let mut f = Fund::new(fund, chrono::Utc::now().date_naive());
    let (manager, custodian) = app.fund_tokens(fund).await;
    f.tokens.insert(Caller::Manager, manager);
    f.tokens.insert(Caller::Custodian, custodian);
    f.members.push((Uuid::now_v7(), String::new()));
    f.lps.push(Uuid::now_v7());
    f.issue_tokens(app, Uuid::now_v7()).await;
    f
}

/// Sends `verb url` with `token` (none: anonymous) and `body`.
pub async fn call(
    app: &TestApp,
    verb: Verb,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> TestResponse {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    app.send(verb.method(), url, token, bytes.as_deref(), &[])
        .await
}

/// Rows in `events` and in `access_log`.
pub async fn counts(app: &TestApp) -> (i64, i64) {
    let client = app.db.pool.get().await.unwrap();
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM access_log)",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// Sends the call and asserts it is refused with exactly `(status, code)` as problem+json,
/// writing no event and no access-log entry.
pub async fn assert_refused(
    app: &TestApp,
    (verb, url): (Verb, &str),
    token: Option<&str>,
    body: Option<&Value>,
    (status, code): (u16, &str),
    who: &str,
) {
    let before = counts(app).await;
    let r = call(app, verb, url, token, body).await;
    assert_eq!(
        r.status.as_u16(),
        status,
        "{} {url} by {who}: {}",
        verb.method(),
        r.text
    );
    r.assert_problem(status, code);
    assert_eq!(
        counts(app).await,
        before,
        "{} {url} by {who} was refused but recorded something",
        verb.method()
    );
}
