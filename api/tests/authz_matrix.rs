//! The authorisation matrix (`api::authz::matrix`) walked over HTTP, cell by cell: every
//! endpoint × every kind of caller (admin, manager, member, observer, custodian, lp,
//! regulator, authority, anonymous), on a fund with enough history that every endpoint has
//! something real to act on (`authz_support`).
//!
//! - Every allowed command succeeds with a valid body: the fund's history is built by the
//!   principals the table allows, each command by each of them at least once, in an order
//!   that makes sense (`POST …/closing` on another fund, wound down: a fund holding money
//!   cannot be closed). No command is checked only past authorisation.
//! - Every allowed read answers `200`.
//! - Every refusal on the caller's own fund is exactly its status and code, as problem+json,
//!   and records nothing: no event, no access-log entry.
//! - Every fund-scoped endpoint called with another fund's ids by a principal bound to one
//!   fund is `404 fund_not_found` and records nothing; lists show its own fund only.
//! - The scopes inside a fund hold: an LP's own lines, filed versions only, a member's own
//!   seat and person, the manager's own staff.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod authz_support;
mod common;

use api::auth::Principal;
use api::authz::{matrix, Access, Caller};
use api::routes::Verb;
use authz_support::{assert_refused, bound_tokens, build, call, establish};
use chrono::{Days, Utc};
use common::{spawn_app, spawn_app_with, TestApp};
use domain::{FundId, MemberId};
use serde_json::{json, Value};
use uuid::Uuid;

/// A guidance fund established long ago, for the walked fund's LP to be linked to.
async fn link_target(app: &TestApp) -> Uuid {
    let on = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(500))
        .unwrap();
    establish(app, "昆山市另一引导基金", on, json!({})).await
}

