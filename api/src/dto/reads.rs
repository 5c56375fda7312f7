//! The JSON shapes of the capital, fee and distribution reads, converted from the read
//! models' views (the portfolio's are in `portfolio`). The read models store money as
//! `numeric(20, 2)`, so every amount read back has at most two decimals.

use super::date;
use super::Amount;
use chrono::{DateTime, NaiveDate, Utc};
use domain::fees::FeeSegment;
use domain::Money;
use projections::capital::{
    CallLpView, CallView, DistributionLpView, DistributionView, FeeAssessmentView, FundCapital,
    InvestmentView, LpAccount, MovementView,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::FeeSegmentDto;

/// An amount read back from a `numeric(20, 2)` column.
pub(super) fn amount(d: Decimal) -> Amount {
    // Two decimals and within range by the column's type; zero is never reached.
    Amount(Money::from_decimal(d).unwrap_or_default())
}

/// `?on=&min_position=`: the day arrears are counted on (default today, China Standard
/// Time) and read-your-writes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Count arrears as on this day (what is unpaid after its due date).
    #[serde(default, deserialize_with = "date::option::deserialize")]
    pub on: Option<NaiveDate>,
    /// Wait (at most 5 s) until the read model has applied the event at this global
    /// position; if it has not, the answer carries `X-Projection-Behind: true`.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// A fund's money: commitments, calls, paid-in, cash, fees and distributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CapitalDto {
    /// Total size (总规模).
    pub total_size: Amount,
    /// Sum of the tranches opened.
    pub tranches: Amount,
    /// Subscribed (认缴).
    pub subscribed: Amount,
    /// Called.
    pub called: Amount,
    /// Paid in (实缴), confirmed by the custodian.
    pub paid_in: Amount,
    /// Subscribed and not yet called.
    pub uncalled: Amount,
    /// Cash at the custodian.
    pub cash: Amount,
    /// Management fees assessed.
    pub fees_assessed: Amount,
    /// Management fees paid.
    pub fees_paid: Amount,
    /// Distributions declared.
    pub distributed: Amount,
    /// Distributions paid.
    pub distributions_paid: Amount,
    /// Injections into portfolio companies, confirmed.
    pub invested: Amount,
    /// Cost released by exits and write-offs.
    pub cost_released: Amount,
    /// The cost of investments not yet exited: the exit-period fee base (Art. 7).
    pub cost_not_exited: Amount,
    /// Proceeds of exits recorded.
    pub exit_proceeds: Amount,
    /// Proceeds received at the custodian.
    pub proceeds_received: Amount,
    /// The realised losses against the paid-in and the policy's loss tolerance (容错率).
    pub loss_tolerance: super::LossToleranceDto,
}

impl CapitalDto {
    /// From the fund's size, its capital totals (all zero before the first tranche), its
    /// investments (their realised losses) and the policy's loss tolerance.
    pub fn new(
        total_size: Money,
        c: Option<FundCapital>,
        investments: &[InvestmentView],
        loss_threshold: Decimal,
    ) -> Self {
        let realised = investments.iter().map(|i| i.realised);
        let zero = Decimal::ZERO;
        let c = c.unwrap_or(FundCapital {
            tranches: zero,
            subscribed: zero,
            called: zero,
            paid: zero,
            cash: zero,
            fees_assessed: zero,
            fees_paid: zero,
            distributed: zero,
            distributions_paid: zero,
            invested: zero,
            cost_released: zero,
            cost_not_exited: zero,
            exit_proceeds: zero,
            proceeds_received: zero,
        });
        CapitalDto {
            total_size: Amount(total_size),
            tranches: amount(c.tranches),
            subscribed: amount(c.subscribed),
            called: amount(c.called),
            paid_in: amount(c.paid),
            uncalled: amount(c.subscribed - c.called),
            cash: amount(c.cash),
            fees_assessed: amount(c.fees_assessed),
            fees_paid: amount(c.fees_paid),
            distributed: amount(c.distributed),
            distributions_paid: amount(c.distributions_paid),
            invested: amount(c.invested),
            cost_released: amount(c.cost_released),
            cost_not_exited: amount(c.cost_not_exited),
            exit_proceeds: amount(c.exit_proceeds),
            proceeds_received: amount(c.proceeds_received),
            loss_tolerance: super::loss_tolerance(realised, c.paid, loss_threshold),
        }
    }
}

