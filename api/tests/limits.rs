//! Input limits across the API (docs/API.md, "Conventions", "Limits"): each bad input is
//! answered with its status and stable problem+json `code` and writes no event, and the
//! boundary next to it is still accepted. Each table runs to the end and reports every
//! mismatch together.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use axum::http::Method;
use common::{fund_body, spawn_app, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

/// What a case must get.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A problem with this status and code, and no event written.
    Refused(u16, &'static str),
    /// This success status.
    Accepted(u16),
}
use Expect::{Accepted, Refused};

const BAD: Expect = Refused(422, "invalid_request");
const BAD_QUERY: Expect = Refused(400, "invalid_query");
const BAD_PATH: Expect = Refused(400, "invalid_path");
const CREATED: Expect = Accepted(201);
const OK: Expect = Accepted(200);

/// A request — `POST path` with the body, or `GET path` without one — named, and what it
/// must get.
struct Case(String, String, Option<Value>, Expect);

fn post(what: impl Into<String>, path: &str, body: Value, expect: Expect) -> Case {
    Case(what.into(), path.to_owned(), Some(body), expect)
}

fn get(what: &str, path: String, expect: Expect) -> Case {
    Case(what.to_owned(), path, None, expect)
}

/// Sends every case with `token` and fails naming each one that got something else.
async fn check(app: &TestApp, token: &str, cases: Vec<Case>) {
    let mut wrong = Vec::new();
    for Case(what, path, body, expect) in cases {
        let before = app.event_count().await;
        let r = match &body {
            Some(body) => {
                let bytes = serde_json::to_vec(body).unwrap();
                app.send(Method::POST, &path, Some(token), Some(&bytes), &[])
                    .await
            }
            None => app.get(&path, token).await,
        };
        let written = app.event_count().await - before;
        let problem = r.header("content-type") == Some("application/problem+json");
        let ok = match expect {
            Refused(status, code) => {
                r.status.as_u16() == status && problem && r.json["code"] == code && written == 0
            }
            Accepted(status) => r.status.as_u16() == status && !problem,
        };
        if !ok {
            let got = (r.status, &r.json["code"]);
            wrong.push(format!(
                "{what}: expected {expect:?}, got {got:?} ({written} events written)"
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// An angel fund as `fund_body` has it, and its manager's token.
async fn angel(app: &TestApp) -> (Uuid, String) {
    let fund = app.establish("昆山市天使投资基金").await;
    let (manager, _) = app.fund_tokens(fund).await;
    (fund, manager)
}

/// `fund_body` with `field` set to `value`.
fn fund_with(field: &str, value: Value) -> Value {
    let mut body = fund_body("X");
    body[field] = value;
    body
}

/// `fund_body` with a `policy`.
fn fund_policy(policy: Value) -> Value {
    fund_with("policy", policy)
}

/// A company's application with `field` of the body set to `value`.
fn apply(field: &str, value: Value) -> Value {
    let mut body = json!({
        "company": "昆山芯片科技有限公司",
        "facts": { "registered_city": "昆山", "operating_city": "昆山",
                   "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
                   "business_model_company": false, "alternative_qualifications": [],
                   "staff": 120, "rd_staff": 30, "clear_ownership": true,
                   "subsidiary_of_large_group": false, "annual_revenue": "8000000.00",
                   "net_assets": "5000000.00", "rd_spending": "1200000.00",
                   "founded_on": "2021-05-01" },
        "applied_on": "2024-03-01" });
    body[field] = value;
    body
}

/// An application with `field` of its facts set to `value`.
fn facts(field: &str, value: Value) -> Value {
    let mut body = apply("company", json!("昆山芯片科技有限公司"));
    body["facts"][field] = value;
    body
}

/// A tranche `number` of `size` subscribed on `date`.
fn tranche(number: Value, size: &str, date: &str) -> Value {
    json!({ "number": number, "size": size, "subscription_date": date })
}

/// `n` times the character 字.
fn chars(n: usize) -> Value {
    json!("字".repeat(n))
}

#[tokio::test]
async fn the_body_cap_is_64_kib_and_unknown_fields_are_refused() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    // Exactly the cap (JSON allows the padding) is read; one byte more is not.
    let body = fund_body("Padded").to_string();
    let exact = format!("{body}{}", " ".repeat(64 * 1024 - body.len()));
    let admin = Some(app.admin.as_str());
    let r = app
        .send(Method::POST, "/funds", admin, Some(exact.as_bytes()), &[])
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let over = format!("{exact} ");
    let before = app.event_count().await;
    let r = app
        .send(Method::POST, "/funds", admin, Some(over.as_bytes()), &[])
        .await;
    r.assert_problem(413, "payload_too_large");
    assert_eq!(app.event_count().await, before);

    let quorum = fund_policy(json!({ "committee": { "quorum": 3 } }));
    #[rustfmt::skip]
    let cases = vec![
        post("top-level field", "/funds", fund_with("currency", json!("CNY")), BAD),
        post("policy field", "/funds", quorum, BAD),
    ];
    check(&app, &app.admin, cases).await;

    let proposal = |field: &str, value: Value| {
        let mut p = json!({ "amount": "3000000.00", "instrument": "equity",
                            "industry": "集成电路", "post_money_cap_table": [] });
        p[field] = value;
        json!({ "proposal": p, "price": "1.50", "on": "2024-07-01" })
    };
    let row = json!([{ "name": "基金", "stake": "0.10", "is_fund": true, "votes": 1 }]);
    let projects = format!("/funds/{fund}/projects");
    let propose = format!("{projects}/{}/proposal", Uuid::now_v7());
    #[rustfmt::skip]
    let cases = vec![
        post("facts field", &projects, facts("website", json!("x.cn")), BAD),
        post("proposal field", &propose, proposal("discount", json!("0.1")), BAD),
        post("cap-table row field", &propose, proposal("post_money_cap_table", row), BAD),
    ];
    check(&app, &manager, cases).await;
}

#[tokio::test]
async fn dates_are_yyyy_mm_dd_from_1900_to_9999() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    let date = |d: &str| fund_with("establishment_date", json!(d));
    #[rustfmt::skip]
    let mut cases: Vec<Case> = [
        "+12000-01-01", "-0001-01-01", "12000-01-01", "+2021-09-01", "2021-9-1", "1899-12-31",
        " 2021-09-01", "2021-09-01T00:00:00Z",
    ]
    .map(|bad| post(format!("establishment_date {bad:?}"), "/funds", date(bad), BAD))
    .into();
    cases.push(post(
        "establishment_date 1900",
        "/funds",
        date("1900-01-01"),
        CREATED,
    ));
    check(&app, &app.admin, cases).await;
    app.catch_up().await;

    let f = format!("/funds/{fund}");
    let (tranches, projects) = (format!("{f}/tranches"), format!("{f}/projects"));
    let reports = format!("{projects}/{}/reports", Uuid::now_v7());
    let report = json!({
        "report": { "period": "2024-H1", "revenue": "0.00", "net_assets": "0.00", "staff": 1,
                    "rd_staff": 0, "registered_city": "昆山", "going_concern": true,
                    "financing_rounds": [{ "closed_on": "12024-01-01", "amount": "1.00" }] },
        "on": "2024-07-01" });
    let resolutions = format!("{f}/resolutions");
    let resolution = |deadline: &str| {
        json!({ "subject": { "kind": "other", "title": "议题" }, "amount": "0.00",
                "mode": "written", "deadline": deadline })
    };
    let founded = |date: &str| facts("founded_on", json!(date));
    #[rustfmt::skip]
    let cases = vec![
        post("tranche date", &tranches, tranche(json!(1), "1.00", "+12021-09-01"), BAD),
        post("applied_on", &projects, apply("applied_on", json!("-0001-01-01")), BAD),
        post("founded_on +12000", &projects, founded("+12000-01-01"), BAD),
        post("founded_on 1899", &projects, founded("1899-12-31"), BAD),
        post("financing round closed_on", &reports, report, BAD),
        post("deadline +12000", &resolutions, resolution("+12000-01-01T00:00:00Z"), BAD),
        post("deadline without offset", &resolutions, resolution("2099-01-01T00:00:00"), BAD),
        // The parser's bounds are accepted; the fund rules judge the day itself.
        post("founded_on 1900-01-01", &projects, founded("1900-01-01"), CREATED),
        get("?on=9999-12-31", format!("{f}/lps?on=9999-12-31"), OK),
        get("?on=1900-01-01", format!("{f}/calls?on=1900-01-01"), OK),
        get("?on=+12000-01-01", format!("{f}/lps?on=%2B12000-01-01"), BAD_QUERY),
        get("?on=10000-01-01", format!("{f}/lps?on=10000-01-01"), BAD_QUERY),
        get("?on=1899-12-31", format!("{f}/projects/board?on=1899-12-31"), BAD_QUERY),
        get("?on=2024-1-1", format!("{f}/movements?on=2024-1-1"), BAD_QUERY),
    ];
    check(&app, &manager, cases).await;
}

#[tokio::test]
async fn money_has_at_most_two_decimals_within_a_trillion() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    let size = |v: Value| fund_with("total_size", v);
    #[rustfmt::skip]
    let mut cases: Vec<Case> = [
        "100.001", "12.340", "1e5", " 100", "100 ", "+100", "NaN", "1,000", ".5", "5.",
        "1000000000000.01", "-1000000000000.01",
    ]
    .map(|bad| post(format!("total_size {bad:?}"), "/funds", size(json!(bad)), BAD))
    .into();
    let negative = Refused(422, "non_positive_fund_size");
    #[rustfmt::skip]
    let more = [
        post("total_size as a number", "/funds", size(json!(100)), BAD),
        post("total_size -5.00", "/funds", size(json!("-5.00")), negative),
        post("total_size 0.01", "/funds", size(json!("0.01")), CREATED),
        post("total_size 10^12", "/funds", size(json!("1000000000000.00")), CREATED),
    ];
    cases.extend(more);
    check(&app, &app.admin, cases).await;

    let (tranches, projects) = (
        format!("/funds/{fund}/tranches"),
        format!("/funds/{fund}/projects"),
    );
    #[rustfmt::skip]
    let cases = vec![
        // Amounts inside the domain's shapes are read as strictly as the API's own.
        post("revenue \" 100\"", &projects, facts("annual_revenue", json!(" 100")), BAD),
        post("net assets \"12.340\"", &projects, facts("net_assets", json!("12.340")), BAD),
        post("R&D spending \"+1\"", &projects, facts("rd_spending", json!("+1")), BAD),
        post("size of 3 decimals", &tranches, tranche(json!(1), "1.001", "2021-09-01"), BAD),
        post("size of 2 decimals", &tranches, tranche(json!(1), "1.01", "2021-09-01"), CREATED),
    ];
    check(&app, &manager, cases).await;
}

#[tokio::test]
async fn strings_are_bounded_and_not_blank() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    let name = |v: Value| fund_with("name", v);
    let (fund_name, fund_term) = (
        Refused(422, "invalid_fund_name"),
        Refused(422, "invalid_fund_term"),
    );
    let industries = fund_policy(json!({ "eligibility": { "industries": [chars(2001)] } }));
    let mut long_key = fund_body("X");
    long_key["k".repeat(2001)] = json!(1);
    #[rustfmt::skip]
    let cases = vec![
        post("name of 200", "/funds", name(chars(200)), CREATED),
        post("name of 201", "/funds", name(chars(201)), fund_name),
        post("blank name", "/funds", name(json!(" \t\n ")), fund_name),
        post("manager of 201", "/funds", fund_with("manager", chars(201)), fund_term),
        post("blank city", "/funds", fund_with("city", json!("   ")), fund_term),
        post("policy string of 2001", "/funds", industries, BAD),
        post("key of 2001", "/funds", long_key, BAD),
    ];
    check(&app, &app.admin, cases).await;

    let f = format!("/funds/{fund}");
    app.ok(
        &manager,
        fund,
        "/tranches",
        tranche(json!(1), "1000.00", "2021-09-01"),
    )
    .await;
    let projects = format!("{f}/projects");
    let (seat, observers) = (
        format!("{f}/committee/seats/1/appointment"),
        format!("{f}/committee/observers"),
    );
    let member = json!({ "name": chars(201), "appointed_on": "2021-09-01" });
    let observer = json!({ "name": "李娜", "body": " " });
    let lp = json!({ "tranche": 1, "lp_name": chars(201), "lp_kind": "other", "amount": "1.00" });
    let (text, name) = (Refused(422, "invalid_text"), Refused(422, "invalid_name"));
    #[rustfmt::skip]
    let cases = vec![
        post("company of 2000", &projects, apply("company", chars(2000)), CREATED),
        post("company of 2001", &projects, apply("company", chars(2001)), BAD),
        post("blank company", &projects, apply("company", json!("  ")), text),
        // Fields the fund rules do not bound are bounded by the body's string limit.
        post("talent programme of 2001", &projects, facts("talent_programme", chars(2001)), BAD),
        post("industry of 2001", &projects, facts("industry", chars(2001)), BAD),
        post("member name of 201", &seat, member, name),
        post("blank observer body", &observers, observer, name),
        post("LP name of 201", &format!("{f}/subscriptions"), lp, fund_name),
    ];
    check(&app, &manager, cases).await;
}

#[tokio::test]
async fn integers_arrays_and_enums_are_in_range() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    let seats = |n: usize| fund_policy(json!({ "committee": { "seats": vec!["局"; n] } }));
    let many = fund_policy(json!({ "eligibility": { "industries": vec!["x"; 1001] } }));
    #[rustfmt::skip]
    let cases = vec![
        post("six committee seats", "/funds", seats(6), BAD),
        post("five committee seats", "/funds", seats(5), CREATED),
        post("array of 1001", "/funds", many, BAD),
        post("kind in capitals", "/funds", fund_with("kind", json!("ANGEL")), BAD),
        post("fund_id not a UUID", "/funds", fund_with("fund_id", json!("1234")), BAD),
    ];
    check(&app, &app.admin, cases).await;
    app.catch_up().await;

    let f = format!("/funds/{fund}");
    let (tranches, calls) = (format!("{f}/tranches"), format!("{f}/capital-calls"));
    let (extensions, fees) = (format!("{f}/extensions"), format!("{f}/fee-assessments"));
    let reports = format!("{f}/reports");
    let call = json!({ "tranches": vec![1; 1001], "amount": "1.00", "called_on": "2021-09-15",
                       "due_on": "2021-10-15" });
    let extension = |months: u64| json!({ "months": months, "resolution_ref": "决议", "resolved_on": "2024-06-30" });
    let number = |n: Value| tranche(n, "1.00", "2021-09-01");
    let year = |y: Value| json!({ "year": y });
    let no_period = Refused(422, "no_fee_period");
    let appoint = |seat: &str| format!("{f}/committee/seats/{seat}/appointment");
    let member = json!({ "name": "张伟", "appointed_on": "2021-09-01" });
    let no_seat = Refused(422, "no_such_seat");
    let attendance = format!("{f}/resolutions/{}/attendance", Uuid::now_v7());
    let price = json!({ "proposal": { "amount": "1.00", "instrument": "equity", "industry": "x",
                                      "post_money_cap_table": [] },
                        "price": 1e300, "on": "2024-07-01" });
    let propose = format!("{f}/projects/{}/proposal", Uuid::now_v7());
    let research = json!({ "outcome": "shortlisted", "note": "好", "on": "2024-03-01" });
    let lp = json!({ "tranche": 1, "lp_name": "某", "lp_kind": "bank", "amount": "1.00" });
    #[rustfmt::skip]
    let cases = vec![
        post("tranche number -1", &tranches, number(json!(-1)), BAD),
        post("tranche number 2^32", &tranches, number(json!(4_294_967_296_u64)), BAD),
        post("tranche number 1.5", &tranches, number(json!(1.5)), BAD),
        post("1001 tranches called", &calls, call, BAD),
        post("extension of 2^32-1 months", &extensions, extension(4_294_967_295), BAD),
        post("extension of 121 months", &extensions, extension(121), BAD),
        post("extension of 120 months", &extensions, extension(120), CREATED),
        post("fee year 2^31", &fees, year(json!(2_147_483_648_u64)), BAD),
        post("fee year i32::MIN", &fees, year(json!(i32::MIN)), no_period),
        post("fee year 1899", &fees, year(json!(1899)), no_period),
        post("report year 1899", &reports, json!({ "kind": "annual", "year": 1899 }), BAD),
        post("attendance seat 2^32", &attendance, json!({ "seat": 4_294_967_296_u64 }), BAD),
        post("price 1e300", &propose, price, BAD),
        post("lp_kind unknown", &format!("{f}/subscriptions"), lp, BAD),
        post("seat 0", &appoint("0"), member.clone(), no_seat),
        post("seat 6", &appoint("6"), member.clone(), no_seat),
        post("seat -1", &appoint("-1"), member.clone(), BAD_PATH),
        post("seat 2^32", &appoint("4294967296"), member, BAD_PATH),
        post("project id not a UUID", &format!("{f}/projects/123/research"), research, BAD_PATH),
        get("fund id not a UUID", format!("/funds/{}g", &fund.to_string()[..35]), BAD_PATH),
        get("limit 0", "/funds?limit=0".into(), BAD_QUERY),
        get("limit 501", "/funds?limit=501".into(), BAD_QUERY),
        get("limit 2^63", "/funds?limit=9223372036854775808".into(), BAD_QUERY),
        get("limit 500", "/funds?limit=500".into(), OK),
        get("after not a UUID", "/funds?after=1".into(), BAD_QUERY),
        get("min_position -1", format!("{f}?min_position=-1"), BAD_QUERY),
        get("unknown query parameter", "/funds?offset=10".into(), BAD_QUERY),
        get("unknown stage", format!("{f}/projects?stage=done"), BAD_QUERY),
        get("unknown status", format!("{f}/projects?status=ACTIVE"), BAD_QUERY),
        get("known stage and status", format!("{f}/projects?stage=research&status=active"), OK),
        get("report year 10000", format!("{f}/reports/annual/10000"), BAD_PATH),
        get("fee year 2^31", format!("{f}/fee-assessments/2147483648"), BAD_PATH),
    ];
    check(&app, &manager, cases).await;
}

#[tokio::test]
async fn references_and_terms_of_the_lifecycle_and_sub_funds_are_bounded() {
    let app = spawn_app().await;
    let (fund, manager) = angel(&app).await;
    let extensions = format!("/funds/{fund}/extensions");
    let fund_term = Refused(422, "invalid_fund_term");
    let approval = |n: usize| {
        json!({ "months": 12, "resolution_ref": "决议〔2024〕1号", "resolved_on": "2024-06-30",
                "government_approval_ref": "号".repeat(n) })
    };
    #[rustfmt::skip]
    let cases = vec![
        // Too long used to be dropped silently for an angel fund; now it is refused.
        post("approval reference of 201", &extensions, approval(201), fund_term),
        post("approval reference of 200", &extensions, approval(200), CREATED),
    ];
    check(&app, &manager, cases).await;

    let r = app
        .post_fund(&app.admin, &fund_with("kind", json!("guidance")), &[])
        .await;
    let g: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    let (g_manager, _) = app.fund_tokens(g).await;
    let sub_funds = format!("/funds/{g}/sub-funds");
    let sub_fund = |term: u64| {
        json!({ "sub_fund": { "name": "昆山集成电路产业投资基金", "manager": "某某私募基金管理有限公司",
                              "size": "100000000.00", "term_years": term, "focus": "集成电路" },
                "applied_on": "2024-01-15" })
    };
    let evaluation = format!("/funds/{g}/exemption-cases/{}/evaluation", Uuid::now_v7());
    let policy = |field: &str, n: u32| json!({ "policy": { field: n } });
    #[rustfmt::skip]
    let cases = vec![
        post("term of 4e9 years", &sub_funds, sub_fund(4_000_000_000), BAD),
        post("term of 101 years", &sub_funds, sub_fund(101), BAD),
        post("term of 100 years", &sub_funds, sub_fund(100), CREATED),
        post("report interval of 121", &evaluation, policy("report_interval_months", 121), BAD),
        post("response of 3651 days", &evaluation, policy("trigger_response_days", 3651), BAD),
    ];
    check(&app, &g_manager, cases).await;
}
