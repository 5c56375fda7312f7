//! The fund sections of a management report and how each is read off the fund's state as of
//! the period end (SPEC §8): basics, LPs and calls, cash, fees, distributions, investments and
//! exits, performance and loss tolerance.
//!
//! Every list is ordered by its key (LP id, call id, fee year, project id, …), every amount is
//! a [`Money`] and every ratio a [`Decimal`] with a fixed number of places, so the serialized
//! document depends only on the events.

use super::Period;
use crate::fees::FeeAssessment;
use crate::fund::capital::LpKind;
use crate::fund::phases::Phase;
use crate::fund::FundKind;
use crate::guidance::LossTolerance;
use crate::{CallId, DistributionId, ExitId, FundId, LpId, Money, ProjectId, ResolutionId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Decimal places of a paid-in ratio (`0.750000`).
pub const PAID_IN_RATIO_DECIMALS: u32 = 6;

/// The fund sections of a management report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundSections {
    /// The period reported on.
    pub period: Period,
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day: the as-of date of every figure.
    pub as_of: NaiveDate,
    /// The day the report is due.
    pub due: NaiveDate,
    /// Who and what the fund is.
    pub basics: Basics,
    /// Per LP, by LP id.
    pub lps: Vec<LpLine>,
    /// The sums over the LPs.
    pub lp_totals: LpTotals,
    /// The capital calls, by call id.
    pub calls: Vec<CallLine>,
    /// The cash at the custodian.
    pub cash: Cash,
    /// Management fees.
    pub fees: Fees,
    /// Distributions, by distribution id.
    pub distributions: Vec<DistributionLine>,
    /// Investments and exits.
    pub investments: Investments,
    /// NAV, multiples and IRRs.
    pub performance: Performance,
    /// Realised losses against the loss tolerance (容错率, SPEC §9).
    pub loss_tolerance: LossTolerance,
}

/// Who and what the fund is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Basics {
    /// The fund.
    pub fund_id: Option<FundId>,
    /// Its registered name.
    pub name: String,
    /// Angel or guidance.
    pub kind: FundKind,
    /// The management company.
    pub manager: String,
    /// The custodian bank.
    pub custodian: String,
    /// The city served.
    pub city: String,
    /// Total size (总规模).
    pub total_size: Money,
    /// Establishment date (成立日).
    pub establishment_date: NaiveDate,
    /// The phase on the period end.
    pub phase: Option<Phase>,
    /// The tranches, by number.
    pub tranches: Vec<TrancheLine>,
}

/// A tranche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrancheLine {
    /// Its number.
    pub number: u32,
    /// Its size.
    pub size: Money,
    /// Its subscription date.
    pub subscription_date: NaiveDate,
    /// Subscribed in it.
    pub subscribed: Money,
    /// Called from it.
    pub called: Money,
}

/// One LP's commitment, paid-in and distributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LpLine {
    /// The LP.
    pub lp: LpId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: LpKind,
    /// Subscribed (认缴), over the tranches.
    pub subscribed: Money,
    /// Called.
    pub called: Money,
    /// Paid in (实缴): confirmed payments of calls.
    pub paid: Money,
    /// Called, due before the period end and not paid by it.
    pub arrears: Money,
    /// Paid ÷ subscribed, [`PAID_IN_RATIO_DECIMALS`] places; none without a subscription.
    pub paid_in_ratio: Option<Decimal>,
    /// Its shares of the distributions declared.
    pub distribution_allocated: Money,
    /// Distributed to it: confirmed payments.
    pub distributed: Money,
}

/// The sums over the LPs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LpTotals {
    /// Subscribed.
    pub subscribed: Money,
    /// Called.
    pub called: Money,
    /// Paid in.
    pub paid: Money,
    /// In arrears.
    pub arrears: Money,
    /// Paid ÷ subscribed.
    pub paid_in_ratio: Option<Decimal>,
    /// Allocated by distributions.
    pub distribution_allocated: Money,
    /// Distributed.
    pub distributed: Money,
}

