//! Reading the committee read model: the queries that build its views. Names of members and
//! observers are looked up when read (a member's name as last appointed), so a resolution's
//! seats snapshot names a member even after the seat was re-appointed.

use super::views::{
    AttendanceView, CommentView, CommitteeView, DocumentView, MeetingView, ObserverView,
    ResolutionFilter, ResolutionObserverView, ResolutionSeatView, ResolutionSummary,
    ResolutionView, SeatView, TallyView, VoteRecordView, VoteView,
};
use domain::committee::{Document, SeatHolder};
use domain::ObserverId;
use std::collections::HashMap;
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// The committee of a fund as it stands: its held seats by seat, its observers by id (both
/// empty for a fund without a committee recorded).
pub async fn committee(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<CommitteeView, tokio_postgres::Error> {
    let seats = client
        .query(
            "SELECT seat, body, member_id, name, since FROM rm_committee_seats
             WHERE fund_id = $1 ORDER BY seat",
            &[&fund_id],
        )
        .await?;
    let observers = client
        .query(
            "SELECT observer_id, name, body FROM rm_committee_observers
             WHERE fund_id = $1 ORDER BY observer_id",
            &[&fund_id],
        )
        .await?;
    Ok(CommitteeView {
        seats: seats
            .iter()
            .map(|r| SeatView {
                seat: r.get(0),
                body: r.get(1),
                member_id: r.get(2),
                name: r.get(3),
                since: r.get(4),
            })
            .collect(),
        observers: observers
            .iter()
            .map(|r| ObserverView {
                observer_id: r.get(0),
                name: r.get(1),
                body: r.get(2),
            })
            .collect(),
    })
}

/// The columns [`summary`] reads, in its order.
const SUMMARY_COLUMNS: &str = "r.resolution_id, r.fund_id, r.subject_kind, r.title, \
     r.reference, r.amount, r.mode, r.deadline, r.quorum, r.seat_count, r.vacant, r.status, \
     r.failed_because, r.approvals, r.rejections, r.abstentions, r.recusals, r.opened_at, \
     r.decided_at";

/// A summary from a row starting with [`SUMMARY_COLUMNS`].
fn summary(r: &Row) -> ResolutionSummary {
    let (seat_count, vacant): (i32, i32) = (r.get(9), r.get(10));
    let mut tally = TallyView {
        approvals: r.get(13),
        rejections: r.get(14),
        abstentions: r.get(15),
        recusals: r.get(16),
        outstanding: 0,
        vacant,
    };
    let cast = tally.approvals + tally.rejections + tally.abstentions + tally.recusals;
    tally.outstanding = (seat_count - vacant - cast).max(0);
    ResolutionSummary {
        resolution_id: r.get(0),
        fund_id: r.get(1),
        subject_kind: r.get(2),
        title: r.get(3),
        reference: r.get(4),
        amount: r.get(5),
        mode: r.get(6),
        deadline: r.get(7),
        quorum: r.get(8),
        seat_count,
        status: r.get(11),
        failed_because: r.get(12),
        tally,
        opened_at: r.get(17),
        decided_at: r.get(18),
    }
}

/// The resolutions of a fund matching `filter`, by resolution id, after `after` (exclusive;
/// the last id of the previous page), at most `limit`.
pub async fn resolutions(
    client: &impl GenericClient,
    fund_id: Uuid,
    filter: &ResolutionFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ResolutionSummary>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM rm_resolutions r
                 WHERE r.fund_id = $1
                   AND ($2::text IS NULL OR r.status = $2)
                   AND ($3::text IS NULL OR r.subject_kind = $3)
                   AND ($4::int IS NULL OR (r.status = 'open'
                       AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.seats) s
                                   WHERE (s->>'seat')::int = $4 AND s->>'member' IS NOT NULL)
                       AND NOT EXISTS (SELECT 1 FROM rm_resolution_votes v
                                       WHERE v.resolution_id = r.resolution_id
                                         AND v.seat = $4)))
                   AND ($5::uuid IS NULL OR r.resolution_id > $5)
                 ORDER BY r.resolution_id LIMIT $6"
            ),
            &[
                &fund_id,
                &filter.status,
                &filter.subject_kind,
                &filter.seat_open_for,
                &after,
                &limit.max(0),
            ],
        )
        .await?;
    Ok(rows.iter().map(summary).collect())
}

/// Names (and bodies) by id.
type Names = HashMap<Uuid, (String, String)>;

async fn names(
    client: &impl GenericClient,
    sql: &str,
    fund_id: Uuid,
) -> Result<Names, tokio_postgres::Error> {
    let rows = client.query(sql, &[&fund_id]).await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect())
}

