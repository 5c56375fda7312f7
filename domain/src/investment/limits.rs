//! The limits and prohibitions a proposed direct investment must respect (SPEC §5).
//!
//! - Art. 10: "原则上每个项目投资金额不超过500万元(含)" — at most
//!   [`InvestmentPolicy::per_project_max`], inclusive, unless "投资方案经市国资委投资决策委员会
//!   同意" — an approval whose reference is recorded lifts this limit, and only this one.
//! - Art. 10: "取得项目公司股权后的占股比例原则上不超过20%,且不为第一大股东" — the stake after the
//!   investment at most [`InvestmentPolicy::max_stake`], inclusive, and the fund never the
//!   largest shareholder: it must hold strictly less than some other shareholder on the
//!   post-money cap table (an equal first place is still first place, so it is refused).
//!   SPEC §5 lists these next to Art. 12 (同股同权); the seed puts them in Art. 10, which wins.
//! - Art. 20 (and, for a guidance fund, 财预〔2015〕210号 Art. 12): no borrowing or guarantees,
//!   listed stocks, futures, FX, real estate, securities funds, derivatives, sponsorship or
//!   donations, deposits or lending, unlimited-liability investments ([`Instrument`]); no
//!   investment in the prohibited industries ([`InvestmentPolicy::prohibited_industries`],
//!   matched ignoring case and whitespace).
//!
//! [`evaluate`] runs every check and records each with its outcome and the figures used, for
//! the audit trail; [`check_proposal`] refuses with the first failure, in the order of
//! [`Check`]: the amount, the absolute prohibitions, then the limits. A cap table that is not
//! usable leaves the stake checks [`Outcome::NotEvaluated`].

use super::Instrument;
use crate::fund::policy::InvestmentPolicy;
use crate::{Money, Rejection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A proposed investment, as the limits see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// The amount the fund would invest.
    pub amount: Money,
    /// The reference of the 市国资委投资决策委员会 approval lifting the per-project limit, if any
    /// (a blank reference counts as none).
    pub higher_approval_ref: Option<String>,
    /// Every shareholder after the investment, the fund included exactly once.
    pub post_money_cap_table: Vec<Shareholder>,
    /// What the fund would acquire.
    pub instrument: Instrument,
    /// The company's industry, as compared with the prohibited list.
    pub industry: String,
}

/// A row of the post-money cap table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shareholder {
    /// The shareholder's name.
    pub name: String,
    /// The stake as a fraction, `0..=1` (0.2 is 20%).
    pub stake: Decimal,
    /// Whether this row is the fund itself.
    pub is_fund: bool,
}

/// What is wrong with a post-money cap table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CapTableProblem {
    /// No row is the fund.
    NoFundRow,
    /// More than one row is the fund.
    SeveralFundRows {
        /// How many.
        count: usize,
    },
    /// A stake below 0 or above 1 (the first such row).
    StakeOutOfRange {
        /// The shareholder.
        name: String,
        /// The stake given.
        stake: Decimal,
    },
    /// The stakes add up to more than 1.
    TotalAboveOne {
        /// Their sum.
        total: Decimal,
    },
    /// The fund's stake is zero although it invests.
    FundStakeNotPositive,
}

/// One check of [`evaluate`] with the figures it used, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// The amount is positive.
    PositiveAmount {
        /// The amount proposed.
        amount: Money,
    },
    /// The instrument is not prohibited (Art. 20(1)–(5)).
    PermittedInstrument {
        /// The instrument proposed.
        instrument: Instrument,
    },
    /// The industry is not prohibited (Art. 20(6)).
    PermittedIndustry {
        /// The industry proposed.
        industry: String,
        /// The prohibited-list entry it matched, as configured.
        matched: Option<String>,
    },
    /// The amount is within the per-project limit, or a higher approval lifts it (Art. 10).
    PerProjectLimit {
        /// The amount proposed.
        amount: Money,
        /// The limit, inclusive.
        max: Money,
        /// The approval reference given, trimmed; `None` if absent or blank.
        higher_approval_ref: Option<String>,
    },
    /// The cap table has one fund row and stakes in `0..=1` summing to at most 1.
    CapTable {
        /// Its rows.
        shareholders: usize,
        /// The sum of the stakes, once every stake is known to be in range.
        total_stake: Option<Decimal>,
        /// What is wrong, if anything.
        problem: Option<CapTableProblem>,
    },
    /// The fund's stake is within the limit (Art. 10).
    StakeLimit {
        /// The fund's stake; `None` when the cap table is not usable.
        stake: Option<Decimal>,
        /// The limit, inclusive.
        max: Decimal,
    },
    /// The fund holds strictly less than the largest other shareholder (Art. 10).
    NotLargestShareholder {
        /// The fund's stake; `None` when the cap table is not usable.
        stake: Option<Decimal>,
        /// The largest other stake (0 when there is none); `None` when not usable.
        largest_other: Option<Decimal>,
    },
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// The per-project limit is exceeded and the recorded higher approval lifts it.
    Approved,
    /// The rule is broken.
    Fail,
    /// The check could not run (the cap table is not usable).
    NotEvaluated,
}

