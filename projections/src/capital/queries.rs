//! Reading the capital read model: the queries that build its views. Arrears are computed
//! for the day asked. The investments and exits are read in `investments`.

use super::views::{
    CallLpView, CallView, DistributionLpView, DistributionView, FeeAssessmentView, FundCapital,
    LpAccount, MovementView,
};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// The totals of a fund, if it has any.
pub async fn fund_capital(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Option<FundCapital>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            "SELECT tranches, subscribed, called, paid, cash, fees_assessed, fees_paid, \
                    distributed, distributions_paid, invested, cost_released, \
                    invested - cost_released, exit_proceeds, proceeds_received \
             FROM rm_fund_capital WHERE fund_id = $1",
            &[&fund_id],
        )
        .await?;
    Ok(row.map(|r| FundCapital {
        tranches: r.get(0),
        subscribed: r.get(1),
        called: r.get(2),
        paid: r.get(3),
        cash: r.get(4),
        fees_assessed: r.get(5),
        fees_paid: r.get(6),
        distributed: r.get(7),
        distributions_paid: r.get(8),
        invested: r.get(9),
        cost_released: r.get(10),
        cost_not_exited: r.get(11),
        exit_proceeds: r.get(12),
        proceeds_received: r.get(13),
    }))
}

/// `part ÷ whole`, rounded half-up to 6 decimal places (with all 6 shown); `None` for a
/// whole of zero or less.
fn ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole <= Decimal::ZERO {
        return None;
    }
    let mut r = part
        .checked_div(whole)?
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(6);
    Some(r)
}

/// Accounts of a fund (one LP's when `lp_id` is given), by LP id, with arrears on `on`.
async fn accounts(
    client: &impl GenericClient,
    fund_id: Uuid,
    lp_id: Option<Uuid>,
    on: NaiveDate,
) -> Result<Vec<LpAccount>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT a.lp_id, a.name, a.kind, a.subscribed, a.called, a.paid,
                    coalesce((SELECT sum(cl.allocated - cl.paid)
                              FROM rm_call_lps cl
                              JOIN rm_calls c ON c.fund_id = cl.fund_id AND c.call_id = cl.call_id
                              WHERE cl.fund_id = a.fund_id AND cl.lp_id = a.lp_id
                                AND c.due_on < $3), 0),
                    a.distributed, a.distribution_paid, a.linked_fund_id
             FROM rm_lp_accounts a
             WHERE a.fund_id = $1 AND ($2::uuid IS NULL OR a.lp_id = $2)
             ORDER BY a.lp_id",
            &[&fund_id, &lp_id, &on],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let (subscribed, paid) = (r.get(3), r.get(5));
            LpAccount {
                lp_id: r.get(0),
                name: r.get(1),
                kind: r.get(2),
                subscribed,
                called: r.get(4),
                paid,
                arrears: r.get(6),
                distributed: r.get(7),
                distribution_paid: r.get(8),
                paid_in_ratio: ratio(paid, subscribed),
                linked_fund_id: r.get(9),
            }
        })
        .collect())
}

/// The LPs' capital accounts of a fund, by LP id, with their arrears on `on`.
pub async fn lp_accounts(
    client: &impl GenericClient,
    fund_id: Uuid,
    on: NaiveDate,
) -> Result<Vec<LpAccount>, tokio_postgres::Error> {
    accounts(client, fund_id, None, on).await
}

/// One LP's capital account in a fund, with its arrears on `on`, if it has one.
pub async fn lp_account(
    client: &impl GenericClient,
    fund_id: Uuid,
    lp_id: Uuid,
    on: NaiveDate,
) -> Result<Option<LpAccount>, tokio_postgres::Error> {
    Ok(accounts(client, fund_id, Some(lp_id), on)
        .await?
        .into_iter()
        .next())
}

/// Calls of a fund (one when `call_id` is given), by call date then id, with arrears on `on`.
async fn calls_of(
    client: &impl GenericClient,
    fund_id: Uuid,
    call_id: Option<Uuid>,
    on: NaiveDate,
) -> Result<Vec<CallView>, tokio_postgres::Error> {
    let calls = client
        .query(
            "SELECT call_id, tranches, amount, called_on, due_on FROM rm_calls
             WHERE fund_id = $1 AND ($2::uuid IS NULL OR call_id = $2)
             ORDER BY called_on, call_id",
            &[&fund_id, &call_id],
        )
        .await?;
    let lps = client
        .query(
            "SELECT call_id, lp_id, allocated, paid FROM rm_call_lps
             WHERE fund_id = $1 AND ($2::uuid IS NULL OR call_id = $2)
             ORDER BY call_id, lp_id",
            &[&fund_id, &call_id],
        )
        .await?;
    Ok(calls
        .iter()
        .map(|c| {
            let (id, due_on): (Uuid, NaiveDate) = (c.get(0), c.get(4));
            let allocations: Vec<CallLpView> = lps
                .iter()
                .filter(|r| r.get::<_, Uuid>(0) == id)
                .map(|r| {
                    let (allocated, paid): (Decimal, Decimal) = (r.get(2), r.get(3));
                    CallLpView {
                        lp_id: r.get(1),
                        allocated,
                        paid,
                        arrears: if on > due_on {
                            allocated - paid
                        } else {
                            Decimal::ZERO
                        },
                    }
                })
                .collect();
            CallView {
                call_id: id,
                tranches: c.get(1),
                amount: c.get(2),
                called_on: c.get(3),
                due_on,
                paid: allocations.iter().map(|a| a.paid).sum(),
                arrears: allocations.iter().map(|a| a.arrears).sum(),
                allocations,
            }
        })
        .collect())
}

