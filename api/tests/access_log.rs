//! The access log (Security issue): reads of report documents, report verifications and
//! evidence packages by anyone but the fund's manager are recorded — who, what, when — and
//! the manager reads them; nobody else may.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;
mod reports_fixture;

use api::auth::Principal;
use reports_fixture::Fixture;
use serde_json::Value;

async fn log(f: &Fixture, token: &str) -> Vec<Value> {
    let r = f
        .app
        .get(&format!("/funds/{}/access-log", f.fund), token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn reads_of_reports_by_others_than_the_manager_are_logged_for_the_manager() {
    let f = Fixture::new().await;
    f.filed_h1().await; // the manager reads version 1: not logged
    assert!(log(&f, &f.manager).await.is_empty());

    let regulator = f.regulator_token(&[f.fund]).await;
    let lp = f.lp_token(0).await;
    let document = f.version(1, "?format=csv&table=lps");
    assert_eq!(f.app.get(&document, &regulator).await.status, 200);
    let verification = f.version(1, "/verification");
    assert_eq!(f.app.get(&verification, &regulator).await.status, 200);
    assert_eq!(f.app.get(&f.version(1, ""), &lp).await.status, 200);
    // A refused read records nothing.
    assert_eq!(f.app.get(&f.version(9, ""), &regulator).await.status, 404);

    let entries = log(&f, &f.manager).await;
    let seen: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["role"].as_str().unwrap(),
                e["what"].as_str().unwrap(),
                e["resource"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("regulator", "report_document", document.as_str()),
            ("regulator", "report_verification", verification.as_str()),
            ("lp", "report_document", f.version(1, "").as_str()),
        ]
    );
    assert!(entries[0]["actor"]
        .as_str()
        .unwrap()
        .contains("昆山市金融监管局"));
    assert!(entries
        .iter()
        .all(|e| e["at"].is_string() && e["token_id"].is_string()));
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    // Paging.
    let r = f
        .app
        .get(&format!("/funds/{}/access-log?limit=2", f.fund), &f.manager)
        .await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 2);
    let next = r.json["next_after"].as_i64().unwrap();
    let r = f
        .app
        .get(
            &format!("/funds/{}/access-log?after={next}", f.fund),
            &f.manager,
        )
        .await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
    assert!(r.json.get("next_after").is_none());

    // The admin reads it too; the regulator, the LP and the custodian may not.
    assert_eq!(log(&f, &f.app.admin).await.len(), 3);
    let path = format!("/funds/{}/access-log", f.fund);
    f.app
        .get(&path, &regulator)
        .await
        .assert_problem(403, "forbidden");
    f.app.get(&path, &lp).await.assert_problem(403, "forbidden");
    f.app
        .get(&path, &f.custodian)
        .await
        .assert_problem(403, "forbidden");
    let elsewhere = f.app.establish("昆山市第二天使投资基金").await;
    let other = Principal::Regulator {
        agency: "别处".into(),
        funds: vec![domain::FundId(elsewhere)],
    };
    let other = f.app.token(&other, None).await;
    f.app
        .get(&path, &other)
        .await
        .assert_problem(404, "fund_not_found");
    let r = f.app.get(&format!("{path}?limit=0"), &f.manager).await;
    r.assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn the_log_cannot_be_changed() {
    let f = Fixture::new().await;
    f.filed_h1().await;
    let regulator = f.regulator_token(&[f.fund]).await;
    assert_eq!(f.app.get(&f.version(1, ""), &regulator).await.status, 200);
    let client = f.app.db.pool.get().await.unwrap();
    assert!(client
        .execute("UPDATE access_log SET actor = 'nobody'", &[])
        .await
        .is_err());
    assert!(client.execute("DELETE FROM access_log", &[]).await.is_err());
    assert_eq!(log(&f, &f.manager).await.len(), 1);
}
