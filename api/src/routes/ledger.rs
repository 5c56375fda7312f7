//! Reads of a fund's money from the capital read model: the overview, LP capital accounts,
//! capital calls with their allocations, fee assessments with their segments, distributions
//! and custodian movements (the portfolio is in `portfolio`, on the same footing).
//!
//! Whoever may read the fund reads these (its manager, custodian, committee, the regulators
//! it is assigned to, the admin), except that an LP token sees only its own account: its own
//! lines of each call and distribution, its own movements, and no other LP's account (`404`,
//! as if it did not exist). Arrears are counted on `?on=` (default today, China Standard
//! Time). `?min_position=` waits for the read models as on `GET /funds/{fund_id}`.

use super::funds::{mark_behind, readable};
use crate::auth::{Authenticated, Principal};
use crate::dto::{
    CallDto, CallList, CapitalDto, DistributionDto, DistributionList, FeeAssessmentList,
    FeeAssessmentRecord, Fund, FundOverview, LedgerQuery, LpAccountDto, LpAccountList, MovementDto,
    MovementList, ReadQuery,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::fund::policy::{FundPolicy, GuidancePolicy};
use domain::FundId;
use projections::capital::{self, CapitalProjection};
use projections::funds::{self, FundsProjection};
use projections::Projection;
use uuid::Uuid;

/// The refusals every read here may answer.
#[derive(utoipa::IntoResponses)]
pub enum ReadProblems {
    /// Malformed id or query (`invalid_path`, `invalid_query`).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing or invalid token (`unauthenticated`).
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// No such fund or resource, or not visible to this token (`fund_not_found`,
    /// `lp_not_found`, `call_not_found`, `fee_assessment_not_found`,
    /// `distribution_not_found`).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Server failure (`internal`).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// PostgreSQL is unreachable or restarting (`not_ready`, `checks` naming it), or the
    /// request took over 30 s (`timeout`): retry later.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// A read of one fund: the principal may see it, the read models have caught up as asked.
pub(super) struct FundRead {
    /// The LP an LP token is bound to.
    only_lp: Option<Uuid>,
    on: NaiveDate,
    pub(super) caught_up: bool,
    /// The fund, as the funds read model has it.
    view: funds::FundView,
}

pub(super) async fn open(
    state: &AppState,
    auth: &Authenticated,
    fund: Uuid,
    query: &LedgerQuery,
) -> Result<FundRead, ApiError> {
    let names = [FundsProjection::NAME, CapitalProjection::NAME];
    let caught_up = readable(state, auth, fund, &names, query.min_position).await?;
    let client = state.pool.get().await?;
    let view = funds::get(&**client, FundId(fund))
        .await?
        .ok_or(ApiError::FundNotFound)?;
    let only_lp = match &auth.principal {
        Principal::Lp { lp, .. } => Some(*lp),
        _ => None,
    };
    Ok(FundRead {
        only_lp,
        on: query.on.unwrap_or_else(|| state.today()),
        caught_up,
        view,
    })
}

impl FundRead {
    /// Whether the LP `lp` is visible to this token.
    fn sees(&self, lp: Option<Uuid>) -> bool {
        self.only_lp.is_none() || self.only_lp == lp
    }

    pub(super) fn answer<T: serde::Serialize>(&self, body: T) -> Response {
        mark_behind(AppJson(body).into_response(), self.caught_up)
    }
}

fn not_found(code: &'static str, detail: &'static str) -> ApiError {
    ApiError::NotFound { code, detail }
}

/// The fund's guidance policy, from the funds read model's `policy` JSON.
pub(super) fn guidance(read: &FundRead) -> Result<GuidancePolicy, ApiError> {
    let policy: FundPolicy =
        serde_json::from_value(read.view.policy.clone()).map_err(ApiError::internal)?;
    Ok(policy.guidance)
}

/// The fund with its money: size, subscribed, called, paid-in, uncalled, cash at the
/// custodian, fees and distributions, the realised losses against the loss tolerance
/// (容错率, SPEC §9), and its phase with the dates of every phase.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/overview",
    tag = "funds",
    params(("fund_id" = Uuid, Path, description = "The fund"), ReadQuery),
    responses((status = 200, description = "The fund and its money", body = FundOverview), ReadProblems),
    security(("bearer" = []))
)]
pub async fn overview(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let query = LedgerQuery {
        on: None,
        min_position: query.min_position,
    };
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let totals = capital::fund_capital(&**client, fund).await?;
    let investments = capital::investments(&**client, fund).await?;
    let threshold = guidance(&read)?.loss_tolerance;
    let capital = CapitalDto::new(read.view.total_size, totals, &investments, threshold);
    Ok(read.answer(FundOverview {
        fund: Fund::new(read.view.clone(), read.on),
        capital,
    }))
}

/// The LPs' capital accounts (an LP token: its own only).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/lps",
    tag = "capital",
    params(("fund_id" = Uuid, Path, description = "The fund"), LedgerQuery),
    responses((status = 200, description = "Capital accounts by LP id", body = LpAccountList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn lp_accounts(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let items = capital::lp_accounts(&**client, fund, read.on)
        .await?
        .into_iter()
        .filter(|a| read.sees(Some(a.lp_id)))
        .map(LpAccountDto::from)
        .collect();
    Ok(read.answer(LpAccountList { items }))
}

/// One LP's capital account (an LP token: its own only).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/lps/{lp_id}",
    tag = "capital",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("lp_id" = Uuid, Path, description = "The LP"), LedgerQuery),
    responses((status = 200, description = "The capital account", body = LpAccountDto), ReadProblems),
    security(("bearer" = []))
)]
pub async fn lp_account(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, lp)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let missing = || not_found("lp_not_found", "no such LP in this fund");
    if !read.sees(Some(lp)) {
        return Err(missing());
    }
    let client = state.pool.get().await?;
    let account = capital::lp_account(&**client, fund, lp, read.on)
        .await?
        .ok_or_else(missing)?;
    Ok(read.answer(LpAccountDto::from(account)))
}