/// A check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// What was checked, with the figures.
    pub check: Check,
    /// How it came out.
    pub outcome: Outcome,
}

/// Every check of a proposal, in order: the audit record of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsCheck {
    /// The checks, in the order of [`Check`]'s variants.
    pub checks: Vec<CheckResult>,
}

impl LimitsCheck {
    /// Whether no check failed (or was left unevaluated).
    pub fn passed(&self) -> bool {
        self.first_violation().is_none()
    }

    /// The first failed check as a refusal.
    pub fn first_violation(&self) -> Option<LimitError> {
        self.checks.iter().find_map(|c| c.check.violation())
    }
}

/// Why a proposed investment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// Zero or a negative amount.
    #[error("the investment amount must be greater than zero, not {amount}")]
    NonPositiveAmount {
        /// The amount proposed.
        amount: Money,
    },
    /// A business Art. 20 forbids.
    #[error("the fund must not invest in {} ({}): only direct equity", .instrument.as_str(), .instrument.clause())]
    ProhibitedInstrument {
        /// The instrument proposed.
        instrument: Instrument,
    },
    /// An industry on the prohibited list.
    #[error("the industry {industry:?} is prohibited (listed as {listed_as:?})")]
    ProhibitedIndustry {
        /// The industry proposed.
        industry: String,
        /// The entry of the prohibited list it matched.
        listed_as: String,
    },
    /// Above the per-project limit without the higher body's approval.
    #[error("{amount} exceeds the per-project limit of {max} without the approval of the 市国资委投资决策委员会")]
    PerProjectLimitExceeded {
        /// The amount proposed.
        amount: Money,
        /// The limit, inclusive.
        max: Money,
    },
    /// The post-money cap table is not usable.
    #[error("the post-money cap table is not usable: {0:?}")]
    InvalidCapTable(CapTableProblem),
    /// The fund's stake after the investment is above the limit.
    #[error("the fund's stake after the investment, {stake}, exceeds the limit of {max}")]
    StakeLimitExceeded {
        /// The fund's stake.
        stake: Decimal,
        /// The limit, inclusive.
        max: Decimal,
    },
    /// The fund would be the largest shareholder (alone or tied).
    #[error("the fund would hold {stake}, not less than the largest other shareholder ({largest_other}): it must not be the largest shareholder")]
    LargestShareholder {
        /// The fund's stake.
        stake: Decimal,
        /// The largest other stake (0 when there is none).
        largest_other: Decimal,
    },
}

impl Rejection for LimitError {
    fn code(&self) -> &'static str {
        match self {
            LimitError::NonPositiveAmount { .. } => "non_positive_amount",
            LimitError::ProhibitedInstrument { .. } => "prohibited_instrument",
            LimitError::ProhibitedIndustry { .. } => "prohibited_industry",
            LimitError::PerProjectLimitExceeded { .. } => "per_project_limit_exceeded",
            LimitError::InvalidCapTable(_) => "invalid_cap_table",
            LimitError::StakeLimitExceeded { .. } => "stake_limit_exceeded",
            LimitError::LargestShareholder { .. } => "largest_shareholder",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            LimitError::NonPositiveAmount { .. } | LimitError::InvalidCapTable(_) => None,
            LimitError::ProhibitedInstrument { .. } => Some("Art. 20; 财预〔2015〕210号 Art. 12"),
            LimitError::ProhibitedIndustry { .. } => Some("Art. 20"),
            LimitError::PerProjectLimitExceeded { .. }
            | LimitError::StakeLimitExceeded { .. }
            | LimitError::LargestShareholder { .. } => Some("Art. 10"),
        }
    }
}

/// Checks a proposal against the policy: the record of every check, or the first failure.
/// [`evaluate`] gives the record in both cases.
pub fn check_proposal(
    policy: &InvestmentPolicy,
    proposal: &Proposal,
) -> Result<LimitsCheck, LimitError> {
    let record = evaluate(policy, proposal);
    match record.first_violation() {
        Some(e) => Err(e),
        None => Ok(record),
    }
}

