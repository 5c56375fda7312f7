//! The fund's money in its investments (SPEC §2, §6; Art. 11, 16): injections matched to the
//! company's paid-in capital, instructed by the manager and confirmed by the custodian, and
//! exits decided by the committee, partial or whole, a write-off being an exit without
//! proceeds. They are recorded on the fund's stream, where the cash, the cost not exited (the
//! exit-period fee base) and the fees stay consistent.

use super::capital::{CommandHeaderParams, CommandProblems};
use super::command::{self, written};
use super::projects::{fund_state, project_state, ProjectPath};
use crate::auth::{AsManager, FundActor};
use crate::dto::{Amount, ExitRequest, ExitResult, InjectionRequest, MovementResult};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::committee::{Status as ResolutionStatus, SubjectKind};
use domain::fund::{FundCommand, FundEvent};
use domain::project::ProjectError;
use domain::{ExitId, MovementId, ProjectId, ResolutionId};
use uuid::Uuid;

/// Instruct a payment to the company, at most what its paid-in ratio requires (manager).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/projects/{project_id}/injections",
    tag = "investments",
    request_body = InjectionRequest,
    params(ProjectPath, CommandHeaderParams),
    responses(
        (status = 201, description = "Instructed; the custodian confirms it at `…/movements/{movement_id}/confirmation`", body = MovementResult),
        (status = 422, description = "Refused (`overpayment` and `required_above_commitment` with `rule` Art. 11, `insufficient_cash` with `rule` Art. 18, `non_positive_amount`, `movement_already_instructed`, `stage_out_of_order` before the agreement, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn inject(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<InjectionRequest>,
) -> Result<Response, ApiError> {
    fund_state(&state, actor.fund).await?;
    let project = project_state(&state, actor.fund, ProjectId(id)).await?;
    let Some(agreement) = &project.agreement else {
        return Err(ApiError::rejected(&ProjectError::StageOutOfOrder {
            expected: "post_investment",
            actual: project.stage.map_or("application", |s| s.as_str()),
        }));
    };
    let r = &body.value;
    let command = FundCommand::InstructInjection {
        movement_id: MovementId(r.movement_id.unwrap_or_else(Uuid::now_v7)),
        project_id: ProjectId(id),
        amount: r.amount.0,
        value_date: r.value_date,
        required_cumulative: project.required_cumulative,
        commitment: agreement.commitment,
    };
    let parts = (&method, &uri, &body.bytes[..]);
    let done = command::run(&state, &actor, &headers, parts, command).await?;
    let movement_id = written(&done.events, |e| match e {
        FundEvent::MovementInstructed { movement_id, .. } => Some(movement_id.0),
        _ => None,
    })?;
    let body = MovementResult {
        command: done.result,
        movement_id,
    };
    command::created(body, None, done.replayed)
}

/// Record an exit decided by the committee (manager): the cost released leaves the fee base
/// on its day; proceeds, if any, come in as an `exit_proceeds` movement the custodian confirms.
/// From a sub-fund, the fund's profit concession (policy `guidance.concession`) is applied:
/// `realised` and the proceeds to collect are what the fund keeps.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/projects/{project_id}/exits",
    tag = "investments",
    request_body = ExitRequest,
    params(ProjectPath, CommandHeaderParams),
    responses(
        (status = 201, description = "Recorded", body = ExitResult),
        (status = 422, description = "Refused (`exit_not_decided` with `rule` Art. 16: the resolution is not this project's passed exit plan; `exit_exceeds_cost` and `negative_proceeds` with `rule` Art. 16, `exit_already_recorded`, `non_positive_amount`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn exit(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    AppPath((_fund, id)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<ExitRequest>,
) -> Result<Response, ApiError> {
    fund_state(&state, actor.fund).await?;
    let project = project_state(&state, actor.fund, ProjectId(id)).await?;
    let r = &body.value;
    let resolution_id = ResolutionId(r.resolution_id);
    let (resolution, _) = state
        .resolutions
        .load(&resolution_id.stream_id())
        .await
        .map_err(ApiError::internal)?;
    let decided = resolution.opened.as_ref().is_some_and(|o| {
        o.fund == actor.fund
            && o.subject.kind == SubjectKind::Exit
            && o.subject.reference.trim() == id.to_string()
    }) && resolution.status == Some(ResolutionStatus::Passed);
    if !decided {
        return Err(ApiError::Rejected {
            code: "exit_not_decided",
            rule: Some("Art. 16"),
            detail: "the resolution is not a passed exit plan of this project".to_owned(),
            not_found: false,
        });
    }
    let (exit_id, project_id) = (
        ExitId(r.exit_id.unwrap_or_else(Uuid::now_v7)),
        ProjectId(id),
    );
    let (proceeds, cost_released, on) = (r.proceeds.0, r.cost_released.0, r.on);
    // A guidance fund's exit from a sub-fund applies its profit concession, if any.
    let command = if project.is_sub_fund() {
        FundCommand::RecordSubFundExit {
            exit_id,
            project_id,
            proceeds,
            cost_released,
            on,
            resolution_id,
        }
    } else {
        FundCommand::RecordExit {
            exit_id,
            project_id,
            proceeds,
            cost_released,
            on,
            resolution_id,
        }
    };
    let parts = (&method, &uri, &body.bytes[..]);
    let done = command::run(&state, &actor, &headers, parts, command).await?;
    let body = written(&done.events, |e| match e {
        FundEvent::ExitRecorded {
            exit_id, realised, ..
        } => Some(ExitResult {
            command: done.result.clone(),
            exit_id: exit_id.0,
            realised: Amount(*realised),
        }),
        _ => None,
    })?;
    command::created(body, None, done.replayed)
}