/// A capital call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallLine {
    /// The call.
    pub call_id: CallId,
    /// The tranches called.
    pub tranches: Vec<u32>,
    /// The day of the call.
    pub called_on: NaiveDate,
    /// The day payment is due.
    pub due_on: NaiveDate,
    /// The amount called.
    pub amount: Money,
    /// Paid (confirmed) by the period end.
    pub paid: Money,
    /// In arrears on the period end.
    pub arrears: Money,
}

/// The cash at the custodian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cash {
    /// Confirmed inflows less confirmed outflows.
    pub at_custodian: Money,
    /// Not yet committed to an instructed outflow or a declared distribution.
    pub available: Money,
}

/// Management fees (Art. 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fees {
    /// The fee years assessed, by year.
    pub years: Vec<FeeYear>,
    /// The sum of the assessments.
    pub assessed: Money,
    /// The sum paid (confirmed).
    pub paid: Money,
}

/// An assessed fee year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeYear {
    /// The fee year.
    pub year: i32,
    /// The assessment with its segments.
    pub assessment: FeeAssessment,
    /// Paid (confirmed).
    pub paid: Money,
}

/// A distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionLine {
    /// The distribution.
    pub distribution_id: DistributionId,
    /// The declaration date.
    pub declared_on: NaiveDate,
    /// The amount declared.
    pub amount: Money,
    /// Paid to the LPs (confirmed).
    pub paid: Money,
}

/// Investments and exits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Investments {
    /// Per portfolio company, by project id.
    pub lines: Vec<InvestmentLine>,
    /// Exits, by exit id.
    pub exits: Vec<ExitLine>,
    /// Sum of the costs paid.
    pub paid: Money,
    /// Sum of the costs not exited.
    pub cost_not_exited: Money,
    /// Sum of the proceeds.
    pub proceeds: Money,
    /// Sum of the realised results.
    pub realised: Money,
}

/// The fund's money in one portfolio company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestmentLine {
    /// The project.
    pub project_id: ProjectId,
    /// The commitment.
    pub commitment: Money,
    /// Injections confirmed: the cost paid.
    pub paid: Money,
    /// The cost not yet exited.
    pub cost_not_exited: Money,
    /// The proceeds of its exits.
    pub proceeds: Money,
    /// Realised gain (negative: loss).
    pub realised: Money,
    /// (proceeds + cost not exited) ÷ paid, at cost; none when nothing was paid.
    pub moic: Option<Decimal>,
}

/// An exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitLine {
    /// The exit.
    pub exit_id: ExitId,
    /// The project exited.
    pub project_id: ProjectId,
    /// Its day.
    pub on: NaiveDate,
    /// Its proceeds.
    pub proceeds: Money,
    /// The cost released.
    pub cost_released: Money,
    /// Proceeds less cost released.
    pub realised: Money,
    /// The proceeds collected at the custodian.
    pub collected: Money,
    /// The committee resolution.
    pub resolution_id: ResolutionId,
}

/// NAV, multiples and IRRs as of the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Performance {
    /// NAV at cost: cash at the custodian plus the cost not exited.
    pub nav: Money,
    /// LP capital paid in.
    pub paid_in: Money,
    /// Distributed to the LPs (confirmed).
    pub distributed: Money,
    /// (distributed + NAV) ÷ paid-in.
    pub tvpi: Option<Decimal>,
    /// Distributed ÷ paid-in.
    pub dpi: Option<Decimal>,
    /// NAV ÷ paid-in.
    pub rvpi: Option<Decimal>,
    /// The LPs' IRR: payments out, distributions in, NAV at the period end.
    pub net_irr: Option<Decimal>,
    /// Why `net_irr` is none although the flows change sign, if it is.
    pub net_irr_note: Option<String>,
    /// The fund's IRR on its investments: injections out, proceeds collected in, the cost not
    /// exited at the period end.
    pub gross_irr: Option<Decimal>,
    /// Why `gross_irr` is none although the flows change sign, if it is.
    pub gross_irr_note: Option<String>,
}
