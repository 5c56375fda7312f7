//! Tranches (各期), LP subscriptions (认缴) and capital calls (SPEC §1, §2 LP level; Art. 3).
//!
//! The fund is raised in numbered tranches whose sizes never exceed the fund's total size;
//! LPs subscribe per tranche, never beyond the tranche's size. A capital call on one or more
//! tranches is allocated to the (LP, tranche) subscriptions in proportion to what each has
//! not been called yet, to the fen, by largest remainder with carry
//! ([`crate::allocation::pro_rata_with_carry`], carry [`behind_after`]): the allocations sum
//! exactly to the call, each is its exact share rounded down or up (less than a fen away),
//! nobody is called beyond its subscription, a call of everything left calls each exactly
//! its rest, and the fen rounded off go to the subscriptions furthest behind their exact
//! share of what their tranche has been called, so the LPs of a tranche keep the same
//! paid-in ratio to within the bound stated in [`crate::allocation`]. The first tranche is
//! paid in at once (一次性出资到位, Art. 3): it is called in full, once it is fully
//! subscribed.

use super::{Fund, FundError, FundEvent};
use crate::allocation::{pro_rata_with_carry, Carry};
use crate::{CallId, LpId, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kinds of limited partner (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LpKind {
    /// A state-owned enterprise (国有企业).
    StateOwned,
    /// A guidance fund (引导基金), possibly administered here too.
    GuidanceFund,
    /// Anyone else.
    Other,
}

/// A tranche and its subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tranche {
    /// 1, 2, 3…
    pub number: u32,
    /// Its size (认缴规模 of the tranche).
    pub size: Money,
    /// Subscription date: its fee accrues from here (Art. 7).
    pub subscription_date: NaiveDate,
    /// Per LP: subscribed and called so far.
    pub subscriptions: BTreeMap<LpId, Subscription>,
}

/// One LP's subscription in one tranche.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subscription {
    /// Subscribed (认缴).
    pub subscribed: Money,
    /// Called so far.
    pub called: Money,
}

impl Tranche {
    /// Sum of the subscriptions.
    pub fn subscribed(&self) -> Money {
        self.subscriptions.values().map(|s| s.subscribed).sum()
    }

    /// Sum of what was called.
    pub fn called(&self) -> Money {
        self.subscriptions.values().map(|s| s.called).sum()
    }
}

/// An LP's share of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallAllocation {
    /// The LP.
    pub lp: LpId,
    /// The tranche of the subscription called.
    pub tranche: u32,
    /// The amount called from it.
    pub amount: Money,
}

/// A registered LP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lp {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: LpKind,
}

/// `OpenTranche`.
pub fn open_tranche(
    fund: &Fund,
    number: u32,
    size: Money,
    subscription_date: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    let terms = super::open_terms(fund)?;
    let expected = fund.tranches.len() as u32 + 1;
    if number != expected {
        return Err(FundError::TrancheOutOfSequence { expected });
    }
    if !size.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    let opened: Money = fund.tranches.iter().map(|t| t.size).sum();
    if opened + size > terms.total_size {
        return Err(FundError::TranchesExceedFundSize {
            room: terms.total_size - opened,
        });
    }
    let earliest = fund
        .tranches
        .last()
        .map_or(terms.establishment_date, |t| t.subscription_date);
    if subscription_date < earliest {
        return Err(FundError::TrancheDateTooEarly { earliest });
    }
    Ok(vec![FundEvent::TrancheOpened {
        number,
        size,
        subscription_date,
    }])
}

/// `Subscribe`.
pub fn subscribe(
    fund: &Fund,
    tranche: u32,
    lp: LpId,
    identity: &Lp,
    amount: Money,
) -> Result<Vec<FundEvent>, FundError> {
    super::open_terms(fund)?;
    let t = tranche_of(fund, tranche)?;
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    let name = identity.name.trim();
    if name.is_empty() || name.chars().count() > super::MAX_NAME_CHARS {
        return Err(FundError::InvalidName);
    }
    if let Some(known) = fund.lps.get(&lp) {
        if known.name != name || known.kind != identity.kind {
            return Err(FundError::LpIdentityMismatch);
        }
    }
    let taken = t.subscribed();
    if taken + amount > t.size {
        return Err(FundError::SubscriptionsExceedTranche {
            room: t.size - taken,
        });
    }
    Ok(vec![FundEvent::LpSubscribed {
        tranche,
        lp,
        lp_name: name.to_owned(),
        lp_kind: identity.kind,
        amount,
    }])
}

/// `LinkLp`: the LP is a guidance fund administered here (SPEC §1: an LP can be a guidance
/// fund, which may itself be a fund in this system). Linking again to the same fund records
/// nothing.
pub fn link_lp(fund: &Fund, lp: LpId, to: crate::FundId) -> Result<Vec<FundEvent>, FundError> {
    super::open_terms(fund)?;
    let known = fund.lps.get(&lp).ok_or(FundError::UnknownLp)?;
    let own = fund.lp_funds.get(&lp);
    if own == Some(&to) {
        return Ok(Vec::new());
    }
    if own.is_some() {
        return Err(FundError::LpAlreadyLinked);
    }
    if known.kind != LpKind::GuidanceFund {
        return Err(FundError::LpNotLinkable);
    }
    Ok(vec![FundEvent::LpLinked { lp, fund: to }])
}

