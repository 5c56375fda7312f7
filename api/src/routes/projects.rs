//! The project pipeline over REST (SPEC §3, Art. 13, 15): the fund's manager records each
//! step of a project, from the application to post-investment. The facts a step needs from
//! elsewhere are looked up here: the fund's eligibility and investment policy and its phase
//! on the day proposed, the committee resolution that decided the proposal.
//!
//! A project of another fund is answered as if it did not exist (`404 project_not_found`).
//! Every command answers `201` with the project's stage and status after it and the events it
//! recorded.
//!
//! A step reads the fund and the project from the repositories' caches, without a round trip
//! to the store; the append checks that the fund's stream has not moved since (the project's
//! is checked as the stream written), and the step is decided again on states read afresh
//! if it had, or if it was refused ([`command::execute_decided`]). The answer is the state
//! the step's events leave, not read back.

use super::capital::{CommandHeaderParams, CommandProblems};
use super::command::{self, execute_on, CommandRequest, ExecutedOn, Parts};
use crate::auth::{AsManager, FundActor};
use crate::dto::{
    AgreementRequest, ApplyRequest, CloseProjectRequest, DecisionRequest, DueDiligenceRequest,
    EstablishRequest, PaidInRequest, ProjectCommandResult, ProposeRequest, ReportRequest,
    ResearchRequest, StepRequest, SupervisoryRequest, TriggerRequest,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::committee::Status as ResolutionStatus;
use domain::fund::{lifecycle, phases, Fund, FundError};
use domain::project::{DecisionFacts, Project, ProjectCommand, ProjectError, Status};
use domain::{FundId, ProjectId, ResolutionId};
use eventstore::Snapshot;
use std::sync::Arc;
use uuid::Uuid;

/// The fund, established, read through.
pub(crate) async fn fund_state(state: &AppState, fund: FundId) -> Result<Fund, ApiError> {
    let f = fund_snapshot(state, fund, true).await?;
    Ok(Arc::unwrap_or_clone(f.state))
}

/// Refuses a fund not established or closed.
fn open(f: &Fund) -> Result<(), ApiError> {
    if f.terms.is_none() {
        return Err(ApiError::FundNotFound);
    }
    if f.lifecycle.closed_on.is_some() {
        return Err(ApiError::rejected(&FundError::FundClosed));
    }
    Ok(())
}

/// The fund, established and not closed, from the cache unless `fresh` (see
/// [`command::execute_decided`]).
pub(crate) async fn fund_snapshot(
    state: &AppState,
    fund: FundId,
    fresh: bool,
) -> Result<Snapshot<Fund>, ApiError> {
    let f = state
        .funds
        .snapshot(&fund.stream_id(), fresh)
        .await
        .map_err(ApiError::internal)?;
    open(&f.state)?;
    Ok(f)
}

/// The project of the path, if it is the fund's, from the cache unless `fresh`.
pub(crate) async fn project_snapshot(
    state: &AppState,
    fund: FundId,
    id: ProjectId,
    fresh: bool,
) -> Result<Snapshot<Project>, ApiError> {
    let p = state
        .projects
        .snapshot(&id.stream_id(), fresh)
        .await
        .map_err(ApiError::internal)?;
    if p.state.fund != Some(fund) {
        return Err(ApiError::rejected(&ProjectError::NotFound));
    }
    Ok(p)
}

/// The project of the path, if it is the fund's, read through.
pub(crate) async fn project_state(
    state: &AppState,
    fund: FundId,
    id: ProjectId,
) -> Result<Project, ApiError> {
    let p = project_snapshot(state, fund, id, true).await?;
    Ok(Arc::unwrap_or_clone(p.state))
}

/// Runs `command` on the project and answers where it stands.
pub(super) async fn run(
    state: &AppState,
    actor: &FundActor<AsManager>,
    id: ProjectId,
    headers: &CommandHeaders,
    parts: Parts<'_>,
    command: ProjectCommand,
) -> Result<Response, ApiError> {
    let request = CommandRequest::of(actor, headers, parts);
    let done = execute_on(state, &request, &state.projects, &id.stream_id(), &command).await?;
    answer(state, actor.fund, done).await
}

/// The answer of a project command: where the project stands after it.
pub(super) async fn answer(
    state: &AppState,
    fund: FundId,
    done: ExecutedOn<Project>,
) -> Result<Response, ApiError> {
    let id = ProjectId(Uuid::try_parse(&done.stream_id).map_err(ApiError::internal)?);
    let p = done.state_after(&state.projects).await?;
    let status = match p.status {
        Some(Status::Rejected { .. }) => "rejected",
        Some(Status::Withdrawn { .. }) => "withdrawn",
        _ => "active",
    };
    let events = command::events_json(&done.events)?;
    let body = ProjectCommandResult {
        fund_id: fund.0,
        project_id: id.0,
        stream_version: done.stream_version,
        global_position: done.global_position,
        stage: p.stage.map_or("application", |s| s.as_str()).to_owned(),
        status: status.to_owned(),
        events,
    };
    command::created(body, None, done.replayed)
}

/// The path of a project.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "documents parameters; extracted as a tuple")]
pub struct ProjectPath {
    /// The fund.
    fund_id: Uuid,
    /// The project.
    project_id: Uuid,
}

/// A company applies for investment (manager of the fund records it).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/projects",
    tag = "projects",
    request_body = ApplyRequest,
    params(("fund_id" = Uuid, Path, description = "The fund"), CommandHeaderParams),
    responses(
        (status = 201, description = "Applied", body = ProjectCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`project_already_exists`, `invalid_text`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn apply(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<ApplyRequest>,
) -> Result<Response, ApiError> {
    fund_state(&state, actor.fund).await?;
    let r = &body.value;
    let id = ProjectId(r.project_id.unwrap_or_else(Uuid::now_v7));
    let command = ProjectCommand::Apply {
        project_id: id,
        fund_id: actor.fund,
        company: r.company.clone(),
        facts: r.facts.clone(),
        applied_on: r.applied_on,
    };
    run(
        &state,
        &actor,
        id,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await
}

/// A step on a project of the fund in the path: checks the project is the fund's first. The
/// command is built from `$fund: &Fund` and `$project: Snapshot<Project>`, read from the
/// caches and checked by the append (see [`command::execute_decided`]).
macro_rules! step {
    ($name:ident, $path:literal, $body:ty, $doc:literal, $codes:literal, |$state:ident, $fund:ident, $project:ident, $r:ident| $command:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "projects",
            request_body = $body,
            params(ProjectPath, CommandHeaderParams),
            responses(
                (status = 201, description = "Recorded", body = ProjectCommandResult),
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
            let id = ProjectId(id);
            let fund_id = actor.fund;
            let request = $crate::routes::command::CommandRequest::of(
                &actor,
                &headers,
                (&method, &uri, &body.bytes),
            );
            let stream_id = id.stream_id();
            let (shared, value) = (&$state, &body.value);
            let done = $crate::routes::command::execute_decided(
                &$state,
                &request,
                &$state.projects,
                &stream_id,
                move |fresh| async move {
                    let $state: &AppState = shared;
                    let fund_read =
                        $crate::routes::projects::fund_snapshot($state, fund_id, fresh).await?;
                    let $project =
                        $crate::routes::projects::project_snapshot($state, fund_id, id, fresh)
                            .await?;
                    let $fund: &domain::fund::Fund = &fund_read.state;
                    let $r = value;
                    Ok($crate::routes::command::Decision {
                        command: $command,
                        reads: vec![fund_read.check()],
                    })
                },
            )
            .await?;
            $crate::routes::projects::answer(&$state, fund_id, done).await
        }
    };
}
pub(super) use step;

step!(review, "/funds/{fund_id}/projects/{project_id}/qualification-review", StepRequest,
    "The qualification review (资格审查): the seven conditions of Art. 13 against the fund's eligibility policy; for a sub-fund, whether its facts hold together (SPEC §10). Passing enters the project pool, failing rejects the project naming the conditions or the problem (manager).",
    "Refused (`stage_out_of_order` with `rule` Art. 15, `project_closed`, `date_before_application`, `date_before_previous_step`)",
    |state, fund, _project, r| ProjectCommand::ReviewQualification {
        policy: fund.terms.as_ref().map(|t| t.policy.eligibility.clone()).unwrap_or_default(),
        reviewed_on: r.on,
    });

step!(research, "/funds/{fund_id}/projects/{project_id}/research", ResearchRequest,
    "The research's finding (项目调研): shortlisted moves the project to establishment, follow-up keeps it in research (manager).",
    "Refused (`stage_out_of_order` with `rule` Art. 15, `invalid_text`, `project_closed`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::CompleteResearch {
        outcome: r.outcome.into(),
        note: r.note.clone(),
        on: r.on,
    });

step!(establish, "/funds/{fund_id}/projects/{project_id}/establishment", EstablishRequest,
    "Establishment (项目立项) with the partner institution's opinion (manager).",
    "Refused (`stage_out_of_order` with `rule` Art. 15, `invalid_text`, `project_closed`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::Establish {
        partner_opinion_ref: r.partner_opinion_ref.clone(),
        on: r.on,
    });

step!(due_diligence, "/funds/{fund_id}/projects/{project_id}/due-diligence", DueDiligenceRequest,
    "A due-diligence report (commercial, legal, financial) by a named third party, or the expert review (manager).",
    "Refused (`stage_out_of_order` with `rule` Art. 15, `invalid_text`, `project_closed`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::RecordDueDiligence {
        kind: r.kind.into(),
        provider: r.provider.clone(),
        document_ref: r.document_ref.clone(),
        on: r.on,
    });

step!(propose, "/funds/{fund_id}/projects/{project_id}/proposal", ProposeRequest,
    "The investment proposal, checked against the fund's limits and prohibitions and its investment period, with the record of every check; then the manager opens an `investment` resolution with the project's id as its reference (manager).",
    "Refused (`due_diligence_incomplete` and `stage_out_of_order` with `rule` Art. 15, `wrong_target` with `rule` SPEC §10 for a sub-fund (see `…/commitment-proposal`), `outside_investment_period` with `rule` Art. 5, `per_project_limit_exceeded`, `stake_limit_exceeded` and `largest_shareholder` with `rule` Art. 10, `prohibited_instrument`, `prohibited_industry` with `rule` Art. 20, `invalid_cap_table`, `non_positive_amount`, `non_positive_price`, `industry_mismatch`)",
    |state, fund, _project, r| {
        let phase = fund
            .terms
            .as_ref()
            .and_then(|_| lifecycle::schedule(fund).ok())
            .and_then(|spans| phases::phase_on(&spans, r.on));
        ProjectCommand::Propose {
            proposal: r.proposal.clone(),
            price: r.price,
            policy: fund.terms.as_ref().map(|t| t.policy.investment.clone()).unwrap_or_default(),
            phase,
            on: r.on,
        }
    });

step!(decision, "/funds/{fund_id}/projects/{project_id}/decision", DecisionRequest,
    "Record the committee resolution that decided the proposal: passed moves the project to implementation; failed or lapsed rejects it (manager).",
    "Refused (`resolution_not_for_project`, `resolution_undecided`, `decision_amount_mismatch`, `on_site_meeting_required` with `rule` Art. 15(6), `stage_out_of_order`)",
    |state, fund, _project, r| {
        let resolution_id = ResolutionId(r.resolution_id);
        let (resolution, _) = state
            .resolutions
            .load(&resolution_id.stream_id())
            .await
            .map_err(ApiError::internal)?;
        let Some(opened) = resolution.opened else {
            return Err(ApiError::rejected(&ProjectError::NotThisProjectsResolution));
        };
        ProjectCommand::RecordDecision {
            decision: DecisionFacts {
                resolution_id,
                fund: opened.fund,
                kind: opened.subject.kind,
                reference: opened.subject.reference.clone(),
                amount: opened.amount,
                mode: opened.mode,
                status: resolution.status.unwrap_or(ResolutionStatus::Open),
            },
            written_vote_max: fund
                .terms
                .as_ref()
                .map(|t| t.policy.committee.written_vote_max)
                .unwrap_or_default(),
            on: r.on,
        }
    });

step!(agreement, "/funds/{fund_id}/projects/{project_id}/agreement", AgreementRequest,
    "The investment agreement is signed (commitment = the amount decided), or a sub-fund's partnership agreement with `registered_capital` = the sub-fund's size: post-investment management begins (manager).",
    "Refused (`commitment_mismatch`, `sub_fund_size_mismatch` with `rule` SPEC §10, `non_positive_registered_capital`, `invalid_text`, `stage_out_of_order`)",
    |state, _fund, _project, r| ProjectCommand::SignAgreement {
        commitment: r.commitment.0,
        registered_capital: r.registered_capital.0,
        other_shareholders: r.other_shareholders.clone(),
        signed_on: r.signed_on,
    });

step!(paid_in, "/funds/{fund_id}/projects/{project_id}/paid-in", PaidInRequest,
    "The company reports its paid-in capital (a sub-fund its cumulative called capital): the fund's required cumulative payment follows, commitment × paid-in ÷ registered capital, to the fen (Art. 11) (manager).",
    "Refused (`paid_in_decreased`, `paid_in_out_of_range`, `stage_out_of_order`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::ReportPaidIn {
        paid_in: r.paid_in.0,
        on: r.on,
    });