/// An LP's capital account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LpAccountDto {
    /// The LP.
    pub lp_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its kind (`state_owned`, `guidance_fund`, `other`).
    pub kind: String,
    /// Subscribed (认缴).
    pub subscribed: Amount,
    /// Called.
    pub called: Amount,
    /// Paid in (实缴), confirmed.
    pub paid_in: Amount,
    /// Called and unpaid after the due date, on the day asked.
    pub arrears: Amount,
    /// Allocated to it by distributions.
    pub distributed: Amount,
    /// Distributions paid to it.
    pub distribution_paid: Amount,
    /// Paid in ÷ subscribed, six decimals; absent when nothing is subscribed.
    #[schema(example = "0.812500")]
    pub paid_in_ratio: Option<String>,
    /// The guidance fund administered here that this LP is, if declared.
    pub linked_fund_id: Option<Uuid>,
}

impl From<LpAccount> for LpAccountDto {
    fn from(a: LpAccount) -> Self {
        LpAccountDto {
            lp_id: a.lp_id,
            name: a.name,
            kind: a.kind,
            subscribed: amount(a.subscribed),
            called: amount(a.called),
            paid_in: amount(a.paid),
            arrears: amount(a.arrears),
            distributed: amount(a.distributed),
            distribution_paid: amount(a.distribution_paid),
            paid_in_ratio: a.paid_in_ratio.map(|r| r.to_string()),
            linked_fund_id: a.linked_fund_id,
        }
    }
}

/// An LP's share of a call and its payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CallLpDto {
    /// The LP.
    pub lp_id: Uuid,
    /// Its share over the tranches called.
    pub allocated: Amount,
    /// Paid, confirmed.
    pub paid: Amount,
    /// Unpaid after the due date, on the day asked.
    pub arrears: Amount,
}

impl From<CallLpView> for CallLpDto {
    fn from(c: CallLpView) -> Self {
        CallLpDto {
            lp_id: c.lp_id,
            allocated: amount(c.allocated),
            paid: amount(c.paid),
            arrears: amount(c.arrears),
        }
    }
}

/// A capital call with its allocation per LP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CallDto {
    /// The call.
    pub call_id: Uuid,
    /// The tranches called.
    pub tranches: Vec<i32>,
    /// The amount called: the sum of the allocations.
    pub amount: Amount,
    /// The date of the call.
    pub called_on: NaiveDate,
    /// The due date.
    pub due_on: NaiveDate,
    /// Paid, confirmed.
    pub paid: Amount,
    /// Unpaid after the due date, on the day asked.
    pub arrears: Amount,
    /// Per LP (an LP token sees only its own).
    pub allocations: Vec<CallLpDto>,
}

impl From<CallView> for CallDto {
    fn from(c: CallView) -> Self {
        CallDto {
            call_id: c.call_id,
            tranches: c.tranches,
            amount: amount(c.amount),
            called_on: c.called_on,
            due_on: c.due_on,
            paid: amount(c.paid),
            arrears: amount(c.arrears),
            allocations: c.allocations.into_iter().map(CallLpDto::from).collect(),
        }
    }
}

/// A fee year's assessment and its payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeAssessmentRecord {
    /// The fee year.
    pub year: i32,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// The fee: the sum of the segments.
    pub total: Amount,
    /// Paid, confirmed.
    pub paid: Amount,
    /// Still to pay.
    pub outstanding: Amount,
    /// The segments in order.
    pub segments: Vec<FeeSegmentDto>,
    /// When the assessment was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl TryFrom<FeeAssessmentView> for FeeAssessmentRecord {
    type Error = serde_json::Error;

    fn try_from(f: FeeAssessmentView) -> Result<Self, Self::Error> {
        let segments: Vec<FeeSegment> = serde_json::from_value(f.segments)?;
        Ok(FeeAssessmentRecord {
            year: f.year,
            period_from: f.period_from,
            period_to: f.period_to,
            total: amount(f.total),
            paid: amount(f.paid),
            outstanding: amount(f.outstanding),
            segments: segments.iter().map(FeeSegmentDto::from).collect(),
            recorded_at: f.recorded_at,
        })
    }
}

