//! A guidance fund's commitments to sub-funds over REST (SPEC §9, §10): the manager applies
//! with the sub-fund's facts (a project whose target is the sub-fund), proposes the
//! commitment, checked against the fund's guidance policy, its prohibited industries and its
//! investment period, and records the sub-fund's portfolio investments (local when in the
//! fund's city, for the reinvestment target, 返投).
//!
//! Every other step is a direct investment's (`projects`, `investments`): the qualification
//! review checks the sub-fund's facts, the committee decides the commitment, the partnership
//! agreement is signed on the sub-fund's size, the sub-fund's cumulative called capital is
//! reported as its paid-in, and the fund pays in step with it (Art. 11); exits as any.

use super::capital::{CommandHeaderParams, CommandProblems};
use super::projects::{fund_state, run, step, ProjectPath};
use crate::auth::{AsManager, FundActor};
use crate::dto::{
    ApplySubFundRequest, CommitmentProposalRequest, ProjectCommandResult, SubFundInvestmentRequest,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::fund::{lifecycle, phases};
use domain::project::ProjectCommand;
use domain::ProjectId;
use uuid::Uuid;

/// A guidance fund considers a commitment to a sub-fund (manager): a project whose company is
/// the sub-fund's name and whose industry is its focus; the qualification review then checks
/// the facts hold together.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/sub-funds",
    tag = "projects",
    request_body = ApplySubFundRequest,
    params(("fund_id" = Uuid, Path, description = "The guidance fund"), CommandHeaderParams),
    responses(
        (status = 201, description = "Applied", body = ProjectCommandResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`project_already_exists`, `invalid_text`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn apply_sub_fund(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<ApplySubFundRequest>,
) -> Result<Response, ApiError> {
    let fund = fund_state(&state, actor.fund).await?;
    // An angel fund invests directly in companies only (Art. 8).
    if fund.terms.as_ref().map(|t| t.kind) != Some(domain::fund::FundKind::Guidance) {
        return Err(ApiError::Rejected {
            code: "sub_funds_for_guidance_funds",
            rule: Some("Art. 8"),
            detail: "only a guidance fund commits to sub-funds; an angel fund invests directly"
                .to_owned(),
            not_found: false,
        });
    }
    let r = &body.value;
    let id = ProjectId(r.project_id.unwrap_or_else(Uuid::now_v7));
    let command = ProjectCommand::ApplySubFund {
        project_id: id,
        fund_id: actor.fund,
        sub_fund: (&r.sub_fund).into(),
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

step!(propose_commitment, "/funds/{fund_id}/projects/{project_id}/commitment-proposal", CommitmentProposalRequest,
    "The commitment to a sub-fund, checked against the fund's guidance policy (at most `sub_fund_max_share` of the size, inclusive; less than the largest other LP), its prohibited industries and its investment period, with the record of every check; no guarantee of principal or minimum return. Then the manager opens an `investment` resolution with the project's id as its reference (manager).",
    "Refused (`due_diligence_incomplete` and `stage_out_of_order` with `rule` Art. 15, `wrong_target` with `rule` SPEC §10 for a company (see `…/proposal`), `outside_investment_period` with `rule` Art. 5, `guarantee_prohibited` with `rule` SPEC §10, `sub_fund_share_exceeded` and `largest_lp` with `rule` SPEC §10, `prohibited_industry` with `rule` Art. 20, `invalid_sub_fund`, `non_positive_commitment`, `date_before_previous_step`)",
    |state, fund, _project, r| {
        let phase = fund
            .terms
            .as_ref()
            .and_then(|_| lifecycle::schedule(fund).ok())
            .and_then(|spans| phases::phase_on(&spans, r.on));
        let policy = fund.terms.as_ref().map(|t| t.policy.clone()).unwrap_or_default();
        ProjectCommand::ProposeCommitment {
            commitment: r.commitment.0,
            return_terms: (&r.return_terms).into(),
            guidance: policy.guidance.clone(),
            prohibited_industries: policy.investment.prohibited_industries.clone(),
            phase,
            on: r.on,
        }
    });

step!(report_investment, "/funds/{fund_id}/projects/{project_id}/sub-fund-investments", SubFundInvestmentRequest,
    "The sub-fund reports one of its portfolio investments: local when the company's city is the guidance fund's (ignoring case and spaces), counted towards the reinvestment target (返投) the portfolio shows (manager).",
    "Refused (`stage_out_of_order` with `rule` Art. 15 before the agreement, `wrong_target` with `rule` SPEC §10 for a company, `non_positive_amount`, `invalid_text`, `project_closed`, `date_before_previous_step`)",
    |state, fund, _project, r| ProjectCommand::ReportSubFundInvestment {
        company: r.company.clone(),
        city: r.city.clone(),
        amount: r.amount.0,
        fund_city: fund.terms.as_ref().map(|t| t.city.clone()).unwrap_or_default(),
        on: r.on,
    });
