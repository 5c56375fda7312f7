//! Guidance-fund rules (SPEC §9, §10), as pure functions a command handler calls with the
//! facts in hand.
//!
//! A guidance fund (引导基金) commits to sub-funds (子基金) as a limited partner. The commitment
//! goes through the same pipeline and committee as a direct investment (a project whose target
//! is a sub-fund, [`crate::project`]), with the sub-fund's facts ([`SubFundFacts`]: manager,
//! size, term, investment focus, other LPs) instead of a company's.
//!
//! - [`check_commitment`]: the policy limits ([`GuidancePolicy`], defaults of SPEC §10): the
//!   commitment at most `sub_fund_max_share` (20%) of the sub-fund's size, inclusive ("以内");
//!   strictly less than the largest other LP (an equal first place is still first place, so it
//!   is refused, as for shareholders in Art. 10); the sub-fund's focus not a prohibited
//!   industry (Art. 20, the fund's configured list); and facts that hold together (a positive
//!   size, every LP's commitment positive, all commitments within the size). Every check is
//!   recorded with its figures ([`CommitmentCheck`]); the first failure is the refusal.
//! - [`check_return_terms`]: government money shares profit and risk on equal terms (同股同权、
//!   利益共享、风险共担) and is never promised its principal back or a minimum return (SPEC §10;
//!   财预〔2015〕210号): any such term is refused.
//! - [`concede`]: the optional profit concession (让利) on an exit distribution from a
//!   sub-fund ([`ConcessionPolicy`]).
//! - [`loss_tolerance`]: the fund-level loss tolerance (容错率, SPEC §9): realised losses
//!   against paid-in, against the policy threshold (default 20%, inclusive).
//! - [`reinvestment`]: local reinvestment (返投): the sub-fund's investments in local companies
//!   against [`GuidancePolicy::reinvestment_multiple`] × the commitment (a configurable
//!   default of 1.5).
//!
//! Paid-in matching at sub-fund level needs no rule of its own: the sub-fund's cumulative
//! called capital and its size take the place of the company's paid-in and registered capital
//! in [`crate::investment::matching::due`] (SPEC §2).
//!
//! # Rounding
//! Amounts are exact decimals; a product booked as an amount is rounded to the fen half up
//! (concessions, the reinvestment target). A limit compares exactly: the largest commitment
//! within a share of the size is `share × size` rounded *down* to the fen (an amount in fen is
//! at most the exact product exactly when it is at most the product rounded down), and the
//! loss tolerance compares `losses ≤ threshold × paid_in` exactly, whatever the rounding of
//! the ratio shown.

mod commitment;
mod returns;
#[cfg(test)]
mod tests;

pub use crate::fund::policy::{ConcessionPolicy, GuidancePolicy};
pub use commitment::{
    check_commitment, check_facts, check_return_terms, evaluate, CommitmentCheck, CommitmentError,
    GuidanceCheck, GuidanceCheckResult, ReturnTerms, SubFundProblem,
};
pub use returns::{
    concede, loss_tolerance, realised_losses, reinvestment, Concession, LossTolerance, Reinvestment,
};

use crate::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// What the guidance fund knows of a sub-fund it would commit to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubFundFacts {
    /// The sub-fund's name.
    pub name: String,
    /// Its manager (基金管理人).
    pub manager: String,
    /// Its size: the total commitments it raises (认缴规模).
    pub size: Money,
    /// Its term in years.
    pub term_years: u32,
    /// Its investment focus (industry), compared with the prohibited industries.
    pub focus: String,
    /// The other limited partners, with their commitments (the guidance fund not among them).
    pub other_lps: Vec<SubFundLp>,
}

/// Another limited partner of a sub-fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubFundLp {
    /// Its name.
    pub name: String,
    /// Its commitment (认缴).
    pub commitment: Money,
}

/// `d` booked as an amount: rounded to the fen with `strategy`, within ±[`crate::money::MAX_YUAN`]
/// (amounts here never reach that bound; it only keeps the conversion total).
fn booked(d: Decimal, strategy: RoundingStrategy) -> Money {
    let max = Decimal::from(crate::money::MAX_YUAN);
    let rounded = d.round_dp_with_strategy(2, strategy).clamp(-max, max);
    // Cannot fail: at most two decimals, within the range.
    Money::from_decimal(rounded).unwrap_or_default()
}

/// `d` rounded half up to the fen (for non-negative amounts: half away from zero).
fn half_up(d: Decimal) -> Money {
    booked(d, RoundingStrategy::MidpointAwayFromZero)
}