/// An LP's share of a distribution and its payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionLpDto {
    /// The LP.
    pub lp_id: Uuid,
    /// Its paid-in capital on declaration (its weight).
    pub paid_in: Amount,
    /// Its share.
    pub allocated: Amount,
    /// Paid, confirmed.
    pub paid: Amount,
}

impl From<DistributionLpView> for DistributionLpDto {
    fn from(d: DistributionLpView) -> Self {
        DistributionLpDto {
            lp_id: d.lp_id,
            paid_in: amount(d.paid_in),
            allocated: amount(d.allocated),
            paid: amount(d.paid),
        }
    }
}

/// A distribution with its allocation per LP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionDto {
    /// The distribution.
    pub distribution_id: Uuid,
    /// The amount: the sum of the allocations.
    pub amount: Amount,
    /// The declaration date.
    pub declared_on: NaiveDate,
    /// Paid, confirmed.
    pub paid: Amount,
    /// Per LP (an LP token sees only its own).
    pub allocations: Vec<DistributionLpDto>,
}

impl From<DistributionView> for DistributionDto {
    fn from(d: DistributionView) -> Self {
        DistributionDto {
            distribution_id: d.distribution_id,
            amount: amount(d.amount),
            declared_on: d.declared_on,
            paid: amount(d.paid),
            allocations: d
                .allocations
                .into_iter()
                .map(DistributionLpDto::from)
                .collect(),
        }
    }
}

/// A money movement at the custodian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MovementDto {
    /// The movement.
    pub movement_id: Uuid,
    /// `lp_payment`, `fee_payment`, `distribution`, `injection` or `exit_proceeds`.
    pub kind: String,
    /// The call paid (`lp_payment`).
    pub call_id: Option<Uuid>,
    /// The LP paying or paid.
    pub lp_id: Option<Uuid>,
    /// The fee year paid (`fee_payment`).
    pub fee_year: Option<i32>,
    /// The distribution paid (`distribution`).
    pub distribution_id: Option<Uuid>,
    /// The project invested in (`injection`).
    pub project_id: Option<Uuid>,
    /// The exit paid (`exit_proceeds`).
    pub exit_id: Option<Uuid>,
    /// How much.
    pub amount: Amount,
    /// The value date instructed.
    pub value_date: NaiveDate,
    /// When the custodian confirmed it moved; absent while pending.
    pub confirmed_on: Option<NaiveDate>,
}

impl From<MovementView> for MovementDto {
    fn from(m: MovementView) -> Self {
        MovementDto {
            movement_id: m.movement_id,
            kind: m.kind,
            call_id: m.call_id,
            lp_id: m.lp_id,
            fee_year: m.fee_year,
            distribution_id: m.distribution_id,
            project_id: m.project_id,
            exit_id: m.exit_id,
            amount: amount(m.amount),
            value_date: m.value_date,
            confirmed_on: m.confirmed_on,
        }
    }
}

/// `GET /funds/{fund_id}/overview`: the fund and its money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FundOverview {
    /// The fund: terms, policy and phases.
    pub fund: super::Fund,
    /// Its money.
    pub capital: CapitalDto,
}

/// LP capital accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LpAccountList {
    /// By LP id.
    pub items: Vec<LpAccountDto>,
}

/// Capital calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CallList {
    /// By call date.
    pub items: Vec<CallDto>,
}

/// Fee assessments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeAssessmentList {
    /// By year.
    pub items: Vec<FeeAssessmentRecord>,
}

/// Distributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionList {
    /// By declaration date.
    pub items: Vec<DistributionDto>,
}

/// Custodian movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MovementList {
    /// By value date.
    pub items: Vec<MovementDto>,
}
