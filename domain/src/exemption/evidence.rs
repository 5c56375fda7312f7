//! What a case is judged on (SPEC §9, Art. 22): the events of the project, of the resolution
//! that decided it, of the fund and of the exit plans, each with the reference by which the
//! event store identifies it; the parameters of the post-investment conditions; and the
//! outcome of each procedural condition.
//!
//! The domain never reads the store: the caller loads the streams, fills an [`EventRef`] for
//! every event from the store's record and hands the lot to [`super::evaluate()`].

use crate::committee::ResolutionEvent;
use crate::fund::FundEvent;
use crate::project::ProjectEvent;
use crate::{FundId, Money, ProjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How the domain cites a stored event: enough to find it again and to check it was not
/// altered (the store's hash chain).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventRef {
    /// The event's id.
    pub event_id: Uuid,
    /// Its stream's id (e.g. the project's id).
    pub stream_id: String,
    /// Its stream's type (e.g. `project`).
    pub stream_type: String,
    /// Its version in the stream, from 1.
    pub version: i64,
    /// Its position in the whole log.
    pub global_position: i64,
    /// Its hash in the store's chain, in hex.
    pub hash: String,
    /// Its type (the `event_type` column).
    pub event_type: String,
    /// The business date it takes effect, if it has one.
    pub effective_date: Option<NaiveDate>,
}

/// The event history a case is judged on. Each list is in stream order (by version).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// The project's stream.
    pub project: Vec<(EventRef, ProjectEvent)>,
    /// The stream of the resolution that decided the investment (the one named by the
    /// project's approving `DecisionRecorded`).
    pub resolution: Vec<(EventRef, ResolutionEvent)>,
    /// The fund's stream up to now.
    pub fund: Vec<(EventRef, FundEvent)>,
    /// The streams of the exit-plan resolutions referencing the project, one after another.
    pub exit_plans: Vec<(EventRef, ResolutionEvent)>,
}

impl Evidence {
    /// The project's id, from its application.
    pub fn project_id(&self) -> Option<ProjectId> {
        self.project.iter().find_map(|(_, e)| match e {
            ProjectEvent::ProjectApplied { project_id, .. }
            | ProjectEvent::SubFundApplied { project_id, .. } => Some(*project_id),
            _ => None,
        })
    }

    /// The project's fund, from its application.
    pub fn fund_id(&self) -> Option<FundId> {
        self.project.iter().find_map(|(_, e)| match e {
            ProjectEvent::ProjectApplied { fund_id, .. }
            | ProjectEvent::SubFundApplied { fund_id, .. } => Some(*fund_id),
            _ => None,
        })
    }

    /// The fund's exits of the project, in stream order.
    pub fn exits(&self) -> impl Iterator<Item = (&EventRef, &FundEvent)> {
        let project = self.project_id();
        self.fund.iter().filter_map(move |(r, e)| match e {
            FundEvent::ExitRecorded { project_id, .. } if Some(*project_id) == project => {
                Some((r, e))
            }
            _ => None,
        })
    }

    /// The realised gain (negative: loss) of the fund's exits of the project so far: the
    /// loss a case is opened for is its opposite.
    pub fn realised(&self) -> Money {
        self.exits()
            .filter_map(|(_, e)| match e {
                FundEvent::ExitRecorded { realised, .. } => Some(*realised),
                _ => None,
            })
            .sum()
    }
}

/// The parameters of the post-investment conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExemptionPolicy {
    /// The longest time without a post-investment report, in months, from the agreement until
    /// the exit or write-off (default 6: Art. 15(8) reports half-yearly).
    pub report_interval_months: u32,
    /// The longest time from an exit trigger (Art. 16) to the opening of an exit-plan
    /// resolution, in days (default 90).
    pub trigger_response_days: u32,
}

impl Default for ExemptionPolicy {
    fn default() -> Self {
        ExemptionPolicy {
            report_interval_months: 6,
            trigger_response_days: 90,
        }
    }
}

impl ExemptionPolicy {
    /// Whether both periods are at least one (month, day).
    pub fn is_valid(&self) -> bool {
        self.report_interval_months > 0 && self.trigger_response_days > 0
    }
}

/// A procedural condition of Art. 22, evidenced from the event history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The four due-diligence reports were recorded before the decision (尽职调查到位).
    DueDiligenceBeforeDecision,
    /// The qualification review passed (Art. 13).
    EligibilityPassed,
    /// The committee passed the decision with enough approvals in an allowed mode (Art. 14,
    /// 15(6)).
    CommitteeApproved,
    /// The amount and stake were within the limits, or the higher approval was recorded
    /// (Art. 10, 12, 20), as checked when proposed.
    WithinLimits,
    /// The decision fell in the fund's investment period (Art. 5).
    InvestmentPeriod,
    /// Post-investment reports came in on schedule (Art. 15(8)).
    ReportsOnSchedule,
    /// Every exit trigger was acted on in time with an exit-plan resolution (Art. 16).
    TriggersActedOn,
}

impl Condition {
    /// Every condition, in the order [`super::evaluate()`] reports them.
    pub const ALL: [Condition; 7] = [
        Condition::DueDiligenceBeforeDecision,
        Condition::EligibilityPassed,
        Condition::CommitteeApproved,
        Condition::WithinLimits,
        Condition::InvestmentPeriod,
        Condition::ReportsOnSchedule,
        Condition::TriggersActedOn,
    ];

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Condition::DueDiligenceBeforeDecision => "due_diligence_before_decision",
            Condition::EligibilityPassed => "eligibility_passed",
            Condition::CommitteeApproved => "committee_approved",
            Condition::WithinLimits => "within_limits",
            Condition::InvestmentPeriod => "investment_period",
            Condition::ReportsOnSchedule => "reports_on_schedule",
            Condition::TriggersActedOn => "triggers_acted_on",
        }
    }

    /// The rule behind it; each is part of Art. 22's "尽职调查到位、决策程序合规、不存在重大
    /// 失职行为".
    pub fn rule(&self) -> &'static str {
        match self {
            Condition::DueDiligenceBeforeDecision => "Art. 22; Art. 15(5)",
            Condition::EligibilityPassed => "Art. 22; Art. 13",
            Condition::CommitteeApproved => "Art. 22; Art. 14, 15(6)",
            Condition::WithinLimits => "Art. 22; Art. 10, 12, 20",
            Condition::InvestmentPeriod => "Art. 22; Art. 5",
            Condition::ReportsOnSchedule => "Art. 22; Art. 15(8)",
            Condition::TriggersActedOn => "Art. 22; Art. 16",
        }
    }
}

/// How one condition came out, with the events that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionOutcome {
    /// The condition.
    pub condition: Condition,
    /// Whether it holds.
    pub passed: bool,
    /// Why, in words, with the dates and figures.
    pub reason: String,
    /// The events relied on, in the order of the reason.
    pub references: Vec<EventRef>,
}
