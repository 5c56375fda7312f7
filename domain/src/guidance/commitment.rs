//! The checks on a guidance fund's commitment to a sub-fund (SPEC §10), each recorded with its
//! figures, and the refusal of any guarantee of principal or return (SPEC §10; 财预〔2015〕210号).
//!
//! The checks run in the order of [`GuidanceCheck`]'s variants: the commitment is positive;
//! the sub-fund's facts hold together; its focus is not a prohibited industry (Art. 20); the
//! commitment is within the share of the size (inclusive); the guidance fund is not the
//! largest LP (strictly less than the largest other). [`check_commitment`] refuses with the
//! first failure.

use super::{booked, SubFundFacts};
use crate::fund::policy::GuidancePolicy;
use crate::investment::limits::normalize;
use crate::investment::Outcome;
use crate::{Money, Rejection};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// What is wrong with a sub-fund's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum SubFundProblem {
    /// A blank name, manager, focus or LP name.
    BlankText {
        /// Which: `name`, `manager`, `focus` or `lp_name`.
        field: String,
    },
    /// A term of zero years.
    ZeroTerm,
    /// A size of zero or less.
    NonPositiveSize {
        /// The size given.
        size: Money,
    },
    /// An LP committing zero or less (the first such).
    NonPositiveLpCommitment {
        /// The LP.
        name: String,
        /// Its commitment.
        commitment: Money,
    },
    /// The commitments (the other LPs' and the guidance fund's) exceed the size.
    OverSubscribed {
        /// Their sum.
        total: Money,
        /// The size.
        size: Money,
    },
}

impl std::fmt::Display for SubFundProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubFundProblem::BlankText { field } => write!(f, "`{field}` is blank"),
            SubFundProblem::ZeroTerm => write!(f, "the term is zero years"),
            SubFundProblem::NonPositiveSize { size } => {
                write!(f, "the size {size} is not positive")
            }
            SubFundProblem::NonPositiveLpCommitment { name, commitment } => {
                write!(
                    f,
                    "the LP {name} commits {commitment}, not a positive amount"
                )
            }
            SubFundProblem::OverSubscribed { total, size } => write!(
                f,
                "the commitments total {total}, more than the size {size}"
            ),
        }
    }
}

/// One check of [`evaluate`] with the figures it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum GuidanceCheck {
    /// The commitment is positive.
    PositiveCommitment {
        /// The commitment proposed.
        commitment: Money,
    },
    /// The sub-fund's facts hold together (at the qualification review, with no commitment).
    SubFundFacts {
        /// The size.
        size: Money,
        /// How many other LPs.
        other_lps: usize,
        /// Their commitments.
        other_commitments: Money,
        /// The guidance fund's commitment counted in (zero at the review).
        commitment: Money,
        /// What is wrong, if anything.
        problem: Option<SubFundProblem>,
    },
    /// The focus is not a prohibited industry (Art. 20).
    PermittedFocus {
        /// The sub-fund's focus.
        focus: String,
        /// The prohibited-list entry it matched, as configured.
        matched: Option<String>,
    },
    /// The commitment is at most `max_share` of the size, inclusive (SPEC §10).
    SubFundShare {
        /// The commitment.
        commitment: Money,
        /// The size.
        size: Money,
        /// The policy's share.
        max_share: Decimal,
        /// The largest commitment within it: `max_share × size` rounded down to the fen;
        /// `None` when the size is not positive.
        max: Option<Money>,
    },
    /// The commitment is strictly less than the largest other LP's (SPEC §10).
    NotLargestLp {
        /// The commitment.
        commitment: Money,
        /// The largest other LP's commitment (0 when there is none).
        largest_other: Money,
        /// Its name, when there is one.
        largest_other_name: Option<String>,
    },
}

/// A check and its outcome ([`Outcome::Pass`], [`Outcome::Fail`] or
/// [`Outcome::NotEvaluated`]; never `Approved`: no approval lifts these limits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidanceCheckResult {
    /// What was checked, with the figures.
    pub check: GuidanceCheck,
    /// How it came out.
    pub outcome: Outcome,
}

/// Every check of a commitment, in order: the audit record of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentCheck {
    /// The checks, in the order of [`GuidanceCheck`]'s variants.
    pub checks: Vec<GuidanceCheckResult>,
}

impl CommitmentCheck {
    /// Whether no check failed.
    pub fn passed(&self) -> bool {
        self.first_violation().is_none()
    }

    /// The first failed check as a refusal.
    pub fn first_violation(&self) -> Option<CommitmentError> {
        self.checks.iter().find_map(|c| c.check.violation())
    }
}

