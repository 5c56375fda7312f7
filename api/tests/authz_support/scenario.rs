//! The history of a walked fund, built through the API at today's dates (committee votes are
//! dated by the clock, and a decision follows its resolution): a guidance fund established 400
//! days ago with two tranches, three LPs, two calls, payments confirmed by the custodian, an LP
//! linked to another guidance fund, last year's fee, a distribution, an extension, its
//! committee and an observer, an on-site meeting, a company project taken from application to
//! a write-off (so an exemption case can be opened, evaluated, attested and determined), a
//! project rejected and one withdrawn, a sub-fund committed to, and last year's reports
//! drafted, the annual one filed.

use super::projects::{closed_projects, sub_fund, written_off};
use super::Fund;
use crate::common::{fund_body, TestApp};
use api::authz::Caller::{self, Authority, Custodian, Manager, Member, Observer};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::{json, Value};
use uuid::Uuid;

/// `n` days before `today`, as JSON.
pub(super) fn ago(today: NaiveDate, n: u64) -> Value {
    json!(today.checked_sub_days(Days::new(n)).unwrap())
}

/// Today in China Standard Time, as the server counts it.
fn china_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::TimeDelta::hours(8)).date_naive()
}

/// Establishes a guidance fund as the admin; its id.
pub async fn establish(app: &TestApp, name: &str, on: NaiveDate, policy: Value) -> Uuid {
    let mut body = fund_body(name);
    body["kind"] = json!("guidance");
    body["establishment_date"] = json!(on);
    body["policy"] = policy;
    let r = app.post_fund(&app.admin, &body, &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json["fund_id"].as_str().unwrap().parse().unwrap()
}

/// A guidance fund whose term ended before today and which holds nothing: its manager closes
/// it today (a fund with money cannot be closed before it is wound down), which exercises
/// `POST …/closing` for `f`'s matrix. It may be linked to before.
pub async fn close_a_wound_down_fund(app: &TestApp, f: &mut Fund, other: Uuid) {
    let (manager, _) = app.fund_tokens(other).await;
    let body = json!({ "closed_on": f.today });
    app.ok(&manager, other, "/closing", body.clone()).await;
    f.exercised.insert(("/funds/{fund_id}/closing", Manager));
    f.bodies.insert("/funds/{fund_id}/closing", body);
}

/// A fund for [`close_a_wound_down_fund`]: established 800 days ago, a year of investment and
/// a year of exit, nothing subscribed.
pub async fn wound_down(app: &TestApp, name: &str) -> Uuid {
    let on = china_today().checked_sub_days(Days::new(800)).unwrap();
    establish(
        app,
        name,
        on,
        json!({ "investment_months": 12, "exit_months": 12 }),
    )
    .await
}

/// The walked fund, named `name`, its guidance-fund LP linked to the fund `link_to`.
pub async fn build(app: &TestApp, name: &str, link_to: Uuid) -> Fund {
    let today = china_today();
    let day = |n: u64| json!(today.checked_sub_days(Days::new(n)).unwrap());
    let last_year = today.year() - 1;
    let mut body = fund_body(name);
    body["kind"] = json!("guidance");
    body["establishment_date"] = day(400);
    body["policy"] = json!({ "eligibility": { "industries": ["集成电路"] } });
    let r = app.post_fund(&app.admin, &body, &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut f = Fund::new(r.json["fund_id"].as_str().unwrap().parse().unwrap(), today);
    f.exercised.insert(("/funds", Caller::Admin));
    f.bodies.insert("/funds", body);
    let (manager, custodian) = app.fund_tokens(f.id).await;
    f.tokens.insert(Manager, manager);
    f.tokens.insert(Custodian, custodian);

    capital(app, &mut f, link_to, last_year).await;
    let observer = committee(app, &mut f).await;
    f.issue_tokens(app, observer).await;
    meeting(app, &mut f, observer).await;
    let project = written_off(app, &mut f).await;
    closed_projects(app, &mut f).await;
    sub_fund(app, &mut f).await;
    exemption(app, &mut f, &project).await;
    reports(app, &mut f, last_year).await;
    // Closing is exercised on a wound-down fund (`close_a_wound_down_fund`); this is a valid
    // body for it, to be refused with.
    let closing = json!({ "closed_on": today });
    f.bodies.insert("/funds/{fund_id}/closing", closing);
    f
}

/// Instructed by the manager, confirmed by the custodian on the value date.
pub(super) async fn pay(
    app: &TestApp,
    f: &mut Fund,
    template: &'static str,
    o: &[(&str, &str)],
    b: Value,
) {
    let on = b["value_date"].clone();
    let m = f.post(app, Manager, template, o, b).await;
    let id = m["movement_id"].as_str().unwrap().to_owned();
    let confirm = "/funds/{fund_id}/movements/{movement_id}/confirmation";
    let body = json!({ "executed_on": on });
    f.post(app, Custodian, confirm, &[("movement_id", &id)], body)
        .await;
    f.ids.insert("movement_id", id);
}

async fn capital(app: &TestApp, f: &mut Fund, link_to: Uuid, last_year: i32) {
    let today = f.today;
    let day = |n: u64| ago(today, n);
    let (d400, d390, d380, d370, d300) = (day(400), day(390), day(380), day(370), day(300));
    let tranches = "/funds/{fund_id}/tranches";
    let tranche = json!({ "number": 1, "size": "100000000.00", "subscription_date": d400 });
    f.post(app, Manager, tranches, &[], tranche).await;
    let subscribe = "/funds/{fund_id}/subscriptions";
    for (tranche, name, kind, amount) in [
        (1, "昆山国创投资集团", "state_owned", "60000000.00"),
        (1, "昆山市政府引导基金", "guidance_fund", "40000000.00"),
        (2, "昆山高新创业投资有限公司", "other", "10000000.00"),
    ] {
        if tranche == 2 && f.lps.len() == 2 {
            let body = json!({ "number": 2, "size": "10000000.00",
                               "subscription_date": d300.clone() });
            f.post(app, Manager, tranches, &[], body).await;
        }
        let body = json!({ "tranche": tranche, "lp_name": name, "lp_kind": kind,
                           "amount": amount });
        let r = f.post(app, Manager, subscribe, &[], body).await;
        f.lps.push(r["lp_id"].as_str().unwrap().parse().unwrap());
    }
    f.ids.insert("lp_id", f.lps[0].to_string());
    let calls = "/funds/{fund_id}/capital-calls";
    let call = json!({ "tranches": [2], "amount": "5000000.00", "called_on": d300,
                       "due_on": day(290) });
    let r = f.post(app, Manager, calls, &[], call).await;
    f.call_without_lp = r["call_id"].as_str().unwrap().to_owned();
    let call = json!({ "tranches": [1], "amount": "100000000.00", "called_on": d390,
                       "due_on": d370 });
    let call = f.post(app, Manager, calls, &[], call).await["call_id"].clone();
    f.ids.insert("call_id", call.as_str().unwrap().to_owned());
    for (lp, amount) in [(f.lps[0], "60000000.00"), (f.lps[1], "40000000.00")] {
        let body = json!({ "kind": "lp_payment", "call_id": call, "lp_id": lp,
                           "amount": amount, "value_date": d380.clone() });
        pay(app, f, "/funds/{fund_id}/movements", &[], body).await;
    }
    let link = "/funds/{fund_id}/lps/{lp_id}/link";
    let linked = f.lps[1].to_string();
    let body = json!({ "fund_id": link_to });
    f.post(app, Manager, link, &[("lp_id", &linked)], body)
        .await;
    let fee = json!({ "year": last_year });
    f.post(app, Manager, "/funds/{fund_id}/fee-assessments", &[], fee)
        .await;
    f.ids.insert("year", last_year.to_string());
    let distribution = json!({ "amount": "1000000.00", "declared_on": day(5) });
    let r = f
        .post(
            app,
            Manager,
            "/funds/{fund_id}/distributions",
            &[],
            distribution,
        )
        .await;
    let id = r["distribution_id"].as_str().unwrap().to_owned();
    f.ids.insert("distribution_id", id);
    let extension = json!({ "months": 12, "resolution_ref": "合伙人大会决议〔2026〕1号",
                            "resolved_on": day(3), "government_approval_ref": "昆财批〔2026〕1号" });
    f.post(app, Manager, "/funds/{fund_id}/extensions", &[], extension)
        .await;
}

/// Seats 1 to 5 and an observer; the observer.
async fn committee(app: &TestApp, f: &mut Fund) -> Uuid {
    let appointed_on = ago(f.today, 400);
    for seat in 1..=5 {
        let template = "/funds/{fund_id}/committee/seats/{seat}/appointment";
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": appointed_on });
        let seat_id = seat.to_string();
        let r = f
            .post(app, Manager, template, &[("seat", &seat_id)], body)
            .await;
        let member: Uuid = r["person_id"].as_str().unwrap().parse().unwrap();
        let principal = api::auth::Principal::Member {
            fund: domain::FundId(f.id),
            seat,
            member: domain::MemberId(member),
        };
        f.members.push((member, app.token(&principal, None).await));
    }
    f.ids.insert("seat", "1".to_owned());
    f.ids.insert("member_id", f.members[0].0.to_string());
    let observers = "/funds/{fund_id}/committee/observers";
    let body = json!({ "name": "观察员", "body": "昆山开发区" });
    let r = f.post(app, Manager, observers, &[], body).await;
    r["person_id"].as_str().unwrap().parse().unwrap()
}

/// An on-site meeting: convened, attended by seat 1 and the observer, opened; seat 1 votes,
/// the observer comments, and it closes without the quorum.
async fn meeting(app: &TestApp, f: &mut Fund, observer: Uuid) {
    let body = json!({ "subject": { "kind": "other", "title": "年度投资计划",
                                    "reference": "计划-1" },
                       "amount": "0.00", "mode": "on_site", "deadline": "2099-01-01T00:00:00Z" });
    let r = f
        .post(app, Manager, "/funds/{fund_id}/resolutions", &[], body)
        .await;
    let id = r["resolution_id"].as_str().unwrap().to_owned();
    f.ids.insert("resolution_id", id);
    let meeting = json!({ "meets_at": "2098-06-20T02:00:00Z", "place": "昆山市科创大厦" });
    f.post(
        app,
        Manager,
        "/funds/{fund_id}/resolutions/{resolution_id}/meeting",
        &[],
        meeting,
    )
    .await;
    let attendance = "/funds/{fund_id}/resolutions/{resolution_id}/attendance";
    for body in [json!({ "seat": 1 }), json!({ "observer_id": observer })] {
        f.post(app, Manager, attendance, &[], body).await;
    }
    let opening = "/funds/{fund_id}/resolutions/{resolution_id}/meeting/opening";
    f.post(app, Manager, opening, &[], json!({})).await;
    let vote = json!({ "choice": "approve", "reason": "同意" });
    f.post(
        app,
        Member,
        "/funds/{fund_id}/resolutions/{resolution_id}/votes",
        &[],
        vote,
    )
    .await;
    let comment = json!({ "text": "建议关注知识产权归属" });
    let comments = "/funds/{fund_id}/resolutions/{resolution_id}/comments";
    f.post(app, Observer, comments, &[], comment).await;
    let closing = "/funds/{fund_id}/resolutions/{resolution_id}/meeting/closing";
    let r = f.post(app, Manager, closing, &[], json!({})).await;
    assert_eq!(r["status"], "failed", "{r}");
}

/// The case of the written-off project: opened, evaluated, attested by the manager for its
/// staff and by the member of seat 1 for itself, determined (not granted) by the authority.
async fn exemption(app: &TestApp, f: &mut Fund, project: &str) {
    f.staff = Uuid::now_v7();
    let (staff, member, today) = (f.staff, f.members[0].0, f.today);
    let open = json!({ "project_id": project, "opened_on": today, "covered": [
        { "person_id": staff, "name": "张伟", "role": "manager_staff", "part": "项目负责人" },
        { "person_id": member, "name": "委员1", "role": "committee_member", "part": "投资决策" }] });
    let r = f
        .post(app, Manager, "/funds/{fund_id}/exemption-cases", &[], open)
        .await;
    let case = r["case_id"].as_str().unwrap().to_owned();
    f.ids.insert("case_id", case);
    let at = "/funds/{fund_id}/exemption-cases/{case_id}/evaluation";
    f.post(app, Manager, at, &[], json!({})).await;
    let attestations = "/funds/{fund_id}/exemption-cases/{case_id}/attestations";
    for (caller, person) in [(Manager, staff), (Member, member)] {
        let body = json!({ "person_id": person, "no_personal_gain": true,
                           "no_violation_of_law": true, "statement": "本人未谋取个人利益",
                           "signed_on": today });
        f.post(app, caller, attestations, &[], body).await;
    }
    let determination = "/funds/{fund_id}/exemption-cases/{case_id}/determination";
    let body = json!({ "granted": false, "reference": "昆财免〔2026〕1号", "on": today });
    f.post(app, Authority, determination, &[], body).await;
}

/// Last year's annual report drafted and filed, its second half drafted only.
async fn reports(app: &TestApp, f: &mut Fund, last_year: i32) {
    let draft = "/funds/{fund_id}/reports";
    let body = json!({ "kind": "annual", "year": last_year });
    let r = f.post(app, Manager, draft, &[], body).await;
    let sha = r["sha256"].as_str().unwrap().to_owned();
    let version = r["version"].to_string();
    f.ids.insert("kind", "annual".to_owned());
    f.ids.insert("version", version);
    let filing = "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/filing";
    f.post(app, Manager, filing, &[], json!({ "sha256": sha }))
        .await;
    let body = json!({ "kind": "h2", "year": last_year });
    f.post(app, Manager, draft, &[], body).await;
    f.draft_only = ("h2", last_year);
}
