//! The demo fund loaded into a fresh database through `api::demo::load` (what `fundadmin
//! demo` runs), then read back through the API: its headline figures, computed here from the
//! demo's own script (`api::demo::script`) and the SPEC's rules, against the read models;
//! and each filed report's hash against the report generated again from the log.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;
mod demo_support;

use api::auth::Principal;
use api::demo::script::{self, Story, CALLS, LPS, PROJECTS, TRANCHES};
use api::demo::timeline::Timeline;
use axum::http::Method;
use chrono::Datelike;
use demo_support::{amount, dec, ends_at, fee, loaded, lp_figures, outcome};
use domain::{FundId, MemberId};
use eventstore::testkit::test_db;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[tokio::test]
async fn the_demo_loads_a_fund_whose_read_models_match_its_script() {
    let (app, loaded) = loaded().await;
    let t = loaded.timeline;
    let fund = loaded.fund_id;
    let admin = app.admin.clone();
    app.catch_up().await;
    let get = |path: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let r = app.get(&path, &admin).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text);
            r.json
        }
    };

    // The money, from the script.
    let lps = lp_figures();
    let subscribed: Decimal = lps.iter().map(|(s, _)| *s).sum();
    let called: Decimal = CALLS.iter().map(|c| dec(c.amount)).sum();
    let fees: Decimal = t.fee_years().map(|y| fee(&t, y)).sum();
    let invested_deals = PROJECTS.iter().filter_map(|p| match p.story {
        Story::Committee(deal) if outcome(deal.votes) == "passed" => deal.investment,
        _ => None,
    });
    let (mut invested, mut released, mut proceeds) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for investment in invested_deals {
        invested += investment
            .paid_in
            .iter()
            .map(|(_, i)| dec(i))
            .sum::<Decimal>();
        if let Some(exit) = investment.exit {
            assert_eq!(outcome(exit.votes), "passed");
            released += dec(exit.cost_released);
            proceeds += dec(exit.proceeds);
        }
    }
    // The distribution is pro rata to paid-in; the first LP's share is paid.
    let first_share = dec(script::DISTRIBUTION) * lps[0].1 / called;
    let first_share = first_share.round_dp(2);
    let capital = &get(format!("/funds/{fund}/overview")).await["capital"];
    let expected = [
        ("total_size", dec(script::TOTAL_SIZE)),
        ("tranches", TRANCHES.iter().map(|t| dec(t.size)).sum()),
        ("subscribed", subscribed),
        ("called", called),
        ("paid_in", called),
        ("uncalled", subscribed - called),
        ("fees_assessed", fees),
        ("fees_paid", fees),
        ("distributed", dec(script::DISTRIBUTION)),
        ("distributions_paid", first_share),
        ("invested", invested),
        ("cost_released", released),
        ("cost_not_exited", invested - released),
        ("exit_proceeds", proceeds),
        ("proceeds_received", proceeds),
        ("cash", called - fees - invested + proceeds - first_share),
    ];
    for (field, value) in expected {
        assert_eq!(amount(&capital[field]), value, "{field}: {capital}");
    }
    assert!(fees > dec("1000000"), "two fee years: {fees}");

    // Each LP's account: paid in full, so both paid-in ratios are called ÷ subscribed.
    let accounts = get(format!("/funds/{fund}/lps")).await;
    for (n, (lp_subscribed, lp_called)) in lps.iter().enumerate() {
        let lp = loaded.lps[n];
        let account = accounts["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["lp_id"] == json!(lp))
            .unwrap();
        assert_eq!(account["name"], LPS[n].name);
        assert_eq!(account["kind"], LPS[n].kind);
        assert_eq!(amount(&account["subscribed"]), *lp_subscribed);
        assert_eq!(amount(&account["paid_in"]), *lp_called);
        assert_eq!(amount(&account["arrears"]), Decimal::ZERO);
        let ratio = (lp_called / lp_subscribed).round_dp(6);
        assert_eq!(dec(account["paid_in_ratio"].as_str().unwrap()), ratio);
    }

    // The pipeline board: every stage, with the projects the script leaves there.
    let board = get(format!("/funds/{fund}/projects/board")).await;
    let mut want: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for project in &PROJECTS {
        *want.entry(ends_at(project)).or_default() += 1;
    }
    let columns = board["items"].as_array().unwrap();
    assert_eq!(columns.len(), 7, "{board}");
    for column in columns {
        let stage = column["stage"].as_str().unwrap();
        let count = |status| want.get(&(stage, status)).copied().unwrap_or(0);
        assert!(count("active") > 0, "no project at {stage}: {board}");
        let active = column["projects"].as_array().unwrap().len();
        assert_eq!(i64::try_from(active).unwrap(), count("active"), "{stage}");
        assert_eq!(column["rejected"], count("rejected"), "{stage}");
        assert_eq!(column["withdrawn"], count("withdrawn"), "{stage}");
    }

    // The portfolio: each investment's cost, what its paid-in ratio requires, its exits.
    let portfolio = get(format!("/funds/{fund}/portfolio")).await;
    let investments = portfolio["investments"].as_array().unwrap();
    for (index, project) in PROJECTS.iter().enumerate() {
        let Story::Committee(deal) = project.story else {
            continue;
        };
        let line = investments
            .iter()
            .find(|i| i["project_id"] == json!(loaded.projects[index]));
        let Some(investment) = deal.investment.filter(|_| outcome(deal.votes) == "passed") else {
            assert!(line.is_none(), "{}: {line:?}", project.company);
            continue;
        };
        let line = line.unwrap();
        let (paid_in, _) = investment.paid_in.last().unwrap();
        let required = (dec(deal.amount) * dec(paid_in) / dec(investment.registered_capital))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(amount(&line["required_cumulative"]), required, "{line}");
        assert_eq!(amount(&line["paid"]), required, "{line}");
        let (released, got) = investment.exit.map_or((Decimal::ZERO, Decimal::ZERO), |e| {
            (dec(e.cost_released), dec(e.proceeds))
        });
        assert_eq!(amount(&line["cost_released"]), released, "{line}");
        assert_eq!(amount(&line["realised"]), got - released, "{line}");
        assert_eq!(line["company"], project.company);
    }
    let triggers: Vec<&Value> = investments
        .iter()
        .flat_map(|i| i["triggers"].as_array().unwrap())
        .collect();
    for raised in [
        "moved_out_of_city",
        "going_concern_lost",
        "shareholder_buyer",
    ] {
        assert!(triggers.contains(&&json!(raised)), "{raised}: {portfolio}");
    }

    // The committee: every proposal and exit plan voted today, one left open.
    let mut want: BTreeMap<&str, usize> = BTreeMap::new();
    for project in &PROJECTS {
        if let Story::Committee(deal) = project.story {
            *want.entry(outcome(deal.votes)).or_default() += 1;
            let exit = deal.investment.and_then(|i| i.exit);
            if let Some(exit) = exit.filter(|_| outcome(deal.votes) == "passed") {
                *want.entry(outcome(exit.votes)).or_default() += 1;
            }
        }
    }
    let resolutions = get(format!("/funds/{fund}/resolutions?limit=100")).await;
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for r in resolutions["items"].as_array().unwrap() {
        *got.entry(r["status"].as_str().unwrap()).or_default() += 1;
    }
    assert_eq!(got, want, "{resolutions}");
    assert_eq!(want.get("failed"), Some(&1));
    assert!(resolutions["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["mode"] == "on_site"));

    // The member whose inbox keeps the open resolution, found as `fundadmin demo --ids` does.
    let found = api::demo::find(&app.db.pool).await.unwrap();
    assert_eq!((found.funds, found.fund_id), (1, Some(fund)));
    let member = Principal::Member {
        fund: FundId(fund),
        seat: i32::try_from(found.member_seat).unwrap(),
        member: MemberId(found.member_id.unwrap()),
    };
    let inbox = app
        .get("/me/resolutions", &app.token(&member, None).await)
        .await;
    assert_eq!(inbox.status, 200, "{}", inbox.text);
    assert_eq!(
        inbox.json["items"].as_array().unwrap().len(),
        want["open"],
        "{}",
        inbox.text
    );

    // The write-off's exemption case: every condition evidenced, attested, granted.
    let client = app.db.pool.get().await.unwrap();
    let case: String = client
        .query_one(
            "SELECT stream_id FROM events WHERE event_type = 'CaseOpened'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let case = get(format!("/funds/{fund}/exemption-cases/{case}")).await;
    assert_eq!(case["status"], "granted", "{case}");
    assert_eq!(case["evaluations"][0]["passed"], true, "{case}");
    assert_eq!(case["missing_attestations"], json!([]), "{case}");
    assert!(amount(&case["loss"]) > Decimal::ZERO);

    // The log's hash chains are intact.
    assert!(eventstore::verify::verify(&app.db.pool)
        .await
        .unwrap()
        .is_intact());
    assert!(loaded.requests > 200 && loaded.events > 200, "{loaded:?}");
    println!(
        "demo loaded: {} requests, {} events in {:?}",
        loaded.requests, loaded.events, loaded.elapsed
    );
}

#[tokio::test]
async fn every_filed_report_regenerates_to_its_hash_and_nothing_loaded_later_amends_it() {
    let (app, loaded) = loaded().await;
    let t = loaded.timeline;
    let fund = loaded.fund_id;
    app.catch_up().await;
    let kinds: Vec<&str> = loaded.filed.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&"h1") && kinds.contains(&"annual"),
        "{kinds:?}"
    );
    assert_eq!(loaded.filed.len(), t.ended_periods().len());
    let regulator = Principal::Regulator {
        agency: script::REGULATOR.into(),
        funds: vec![FundId(fund)],
    };
    let regulator = app.token(&regulator, None).await;
    let manager = app
        .token(&Principal::Manager { fund: FundId(fund) }, None)
        .await;
    let list = app
        .get(&format!("/funds/{fund}/reports?status=filed"), &regulator)
        .await;
    assert_eq!(
        list.json["items"].as_array().unwrap().len(),
        loaded.filed.len(),
        "{}",
        list.text
    );
    for filed in &loaded.filed {
        let path = filed.path(fund);
        let v = app.get(&format!("{path}/verification"), &regulator).await;
        assert_eq!(v.status, 200, "{}", v.text);
        assert_eq!(v.json["matches"], true, "{path}: {}", v.text);
        assert_eq!(
            v.json["regenerated_sha256"],
            filed.sha256.as_str(),
            "{path}"
        );
        assert_eq!(v.json["recorded_sha256"], filed.sha256.as_str(), "{path}");
        let doc = app.get(&path, &regulator).await;
        assert_eq!(doc.status, 200, "{}", doc.text);
        let year = t.established.year();
        assert!(filed.year >= year, "{path}");
        assert_eq!(doc.json["basics"]["name"], script::FUND_NAME, "{path}");
        // Today's committee session and investments are outside every ended period: drafting
        // the period again gives the filed document, so no amendment is due.
        let body = serde_json::to_vec(&json!({ "kind": filed.kind, "year": filed.year })).unwrap();
        let again = app
            .send(
                Method::POST,
                &format!("/funds/{fund}/reports"),
                Some(&manager),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(again.status, 200, "{path}: {}", again.text);
        assert_eq!(again.json["recorded"], false, "{path}: {}", again.text);
        assert_eq!(again.json["sha256"], filed.sha256.as_str(), "{path}");
    }
}

/// `fundadmin demo` and `fundadmin demo --ids` as `ops/run` runs them.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_loads_the_demo_once_and_prints_its_ids() {
    let db = test_db().await;
    let fundadmin = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fundadmin"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    };
    assert_eq!(
        fundadmin(&["demo", "--ids"]),
        (true, "funds=0\n".into(), String::new())
    );
    let (ok, out, err) = fundadmin(&["demo"]);
    assert!(
        ok && out.starts_with("loaded the demo fund 昆山市天使投资基金"),
        "{out}{err}"
    );
    let (ok, ids, _) = fundadmin(&["demo", "--ids"]);
    assert!(ok, "{ids}");
    let ids: BTreeMap<&str, &str> = ids.lines().filter_map(|l| l.split_once('=')).collect();
    let fund = ids["fund_id"];
    assert!(out.contains(fund), "{out}");
    assert_eq!((ids["funds"], ids["member_seat"]), ("1", "3"));
    assert!(ids["member_id"].parse::<uuid::Uuid>().is_ok(), "{ids:?}");
    // The last annual report filed: last year's, as the demo's calendar counts it.
    let t = Timeline::new(api::clock::china_today());
    let year = t.fee_years().last().unwrap();
    let report = format!("/funds/{fund}/reports/annual/{year}/versions/1");
    assert_eq!(ids["report"], report);
    // A second load is refused: the database holds a fund.
    let (ok, out, err) = fundadmin(&["demo"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("already holds 1 fund"), "{err}");
}