/// `CallCapital`.
pub fn call_capital(
    fund: &Fund,
    call_id: CallId,
    tranches: &[u32],
    amount: Money,
    called_on: NaiveDate,
    due_on: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    super::open_terms(fund)?;
    if fund.calls.contains(&call_id) {
        return Err(FundError::CallAlreadyMade);
    }
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    if due_on < called_on {
        return Err(FundError::DueBeforeCall);
    }
    let mut numbers = tranches.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        return Err(FundError::NothingToCall);
    }
    // Every (LP, tranche) subscription with something left to call, in a fixed order, with
    // its tranche's subscribed and called totals.
    let mut open: Vec<(u32, LpId, Subscription, Money, Money)> = Vec::new();
    for number in &numbers {
        let t = tranche_of(fund, *number)?;
        if called_on < t.subscription_date {
            return Err(FundError::CallBeforeSubscription {
                tranche: *number,
                subscription_date: t.subscription_date,
            });
        }
        if *number == 1 && (numbers.len() > 1 || t.subscribed() != t.size || amount != t.size) {
            return Err(FundError::FirstTranchePaidAtOnce { size: t.size });
        }
        let (subscribed, called) = (t.subscribed(), t.called());
        for (lp, s) in &t.subscriptions {
            if (s.subscribed - s.called).is_positive() {
                open.push((*number, *lp, *s, subscribed, called));
            }
        }
    }
    let uncalled: Money = open.iter().map(|o| o.2.subscribed - o.2.called).sum();
    if amount > uncalled {
        return Err(FundError::CallExceedsUncalled { uncalled });
    }
    let weights: Vec<Money> = open.iter().map(|o| o.2.subscribed - o.2.called).collect();
    let carry: Vec<Carry> = open
        .iter()
        .map(|(_, _, s, subscribed, called)| {
            behind_after(*s, *subscribed, *called, amount, uncalled)
        })
        .collect();
    let parts =
        pro_rata_with_carry(amount, &weights, &carry).map_err(|_| FundError::NothingToCall)?;
    let allocations = open
        .iter()
        .zip(parts)
        .filter(|(_, part)| part.is_positive())
        .map(|((tranche, lp, ..), amount)| CallAllocation {
            lp: *lp,
            tranche: *tranche,
            amount,
        })
        .collect();
    Ok(vec![FundEvent::CapitalCalled {
        call_id,
        tranches: numbers,
        amount,
        called_on,
        due_on,
        allocations,
    }])
}

/// How far a subscription `s` will be behind its exact share of its tranche's called total
/// once a call of `amount` on `uncalled` is booked at its exact share, in fen: the carry of
/// [`pro_rata_with_carry`].
///
/// With `d = s.subscribed × called ÷ subscribed − s.called` (the tranche's totals: how far it
/// is behind before the call) and `r = amount ÷ uncalled`, its exact share of the call is
/// `r × (s.subscribed − s.called)`, which is its share of the tranche's exact part of the call
/// plus `r × d`: the call itself makes up the fraction `r` of the deficit, and `d × (1 − r)`
/// remains. The left-over fen go to the largest `d × (1 − r)` plus the fraction of a fen
/// rounded off, that is to the subscriptions furthest behind once the call is booked.
pub fn behind_after(
    s: Subscription,
    subscribed: Money,
    called: Money,
    amount: Money,
    uncalled: Money,
) -> Carry {
    let deficit = s.subscribed.fen() * called.fen() - s.called.fen() * subscribed.fen();
    let rest = uncalled.fen() - amount.fen();
    let exact = deficit
        .checked_mul(rest)
        .zip(subscribed.fen().checked_mul(uncalled.fen()))
        .and_then(|(numerator, denominator)| Carry::ratio(numerator, denominator));
    exact.unwrap_or_else(|| {
        // Beyond i128 (amounts near 10^14 fen): 28-digit decimals.
        let d = |fen: i128| Decimal::try_from_i128_with_scale(fen, 0).ok();
        let carry = d(deficit)
            .zip(d(subscribed.fen()))
            .and_then(|(deficit, subscribed)| deficit.checked_div(subscribed))
            .zip(d(rest))
            .and_then(|(behind, rest)| behind.checked_mul(rest))
            .zip(d(uncalled.fen()))
            .and_then(|(behind, uncalled)| behind.checked_div(uncalled))
            .unwrap_or(Decimal::ZERO);
        Carry::from_decimal(carry)
    })
}

fn tranche_of(fund: &Fund, number: u32) -> Result<&Tranche, FundError> {
    fund.tranches
        .iter()
        .find(|t| t.number == number)
        .ok_or(FundError::UnknownTranche { tranche: number })
}

/// Folds the capital events into the state.
pub fn evolve(fund: &mut Fund, event: &FundEvent) {
    match event {
        FundEvent::TrancheOpened {
            number,
            size,
            subscription_date,
        } => fund.tranches.push(Tranche {
            number: *number,
            size: *size,
            subscription_date: *subscription_date,
            subscriptions: BTreeMap::new(),
        }),
        FundEvent::LpSubscribed {
            tranche,
            lp,
            lp_name,
            lp_kind,
            amount,
        } => {
            fund.lps.entry(*lp).or_insert_with(|| Lp {
                name: lp_name.clone(),
                kind: *lp_kind,
            });
            if let Some(t) = fund.tranches.iter_mut().find(|t| t.number == *tranche) {
                let s = t.subscriptions.entry(*lp).or_default();
                s.subscribed = s.subscribed + *amount;
            }
        }
        FundEvent::CapitalCalled {
            call_id,
            allocations,
            ..
        } => {
            fund.calls.insert(*call_id);
            for a in allocations {
                if let Some(s) = fund
                    .tranches
                    .iter_mut()
                    .find(|t| t.number == a.tranche)
                    .and_then(|t| t.subscriptions.get_mut(&a.lp))
                {
                    s.called = s.called + a.amount;
                }
            }
        }
        _ => {}
    }
}
