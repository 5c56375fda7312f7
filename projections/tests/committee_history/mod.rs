//! A committee history for the committee read-model tests, written through the repositories
//! of the domain aggregates (`Committee` and `Resolution`), with the projection caught up.

use chrono::{DateTime, NaiveDate, Utc};
use domain::committee::membership::{self, Committee, CommitteeCommand};
use domain::committee::{
    Attendee, Choice, Document, Mode, ResolutionCommand, SeatHolder, Subject, SubjectKind,
};
use domain::committee::{Resolution, ResolutionEvent};
use domain::fund::policy::CommitteePolicy;
use domain::{FundId, MemberId, Money, ObserverId, ResolutionId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed, TestDb};
use eventstore::{EventStore, Metadata, Metrics, Repository};
use projections::committee::CommitteeProjection;
use projections::runner::{catch_up, setup};
use uuid::Uuid;

/// An instant, RFC 3339.
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A date.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A member id from a number, so that the ids sort as numbered.
pub fn member(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(0x100 + n))
}

/// An observer id from a number.
pub fn observer(n: u128) -> ObserverId {
    ObserverId(Uuid::from_u128(0x200 + n))
}

/// A fresh database with the committee projection set up, and the repositories writing the
/// history.
pub struct History {
    /// The database.
    pub db: TestDb,
    /// Its event store.
    pub store: EventStore,
    /// Shared by every catch-up.
    pub metrics: Metrics,
    committees: Repository<Committee>,
    resolutions: Repository<Resolution>,
    appended: usize,
}

fn ctx() -> CommandContext {
    CommandContext::new(Metadata::new("manager", "manager"))
}

impl History {
    /// A fresh database, the projection set up, nothing appended.
    pub async fn new() -> Self {
        let db = test_db().await;
        setup::<CommitteeProjection>(&db.pool).await.unwrap();
        let store = db.store();
        History {
            committees: Repository::new(store.clone(), 10),
            resolutions: Repository::new(store.clone(), 10),
            store,
            db,
            metrics: Metrics::new(),
            appended: 0,
        }
    }

    /// Records that the policy's body of `seat` appointed member `n` (named `name`).
    pub async fn appoint(&mut self, fund: FundId, seat: u32, n: u128, name: &str, on: &str) {
        let command = CommitteeCommand::AppointMember {
            fund_id: fund,
            seat_bodies: CommitteePolicy::default().seats,
            seat,
            member: member(n),
            name: name.into(),
            appointed_on: d(on),
        };
        let outcome = self
            .committees
            .execute(&membership::stream_id(fund), &command, &ctx())
            .await
            .unwrap();
        self.appended += outcome.events.len();
    }

    /// Records observer `n`.
    pub async fn observer(&mut self, fund: FundId, n: u128, name: &str, body: &str) {
        let command = CommitteeCommand::AppointObserver {
            fund_id: fund,
            observer: observer(n),
            name: name.into(),
            body: body.into(),
        };
        let outcome = self
            .committees
            .execute(&membership::stream_id(fund), &command, &ctx())
            .await
            .unwrap();
        self.appended += outcome.events.len();
    }

    /// Opens a resolution before the fund's committee as it stands now (a seat without a
    /// member is vacant), with a deadline of `deadline` and one paper.
    pub async fn open(
        &mut self,
        fund: FundId,
        kind: SubjectKind,
        title: &str,
        amount: i64,
        mode: Mode,
        (now, deadline): (&str, &str),
    ) -> ResolutionId {
        let policy = CommitteePolicy::default();
        let (committee, _) = self
            .committees
            .load(&membership::stream_id(fund))
            .await
            .unwrap();
        let seats = (1..=policy.seats.len() as u32)
            .map(|seat| SeatHolder {
                seat,
                body: policy.seats[seat as usize - 1].clone(),
                member: committee.seats.get(&seat).map(|a| a.member),
            })
            .collect();
        let id = ResolutionId(Uuid::now_v7());
        let command = ResolutionCommand::Open {
            resolution_id: id,
            fund_id: fund,
            subject: Subject {
                kind,
                title: title.into(),
                reference: format!("ref-{title}"),
            },
            amount: Money::from_yuan(amount),
            mode,
            deadline: t(deadline),
            seats,
            observers: committee.observers.keys().copied().collect(),
            quorum: policy.approvals_to_pass,
            written_vote_max: policy.written_vote_max,
            documents: vec![Document {
                title: format!("{title}尽调报告"),
                reference: format!("DOC-{title}"),
            }],
            now: t(now),
        };
        self.resolve(id, command).await;
        id
    }

    /// Runs a command on a resolution; the events it appended.
    pub async fn resolve(
        &mut self,
        id: ResolutionId,
        command: ResolutionCommand,
    ) -> Vec<ResolutionEvent> {
        let outcome = self
            .resolutions
            .execute(&id.stream_id(), &command, &ctx())
            .await
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        self.appended += outcome.events.len();
        outcome.events
    }

    /// Seat `seat` votes at `now`.
    pub async fn vote(&mut self, id: ResolutionId, seat: u32, choice: Choice, now: &str) {
        let reason = match choice {
            Choice::Recuse => Some("关联关系，申请回避".to_owned()),
            Choice::Reject => Some("估值偏高".to_owned()),
            _ => None,
        };
        let command = ResolutionCommand::CastVote {
            seat,
            choice,
            reason,
            now: t(now),
        };
        self.resolve(id, command).await;
    }

    /// Records that `who` attends the meeting of `id`.
    pub async fn attend(&mut self, id: ResolutionId, who: Attendee, now: &str) {
        let command = ResolutionCommand::RecordAttendance {
            attendee: who,
            now: t(now),
        };
        self.resolve(id, command).await;
    }

