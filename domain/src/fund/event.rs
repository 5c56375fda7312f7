//! The events of a fund: what happened, as stored forever.

use super::{capital, custody, distribution, FundTerms};
use crate::fees::FeeAssessment;
use crate::fund::phases::Phase;
use crate::{
    CallId, DistributionId, DomainEvent, ExitId, FundId, LpId, Money, MovementId, ProjectId,
    ResolutionId,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Events of a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum FundEvent {
    /// The fund was established.
    FundEstablished {
        /// The fund.
        fund_id: FundId,
        /// Its terms.
        #[serde(flatten)]
        terms: FundTerms,
    },
    /// A tranche was opened.
    TrancheOpened {
        /// Its number.
        number: u32,
        /// Its size.
        size: Money,
        /// Its subscription date.
        subscription_date: NaiveDate,
    },
    /// An LP subscribed in a tranche.
    LpSubscribed {
        /// The tranche.
        tranche: u32,
        /// The LP.
        lp: LpId,
        /// Its name.
        lp_name: String,
        /// Its kind.
        lp_kind: capital::LpKind,
        /// The amount subscribed.
        amount: Money,
    },
    /// A profit concession was applied to a sub-fund exit's proceeds (SPEC §10); the
    /// `ExitRecorded` that follows carries the proceeds the fund keeps.
    ConcessionApplied {
        /// The exit.
        exit_id: crate::ExitId,
        /// The arithmetic: proceeds, cost, excess, share, cap, conceded, kept.
        concession: crate::guidance::Concession,
    },
    /// An LP was declared to be a guidance fund administered here.
    LpLinked {
        /// The LP.
        lp: LpId,
        /// The guidance fund.
        fund: FundId,
    },
    /// Capital was called, allocated to the LPs' subscriptions.
    CapitalCalled {
        /// The call.
        call_id: CallId,
        /// The tranches called.
        tranches: Vec<u32>,
        /// The amount called: the sum of the allocations.
        amount: Money,
        /// The date of the call.
        called_on: NaiveDate,
        /// The date payment is due.
        due_on: NaiveDate,
        /// Each LP's share, per tranche.
        allocations: Vec<capital::CallAllocation>,
    },
    /// The manager instructed a money movement; nothing has moved yet.
    MovementInstructed {
        /// The movement.
        movement_id: MovementId,
        /// What it pays.
        kind: custody::MovementKind,
        /// How much.
        amount: Money,
        /// Its value date.
        value_date: NaiveDate,
    },
    /// The custodian confirmed the movement: the money moved.
    MovementConfirmed {
        /// The movement.
        movement_id: MovementId,
        /// When the money moved.
        executed_on: NaiveDate,
    },
    /// The term was extended by a partners' meeting resolution.
    TermExtended {
        /// Length in months.
        months: u32,
        /// The resolution's reference.
        resolution_ref: String,
        /// The day it was passed.
        resolved_on: NaiveDate,
        /// The government approval reference (guidance funds).
        government_approval_ref: Option<String>,
        /// First day of the extension.
        from: NaiveDate,
        /// Last day of the extension.
        to: NaiveDate,
    },
    /// Liquidation is complete: the fund is closed.
    FundClosed {
        /// The day it closed.
        closed_on: NaiveDate,
    },
    /// The fund entered a phase (recorded by the scheduler on or after its date).
    PhaseChanged {
        /// The phase entered.
        phase: Phase,
        /// Its first day.
        on: NaiveDate,
    },
    /// The management fee of a fee year was assessed.
    FeeAssessed {
        /// The fee year.
        year: i32,
        /// The assessment with its segments.
        #[serde(flatten)]
        assessment: FeeAssessment,
    },
    /// A distribution was declared and allocated pro rata to paid-in capital.
    DistributionDeclared {
        /// The distribution.
        distribution_id: DistributionId,
        /// The amount: the sum of the allocations.
        amount: Money,
        /// The declaration date.
        declared_on: NaiveDate,
        /// Each LP's share.
        allocations: Vec<distribution::DistributionAllocation>,
    },
    /// The paid-in matching figures an injection was checked against (Art. 11); the
    /// injection's `MovementInstructed` follows.
    InjectionMatched {
        /// The injection's movement.
        movement_id: MovementId,
        /// The project invested in.
        project_id: ProjectId,
        /// The fund's commitment to the company.
        commitment: Money,
        /// The project's required cumulative payment after its last paid-in report.
        required_cumulative: Money,
    },
    /// The fund exited (part of) an investment (Art. 16); a write-off has zero proceeds.
    ExitRecorded {
        /// The exit.
        exit_id: ExitId,
        /// The project exited.
        project_id: ProjectId,
        /// What the buyer pays: due at the custodian when positive.
        proceeds: Money,
        /// The investment cost released: the cost not exited falls by it.
        cost_released: Money,
        /// Realised gain (or loss, negative): `proceeds − cost_released`.
        realised: Money,
        /// The day of the exit.
        on: NaiveDate,
        /// The committee resolution deciding the exit plan.
        resolution_id: ResolutionId,
    },
}

impl DomainEvent for FundEvent {
    // No upcasters (the default `upcast`): every payload is schema version 1.
    fn reads_as_stored(_event_type: &str, schema_version: i32) -> bool {
        crate::aggregate::reads_version_1_as_stored(schema_version)
    }

    fn event_type(&self) -> &'static str {
        match self {
            FundEvent::FundEstablished { .. } => "FundEstablished",
            FundEvent::TrancheOpened { .. } => "TrancheOpened",
            FundEvent::LpSubscribed { .. } => "LpSubscribed",
            FundEvent::LpLinked { .. } => "LpLinked",
            FundEvent::ConcessionApplied { .. } => "ConcessionApplied",
            FundEvent::CapitalCalled { .. } => "CapitalCalled",
            FundEvent::MovementInstructed { .. } => "MovementInstructed",
            FundEvent::MovementConfirmed { .. } => "MovementConfirmed",
            FundEvent::TermExtended { .. } => "TermExtended",
            FundEvent::FundClosed { .. } => "FundClosed",
            FundEvent::PhaseChanged { .. } => "PhaseChanged",
            FundEvent::FeeAssessed { .. } => "FeeAssessed",
            FundEvent::DistributionDeclared { .. } => "DistributionDeclared",
            FundEvent::InjectionMatched { .. } => "InjectionMatched",
            FundEvent::ExitRecorded { .. } => "ExitRecorded",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        match self {
            FundEvent::FundEstablished { terms, .. } => Some(terms.establishment_date),
            FundEvent::TrancheOpened {
                subscription_date, ..
            } => Some(*subscription_date),
            FundEvent::LpSubscribed { .. }
            | FundEvent::LpLinked { .. }
            | FundEvent::ConcessionApplied { .. } => None,
            FundEvent::CapitalCalled { called_on, .. } => Some(*called_on),
            FundEvent::MovementInstructed { value_date, .. } => Some(*value_date),
            FundEvent::MovementConfirmed { executed_on, .. } => Some(*executed_on),
            FundEvent::TermExtended { resolved_on, .. } => Some(*resolved_on),
            FundEvent::FundClosed { closed_on } => Some(*closed_on),
            FundEvent::PhaseChanged { on, .. } => Some(*on),
            FundEvent::FeeAssessed { assessment, .. } => Some(assessment.period_to),
            FundEvent::DistributionDeclared { declared_on, .. } => Some(*declared_on),
            FundEvent::InjectionMatched { .. } => None,
            FundEvent::ExitRecorded { on, .. } => Some(*on),
        }
    }
}
