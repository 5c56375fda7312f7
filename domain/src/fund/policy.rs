//! The fund's policy parameters (SPEC.md: every limit is a parameter with a default, so another
//! city's fund is configured, not coded). The defaults are those of the Kunshan angel fund rules
//! (昆政办发\[2021\]128号) and the guidance-fund practice cited in SPEC.md.
//!
//! Limits read the Chinese way (SPEC §0): "以下/以内/不超过(含)" include the number, "超过"
//! excludes it. Each limit's doc says which.

use crate::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Everything a fund may configure, with SPEC defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundPolicy {
    /// Investment period in months (Art. 5: 3 years).
    pub investment_months: u32,
    /// Exit period in months (Art. 5: 5 years).
    pub exit_months: u32,
    /// Management fee per year (Art. 7: 1%), accrued daily.
    pub fee_rate: Decimal,
    /// The day count of the fee: each day accrues `fee_rate / fee_day_count_basis` of the
    /// base (default 365: actual/365 fixed).
    pub fee_day_count_basis: u32,
    /// The investment committee (Art. 14).
    pub committee: CommitteePolicy,
    /// Investment limits (Art. 10, 12).
    pub investment: InvestmentPolicy,
    /// Eligibility of a direct investment (Art. 13).
    pub eligibility: EligibilityPolicy,
    /// Guidance-fund limits (SPEC §9, §10).
    pub guidance: GuidancePolicy,
}

/// The investment committee (Art. 14, 15(6)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitteePolicy {
    /// The appointing body of each voting seat, one entry per seat.
    pub seats: Vec<String>,
    /// Approvals that pass a resolution, counted over all seats (4 of 5).
    pub approvals_to_pass: u32,
    /// Non-voting observers.
    pub observers: Vec<String>,
    /// The largest amount a circulated written vote (传签) may decide; above it ("超过300万元")
    /// only an on-site meeting. Inclusive: exactly 3,000,000 may be circulated.
    pub written_vote_max: Money,
}

/// Investment limits (Art. 10, 12, 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvestmentPolicy {
    /// Largest investment in one project without the higher body's approval, inclusive
    /// ("不超过500万元(含)").
    pub per_project_max: Money,
    /// Largest stake after the investment, inclusive (20%).
    pub max_stake: Decimal,
    /// Industries in which investment is prohibited (high pollution, high energy use, over-
    /// capacity; Art. 20).
    pub prohibited_industries: Vec<String>,
}

/// Eligibility of a company for a direct investment (Art. 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityPolicy {
    /// The city the company must be registered and operating in.
    pub city: String,
    /// The city's leading or emerging industries.
    pub industries: Vec<String>,
    /// Most staff, inclusive ("200人以下").
    pub max_staff: u32,
    /// Least share of R&D staff, inclusive ("10%以上").
    pub min_rd_staff_ratio: Decimal,
    /// Annual revenue at most this, inclusive, or net assets at most `max_net_assets`.
    pub max_revenue: Money,
    /// Net assets at most this, inclusive, or revenue at most `max_revenue`.
    pub max_net_assets: Money,
    /// Founded at most this many years before the application, inclusive.
    pub max_age_years: u32,
}

/// Guidance-fund limits (SPEC §9, §10); the rules using them are in [`crate::guidance`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuidancePolicy {
    /// Largest commitment as a share of a sub-fund's size, inclusive (20%).
    pub sub_fund_max_share: Decimal,
    /// Loss tolerance (容错率): realised losses up to this share of paid-in, inclusive (20%).
    pub loss_tolerance: Decimal,
    /// Local reinvestment (返投): the sub-fund's investments in local companies are expected to
    /// reach at least this multiple of the guidance fund's commitment. A configurable default
    /// (1.5): the seeds name no figure, and cities set their own (often 1.0 to 2.0).
    pub reinvestment_multiple: Decimal,
    /// Profit concession (让利) on exit distributions from a sub-fund, if the fund grants one
    /// (default none). Never a guarantee of principal or of a minimum return (SPEC §10).
    pub concession: Option<ConcessionPolicy>,
}

/// Profit concession (让利): the share of the guidance fund's excess return on a sub-fund
/// (proceeds above cost) conceded to the other investors, optionally capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcessionPolicy {
    /// The share of the excess return conceded, `0..=1`.
    pub share: Decimal,
    /// The most conceded on one distribution, if capped (not negative).
    #[serde(default)]
    pub cap: Option<Money>,
}

