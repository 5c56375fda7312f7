//! Given/when/then tests of [`evaluate`]: a clean loss-making project passes every procedural
//! condition of Art. 22 with the events that prove it; each broken condition fails alone.
//! The evidence is built by running the real aggregates ([`Scenario`]); where the aggregates
//! now refuse the breach (a report after the decision), the test edits the event list.

use super::scenario::Scenario;
use super::test_support::{cited, d, refs_of, yuan, DECISION, EXIT_PLAN};
use super::*;
use crate::committee::ResolutionEvent;
use crate::fund::policy::InvestmentPolicy;
use crate::fund::FundEvent;
use crate::investment;
use crate::project::{DueDiligenceKind, ProjectEvent};

const AS_OF: &str = "2025-11-15";

fn outcomes(evidence: &Evidence) -> Vec<ConditionOutcome> {
    evaluate(evidence, &ExemptionPolicy::default(), d(AS_OF))
}

fn of(outcomes: &[ConditionOutcome], condition: Condition) -> &ConditionOutcome {
    outcomes.iter().find(|o| o.condition == condition).unwrap()
}

/// Every condition passes but `failed`, whose reason is returned.
fn only_fails(outcomes: &[ConditionOutcome], failed: Condition) -> String {
    for o in outcomes {
        assert_eq!(
            o.passed,
            o.condition != failed,
            "{:?}: {}",
            o.condition,
            o.reason
        );
    }
    of(outcomes, failed).reason.clone()
}

fn decision_ref(evidence: &Evidence) -> EventRef {
    refs_of(&evidence.project, "DecisionRecorded").remove(0)
}

#[test]
fn a_clean_project_with_a_loss_passes_every_condition_citing_its_events() {
    // Given the clean project, exited at a loss of 2,200,000
    let evidence = Scenario::clean().evidence();
    assert_eq!(evidence.realised(), yuan(-2_200_000));
    // When it is evaluated
    let outcomes = outcomes(&evidence);
    // Then every condition passes, in order, citing the events that prove it
    let conditions: Vec<Condition> = outcomes.iter().map(|o| o.condition).collect();
    assert_eq!(conditions, Condition::ALL);
    assert!(outcomes.iter().all(|o| o.passed), "{outcomes:#?}");
    let decision = decision_ref(&evidence);
    let project = &evidence.project;
    let mut dd = refs_of(project, "DueDiligenceRecorded");
    dd.push(decision.clone());
    assert_eq!(
        of(&outcomes, Condition::DueDiligenceBeforeDecision).references,
        dd
    );
    let review = refs_of(project, "QualificationReviewed");
    assert_eq!(
        of(&outcomes, Condition::EligibilityPassed).references,
        review
    );
    let committee = of(&outcomes, Condition::CommitteeApproved);
    let expected = [
        "ResolutionOpened",
        "VoteCast",
        "VoteCast",
        "VoteCast",
        "VoteCast",
    ];
    assert_eq!(cited(committee)[..5], expected);
    assert_eq!(
        cited(committee)[5..],
        ["ResolutionPassed", "DecisionRecorded"]
    );
    assert!(committee.references[..6]
        .iter()
        .all(|r| r.stream_type == "resolution" && r.stream_id == DECISION.stream_id()));
    assert_eq!(
        committee.reason,
        "the committee passed 2500000.00 by written vote with 4 approvals (4 needed)"
    );
    let limits = of(&outcomes, Condition::WithinLimits);
    let mut proposed = refs_of(project, "InvestmentProposed");
    proposed.push(decision.clone());
    assert_eq!(limits.references, proposed);
    let period = of(&outcomes, Condition::InvestmentPeriod);
    assert_eq!(cited(period), ["FundEstablished", "DecisionRecorded"]);
    assert_eq!(
        period.reason,
        "decided on 2024-07-15, in the investment period (2023-01-01 to 2025-12-31)"
    );
    let reports = of(&outcomes, Condition::ReportsOnSchedule);
    let expected = [
        "AgreementSigned",
        "PostInvestmentReported",
        "PostInvestmentReported",
    ];
    assert_eq!(cited(reports)[..3], expected);
    assert_eq!(
        reports.references[3],
        refs_of(&evidence.fund, "ExitRecorded")[0]
    );
    let triggers = of(&outcomes, Condition::TriggersActedOn);
    assert_eq!(cited(triggers), ["ExitTriggerRaised", "ResolutionOpened"]);
    assert_eq!(triggers.references[1].stream_id, EXIT_PLAN.stream_id());
    // Every reference is what the store gave: position, version and hash
    for r in outcomes.iter().flat_map(|o| &o.references) {
        let all = (evidence.project.iter().map(|(r, _)| r))
            .chain(evidence.resolution.iter().map(|(r, _)| r))
            .chain(evidence.fund.iter().map(|(r, _)| r))
            .chain(evidence.exit_plans.iter().map(|(r, _)| r));
        assert_eq!(all.filter(|x| *x == r).count(), 1);
        assert_eq!(r.hash.len(), 64);
    }
}

