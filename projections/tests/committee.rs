//! The committee read model, fed by a real committee history through the repositories: the
//! committee as it stands after a re-appointment, resolutions passed, failed at a meeting,
//! lapsed and still open, their votes, attendance and comments, the listing filters and a
//! member's voting record; a rebuild from the log gives the same rows.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod committee_history;

use committee_history::{d, history, member, observer, t, History, Resolutions, DEADLINE};
use domain::committee::{Mode, SubjectKind};
use domain::{FundId, ResolutionId};
use projections::committee::{self, CommitteeProjection, ResolutionFilter, TallyView};
use projections::runner::rebuild;
use rust_decimal::Decimal;
use uuid::Uuid;

fn tally(counts: [i32; 6]) -> TallyView {
    let [approvals, rejections, abstentions, recusals, outstanding, vacant] = counts;
    TallyView {
        approvals,
        rejections,
        abstentions,
        recusals,
        outstanding,
        vacant,
    }
}

/// Every row of every committee table, in key order.
async fn all_rows(h: &History) -> Vec<Vec<serde_json::Value>> {
    let c = h.db.pool.get().await.unwrap();
    let mut tables = Vec::new();
    for (table, key) in [
        ("rm_committee_seats", "fund_id, seat"),
        ("rm_committee_members", "fund_id, member_id"),
        ("rm_committee_observers", "fund_id, observer_id"),
        ("rm_resolutions", "resolution_id"),
        ("rm_resolution_votes", "resolution_id, seat"),
        ("rm_resolution_attendance", "resolution_id, version"),
        ("rm_resolution_comments", "resolution_id, version"),
    ] {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        let rows = c.query(&sql, &[]).await.unwrap();
        tables.push(rows.iter().map(|r| r.get(0)).collect());
    }
    tables
}

