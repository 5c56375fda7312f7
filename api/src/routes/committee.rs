//! The investment committee over REST (SPEC §4): the manager records appointments, opens
//! resolutions and runs on-site meetings; members vote for their own seat; observers comment.
//!
//! A resolution is opened before the committee as it stands (the fund's policy gives the
//! seats, quorum and written-vote limit; the committee gives each seat's member and the
//! observers). A member token names its seat and its person: it votes only for that seat, only
//! on resolutions on which that person holds it (a re-appointed seat's new member votes on
//! resolutions opened after the re-appointment). A resolution of another fund is answered as
//! if it did not exist (`404 resolution_not_found`).

use super::capital::{CommandHeaderParams, CommandProblems};
use super::command::{
    self, execute_decided, execute_on, CommandRequest, Decision, ExecutedOn, Parts,
};
use crate::auth::{AsManager, AsMember, AsObserver, FundActor, FundCapacity, Principal};
use crate::dto::{
    AppointMemberRequest, AppointObserverRequest, AttendanceRequest, CommentRequest,
    CommitteeCommandResult, ConveneRequest, EmptyRequest, OpenResolutionRequest,
    ResolutionCommandResult, TallyDto, VoteRequest,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::committee::membership::{self, Committee, CommitteeCommand};
use domain::committee::{Attendee, Resolution, ResolutionCommand, ResolutionError, SeatHolder};
use domain::fund::{Fund, FundError};
use domain::{FundId, MemberId, ObserverId, ResolutionId};
use uuid::Uuid;

/// The fund, established and not closed.
async fn open_fund(state: &AppState, fund: FundId) -> Result<Fund, ApiError> {
    let (fund_state, _) = state
        .funds
        .load(&fund.stream_id())
        .await
        .map_err(ApiError::internal)?;
    if fund_state.terms.is_none() {
        return Err(ApiError::FundNotFound);
    }
    if fund_state.lifecycle.closed_on.is_some() {
        return Err(ApiError::rejected(&FundError::FundClosed));
    }
    Ok(fund_state)
}

fn committee_result(
    done: &ExecutedOn<Committee>,
    fund: FundId,
    person: Uuid,
) -> CommitteeCommandResult {
    CommitteeCommandResult {
        fund_id: fund.0,
        stream_version: done.stream_version,
        global_position: done.global_position,
        person_id: person,
    }
}

/// Record that a seat's appointing body appointed a member (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/committee/seats/{seat}/appointment",
    tag = "committee",
    request_body = AppointMemberRequest,
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("seat" = u32, Path, description = "The seat, 1-based"), CommandHeaderParams),
    responses(
        (status = 201, description = "Appointed (or already so)", body = CommitteeCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`no_such_seat` with `rule` Art. 14, `invalid_name`, `member_holds_another_seat`, `appointment_out_of_order`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn appoint_member(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    AppPath((_fund, seat)): AppPath<(Uuid, u32)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<AppointMemberRequest>,
) -> Result<Response, ApiError> {
    let fund = open_fund(&state, actor.fund).await?;
    let seat_bodies = fund
        .terms
        .map(|t| t.policy.committee.seats.clone())
        .unwrap_or_default();
    let member = body.value.member_id.unwrap_or_else(Uuid::now_v7);
    let command = CommitteeCommand::AppointMember {
        fund_id: actor.fund,
        seat_bodies,
        seat,
        member: MemberId(member),
        name: body.value.name.clone(),
        appointed_on: body.value.appointed_on,
    };
    let r = CommandRequest::of(&actor, &headers, (&method, &uri, &body.bytes));
    let stream = membership::stream_id(actor.fund);
    let done = execute_on(&state, &r, &state.committees, &stream, &command).await?;
    command::created(
        committee_result(&done, actor.fund, member),
        None,
        done.replayed,
    )
}

/// Record an observer of the committee (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/committee/observers",
    tag = "committee",
    request_body = AppointObserverRequest,
    params(("fund_id" = Uuid, Path, description = "The fund"), CommandHeaderParams),
    responses(
        (status = 201, description = "Recorded", body = CommitteeCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`invalid_name`, `observer_already_appointed`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn appoint_observer(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<AppointObserverRequest>,
) -> Result<Response, ApiError> {
    open_fund(&state, actor.fund).await?;
    let observer = body.value.observer_id.unwrap_or_else(Uuid::now_v7);
    let command = CommitteeCommand::AppointObserver {
        fund_id: actor.fund,
        observer: ObserverId(observer),
        name: body.value.name.clone(),
        body: body.value.body.clone(),
    };
    let r = CommandRequest::of(&actor, &headers, (&method, &uri, &body.bytes));
    let stream = membership::stream_id(actor.fund);
    let done = execute_on(&state, &r, &state.committees, &stream, &command).await?;
    command::created(
        committee_result(&done, actor.fund, observer),
        None,
        done.replayed,
    )
}

/// The answer of a resolution command: where it stands after the command.
async fn resolution_answer(
    state: &AppState,
    fund: FundId,
    id: ResolutionId,
    done: ExecutedOn<Resolution>,
) -> Result<Response, ApiError> {
    let resolution = done.state_after(&state.resolutions).await?;
    let status = resolution.status.map_or("open", |s| s.as_str()).to_owned();
    let tally = resolution.tally().unwrap_or_default();
    let body = ResolutionCommandResult {
        fund_id: fund.0,
        resolution_id: id.0,
        stream_version: done.stream_version,
        global_position: done.global_position,
        status,
        tally: TallyDto::from(tally),
    };
    command::created(body, None, done.replayed)
}

/// Open a resolution before the committee as it stands now (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/resolutions",
    tag = "committee",
    request_body = OpenResolutionRequest,
    params(("fund_id" = Uuid, Path, description = "The fund"), CommandHeaderParams),
    responses(
        (status = 201, description = "Opened", body = ResolutionCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`on_site_meeting_required` with `rule` Art. 15(6), `invalid_text`, `negative_amount`, `deadline_not_after_opening`, `invalid_committee`, `resolution_already_opened`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn open_resolution(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<OpenResolutionRequest>,
) -> Result<Response, ApiError> {
    let fund = open_fund(&state, actor.fund).await?;
    let Some(terms) = fund.terms else {
        return Err(ApiError::FundNotFound);
    };
    let policy = &terms.policy.committee;
    let (committee, _): (Committee, i64) = state
        .committees
        .load(&membership::stream_id(actor.fund))
        .await
        .map_err(ApiError::internal)?;
    let seats = policy
        .seats
        .iter()
        .zip(1u32..)
        .map(|(body, seat)| SeatHolder {
            seat,
            body: body.clone(),
            member: committee.seats.get(&seat).map(|a| a.member),
        })
        .collect();
    let r = &body.value;
    let id = ResolutionId(r.resolution_id.unwrap_or_else(Uuid::now_v7));
    let command = ResolutionCommand::Open {
        resolution_id: id,
        fund_id: actor.fund,
        subject: (&r.subject).into(),
        amount: r.amount.0,
        mode: r.mode.into(),
        deadline: r.deadline,
        seats,
        observers: committee.observers.keys().copied().collect(),
        quorum: policy.approvals_to_pass,
        written_vote_max: policy.written_vote_max,
        documents: r.documents.iter().map(Into::into).collect(),
        now: state.now(),
    };
    let req = CommandRequest::of(&actor, &headers, (&method, &uri, &body.bytes));
    let done = execute_on(&state, &req, &state.resolutions, &id.stream_id(), &command).await?;
    // A replay answers the first request, whose id may have been generated.
    let id = ResolutionId(Uuid::try_parse(&done.stream_id).map_err(ApiError::internal)?);
    resolution_answer(&state, actor.fund, id, done).await
}

/// The resolution of the path, if it is the fund's.
async fn fund_resolution(
    state: &AppState,
    fund: FundId,
    id: ResolutionId,
) -> Result<Resolution, ApiError> {
    let (resolution, _) = state
        .resolutions
        .load(&id.stream_id())
        .await
        .map_err(ApiError::internal)?;
    match &resolution.opened {
        Some(opened) if opened.fund == fund => Ok(resolution),
        _ => Err(ApiError::rejected(&ResolutionError::NotFound)),
    }
}

/// Runs a command on the fund's resolution of the path and answers where it stands. The
/// resolution is read from the cache (the append checks its version; a refusal is decided
/// again on it read afresh).
async fn on_resolution<C>(
    state: &AppState,
    actor: &FundActor<C>,
    id: Uuid,
    headers: &CommandHeaders,
    parts: Parts<'_>,
    command: ResolutionCommand,
) -> Result<Response, ApiError> {
    let id = ResolutionId(id);
    let stream_id = id.stream_id();
    let req = CommandRequest::of(actor, headers, parts);
    let (command, fund, stream) = (&command, actor.fund, &stream_id);
    let decide = move |fresh| async move {
        let resolution = state
            .resolutions
            .snapshot(stream, fresh)
            .await
            .map_err(ApiError::internal)?;
        match &resolution.state.opened {
            Some(opened) if opened.fund == fund => Ok(Decision {
                command: command.clone(),
                reads: Vec::new(),
            }),
            _ => Err(ApiError::rejected(&ResolutionError::NotFound)),
        }
    };
    let done = execute_decided(state, &req, &state.resolutions, &stream_id, decide).await?;
    resolution_answer(state, actor.fund, id, done).await
}

/// The path of a resolution.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "documents parameters; extracted as a tuple")]
pub struct ResolutionPath {
    /// The fund.
    fund_id: Uuid,
    /// The resolution.
    resolution_id: Uuid,
}

/// A manager's command on the fund's resolution of the path.
macro_rules! manager_step {
    ($name:ident, $path:literal, $body:ty, $doc:literal, $done:literal, $codes:literal,
     |$state:ident, $r:ident| $command:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "committee",
            request_body = $body,
            params(ResolutionPath, CommandHeaderParams),
            responses(
                (status = 201, description = $done, body = ResolutionCommandResult),
                (status = 422, description = $codes, body = Problem, content_type = "application/problem+json"),
                CommandProblems,
            ),
            security(("bearer" = []))
        )]
        pub async fn $name(
            State($state): State<AppState>,
            actor: FundActor<AsManager>,
            AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
            headers: CommandHeaders,
            method: Method,
            uri: Uri,
            body: JsonBody<$body>,
        ) -> Result<Response, ApiError> {
            let $r = &body.value;
            let command: ResolutionCommand = $command;
            let parts = (&method, &uri, &body.bytes[..]);
            on_resolution(&$state, &actor, id, &headers, parts, command).await
        }
    };
}

manager_step!(convene, "/funds/{fund_id}/resolutions/{resolution_id}/meeting", ConveneRequest,
    "Convene the on-site meeting of a resolution (manager of the fund).", "Convened",
    "Refused (`not_a_meeting`, `meeting_already_convened`, `resolution_decided`, `deadline_passed`, `invalid_text`)",
    |state, r| ResolutionCommand::Convene {
        meets_at: r.meets_at,
        place: r.place.clone(),
        now: state.now(),
    });

manager_step!(attendance, "/funds/{fund_id}/resolutions/{resolution_id}/attendance", AttendanceRequest,
    "Record that a member (by seat) or an observer attends the meeting (manager of the fund).",
    "Recorded (or already so)",
    "Invalid body (`invalid_request`: give exactly one of `seat`, `observer_id`) or refused (`meeting_not_convened`, `meeting_closed`, `seat_not_on_resolution`, `observer_not_on_resolution`, `not_a_meeting`, `resolution_decided`)",
    |state, r| {
        let attendee = match (r.seat, r.observer_id) {
            (Some(seat), None) => Attendee::Member { seat },
            (None, Some(observer)) => Attendee::Observer {
                observer: ObserverId(observer),
            },
            _ => {
                return Err(ApiError::InvalidRequest(
                    "give exactly one of seat and observer_id".to_owned(),
                ))
            }
        };
        ResolutionCommand::RecordAttendance {
            attendee,
            now: state.now(),
        }
    });

manager_step!(open_meeting, "/funds/{fund_id}/resolutions/{resolution_id}/meeting/opening", EmptyRequest,
    "Open the meeting: attending members may vote (manager of the fund).", "Opened",
    "Refused (`meeting_not_convened`, `meeting_already_open`, `not_a_meeting`, `resolution_decided`, `deadline_passed`)",
    |state, _r| ResolutionCommand::OpenMeeting { now: state.now() });

manager_step!(
    close_meeting,
    "/funds/{fund_id}/resolutions/{resolution_id}/meeting/closing",
    EmptyRequest,
    "Close the meeting: no more votes; without the quorum the resolution fails (manager).",
    "Closed",
    "Refused (`meeting_not_open` with `rule` Art. 15(6), `not_a_meeting`, `deadline_passed`)",
    |state, _r| ResolutionCommand::CloseMeeting { now: state.now() }
);

/// Vote for the token's own seat (a member of the fund's committee). A cast vote is final;
/// the vote that settles the resolution also records its outcome.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/resolutions/{resolution_id}/votes",
    tag = "committee",
    request_body = VoteRequest,
    params(ResolutionPath, CommandHeaderParams),
    responses(
        (status = 201, description = "Cast; `status` says whether it settled the resolution", body = ResolutionCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`seat_already_voted` and `resolution_decided` with `rule` Art. 14, `deadline_passed`, `meeting_not_open` and `not_attending` with `rule` Art. 15(6), `seat_not_on_resolution`, `invalid_text`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn vote(
    State(state): State<AppState>,
    actor: FundActor<AsMember>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<VoteRequest>,
) -> Result<Response, ApiError> {
    let Principal::Member { seat, member, .. } = actor.auth.principal else {
        return Err(ApiError::Forbidden(<AsMember as FundCapacity>::NEEDS));
    };
    let seat =
        u32::try_from(seat).map_err(|_| ApiError::Forbidden(<AsMember as FundCapacity>::NEEDS))?;
    let resolution = fund_resolution(&state, actor.fund, ResolutionId(id)).await?;
    let holder = resolution
        .opened
        .as_ref()
        .and_then(|o| o.seats.iter().find(|s| s.seat == seat))
        .and_then(|s| s.member);
    if holder != Some(member) {
        return Err(ApiError::Forbidden(
            "this seat is held by another member on this resolution",
        ));
    }
    let command = ResolutionCommand::CastVote {
        seat,
        choice: body.value.choice.into(),
        reason: body.value.reason.clone(),
        now: state.now(),
    };
    on_resolution(
        &state,
        &actor,
        id,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await
}

/// Comment on a resolution (an observer of the fund's committee; observers never vote).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/resolutions/{resolution_id}/comments",
    tag = "committee",
    request_body = CommentRequest,
    params(ResolutionPath, CommandHeaderParams),
    responses(
        (status = 201, description = "Recorded", body = ResolutionCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`observer_not_on_resolution`, `resolution_decided`, `deadline_passed`, `invalid_text`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn comment(
    State(state): State<AppState>,
    actor: FundActor<AsObserver>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<CommentRequest>,
) -> Result<Response, ApiError> {
    let Principal::Observer { observer, .. } = actor.auth.principal else {
        return Err(ApiError::Forbidden(<AsObserver as FundCapacity>::NEEDS));
    };
    let command = ResolutionCommand::Comment {
        observer,
        text: body.value.text.clone(),
        now: state.now(),
    };
    on_resolution(
        &state,
        &actor,
        id,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await
}