fn pct(p: i64) -> Decimal {
    Decimal::new(p, 2)
}

impl Default for FundPolicy {
    fn default() -> Self {
        FundPolicy {
            investment_months: 36,
            exit_months: 60,
            fee_rate: pct(1),
            fee_day_count_basis: 365,
            committee: CommitteePolicy::default(),
            investment: InvestmentPolicy::default(),
            eligibility: EligibilityPolicy::default(),
            guidance: GuidancePolicy::default(),
        }
    }
}

impl Default for CommitteePolicy {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect();
        CommitteePolicy {
            seats: s(&["科创办(人才办)", "财政局", "科技局", "工研院", "工研院"]),
            approvals_to_pass: 4,
            observers: s(&["昆山开发区", "昆山高新区", "花桥经济开发区"]),
            written_vote_max: Money::from_yuan(3_000_000),
        }
    }
}

impl Default for InvestmentPolicy {
    fn default() -> Self {
        InvestmentPolicy {
            per_project_max: Money::from_yuan(5_000_000),
            max_stake: pct(20),
            prohibited_industries: Vec::new(),
        }
    }
}

impl Default for EligibilityPolicy {
    fn default() -> Self {
        EligibilityPolicy {
            city: "昆山".to_owned(),
            industries: Vec::new(),
            max_staff: 200,
            min_rd_staff_ratio: pct(10),
            max_revenue: Money::from_yuan(20_000_000),
            max_net_assets: Money::from_yuan(20_000_000),
            max_age_years: 5,
        }
    }
}

impl Default for GuidancePolicy {
    fn default() -> Self {
        GuidancePolicy {
            sub_fund_max_share: pct(20),
            loss_tolerance: pct(20),
            reinvestment_multiple: Decimal::new(15, 1),
            concession: None,
        }
    }
}

/// Why a policy is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A period of zero months.
    #[error("the investment and exit periods must be at least one month")]
    EmptyPeriod,
    /// A day-count basis of zero.
    #[error("the fee day-count basis must be greater than zero")]
    ZeroDayCountBasis,
    /// A rate or share outside 0..=1.
    #[error("{0} must be between 0 and 1")]
    ShareOutOfRange(&'static str),
    /// More approvals needed than there are seats, or none.
    #[error("the approvals needed must be between 1 and the number of seats")]
    ImpossibleQuorum,
    /// A multiple or an amount below zero.
    #[error("{0} must not be negative")]
    Negative(&'static str),
}

impl crate::Rejection for PolicyError {
    fn code(&self) -> &'static str {
        match self {
            PolicyError::EmptyPeriod => "invalid_fund_period",
            PolicyError::ZeroDayCountBasis => "invalid_day_count_basis",
            PolicyError::ShareOutOfRange(_) => "share_out_of_range",
            PolicyError::ImpossibleQuorum => "impossible_quorum",
            PolicyError::Negative(_) => "negative_parameter",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            // The term: investment and exit periods (as for the phase schedule's errors).
            PolicyError::EmptyPeriod => Some("Art. 5"),
            _ => None,
        }
    }
}

