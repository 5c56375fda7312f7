//! The investment committee over REST: appointments, written and on-site resolutions, votes
//! by members for their own seats, observers' comments, the outcome recorded once under
//! concurrent votes, and who is refused.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::Principal;
use common::{spawn_app, TestApp, TestResponse};
use domain::{FundId, MemberId, ObserverId};
use serde_json::{json, Value};
use uuid::Uuid;

/// A fund with its five seats filled, a token per member and an observer.
struct Committee {
    fund: Uuid,
    manager: String,
    members: Vec<(Uuid, String)>,
    observer: String,
}

async fn committee(app: &TestApp) -> Committee {
    let fund = app.establish("昆山市天使投资基金").await;
    let (manager, _) = app.fund_tokens(fund).await;
    let mut members = Vec::new();
    for seat in 1..=5 {
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": "2021-09-01" });
        let suffix = format!("/committee/seats/{seat}/appointment");
        let r = app.ok(&manager, fund, &suffix, body).await;
        let member: Uuid = r.json["person_id"].as_str().unwrap().parse().unwrap();
        let token = member_token(app, fund, seat, member).await;
        members.push((member, token));
    }
    let body = json!({ "name": "观察员", "body": "昆山开发区" });
    let r = app.ok(&manager, fund, "/committee/observers", body).await;
    let observer = ObserverId(r.json["person_id"].as_str().unwrap().parse().unwrap());
    let observer = app
        .token(
            &Principal::Observer {
                fund: FundId(fund),
                observer,
            },
            None,
        )
        .await;
    Committee {
        fund,
        manager,
        members,
        observer,
    }
}

async fn member_token(app: &TestApp, fund: Uuid, seat: i32, member: Uuid) -> String {
    let principal = Principal::Member {
        fund: FundId(fund),
        seat,
        member: MemberId(member),
    };
    app.token(&principal, None).await
}

fn resolution(amount: &str, mode: &str) -> Value {
    json!({ "subject": { "kind": "investment", "title": "投资昆山某某科技有限公司",
                         "reference": "project-17" },
            "amount": amount, "mode": mode, "deadline": "2099-01-01T00:00:00Z",
            "documents": [{ "title": "尽职调查报告", "reference": "DD-2024-017" }] })
}

async fn open(app: &TestApp, c: &Committee, body: Value) -> String {
    let r = app.ok(&c.manager, c.fund, "/resolutions", body).await;
    assert_eq!(r.json["status"], "open");
    r.json["resolution_id"].as_str().unwrap().to_owned()
}

async fn vote(app: &TestApp, c: &Committee, token: &str, id: &str, choice: &str) -> TestResponse {
    let body = json!({ "choice": choice, "reason": "符合投资条件" });
    app.post(token, c.fund, &format!("/resolutions/{id}/votes"), body)
        .await
}

/// Events of one stream by type.
async fn events_of(app: &TestApp, stream: &str, event_type: &str) -> i64 {
    let client = app.db.pool.get().await.unwrap();
    client
        .query_one(
            "SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = $2",
            &[&stream, &event_type],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn four_approvals_pass_a_written_resolution_and_later_votes_are_refused() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    // Exactly 3,000,000 may be circulated in writing; a fen more may not.
    let r = app
        .refused(
            &c.manager,
            c.fund,
            "/resolutions",
            resolution("3000000.01", "written"),
            (422, "on_site_meeting_required"),
        )
        .await;
    assert_eq!(r.json["rule"], "Art. 15(6)");
    let id = open(&app, &c, resolution("3000000.00", "written")).await;

    for (seat, expected) in [(0, "open"), (1, "open"), (2, "open"), (3, "passed")] {
        let r = vote(&app, &c, &c.members[seat].1, &id, "approve").await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.json["status"], expected);
    }
    let r = vote(&app, &c, &c.members[3].1, &id, "approve").await;
    r.assert_problem(422, "resolution_decided");
    let r = vote(&app, &c, &c.members[4].1, &id, "reject").await;
    r.assert_problem(422, "resolution_decided");
    assert_eq!(r.json["rule"], "Art. 14");
    assert_eq!(events_of(&app, &id, "VoteCast").await, 4);
    assert_eq!(events_of(&app, &id, "ResolutionPassed").await, 1);
}

#[tokio::test]
async fn two_seats_not_approving_fail_a_resolution_at_once() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    let id = open(&app, &c, resolution("1000000.00", "written")).await;
    let r = vote(&app, &c, &c.members[0].1, &id, "recuse").await;
    assert_eq!(r.json["status"], "open");
    let r = vote(&app, &c, &c.members[1].1, &id, "abstain").await;
    assert_eq!(r.json["status"], "failed");
    assert_eq!(r.json["tally"]["recusals"], 1);
    assert_eq!(r.json["tally"]["abstentions"], 1);
    assert_eq!(r.json["tally"]["outstanding"], 3);
}