step!(
    reject,
    "/funds/{fund_id}/projects/{project_id}/rejection",
    CloseProjectRequest,
    "The fund rejects the project at its current stage, with a reason (manager).",
    "Refused (`project_closed`, `invalid_text`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::Reject {
        reason: r.reason.clone(),
        on: r.on,
    }
);

step!(
    withdraw,
    "/funds/{fund_id}/projects/{project_id}/withdrawal",
    CloseProjectRequest,
    "The applicant withdraws at the project's current stage, with a reason (manager records it).",
    "Refused (`project_closed`, `invalid_text`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::Withdraw {
        reason: r.reason.clone(),
        on: r.on,
    }
);

step!(report, "/funds/{fund_id}/projects/{project_id}/reports", ReportRequest,
    "The company's periodic post-investment report; exit triggers 1, 5 and 6 of Art. 16 are detected from it, each once (manager).",
    "Refused (`invalid_report`, `invalid_text`, `stage_out_of_order`, `date_before_previous_step`)",
    |state, _fund, _project, r| ProjectCommand::ReportPostInvestment {
        report: r.report.clone(),
        on: r.on,
    });

step!(trigger, "/funds/{fund_id}/projects/{project_id}/triggers", TriggerRequest,
    "An exit trigger the manager records (2, 3, 4 or 7 of Art. 16); 1, 5 and 6 come from the reports (manager).",
    "Refused (`trigger_detected_only`, `invalid_text`, `stage_out_of_order`)",
    |state, _fund, _project, r| ProjectCommand::RecordTrigger {
        trigger: r.trigger,
        note: r.note.clone(),
        on: r.on,
    });

step!(supervise, "/funds/{fund_id}/projects/{project_id}/supervisory-actions", SupervisoryRequest,
    "A supervisory veto or termination when the company breaks the law or misuses funds (Art. 21) (manager).",
    "Refused (`invalid_text`, `stage_out_of_order`)",
    |state, _fund, _project, r| ProjectCommand::RecordSupervisoryAction {
        action: r.action,
        reason: r.reason.clone(),
        on: r.on,
    });
