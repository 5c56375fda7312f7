//! The post-investment conditions of Art. 22 ("不存在重大失职行为"): the company's reports came
//! in on schedule (Art. 15(8)) and every exit trigger was acted on in time (Art. 16).

use super::evaluate::outcome;
use super::evidence::{Condition, ConditionOutcome, EventRef, Evidence, ExemptionPolicy};
use crate::committee::{ResolutionEvent, SubjectKind};
use crate::fund::FundEvent;
use crate::project::ProjectEvent;
use crate::DomainEvent;
use chrono::{Days, Months, NaiveDate};

/// From the agreement to the exit (the fund's last exit of the project), or to `as_of` while
/// there is none, no stretch longer than `report_interval_months` without a report: from the
/// agreement to the first report, between consecutive reports, and from the last to the end.
/// A report exactly `report_interval_months` after the previous one is on time.
///
/// The reports counted are the company's periodic reports; a sub-fund, which files none in
/// this model, is judged on its portfolio-investment reports.
pub(super) fn reports(
    evidence: &Evidence,
    policy: &ExemptionPolicy,
    as_of: NaiveDate,
) -> ConditionOutcome {
    let condition = Condition::ReportsOnSchedule;
    let agreement = evidence.project.iter().find_map(|(r, e)| match e {
        ProjectEvent::AgreementSigned { signed_on, .. } => Some((r, *signed_on)),
        _ => None,
    });
    let Some((agreement_ref, signed_on)) = agreement else {
        let problem = "no investment agreement is recorded".to_owned();
        return outcome(condition, vec![problem], String::new(), Vec::new());
    };
    let exit = evidence.exits().last().and_then(|(r, e)| match e {
        FundEvent::ExitRecorded { on, .. } => Some((r, *on)),
        _ => None,
    });
    let (end, end_name) = match exit {
        Some((_, on)) if on <= as_of => (on, format!("the exit on {on}")),
        _ => (as_of, format!("{as_of}")),
    };
    let mut filed: Vec<(&EventRef, NaiveDate)> = evidence
        .project
        .iter()
        .filter_map(|(r, e)| match e {
            ProjectEvent::PostInvestmentReported { on, .. }
            | ProjectEvent::SubFundInvestmentReported { on, .. }
                if signed_on <= *on && *on <= end =>
            {
                Some((r, *on))
            }
            _ => None,
        })
        .collect();
    filed.sort_by_key(|(r, on)| (*on, r.version));
    let months = Months::new(policy.report_interval_months);
    let (mut problems, mut previous) = (Vec::new(), signed_on);
    let next_dates = filed
        .iter()
        .map(|(_, on)| (*on, None))
        .chain([(end, Some(&end_name))]);
    for (next, end_name) in next_dates {
        let due = previous
            .checked_add_months(months)
            .unwrap_or(NaiveDate::MAX);
        if next > due {
            problems.push(match end_name {
                None => format!("no report from {previous} until {next}: one was due by {due}"),
                Some(end) => {
                    format!("no report since {previous}: one was due by {due}, before {end}")
                }
            });
        }
        previous = next;
    }
    let mut references = vec![agreement_ref];
    references.extend(filed.iter().map(|(r, _)| *r));
    references.extend(exit.filter(|(_, on)| *on <= as_of).map(|(r, _)| r));
    let count = match filed.len() {
        1 => "1 report".to_owned(),
        n => format!("{n} reports"),
    };
    let fine = format!(
        "{count} from the agreement on {signed_on} to {end_name}, never more than {} months apart",
        policy.report_interval_months
    );
    outcome(condition, problems, fine, references)
}

/// Every exit trigger answered by an exit-plan resolution on the project (subject `exit`,
/// referencing the project's id) opened on or after the trigger and within
/// `trigger_response_days` of it. A trigger whose time has not run out by `as_of` is not
/// (yet) a breach.
pub(super) fn triggers(
    evidence: &Evidence,
    policy: &ExemptionPolicy,
    as_of: NaiveDate,
) -> ConditionOutcome {
    let condition = Condition::TriggersActedOn;
    let project = evidence.project_id().map(|p| p.0.to_string());
    let fund = evidence.fund_id();
    let plans: Vec<(&EventRef, NaiveDate)> = evidence
        .exit_plans
        .iter()
        .filter_map(|(r, e)| match e {
            ResolutionEvent::ResolutionOpened {
                fund_id, subject, ..
            } if subject.kind == SubjectKind::Exit
                && Some(subject.reference.trim()) == project.as_deref()
                && Some(*fund_id) == fund =>
            {
                e.effective_date().map(|day| (r, day))
            }
            _ => None,
        })
        .collect();
    let days = Days::new(u64::from(policy.trigger_response_days));
    let (mut problems, mut references, mut answered, mut pending) = (Vec::new(), Vec::new(), 0, 0);
    for (r, e) in &evidence.project {
        let ProjectEvent::ExitTriggerRaised { trigger, on, .. } = e else {
            continue;
        };
        references.push(r);
        let deadline = on.checked_add_days(days).unwrap_or(NaiveDate::MAX);
        let clause = trigger.clause();
        let plan = plans
            .iter()
            .filter(|(_, day)| on <= day)
            .min_by_key(|(p, day)| (*day, p.global_position));
        match plan {
            Some((plan_ref, day)) if *day <= deadline => {
                references.push(plan_ref);
                answered += 1;
            }
            _ if as_of <= deadline => pending += 1,
            Some((plan_ref, day)) => {
                references.push(plan_ref);
                problems.push(format!(
                    "the trigger of {clause} raised on {on} had no exit plan by {deadline}: the first was opened on {day}"
                ));
            }
            None => problems.push(format!(
                "the trigger of {clause} raised on {on} had no exit plan by {deadline}"
            )),
        }
    }
    let fine = match (answered, pending) {
        (0, 0) => "no exit trigger was raised".to_owned(),
        _ => format!(
            "{answered} trigger(s) answered by an exit plan within {} days, {pending} still within the time",
            policy.trigger_response_days
        ),
    };
    outcome(condition, problems, fine, references)
}
