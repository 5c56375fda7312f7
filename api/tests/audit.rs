//! The audit feed (Security issue, tamper evidence): a regulator pages through a fund's events
//! and checks every hash and every chain with its own code — sorted-key JSON and sha256, as
//! docs/API.md describes — without trusting the server's.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;
mod reports_fixture;

use api::auth::Principal;
use reports_fixture::Fixture;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Every event of `fund` in the feed, `page` at a time.
async fn feed(f: &Fixture, token: &str, page: usize) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let mut path = format!("/events?fund_id={}&limit={page}", f.fund);
        if !after.is_empty() {
            path.push_str(&format!("&after={after}"));
        }
        let r = f.app.get(&path, token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let items = r.json["items"].as_array().unwrap();
        all.extend(items.iter().cloned());
        match r.json["next_after"].as_str() {
            Some(next) => after = next.to_owned(),
            None => return all,
        }
    }
}

/// The hash of `event` as an outside party computes it: sha256 over the previous hash and the
/// event's fields as JSON with sorted keys and no whitespace.
fn outside_hash(event: &Value) -> String {
    let fields = json!({
        "effective_at": event["effective_at"],
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "metadata": event["metadata"],
        "payload": event["payload"],
        "recorded_at": event["recorded_at"],
        "schema_version": event["schema_version"],
        "stream_id": event["stream_id"],
        "stream_type": event["stream_type"],
        "stream_version": event["stream_version"],
    });
    // serde_json's map is ordered by key, so this is the canonical form.
    let canonical = serde_json::to_vec(&fields).unwrap();
    let previous = hex::decode(event["previous_hash"].as_str().unwrap()).unwrap();
    let mut h = Sha256::new();
    h.update(&previous);
    h.update(&canonical);
    hex::encode(h.finalize())
}

#[tokio::test]
async fn a_regulator_verifies_every_hash_and_chain_of_the_fund_on_its_own() {
    let f = Fixture::new().await;
    f.filed_h1().await;
    let other = f.app.establish("昆山市第二天使投资基金").await;
    let regulator = Principal::Regulator {
        agency: "昆山市财政局".into(),
        funds: vec![domain::FundId(f.fund)],
    };
    let regulator = f.app.token(&regulator, None).await;

    // The feed shows a transaction once every older one in the cluster has ended (other tests
    // run in parallel): wait until it shows every event of the fund's streams.
    let client = f.app.db.pool.get().await.unwrap();
    let stored: i64 = client
        .query_one(
            "SELECT count(*) FROM events WHERE stream_id IN (SELECT stream_id FROM events \
             WHERE stream_version = 1 AND payload->>'fund_id' = $1)",
            &[&f.fund.to_string()],
        )
        .await
        .unwrap()
        .get(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let events = loop {
        let events = feed(&f, &regulator, 3).await;
        if events.len() as i64 == stored || std::time::Instant::now() > deadline {
            break events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(events.len() as i64, stored);
    // Every stream of the fund: its own, and its report's; nothing of the other fund.
    let mut streams: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for e in &events {
        streams
            .entry(e["stream_id"].as_str().unwrap().to_owned())
            .or_default()
            .push(e);
    }
    assert!(streams.contains_key(&f.fund.to_string()));
    assert!(streams.keys().any(|s| s.starts_with("report-")));
    assert!(!streams.contains_key(&other.to_string()));
    // Each event's hash as computed outside, each chain whole from version 1.
    for e in &events {
        assert_eq!(outside_hash(e), e["hash"].as_str().unwrap(), "{e}");
    }
    for (stream, list) in &streams {
        let mut previous = "0".repeat(64);
        for (i, e) in list.iter().enumerate() {
            assert_eq!(e["stream_version"], i as i64 + 1, "{stream}");
            assert_eq!(e["previous_hash"], previous.as_str(), "{stream}");
            previous = e["hash"].as_str().unwrap().to_owned();
        }
        // The chain ends at the stream's head.
        let row = client
            .query_one(
                "SELECT version, head_hash FROM streams WHERE stream_id = $1",
                &[stream],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<_, i64>(0), list.len() as i64);
        assert_eq!(hex::encode(row.get::<_, Vec<u8>>(1)), previous);
    }
    // The same count as the log holds for these streams; paging lost nothing.
    assert_eq!(feed(&f, &regulator, 1000).await.len(), events.len());

    // A payload changed in transit no longer matches its hash.
    let mut tampered = events[0].clone();
    tampered["payload"]["name"] = json!("另一个基金");
    assert_ne!(outside_hash(&tampered), tampered["hash"].as_str().unwrap());
}

#[tokio::test]
async fn who_may_read_the_feed() {
    let f = Fixture::new().await;
    let path = format!("/events?fund_id={}", f.fund);
    assert_eq!(f.app.get(&path, &f.manager).await.status, 200);
    assert_eq!(f.app.get("/events?limit=5", &f.app.admin).await.status, 200);
    let lp = f.lp_token(0).await;
    f.app.get(&path, &lp).await.assert_problem(403, "forbidden");
    f.app
        .get(&path, &f.custodian)
        .await
        .assert_problem(403, "forbidden");
    let elsewhere = f.app.establish("昆山市第二天使投资基金").await;
    let other = f.regulator_token(&[elsewhere]).await;
    f.app
        .get(&path, &other)
        .await
        .assert_problem(404, "fund_not_found");
    f.app
        .get("/events", &other)
        .await
        .assert_problem(400, "invalid_query");
    for bad in [
        "after=x",
        "after=1-",
        "after=-1-2",
        "limit=0",
        "limit=1001",
        "fund=1",
    ] {
        f.app
            .get(&format!("{path}&{bad}"), &f.manager)
            .await
            .assert_problem(400, "invalid_query");
    }
    let r = f
        .app
        .send(axum::http::Method::GET, &path, None, None, &[])
        .await;
    r.assert_problem(401, "unauthenticated");
}
