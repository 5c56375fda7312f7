//! Management reports over REST (SPEC §8): drafting now, filing under the reviewed sha256,
//! amendments after a backdated event, the document in JSON, CSV, XLSX and HTML with its
//! verification, the listings with their overdue flags on the pinned day, who may see what,
//! and the refusals of bad input.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;
mod reports_fixture;

use api::auth::Principal;
use axum::http::Method;
use domain::{FundId, MemberId, ObserverId};
use reports_fixture::{items, lp_line, pin, Fixture};
use serde_json::{json, Value};
use uuid::Uuid;
use workers::reports::generate::sha256_hex;

#[tokio::test]
async fn a_report_is_drafted_checked_for_overdue_and_filed_under_the_reviewed_hash() {
    let mut f = Fixture::new().await;

    let r = f.draft("h1", 2024).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.header("location"),
        Some(f.path("/h1/2024").as_str()),
        "{}",
        r.text
    );
    assert_eq!(r.json["fund_id"], json!(f.fund));
    assert_eq!(
        (&r.json["kind"], &r.json["year"]),
        (&json!("h1"), &json!(2024))
    );
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.json["recorded"], true);
    assert_eq!(r.json["stream_version"], 1);
    assert!(r.json["global_position"].as_i64().unwrap() >= 1);
    assert_eq!(r.json["events"][0]["type"], "DraftGenerated");
    assert_eq!(r.json["events"][0]["data"]["version"], 1);
    assert_eq!(r.json["events"][0]["data"]["changes"], json!([]));
    assert_eq!(r.json["events"][0]["data"]["on"], "2024-07-05");
    let sha = r.json["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);
    assert_eq!(r.json["events"][0]["data"]["sha256"], sha.as_str());

    // Listed as a draft, due on 30 July: not overdue that day, overdue the day after.
    let list = f.read(&f.path(""), &f.manager).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let item = &items(&list)[0];
    assert_eq!(item["status"], "draft");
    assert_eq!(item["overdue"], false);
    assert_eq!(item["filed_late"], false);
    assert_eq!(
        (&item["period_start"], &item["period_end"], &item["due"]),
        (
            &json!("2024-01-01"),
            &json!("2024-06-30"),
            &json!("2024-07-30")
        )
    );
    assert_eq!(
        (&item["latest_version"], &item["draft_version"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(item["draft_sha256"], sha.as_str());
    assert_eq!(item["filed_version"], Value::Null);
    assert_eq!(item["first_filed_on"], Value::Null);
    pin(&mut f.app, "2024-07-30");
    let list = f.read(&f.path(""), &f.manager).await;
    assert_eq!(items(&list)[0]["overdue"], false);
    let list = f.read(&f.path("?overdue=true"), &f.manager).await;
    assert!(items(&list).is_empty(), "{list}");
    pin(&mut f.app, "2024-07-31");
    let list = f.read(&f.path(""), &f.manager).await;
    assert_eq!(items(&list)[0]["overdue"], true);
    let list = f
        .read(&f.path("?overdue=true&kind=h1&year=2024"), &f.manager)
        .await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let list = f.read("/reports?overdue=true", &f.app.admin).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let list = f.read(&f.path("?overdue=false"), &f.manager).await;
    assert!(items(&list).is_empty(), "{list}");
    pin(&mut f.app, "2024-07-05");

    // The JSON document is the canonical bytes: its sha256 is the version's, and the header's.
    let doc = f.app.get(&f.version(1, ""), &f.manager).await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    assert_eq!(doc.header("content-type"), Some("application/json"));
    assert_eq!(doc.header("fundadmin-report-sha256"), Some(sha.as_str()));
    assert_eq!(sha256_hex(doc.text.as_bytes()), sha);
    assert_eq!(doc.json["format"], "fundadmin.report/1");
    assert_eq!(doc.json["as_of"], "2024-06-30");
    assert_eq!(lp_line(&doc.json, &f.lps[0])["paid"], "30000000.00");
    assert_eq!(lp_line(&doc.json, &f.lps[1])["paid"], "15000000.00");
    assert_eq!(lp_line(&doc.json, &f.lps[1])["arrears"], "5000000.00");
    let detail = f.read(&f.path("/h1/2024"), &f.manager).await;
    assert_eq!(detail["report"]["status"], "draft");
    assert_eq!(detail["versions"].as_array().unwrap().len(), 1);
    assert_eq!(detail["versions"][0]["sha256"], sha.as_str());
    assert_eq!(detail["versions"][0]["status"], "draft");

    // The same events give the same document: nothing recorded.
    let events = f.app.event_count().await;
    let again = f.draft("h1", 2024).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json["recorded"], false);
    assert_eq!(again.json["version"], Value::Null);
    assert_eq!(again.json["sha256"], sha.as_str());
    assert_eq!(again.json["events"], json!([]));
    assert_eq!(again.json["stream_version"], 1);
    assert_eq!(again.header("location"), None);
    assert_eq!(f.app.event_count().await, events);

    // Filing under another hash is refused; under the reviewed one it files, once.
    let wrong = "0".repeat(64);
    let r = f.file(1, &wrong).await;
    r.assert_problem(422, "report_draft_changed");
    assert!(
        r.json["detail"].as_str().unwrap().contains(&sha),
        "{}",
        r.text
    );
    assert_eq!(f.app.event_count().await, events);
    let r = f.file(1, &sha).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.json["recorded"], true);
    assert_eq!(r.json["sha256"], sha.as_str());
    assert_eq!(r.json["stream_version"], 2);
    assert_eq!(r.json["events"][0]["type"], "ReportFiled");
    assert_eq!(r.json["events"][0]["data"]["on"], "2024-07-05");
    let r = f.file(1, &sha).await;
    r.assert_problem(422, "report_already_filed");
    assert_eq!(r.json["rule"], "Art. 19");
    f.file(2, &sha).await.assert_problem(404, "no_report_draft");

    // Listed as filed on 5 July, by the manager; filed, it is no longer overdue.
    pin(&mut f.app, "2024-08-01");
    let list = f.read(&f.path(""), &f.manager).await;
    let item = &items(&list)[0];
    assert_eq!(item["status"], "filed");
    assert_eq!(item["overdue"], false);
    assert_eq!(item["filed_late"], false);
    assert_eq!(item["first_filed_on"], "2024-07-05");
    assert_eq!(
        (&item["filed_version"], &item["draft_version"]),
        (&json!(1), &Value::Null)
    );
    assert_eq!(item["filed_sha256"], sha.as_str());
    let list = f.read(&f.path("?status=filed"), &f.manager).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let list = f.read(&f.path("?status=draft"), &f.manager).await;
    assert!(items(&list).is_empty(), "{list}");
    let detail = f.read(&f.path("/h1/2024"), &f.manager).await;
    let v1 = &detail["versions"][0];
    assert_eq!(v1["status"], "filed");
    assert_eq!(v1["filed_on"], "2024-07-05");
    assert_eq!(v1["filed_by"], format!("manager:{}", f.fund));
    assert_eq!(v1["generated_on"], "2024-07-05");

    // The three hashes agree.
    let v = f.read(&f.version(1, "/verification"), &f.manager).await;
    assert_eq!(v["matches"], true, "{v}");
    assert_eq!(v["version"], 1);
    for field in ["recorded_sha256", "stored_sha256", "regenerated_sha256"] {
        assert_eq!(v[field], sha.as_str(), "{field}");
    }
    assert_eq!(v["cut"], v1["cut"]);
}

#[tokio::test]
async fn a_backdated_payment_after_filing_makes_an_amendment_and_the_filed_version_stays() {
    let mut f = Fixture::new().await;
    let (sha1, bytes1) = f.filed_h1().await;

    // Recorded on 10 July, effective on 20 June: inside H1.
    pin(&mut f.app, "2024-07-10");
    f.pay(1, "5000000.00", "2024-06-20").await;
    let r = f.draft("h1", 2024).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["version"], 2);
    assert_eq!(r.json["recorded"], true);
    let sha2 = r.json["sha256"].as_str().unwrap().to_owned();
    assert_ne!(sha2, sha1);
    let event = &r.json["events"][0];
    assert_eq!(event["type"], "DraftGenerated");
    assert_eq!(event["data"]["version"], 2);
    assert_eq!(event["data"]["on"], "2024-07-10");
    let changes = event["data"]["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{}", r.text);
    let paid = format!("lps[lp={}].paid", f.lps[1]);
    let change = changes.iter().find(|c| c["path"] == paid.as_str());
    assert_eq!(
        change,
        Some(&json!({ "path": paid, "before": "15000000.00", "after": "20000000.00" })),
        "{changes:?}"
    );

    // Listed as an amendment draft; version 1 is still filed, its document unchanged.
    let list = f.read(&f.path(""), &f.manager).await;
    let item = &items(&list)[0];
    assert_eq!(item["status"], "amendment_draft");
    assert_eq!(
        (
            &item["filed_version"],
            &item["draft_version"],
            &item["latest_version"]
        ),
        (&json!(1), &json!(2), &json!(2))
    );
    assert_eq!(
        (&item["filed_sha256"], &item["draft_sha256"]),
        (&json!(sha1), &json!(sha2))
    );
    assert_eq!(item["first_filed_on"], "2024-07-05");
    let list = f.read(&f.path("?status=amendment_draft"), &f.manager).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let detail = f.read(&f.path("/h1/2024"), &f.manager).await;
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (&versions[0]["status"], &versions[1]["status"]),
        (&json!("filed"), &json!("draft"))
    );
    assert_eq!(versions[1]["changes"], event["data"]["changes"]);
    assert_eq!(versions[1]["changes_omitted"], 0);
    let v1 = f.app.get(&f.version(1, ""), &f.manager).await;
    assert_eq!(v1.text, bytes1);
    assert_eq!(v1.header("fundadmin-report-sha256"), Some(sha1.as_str()));
    let v2 = f.app.get(&f.version(2, ""), &f.manager).await;
    assert_eq!(v2.status, 200, "{}", v2.text);
    assert_eq!(sha256_hex(v2.text.as_bytes()), sha2);
    assert_eq!(lp_line(&v2.json, &f.lps[1])["paid"], "20000000.00");
    assert_eq!(lp_line(&v2.json, &f.lps[1])["arrears"], "0.00");
    for version in [1, 2] {
        let v = f
            .read(&f.version(version, "/verification"), &f.manager)
            .await;
        assert_eq!(v["matches"], true, "{v}");
    }
    // Version 1 is filed, and only the open draft can be.
    f.file(1, &sha1)
        .await
        .assert_problem(422, "report_already_filed");
    f.file(3, &sha2)
        .await
        .assert_problem(422, "not_the_open_draft");

    // An LP sees the filed version only, listed as filed, without the draft.
    let lp = f.lp_token(0).await;
    let list = f.read(&f.path(""), &lp).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let item = &items(&list)[0];
    assert_eq!(item["status"], "filed");
    assert_eq!(
        (&item["filed_version"], &item["filed_sha256"]),
        (&json!(1), &json!(sha1))
    );
    assert_eq!(
        (&item["draft_version"], &item["draft_sha256"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(item["latest_version"], 1, "the draft shows through: {item}");
    let list = f.read(&f.path("?status=filed"), &lp).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let list = f.read(&f.path("?status=amendment_draft"), &lp).await;
    assert!(items(&list).is_empty(), "an LP found the draft: {list}");
    let list = f.read("/reports?status=filed", &lp).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let detail = f.read(&f.path("/h1/2024"), &lp).await;
    assert_eq!(detail["report"]["status"], "filed");
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{detail}");
    assert_eq!(versions[0]["version"], 1);
    let doc = f.app.get(&f.version(1, ""), &lp).await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    assert_eq!(doc.text, bytes1);
    f.app
        .get(&f.version(2, ""), &lp)
        .await
        .assert_problem(404, "report_version_not_found");
    f.app
        .get(&f.version(2, "/verification"), &lp)
        .await
        .assert_problem(404, "report_version_not_found");

    // Filed, the amendment is listed as filed with its own filing date.
    pin(&mut f.app, "2024-07-12");
    let r = f.file(2, &sha2).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let list = f.read(&f.path(""), &f.manager).await;
    let item = &items(&list)[0];
    assert_eq!(item["status"], "filed");
    assert_eq!(item["filed_version"], 2);
    assert_eq!(item["first_filed_on"], "2024-07-05");
    let detail = f.read(&f.path("/h1/2024"), &lp).await;
    assert_eq!(detail["versions"].as_array().unwrap().len(), 2);
    assert_eq!(detail["versions"][1]["filed_on"], "2024-07-12");
}

#[tokio::test]
async fn a_version_is_served_as_json_csv_xlsx_and_html() {
    let f = Fixture::new().await;
    let r = f.draft("h1", 2024).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let sha = r.json["sha256"].as_str().unwrap().to_owned();
    f.app.catch_up().await;
    let (app, manager) = (&f.app, f.manager.as_str());
    let get = |suffix: &str, headers: &'static [(&'static str, &'static str)]| {
        let path = f.version(1, suffix);
        async move {
            app.send(Method::GET, &path, Some(manager), None, headers)
                .await
        }
    };

    // CSV: one table, named.
    let csv = get("?format=csv&table=lps", &[]).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.header("fundadmin-report-sha256"), Some(sha.as_str()));
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"report-"));
    let header_row = csv.text.lines().next().unwrap();
    assert!(
        header_row.split(',').any(|c| c.trim_matches('"') == "lp"),
        "{header_row}"
    );
    assert!(csv.text.contains("30000000.00"), "{}", csv.text);
    assert!(csv.text.contains("15000000.00"), "{}", csv.text);
    assert!(csv.text.contains(&f.lps[1]), "{}", csv.text);
    assert_eq!(csv.text.lines().count(), 3, "{}", csv.text);
    let r = get("?format=csv", &[]).await;
    r.assert_problem(400, "invalid_query");
    assert!(
        r.json["detail"].as_str().unwrap().contains("lps"),
        "{}",
        r.text
    );
    get("?format=csv&table=nothing", &[])
        .await
        .assert_problem(400, "invalid_query");
    let r = get("?format=CSV&table=report", &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains(&sha), "the header table names the hash");

    // XLSX: a zip.
    let xlsx = get("?format=xlsx", &[]).await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(xlsx.text.starts_with("PK"));
    assert_eq!(xlsx.header("fundadmin-report-sha256"), Some(sha.as_str()));

    // HTML: a page with Chinese section titles.
    let html = get("?format=html", &[]).await;
    assert_eq!(html.status, 200, "{}", html.text);
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(html.text.contains("基金管理报告"));
    assert!(html.text.contains("出资人认缴与实缴"));
    assert!(html.text.contains("昆山市天使投资基金"));
    assert!(html
        .header("content-disposition")
        .unwrap()
        .starts_with("inline"));

    // Accept picks the format when the query does not; the query wins over Accept.
    let r = get("", &[("accept", "text/csv")]).await;
    r.assert_problem(400, "invalid_query");
    let r = get("?table=lps", &[("accept", "text/csv")]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let r = get("", &[("accept", "text/html")]).await;
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let r = get("", &[("accept", "*/*")]).await;
    assert_eq!(sha256_hex(r.text.as_bytes()), sha);
    let r = get("?format=json", &[("accept", "text/csv")]).await;
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(sha256_hex(r.text.as_bytes()), sha);
    assert_eq!(r.header("vary"), Some("accept"));
    get("", &[("accept", "image/png")])
        .await
        .assert_problem(406, "http_error");
    get("?format=pdf", &[])
        .await
        .assert_problem(400, "invalid_query");
    get("?format=json&colour=red", &[])
        .await
        .assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn who_may_read_draft_and_file_reports() {
    let f = Fixture::new().await;
    let app = &f.app;
    let other = app.establish("昆山市第二天使投资基金").await;
    let (other_manager, _) = app.fund_tokens(other).await;
    let fund = FundId(f.fund);

    let covering = f.regulator_token(&[f.fund]).await;
    let both = f.regulator_token(&[f.fund, other]).await;
    let elsewhere = f.regulator_token(&[other]).await;
    let lp = f.lp_token(1).await;
    let member = Principal::Member {
        fund,
        seat: 1,
        member: MemberId(Uuid::now_v7()),
    };
    let member = app.token(&member, None).await;
    let observer = Principal::Observer {
        fund,
        observer: ObserverId(Uuid::now_v7()),
    };
    let observer = app.token(&observer, None).await;

    // Drafting: the fund's manager only.
    let body = json!({ "kind": "h1", "year": 2024 });
    for (token, status, code) in [
        (&app.admin, 403, "forbidden"),
        (&covering, 403, "forbidden"),
        (&lp, 403, "forbidden"),
        (&f.custodian, 403, "forbidden"),
        (&member, 403, "forbidden"),
        (&elsewhere, 404, "fund_not_found"),
        (&other_manager, 404, "fund_not_found"),
    ] {
        app.refused(token, f.fund, "/reports", body.clone(), (status, code))
            .await;
    }
    let r = app
        .send(
            Method::POST,
            &f.path(""),
            None,
            Some(br#"{"kind":"h1","year":2024}"#),
            &[],
        )
        .await;
    r.assert_problem(401, "unauthenticated");
    let r = f.draft("h1", 2024).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let sha = r.json["sha256"].as_str().unwrap().to_owned();
    app.catch_up().await;

    // Reading the draft: the manager, the regulators covering the fund and the admin.
    let reads = [
        f.path(""),
        f.path("/h1/2024"),
        f.version(1, ""),
        f.version(1, "/verification"),
    ];
    for token in [&f.manager, &covering, &both, &app.admin] {
        for path in &reads {
            let r = app.get(path, token).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text);
        }
        let list = f.read(&f.path(""), token).await;
        assert_eq!(items(&list)[0]["status"], "draft");
    }
    // An LP of the fund does not see a report before it is filed.
    let list = f.read(&f.path(""), &lp).await;
    assert!(items(&list).is_empty(), "{list}");
    let list = f.read("/reports", &lp).await;
    assert!(items(&list).is_empty(), "{list}");
    app.get(&reads[1], &lp)
        .await
        .assert_problem(404, "report_not_found");
    for path in &reads[2..] {
        app.get(path, &lp)
            .await
            .assert_problem(404, "report_version_not_found");
    }
    // Committee members, observers and the custodian read no reports; other funds' principals
    // do not see the fund; nobody without a token.
    for token in [&member, &observer, &f.custodian] {
        for path in &reads {
            app.get(path, token).await.assert_problem(403, "forbidden");
        }
        app.get("/reports", token)
            .await
            .assert_problem(403, "forbidden");
    }
    for token in [&elsewhere, &other_manager] {
        for path in &reads {
            app.get(path, token)
                .await
                .assert_problem(404, "fund_not_found");
        }
    }
    for path in reads.iter().chain([&"/reports".to_owned()]) {
        app.send(Method::GET, path, None, None, &[])
            .await
            .assert_problem(401, "unauthenticated");
    }

    // Filing: the fund's manager only.
    let filing = "/reports/h1/2024/versions/1/filing";
    let body = json!({ "sha256": sha });
    for (token, status, code) in [
        (&app.admin, 403, "forbidden"),
        (&covering, 403, "forbidden"),
        (&lp, 403, "forbidden"),
        (&f.custodian, 403, "forbidden"),
        (&observer, 403, "forbidden"),
        (&elsewhere, 404, "fund_not_found"),
        (&other_manager, 404, "fund_not_found"),
    ] {
        app.refused(token, f.fund, filing, body.clone(), (status, code))
            .await;
    }
    let r = f.file(1, &sha).await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.catch_up().await;

    // Filed, an LP reads it.
    for path in &reads {
        let r = app.get(path, &lp).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let list = f.read("/reports", &lp).await;
    assert_eq!(items(&list).len(), 1, "{list}");

    // Across funds: a regulator lists the reports of the funds it covers, and no other.
    let r = app
        .post_json(
            &format!("/funds/{other}/reports"),
            &other_manager,
            &json!({ "kind": "h1", "year": 2024 }),
            &[],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let list = f.read("/reports", &both).await;
    let funds: Vec<&Value> = items(&list).iter().map(|i| &i["fund_id"]).collect();
    assert_eq!(funds.len(), 2, "{list}");
    assert!(funds.contains(&&json!(f.fund)) && funds.contains(&&json!(other)));
    let list = f.read("/reports", &covering).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    assert_eq!(items(&list)[0]["fund_id"], json!(f.fund));
    let list = f.read(&format!("/reports?fund_id={other}"), &both).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    assert_eq!(items(&list)[0]["fund_id"], json!(other));
    let list = f.read("/reports?status=draft", &both).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    assert_eq!(items(&list)[0]["fund_id"], json!(other));
    app.get(&format!("/reports?fund_id={other}"), &covering)
        .await
        .assert_problem(404, "fund_not_found");
    app.get(&format!("/reports?fund_id={other}"), &lp)
        .await
        .assert_problem(404, "fund_not_found");
    let list = f.read("/reports", &app.admin).await;
    assert_eq!(items(&list).len(), 2, "{list}");
    let list = f
        .read(&format!("/reports?fund_id={}", f.fund), &app.admin)
        .await;
    assert_eq!(items(&list).len(), 1, "{list}");
    let list = f.read("/reports", &other_manager).await;
    assert_eq!(items(&list).len(), 1, "{list}");
    assert_eq!(items(&list)[0]["fund_id"], json!(other));
}

#[tokio::test]
async fn bad_input_is_refused_and_records_nothing() {
    let mut f = Fixture::new().await;
    let app = &f.app;

    // The body.
    for body in [
        json!({ "kind": "q3", "year": 2024 }),
        json!({ "kind": "h1", "year": 2024, "colour": "red" }),
        json!({ "kind": "h1" }),
        json!({ "kind": "h1", "year": "2024" }),
        json!({ "kind": "h1", "year": 10000 }),
    ] {
        app.refused(
            &f.manager,
            f.fund,
            "/reports",
            body,
            (422, "invalid_request"),
        )
        .await;
    }
    // Periods not ended by today (5 July 2024), or before the fund was established.
    for (kind, year) in [("h2", 2024), ("annual", 2024), ("h1", 2025)] {
        let r = app
            .refused(
                &f.manager,
                f.fund,
                "/reports",
                json!({ "kind": kind, "year": year }),
                (422, "report_period_not_ended"),
            )
            .await;
        assert_eq!(r.json["rule"], "Art. 19");
    }
    for (kind, year) in [("h2", 2023), ("annual", 2023)] {
        app.refused(
            &f.manager,
            f.fund,
            "/reports",
            json!({ "kind": kind, "year": year }),
            (422, "fund_not_established"),
        )
        .await;
    }
    // A fund never established: its manager drafts nothing.
    app.refused(
        &app.manager,
        app.manager_fund,
        "/reports",
        json!({ "kind": "h1", "year": 2024 }),
        (422, "fund_not_established"),
    )
    .await;
    app.catch_up().await;
    let list = f.read(&f.path(""), &f.manager).await;
    assert!(items(&list).is_empty(), "{list}");

    // The day after the period ends, it may be drafted.
    pin(&mut f.app, "2024-06-30");
    f.app
        .refused(
            &f.manager,
            f.fund,
            "/reports",
            json!({ "kind": "h1", "year": 2024 }),
            (422, "report_period_not_ended"),
        )
        .await;
    pin(&mut f.app, "2024-07-01");
    let r = f.draft("h1", 2024).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let sha = r.json["sha256"].as_str().unwrap().to_owned();
    let app = &f.app;
    app.catch_up().await;

    // The path.
    let manager = f.manager.as_str();
    let get = |path: String| async move { app.get(&path, manager).await };
    for path in [
        f.path("/q3/2024"),
        f.path("/H1/2024"),
        f.path("/h1/abc"),
        f.path("/h1/99999"),
        f.path("/h1/2024/versions/abc"),
        f.path("/q3/2024/versions/1"),
        f.path("/q3/2024/versions/1/verification"),
        "/funds/not-a-uuid/reports/h1/2024".to_owned(),
    ] {
        get(path).await.assert_problem(400, "invalid_path");
    }
    // A version that cannot exist is not found (no 500), in the document and its verification.
    for version in ["0", "2", "-1", "2147483647"] {
        for suffix in ["", "/verification"] {
            get(f.path(&format!("/h1/2024/versions/{version}{suffix}")))
                .await
                .assert_problem(404, "report_version_not_found");
        }
    }
    get(f.path("/h1/2024/versions/2147483648"))
        .await
        .assert_problem(400, "invalid_path");
    get(f.path("/h2/2024"))
        .await
        .assert_problem(404, "report_not_found");
    get(f.path("/h1/2023/versions/1"))
        .await
        .assert_problem(404, "report_version_not_found");
    let unknown = Uuid::now_v7();
    app.get(&format!("/funds/{unknown}/reports/h1/2024"), &app.admin)
        .await
        .assert_problem(404, "report_not_found");

    // The queries.
    for query in [
        "?kind=q3",
        "?status=open",
        "?overdue=maybe",
        "?year=abc",
        "?colour=red",
        "?min_position=-1",
    ] {
        let r = get(f.path(query)).await;
        r.assert_problem(400, "invalid_query");
    }
    get(f.path(&format!("?fund_id={unknown}")))
        .await
        .assert_problem(400, "invalid_query");
    for query in ["?kind=q3", "?status=open", "?fund_id=x"] {
        app.get(&format!("/reports{query}"), &app.admin)
            .await
            .assert_problem(400, "invalid_query");
    }
    get(f.path("/h1/2024?colour=red"))
        .await
        .assert_problem(400, "invalid_query");

    // The filing command.
    let refuse = async |suffix: &str, body: Value, status: u16, code: &str| {
        app.refused(&f.manager, f.fund, suffix, body, (status, code))
            .await;
    };
    let at = |version: &str| format!("/reports/h1/2024/versions/{version}/filing");
    refuse(&at("1"), json!({ "sha256": "ABC" }), 422, "invalid_sha256").await;
    refuse(
        &at("1"),
        json!({ "sha256": sha.to_uppercase() }),
        422,
        "invalid_sha256",
    )
    .await;
    refuse(
        &at("1"),
        json!({ "sha256": "f".repeat(64) }),
        422,
        "report_draft_changed",
    )
    .await;
    refuse(&at("1"), json!({}), 422, "invalid_request").await;
    refuse(
        &at("1"),
        json!({ "sha256": sha, "note": "x" }),
        422,
        "invalid_request",
    )
    .await;
    refuse(
        &at("0"),
        json!({ "sha256": sha }),
        422,
        "not_the_open_draft",
    )
    .await;
    refuse(
        &at("2"),
        json!({ "sha256": sha }),
        422,
        "not_the_open_draft",
    )
    .await;
    refuse(&at("-1"), json!({ "sha256": sha }), 400, "invalid_path").await;
    refuse(&at("abc"), json!({ "sha256": sha }), 400, "invalid_path").await;
    refuse(
        "/reports/q3/2024/versions/1/filing",
        json!({ "sha256": sha }),
        400,
        "invalid_path",
    )
    .await;
    refuse(
        "/reports/h2/2024/versions/1/filing",
        json!({ "sha256": sha }),
        404,
        "no_report_draft",
    )
    .await;
    // None of it touched the draft: it files.
    let r = f.file(1, &sha).await;
    assert_eq!(r.status, 201, "{}", r.text);
}
