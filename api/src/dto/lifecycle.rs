//! The JSON shapes of the fund lifecycle: extensions, closing, fee assessments and
//! distributions.

use super::date;
use super::{Amount, FundCommandResult};
use chrono::NaiveDate;
use domain::fees::{FeeAssessment, FeeComponent, FeeSegment};
use domain::fund::distribution::DistributionAllocation;
use domain::fund::phases::PhaseSpan;
use projections::funds::FundExtension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /funds/{fund_id}/extensions`: extend the term after a partners' meeting resolution.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendTermRequest {
    /// Length of the extension in months, 1 to 120.
    #[schema(example = 12, minimum = 1, maximum = 120)]
    #[serde(deserialize_with = "super::at_most::<_, 120>")]
    pub months: u32,
    /// The partners' meeting resolution (合伙人大会决议) reference.
    #[schema(
        example = "合伙人大会决议〔2029〕3号",
        min_length = 1,
        max_length = 200
    )]
    pub resolution_ref: String,
    /// The day the resolution was passed: before the liquidation begins.
    #[schema(example = "2029-06-30")]
    #[serde(deserialize_with = "date::deserialize")]
    pub resolved_on: NaiveDate,
    /// The government approval reference; required for a guidance fund.
    #[serde(default)]
    #[schema(example = "苏财金〔2029〕12号", max_length = 200)]
    pub government_approval_ref: Option<String>,
}

/// `POST /funds/{fund_id}/closing`: liquidation is complete.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseFundRequest {
    /// The day the fund closed: during its liquidation, not after today.
    #[schema(example = "2030-03-31")]
    #[serde(deserialize_with = "date::deserialize")]
    pub closed_on: NaiveDate,
}

/// `POST /funds/{fund_id}/fee-assessments`: assess the management fee of a year.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessFeeRequest {
    /// The fee year (a calendar year, from the establishment date in the first year); it
    /// must have ended.
    #[schema(example = 2023, minimum = 1900, maximum = 9999)]
    pub year: i32,
}

/// One run of fee days with the same phase, component and base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeSegmentDto {
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// `tranche` (the subscribed size of a tranche, investment period) or
    /// `cost_not_exited` (the cost of investments not yet exited, exit period).
    #[schema(example = "tranche")]
    pub component: String,
    /// The tranche, for a `tranche` component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tranche: Option<u32>,
    /// The phase of the days.
    #[schema(example = "investment")]
    pub phase: String,
    /// The base in force on every day.
    pub base: Amount,
    /// The annual rate.
    #[schema(example = "0.01")]
    pub rate: String,
    /// Number of days.
    pub days: u32,
    /// `base × rate × days / 365`, rounded half-up to the fen.
    pub amount: Amount,
}

impl From<&FeeSegment> for FeeSegmentDto {
    fn from(s: &FeeSegment) -> Self {
        let (component, tranche) = match s.component {
            FeeComponent::Tranche(n) => ("tranche", Some(n)),
            FeeComponent::CostNotExited => ("cost_not_exited", None),
        };
        FeeSegmentDto {
            from: s.from,
            to: s.to,
            component: component.to_owned(),
            tranche,
            phase: s.phase.as_str().to_owned(),
            base: Amount(s.base),
            rate: s.rate.to_string(),
            days: s.days,
            amount: Amount(s.amount),
        }
    }
}

/// A fee year's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeAssessmentDto {
    /// The fee year.
    pub year: i32,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// The fee: the sum of the segments.
    pub total: Amount,
    /// The segments in order.
    pub segments: Vec<FeeSegmentDto>,
}

impl FeeAssessmentDto {
    /// From the domain's assessment.
    pub fn new(year: i32, a: &FeeAssessment) -> Self {
        FeeAssessmentDto {
            year,
            period_from: a.period_from,
            period_to: a.period_to,
            total: Amount(a.total),
            segments: a.segments.iter().map(FeeSegmentDto::from).collect(),
        }
    }
}

/// What `POST /funds/{fund_id}/fee-assessments` did: the assessment (new, or the one
/// recorded before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeAssessmentResult {
    /// Versions and position.
    #[serde(flatten)]
    pub command: FundCommandResult,
    /// The assessment.
    #[serde(flatten)]
    pub assessment: FeeAssessmentDto,
}

/// `POST /funds/{fund_id}/distributions`: distribute cash to the LPs pro rata to paid-in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareDistributionRequest {
    /// The distribution's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub distribution_id: Option<Uuid>,
    /// The amount: at most the cash at the custodian not yet committed.
    pub amount: Amount,
    /// The declaration date.
    #[schema(example = "2025-06-30")]
    #[serde(deserialize_with = "date::deserialize")]
    pub declared_on: NaiveDate,
}

/// An LP's share of a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionAllocationDto {
    /// The LP.
    pub lp_id: Uuid,
    /// Its paid-in capital on declaration (its weight).
    pub paid_in: Amount,
    /// Its share.
    pub amount: Amount,
}

impl From<&DistributionAllocation> for DistributionAllocationDto {
    fn from(a: &DistributionAllocation) -> Self {
        DistributionAllocationDto {
            lp_id: a.lp.0,
            paid_in: Amount(a.paid_in),
            amount: Amount(a.amount),
        }
    }
}

/// What `POST /funds/{fund_id}/distributions` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionResult {
    /// Versions and position.
    #[serde(flatten)]
    pub command: FundCommandResult,
    /// The distribution.
    pub distribution_id: Uuid,
    /// The amount: the sum of the allocations.
    pub amount: Amount,
    /// Each LP's share; they sum exactly to `amount`.
    pub allocations: Vec<DistributionAllocationDto>,
}

/// A phase and its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PhaseSpanDto {
    /// `investment`, `exit`, `extension`, `liquidation` or `closed`.
    #[schema(example = "investment")]
    pub phase: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day; absent while open-ended.
    pub to: Option<NaiveDate>,
}

impl From<&PhaseSpan> for PhaseSpanDto {
    fn from(s: &PhaseSpan) -> Self {
        PhaseSpanDto {
            phase: s.phase.as_str().to_owned(),
            from: s.from,
            to: s.to,
        }
    }
}

/// An extension of the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtensionDto {
    /// Length in months.
    pub months: u32,
    /// The partners' meeting resolution reference.
    pub resolution_ref: String,
    /// The day it was passed.
    pub resolved_on: NaiveDate,
    /// The government approval reference (guidance funds).
    pub government_approval_ref: Option<String>,
    /// First day of the extension.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl From<FundExtension> for ExtensionDto {
    fn from(e: FundExtension) -> Self {
        ExtensionDto {
            months: e.months,
            resolution_ref: e.resolution_ref,
            resolved_on: e.resolved_on,
            government_approval_ref: e.government_approval_ref,
            from: e.from,
            to: e.to,
        }
    }
}
