//! Liability-exemption cases (尽职免责, SPEC §9, Art. 22–23) over REST, one stream per case
//! (the [`ExemptionCase`] aggregate through `AppState::cases`):
//! - the fund's manager opens a case for a project whose realised result on the fund's
//!   stream is a loss (`422 no_loss` otherwise), with the people covered;
//! - the manager has the procedural conditions evaluated: the evidence is loaded from the log
//!   ([`evidence`]), judged by [`domain::exemption::evaluate`] and recorded with the events
//!   each condition relies on;
//! - each covered person attests. **Who signs**: a committee member signs with their own
//!   member token (`person_id` must be the token's member); manager staff hold no token of
//!   their own in this system, so the fund's manager token records their signed statement on
//!   their behalf (the event's metadata names the manager as the actor). Anyone else,
//!   including the manager for a committee member, is refused `403 forbidden`;
//! - the competent authority (an `authority` token whose funds include the fund) determines
//!   the case; its agency is recorded as `by`. Regulators, the manager and everyone else get
//!   `403 forbidden`.
//!
//! The reads (the case, its evidence package) are in [`reads`]; they are built from the
//! aggregate's state loaded through the repository, so cases need no projection.

mod evidence;
mod html;
pub mod reads;

use super::capital::{CommandHeaderParams, CommandProblems};
use super::command::{self, execute_on, CommandRequest, ExecutedOn, Parts};
use super::projects::project_state;
use crate::auth::{AsManager, FundActor, FundCapacity, Principal};
use crate::dto::{
    AttestRequest, CaseCommandResult, DetermineRequest, EvaluateRequest, OpenCaseRequest,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::exemption::{
    evaluate, ExemptionCase, ExemptionCommand, ExemptionError, ExemptionPolicy, Role,
};
use domain::{ExemptionCaseId, FundId, Money, ProjectId};
use uuid::Uuid;

/// The manager or a committee member of the fund in the path: who may attest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsSigner;

impl FundCapacity for AsSigner {
    const NEEDS: &'static str =
        "this needs a committee member's token or the manager's token of the fund";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        principal.is_manager_of(fund)
            || matches!(principal, Principal::Member { fund: f, .. } if *f == fund)
    }
}

/// An authority (尽职免责认定机构) whose funds include the fund in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsAuthority;

impl FundCapacity for AsAuthority {
    const NEEDS: &'static str = "this needs the token of an authority over the fund";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        matches!(principal, Principal::Authority { funds, .. } if funds.contains(&fund))
    }
}

/// The path of a case.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "documents parameters; extracted as a tuple")]
pub struct CasePath {
    /// The fund.
    fund_id: Uuid,
    /// The case.
    case_id: Uuid,
}

/// The case of the path, if it is the fund's (else `404 case_not_found`).
pub(crate) async fn case_state(
    state: &AppState,
    fund: FundId,
    id: ExemptionCaseId,
) -> Result<(ExemptionCase, i64), ApiError> {
    let (case, version) = state
        .cases
        .load(&id.stream_id())
        .await
        .map_err(ApiError::internal)?;
    match &case.opened {
        Some(o) if o.fund_id == fund => Ok((case, version)),
        _ => Err(ApiError::rejected(&ExemptionError::NotFound)),
    }
}

/// Runs `command` on the case and answers what it wrote.
async fn run<C>(
    state: &AppState,
    actor: &FundActor<C>,
    id: ExemptionCaseId,
    headers: &CommandHeaders,
    parts: Parts<'_>,
    command: ExemptionCommand,
) -> Result<Response, ApiError> {
    let request = CommandRequest::of(actor, headers, parts);
    let done: ExecutedOn<ExemptionCase> =
        execute_on(state, &request, &state.cases, &id.stream_id(), &command).await?;
    let case_id = Uuid::try_parse(&done.stream_id).map_err(ApiError::internal)?;
    let events = command::events_json(&done.events)?;
    let body = CaseCommandResult {
        fund_id: actor.fund.0,
        case_id,
        stream_version: done.stream_version,
        global_position: done.global_position,
        events,
    };
    let location = format!("/funds/{}/exemption-cases/{case_id}", actor.fund);
    command::created(body, Some(location), done.replayed)
}

/// Open a case for a loss-making project of the fund (manager). The loss is the opposite of
/// the project's realised result on the fund's stream (the sum of its exits' `realised`).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/exemption-cases",
    tag = "exemption",
    request_body = OpenCaseRequest,
    params(("fund_id" = Uuid, Path, description = "The fund"), CommandHeaderParams),
    responses(
        (status = 201, description = "Opened", body = CaseCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`no_loss` with `rule` Art. 22: the project realised no loss; `case_already_opened`, `no_covered_person`, `duplicate_person`, `invalid_text`); `404 project_not_found`", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn open_case(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<OpenCaseRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let project = ProjectId(r.project_id);
    project_state(&state, actor.fund, project).await?;
    let realised = evidence::realised(&state, actor.fund, project).await?;
    if realised >= Money::ZERO {
        return Err(ApiError::Rejected {
            code: "no_loss",
            rule: Some("Art. 22"),
            detail: format!("the project's realised result is {realised}, not a loss"),
            not_found: false,
        });
    }
    let id = ExemptionCaseId(r.case_id.unwrap_or_else(Uuid::now_v7));
    let command = ExemptionCommand::Open {
        case_id: id,
        fund_id: actor.fund,
        project_id: project,
        loss: Money::ZERO - realised,
        covered: r.covered.iter().map(Into::into).collect(),
        opened_on: r.opened_on,
    };
    let parts = (&method, &uri, &body.bytes[..]);
    run(&state, &actor, id, &headers, parts, command).await
}