#[test]
fn a_due_diligence_report_dated_after_the_decision_fails_the_condition() {
    // Given the legal report dated after the decision (the aggregate refuses this now)
    let mut evidence = Scenario::clean().evidence();
    let late = d("2024-07-20");
    let legal = evidence.project.iter_mut().find(|(_, e)| {
        matches!(e, ProjectEvent::DueDiligenceRecorded { kind, .. } if *kind == DueDiligenceKind::Legal)
    });
    let (legal_ref, legal) = legal.unwrap();
    if let ProjectEvent::DueDiligenceRecorded { on, .. } = legal {
        *on = late;
    }
    legal_ref.effective_date = Some(late);
    let legal_ref = legal_ref.clone();
    // When it is evaluated, then only the due diligence fails, citing the late report
    let outcomes = outcomes(&evidence);
    let reason = only_fails(&outcomes, Condition::DueDiligenceBeforeDecision);
    assert_eq!(
        reason,
        "the legal report is dated 2024-07-20, after the decision on 2024-07-15"
    );
    let references = &of(&outcomes, Condition::DueDiligenceBeforeDecision).references;
    assert!(references.contains(&legal_ref));
}

#[test]
fn a_due_diligence_report_recorded_after_the_decision_fails_even_if_backdated() {
    // Given the expert review recorded in the stream after the decision, dated before it
    let mut evidence = Scenario::clean().evidence();
    let at = (evidence.project.iter())
        .position(|(r, _)| r.event_type == "DueDiligenceRecorded")
        .map(|first| first + 3)
        .unwrap();
    let (mut moved_ref, moved) = evidence.project.remove(at);
    let decision = decision_ref(&evidence);
    let after = evidence
        .project
        .iter()
        .position(|(r, _)| *r == decision)
        .unwrap();
    moved_ref.global_position = decision.global_position + 1;
    evidence.project.insert(after + 1, (moved_ref, moved));
    for (version, (r, _)) in (1..).zip(&mut evidence.project) {
        r.version = version;
    }
    // Then the due diligence fails
    let reason = only_fails(&outcomes(&evidence), Condition::DueDiligenceBeforeDecision);
    assert_eq!(
        reason,
        "the expert review report was recorded after the decision"
    );
}

#[test]
fn a_decision_outside_the_investment_period_fails_the_condition() {
    // Given a fund established on 2021-01-01: its investment period ended on 2023-12-31
    let evidence = Scenario {
        established: "2021-01-01",
        ..Scenario::clean()
    }
    .evidence();
    // When evaluated, then only the investment period fails (Art. 5)
    let reason = only_fails(&outcomes(&evidence), Condition::InvestmentPeriod);
    assert_eq!(
        reason,
        "decided on 2024-07-15, outside the investment period (2021-01-01 to 2023-12-31) (Art. 5)"
    );
}

#[test]
fn overdue_post_investment_reports_fail_the_condition() {
    // Given a second report eight months after the first (the trigger it raises answered)
    let evidence = Scenario {
        reports: vec!["2025-01-20", "2025-09-15"],
        exit_plan: "2025-10-01",
        ..Scenario::clean()
    }
    .evidence();
    // Then only the reports fail
    let reason = only_fails(&outcomes(&evidence), Condition::ReportsOnSchedule);
    assert_eq!(
        reason,
        "no report from 2025-01-20 until 2025-09-15: one was due by 2025-07-20"
    );
}

#[test]
fn without_an_exit_the_reports_are_judged_up_to_the_day_of_the_evaluation() {
    // Given the clean project not exited yet
    let mut evidence = Scenario::clean().evidence();
    evidence
        .fund
        .retain(|(r, _)| r.event_type != "ExitRecorded");
    let policy = ExemptionPolicy::default();
    let reports = |as_of: &str| {
        let outcomes = evaluate(&evidence, &policy, d(as_of));
        of(&outcomes, Condition::ReportsOnSchedule).clone()
    };
    // Then six months after the last report it is still on time, a day later it is not
    assert!(reports("2026-01-20").passed);
    let late = reports("2026-01-21");
    assert!(!late.passed);
    assert_eq!(
        late.reason,
        "no report since 2025-07-20: one was due by 2026-01-20, before 2026-01-21"
    );
}

#[test]
fn an_exit_trigger_with_no_plan_in_time_fails_the_condition() {
    // Given the going-concern trigger of 2025-07-20 answered only on 2025-12-01
    let evidence = Scenario {
        exit_plan: "2025-12-01",
        exit: "2026-01-15",
        ..Scenario::clean()
    }
    .evidence();
    // Then only the triggers fail, citing the trigger and the late plan
    let outcomes = evaluate(&evidence, &ExemptionPolicy::default(), d("2026-02-01"));
    let reason = only_fails(&outcomes, Condition::TriggersActedOn);
    assert_eq!(
        reason,
        "the trigger of Art. 16(6) raised on 2025-07-20 had no exit plan by 2025-10-18: the first was opened on 2025-12-01"
    );
    let triggers = of(&outcomes, Condition::TriggersActedOn);
    assert_eq!(cited(triggers), ["ExitTriggerRaised", "ResolutionOpened"]);
}

