//! The fund's life after establishment (SPEC §1, Art. 5): extensions approved by the
//! partners' meeting, closing at the end of liquidation, and the phase changes the
//! scheduler records on their dates. A closed fund refuses every command
//! ([`super::FundError::FundClosed`]) but the scheduler's phase changes and fee assessments.
//!
//! The phase dates are a pure function of the terms, the extensions and the closing day
//! ([`super::phases::schedule`]); `PhaseChanged` events record each change after it has
//! happened, so the history shows when the fund entered each phase. Recording is
//! idempotent: a change already recorded is never recorded again, whoever asks and however
//! often.

use super::phases::{self, Phase, PhaseSpan, PhaseTerms};
use super::{valid_name, Fund, FundError, FundEvent, FundKind, FundTerms};
use chrono::NaiveDate;

/// Extensions, closing and the phase changes recorded so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifecycle {
    /// Approved extensions, in order.
    pub extensions: Vec<Extension>,
    /// The day the fund closed, once it has.
    pub closed_on: Option<NaiveDate>,
    /// Every phase change recorded: the phase and its first day.
    pub recorded: Vec<(Phase, NaiveDate)>,
}

/// An extension of the term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// Length in months.
    pub months: u32,
    /// The partners' meeting resolution reference.
    pub resolution_ref: String,
    /// The government approval reference (guidance funds).
    pub government_approval_ref: Option<String>,
    /// The extension's dates.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
}

/// The inputs of the phase schedule.
pub fn phase_terms(terms: &FundTerms, lifecycle: &Lifecycle) -> PhaseTerms {
    PhaseTerms {
        establishment_date: terms.establishment_date,
        investment_months: terms.policy.investment_months,
        exit_months: terms.policy.exit_months,
        extension_months: lifecycle.extensions.iter().map(|e| e.months).collect(),
        closed_on: lifecycle.closed_on,
    }
}

/// The fund's phases with their dates.
pub fn schedule(fund: &Fund) -> Result<Vec<PhaseSpan>, FundError> {
    let terms = fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    phases::schedule(&phase_terms(terms, &fund.lifecycle)).map_err(FundError::Phase)
}

/// The first day of liquidation in a schedule.
fn liquidation_from(spans: &[PhaseSpan]) -> Option<NaiveDate> {
    spans
        .iter()
        .find(|s| s.phase == Phase::Liquidation)
        .map(|s| s.from)
}

/// `ExtendTerm`.
pub fn extend(
    fund: &Fund,
    months: u32,
    resolution_ref: &str,
    resolved_on: NaiveDate,
    government_approval_ref: Option<&str>,
) -> Result<Vec<FundEvent>, FundError> {
    let terms = super::open_terms(fund)?;
    let resolution_ref = valid_name(resolution_ref).ok_or(FundError::ExtensionWithoutResolution)?;
    // A reference given must be usable, not dropped: blank counts as none, too long is refused.
    let government_approval_ref = match government_approval_ref.map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            Some(valid_name(r).ok_or(FundError::MissingTerm("government approval reference"))?)
        }
    };
    if terms.kind == FundKind::Guidance && government_approval_ref.is_none() {
        return Err(FundError::ExtensionWithoutGovernmentApproval);
    }
    if resolved_on < terms.establishment_date {
        return Err(FundError::BeforeEstablishment {
            establishment_date: terms.establishment_date,
        });
    }
    let spans = schedule(fund)?;
    let liquidation = liquidation_from(&spans).ok_or(FundError::FundClosed)?;
    let liquidation_recorded = fund
        .lifecycle
        .recorded
        .iter()
        .any(|(p, _)| *p == Phase::Liquidation);
    if resolved_on >= liquidation || liquidation_recorded {
        return Err(FundError::TermEnded {
            liquidation_from: liquidation,
        });
    }
    let mut extended = phase_terms(terms, &fund.lifecycle);
    extended.extension_months.push(months);
    let spans = phases::schedule(&extended).map_err(FundError::Phase)?;
    let Some(span) = spans.iter().rev().find(|s| s.phase == Phase::Extension) else {
        return Err(FundError::Phase(phases::PhaseError::InvalidPeriod));
    };
    let to = span
        .to
        .ok_or(FundError::Phase(phases::PhaseError::InvalidPeriod))?;
    Ok(vec![FundEvent::TermExtended {
        months,
        resolution_ref: resolution_ref.to_owned(),
        resolved_on,
        government_approval_ref: government_approval_ref.map(str::to_owned),
        from: span.from,
        to,
    }])
}

/// `CloseFund`: only in liquidation, with no cash left and nothing pending at the custodian,
/// every investment exited (sold or written off): a fund closed while holding a stake
/// would leave it unaccounted for; and its fees settled: every year up to the closing that
/// charges a fee assessed and paid (a closed fund pays nothing more).
pub fn close(
    fund: &Fund,
    closed_on: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    let terms = super::open_terms(fund)?;
    if closed_on > today {
        return Err(FundError::DateInFuture { today });
    }
    let mut closing = fund.lifecycle.clone();
    closing.closed_on = Some(closed_on);
    phases::schedule(&phase_terms(terms, &closing)).map_err(FundError::Phase)?;
    let pending = fund.custody.pending().count();
    let holdings = fund
        .investments
        .values()
        .map(super::investments::Investment::cost_not_exited)
        .sum::<crate::Money>();
    let (unassessed_fee_years, fees_unpaid) = super::fee::unsettled(fund, closed_on)?;
    let cash = fund.custody.cash;
    let nothing_left = [cash, holdings, fees_unpaid]
        .iter()
        .all(|m| *m == crate::Money::ZERO);
    if !nothing_left || pending > 0 || !unassessed_fee_years.is_empty() {
        return Err(FundError::LiquidationIncomplete {
            cash,
            pending,
            holdings,
            unassessed_fee_years,
            fees_unpaid,
        });
    }
    Ok(vec![FundEvent::FundClosed { closed_on }])
}

/// `RecordPhaseChanges`: every change after establishment due on or before `today` and not
/// yet recorded, in order.
pub fn record_phase_changes(fund: &Fund, today: NaiveDate) -> Result<Vec<FundEvent>, FundError> {
    let spans = schedule(fund)?;
    Ok(spans
        .iter()
        .skip(1)
        .filter(|s| s.from <= today)
        .filter(|s| !fund.lifecycle.recorded.contains(&(s.phase, s.from)))
        .map(|s| FundEvent::PhaseChanged {
            phase: s.phase,
            on: s.from,
        })
        .collect())
}

/// Folds the lifecycle events into the state.
pub fn evolve(lifecycle: &mut Lifecycle, event: &FundEvent) {
    match event {
        FundEvent::TermExtended {
            months,
            resolution_ref,
            government_approval_ref,
            from,
            to,
            ..
        } => lifecycle.extensions.push(Extension {
            months: *months,
            resolution_ref: resolution_ref.clone(),
            government_approval_ref: government_approval_ref.clone(),
            from: *from,
            to: *to,
        }),
        FundEvent::FundClosed { closed_on } => lifecycle.closed_on = Some(*closed_on),
        FundEvent::PhaseChanged { phase, on } => lifecycle.recorded.push((*phase, *on)),
        _ => {}
    }
}
