//! The JSON shapes of the capital and custody commands: tranches, subscriptions, capital
//! calls and custodian movements.

use super::date;
use super::{Amount, FundCommandResult};
use chrono::NaiveDate;
use domain::fund::capital::{CallAllocation, LpKind};
use domain::fund::custody::MovementKind;
use domain::{CallId, DistributionId, ExitId, LpId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Kinds of limited partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LpKind)]
pub enum LpKindDto {
    /// A state-owned enterprise (国有企业).
    StateOwned,
    /// A guidance fund (引导基金).
    GuidanceFund,
    /// Anyone else.
    Other,
}

impl From<LpKindDto> for LpKind {
    fn from(k: LpKindDto) -> Self {
        match k {
            LpKindDto::StateOwned => LpKind::StateOwned,
            LpKindDto::GuidanceFund => LpKind::GuidanceFund,
            LpKindDto::Other => LpKind::Other,
        }
    }
}

/// `POST /funds/{fund_id}/tranches`: open the next tranche (各期).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTrancheRequest {
    /// Its number: 1, then 2, 3…
    #[schema(example = 1, minimum = 1)]
    pub number: u32,
    /// Its size; the tranches together never exceed the fund's total size.
    pub size: Amount,
    /// Its subscription date: not before the establishment or the previous tranche.
    #[schema(example = "2021-09-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub subscription_date: NaiveDate,
}

/// `POST /funds/{fund_id}/subscriptions`: an LP subscribes (认缴) in a tranche.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    /// The tranche.
    #[schema(example = 1, minimum = 1)]
    pub tranche: u32,
    /// The LP; a new UUIDv7 when absent (a new LP). Give it to subscribe a known LP again.
    #[serde(default)]
    pub lp_id: Option<Uuid>,
    /// The LP's name (the same for every subscription of one LP).
    #[schema(example = "深圳市投资控股有限公司", min_length = 1, max_length = 200)]
    pub lp_name: String,
    /// The LP's kind (the same for every subscription of one LP).
    pub lp_kind: LpKindDto,
    /// The amount subscribed; the subscriptions never exceed the tranche's size.
    pub amount: Amount,
}

/// `POST /funds/{fund_id}/capital-calls`: call capital (缴款通知) from some tranches.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallCapitalRequest {
    /// The call's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub call_id: Option<Uuid>,
    /// The tranches called.
    #[schema(example = json!([1]))]
    pub tranches: Vec<u32>,
    /// The amount called, allocated pro rata to what each subscription has not been called.
    pub amount: Amount,
    /// The date of the call.
    #[schema(example = "2021-09-15")]
    #[serde(deserialize_with = "date::deserialize")]
    pub called_on: NaiveDate,
    /// The date payment is due (not before the call).
    #[schema(example = "2021-10-15")]
    #[serde(deserialize_with = "date::deserialize")]
    pub due_on: NaiveDate,
}

/// What a movement pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MovementKind)]
pub enum MovementKindDto {
    /// An LP pays (part of) its allocation of a call (needs `call_id` and `lp_id`).
    LpPayment,
    /// The fund pays (part of) an assessed management fee (needs `fee_year`).
    FeePayment,
    /// The fund pays (part of) an LP's share of a distribution (needs `distribution_id` and
    /// `lp_id`).
    Distribution,
    /// The buyer pays (part of) the proceeds of an exit (needs `exit_id`). Injections have
    /// their own command (`POST /funds/{fund_id}/projects/{project_id}/injections`).
    ExitProceeds,
}

/// `POST /funds/{fund_id}/movements`: the manager instructs a movement (maker).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructMovementRequest {
    /// The movement's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub movement_id: Option<Uuid>,
    /// What it pays.
    pub kind: MovementKindDto,
    /// The call paid (`lp_payment`).
    #[serde(default)]
    pub call_id: Option<Uuid>,
    /// The LP paying (`lp_payment`) or paid (`distribution`).
    #[serde(default)]
    pub lp_id: Option<Uuid>,
    /// The fee year paid (`fee_payment`).
    #[serde(default)]
    #[schema(example = 2023)]
    pub fee_year: Option<i32>,
    /// The distribution paid (`distribution`).
    #[serde(default)]
    pub distribution_id: Option<Uuid>,
    /// The exit whose proceeds come in (`exit_proceeds`).
    #[serde(default)]
    pub exit_id: Option<Uuid>,
    /// How much: at most the LP's allocation less what is already instructed.
    pub amount: Amount,
    /// Its value date.
    #[schema(example = "2021-10-10")]
    #[serde(deserialize_with = "date::deserialize")]
    pub value_date: NaiveDate,
}