#[tokio::test]
async fn only_a_member_votes_and_only_for_its_own_seat_on_its_own_fund() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    let other = committee(&app).await;
    let id = open(&app, &c, resolution("1000000.00", "written")).await;
    let before = app.event_count().await;
    let body = json!({ "choice": "approve" });
    let suffix = format!("/resolutions/{id}/votes");
    app.refused(
        &c.observer,
        c.fund,
        &suffix,
        body.clone(),
        (403, "forbidden"),
    )
    .await;
    app.refused(
        &c.manager,
        c.fund,
        &suffix,
        body.clone(),
        (403, "forbidden"),
    )
    .await;
    // A member of another fund's committee does not see this fund at all.
    app.refused(
        &other.members[0].1,
        c.fund,
        &suffix,
        body.clone(),
        (404, "fund_not_found"),
    )
    .await;
    // Its own fund's path with this fund's resolution: not its fund's resolution.
    app.refused(
        &other.members[0].1,
        other.fund,
        &suffix,
        body.clone(),
        (404, "resolution_not_found"),
    )
    .await;
    // A token for seat 2 whose person is seat 1's member: voting for another seat.
    let wrong = member_token(&app, c.fund, 2, c.members[0].0).await;
    app.refused(&wrong, c.fund, &suffix, body.clone(), (403, "forbidden"))
        .await;
    // A seat in the body is not how a seat is chosen.
    let mut with_seat = body.clone();
    with_seat["seat"] = json!(2);
    app.refused(
        &c.members[0].1,
        c.fund,
        &suffix,
        with_seat,
        (422, "invalid_request"),
    )
    .await;
    assert_eq!(app.event_count().await, before);
    // Observers comment.
    let r = app
        .ok(
            &c.observer,
            c.fund,
            &format!("/resolutions/{id}/comments"),
            json!({ "text": "建议关注知识产权归属" }),
        )
        .await;
    assert_eq!(r.json["status"], "open");
}

#[tokio::test]
async fn a_re_appointed_seat_votes_with_its_new_member_on_later_resolutions_only() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    let before = open(&app, &c, resolution("1000000.00", "written")).await;
    let body = json!({ "name": "新委员", "appointed_on": "2024-01-01" });
    let r = app
        .ok(&c.manager, c.fund, "/committee/seats/3/appointment", body)
        .await;
    let newcomer: Uuid = r.json["person_id"].as_str().unwrap().parse().unwrap();
    let new_token = member_token(&app, c.fund, 3, newcomer).await;
    let after = open(&app, &c, resolution("1000000.00", "written")).await;

    let r = vote(&app, &c, &new_token, &before, "approve").await;
    r.assert_problem(403, "forbidden");
    assert_eq!(
        vote(&app, &c, &c.members[2].1, &before, "approve")
            .await
            .status,
        201
    );
    assert_eq!(
        vote(&app, &c, &new_token, &after, "approve").await.status,
        201
    );
    vote(&app, &c, &c.members[2].1, &after, "approve")
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn an_on_site_meeting_takes_the_votes_of_attending_members_while_it_is_open() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    let id = open(&app, &c, resolution("5000000.00", "on_site")).await;
    let at = |s: &str| format!("/resolutions/{id}{s}");
    let r = vote(&app, &c, &c.members[0].1, &id, "approve").await;
    r.assert_problem(422, "meeting_not_open");
    app.ok(
        &c.manager,
        c.fund,
        &at("/meeting"),
        json!({ "meets_at": "2098-06-20T02:00:00Z", "place": "昆山市科创大厦 8楼" }),
    )
    .await;
    for seat in 1..=4 {
        app.ok(
            &c.manager,
            c.fund,
            &at("/attendance"),
            json!({ "seat": seat }),
        )
        .await;
    }
    app.refused(
        &c.manager,
        c.fund,
        &at("/attendance"),
        json!({}),
        (422, "invalid_request"),
    )
    .await;
    app.ok(&c.manager, c.fund, &at("/meeting/opening"), json!({}))
        .await;
    let r = vote(&app, &c, &c.members[4].1, &id, "approve").await;
    r.assert_problem(422, "not_attending");
    for (seat, choice) in [
        (0, "approve"),
        (1, "approve"),
        (2, "approve"),
        (3, "reject"),
    ] {
        let r = vote(&app, &c, &c.members[seat].1, &id, choice).await;
        assert_eq!(r.json["status"], "open", "{}", r.text);
    }
    // Seat 5 is absent: closing without a fourth approval fails the resolution.
    let r = app
        .ok(&c.manager, c.fund, &at("/meeting/closing"), json!({}))
        .await;
    assert_eq!(r.json["status"], "failed");
    assert_eq!(events_of(&app, &id, "ResolutionFailed").await, 1);
}