#[test]
fn a_trigger_is_not_a_breach_until_its_time_runs_out() {
    // Given no exit plan at all and no exit
    let mut evidence = Scenario::clean().evidence();
    evidence.exit_plans.clear();
    evidence
        .fund
        .retain(|(r, _)| r.event_type != "ExitRecorded");
    let triggers = |as_of: &str| {
        let outcomes = evaluate(&evidence, &ExemptionPolicy::default(), d(as_of));
        of(&outcomes, Condition::TriggersActedOn).clone()
    };
    // Then on the 90th day it is pending, on the 91st it failed
    assert!(triggers("2025-10-18").passed);
    assert_eq!(
        triggers("2025-10-19").reason,
        "the trigger of Art. 16(6) raised on 2025-07-20 had no exit plan by 2025-10-18"
    );
}

#[test]
fn a_policy_tightened_after_the_decision_does_not_turn_it_into_a_breach() {
    // Given the clean project, and a policy tightened later to 2,000,000 and 5% that the
    // proposal would break today
    let mut evidence = Scenario::clean().evidence();
    let before = outcomes(&evidence);
    let tightened = InvestmentPolicy {
        per_project_max: yuan(2_000_000),
        max_stake: "0.05".parse().unwrap(),
        ..InvestmentPolicy::default()
    };
    let proposal = super::scenario::proposal();
    assert!(investment::check_proposal(&tightened, &proposal).is_err());
    // The fund's stream records no policy amendment: its policy as read now is swapped in
    for (_, e) in &mut evidence.fund {
        if let FundEvent::FundEstablished { terms, .. } = e {
            terms.policy.investment = tightened.clone();
        }
    }
    // Then the limits are judged by the check recorded at the decision: still compliant
    let after = outcomes(&evidence);
    assert_eq!(after, before);
    assert!(of(&after, Condition::WithinLimits).passed);
}

#[test]
fn the_limits_are_the_recorded_check_a_higher_approval_lifts_the_amount() {
    let tightened = InvestmentPolicy {
        per_project_max: yuan(2_000_000),
        ..InvestmentPolicy::default()
    };
    let mut approved = super::scenario::proposal();
    approved.higher_approval_ref = Some("昆国资委投决〔2024〕7号".into());
    let limits_of = |proposal: &investment::Proposal| {
        let mut evidence = Scenario::clean().evidence();
        for (_, e) in &mut evidence.project {
            if let ProjectEvent::InvestmentProposed { limits, .. } = e {
                *limits = investment::evaluate(&tightened, proposal);
            }
        }
        of(&outcomes(&evidence), Condition::WithinLimits).clone()
    };
    // A check recorded above the limit without approval fails
    let failed = limits_of(&super::scenario::proposal());
    assert!(!failed.passed);
    assert!(failed
        .reason
        .contains("exceeds the per-project limit of 2000000.00"));
    // With the higher approval recorded it passes, naming it
    let lifted = limits_of(&approved);
    assert!(lifted.passed, "{}", lifted.reason);
    assert!(lifted.reason.ends_with(
        "above the per-project limit of 2000000.00, approved by 昆国资委投决〔2024〕7号"
    ));
}

#[test]
fn a_resolution_with_three_approvals_fails_the_committee_condition() {
    // Given the fourth approval taken out of the resolution's stream
    let mut evidence = Scenario::clean().evidence();
    let last_vote = (evidence.resolution.iter())
        .rposition(|(_, e)| matches!(e, ResolutionEvent::VoteCast { .. }))
        .unwrap();
    evidence.resolution.remove(last_vote);
    let reason = only_fails(&outcomes(&evidence), Condition::CommitteeApproved);
    assert_eq!(
        reason,
        "3 approvals, 4 needed (Art. 14); the tally records 4 approvals, the votes 3"
    );
}

#[test]
fn without_an_approving_decision_the_decision_conditions_fail() {
    let mut evidence = Scenario::clean().evidence();
    evidence
        .project
        .retain(|(r, _)| r.event_type != "DecisionRecorded");
    let outcomes = outcomes(&evidence);
    for condition in [
        Condition::DueDiligenceBeforeDecision,
        Condition::CommitteeApproved,
        Condition::WithinLimits,
        Condition::InvestmentPeriod,
    ] {
        let o = of(&outcomes, condition);
        assert!(!o.passed);
        assert_eq!(
            o.reason,
            "no approving investment decision is recorded on the project"
        );
    }
    assert!(of(&outcomes, Condition::EligibilityPassed).passed);
}
