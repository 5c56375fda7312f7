//! The procedural conditions of Art. 22 judged from the event history ([`evaluate`]): those
//! fixed at the investment decision here and in `approval.rs` (the committee and the limits),
//! those of post-investment management in `post.rs`.
//!
//! Every condition is judged on what was recorded when it happened, never on today's policy:
//! the limits by the `LimitsCheck` recorded with the proposal (its figures and maxima are
//! those in force then), the committee's mode and quorum by the fund's terms, the investment
//! period by the fund's establishment terms and the extensions resolved before the decision.
//! A fund whose policy is tightened later cannot turn a compliant decision into a breach.

use super::evidence::{Condition, ConditionOutcome, EventRef, Evidence, ExemptionPolicy};
use crate::fund::phases::{self, Phase, PhaseTerms};
use crate::fund::FundEvent;
use crate::project::{DueDiligenceKind, ProjectEvent};
use crate::ResolutionId;
use chrono::NaiveDate;

/// The project's approving investment decision.
pub(super) struct Decided<'a> {
    /// Its event.
    pub(super) reference: &'a EventRef,
    /// The resolution it names.
    pub(super) resolution_id: ResolutionId,
    /// Its date.
    pub(super) on: NaiveDate,
}

/// Judges every procedural condition of Art. 22 on `evidence`, as of `as_of` (the day of the
/// evaluation: post-investment duties are judged up to the exit, or up to this day while
/// there is none). One outcome per [`Condition`], in the order of [`Condition::ALL`].
pub fn evaluate(
    evidence: &Evidence,
    policy: &ExemptionPolicy,
    as_of: NaiveDate,
) -> Vec<ConditionOutcome> {
    let decision = approving_decision(evidence);
    let decision = decision.as_ref();
    vec![
        due_diligence(evidence, decision),
        eligibility(evidence, decision),
        super::approval::committee(evidence, decision),
        super::approval::limits(evidence, decision),
        investment_period(evidence, decision),
        super::post::reports(evidence, policy, as_of),
        super::post::triggers(evidence, policy, as_of),
    ]
}

/// An outcome citing `references`.
pub(super) fn outcome(
    condition: Condition,
    problems: Vec<String>,
    fine: String,
    references: Vec<&EventRef>,
) -> ConditionOutcome {
    let passed = problems.is_empty();
    ConditionOutcome {
        condition,
        passed,
        reason: if passed { fine } else { problems.join("; ") },
        references: references.into_iter().cloned().collect(),
    }
}

pub(super) fn no_decision(condition: Condition) -> ConditionOutcome {
    let problem = "no approving investment decision is recorded on the project".to_owned();
    outcome(condition, vec![problem], String::new(), Vec::new())
}

fn approving_decision(evidence: &Evidence) -> Option<Decided<'_>> {
    evidence.project.iter().find_map(|(reference, e)| match e {
        ProjectEvent::DecisionRecorded {
            resolution_id,
            approved: true,
            on,
        } => Some(Decided {
            reference,
            resolution_id: *resolution_id,
            on: *on,
        }),
        _ => None,
    })
}

/// The fund's policy as established (the only policy its stream records).
pub(super) fn fund_terms(evidence: &Evidence) -> Option<(&EventRef, &crate::fund::FundTerms)> {
    evidence.fund.iter().find_map(|(r, e)| match e {
        FundEvent::FundEstablished { terms, .. } => Some((r, terms)),
        _ => None,
    })
}

fn kind_name(kind: DueDiligenceKind) -> &'static str {
    match kind {
        DueDiligenceKind::Commercial => "commercial",
        DueDiligenceKind::Legal => "legal",
        DueDiligenceKind::Financial => "financial",
        DueDiligenceKind::ExpertReview => "expert review",
    }
}

/// Each of the four reports recorded in the stream before the decision and dated on or
/// before it.
fn due_diligence(evidence: &Evidence, decision: Option<&Decided<'_>>) -> ConditionOutcome {
    let condition = Condition::DueDiligenceBeforeDecision;
    let Some(decision) = decision else {
        return no_decision(condition);
    };
    let (mut problems, mut references) = (Vec::new(), Vec::new());
    for kind in DueDiligenceKind::ALL {
        let reports: Vec<(&EventRef, NaiveDate)> = evidence
            .project
            .iter()
            .filter_map(|(r, e)| match e {
                ProjectEvent::DueDiligenceRecorded { kind: k, on, .. } if *k == kind => {
                    Some((r, *on))
                }
                _ => None,
            })
            .collect();
        let in_time = reports
            .iter()
            .find(|(r, on)| r.version < decision.reference.version && *on <= decision.on);
        let name = kind_name(kind);
        match (in_time, reports.first()) {
            (Some((r, _)), _) => references.push(*r),
            (None, None) => problems.push(format!("no {name} report is recorded")),
            (None, Some((r, on))) => {
                references.push(*r);
                problems.push(if *on > decision.on {
                    format!(
                        "the {name} report is dated {on}, after the decision on {}",
                        decision.on
                    )
                } else {
                    format!("the {name} report was recorded after the decision")
                });
            }
        }
    }
    references.push(decision.reference);
    let fine = format!(
        "the commercial, legal, financial and expert-review reports were recorded before the decision on {}",
        decision.on
    );
    outcome(condition, problems, fine, references)
}