/// The terms of return a commitment would carry. Government money is never promised its
/// principal back or a minimum return (SPEC §10; 财预〔2015〕210号): only `{false, None}` passes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnTerms {
    /// Whether the other parties guarantee the guidance fund's principal (保本).
    pub principal_guarantee: bool,
    /// A minimum (fixed) return promised to the guidance fund (保底收益), as a rate; any
    /// value, zero included, is a guarantee.
    pub minimum_return: Option<Decimal>,
}

/// Why a commitment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitmentError {
    /// Zero or a negative commitment.
    #[error("the commitment must be greater than zero, not {commitment}")]
    NonPositiveCommitment {
        /// The commitment proposed.
        commitment: Money,
    },
    /// The sub-fund's facts do not hold together.
    #[error("the sub-fund's facts are inconsistent: {0}")]
    InvalidSubFund(SubFundProblem),
    /// The sub-fund's focus is a prohibited industry.
    #[error("the sub-fund's focus {focus:?} is prohibited (listed as {listed_as:?})")]
    ProhibitedIndustry {
        /// The focus.
        focus: String,
        /// The entry of the prohibited list it matched.
        listed_as: String,
    },
    /// Above the share of the sub-fund's size.
    #[error("{commitment} exceeds {max_share} of the sub-fund's size {size}: at most {max}")]
    SubFundShareExceeded {
        /// The commitment.
        commitment: Money,
        /// The size.
        size: Money,
        /// The policy's share.
        max_share: Decimal,
        /// The largest commitment within it.
        max: Money,
    },
    /// The guidance fund would be the sub-fund's largest LP (alone or tied).
    #[error("the commitment {commitment} is not less than the largest other LP's ({largest_other}): the guidance fund must not be the largest LP")]
    LargestLp {
        /// The commitment.
        commitment: Money,
        /// The largest other LP's commitment.
        largest_other: Money,
    },
    /// A guarantee of principal or of a minimum return.
    #[error("government money is never guaranteed its principal or a minimum return")]
    GuaranteeProhibited {
        /// Whether the principal would be guaranteed.
        principal_guarantee: bool,
        /// The minimum return promised, if any.
        minimum_return: Option<Decimal>,
    },
}

impl Rejection for CommitmentError {
    fn code(&self) -> &'static str {
        match self {
            CommitmentError::NonPositiveCommitment { .. } => "non_positive_commitment",
            CommitmentError::InvalidSubFund(_) => "invalid_sub_fund",
            CommitmentError::ProhibitedIndustry { .. } => "prohibited_industry",
            CommitmentError::SubFundShareExceeded { .. } => "sub_fund_share_exceeded",
            CommitmentError::LargestLp { .. } => "largest_lp",
            CommitmentError::GuaranteeProhibited { .. } => "guarantee_prohibited",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            CommitmentError::NonPositiveCommitment { .. } | CommitmentError::InvalidSubFund(_) => {
                None
            }
            CommitmentError::ProhibitedIndustry { .. } => Some("Art. 20"),
            CommitmentError::SubFundShareExceeded { .. } | CommitmentError::LargestLp { .. } => {
                Some("SPEC §10")
            }
            CommitmentError::GuaranteeProhibited { .. } => Some("SPEC §10; 财预〔2015〕210号"),
        }
    }
}

/// Checks a commitment to a sub-fund: the record of every check, or the first failure.
/// [`evaluate`] gives the record in both cases.
pub fn check_commitment(
    policy: &GuidancePolicy,
    prohibited_industries: &[String],
    facts: &SubFundFacts,
    commitment: Money,
) -> Result<CommitmentCheck, CommitmentError> {
    let record = evaluate(policy, prohibited_industries, facts, commitment);
    match record.first_violation() {
        Some(e) => Err(e),
        None => Ok(record),
    }
}

/// Runs every check of a commitment and records each with its outcome and figures.
pub fn evaluate(
    policy: &GuidancePolicy,
    prohibited_industries: &[String],
    facts: &SubFundFacts,
    commitment: Money,
) -> CommitmentCheck {
    let focus = normalize(&facts.focus);
    let matched = prohibited_industries
        .iter()
        .find(|p| !focus.is_empty() && normalize(p) == focus)
        .cloned();
    let max = facts.size.is_positive().then(|| {
        let product = policy
            .sub_fund_max_share
            .checked_mul(facts.size.as_decimal())
            .unwrap_or(Decimal::MAX);
        booked(product, RoundingStrategy::ToNegativeInfinity)
    });
    let largest = facts.other_lps.iter().max_by_key(|lp| lp.commitment);
    let checks = [
        GuidanceCheck::PositiveCommitment { commitment },
        check_facts(facts, commitment).check,
        GuidanceCheck::PermittedFocus {
            focus: facts.focus.clone(),
            matched,
        },
        GuidanceCheck::SubFundShare {
            commitment,
            size: facts.size,
            max_share: policy.sub_fund_max_share,
            max,
        },
        GuidanceCheck::NotLargestLp {
            commitment,
            largest_other: largest.map_or(Money::ZERO, |lp| lp.commitment),
            largest_other_name: largest.map(|lp| lp.name.clone()),
        },
    ];
    CommitmentCheck {
        checks: checks.into_iter().map(GuidanceCheck::result).collect(),
    }
}

