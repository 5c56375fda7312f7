//! The fund aggregate (基金): establishment with its terms and policy, tranches, LP
//! subscriptions, capital calls, custodian movements, injections and exits, phases,
//! management fees and distributions.
//!
//! # Layout
//! - this file: the state, the terms and the dispatch of [`Aggregate`];
//! - [`FundCommand`] (`command.rs`), [`FundEvent`] (`event.rs`), [`FundError`] (`error.rs`);
//! - one module per part of the lifecycle: [`capital`], [`custody`], [`investments`]
//!   (injections, exits and the cost not exited, Art. 11, 16), [`lifecycle`] (phases,
//!   extensions, closing), [`fee`] (assessments), [`distribution`];
//! - [`phases`] and [`policy`]: the pure schedule and the policy parameters.

use crate::fees::CostBasisChange;
use crate::{Aggregate, CallId, DistributionId, ExitId, FundId, LpId, Money, ProjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub mod capital;
#[cfg(test)]
mod capital_tests;
#[cfg(test)]
mod closed_tests;
mod command;
pub use command::FundCommand;
pub mod custody;
#[cfg(test)]
mod custody_tests;
pub mod distribution;
#[cfg(test)]
mod distribution_tests;
mod error;
pub use error::FundError;
mod event;
pub use event::FundEvent;
pub mod fee;
#[cfg(test)]
mod fee_tests;
#[cfg(test)]
mod investment_tests;
pub mod investments;
pub mod lifecycle;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod link_tests;
pub mod phases;
pub mod policy;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

/// The longest fund name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Angel fund (天使基金) or guidance fund (引导基金), SPEC §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKind {
    /// Direct equity into portfolio companies.
    Angel,
    /// Commits to sub-funds as a limited partner; may also invest directly.
    Guidance,
}

impl FundKind {
    /// The wire name (`angel` / `guidance`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FundKind::Angel => "angel",
            FundKind::Guidance => "guidance",
        }
    }
}

/// The fund's state as folded from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fund {
    /// Established terms; `None` until [`FundEvent::FundEstablished`].
    pub terms: Option<FundTerms>,
    /// Tranches in order of their numbers.
    pub tranches: Vec<capital::Tranche>,
    /// Every LP that has subscribed.
    pub lps: BTreeMap<LpId, capital::Lp>,
    /// The LPs that are guidance funds administered here, and which.
    pub lp_funds: BTreeMap<LpId, FundId>,
    /// Calls made.
    pub calls: BTreeSet<CallId>,
    /// Cash and movements at the custodian bank.
    pub custody: custody::Custody,
    /// Extensions, closing and the phase changes recorded.
    pub lifecycle: lifecycle::Lifecycle,
    /// Fee assessments by fee year.
    pub fees: BTreeMap<i32, fee::FeeRecord>,
    /// Distributions declared.
    pub distributions: BTreeSet<DistributionId>,
    /// The total cost of investments not yet exited, as it changed (the exit-period fee
    /// base, Art. 7), ordered by day, one change per day: confirmed injections raise it on
    /// the day the money moved, exits lower it on their day ([`investments`]); the fee
    /// assessment reads it.
    pub cost_basis: Vec<CostBasisChange>,
    /// The fund's money in each portfolio company ([`investments`]).
    pub investments: BTreeMap<ProjectId, investments::Investment>,
    /// Exits recorded.
    pub exits: BTreeMap<ExitId, investments::Exit>,
}

/// What the establishment fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundTerms {
    /// The fund's registered name.
    pub name: String,
    /// Angel or guidance.
    pub kind: FundKind,
    /// Total size (总规模).
    pub total_size: Money,
    /// Establishment date (成立日), from which the term is counted (Art. 5).
    pub establishment_date: NaiveDate,
    /// The management company (基金管理机构).
    #[serde(default)]
    pub manager: String,
    /// The custodian bank (托管银行, Art. 18).
    #[serde(default)]
    pub custodian: String,
    /// The city the fund serves (e.g. 昆山).
    #[serde(default)]
    pub city: String,
    /// The policy parameters, SPEC defaults where not given.
    #[serde(default)]
    pub policy: Box<policy::FundPolicy>,
}

impl Aggregate for Fund {
    const STREAM_TYPE: &'static str = "fund";
    type Command = FundCommand;
    type Event = FundEvent;
    type Error = FundError;