#[tokio::test]
async fn members_voting_at_once_and_retrying_record_one_vote_each_and_one_outcome() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    // Three approvals, then two rejections: whatever the order, the outcome is settled by
    // the vote that makes it certain, and every later vote is refused.
    let id = open(&app, &c, resolution("1000000.00", "written")).await;
    let choices = ["approve", "approve", "approve", "reject", "reject"];
    let mut attempts = Vec::new();
    for round in 0..2 {
        for (seat, (_, token)) in c.members.iter().enumerate() {
            let (app, fund, id) = (&app, c.fund, id.clone());
            let key = format!("vote-{seat}");
            attempts.push(async move {
                let body = serde_json::to_vec(&json!({ "choice": choices[seat] })).unwrap();
                let path = format!("/funds/{fund}/resolutions/{id}/votes");
                let r = app
                    .send(
                        axum::http::Method::POST,
                        &path,
                        Some(token),
                        Some(&body),
                        &[("Idempotency-Key", key.as_str())],
                    )
                    .await;
                (seat, round, r)
            });
        }
    }
    let results = futures::future::join_all(attempts).await;
    for (seat, round, r) in &results {
        let ok = r.status == 201
            || (r.status == 422
                && ["resolution_decided", "seat_already_voted"]
                    .contains(&r.json["code"].as_str().unwrap()));
        assert!(ok, "seat {seat} round {round}: {} {}", r.status, r.text);
    }
    let votes = events_of(&app, &id, "VoteCast").await;
    let outcomes = events_of(&app, &id, "ResolutionFailed").await
        + events_of(&app, &id, "ResolutionPassed").await;
    assert_eq!(outcomes, 1, "exactly one outcome");
    assert!((2..=5).contains(&votes), "{votes} votes");
    let client = app.db.pool.get().await.unwrap();
    let distinct: i64 = client
        .query_one(
            "SELECT count(DISTINCT payload->>'seat') FROM events \
             WHERE stream_id = $1 AND event_type = 'VoteCast'",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(distinct, votes, "a seat voted twice");
    // The outcome is the last event: nothing was recorded after it.
    let last: String = client
        .query_one(
            "SELECT event_type FROM events WHERE stream_id = $1 \
             ORDER BY stream_version DESC LIMIT 1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert!(last.starts_with("Resolution"), "{last}");
}

#[tokio::test]
async fn the_read_model_shows_resolutions_votes_inboxes_and_voting_records() {
    let app = spawn_app().await;
    let c = committee(&app).await;
    let decided = open(&app, &c, resolution("2000000.00", "written")).await;
    let pending = open(&app, &c, resolution("500000.00", "written")).await;
    for seat in 0..4 {
        vote(&app, &c, &c.members[seat].1, &decided, "approve").await;
    }
    vote(&app, &c, &c.members[0].1, &pending, "reject").await;
    app.ok(
        &c.observer,
        c.fund,
        &format!("/resolutions/{pending}/comments"),
        json!({ "text": "请补充财务尽调" }),
    )
    .await;
    app.catch_up().await;

    let seats = app
        .get(&format!("/funds/{}/committee", c.fund), &c.manager)
        .await;
    assert_eq!(seats.json["seats"].as_array().unwrap().len(), 5);
    assert_eq!(seats.json["seats"][1]["body"], "财政局");
    let list = app
        .get(
            &format!("/funds/{}/resolutions?status=passed", c.fund),
            &c.manager,
        )
        .await;
    let ids: Vec<&str> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resolution_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [decided.as_str()]);
    let bad = app
        .get(
            &format!("/funds/{}/resolutions?status=won", c.fund),
            &c.manager,
        )
        .await;
    bad.assert_problem(400, "invalid_query");

    let one = app
        .get(
            &format!("/funds/{}/resolutions/{pending}", c.fund),
            &c.members[4].1,
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json["status"], "open");
    assert_eq!(one.json["tally"]["rejections"], 1);
    assert_eq!(one.json["documents"][0]["reference"], "DD-2024-017");
    assert_eq!(one.json["votes"][0]["choice"], "reject");
    assert_eq!(one.json["comments"][0]["text"], "请补充财务尽调");

    // Seat 1 voted on both: nothing awaits it. Seat 5 has the pending one only.
    let inbox = |token: &str| {
        let (app, token) = (&app, token.to_owned());
        async move { app.get("/me/resolutions", &token).await.json["items"].clone() }
    };
    assert_eq!(inbox(&c.members[0].1).await, json!([]));
    let fifth = inbox(&c.members[4].1).await;
    assert_eq!(fifth.as_array().unwrap().len(), 1);
    assert_eq!(fifth[0]["resolution_id"], pending.as_str());
    app.get("/me/resolutions", &c.manager)
        .await
        .assert_problem(403, "forbidden");

    let member = c.members[0].0;
    let record = app
        .get(
            &format!("/funds/{}/members/{member}/votes", c.fund),
            &c.manager,
        )
        .await;
    let choices: Vec<&str> = record.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["choice"].as_str().unwrap())
        .collect();
    assert_eq!(choices, ["approve", "reject"]);
}