/// Evaluate the procedural conditions from the event history and record the outcome, each
/// condition with the events it relies on (manager; allowed until the first determination).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/exemption-cases/{case_id}/evaluation",
    tag = "exemption",
    request_body = EvaluateRequest,
    params(CasePath, CommandHeaderParams),
    responses(
        (status = 201, description = "Recorded; read the outcomes at the case", body = CaseCommandResult),
        (status = 422, description = "Refused (`case_determined` with `rule` Art. 22, `invalid_exemption_policy`, `date_before_opening`, `date_before_previous_step`); `404 case_not_found`", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn evaluate_case(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<EvaluateRequest>,
) -> Result<Response, ApiError> {
    let id = ExemptionCaseId(id);
    let (case, _) = case_state(&state, actor.fund, id).await?;
    let project = case
        .opened
        .as_ref()
        .map(|o| o.project_id)
        .ok_or_else(|| ApiError::rejected(&ExemptionError::NotFound))?;
    let r = &body.value;
    let policy: ExemptionPolicy = r.policy.map(Into::into).unwrap_or_default();
    let as_of = r.as_of.unwrap_or_else(|| state.today());
    let evidence = evidence::load(&state, actor.fund, project).await?;
    let command = ExemptionCommand::RecordEvaluation {
        outcomes: evaluate(&evidence, &policy, as_of),
        policy,
        evaluated_on: as_of,
    };
    let parts = (&method, &uri, &body.bytes[..]);
    run(&state, &actor, id, &headers, parts, command).await
}

/// A covered person's signed statement: a committee member with their own member token,
/// manager staff through the fund's manager token (recorded on their behalf).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/exemption-cases/{case_id}/attestations",
    tag = "exemption",
    request_body = AttestRequest,
    params(CasePath, CommandHeaderParams),
    responses(
        (status = 201, description = "Recorded", body = CaseCommandResult),
        (status = 422, description = "Refused (`not_covered`, `already_attested` with `rule` Art. 22, `invalid_text`, `date_before_opening`); `404 case_not_found`", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn attest(
    State(state): State<AppState>,
    actor: FundActor<AsSigner>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<AttestRequest>,
) -> Result<Response, ApiError> {
    let id = ExemptionCaseId(id);
    let (case, _) = case_state(&state, actor.fund, id).await?;
    let r = &body.value;
    let covered = case
        .opened
        .iter()
        .flat_map(|o| o.covered.iter())
        .find(|p| p.person_id == r.person_id);
    let allowed = match (&actor.auth.principal, covered.map(|p| p.role)) {
        // A committee member signs for themself only.
        (Principal::Member { member, .. }, Some(Role::CommitteeMember) | None) => {
            member.0 == r.person_id
        }
        // The manager records the statements of its own staff.
        (Principal::Manager { .. }, Some(Role::ManagerStaff) | None) => true,
        _ => false,
    };
    if !allowed {
        return Err(ApiError::Forbidden(
            "a committee member attests with their own token, manager staff through the manager's token",
        ));
    }
    let command = ExemptionCommand::Attest {
        person_id: r.person_id,
        no_personal_gain: r.no_personal_gain,
        no_violation_of_law: r.no_violation_of_law,
        statement: r.statement.clone(),
        signed_on: r.signed_on,
    };
    let parts = (&method, &uri, &body.bytes[..]);
    run(&state, &actor, id, &headers, parts, command).await
}

/// The competent authority's determination (an `authority` token over the fund; its agency
/// is recorded as `by`). A later determination supersedes the one in force.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/exemption-cases/{case_id}/determination",
    tag = "exemption",
    request_body = DetermineRequest,
    params(CasePath, CommandHeaderParams),
    responses(
        (status = 201, description = "Determined", body = CaseCommandResult),
        (status = 422, description = "Refused (`case_not_evaluated`, `condition_failed`, `attestation_missing`, `attestation_negative`, `not_covered` with `rule` Art. 22; `exemptions_without_grant` with `rule` Art. 23; `invalid_text`, `date_before_previous_step`); `404 case_not_found`", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn determine(
    State(state): State<AppState>,
    actor: FundActor<AsAuthority>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<DetermineRequest>,
) -> Result<Response, ApiError> {
    let id = ExemptionCaseId(id);
    case_state(&state, actor.fund, id).await?;
    let Principal::Authority { agency, .. } = &actor.auth.principal else {
        return Err(ApiError::Forbidden(AsAuthority::NEEDS));
    };
    let r = &body.value;
    let command = ExemptionCommand::Determine {
        granted: r.granted,
        reference: r.reference.clone(),
        exemptions: r
            .exemptions
            .iter()
            .map(|p| {
                (
                    p.person_id,
                    p.exemptions.iter().map(|e| (*e).into()).collect(),
                )
            })
            .collect(),
        by: agency.clone(),
        on: r.on,
    };
    let parts = (&method, &uri, &body.bytes[..]);
    run(&state, &actor, id, &headers, parts, command).await
}