    fn decide(&self, command: &FundCommand) -> Result<Vec<FundEvent>, FundError> {
        match command {
            FundCommand::Establish { fund_id, terms } => establish(self, *fund_id, terms),
            FundCommand::OpenTranche {
                number,
                size,
                subscription_date,
            } => capital::open_tranche(self, *number, *size, *subscription_date),
            FundCommand::Subscribe {
                tranche,
                lp,
                identity,
                amount,
            } => capital::subscribe(self, *tranche, *lp, identity, *amount),
            FundCommand::CallCapital {
                call_id,
                tranches,
                amount,
                called_on,
                due_on,
            } => capital::call_capital(self, *call_id, tranches, *amount, *called_on, *due_on),
            FundCommand::InstructMovement {
                movement_id,
                kind,
                amount,
                value_date,
            } => custody::instruct(self, *movement_id, kind, *amount, *value_date),
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on,
            } => custody::confirm(self, *movement_id, *executed_on),
            FundCommand::ExtendTerm {
                months,
                resolution_ref,
                resolved_on,
                government_approval_ref,
            } => lifecycle::extend(
                self,
                *months,
                resolution_ref,
                *resolved_on,
                government_approval_ref.as_deref(),
            ),
            FundCommand::CloseFund { closed_on, today } => {
                lifecycle::close(self, *closed_on, *today)
            }
            FundCommand::RecordPhaseChanges { today } => {
                lifecycle::record_phase_changes(self, *today)
            }
            FundCommand::AssessFee { year, today } => fee::assess_year(self, *year, *today),
            FundCommand::LinkLp { lp, fund } => capital::link_lp(self, *lp, *fund),
            FundCommand::RecordSubFundExit {
                exit_id,
                project_id,
                proceeds,
                cost_released,
                on,
                resolution_id,
            } => {
                let concession = self
                    .terms
                    .as_ref()
                    .and_then(|t| t.policy.guidance.concession.as_ref())
                    .map(|p| crate::guidance::concede(p, *proceeds, *cost_released));
                let kept = concession.as_ref().map_or(*proceeds, |c| c.kept);
                let mut events = Vec::new();
                if let Some(concession) = concession.filter(|c| c.conceded.is_positive()) {
                    events.push(FundEvent::ConcessionApplied {
                        exit_id: *exit_id,
                        concession,
                    });
                }
                events.extend(investments::record_exit(
                    self,
                    *exit_id,
                    *project_id,
                    kept,
                    *cost_released,
                    *on,
                    *resolution_id,
                )?);
                Ok(events)
            }
            FundCommand::DeclareDistribution {
                distribution_id,
                amount,
                declared_on,
            } => distribution::declare(self, *distribution_id, *amount, *declared_on),
            FundCommand::InstructInjection {
                movement_id,
                project_id,
                amount,
                value_date,
                required_cumulative,
                commitment,
            } => investments::instruct_injection(
                self,
                *movement_id,
                *project_id,
                *amount,
                *value_date,
                *required_cumulative,
                *commitment,
            ),
            FundCommand::RecordExit {
                exit_id,
                project_id,
                proceeds,
                cost_released,
                on,
                resolution_id,
            } => investments::record_exit(
                self,
                *exit_id,
                *project_id,
                *proceeds,
                *cost_released,
                *on,
                *resolution_id,
            ),
        }
    }

    fn evolve(&mut self, event: &FundEvent) {
        match event {
            FundEvent::FundEstablished { terms, .. } => self.terms = Some(terms.clone()),
            other => {
                capital::evolve(self, other);
                custody::evolve(&mut self.custody, other);
                investments::evolve(self, other);
                lifecycle::evolve(&mut self.lifecycle, other);
                fee::evolve(&mut self.fees, other);
                if let FundEvent::LpLinked { lp, fund } = other {
                    self.lp_funds.insert(*lp, *fund);
                }
                if let FundEvent::DistributionDeclared {
                    distribution_id, ..
                } = other
                {
                    self.distributions.insert(*distribution_id);
                }
            }
        }
    }
}

/// The terms of an established fund that has not closed: every command but the scheduler's
/// (phase changes, fee assessments) needs one. A closed fund refuses with
/// [`FundError::FundClosed`].
pub(crate) fn open_terms(fund: &Fund) -> Result<&FundTerms, FundError> {
    let terms = fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    if fund.lifecycle.closed_on.is_some() {
        return Err(FundError::FundClosed);
    }
    Ok(terms)
}

/// A name such as the fund's, its manager's or an LP's: 1 to [`MAX_NAME_CHARS`] characters
/// after trimming.
pub(crate) fn valid_name(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME_CHARS).then_some(name)
}

fn establish(fund: &Fund, fund_id: FundId, terms: &FundTerms) -> Result<Vec<FundEvent>, FundError> {
    if fund.terms.is_some() {
        return Err(FundError::AlreadyEstablished);
    }
    let name = valid_name(&terms.name).ok_or(FundError::InvalidName)?;
    let field = |value: &str, which: &'static str| {
        valid_name(value)
            .map(str::to_owned)
            .ok_or(FundError::MissingTerm(which))
    };
    let manager = field(&terms.manager, "manager")?;
    let custodian = field(&terms.custodian, "custodian")?;
    let city = field(&terms.city, "city")?;
    if !terms.total_size.is_positive() {
        return Err(FundError::NonPositiveSize);
    }
    terms.policy.validate().map_err(FundError::Policy)?;
    let terms = FundTerms {
        name: name.to_owned(),
        manager,
        custodian,
        city,
        ..terms.clone()
    };
    // The phase dates must be computable for the whole term.
    phases::schedule(&lifecycle::phase_terms(
        &terms,
        &lifecycle::Lifecycle::default(),
    ))
    .map_err(FundError::Phase)?;
    Ok(vec![FundEvent::FundEstablished { fund_id, terms }])
}