/// Runs every check of a proposal and records each with its outcome and figures.
pub fn evaluate(policy: &InvestmentPolicy, proposal: &Proposal) -> LimitsCheck {
    let amount = proposal.amount;
    let industry = normalize(&proposal.industry);
    let matched = policy
        .prohibited_industries
        .iter()
        .find(|p| !industry.is_empty() && normalize(p) == industry)
        .cloned();
    let approval = proposal
        .higher_approval_ref
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let (cap_table, stakes) = cap_table(&proposal.post_money_cap_table);
    let checks = [
        Check::PositiveAmount { amount },
        Check::PermittedInstrument {
            instrument: proposal.instrument,
        },
        Check::PermittedIndustry {
            industry: proposal.industry.clone(),
            matched,
        },
        Check::PerProjectLimit {
            amount,
            max: policy.per_project_max,
            higher_approval_ref: approval,
        },
        cap_table,
        Check::StakeLimit {
            stake: stakes.map(|s| s.0),
            max: policy.max_stake,
        },
        Check::NotLargestShareholder {
            stake: stakes.map(|s| s.0),
            largest_other: stakes.map(|s| s.1),
        },
    ];
    LimitsCheck {
        checks: checks
            .into_iter()
            .map(|check| CheckResult {
                outcome: check.outcome(),
                check,
            })
            .collect(),
    }
}

impl Check {
    /// How the check comes out on its own figures.
    pub fn outcome(&self) -> Outcome {
        if self.violation().is_some() {
            return Outcome::Fail;
        }
        match self {
            Check::PerProjectLimit { amount, max, .. } if amount > max => Outcome::Approved,
            Check::StakeLimit { stake: None, .. }
            | Check::NotLargestShareholder { stake: None, .. }
            | Check::NotLargestShareholder {
                largest_other: None,
                ..
            } => Outcome::NotEvaluated,
            _ => Outcome::Pass,
        }
    }

    /// The refusal the check carries when it fails.
    pub fn violation(&self) -> Option<LimitError> {
        match self {
            Check::PositiveAmount { amount } => {
                (!amount.is_positive()).then_some(LimitError::NonPositiveAmount { amount: *amount })
            }
            Check::PermittedInstrument { instrument } => {
                instrument
                    .is_prohibited()
                    .then_some(LimitError::ProhibitedInstrument {
                        instrument: *instrument,
                    })
            }
            Check::PermittedIndustry { industry, matched } => {
                matched.as_ref().map(|m| LimitError::ProhibitedIndustry {
                    industry: industry.clone(),
                    listed_as: m.clone(),
                })
            }
            Check::PerProjectLimit {
                amount,
                max,
                higher_approval_ref: None,
            } if amount > max => Some(LimitError::PerProjectLimitExceeded {
                amount: *amount,
                max: *max,
            }),
            Check::CapTable { problem, .. } => problem.clone().map(LimitError::InvalidCapTable),
            Check::StakeLimit {
                stake: Some(stake),
                max,
            } if stake > max => Some(LimitError::StakeLimitExceeded {
                stake: *stake,
                max: *max,
            }),
            Check::NotLargestShareholder {
                stake: Some(stake),
                largest_other: Some(other),
            } if stake >= other => Some(LimitError::LargestShareholder {
                stake: *stake,
                largest_other: *other,
            }),
            _ => None,
        }
    }
}

/// Lower case without any whitespace (full-width spaces included), so that "Steel Smelting"
/// matches "steel smelting" and "钢铁 冶炼" matches "钢铁冶炼".
pub(crate) fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The cap-table check, and the fund's stake with the largest other stake when usable.
fn cap_table(rows: &[Shareholder]) -> (Check, Option<(Decimal, Decimal)>) {
    let check = |total_stake, problem| Check::CapTable {
        shareholders: rows.len(),
        total_stake,
        problem,
    };
    let out_of_range = |r: &&Shareholder| r.stake < Decimal::ZERO || r.stake > Decimal::ONE;
    if let Some(r) = rows.iter().find(out_of_range) {
        let problem = CapTableProblem::StakeOutOfRange {
            name: r.name.clone(),
            stake: r.stake,
        };
        return (check(None, Some(problem)), None);
    }
    // Every stake is in 0..=1, so the sum cannot overflow.
    let total: Decimal = rows.iter().map(|r| r.stake).sum();
    let funds: Vec<&Shareholder> = rows.iter().filter(|r| r.is_fund).collect();
    let problem = match funds.as_slice() {
        [] => Some(CapTableProblem::NoFundRow),
        [fund] if fund.stake <= Decimal::ZERO => Some(CapTableProblem::FundStakeNotPositive),
        [_] if total > Decimal::ONE => Some(CapTableProblem::TotalAboveOne { total }),
        [_] => None,
        several => Some(CapTableProblem::SeveralFundRows {
            count: several.len(),
        }),
    };
    let stakes = match (funds.as_slice(), &problem) {
        ([fund], None) => {
            let others = rows.iter().filter(|r| !r.is_fund).map(|r| r.stake);
            Some((fund.stake, others.max().unwrap_or(Decimal::ZERO)))
        }
        _ => None,
    };
    (check(Some(total), problem), stakes)
}
