//! Distributions (分配) to the LPs, pro rata to their paid-in capital (SPEC §2: the same
//! exact allocation as calls, largest remainder to the fen).
//!
//! Declaring a distribution commits its cash at the custodian; each LP's share is then paid
//! by a custodian movement ([`super::custody::MovementKind::Distribution`]), possibly in
//! parts, and only a confirmed payment leaves the custodian's cash.

use super::{Fund, FundError, FundEvent};
use crate::allocation::pro_rata;
use crate::{DistributionId, LpId, Money};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An LP's share of a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionAllocation {
    /// The LP.
    pub lp: LpId,
    /// Its paid-in capital on declaration: its weight.
    pub paid_in: Money,
    /// Its share.
    pub amount: Money,
}

/// `DeclareDistribution`.
pub fn declare(
    fund: &Fund,
    distribution_id: DistributionId,
    amount: Money,
    declared_on: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    let terms = super::open_terms(fund)?;
    if fund.distributions.contains(&distribution_id) {
        return Err(FundError::DistributionAlreadyDeclared);
    }
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    if declared_on < terms.establishment_date {
        return Err(FundError::BeforeEstablishment {
            establishment_date: terms.establishment_date,
        });
    }
    let paid_in: Vec<(LpId, Money)> = fund
        .lps
        .keys()
        .map(|lp| (*lp, fund.custody.paid_in(*lp)))
        .filter(|(_, paid)| paid.is_positive())
        .collect();
    if paid_in.is_empty() {
        return Err(FundError::NothingPaidIn);
    }
    let available = fund.custody.available();
    if amount > available {
        return Err(FundError::InsufficientCash { available });
    }
    let weights: Vec<Money> = paid_in.iter().map(|(_, p)| *p).collect();
    let parts = pro_rata(amount, &weights).map_err(|_| FundError::NothingPaidIn)?;
    let allocations = paid_in
        .into_iter()
        .zip(parts)
        .filter(|(_, part)| part.is_positive())
        .map(|((lp, paid_in), amount)| DistributionAllocation {
            lp,
            paid_in,
            amount,
        })
        .collect();
    Ok(vec![FundEvent::DistributionDeclared {
        distribution_id,
        amount,
        declared_on,
        allocations,
    }])
}
