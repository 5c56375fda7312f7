//! Post-investment management (SPEC §5, §6; Art. 16, 21): the company's periodic reports, the
//! exit triggers and the supervisory actions.
//!
//! Triggers 1, 5 and 6 of Art. 16 are detected from the reports, as a decision of the domain
//! recorded with the report that raised them: (1) the company completed an equity round after
//! the fund's investment and is raising a further one; (5) it moved its registration out of
//! the city it was registered in when it applied; (6) it has lost the ability to continue as a
//! going concern. Triggers 2, 3, 4 and 7 are recorded by the manager. A trigger is raised once:
//! a later report showing the same does not raise it again.

use super::{Project, ProjectError, ProjectEvent, Stage};
use crate::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An exit trigger of Art. 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// (1) The next equity round after the fund's is done and a further one is being raised.
    NextRoundCompleted,
    /// (2) Stage goals reached, industrialised, self-sustaining.
    GoalsReached,
    /// (3) Existing shareholders want to buy the fund's stake.
    ShareholderBuyer,
    /// (4) A third party wants to buy it.
    ThirdPartyBuyer,
    /// (5) The company moved out of the city after the investment.
    MovedOutOfCity,
    /// (6) The company has clearly lost the ability to continue as a going concern.
    GoingConcernLost,
    /// (7) Another contractual exit condition.
    Contractual,
}

impl Trigger {
    /// The clause of Art. 16.
    pub fn clause(self) -> &'static str {
        match self {
            Trigger::NextRoundCompleted => "Art. 16(1)",
            Trigger::GoalsReached => "Art. 16(2)",
            Trigger::ShareholderBuyer => "Art. 16(3)",
            Trigger::ThirdPartyBuyer => "Art. 16(4)",
            Trigger::MovedOutOfCity => "Art. 16(5)",
            Trigger::GoingConcernLost => "Art. 16(6)",
            Trigger::Contractual => "Art. 16(7)",
        }
    }

    /// Whether it is detected from the reports (1, 5, 6) rather than recorded by the manager.
    pub fn is_detected(self) -> bool {
        matches!(
            self,
            Trigger::NextRoundCompleted | Trigger::MovedOutOfCity | Trigger::GoingConcernLost
        )
    }
}

/// An equity financing round of the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancingRound {
    /// When it closed.
    pub closed_on: NaiveDate,
    /// The amount raised.
    pub amount: Money,
}

/// A periodic post-investment report of the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyReport {
    /// The period, e.g. `2024-H2`.
    pub period: String,
    /// Revenue of the period.
    pub revenue: Money,
    /// Net assets at its end.
    pub net_assets: Money,
    /// Staff.
    pub staff: u32,
    /// R&D staff.
    pub rd_staff: u32,
    /// Equity rounds closed so far (all of them, including the fund's).
    #[serde(default)]
    pub financing_rounds: Vec<FinancingRound>,
    /// Whether a further round is being raised.
    #[serde(default)]
    pub raising_round: bool,
    /// The city the company is registered in.
    pub registered_city: String,
    /// Whether it can continue as a going concern.
    pub going_concern: bool,
}

/// A supervisory action of the fund (Art. 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisoryAction {
    /// The fund vetoes a decision of the company (一票否决).
    Veto,
    /// The fund terminates the investment and exits.
    Termination,
}

/// The triggers `report` raises that are not raised yet.
pub fn detect(p: &Project, report: &CompanyReport) -> Vec<Trigger> {
    let mut raised = Vec::new();
    let invested_on = p.agreement.as_ref().map(|a| a.signed_on);
    let later_round = report
        .financing_rounds
        .iter()
        .any(|r| invested_on.is_some_and(|on| r.closed_on > on));
    if later_round && report.raising_round {
        raised.push(Trigger::NextRoundCompleted);
    }
    let applied_city = p.facts.as_ref().map(|f| f.registered_city.trim());
    if applied_city.is_some_and(|city| city != report.registered_city.trim()) {
        raised.push(Trigger::MovedOutOfCity);
    }
    if !report.going_concern {
        raised.push(Trigger::GoingConcernLost);
    }
    raised.retain(|t| !p.triggers.contains(t));
    raised
}

/// `ReportPostInvestment`.
pub fn report(
    p: &Project,
    report: &CompanyReport,
    on: NaiveDate,
) -> Result<Vec<ProjectEvent>, ProjectError> {
    super::decide::at(p, Stage::PostInvestment, on)?;
    // A company's periodic report; a sub-fund reports its investments instead.
    super::sub_fund::expect_target(p, false)?;
    let period = report.period.trim();
    if period.is_empty() || period.chars().count() > 50 {
        return Err(ProjectError::InvalidText("period"));
    }
    if report.rd_staff > report.staff {
        return Err(ProjectError::InvalidReport("rd_staff exceeds staff"));
    }
    if report.registered_city.trim().is_empty() {
        return Err(ProjectError::InvalidText("registered city"));
    }
    let mut events = vec![ProjectEvent::PostInvestmentReported {
        report: CompanyReport {
            period: period.to_owned(),
            ..report.clone()
        },
        on,
    }];
    events.extend(
        detect(p, report)
            .into_iter()
            .map(|trigger| ProjectEvent::ExitTriggerRaised {
                trigger,
                detected: true,
                note: format!("detected from the {period} report"),
                on,
            }),
    );
    Ok(events)
}

/// `RecordTrigger`: the triggers the manager records (2, 3, 4, 7).
pub fn record_trigger(
    p: &Project,
    trigger: Trigger,
    note: &str,
    on: NaiveDate,
) -> Result<Vec<ProjectEvent>, ProjectError> {
    super::decide::at(p, Stage::PostInvestment, on)?;
    if trigger.is_detected() {
        return Err(ProjectError::TriggerDetectedOnly(trigger.clause()));
    }
    if p.triggers.contains(&trigger) {
        return Ok(Vec::new());
    }
    Ok(vec![ProjectEvent::ExitTriggerRaised {
        trigger,
        detected: false,
        note: super::decide::text(note, "note")?,
        on,
    }])
}