impl FundPolicy {
    /// Checks the parameters make sense together.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.investment_months == 0 || self.exit_months == 0 {
            return Err(PolicyError::EmptyPeriod);
        }
        if self.fee_day_count_basis == 0 {
            return Err(PolicyError::ZeroDayCountBasis);
        }
        let shares = [
            ("fee_rate", self.fee_rate),
            ("max_stake", self.investment.max_stake),
            ("min_rd_staff_ratio", self.eligibility.min_rd_staff_ratio),
            ("sub_fund_max_share", self.guidance.sub_fund_max_share),
            ("loss_tolerance", self.guidance.loss_tolerance),
        ];
        let concession = self.guidance.concession.as_ref();
        let concession_share = concession.map(|c| ("concession.share", c.share));
        for (name, share) in shares.into_iter().chain(concession_share) {
            if share < Decimal::ZERO || share > Decimal::ONE {
                return Err(PolicyError::ShareOutOfRange(name));
            }
        }
        if self.guidance.reinvestment_multiple < Decimal::ZERO {
            return Err(PolicyError::Negative("reinvestment_multiple"));
        }
        if concession
            .and_then(|c| c.cap)
            .is_some_and(|cap| cap < Money::ZERO)
        {
            return Err(PolicyError::Negative("concession.cap"));
        }
        let seats = self.committee.seats.len() as u32;
        if self.committee.approvals_to_pass == 0 || self.committee.approvals_to_pass > seats {
            return Err(PolicyError::ImpossibleQuorum);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_those_of_the_spec() {
        let p = FundPolicy::default();
        assert_eq!((p.investment_months, p.exit_months), (36, 60));
        assert_eq!(p.fee_rate.to_string(), "0.01");
        assert_eq!(p.committee.seats.len(), 5);
        assert_eq!(
            p.committee.seats.iter().filter(|s| *s == "工研院").count(),
            2
        );
        assert_eq!(p.committee.approvals_to_pass, 4);
        assert_eq!(p.committee.observers.len(), 3);
        assert_eq!(p.committee.written_vote_max.to_string(), "3000000.00");
        assert_eq!(p.investment.per_project_max.to_string(), "5000000.00");
        assert_eq!(p.investment.max_stake.to_string(), "0.20");
        assert_eq!(p.eligibility.city, "昆山");
        assert_eq!(p.eligibility.max_staff, 200);
        assert_eq!(p.eligibility.min_rd_staff_ratio.to_string(), "0.10");
        assert_eq!(p.eligibility.max_revenue.to_string(), "20000000.00");
        assert_eq!(p.eligibility.max_age_years, 5);
        assert_eq!(p.guidance.loss_tolerance.to_string(), "0.20");
        assert_eq!(p.guidance.sub_fund_max_share.to_string(), "0.20");
        assert_eq!(p.guidance.reinvestment_multiple.to_string(), "1.5");
        assert_eq!(p.guidance.concession, None);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn a_partial_policy_fills_in_the_defaults_and_unknown_fields_are_refused() {
        let p: FundPolicy =
            serde_json::from_str(r#"{"exit_months": 72, "investment": {"max_stake": "0.15"}}"#)
                .unwrap();
        assert_eq!(p.exit_months, 72);
        assert_eq!(p.investment.max_stake.to_string(), "0.15");
        assert_eq!(p.investment.per_project_max, Money::from_yuan(5_000_000));
        assert_eq!(p.investment_months, 36);
        assert!(serde_json::from_str::<FundPolicy>(r#"{"exit_month": 72}"#).is_err());
    }

    #[test]
    fn nonsense_is_refused() {
        let p = FundPolicy {
            exit_months: 0,
            ..FundPolicy::default()
        };
        assert_eq!(p.validate(), Err(PolicyError::EmptyPeriod));
        let mut p = FundPolicy::default();
        p.investment.max_stake = Decimal::new(101, 2);
        assert_eq!(p.validate(), Err(PolicyError::ShareOutOfRange("max_stake")));
        let mut p = FundPolicy::default();
        p.committee.approvals_to_pass = 6;
        assert_eq!(p.validate(), Err(PolicyError::ImpossibleQuorum));
        // Exactly all seats is a possible quorum; exactly 100% a possible share.
        p.committee.approvals_to_pass = 5;
        p.investment.max_stake = Decimal::ONE;
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn the_guidance_parameters_are_checked() {
        let mut p = FundPolicy::default();
        p.guidance.reinvestment_multiple = Decimal::new(-1, 1);
        assert_eq!(
            p.validate(),
            Err(PolicyError::Negative("reinvestment_multiple"))
        );
        let mut p = FundPolicy::default();
        p.guidance.concession = Some(ConcessionPolicy {
            share: Decimal::new(101, 2),
            cap: None,
        });
        let share = PolicyError::ShareOutOfRange("concession.share");
        assert_eq!(p.validate(), Err(share));
        p.guidance.concession = Some(ConcessionPolicy {
            share: Decimal::ONE,
            cap: Some(Money::from_fen(-1)),
        });
        assert_eq!(p.validate(), Err(PolicyError::Negative("concession.cap")));
        p.guidance.concession = Some(ConcessionPolicy {
            share: Decimal::ONE,
            cap: Some(Money::ZERO),
        });
        assert_eq!(p.validate(), Ok(()));
        let json = r#"{"guidance": {"concession": {"share": "0.5", "cap": "3000000"}}}"#;
        let p: FundPolicy = serde_json::from_str(json).unwrap();
        let concession = p.guidance.concession.unwrap();
        assert_eq!(concession.cap, Some(Money::from_yuan(3_000_000)));
        assert_eq!(p.guidance.reinvestment_multiple.to_string(), "1.5");
    }
}