/// Only the lines of `call` an LP token may see, and for an LP token its own payments and
/// arrears in place of the call's (the call's amount stays: it is on the notice); `None`
/// when it has no line.
fn visible_call(read: &FundRead, mut call: CallDto) -> Option<CallDto> {
    if read.only_lp.is_none() {
        return Some(call);
    }
    call.allocations.retain(|a| read.sees(Some(a.lp_id)));
    let own = call.allocations.first()?;
    call.paid = own.paid;
    call.arrears = own.arrears;
    Some(call)
}

/// Capital calls with their allocation per LP, by call date (an LP token: the calls on it,
/// with its own line only).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/calls",
    tag = "capital",
    params(("fund_id" = Uuid, Path, description = "The fund"), LedgerQuery),
    responses((status = 200, description = "The calls", body = CallList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn calls(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let items = capital::calls(&**client, fund, read.on)
        .await?
        .into_iter()
        .filter_map(|c| visible_call(&read, CallDto::from(c)))
        .collect();
    Ok(read.answer(CallList { items }))
}

/// One capital call with its allocation per LP.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/calls/{call_id}",
    tag = "capital",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("call_id" = Uuid, Path, description = "The call"), LedgerQuery),
    responses((status = 200, description = "The call", body = CallDto), ReadProblems),
    security(("bearer" = []))
)]
pub async fn call(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, call_id)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let call = capital::call(&**client, fund, call_id, read.on)
        .await?
        .and_then(|c| visible_call(&read, CallDto::from(c)))
        .ok_or_else(|| not_found("call_not_found", "no such call in this fund"))?;
    Ok(read.answer(call))
}

/// Management-fee assessments by year, with their segments and payments.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/fee-assessments",
    tag = "fees",
    params(("fund_id" = Uuid, Path, description = "The fund"), LedgerQuery),
    responses((status = 200, description = "The assessments", body = FeeAssessmentList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn fee_assessments(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let items = capital::fee_assessments(&**client, fund)
        .await?
        .into_iter()
        .map(FeeAssessmentRecord::try_from)
        .collect::<Result<_, _>>()
        .map_err(ApiError::internal)?;
    Ok(read.answer(FeeAssessmentList { items }))
}

/// One year's management-fee assessment.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/fee-assessments/{year}",
    tag = "fees",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("year" = i32, Path, description = "The fee year"), LedgerQuery),
    responses((status = 200, description = "The assessment", body = FeeAssessmentRecord), ReadProblems),
    security(("bearer" = []))
)]
pub async fn fee_assessment(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, year)): AppPath<(Uuid, i32)>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let view = capital::fee_assessment(&**client, fund, year)
        .await?
        .ok_or_else(|| not_found("fee_assessment_not_found", "this year is not assessed"))?;
    let record = FeeAssessmentRecord::try_from(view).map_err(ApiError::internal)?;
    Ok(read.answer(record))
}

/// Only the lines of `d` an LP token may see, and for an LP token what was paid to it in
/// place of the distribution's total paid; `None` when it has no line.
fn visible_distribution(read: &FundRead, mut d: DistributionDto) -> Option<DistributionDto> {
    if read.only_lp.is_none() {
        return Some(d);
    }
    d.allocations.retain(|a| read.sees(Some(a.lp_id)));
    d.paid = d.allocations.first()?.paid;
    Some(d)
}

/// Distributions with their allocation per LP (an LP token: its own line only).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/distributions",
    tag = "distributions",
    params(("fund_id" = Uuid, Path, description = "The fund"), LedgerQuery),
    responses((status = 200, description = "The distributions", body = DistributionList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn distributions(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let items = capital::distributions(&**client, fund)
        .await?
        .into_iter()
        .filter_map(|d| visible_distribution(&read, DistributionDto::from(d)))
        .collect();
    Ok(read.answer(DistributionList { items }))
}

/// One distribution with its allocation per LP.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/distributions/{distribution_id}",
    tag = "distributions",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("distribution_id" = Uuid, Path, description = "The distribution"), LedgerQuery),
    responses((status = 200, description = "The distribution", body = DistributionDto), ReadProblems),
    security(("bearer" = []))
)]
pub async fn distribution(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, id)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let d = capital::distribution(&**client, fund, id)
        .await?
        .and_then(|d| visible_distribution(&read, DistributionDto::from(d)))
        .ok_or_else(|| not_found("distribution_not_found", "no such distribution"))?;
    Ok(read.answer(d))
}

/// Money movements at the custodian, by value date (an LP token: its own only).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/movements",
    tag = "custody",
    params(("fund_id" = Uuid, Path, description = "The fund"), LedgerQuery),
    responses((status = 200, description = "The movements", body = MovementList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn movements(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<LedgerQuery>,
) -> Result<Response, ApiError> {
    let read = open(&state, &auth, fund, &query).await?;
    let client = state.pool.get().await?;
    let items = capital::movements(&**client, fund)
        .await?
        .into_iter()
        .filter(|m| read.only_lp.is_none() || read.only_lp == m.lp_id)
        .map(MovementDto::from)
        .collect();
    Ok(read.answer(MovementList { items }))
}