/// The calls of a fund, by call date then id, with their arrears on `on`.
pub async fn calls(
    client: &impl GenericClient,
    fund_id: Uuid,
    on: NaiveDate,
) -> Result<Vec<CallView>, tokio_postgres::Error> {
    calls_of(client, fund_id, None, on).await
}

/// One call of a fund, with its arrears on `on`, if it exists.
pub async fn call(
    client: &impl GenericClient,
    fund_id: Uuid,
    call_id: Uuid,
    on: NaiveDate,
) -> Result<Option<CallView>, tokio_postgres::Error> {
    Ok(calls_of(client, fund_id, Some(call_id), on)
        .await?
        .into_iter()
        .next())
}

fn fee_view(r: &Row) -> FeeAssessmentView {
    let (total, paid): (Decimal, Decimal) = (r.get(3), r.get(4));
    FeeAssessmentView {
        year: r.get(0),
        period_from: r.get(1),
        period_to: r.get(2),
        total,
        paid,
        outstanding: total - paid,
        segments: r.get(5),
        recorded_at: r.get(6),
    }
}

const FEE_COLUMNS: &str = "year, period_from, period_to, total, paid, segments, recorded_at";

/// The fee assessments of a fund, by year.
pub async fn fee_assessments(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Vec<FeeAssessmentView>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!(
                "SELECT {FEE_COLUMNS} FROM rm_fee_assessments WHERE fund_id = $1 ORDER BY year"
            ),
            &[&fund_id],
        )
        .await?;
    Ok(rows.iter().map(fee_view).collect())
}

/// The fee assessment of one fee year of a fund, if assessed.
pub async fn fee_assessment(
    client: &impl GenericClient,
    fund_id: Uuid,
    year: i32,
) -> Result<Option<FeeAssessmentView>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {FEE_COLUMNS} FROM rm_fee_assessments WHERE fund_id = $1 AND year = $2"
            ),
            &[&fund_id, &year],
        )
        .await?;
    Ok(row.as_ref().map(fee_view))
}

/// Distributions of a fund (one when `distribution_id` is given), by declaration date then id.
async fn distributions_of(
    client: &impl GenericClient,
    fund_id: Uuid,
    distribution_id: Option<Uuid>,
) -> Result<Vec<DistributionView>, tokio_postgres::Error> {
    let distributions = client
        .query(
            "SELECT distribution_id, amount, declared_on, paid FROM rm_distributions
             WHERE fund_id = $1 AND ($2::uuid IS NULL OR distribution_id = $2)
             ORDER BY declared_on, distribution_id",
            &[&fund_id, &distribution_id],
        )
        .await?;
    let lps = client
        .query(
            "SELECT distribution_id, lp_id, paid_in, allocated, paid FROM rm_distribution_lps
             WHERE fund_id = $1 AND ($2::uuid IS NULL OR distribution_id = $2)
             ORDER BY distribution_id, lp_id",
            &[&fund_id, &distribution_id],
        )
        .await?;
    Ok(distributions
        .iter()
        .map(|d| {
            let id: Uuid = d.get(0);
            DistributionView {
                distribution_id: id,
                amount: d.get(1),
                declared_on: d.get(2),
                paid: d.get(3),
                allocations: lps
                    .iter()
                    .filter(|r| r.get::<_, Uuid>(0) == id)
                    .map(|r| DistributionLpView {
                        lp_id: r.get(1),
                        paid_in: r.get(2),
                        allocated: r.get(3),
                        paid: r.get(4),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The distributions of a fund, by declaration date then id.
pub async fn distributions(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Vec<DistributionView>, tokio_postgres::Error> {
    distributions_of(client, fund_id, None).await
}

/// One distribution of a fund, if declared.
pub async fn distribution(
    client: &impl GenericClient,
    fund_id: Uuid,
    distribution_id: Uuid,
) -> Result<Option<DistributionView>, tokio_postgres::Error> {
    Ok(distributions_of(client, fund_id, Some(distribution_id))
        .await?
        .into_iter()
        .next())
}

/// The movements of a fund, by value date then id.
pub async fn movements(
    client: &impl GenericClient,
    fund_id: Uuid,
) -> Result<Vec<MovementView>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT movement_id, kind, call_id, lp_id, fee_year, distribution_id, project_id,
                    exit_id, amount, value_date, confirmed_on
             FROM rm_movements WHERE fund_id = $1 ORDER BY value_date, movement_id",
            &[&fund_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| MovementView {
            movement_id: r.get(0),
            kind: r.get(1),
            call_id: r.get(2),
            lp_id: r.get(3),
            fee_year: r.get(4),
            distribution_id: r.get(5),
            project_id: r.get(6),
            exit_id: r.get(7),
            amount: r.get(8),
            value_date: r.get(9),
            confirmed_on: r.get(10),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::ratio;
    use rust_decimal::Decimal;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn the_paid_in_ratio_is_rounded_half_up_to_six_places() {
        assert_eq!(
            ratio(dec("2"), dec("3")).map(|r| r.to_string()),
            Some("0.666667".into())
        );
        assert_eq!(
            ratio(dec("1"), dec("3")).map(|r| r.to_string()),
            Some("0.333333".into())
        );
        // 0.0000005 exactly: half-up, not to even.
        assert_eq!(
            ratio(dec("0.05"), dec("100000")).map(|r| r.to_string()),
            Some("0.000001".into())
        );
        assert_eq!(
            ratio(dec("20"), dec("20")).map(|r| r.to_string()),
            Some("1.000000".into())
        );
        assert_eq!(
            ratio(dec("0"), dec("20")).map(|r| r.to_string()),
            Some("0.000000".into())
        );
        assert_eq!(ratio(dec("5"), dec("0")), None);
    }
}