    /// Catches the projection up with everything appended.
    pub async fn catch_up(&self) {
        wait_for_feed(&self.store, self.appended).await;
        catch_up(
            &CommitteeProjection,
            &self.db.pool,
            &self.store,
            &self.metrics,
        )
        .await
        .unwrap();
    }

    /// Events appended so far.
    pub fn appended(&self) -> usize {
        self.appended
    }
}

/// The resolutions of the history, in opening (and id) order.
pub struct Resolutions {
    /// Open, seat 5 vacant; seats 1 and 2 approved.
    pub open: ResolutionId,
    /// Passed by 4 approvals with a recusal, written vote.
    pub passed: ResolutionId,
    /// Failed at its on-site meeting (a rejection and an abstention), after the re-appointment.
    pub failed: ResolutionId,
    /// Lapsed with one approval.
    pub lapsed: ResolutionId,
}

/// The deadline of most resolutions.
pub const DEADLINE: &str = "2024-06-30T16:00:00Z";

/// The history of a fund's committee: four seats and three observers appointed, a
/// resolution left open, the fifth seat appointed, one passed, seat 2 re-appointed, one
/// failed at its meeting, one lapsed. The projection is caught up after each stage.
pub async fn history(h: &mut History, fund: FundId) -> Resolutions {
    for (seat, name) in [(1, "张伟"), (2, "王芳"), (3, "李娜"), (4, "刘洋")] {
        h.appoint(fund, seat, seat.into(), name, "2024-01-02").await;
    }
    for (n, name, body) in [
        (1, "陈静", "昆山开发区"),
        (2, "杨磊", "昆山高新区"),
        (3, "赵敏", "花桥经济开发区"),
    ] {
        h.observer(fund, n, name, body).await;
    }
    let (kind, written) = (SubjectKind::Investment, Mode::Written);
    let at = |s: &'static str| (s, DEADLINE);
    // Seat 5 has no member yet: vacant on this resolution for good.
    let open = h
        .open(
            fund,
            kind,
            "甲项目",
            2_000_000,
            written,
            at("2024-01-05T02:00:00Z"),
        )
        .await;
    h.vote(open, 1, Choice::Approve, "2024-01-05T03:00:00Z")
        .await;
    h.vote(open, 2, Choice::Approve, "2024-01-05T03:30:00Z")
        .await;
    h.catch_up().await;

    h.appoint(fund, 5, 5, "周杰", "2024-01-10").await;
    let passed = h
        .open(
            fund,
            kind,
            "乙项目",
            3_000_000,
            written,
            at("2024-02-01T02:00:00Z"),
        )
        .await;
    let comment = ResolutionCommand::Comment {
        observer: observer(1),
        text: "建议关注退出安排".into(),
        now: t("2024-02-01T05:00:00Z"),
    };
    h.resolve(passed, comment).await;
    for (seat, choice, now) in [
        (1, Choice::Approve, "2024-02-02T01:00:00Z"),
        (3, Choice::Recuse, "2024-02-02T02:00:00Z"),
        (2, Choice::Approve, "2024-02-02T03:00:00Z"),
        (4, Choice::Approve, "2024-02-02T04:00:00Z"),
        (5, Choice::Approve, "2024-02-02T05:00:00Z"),
    ] {
        h.vote(passed, seat, choice, now).await;
    }
    h.catch_up().await;

    // Seat 2 is re-appointed: the new member sits on later resolutions only.
    h.appoint(fund, 2, 6, "孙丽", "2024-03-01").await;
    let failed = h
        .open(
            fund,
            SubjectKind::Exit,
            "丙项目退出",
            5_000_000,
            Mode::OnSite,
            at("2024-03-05T02:00:00Z"),
        )
        .await;
    let convene = ResolutionCommand::Convene {
        meets_at: t("2024-03-10T01:30:00Z"),
        place: "昆山市创业大厦三楼会议室".into(),
        now: t("2024-03-05T03:00:00Z"),
    };
    h.resolve(failed, convene).await;
    for (who, now) in [
        (Attendee::Member { seat: 1 }, "2024-03-10T01:20:00Z"),
        (Attendee::Member { seat: 2 }, "2024-03-10T01:21:00Z"),
        (
            Attendee::Observer {
                observer: observer(2),
            },
            "2024-03-10T01:22:00Z",
        ),
    ] {
        h.attend(failed, who, now).await;
    }
    let opened = ResolutionCommand::OpenMeeting {
        now: t("2024-03-10T01:30:00Z"),
    };
    h.resolve(failed, opened).await;
    h.vote(failed, 1, Choice::Reject, "2024-03-10T02:00:00Z")
        .await;
    let comment = ResolutionCommand::Comment {
        observer: observer(2),
        text: "同意退出方案".into(),
        now: t("2024-03-10T02:05:00Z"),
    };
    h.resolve(failed, comment).await;
    h.vote(failed, 2, Choice::Abstain, "2024-03-10T02:10:00Z")
        .await;
    let close = ResolutionCommand::CloseMeeting {
        now: t("2024-03-10T03:00:00Z"),
    };
    h.resolve(failed, close).await;

    let lapsed = h
        .open(
            fund,
            SubjectKind::Other,
            "章程修订",
            0,
            written,
            ("2024-04-01T02:00:00Z", "2024-04-08T16:00:00Z"),
        )
        .await;
    h.vote(lapsed, 3, Choice::Approve, "2024-04-02T02:00:00Z")
        .await;
    let lapse = ResolutionCommand::Lapse {
        now: t("2024-04-09T00:00:00Z"),
    };
    assert_eq!(h.resolve(lapsed, lapse).await.len(), 1);
    h.catch_up().await;
    Resolutions {
        open,
        passed,
        failed,
        lapsed,
    }
}