async fn check(h: &History, fund: FundId, r: &Resolutions) {
    let c = h.db.pool.get().await.unwrap();
    let c = &**c;

    let now = committee::committee(c, fund.0).await.unwrap();
    let seats: Vec<(i32, &str, Uuid, &str)> = now
        .seats
        .iter()
        .map(|s| (s.seat, s.body.as_str(), s.member_id, s.name.as_str()))
        .collect();
    assert_eq!(
        seats,
        [
            (1, "科创办(人才办)", member(1).0, "张伟"),
            (2, "财政局", member(6).0, "孙丽"),
            (3, "科技局", member(3).0, "李娜"),
            (4, "工研院", member(4).0, "刘洋"),
            (5, "工研院", member(5).0, "周杰"),
        ]
    );
    assert_eq!(now.seats[1].since, d("2024-03-01"));
    let observers: Vec<(Uuid, &str)> = now
        .observers
        .iter()
        .map(|o| (o.observer_id, o.body.as_str()))
        .collect();
    assert_eq!(
        observers,
        [
            (observer(1).0, "昆山开发区"),
            (observer(2).0, "昆山高新区"),
            (observer(3).0, "花桥经济开发区"),
        ]
    );

    // Every resolution, by id, with its status and count.
    let list = |filter: ResolutionFilter, after: Option<ResolutionId>, limit: i64| async move {
        committee::resolutions(c, fund.0, &filter, after.map(|a| a.0), limit)
            .await
            .unwrap()
    };
    let all = list(ResolutionFilter::default(), None, 100).await;
    let ids: Vec<Uuid> = all.iter().map(|s| s.resolution_id).collect();
    assert_eq!(ids, [r.open.0, r.passed.0, r.failed.0, r.lapsed.0]);
    let statuses: Vec<(&str, Option<&str>, TallyView)> = all
        .iter()
        .map(|s| (s.status.as_str(), s.failed_because.as_deref(), s.tally))
        .collect();
    assert_eq!(
        statuses,
        [
            ("open", None, tally([2, 0, 0, 0, 2, 1])),
            ("passed", None, tally([4, 0, 0, 1, 0, 0])),
            (
                "failed",
                Some("quorum_unreachable"),
                tally([0, 1, 1, 0, 3, 0])
            ),
            ("lapsed", None, tally([1, 0, 0, 0, 4, 0])),
        ]
    );
    let open = &all[0];
    assert_eq!(
        (
            open.subject_kind.as_str(),
            open.title.as_str(),
            open.reference.as_str()
        ),
        ("investment", "甲项目", "ref-甲项目")
    );
    assert_eq!(
        (open.amount, open.mode.as_str()),
        (Decimal::new(200_000_000, 2), "written")
    );
    assert_eq!((open.quorum, open.seat_count), (4, 5));
    assert_eq!(open.deadline, t(DEADLINE));
    assert_eq!(
        (open.opened_at, open.decided_at),
        (t("2024-01-05T02:00:00Z"), None)
    );
    assert_eq!(all[1].decided_at, Some(t("2024-02-02T05:00:00Z")));
    assert_eq!(all[3].decided_at, Some(t("2024-04-09T00:00:00Z")));

    // Filters and pages.
    let of = |rows: Vec<projections::committee::ResolutionSummary>| -> Vec<Uuid> {
        rows.iter().map(|s| s.resolution_id).collect()
    };
    let status = |s: &str| ResolutionFilter {
        status: Some(s.into()),
        ..ResolutionFilter::default()
    };
    assert_eq!(of(list(status("passed"), None, 100).await), [r.passed.0]);
    assert_eq!(of(list(status("open"), None, 100).await), [r.open.0]);
    let kind = ResolutionFilter {
        subject_kind: Some("investment".into()),
        ..ResolutionFilter::default()
    };
    assert_eq!(of(list(kind, None, 100).await), [r.open.0, r.passed.0]);
    let inbox = |seat| ResolutionFilter {
        seat_open_for: Some(seat),
        ..ResolutionFilter::default()
    };
    // Seats 3 and 4 may still vote on the open one; 1 and 2 voted; 5 was vacant on it.
    for (seat, expected) in [
        (1, vec![]),
        (2, vec![]),
        (3, vec![r.open.0]),
        (4, vec![r.open.0]),
        (5, vec![]),
    ] {
        assert_eq!(
            of(list(inbox(seat), None, 100).await),
            expected,
            "seat {seat}"
        );
    }
    let page = list(ResolutionFilter::default(), Some(r.open), 2).await;
    assert_eq!(of(page), [r.passed.0, r.failed.0]);
    assert_eq!(
        of(list(ResolutionFilter::default(), Some(r.lapsed), 2).await),
        Vec::<Uuid>::new()
    );
    assert!(
        committee::resolutions(c, Uuid::now_v7(), &ResolutionFilter::default(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The passed one: the seats as opened (seat 2 still 王芳), votes with reasons, a comment.
    let passed = committee::resolution(c, fund.0, r.passed.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(passed.summary, all[1]);
    // Every seat held, named and voted.
    let seats: Vec<(i32, Uuid, &str, &str)> = passed
        .seats
        .iter()
        .map(|s| {
            let name = s.name.as_deref().unwrap();
            (
                s.seat,
                s.member_id.unwrap(),
                name,
                s.choice.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seats,
        [
            (1, member(1).0, "张伟", "approve"),
            (2, member(2).0, "王芳", "approve"),
            (3, member(3).0, "李娜", "recuse"),
            (4, member(4).0, "刘洋", "approve"),
            (5, member(5).0, "周杰", "approve"),
        ]
    );
    let votes: Vec<(i32, &str, Option<&str>)> = passed
        .votes
        .iter()
        .map(|v| (v.seat, v.choice.as_str(), v.reason.as_deref()))
        .collect();
    assert_eq!(
        votes,
        [
            (1, "approve", None),
            (3, "recuse", Some("关联关系，申请回避")),
            (2, "approve", None),
            (4, "approve", None),
            (5, "approve", None),
        ]
    );
    assert_eq!(passed.votes[1].cast_at, t("2024-02-02T02:00:00Z"));
    assert_eq!(passed.documents.len(), 1);
    assert_eq!(
        (
            passed.documents[0].title.as_str(),
            passed.documents[0].reference.as_str()
        ),
        ("乙项目尽调报告", "DOC-乙项目")
    );
    assert_eq!(passed.observers.len(), 3);
    assert_eq!(passed.observers[2].name.as_deref(), Some("赵敏"));
    assert_eq!(passed.comments.len(), 1);
    assert_eq!(
        (
            passed.comments[0].name.as_deref(),
            passed.comments[0].text.as_str()
        ),
        (Some("陈静"), "建议关注退出安排")
    );
    assert!(passed.meeting.is_none() && passed.attendance.is_empty());
    // As the API shows it: the summary inlined, amounts as strings, times in RFC 3339.
    let json = serde_json::to_value(&passed).unwrap();
    assert_eq!(json["status"], "passed");
    assert_eq!(json["amount"], "3000000.00");
    assert_eq!(json["tally"]["recusals"], 1);
    assert_eq!(json["decided_at"], "2024-02-02T05:00:00Z");
    assert_eq!(json["seats"][1]["name"], "王芳");

    // The failed one: its meeting, attendance and the new member of seat 2.
    let failed = committee::resolution(c, fund.0, r.failed.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            failed.summary.mode.as_str(),
            failed.summary.subject_kind.as_str()
        ),
        ("on_site", "exit")
    );
    let meeting = failed.meeting.as_ref().unwrap();
    assert_eq!(meeting.place, "昆山市创业大厦三楼会议室");
    assert_eq!(meeting.meets_at, t("2024-03-10T01:30:00Z"));
    assert_eq!(meeting.convened_at, t("2024-03-05T03:00:00Z"));
    assert_eq!(meeting.opened_at, Some(t("2024-03-10T01:30:00Z")));
    assert_eq!(meeting.closed_at, Some(t("2024-03-10T03:00:00Z")));
    let attendance: Vec<(&str, Option<i32>, Option<Uuid>)> = failed
        .attendance
        .iter()
        .map(|a| (a.kind.as_str(), a.seat, a.observer_id))
        .collect();
    assert_eq!(
        attendance,
        [
            ("member", Some(1), None),
            ("member", Some(2), None),
            ("observer", None, Some(observer(2).0))
        ]
    );
    assert_eq!(failed.attendance[2].at, t("2024-03-10T01:22:00Z"));
    assert_eq!(failed.seats[1].member_id, Some(member(6).0));
    assert_eq!(failed.votes[1].name.as_deref(), Some("孙丽"));
    assert_eq!(failed.comments[0].name.as_deref(), Some("杨磊"));

    // The open one: seat 5 vacant.
    let open = committee::resolution(c, fund.0, r.open.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (open.seats[4].member_id, open.seats[4].name.as_deref()),
        (None, None)
    );
    // Another fund's id finds nothing.
    assert!(committee::resolution(c, Uuid::now_v7(), r.open.0)
        .await
        .unwrap()
        .is_none());

    // Voting records: 王芳 on the first two, 孙丽 on the failed one, 张伟 on three.
    let record = |m: u128| async move {
        committee::voting_record(c, fund.0, member(m).0)
            .await
            .unwrap()
    };
    let of_wang = record(2).await;
    let wang: Vec<(Uuid, &str, &str, &str)> = of_wang
        .iter()
        .map(|v| {
            (
                v.resolution_id,
                v.title.as_str(),
                v.choice.as_str(),
                v.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        wang,
        [
            (r.open.0, "甲项目", "approve", "open"),
            (r.passed.0, "乙项目", "approve", "passed")
        ]
    );
    let sun = record(6).await;
    assert_eq!(sun.len(), 1);
    assert_eq!(
        (
            sun[0].seat,
            sun[0].choice.as_str(),
            sun[0].subject_kind.as_str(),
            sun[0].status.as_str()
        ),
        (2, "abstain", "exit", "failed")
    );
    assert_eq!(sun[0].cast_at, t("2024-03-10T02:10:00Z"));
    let zhang = record(1).await;
    assert_eq!(zhang.len(), 3);
    assert_eq!(zhang[2].reason.as_deref(), Some("估值偏高"));
    assert!(record(5)
        .await
        .iter()
        .all(|v| v.resolution_id == r.passed.0));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_committee_and_its_resolutions_follow_the_log_and_a_rebuild_gives_the_same_rows() {
    let mut h = History::new().await;
    let fund = FundId(Uuid::now_v7());
    let r = history(&mut h, fund).await;
    // Another fund's committee and resolution stay apart.
    let other = FundId(Uuid::now_v7());
    // Enough seats held to carry a resolution (4 of 5).
    for (seat, name) in [(1, "张伟"), (2, "王芳"), (3, "刘洋"), (4, "陈静")] {
        h.appoint(other, seat, u128::from(seat), name, "2024-01-02")
            .await;
    }
    h.open(
        other,
        SubjectKind::Other,
        "其他基金",
        0,
        Mode::Written,
        ("2024-01-05T02:00:00Z", DEADLINE),
    )
    .await;
    h.catch_up().await;
    check(&h, fund, &r).await;
    let c = h.db.pool.get().await.unwrap();
    assert_eq!(
        committee::committee(&**c, other.0)
            .await
            .unwrap()
            .seats
            .len(),
        4
    );
    drop(c);

    let before = all_rows(&h).await;
    let counts: Vec<usize> = before.iter().map(Vec::len).collect();
    // 5 seats + 4 of the other fund; 6 members + 4; 3 observers; 5 resolutions; 2 + 5 + 2 + 1
    // votes; 3 attendees; 2 comments.
    assert_eq!(counts, [9, 10, 3, 5, 10, 3, 2]);
    let applied = rebuild(&CommitteeProjection, &h.db.pool, &h.store, &h.metrics)
        .await
        .unwrap();
    assert_eq!(applied, h.appended() as u64);
    assert_eq!(all_rows(&h).await, before);
    check(&h, fund, &r).await;
}
