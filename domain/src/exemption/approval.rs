//! The conditions of the committee's approval (Art. 14, 15(6)) and of the limits (Art. 10,
//! 12, 20), judged on the resolution's stream and on the check recorded with the proposal.

use super::evaluate::{fund_terms, no_decision, outcome, Decided};
use super::evidence::{Condition, ConditionOutcome, EventRef, Evidence};
use crate::committee::{Choice, ResolutionEvent, SubjectKind};
use crate::fund::policy::FundPolicy;
use crate::investment::{Check, Outcome};
use crate::project::ProjectEvent;
use crate::{DomainEvent, Money};

/// The amount proposed last before the decision, with its event.
fn proposal<'a>(
    evidence: &'a Evidence,
    decision: &Decided<'_>,
) -> Option<(&'a EventRef, &'a ProjectEvent, Money)> {
    evidence.project.iter().rev().find_map(|(r, e)| match e {
        ProjectEvent::InvestmentProposed { proposal, .. }
            if r.version < decision.reference.version =>
        {
            Some((r, e, proposal.amount))
        }
        ProjectEvent::CommitmentProposed { commitment, .. }
            if r.version < decision.reference.version =>
        {
            Some((r, e, *commitment))
        }
        _ => None,
    })
}

/// The resolution the decision names: on this project, for the amount proposed, in a mode
/// allowed for it, passed by enough approvals before the decision was recorded.
pub(super) fn committee(evidence: &Evidence, decision: Option<&Decided<'_>>) -> ConditionOutcome {
    let condition = Condition::CommitteeApproved;
    let Some(decision) = decision else {
        return no_decision(condition);
    };
    let opened = evidence.resolution.iter().find_map(|(r, e)| match e {
        ResolutionEvent::ResolutionOpened {
            resolution_id,
            fund_id,
            subject,
            amount,
            mode,
            quorum,
            ..
        } => Some((
            r,
            *resolution_id,
            *fund_id,
            subject,
            *amount,
            *mode,
            *quorum,
        )),
        _ => None,
    });
    let Some((opened_ref, resolution_id, fund_id, subject, amount, mode, quorum)) = opened else {
        let problem = format!(
            "the resolution {} is not in the evidence",
            decision.resolution_id.0
        );
        return outcome(
            condition,
            vec![problem],
            String::new(),
            vec![decision.reference],
        );
    };
    let mut problems = Vec::new();
    let project = evidence.project_id().map(|p| p.0.to_string());
    if resolution_id != decision.resolution_id
        || Some(fund_id) != evidence.fund_id()
        || subject.kind != SubjectKind::Investment
        || Some(subject.reference.trim()) != project.as_deref()
    {
        problems.push("the resolution is not the investment decision on this project".to_owned());
    }
    if let Some((_, _, proposed)) = proposal(evidence, decision).filter(|p| p.2 != amount) {
        problems.push(format!(
            "the resolution decided {amount}, the proposal was {proposed}"
        ));
    }
    let policy =
        fund_terms(evidence).map_or_else(FundPolicy::default, |(_, t)| (*t.policy).clone());
    let max = policy.committee.written_vote_max;
    if mode == crate::committee::Mode::Written && amount > max {
        problems.push(format!(
            "{amount} was decided by written vote, above the written-vote limit of {max}: only an on-site meeting may (Art. 15(6))"
        ));
    }
    let votes: Vec<(&EventRef, Choice)> = evidence
        .resolution
        .iter()
        .filter_map(|(r, e)| match e {
            ResolutionEvent::VoteCast { choice, .. } => Some((r, *choice)),
            _ => None,
        })
        .collect();
    let approvals = votes.iter().filter(|(_, c)| *c == Choice::Approve).count() as u32;
    let required = quorum.max(policy.committee.approvals_to_pass);
    if approvals < required {
        problems.push(format!(
            "{approvals} approvals, {required} needed (Art. 14)"
        ));
    }
    let passed = evidence.resolution.iter().find_map(|(r, e)| match e {
        ResolutionEvent::ResolutionPassed { tally, .. } => Some((r, *tally, e.effective_date())),
        _ => None,
    });
    match passed {
        None => problems.push("the resolution did not pass".to_owned()),
        Some((_, tally, _)) if tally.approvals != approvals => problems.push(format!(
            "the tally records {} approvals, the votes {approvals}",
            tally.approvals
        )),
        Some((_, _, Some(day))) if day > decision.on => problems.push(format!(
            "the resolution passed on {day}, after the decision recorded on {}",
            decision.on
        )),
        Some(_) => {}
    }
    let mut references = vec![opened_ref];
    references.extend(votes.iter().map(|(r, _)| *r));
    references.extend(passed.map(|(r, _, _)| r));
    references.push(decision.reference);
    let fine = format!(
        "the committee passed {amount} by {} vote with {approvals} approvals ({required} needed)",
        mode.as_str()
    );
    outcome(condition, problems, fine, references)
}

/// The limits as checked and recorded with the proposal, by the policy then in force.
pub(super) fn limits(evidence: &Evidence, decision: Option<&Decided<'_>>) -> ConditionOutcome {
    let condition = Condition::WithinLimits;
    let Some(decision) = decision else {
        return no_decision(condition);
    };
    let Some((r, event, amount)) = proposal(evidence, decision) else {
        let problem = "no proposal is recorded before the decision".to_owned();
        return outcome(
            condition,
            vec![problem],
            String::new(),
            vec![decision.reference],
        );
    };
    let mut problems = Vec::new();
    let mut fine = format!("the proposal of {amount} was within every limit when it was checked");
    match event {
        ProjectEvent::InvestmentProposed { limits, on, .. } => {
            fine = format!("the proposal of {amount} on {on} was within every limit in force then");
            if let Some(violation) = limits.first_violation() {
                problems.push(violation.to_string());
            }
            let has = |f: fn(&Check) -> bool| limits.checks.iter().any(|c| f(&c.check));
            if !has(|c| matches!(c, Check::PerProjectLimit { .. }))
                || !has(|c| matches!(c, Check::StakeLimit { .. }))
            {
                problems.push("the recorded check lacks the amount or the stake limit".to_owned());
            }
            let lifted = limits.checks.iter().find_map(|c| match &c.check {
                Check::PerProjectLimit {
                    max,
                    higher_approval_ref: Some(approval),
                    ..
                } if c.outcome == Outcome::Approved => Some((max, approval)),
                _ => None,
            });
            if let Some((max, approval)) = lifted {
                fine.push_str(&format!(
                    "; above the per-project limit of {max}, approved by {approval}"
                ));
            }
        }
        ProjectEvent::CommitmentProposed { check, .. } => {
            if let Some(violation) = check.first_violation() {
                problems.push(violation.to_string());
            }
        }
        _ => {}
    }
    outcome(condition, problems, fine, vec![r, decision.reference])
}
