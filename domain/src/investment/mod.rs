//! Rules of a direct investment (SPEC §2, §5), as pure functions a command handler calls
//! with the facts in hand.
//!
//! - [`limits`]: the checks on a proposed investment: the per-project amount (Art. 10, "不超过
//!   500万元(含)" unless 市国资委投资决策委员会 approves), the stake after the investment and
//!   never being the largest shareholder (Art. 10), and the prohibited instruments and
//!   industries (Art. 20, 财预〔2015〕210号 Art. 12). Every check is recorded with the figures
//!   used, for the audit trail; the first failure is the command's [`crate::Rejection`].
//! - [`matching`]: paid-in matching (Art. 11, "按项目公司实缴资本占注册资本的比例,与项目公司其他
//!   股东同步到位"): what the fund must have paid of its commitment when the company reports
//!   its paid-in capital, and the refusal of injections beyond it.
//! - [`Instrument`]: what an investment acquires — equity, or one of the businesses Art. 20
//!   forbids.

pub mod limits;
#[cfg(test)]
mod limits_tests;
pub mod matching;
#[cfg(test)]
mod matching_tests;

pub use limits::{
    check_proposal, evaluate, CapTableProblem, Check, CheckResult, LimitError, LimitsCheck,
    Outcome, Proposal, Shareholder,
};
pub use matching::{check_injection, due, Due, MatchingError};

use serde::{Deserialize, Serialize};

/// What an investment acquires: equity (Art. 8), or one of the businesses Art. 20 forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// A direct equity stake in the company (股权投资, Art. 8).
    Equity,
    /// Borrowing or guarantees (对外举债、对外提供担保, Art. 20(1)).
    BorrowingOrGuarantee,
    /// Listed (secondary-market) stocks (二级市场股票, Art. 20(2)).
    ListedSecurities,
    /// Futures (期货, Art. 20(2)).
    Futures,
    /// Foreign exchange (外汇, Art. 20(2)).
    ForeignExchange,
    /// Real estate (房地产, Art. 20(2)).
    RealEstate,
    /// Securities investment funds (证券投资基金, Art. 20(2)).
    SecuritiesFund,
    /// Other financial derivatives (其他金融衍生品, Art. 20(2)).
    Derivatives,
    /// Sponsorship or donations to a third party (赞助、捐赠, Art. 20(3)).
    SponsorshipOrDonation,
    /// Taking deposits or lending to a third party (吸收存款、提供贷款, Art. 20(4)).
    DepositOrLending,
    /// An investment with unlimited joint liability (承担无限连带责任的对外投资, Art. 20(5)).
    UnlimitedLiability,
}

impl Instrument {
    /// Every instrument, equity first.
    pub const ALL: [Instrument; 11] = [
        Instrument::Equity,
        Instrument::BorrowingOrGuarantee,
        Instrument::ListedSecurities,
        Instrument::Futures,
        Instrument::ForeignExchange,
        Instrument::RealEstate,
        Instrument::SecuritiesFund,
        Instrument::Derivatives,
        Instrument::SponsorshipOrDonation,
        Instrument::DepositOrLending,
        Instrument::UnlimitedLiability,
    ];

    /// Whether Art. 20 forbids it (everything but equity).
    pub fn is_prohibited(self) -> bool {
        self != Instrument::Equity
    }

    /// The stable name, as serialized (e.g. `"futures"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Equity => "equity",
            Instrument::BorrowingOrGuarantee => "borrowing_or_guarantee",
            Instrument::ListedSecurities => "listed_securities",
            Instrument::Futures => "futures",
            Instrument::ForeignExchange => "foreign_exchange",
            Instrument::RealEstate => "real_estate",
            Instrument::SecuritiesFund => "securities_fund",
            Instrument::Derivatives => "derivatives",
            Instrument::SponsorshipOrDonation => "sponsorship_or_donation",
            Instrument::DepositOrLending => "deposit_or_lending",
            Instrument::UnlimitedLiability => "unlimited_liability",
        }
    }

    /// The clause of the rules that names it.
    pub fn clause(self) -> &'static str {
        match self {
            Instrument::Equity => "Art. 8",
            Instrument::BorrowingOrGuarantee => "Art. 20(1)",
            Instrument::SponsorshipOrDonation => "Art. 20(3)",
            Instrument::DepositOrLending => "Art. 20(4)",
            Instrument::UnlimitedLiability => "Art. 20(5)",
            _ => "Art. 20(2)",
        }
    }
}
