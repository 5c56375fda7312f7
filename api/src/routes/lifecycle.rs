//! Lifecycle commands on a fund, all by its manager: extending the term after a partners'
//! meeting resolution, closing the fund at the end of liquidation, assessing a year's
//! management fee and declaring a distribution.
//!
//! "Today" (a fee year must have ended, a fund cannot close in the future) is the date in
//! China Standard Time ([`crate::clock`]). Assessing a year already assessed records nothing
//! and answers `200` with the assessment recorded the first time: one charge per period.

use super::capital::{CommandHeaderParams, CommandProblems, FundCommandParams};
use super::command::{self, run, written};
use crate::auth::{AsManager, FundActor};
use crate::dto::{
    Amount, AssessFeeRequest, CloseFundRequest, DeclareDistributionRequest,
    DistributionAllocationDto, DistributionResult, ExtendTermRequest, FeeAssessmentDto,
    FeeAssessmentResult, FundCommandResult,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppJson, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use domain::fund::{FundCommand, FundEvent};
use domain::DistributionId;
use uuid::Uuid;

/// Extend the term (manager of the fund), with the partners' meeting resolution and, for a
/// guidance fund, the government approval.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/extensions",
    tag = "lifecycle",
    request_body = ExtendTermRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Extended", body = FundCommandResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`extension_without_resolution` and `term_ended` with `rule` Art. 5, `extension_without_government_approval` with `rule` 210号 Art. 17, `invalid_fund_term` (an approval reference over 200 characters), `invalid_fund_period`, `date_before_establishment`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn extend_term(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<ExtendTermRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::ExtendTerm {
        months: r.months,
        resolution_ref: r.resolution_ref.clone(),
        resolved_on: r.resolved_on,
        government_approval_ref: r.government_approval_ref.clone(),
    };
    let request = (&method, &uri, &body.bytes[..]);
    let done = run(&state, &actor, &headers, request, command).await?;
    command::created(done.result, None, done.replayed)
}

/// Record that liquidation is complete and the fund is closed (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/closing",
    tag = "lifecycle",
    request_body = CloseFundRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Closed", body = FundCommandResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`closed_before_liquidation` with `rule` Art. 5, `date_in_future`, `liquidation_incomplete`: cash, pending movements, holdings or fees not settled, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn close_fund(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<CloseFundRequest>,
) -> Result<Response, ApiError> {
    let command = FundCommand::CloseFund {
        closed_on: body.value.closed_on,
        today: state.today(),
    };
    let request = (&method, &uri, &body.bytes[..]);
    let done = run(&state, &actor, &headers, request, command).await?;
    command::created(done.result, None, done.replayed)
}

/// Assess the management fee of a year that has ended (manager of the fund; the scheduler
/// also assesses every year after it ends).
///
/// `201` with the new assessment, or `200` with the assessment recorded before: a year is
/// charged once.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/fee-assessments",
    tag = "fees",
    request_body = AssessFeeRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Assessed", body = FeeAssessmentResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 200, description = "Assessed before: the recorded assessment", body = FeeAssessmentResult),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`fee_period_not_ended` with `rule` Art. 7, `no_fee_period`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn assess_fee(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<AssessFeeRequest>,
) -> Result<Response, ApiError> {
    let year = body.value.year;
    let command = FundCommand::AssessFee {
        year,
        today: state.today(),
    };
    let request = (&method, &uri, &body.bytes[..]);
    let done = run(&state, &actor, &headers, request, command).await?;
    let written = done.events.iter().find_map(|e| match e {
        FundEvent::FeeAssessed {
            year: y,
            assessment,
        } if *y == year => Some(FeeAssessmentDto::new(year, assessment)),
        _ => None,
    });
    if let Some(assessment) = written {
        let body = FeeAssessmentResult {
            command: done.result,
            assessment,
        };
        return command::created(body, None, done.replayed);
    }
    // Assessed before: answer the recorded assessment from the fund's state.
    let (fund, _) = state
        .funds
        .load(&actor.fund.stream_id())
        .await
        .map_err(ApiError::internal)?;
    let record = fund.fees.get(&year).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "fee year {year} neither assessed nor refused"
        ))
    })?;
    let body = FeeAssessmentResult {
        command: done.result,
        assessment: FeeAssessmentDto::new(year, &record.assessment),
    };
    Ok(AppJson(body).into_response())
}

/// Declare a distribution to the LPs, allocated pro rata to their paid-in capital to the
/// fen (manager of the fund). Each LP's share is then paid by a `distribution` movement.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/distributions",
    tag = "distributions",
    request_body = DeclareDistributionRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Declared", body = DistributionResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`distribution_already_declared`, `non_positive_amount`, `nothing_paid_in` with `rule` SPEC §2, `insufficient_cash` with `rule` Art. 18, `date_before_establishment`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn declare_distribution(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<DeclareDistributionRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::DeclareDistribution {
        distribution_id: DistributionId(r.distribution_id.unwrap_or_else(Uuid::now_v7)),
        amount: r.amount.0,
        declared_on: r.declared_on,
    };
    let request = (&method, &uri, &body.bytes[..]);
    let done = run(&state, &actor, &headers, request, command).await?;
    let body = written(&done.events, |e| match e {
        FundEvent::DistributionDeclared {
            distribution_id,
            amount,
            allocations,
            ..
        } => Some(DistributionResult {
            command: done.result.clone(),
            distribution_id: distribution_id.0,
            amount: Amount(*amount),
            allocations: allocations
                .iter()
                .map(DistributionAllocationDto::from)
                .collect(),
        }),
        _ => None,
    })?;
    command::created(body, None, done.replayed)
}