impl InstructMovementRequest {
    /// The domain's movement kind; `Err` names what the kind needs and lacks, or what it
    /// does not take.
    pub fn movement_kind(&self) -> Result<MovementKind, String> {
        let need = |field: Option<Uuid>, name: &str| {
            field.ok_or_else(|| format!("a {} movement needs {name}", self.kind_name()))
        };
        let given = [
            ("call_id", self.call_id.is_some()),
            ("lp_id", self.lp_id.is_some()),
            ("fee_year", self.fee_year.is_some()),
            ("distribution_id", self.distribution_id.is_some()),
            ("exit_id", self.exit_id.is_some()),
        ];
        let takes: &[&str] = match self.kind {
            MovementKindDto::LpPayment => &["call_id", "lp_id"],
            MovementKindDto::FeePayment => &["fee_year"],
            MovementKindDto::Distribution => &["distribution_id", "lp_id"],
            MovementKindDto::ExitProceeds => &["exit_id"],
        };
        if let Some((name, _)) = given.iter().find(|(n, g)| *g && !takes.contains(n)) {
            return Err(format!("a {} movement takes no {name}", self.kind_name()));
        }
        Ok(match self.kind {
            MovementKindDto::LpPayment => MovementKind::LpPayment {
                call_id: CallId(need(self.call_id, "call_id")?),
                lp: LpId(need(self.lp_id, "lp_id")?),
            },
            MovementKindDto::FeePayment => MovementKind::FeePayment {
                year: self
                    .fee_year
                    .ok_or_else(|| "a fee_payment movement needs fee_year".to_owned())?,
            },
            MovementKindDto::Distribution => MovementKind::Distribution {
                distribution_id: DistributionId(need(self.distribution_id, "distribution_id")?),
                lp: LpId(need(self.lp_id, "lp_id")?),
            },
            MovementKindDto::ExitProceeds => MovementKind::ExitProceeds {
                exit_id: ExitId(need(self.exit_id, "exit_id")?),
            },
        })
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            MovementKindDto::LpPayment => "lp_payment",
            MovementKindDto::FeePayment => "fee_payment",
            MovementKindDto::Distribution => "distribution",
            MovementKindDto::ExitProceeds => "exit_proceeds",
        }
    }
}

/// `POST /funds/{fund_id}/movements/{movement_id}/confirmation`: the custodian confirms the
/// movement was executed (checker).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmMovementRequest {
    /// When the money moved.
    #[schema(example = "2021-10-10")]
    #[serde(deserialize_with = "date::deserialize")]
    pub executed_on: NaiveDate,
}

/// What `POST /funds/{fund_id}/subscriptions` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionResult {
    /// Versions and position.
    #[serde(flatten)]
    pub command: FundCommandResult,
    /// The LP (generated when the request had none).
    pub lp_id: Uuid,
}

/// An LP's share of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Allocation {
    /// The LP.
    pub lp_id: Uuid,
    /// The tranche of the subscription called.
    pub tranche: u32,
    /// The amount called from it.
    pub amount: Amount,
}

impl From<&CallAllocation> for Allocation {
    fn from(a: &CallAllocation) -> Self {
        Allocation {
            lp_id: a.lp.0,
            tranche: a.tranche,
            amount: Amount(a.amount),
        }
    }
}

/// What `POST /funds/{fund_id}/capital-calls` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CapitalCallResult {
    /// Versions and position.
    #[serde(flatten)]
    pub command: FundCommandResult,
    /// The call (generated when the request had none).
    pub call_id: Uuid,
    /// The amount called: the sum of the allocations.
    pub amount: Amount,
    /// Each LP's share, per tranche; they sum exactly to `amount`.
    pub allocations: Vec<Allocation>,
}

/// What `POST /funds/{fund_id}/movements` and its confirmation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MovementResult {
    /// Versions and position.
    #[serde(flatten)]
    pub command: FundCommandResult,
    /// The movement (generated when the instruction had none).
    pub movement_id: Uuid,
}

/// `POST /funds/{fund_id}/lps/{lp_id}/link`: the LP is a guidance fund administered here.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkLpRequest {
    /// The guidance fund (established here, of kind `guidance`, not this fund).
    pub fund_id: Uuid,
}
