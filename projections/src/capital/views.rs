//! The views of the capital read model, as the API shows them. Amounts are exact decimals
//! with two places (the paid-in ratio has six).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

/// A fund's capital totals (all zero by default: a fund before its first tranche).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FundCapital {
    /// Sum of the tranches' sizes.
    pub tranches: Decimal,
    /// Subscribed (认缴).
    pub subscribed: Decimal,
    /// Called.
    pub called: Decimal,
    /// Paid in (实缴) by the LPs, confirmed by the custodian.
    pub paid: Decimal,
    /// Cash at the custodian: confirmed inflows (LP payments, exit proceeds) less confirmed
    /// outflows (fee and distribution payments, injections).
    pub cash: Decimal,
    /// Management fees assessed.
    pub fees_assessed: Decimal,
    /// Management fees paid, confirmed.
    pub fees_paid: Decimal,
    /// Distributions declared.
    pub distributed: Decimal,
    /// Distributions paid, confirmed.
    pub distributions_paid: Decimal,
    /// Injections into portfolio companies, confirmed: the investment cost paid.
    pub invested: Decimal,
    /// Investment cost released by the exits recorded.
    pub cost_released: Decimal,
    /// The total cost of investments not yet exited (未退出项目总投资成本): invested less
    /// released.
    pub cost_not_exited: Decimal,
    /// Proceeds of the exits recorded (zero for a write-off).
    pub exit_proceeds: Decimal,
    /// Exit proceeds received, confirmed.
    pub proceeds_received: Decimal,
}

/// One LP's capital account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LpAccount {
    /// The LP.
    pub lp_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Subscribed.
    pub subscribed: Decimal,
    /// Called.
    pub called: Decimal,
    /// Paid in, confirmed.
    pub paid: Decimal,
    /// Called and not paid after the due date, on the day asked.
    pub arrears: Decimal,
    /// Allocated to it by the distributions declared.
    pub distributed: Decimal,
    /// Distributions paid to it, confirmed.
    pub distribution_paid: Decimal,
    /// Paid in ÷ subscribed, rounded half-up to 6 decimal places; `None` when nothing is
    /// subscribed.
    pub paid_in_ratio: Option<Decimal>,
    /// The guidance fund administered here that this LP is, if declared.
    pub linked_fund_id: Option<Uuid>,
}

/// One LP's share of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallLpView {
    /// The LP.
    pub lp_id: Uuid,
    /// Its share over the tranches called.
    pub allocated: Decimal,
    /// Paid, confirmed.
    pub paid: Decimal,
    /// Allocated less paid after the due date, on the day asked.
    pub arrears: Decimal,
}

/// A capital call with its allocation per LP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallView {
    /// The call.
    pub call_id: Uuid,
    /// The tranches called.
    pub tranches: Vec<i32>,
    /// The amount called.
    pub amount: Decimal,
    /// The date of the call.
    pub called_on: NaiveDate,
    /// The date payment is due.
    pub due_on: NaiveDate,
    /// Paid, confirmed (over every LP).
    pub paid: Decimal,
    /// In arrears on the day asked (over every LP).
    pub arrears: Decimal,
    /// Each LP's share, by LP id.
    pub allocations: Vec<CallLpView>,
}

/// A management-fee assessment (one fee year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeAssessmentView {
    /// The fee year.
    pub year: i32,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// The fee.
    pub total: Decimal,
    /// Paid, confirmed.
    pub paid: Decimal,
    /// Total less paid.
    pub outstanding: Decimal,
    /// The segments as serialized in the `FeeAssessed` event.
    pub segments: serde_json::Value,
    /// When the assessment was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One LP's share of a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionLpView {
    /// The LP.
    pub lp_id: Uuid,
    /// Its paid-in capital on declaration (its weight).
    pub paid_in: Decimal,
    /// Its share.
    pub allocated: Decimal,
    /// Paid to it, confirmed.
    pub paid: Decimal,
}

/// A distribution with its allocation per LP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionView {
    /// The distribution.
    pub distribution_id: Uuid,
    /// The amount declared.
    pub amount: Decimal,
    /// The declaration date.
    pub declared_on: NaiveDate,
    /// Paid, confirmed (over every LP).
    pub paid: Decimal,
    /// Each LP's share, by LP id.
    pub allocations: Vec<DistributionLpView>,
}

/// A movement at the custodian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementView {
    /// The movement.
    pub movement_id: Uuid,
    /// `lp_payment`, `exit_proceeds` (cash in), `fee_payment`, `distribution` or `injection`
    /// (cash out).
    pub kind: String,
    /// The call paid (`lp_payment`).
    pub call_id: Option<Uuid>,
    /// The LP paying (`lp_payment`) or paid (`distribution`).
    pub lp_id: Option<Uuid>,
    /// The fee year paid (`fee_payment`).
    pub fee_year: Option<i32>,
    /// The distribution paid (`distribution`).
    pub distribution_id: Option<Uuid>,
    /// The project invested in (`injection`).
    pub project_id: Option<Uuid>,
    /// The exit whose proceeds are received (`exit_proceeds`).
    pub exit_id: Option<Uuid>,
    /// How much.
    pub amount: Decimal,
    /// The value date instructed.
    pub value_date: NaiveDate,
    /// When the money moved, once the custodian confirmed it.
    pub confirmed_on: Option<NaiveDate>,
}

/// The fund's money in one portfolio company (SPEC §2 investment level, Art. 11, 16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestmentView {
    /// The project invested in.
    pub project_id: Uuid,
    /// The commitment (投资额) as last checked by an injection.
    pub commitment: Decimal,
    /// The required cumulative payment under the company's paid-in ratio (Art. 11): the
    /// highest an injection was checked against.
    pub required_cumulative: Decimal,
    /// Injections instructed, confirmed or not.
    pub instructed: Decimal,
    /// Injections confirmed: the investment cost paid.
    pub paid: Decimal,
    /// Commitment less paid.
    pub unpaid_commitment: Decimal,
    /// Cost released by its exits.
    pub cost_released: Decimal,
    /// Paid less released.
    pub cost_not_exited: Decimal,
    /// Proceeds of its exits (recorded).
    pub proceeds: Decimal,
    /// Realised gain (negative: loss) of its exits: proceeds less cost released.
    pub realised: Decimal,
}

/// An exit (partial or whole) or a write-off (zero proceeds), Art. 16.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitView {
    /// The exit.
    pub exit_id: Uuid,
    /// The project exited.
    pub project_id: Uuid,
    /// What the buyer pays.
    pub proceeds: Decimal,
    /// The investment cost released.
    pub cost_released: Decimal,
    /// Proceeds less cost released (negative: a loss).
    pub realised: Decimal,
    /// The day of the exit.
    pub on: NaiveDate,
    /// The committee resolution deciding it.
    pub resolution_id: Uuid,
    /// Proceeds received, confirmed.
    pub received: Decimal,
    /// Proceeds still to collect: proceeds less received.
    pub outstanding: Decimal,
}
