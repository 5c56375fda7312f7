//! The project's invariants, checked after every step of [`super::project`]:
//! - the stage only moves forward, one stage at a time; once rejected or withdrawn (at the
//!   stage it stands at) nothing changes any more;
//! - every step is dated on or after the application and the previous step;
//! - a company's project has no sub-fund records and the reverse;
//! - past the application the qualification passed; at the decision the four due-diligence
//!   reports are in and one positive amount is proposed (only in the investment period);
//!   past the decision a resolution on this project, with the proposed amount and a mode its
//!   amount allows, passed;
//! - post-investment exactly when an agreement is signed, on the decided commitment (and a
//!   sub-fund's size); the company's paid-in never decreases and stays within the registered
//!   capital; the fund's required payment is the matching rule's (Art. 11), never above the
//!   commitment, never decreasing;
//! - exit triggers are raised once each, only after the agreement, manual ones only for the
//!   manual clauses; local reinvestment ≤ all reinvestment.

use domain::committee::{Mode, Status as ResolutionStatus};
use domain::fund::phases::Phase;
use domain::investment::{matching, Outcome};
use domain::project::{DueDiligenceKind, Project, ProjectCommand, ProjectEvent, Stage, Status};
use domain::{DomainEvent as _, Money};

/// Checks the step from `before` to `after` by `command`, which recorded `new`; `log` is
/// every event so far.
pub fn step(
    before: &Project,
    after: &Project,
    command: &ProjectCommand,
    new: &[ProjectEvent],
    log: &[ProjectEvent],
) {
    if before.status.as_ref().is_some_and(|s| *s != Status::Active) {
        assert_eq!(before, after, "a closed project changed");
    }
    assert!(before.stage <= after.stage, "the stage went back");
    if let (Some(from), Some(to)) = (before.stage, after.stage) {
        assert!(to as u8 <= from as u8 + 1, "a stage skipped");
    }
    assert!(before.triggers.is_subset(&after.triggers));
    assert!(
        before.company_paid_in <= after.company_paid_in,
        "paid-in decreased"
    );
    assert!(
        before.required_cumulative <= after.required_cumulative,
        "required payment decreased"
    );
    for event in new {
        let on = event
            .effective_date()
            .expect("every project event is dated");
        assert!(
            before.last_on.is_none_or(|last| on >= last),
            "{event:?} dated before the previous step"
        );
        assert!(
            after.applied_on.is_some_and(|applied| on >= applied),
            "{event:?} dated before the application"
        );
        event_rules(before, command, event);
    }
    state(after, log);
}

fn event_rules(before: &Project, command: &ProjectCommand, event: &ProjectEvent) {
    match (event, command) {
        (ProjectEvent::InvestmentProposed { .. }, ProjectCommand::Propose { phase, .. })
        | (
            ProjectEvent::CommitmentProposed { .. },
            ProjectCommand::ProposeCommitment { phase, .. },
        ) => {
            assert_eq!(
                *phase,
                Some(Phase::Investment),
                "proposed outside the investment period"
            );
        }
        (
            ProjectEvent::DecisionRecorded { approved, .. },
            ProjectCommand::RecordDecision {
                decision,
                written_vote_max,
                ..
            },
        ) => {
            assert_ne!(
                decision.status,
                ResolutionStatus::Open,
                "an open resolution recorded as a decision"
            );
            assert_eq!(*approved, decision.status == ResolutionStatus::Passed);
            assert_eq!(decision.amount, before.proposed_amount());
            assert_eq!(before.fund, Some(decision.fund));
            assert!(decision.mode == Mode::OnSite || decision.amount <= *written_vote_max);
        }
        (
            ProjectEvent::ExitTriggerRaised {
                trigger, detected, ..
            },
            _,
        ) => {
            assert!(
                !before.triggers.contains(trigger),
                "{trigger:?} raised twice"
            );
            assert_eq!(*detected, trigger.is_detected());
        }
        _ => {}
    }
}

fn state(p: &Project, log: &[ProjectEvent]) {
    let Some(stage) = p.stage else {
        assert_eq!(*p, Project::default());
        return;
    };
    assert!(p.id.is_some() && p.fund.is_some() && p.applied_on.is_some());
    match &p.status {
        Some(Status::Rejected { stage: at } | Status::Withdrawn { stage: at }) => {
            assert_eq!(*at, stage)
        }
        Some(Status::Active) => {}
        None => panic!("applied without a status"),
    }
    if p.is_sub_fund() {
        assert!(
            p.facts.is_none()
                && p.eligibility.is_none()
                && p.proposal.is_none()
                && p.latest_report.is_none()
        );
    } else {
        assert!(
            p.sub_fund_review.is_none()
                && p.proposed_commitment.is_none()
                && p.commitment_check.is_none()
        );
        assert_eq!(p.sub_fund_invested, Money::ZERO);
    }
    if stage > Stage::Application {
        let passed = match (&p.eligibility, &p.sub_fund_review) {
            (Some(e), None) => e.passed,
            (None, Some(r)) => r.outcome == Outcome::Pass,
            other => panic!("past the application without one review: {other:?}"),
        };
        assert!(passed, "past the application without qualifying");
    }
    if stage >= Stage::Decision {
        assert!(
            DueDiligenceKind::ALL
                .iter()
                .all(|k| p.due_diligence.contains(k)),
            "decided without due diligence"
        );
        assert!(p.proposal.is_some() != p.proposed_commitment.is_some());
        assert!(p.proposed_amount().is_positive());
    }
    if stage >= Stage::Implementation {
        let approved = log
            .iter()
            .any(|e| matches!(e, ProjectEvent::DecisionRecorded { approved: true, .. }));
        assert!(approved, "implemented without the committee's approval");
    }
    assert_eq!(p.agreement.is_some(), stage == Stage::PostInvestment);
    match &p.agreement {
        Some(a) => {
            assert_eq!(
                a.commitment,
                p.proposed_amount(),
                "signed another commitment than decided"
            );
            if let Some(f) = &p.sub_fund {
                assert_eq!(a.registered_capital, f.size);
            }
            assert!(Money::ZERO <= p.company_paid_in && p.company_paid_in <= a.registered_capital);
            let due = matching::due(
                a.commitment,
                a.registered_capital,
                p.company_paid_in,
                Money::ZERO,
            )
            .expect("the agreement's figures are valid");
            assert_eq!(p.required_cumulative, due.required_cumulative);
            assert!(p.required_cumulative <= a.commitment);
        }
        None => assert_eq!(
            (p.company_paid_in, p.required_cumulative),
            (Money::ZERO, Money::ZERO)
        ),
    }
    assert!(p.triggers.is_empty() || stage == Stage::PostInvestment);
    assert!(
        Money::ZERO <= p.sub_fund_invested_locally
            && p.sub_fund_invested_locally <= p.sub_fund_invested
    );
    assert!(p.last_on >= p.applied_on);
}