/// Whether the sub-fund's facts hold together, with `commitment` counted in the size (zero
/// at the qualification review, before any commitment is proposed).
pub fn check_facts(facts: &SubFundFacts, commitment: Money) -> GuidanceCheckResult {
    let other_commitments: Money = facts.other_lps.iter().map(|lp| lp.commitment).sum();
    let blank = |field: &str| SubFundProblem::BlankText {
        field: field.to_owned(),
    };
    let texts = [
        ("name", &facts.name),
        ("manager", &facts.manager),
        ("focus", &facts.focus),
    ];
    let lp_names = facts.other_lps.iter().map(|lp| ("lp_name", &lp.name));
    let problem = if let Some((field, _)) = texts
        .into_iter()
        .chain(lp_names)
        .find(|(_, text)| text.trim().is_empty())
    {
        Some(blank(field))
    } else if facts.term_years == 0 {
        Some(SubFundProblem::ZeroTerm)
    } else if !facts.size.is_positive() {
        Some(SubFundProblem::NonPositiveSize { size: facts.size })
    } else if let Some(lp) = facts
        .other_lps
        .iter()
        .find(|lp| !lp.commitment.is_positive())
    {
        Some(SubFundProblem::NonPositiveLpCommitment {
            name: lp.name.clone(),
            commitment: lp.commitment,
        })
    } else if other_commitments + commitment.max(Money::ZERO) > facts.size {
        Some(SubFundProblem::OverSubscribed {
            total: other_commitments + commitment.max(Money::ZERO),
            size: facts.size,
        })
    } else {
        None
    };
    GuidanceCheck::SubFundFacts {
        size: facts.size,
        other_lps: facts.other_lps.len(),
        other_commitments,
        commitment,
        problem,
    }
    .result()
}

/// Refuses any guarantee of principal or of a minimum return.
pub fn check_return_terms(terms: &ReturnTerms) -> Result<(), CommitmentError> {
    if terms.principal_guarantee || terms.minimum_return.is_some() {
        return Err(CommitmentError::GuaranteeProhibited {
            principal_guarantee: terms.principal_guarantee,
            minimum_return: terms.minimum_return,
        });
    }
    Ok(())
}

impl GuidanceCheck {
    /// The check with its outcome.
    fn result(self) -> GuidanceCheckResult {
        let outcome = if self.violation().is_some() {
            Outcome::Fail
        } else if matches!(self, GuidanceCheck::SubFundShare { max: None, .. }) {
            Outcome::NotEvaluated
        } else {
            Outcome::Pass
        };
        GuidanceCheckResult {
            check: self,
            outcome,
        }
    }

    /// The refusal the check carries when it fails.
    pub fn violation(&self) -> Option<CommitmentError> {
        match self {
            GuidanceCheck::PositiveCommitment { commitment } => (!commitment.is_positive())
                .then_some(CommitmentError::NonPositiveCommitment {
                    commitment: *commitment,
                }),
            GuidanceCheck::SubFundFacts { problem, .. } => {
                problem.clone().map(CommitmentError::InvalidSubFund)
            }
            GuidanceCheck::PermittedFocus { focus, matched } => {
                matched
                    .as_ref()
                    .map(|m| CommitmentError::ProhibitedIndustry {
                        focus: focus.clone(),
                        listed_as: m.clone(),
                    })
            }
            GuidanceCheck::SubFundShare {
                commitment,
                size,
                max_share,
                max: Some(max),
            } if commitment > max => Some(CommitmentError::SubFundShareExceeded {
                commitment: *commitment,
                size: *size,
                max_share: *max_share,
                max: *max,
            }),
            GuidanceCheck::NotLargestLp {
                commitment,
                largest_other,
                ..
            } if commitment >= largest_other => Some(CommitmentError::LargestLp {
                commitment: *commitment,
                largest_other: *largest_other,
            }),
            _ => None,
        }
    }
}