/// The last qualification review before the decision (or the last one, without a decision).
fn eligibility(evidence: &Evidence, decision: Option<&Decided<'_>>) -> ConditionOutcome {
    let condition = Condition::EligibilityPassed;
    let before = |r: &EventRef| decision.is_none_or(|d| r.version < d.reference.version);
    let review = evidence.project.iter().rev().find_map(|(r, e)| match e {
        ProjectEvent::QualificationReviewed { eligibility, on } if before(r) => {
            let failed: Vec<String> = eligibility.failed().map(|c| c.code.clone()).collect();
            Some((r, *on, failed))
        }
        ProjectEvent::SubFundReviewed { passed, on, .. } if before(r) => {
            let failed = if *passed {
                vec![]
            } else {
                vec!["sub_fund_facts".into()]
            };
            Some((r, *on, failed))
        }
        _ => None,
    });
    let Some((r, on, failed)) = review else {
        let problem = "no qualification review is recorded before the decision".to_owned();
        return outcome(condition, vec![problem], String::new(), Vec::new());
    };
    let problems = if failed.is_empty() {
        vec![]
    } else {
        vec![format!(
            "the qualification review on {on} failed: {}",
            failed.join(", ")
        )]
    };
    let fine = format!("the qualification review on {on} passed");
    outcome(condition, problems, fine, vec![r])
}

/// The decision's date in the investment period of the fund's terms, with the extensions
/// resolved and the closing recorded on or before it.
fn investment_period(evidence: &Evidence, decision: Option<&Decided<'_>>) -> ConditionOutcome {
    let condition = Condition::InvestmentPeriod;
    let Some(decision) = decision else {
        return no_decision(condition);
    };
    let established = evidence.fund.iter().find_map(|(r, e)| match e {
        FundEvent::FundEstablished { fund_id, terms } => Some((r, *fund_id, terms)),
        _ => None,
    });
    let Some((established_ref, fund_id, terms)) = established else {
        let problem = "the fund's establishment is not in the evidence".to_owned();
        return outcome(
            condition,
            vec![problem],
            String::new(),
            vec![decision.reference],
        );
    };
    let mut references = vec![established_ref];
    let mut problems = Vec::new();
    if Some(fund_id) != evidence.fund_id() {
        problems.push("the fund's stream is not the project's fund".to_owned());
    }
    let mut phase_terms = PhaseTerms {
        establishment_date: terms.establishment_date,
        investment_months: terms.policy.investment_months,
        exit_months: terms.policy.exit_months,
        extension_months: Vec::new(),
        closed_on: None,
    };
    for (r, e) in &evidence.fund {
        match e {
            FundEvent::TermExtended {
                months,
                resolved_on,
                ..
            } if *resolved_on <= decision.on => {
                phase_terms.extension_months.push(*months);
                references.push(r);
            }
            FundEvent::FundClosed { closed_on } if *closed_on <= decision.on => {
                phase_terms.closed_on = Some(*closed_on);
                references.push(r);
            }
            _ => {}
        }
    }
    references.push(decision.reference);
    let span = phases::schedule(&phase_terms)
        .ok()
        .and_then(|spans| spans.into_iter().find(|s| s.phase == Phase::Investment));
    let Some(span) = span else {
        problems.push("the fund's phase dates cannot be computed from its terms".to_owned());
        return outcome(condition, problems, String::new(), references);
    };
    let period = match span.to {
        Some(to) => format!("{} to {to}", span.from),
        None => format!("from {}", span.from),
    };
    if !span.covers(decision.on) {
        problems.push(format!(
            "decided on {}, outside the investment period ({period}) (Art. 5)",
            decision.on
        ));
    }
    let fine = format!(
        "decided on {}, in the investment period ({period})",
        decision.on
    );
    outcome(condition, problems, fine, references)
}
