//! Management-fee assessments of a fund (Art. 7), one per fee year.
//!
//! The fee period is the calendar year, starting on the establishment date in the first
//! year. A period is assessed once it has ended (from the day after its last day), by the
//! scheduler or at the manager's request, or at the manager's request once its last day that
//! can bear a fee has passed: the investment and exit periods bear one, the extension and
//! liquidation do not (Art. 7), so the year in which the exit period ends is final from the
//! day after it (that is how a fund closing in that year settles its last fee first); the assessment is the pure [`crate::fees::assess`]
//! of the fund's phases, its tranches' subscribed sizes (each from its subscription date) and
//! the cost of investments not yet exited. Asking again for an assessed year records nothing:
//! the first assessment is the single charge. Paying it is a custodian movement
//! ([`super::custody::MovementKind::FeePayment`]).

use super::phases::Phase;
use super::{lifecycle, Fund, FundError, FundEvent};
use crate::fees::{self, FeeAssessment, FeePolicy, TrancheBase};
use crate::Money;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// An assessed fee year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeRecord {
    /// The assessment with its segments.
    pub assessment: FeeAssessment,
}

/// The fee period of `year`: the calendar year, from the establishment date in the first
/// year; none before the establishment or after the fund closed.
pub fn fee_period(fund: &Fund, year: i32) -> Result<(NaiveDate, NaiveDate), FundError> {
    let terms = fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    let (first, last) = fees::calendar_year(year).ok_or(FundError::NoFeePeriod { year })?;
    let from = first.max(terms.establishment_date);
    let after_closing = fund.lifecycle.closed_on.is_some_and(|c| c < from);
    if from > last || after_closing {
        return Err(FundError::NoFeePeriod { year });
    }
    Ok((from, last))
}

/// The fee policy of the fund's terms.
pub fn fee_policy(fund: &Fund) -> Result<FeePolicy, FundError> {
    let terms = fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    Ok(FeePolicy {
        rate: terms.policy.fee_rate,
        day_count_basis: terms.policy.fee_day_count_basis,
    })
}

/// The fee of `from..=to` on the fund as it stands: what an assessment would charge.
pub fn compute(fund: &Fund, from: NaiveDate, to: NaiveDate) -> Result<FeeAssessment, FundError> {
    let policy = fee_policy(fund)?;
    let phases = lifecycle::schedule(fund)?;
    let tranches: Vec<TrancheBase> = fund
        .tranches
        .iter()
        .map(|t| TrancheBase {
            tranche: t.number,
            subscribed: t.subscribed(),
            from: t.subscription_date,
        })
        .filter(|t| t.subscribed.is_positive())
        .collect();
    fees::assess(&policy, &phases, &tranches, &fund.cost_basis, from, to).map_err(FundError::Fee)
}

/// `AssessFee`.
pub fn assess_year(fund: &Fund, year: i32, today: NaiveDate) -> Result<Vec<FundEvent>, FundError> {
    let (from, to) = fee_period(fund, year)?;
    // A year that has not begun is never assessed, even one that can bear no fee.
    let ends_on = last_fee_bearing_day(fund, to)?.max(from.pred_opt().unwrap_or(from));
    if ends_on >= today {
        return Err(FundError::FeePeriodNotEnded { ends_on });
    }
    if fund.fees.contains_key(&year) {
        return Ok(Vec::new());
    }
    let assessment = compute(fund, from, to)?;
    Ok(vec![FundEvent::FeeAssessed { year, assessment }])
}

/// The last day up to `to` that can bear a fee: `to`, or the day before the first phase
/// that bears none (extension, liquidation), whichever comes first. A phase that bears a fee
/// never follows one that bears none.
fn last_fee_bearing_day(fund: &Fund, to: NaiveDate) -> Result<NaiveDate, FundError> {
    let fee_free_from = lifecycle::schedule(fund)?
        .iter()
        .find(|s| !matches!(s.phase, Phase::Investment | Phase::Exit))
        .map(|s| s.from);
    Ok(match fee_free_from.and_then(|f| f.pred_opt()) {
        Some(last) if last < to => last,
        _ => to,
    })
}

/// What stands between the fund and its closing on `closed_on` on the fee side (Art. 7): the
/// years up to `closed_on` that would charge a fee and are not assessed, and the fees
/// assessed and not paid.
pub fn unsettled(fund: &Fund, closed_on: NaiveDate) -> Result<(Vec<i32>, Money), FundError> {
    let terms = fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    let mut unassessed = Vec::new();
    for year in terms.establishment_date.year()..=closed_on.year() {
        if fund.fees.contains_key(&year) {
            continue;
        }
        let (from, to) = fee_period(fund, year)?;
        if compute(fund, from, to)?.total.is_positive() {
            unassessed.push(year);
        }
    }
    let outstanding = fund
        .custody
        .fee_payments
        .values()
        .map(super::custody::Due::outstanding)
        .sum();
    Ok((unassessed, outstanding))
}

/// Folds the fee events into the state.
pub fn evolve(fees: &mut BTreeMap<i32, FeeRecord>, event: &FundEvent) {
    if let FundEvent::FeeAssessed { year, assessment } = event {
        fees.entry(*year).or_insert_with(|| FeeRecord {
            assessment: assessment.clone(),
        });
    }
}