#[tokio::test]
async fn every_allowed_call_succeeds() {
    let nats = eventstore::testkit::nats().await;
    let app = spawn_app_with(|mut state| {
        state.nats = Some(nats);
        state
    })
    .await;
    let closed = authz_support::wound_down(&app, "昆山市已清算引导基金").await;
    let mut a = build(&app, "昆山市引导基金", closed).await;
    authz_support::close_a_wound_down_fund(&app, &mut a, closed).await;

    // Building the fund exercised every allowed command, and only allowed ones.
    let table = matrix();
    let mut missing = Vec::new();
    for entry in table.iter().filter(|e| e.verb == Verb::Post) {
        for caller in Caller::ALL {
            let allowed = matches!(entry.access(caller), Access::Allowed(_));
            if allowed && !a.exercised.contains(&(entry.path, caller)) {
                missing.push(format!("POST {} by {}", entry.path, caller.name()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "allowed but never exercised: {missing:#?}"
    );
    for (path, caller) in &a.exercised {
        let entry = table
            .iter()
            .find(|e| e.verb == Verb::Post && e.path == *path)
            .unwrap_or_else(|| panic!("POST {path} is not in the matrix"));
        assert!(
            matches!(entry.access(*caller), Access::Allowed(_)),
            "POST {path} succeeded for {}, which the matrix refuses",
            caller.name()
        );
    }

    // Every allowed read answers 200 with a body.
    app.catch_up().await;
    let mut reads = 0;
    for entry in table.iter().filter(|e| e.verb == Verb::Get) {
        for caller in Caller::ALL {
            if !matches!(entry.access(caller), Access::Allowed(_)) {
                continue;
            }
            let url = a.url(entry);
            let r = call(
                &app,
                Verb::Get,
                &url,
                a.token(&app, caller).as_deref(),
                None,
            )
            .await;
            assert_eq!(r.status, 200, "GET {url} by {}: {}", caller.name(), r.text);
            assert!(!r.text.is_empty(), "GET {url} by {}", caller.name());
            reads += 1;
        }
    }
    // At least the admin on every read.
    assert!(reads >= table.iter().filter(|e| e.verb == Verb::Get).count());
}

#[tokio::test]
async fn every_refusal_on_the_callers_own_fund_is_exact_and_records_nothing() {
    let app = spawn_app().await;
    let other = link_target(&app).await;
    let a = build(&app, "昆山市引导基金", other).await;
    let mut refusals = 0;
    for entry in matrix() {
        let url = a.url(&entry);
        let body = a.body(&entry);
        for caller in Caller::ALL {
            let Some(expected) = entry.access(caller).refusal() else {
                continue;
            };
            let token = a.token(&app, caller);
            let call = (entry.verb, url.as_str());
            assert_refused(
                &app,
                call,
                token.as_deref(),
                body.as_ref(),
                expected,
                caller.name(),
            )
            .await;
            if caller == Caller::Anonymous {
                // A token that is no token is no better than none.
                let forged = Some("fa_00000000000000000000000000000000_00");
                assert_refused(
                    &app,
                    call,
                    forged,
                    body.as_ref(),
                    expected,
                    "a forged token",
                )
                .await;
            }
            refusals += 1;
        }
    }
    // At least the anonymous caller of every endpoint but the four public ones.
    assert!(
        refusals >= matrix().len() - 4,
        "only {refusals} refusals walked"
    );
}

#[tokio::test]
async fn a_principal_of_one_fund_is_refused_everywhere_on_another() {
    let app = spawn_app().await;
    let ours = link_target(&app).await;
    let theirs = build(&app, "昆山市别家引导基金", ours).await;
    let we = bound_tokens(&app, ours).await;
    app.catch_up().await;
    let mut refusals = 0;
    for entry in matrix() {
        let url = theirs.url(&entry);
        let body = theirs.body(&entry);
        for caller in Caller::ALL {
            if caller == Caller::Admin {
                continue; // bound to no fund: every fund is its own
            }
            let Some(access) = entry.other_fund(caller) else {
                continue;
            };
            let expected = access.refusal().unwrap();
            let token = we.token(&app, caller);
            let who = format!("{} of another fund", caller.name());
            let call = (entry.verb, url.as_str());
            assert_refused(&app, call, token.as_deref(), body.as_ref(), expected, &who).await;
            refusals += 1;
        }
    }
    let scoped = matrix()
        .iter()
        .filter(|e| e.other_fund(Caller::Lp).is_some())
        .count();
    assert_eq!(
        refusals,
        scoped * 8,
        "eight kinds of caller on every fund-scoped endpoint"
    );

    // The lists show the caller's own fund only.
    for caller in Caller::ALL.into_iter().filter(|c| *c != Caller::Admin) {
        let Some(token) = we.token(&app, caller) else {
            continue;
        };
        let r = app.get("/funds", &token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let funds: Vec<&Value> = items(&r.json).iter().map(|f| &f["fund_id"]).collect();
        assert_eq!(funds, [&json!(ours)], "GET /funds by {}", caller.name());
        let r = app.get("/reports", &token).await;
        if r.status == 200 {
            assert!(items(&r.json).is_empty(), "{}: {}", caller.name(), r.text);
        } else {
            r.assert_problem(403, "forbidden");
        }
    }
    let r = app.get("/reports", &app.admin).await;
    assert!(
        !items(&r.json).is_empty(),
        "the admin sees the other fund's reports"
    );

    // Its own fund in the path and the other fund's ids: as if they did not exist.
    let mut mixed = 0;
    for entry in matrix() {
        let foreign: Vec<(&str, &str)> = FOREIGN
            .iter()
            .filter(|(param, _)| entry.path.contains(&format!("{{{param}}}")))
            .map(|(param, code)| (*param, *code))
            .collect();
        let Some(&(_, code)) = foreign.first() else {
            continue;
        };
        let caller = Caller::ALL
            .into_iter()
            .find(|c| *c != Caller::Admin && matches!(entry.access(*c), Access::Allowed(_)))
            .unwrap();
        let ids: Vec<(&str, &str)> = foreign
            .iter()
            .map(|(param, _)| (*param, theirs.ids[param].as_str()))
            .collect();
        let url = we.fill(entry.path, &ids);
        let token = we.token(&app, caller);
        let who = format!("{} of the path's fund", caller.name());
        let call = (entry.verb, url.as_str());
        let (status, body) = if entry.path.ends_with("/link") {
            // Their LP, linked to their fund (linking to one's own fund is refused first).
            (422, Some(json!({ "fund_id": theirs.id })))
        } else {
            (404, theirs.body(&entry))
        };
        assert_refused(
            &app,
            call,
            token.as_deref(),
            body.as_ref(),
            (status, code),
            &who,
        )
        .await;
        mixed += 1;
    }
    assert!(
        mixed >= 30,
        "only {mixed} endpoints walked with another fund's ids"
    );
}

/// The path parameters naming a fund's own resources, and the code of one not found in it.
const FOREIGN: [(&str, &str); 7] = [
    ("lp_id", "lp_not_found"),
    ("call_id", "call_not_found"),
    ("distribution_id", "distribution_not_found"),
    ("movement_id", "movement_not_found"),
    ("resolution_id", "resolution_not_found"),
    ("project_id", "project_not_found"),
    ("case_id", "case_not_found"),
];

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

#[tokio::test]
async fn scoped_principals_reach_only_their_part_of_their_fund() {
    let app = spawn_app().await;
    let other = link_target(&app).await;
    let a = build(&app, "昆山市引导基金", other).await;
    app.catch_up().await;
    let fund = format!("/funds/{}", a.id);
    let not_found = |code| (404, code);

    // An LP: its own account and lines.
    let lp = a.token(&app, Caller::Lp).unwrap();
    let own = json!(a.lps[0]);
    let r = app.get(&format!("{fund}/lps"), &lp).await;
    let lines: Vec<&Value> = items(&r.json).iter().map(|l| &l["lp_id"]).collect();
    assert_eq!(lines, [&own], "{}", r.text);
    for call in items(&app.get(&format!("{fund}/calls"), &lp).await.json) {
        assert_eq!(call["allocations"].as_array().unwrap().len(), 1, "{call}");
        assert_eq!(call["allocations"][0]["lp_id"], own, "{call}");
    }
    for m in items(&app.get(&format!("{fund}/movements"), &lp).await.json) {
        assert_eq!(m["lp_id"], own, "{m}");
    }
    let d = a.fill("/funds/{fund_id}/distributions/{distribution_id}", &[]);
    let d = app.get(&d, &lp).await;
    assert_eq!(
        d.json["allocations"].as_array().unwrap().len(),
        1,
        "{}",
        d.text
    );
    let another_lp = format!("{fund}/lps/{}", a.lps[1]);
    let code = not_found("lp_not_found");
    assert_refused(&app, (Verb::Get, &another_lp), Some(&lp), None, code, "lp").await;
    let call_url = format!("{fund}/calls/{}", a.call_without_lp);
    let code = not_found("call_not_found");
    assert_refused(&app, (Verb::Get, &call_url), Some(&lp), None, code, "lp").await;

    // An LP: filed versions only.
    let (kind, year) = a.draft_only;
    let draft = format!("{fund}/reports/{kind}/{year}");
    let code = not_found("report_not_found");
    assert_refused(&app, (Verb::Get, &draft), Some(&lp), None, code, "lp").await;
    for suffix in ["/versions/1", "/versions/1/verification"] {
        let url = format!("{draft}{suffix}");
        let code = not_found("report_version_not_found");
        assert_refused(&app, (Verb::Get, &url), Some(&lp), None, code, "lp").await;
        let r = app
            .get(&url, &a.token(&app, Caller::Manager).unwrap())
            .await;
        assert_eq!(r.status, 200, "the manager reads the draft: {}", r.text);
    }
    let listed = app.get(&format!("{fund}/reports"), &lp).await;
    let kinds: Vec<&Value> = items(&listed.json).iter().map(|r| &r["kind"]).collect();
    assert_eq!(kinds, [&json!("annual")], "{}", listed.text);

    // A member: its own seat, its own person.
    let manager = a.token(&app, Caller::Manager).unwrap();
    let body = json!({ "subject": { "kind": "other", "title": "议题", "reference": "议题-2" },
                       "amount": "0.00", "mode": "written", "deadline": "2099-01-01T00:00:00Z" });
    let r = app.ok(&manager, a.id, "/resolutions", body).await;
    let open = r.json["resolution_id"].clone();
    app.catch_up().await;
    let member = a.token(&app, Caller::Member).unwrap();
    let inbox = app.get("/me/resolutions", &member).await;
    let ids: Vec<&Value> = items(&inbox.json)
        .iter()
        .map(|r| &r["resolution_id"])
        .collect();
    assert_eq!(ids, [&open], "{}", inbox.text);
    // A token naming seat 2 for the person of seat 1: that person does not hold seat 2.
    let impostor = Principal::Member {
        fund: FundId(a.id),
        seat: 2,
        member: MemberId(a.members[0].0),
    };
    let impostor = app.token(&impostor, None).await;
    let inbox = app.get("/me/resolutions", &impostor).await;
    assert!(items(&inbox.json).is_empty(), "{}", inbox.text);
    let votes = format!("{fund}/resolutions/{}/votes", open.as_str().unwrap());
    let vote = json!({ "choice": "approve" });
    let forbidden = (403, "forbidden");
    let as_impostor = Some(impostor.as_str());
    assert_refused(
        &app,
        (Verb::Post, &votes),
        as_impostor,
        Some(&vote),
        forbidden,
        "seat 2",
    )
    .await;

    // Attestations: a member for itself, the manager for its staff.
    let attest = a.fill(
        "/funds/{fund_id}/exemption-cases/{case_id}/attestations",
        &[],
    );
    let sign = |person: Uuid| {
        json!({ "person_id": person, "no_personal_gain": true, "no_violation_of_law": true,
                "statement": "本人未谋取个人利益", "signed_on": a.today })
    };
    let seat2 = Some(a.members[1].1.as_str());
    for (token, person, who) in [
        (Some(member.as_str()), a.staff, "member for the staff"),
        (seat2, a.members[0].0, "member for another member"),
        (
            Some(manager.as_str()),
            a.members[0].0,
            "manager for a member",
        ),
    ] {
        let body = sign(person);
        assert_refused(
            &app,
            (Verb::Post, &attest),
            token,
            Some(&body),
            forbidden,
            who,
        )
        .await;
    }
}
