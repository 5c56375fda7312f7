//! Reads of a case, for whoever may read the fund (its manager, committee members and
//! observers, custodian, LPs, the regulators and authorities over it, the admin): the case as
//! it stands with the fund's loss tolerance, and the evidence package (JSON, or printable
//! HTML). Both are built from the case's state loaded through the repository and from the log
//! itself, so they are always current: no projection is involved.

use super::{case_state, evidence, html, CasePath};
use crate::auth::Authenticated;
use crate::dto::{
    loss_tolerance, AttestationView, CaseView, CoveredPersonDto, DeterminationView, EvaluationView,
    EventRefDto, EvidencePackage, OutcomeView, PackagedEvent, PersonExemptionsDto, PolicyDto,
};
use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use domain::exemption::ExemptionCase;
use domain::{ExemptionCaseId, FundId};
use eventstore::store::{row_to_event, EVENT_COLUMNS};
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::IntoParams;
use uuid::Uuid;

/// `GET …/package` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PackageQuery {
    /// `json` (default) or `html`; without it, `Accept: text/html` asks for HTML.
    pub format: Option<String>,
}

/// The case of the path as a view, for a principal who may read the fund.
async fn view(
    state: &AppState,
    auth: &Authenticated,
    fund: Uuid,
    case: Uuid,
) -> Result<CaseView, ApiError> {
    let fund = FundId(fund);
    if !auth.principal.can_read_fund(fund) {
        return Err(ApiError::FundNotFound);
    }
    let (case, version) = case_state(state, fund, ExemptionCaseId(case)).await?;
    let (f, _) = state
        .funds
        .load(&fund.stream_id())
        .await
        .map_err(ApiError::internal)?;
    let paid_in: domain::Money = f.lps.keys().map(|lp| f.custody.paid_in(*lp)).sum();
    let threshold = f
        .terms
        .as_ref()
        .map(|t| t.policy.guidance.loss_tolerance)
        .unwrap_or_default();
    let results = f.investments.values().map(|i| i.realised().as_decimal());
    let tolerance = loss_tolerance(results, paid_in.as_decimal(), threshold);
    build(&case, version, tolerance)
}

fn build(
    case: &ExemptionCase,
    version: i64,
    loss_tolerance: crate::dto::LossToleranceDto,
) -> Result<CaseView, ApiError> {
    let opened = case
        .opened
        .as_ref()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a loaded case is not opened")))?;
    let status = match case.determination() {
        Some(d) if d.granted => "granted",
        Some(_) => "denied",
        None if case.evaluation().is_some() => "evaluated",
        None => "opened",
    };
    let evaluations = case
        .evaluations
        .iter()
        .zip(0u32..)
        .map(|(e, index)| EvaluationView {
            index,
            evaluated_on: e.evaluated_on,
            policy: PolicyDto {
                report_interval_months: Some(e.policy.report_interval_months),
                trigger_response_days: Some(e.policy.trigger_response_days),
            },
            passed: e.failed().next().is_none(),
            outcomes: e.outcomes.iter().map(OutcomeView::from).collect(),
        });
    let attestations = case.attestations.iter().map(|(person, a)| AttestationView {
        person_id: *person,
        no_personal_gain: a.no_personal_gain,
        no_violation_of_law: a.no_violation_of_law,
        statement: a.statement.clone(),
        signed_on: a.signed_on,
    });
    let determinations =
        case.determinations
            .iter()
            .zip(0u32..)
            .map(|(d, index)| DeterminationView {
                index,
                granted: d.granted,
                reference: d.reference.clone(),
                by: d.by.clone(),
                on: d.on,
                exemptions: d
                    .exemptions
                    .iter()
                    .map(|p| PersonExemptionsDto {
                        person_id: p.person_id,
                        exemptions: p.exemptions.iter().map(|e| (*e).into()).collect(),
                    })
                    .collect(),
                evaluation: d.evaluation,
                supersedes: d.supersedes,
            });
    Ok(CaseView {
        case_id: opened.case_id.0,
        fund_id: opened.fund_id.0,
        project_id: opened.project_id.0,
        loss: crate::dto::Amount(opened.loss),
        opened_on: opened.opened_on,
        stream_version: version,
        status: status.to_owned(),
        covered: opened.covered.iter().map(CoveredPersonDto::from).collect(),
        evaluations: evaluations.collect(),
        attestations: attestations.collect(),
        missing_attestations: case.missing_attestations(),
        determinations: determinations.collect(),
        loss_tolerance,
    })
}

/// A case: the people covered, every evaluation with each condition's outcome and the
/// events it relies on, the attestations, every determination, and the fund's losses
/// against its loss tolerance (容错率).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/exemption-cases/{case_id}",
    tag = "exemption",
    params(CasePath),
    responses((status = 200, description = "The case", body = CaseView), ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_case(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, case)): AppPath<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    Ok(AppJson(view(&state, &auth, fund, case).await?).into_response())
}

/// Every event the package cites: the evaluations' references and the case's own events,
/// read from the log, by global position.
async fn packaged(state: &AppState, case: &CaseView) -> Result<Vec<PackagedEvent>, ApiError> {
    let mut ids: BTreeSet<Uuid> = case
        .evaluations
        .iter()
        .flat_map(|e| e.outcomes.iter())
        .flat_map(|o| o.references.iter())
        .map(|r| r.event_id)
        .collect();
    let own = state
        .store
        .load_stream(&ExemptionCaseId(case.case_id).stream_id(), 0)
        .await
        .map_err(ApiError::internal)?;
    ids.extend(own.iter().map(|e| e.event_id));
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let client = state.pool.get().await.map_err(ApiError::internal)?;
    let rows = client
        .query(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ANY($1) \
                 ORDER BY global_position"
            ),
            &[&ids],
        )
        .await
        .map_err(ApiError::internal)?;
    Ok(rows
        .iter()
        .map(row_to_event)
        .map(|e| PackagedEvent {
            reference: EventRefDto::from(&evidence::reference(&e)),
            payload: e.payload,
            metadata: e.metadata,
        })
        .collect())
}

/// The evidence package of a case: the case and every event it relies on with its stored
/// payload, each cited by id, stream, version, global position and hash so that
/// `fundadmin verify --package FILE` can check it against the log. JSON by default;
/// printable HTML with `Accept: text/html` or `?format=html`.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/exemption-cases/{case_id}/package",
    tag = "exemption",
    params(CasePath, PackageQuery),
    responses(
        (status = 200, description = "The package (JSON, or HTML for printing)",
            content((EvidencePackage = "application/json"), (String = "text/html"))),
        ReadProblems
    ),
    security(("bearer" = []))
)]
pub async fn package(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, case)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<PackageQuery>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let as_html = match query.format.as_deref() {
        Some("html") => true,
        Some("json") => false,
        Some(other) => {
            return Err(ApiError::InvalidQuery(format!(
                "format must be json or html, not {other:?}"
            )))
        }
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html")),
    };
    let case = view(&state, &auth, fund, case).await?;
    crate::routes::access_log::record(
        &state,
        &auth,
        fund,
        crate::routes::access_log::Read::EvidencePackage,
        &uri,
    )
    .await?;
    let events = packaged(&state, &case).await?;
    let package = EvidencePackage {
        generated_at: state.now(),
        case,
        events,
    };
    if as_html {
        return Ok(Html(html::render(&package)).into_response());
    }
    Ok(AppJson(package).into_response())
}
