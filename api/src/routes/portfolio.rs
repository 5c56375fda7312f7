//! The fund's portfolio: its money in each investment from the capital read model, each
//! company (or sub-fund) as the projects read model has it, and, for a guidance fund's
//! commitment to a sub-fund, its local reinvestment (返投) against the fund's policy. Read as
//! the ledger's reads are (`ledger`): by whoever may read the fund.

use super::funds::wait_for_all;
use super::ledger::{guidance, open, ReadProblems};
use crate::auth::Authenticated;
use crate::dto::{LedgerQuery, PortfolioDto, ReadQuery};
use crate::error::ApiError;
use crate::extract::{AppPath, AppQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use projections::capital;
use projections::projects::{self, ProjectsProjection};
use projections::Projection;
use uuid::Uuid;

/// The fund's portfolio: each investment (the company, its stage and status, the fund's stake,
/// its latest periodic report and the exit triggers raised; commitment, paid, unpaid
/// commitment, cost not exited, proceeds, realised gain or loss; for a sub-fund, its local
/// reinvestment against the commitment × `policy.guidance.reinvestment_multiple`) and each
/// exit or write-off. `?min_position=` waits for the projects read model too.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/portfolio",
    tag = "investments",
    params(("fund_id" = Uuid, Path, description = "The fund"), ReadQuery),
    responses((status = 200, description = "Investments and exits", body = PortfolioDto), ReadProblems),
    security(("bearer" = []))
)]
pub async fn portfolio(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let query = LedgerQuery {
        on: None,
        min_position: query.min_position,
    };
    let mut read = open(&state, &auth, fund, &query).await?;
    let names = [ProjectsProjection::NAME];
    read.caught_up &= wait_for_all(&state, &names, query.min_position).await?;
    let multiple = guidance(&read)?.reinvestment_multiple;
    let client = state.pool.get().await?;
    let investments = capital::investments(&**client, fund).await?;
    let ids: Vec<Uuid> = investments.iter().map(|i| i.project_id).collect();
    let projects = projects::projects_by_ids(&**client, fund, &ids).await?;
    let exits = capital::exits(&**client, fund).await?;
    let portfolio = PortfolioDto::new(investments, projects, exits, multiple);
    Ok(read.answer(portfolio))
}
