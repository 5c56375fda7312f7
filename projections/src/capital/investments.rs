//! Reading the investments and exits of the capital read model. What is still to pay or
//! collect and the cost not exited are computed here from the stored totals.

use super::views::{ExitView, InvestmentView};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Investments of a fund (one when `project_id` is given), by project id.
async fn investments_of(
    client: &impl GenericClient,
    fund_id: Uuid,
    project_id: Option<Uuid>,
) -> Result<Vec<InvestmentView>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT project_id, commitment, required_cumulative, instructed, paid,
                    commitment - paid, cost_released, paid - cost_released, proceeds, realised
             FROM rm_investments
             WHERE fund_id = $1 AND ($2::uuid IS NULL OR project_id = $2)
             ORDER BY project_id",
            &[&fund_id, &project_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| InvestmentView {
            project_id: r.get(0),
            commitment: r.get(1),
            required_cumulative: r.get(2),
            instructed: r.get(3),
            paid: r.get(4),
            unpaid_commitment: r.get(5),
            cost_released: r.get(6),
            cost_not_exited: r.get(7),
            proceeds: r.get(8),
            realised: r.get(9),
        })
        .collect())
}

/// The investments of a fund, by project id.
pub async fn investments(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Vec<InvestmentView>, tokio_postgres::Error> {
    investments_of(client, fund_id, None).await
}

/// The fund's investment in one project, if an injection or exit was ever recorded for it.
pub async fn investment(
    client: &impl GenericClient,
    fund_id: Uuid,
    project_id: Uuid,
) -> Result<Option<InvestmentView>, tokio_postgres::Error> {
    Ok(investments_of(client, fund_id, Some(project_id))
        .await?
        .into_iter()
        .next())
}

/// The exits of a fund, by day then id.
pub async fn exits(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Vec<ExitView>, tokio_postgres::Error> {
    let rows = client
        .query(
            r#"SELECT exit_id, project_id, proceeds, cost_released, realised, "on",
                      resolution_id, received, proceeds - received
               FROM rm_exits WHERE fund_id = $1 ORDER BY "on", exit_id"#,
            &[&fund_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ExitView {
            exit_id: r.get(0),
            project_id: r.get(1),
            proceeds: r.get(2),
            cost_released: r.get(3),
            realised: r.get(4),
            on: r.get(5),
            resolution_id: r.get(6),
            received: r.get(7),
            outstanding: r.get(8),
        })
        .collect())
}
