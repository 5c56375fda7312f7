//! The JSON shapes of a guidance fund's commitments to sub-funds (SPEC §9, §10): the
//! application with the sub-fund's facts, the proposal of the commitment, the sub-fund's
//! portfolio investments; and what the reads show of them: each sub-fund's local
//! reinvestment (返投) in the portfolio and the fund's loss tolerance (容错率) in its overview.

use super::date;
use super::reads::amount;
use super::Amount;
use chrono::NaiveDate;
use domain::guidance::{LossTolerance, Reinvestment, ReturnTerms, SubFundFacts, SubFundLp};
use domain::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An amount as booked, with its two decimals (a sum of none has none).
fn booked(m: Money) -> Amount {
    amount(m.as_decimal())
}

/// Another limited partner of the sub-fund.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubFundLpDto {
    /// Its name.
    #[schema(example = "昆山国创", min_length = 1)]
    pub name: String,
    /// Its commitment (认缴).
    pub commitment: Amount,
}

/// What the guidance fund knows of the sub-fund.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubFundDto {
    /// The sub-fund's name (the project's company).
    #[schema(
        example = "昆山集成电路产业投资基金",
        min_length = 1,
        max_length = 2000
    )]
    pub name: String,
    /// Its manager (基金管理人).
    #[schema(example = "昆山某某私募基金管理有限公司", min_length = 1)]
    pub manager: String,
    /// Its size: the total commitments it raises (认缴规模).
    pub size: Amount,
    /// Its term in years, 1 to 100 (zero is refused at the qualification review).
    #[schema(example = 7, minimum = 1, maximum = 100)]
    #[serde(deserialize_with = "super::at_most::<_, 100>")]
    pub term_years: u32,
    /// Its investment focus (an industry), compared with the prohibited industries (Art. 20).
    #[schema(example = "集成电路", min_length = 1)]
    pub focus: String,
    /// The other limited partners, the guidance fund not among them.
    #[serde(default)]
    pub other_lps: Vec<SubFundLpDto>,
}

impl From<&SubFundDto> for SubFundFacts {
    fn from(s: &SubFundDto) -> Self {
        SubFundFacts {
            name: s.name.clone(),
            manager: s.manager.clone(),
            size: s.size.0,
            term_years: s.term_years,
            focus: s.focus.clone(),
            other_lps: s
                .other_lps
                .iter()
                .map(|lp| SubFundLp {
                    name: lp.name.clone(),
                    commitment: lp.commitment.0,
                })
                .collect(),
        }
    }
}

/// `POST /funds/{fund_id}/sub-funds`: the guidance fund considers a commitment to a sub-fund.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplySubFundRequest {
    /// The project's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub project_id: Option<Uuid>,
    /// The sub-fund's facts, checked at the qualification review.
    pub sub_fund: SubFundDto,
    /// The application date.
    #[schema(example = "2024-03-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub applied_on: NaiveDate,
}

/// The terms of return a commitment would carry: only none passes (SPEC §10).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnTermsDto {
    /// Whether the other parties guarantee the principal (保本): refused.
    pub principal_guarantee: bool,
    /// A minimum return promised (保底收益), as a rate: any value is refused.
    #[schema(value_type = Option<String>)]
    pub minimum_return: Option<Decimal>,
}

impl From<&ReturnTermsDto> for ReturnTerms {
    fn from(t: &ReturnTermsDto) -> Self {
        ReturnTerms {
            principal_guarantee: t.principal_guarantee,
            minimum_return: t.minimum_return,
        }
    }
}

/// `POST …/commitment-proposal`: the commitment, checked against the guidance limits.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentProposalRequest {
    /// The commitment (认缴) to the sub-fund.
    pub commitment: Amount,
    /// The terms of return, if any are offered (none by default).
    #[serde(default)]
    pub return_terms: ReturnTermsDto,
    /// When: the fund must be in its investment period that day.
    #[schema(example = "2024-07-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// `POST …/sub-fund-investments`: the sub-fund reports one of its portfolio investments.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubFundInvestmentRequest {
    /// The portfolio company.
    #[schema(example = "昆山芯片科技有限公司", min_length = 1, max_length = 2000)]
    pub company: String,
    /// The city it is registered in: local when it is the guidance fund's city.
    #[schema(example = "昆山", min_length = 1, max_length = 2000)]
    pub city: String,
    /// The amount the sub-fund invested.
    pub amount: Amount,
    /// When reported.
    #[schema(example = "2024-10-10")]
    #[serde(deserialize_with = "date::deserialize")]
    pub on: NaiveDate,
}

/// A sub-fund's local reinvestment (返投) against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReinvestmentDto {
    /// The commitment × the fund's `policy.guidance.reinvestment_multiple`, to the fen.
    pub target: Amount,
    /// The sub-fund's investments in companies of the guidance fund's city so far.
    pub local: Amount,
    /// What is still missing: `max(target − local, 0)`.
    pub shortfall: Amount,
    /// Whether the sub-fund is behind its target (`local < target`).
    pub behind: bool,
}

impl From<Reinvestment> for ReinvestmentDto {
    fn from(r: Reinvestment) -> Self {
        ReinvestmentDto {
            target: booked(r.target),
            local: booked(r.local),
            shortfall: booked(r.shortfall),
            behind: r.behind,
        }
    }
}

/// Where the fund stands against its loss tolerance (容错率, SPEC §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LossToleranceDto {
    /// The losses realised on investments (each investment's negative realised result; a
    /// gain does not offset another's loss).
    pub realised_losses: Amount,
    /// The LPs' paid-in capital.
    pub paid_in: Amount,
    /// `realised_losses ÷ paid_in`, six decimals; absent without paid-in.
    #[schema(example = "0.100000")]
    pub ratio: Option<String>,
    /// The policy's threshold (`policy.guidance.loss_tolerance`).
    #[schema(example = "0.20")]
    pub threshold: String,
    /// The largest loss within the threshold: `threshold × paid_in`, rounded down to the fen.
    pub limit: Amount,
    /// Whether the losses are within it, inclusive (without paid-in: whether there is none).
    pub within: bool,
}

impl From<LossTolerance> for LossToleranceDto {
    fn from(t: LossTolerance) -> Self {
        LossToleranceDto {
            realised_losses: booked(t.realised_losses),
            paid_in: booked(t.paid_in),
            ratio: t.ratio.map(|r| r.to_string()),
            threshold: t.threshold.to_string(),
            limit: booked(t.limit),
            within: t.within,
        }
    }
}

/// The loss tolerance of a fund whose investments realised `realised` (each investment's
/// result, from the read model) on `paid_in`, against `threshold`.
pub fn loss_tolerance(
    realised: impl IntoIterator<Item = Decimal>,
    paid_in: Decimal,
    threshold: Decimal,
) -> LossToleranceDto {
    let results = realised.into_iter().map(|r| amount(r).0);
    let losses = domain::guidance::realised_losses(results);
    domain::guidance::loss_tolerance(losses, amount(paid_in).0, threshold).into()
}