/// One resolution of a fund with its seats, observers, meeting, attendance, votes and
/// comments, if it was opened for that fund.
pub async fn resolution(
    client: &impl GenericClient,
    fund_id: Uuid,
    resolution_id: Uuid,
) -> Result<Option<ResolutionView>, tokio_postgres::Error> {
    let Some(row) = client
        .query_opt(
            &format!(
                "SELECT {SUMMARY_COLUMNS}, r.documents, r.seats, r.observers,
                        r.meeting_convened_at, r.meets_at, r.place, r.meeting_opened_at,
                        r.meeting_closed_at
                 FROM rm_resolutions r WHERE r.fund_id = $1 AND r.resolution_id = $2"
            ),
            &[&fund_id, &resolution_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let documents: Json<Vec<Document>> = row.try_get(19)?;
    let seats: Json<Vec<SeatHolder>> = row.try_get(20)?;
    let observers: Json<Vec<ObserverId>> = row.try_get(21)?;
    let members = names(
        client,
        "SELECT member_id, name, body FROM rm_committee_members WHERE fund_id = $1",
        fund_id,
    )
    .await?;
    let observer_names = names(
        client,
        "SELECT observer_id, name, body FROM rm_committee_observers WHERE fund_id = $1",
        fund_id,
    )
    .await?;
    let name_of = |names: &Names, id: &Uuid| names.get(id).map(|(name, _)| name.clone());

    let votes: Vec<VoteView> = client
        .query(
            "SELECT seat, member_id, choice, reason, cast_at FROM rm_resolution_votes
             WHERE resolution_id = $1 ORDER BY cast_at, seat",
            &[&resolution_id],
        )
        .await?
        .iter()
        .map(|r| {
            let member_id: Uuid = r.get(1);
            VoteView {
                seat: r.get(0),
                member_id,
                name: name_of(&members, &member_id),
                choice: r.get(2),
                reason: r.get(3),
                cast_at: r.get(4),
            }
        })
        .collect();
    let attendance = client
        .query(
            "SELECT attendee_kind, seat, observer_id, at FROM rm_resolution_attendance
             WHERE resolution_id = $1 ORDER BY version",
            &[&resolution_id],
        )
        .await?
        .iter()
        .map(|r| AttendanceView {
            kind: r.get(0),
            seat: r.get(1),
            observer_id: r.get(2),
            at: r.get(3),
        })
        .collect();
    let comments = client
        .query(
            "SELECT observer_id, text, at FROM rm_resolution_comments
             WHERE resolution_id = $1 ORDER BY version",
            &[&resolution_id],
        )
        .await?
        .iter()
        .map(|r| {
            let observer_id: Uuid = r.get(0);
            CommentView {
                observer_id,
                name: name_of(&observer_names, &observer_id),
                text: r.get(1),
                at: r.get(2),
            }
        })
        .collect();

    let meeting = match (row.get(22), row.get(23), row.get(24)) {
        (Some(convened_at), Some(meets_at), Some(place)) => Some(MeetingView {
            convened_at,
            meets_at,
            place,
            opened_at: row.get(25),
            closed_at: row.get(26),
        }),
        _ => None,
    };
    Ok(Some(ResolutionView {
        summary: summary(&row),
        documents: documents
            .0
            .into_iter()
            .map(|d| DocumentView {
                title: d.title,
                reference: d.reference,
            })
            .collect(),
        seats: seats
            .0
            .iter()
            .map(|s| {
                let seat = i32::try_from(s.seat).unwrap_or(i32::MAX);
                let member_id = s.member.map(|m| m.0);
                ResolutionSeatView {
                    seat,
                    body: s.body.clone(),
                    member_id,
                    name: member_id.and_then(|m| name_of(&members, &m)),
                    choice: votes
                        .iter()
                        .find(|v| v.seat == seat)
                        .map(|v| v.choice.clone()),
                }
            })
            .collect(),
        observers: observers
            .0
            .iter()
            .map(|o| {
                let known = observer_names.get(&o.0);
                ResolutionObserverView {
                    observer_id: o.0,
                    name: known.map(|(name, _)| name.clone()),
                    body: known.map(|(_, body)| body.clone()),
                }
            })
            .collect(),
        meeting,
        attendance,
        votes,
        comments,
    }))
}

/// Every vote a member cast on the fund's resolutions, in casting order, with the
/// resolution's title, subject kind and status now.
pub async fn voting_record(
    client: &impl GenericClient,
    fund_id: Uuid,
    member_id: Uuid,
) -> Result<Vec<VoteRecordView>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT v.resolution_id, r.title, r.subject_kind, v.seat, v.choice, v.reason,
                    v.cast_at, r.status
             FROM rm_resolution_votes v
             JOIN rm_resolutions r ON r.resolution_id = v.resolution_id
             WHERE r.fund_id = $1 AND v.member_id = $2
             ORDER BY v.cast_at, v.resolution_id",
            &[&fund_id, &member_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| VoteRecordView {
            resolution_id: r.get(0),
            title: r.get(1),
            subject_kind: r.get(2),
            seat: r.get(3),
            choice: r.get(4),
            reason: r.get(5),
            cast_at: r.get(6),
            status: r.get(7),
        })
        .collect())
}
