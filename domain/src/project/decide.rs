//! The rules of each project command, and the fold of its events.

use super::{
    Agreement, DecisionFacts, DueDiligenceKind, Project, ProjectCommand, ProjectError,
    ProjectEvent, ResearchOutcome, Stage, Status,
};
use crate::committee::{Mode, Status as ResolutionStatus};
use crate::fund::phases::Phase;
use crate::investment::{self, matching};
use crate::Money;
use chrono::NaiveDate;

type Decided = Result<Vec<ProjectEvent>, ProjectError>;

/// The longest name, reference, note or reason, in characters.
const MAX_TEXT: usize = 2000;

pub(super) fn text(value: &str, what: &'static str) -> Result<String, ProjectError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TEXT {
        return Err(ProjectError::InvalidText(what));
    }
    Ok(value.to_owned())
}

/// The project, active, at `stage`, with `on` not before the application.
pub(super) fn at(p: &Project, stage: Stage, on: NaiveDate) -> Result<(), ProjectError> {
    let actual = p.stage.ok_or(ProjectError::NotFound)?;
    if p.status != Some(Status::Active) {
        return Err(ProjectError::Closed);
    }
    if actual != stage {
        return Err(ProjectError::StageOutOfOrder {
            expected: stage.as_str(),
            actual: actual.as_str(),
        });
    }
    if p.applied_on.is_some_and(|applied| on < applied) {
        return Err(ProjectError::DateBeforeApplication);
    }
    if let Some(previous) = p.last_on.filter(|previous| on < *previous) {
        return Err(ProjectError::DateBeforePreviousStep { previous });
    }
    Ok(())
}

/// Dispatches a command to its rule.
pub fn decide(p: &Project, command: &ProjectCommand) -> Decided {
    match command {
        ProjectCommand::Apply {
            project_id,
            fund_id,
            company,
            facts,
            applied_on,
        } => {
            if p.stage.is_some() {
                return Err(ProjectError::AlreadyApplied);
            }
            Ok(vec![ProjectEvent::ProjectApplied {
                project_id: *project_id,
                fund_id: *fund_id,
                company: text(company, "company name")?,
                facts: facts.clone(),
                applied_on: *applied_on,
            }])
        }
        ProjectCommand::ApplySubFund {
            project_id,
            fund_id,
            sub_fund,
            applied_on,
        } => super::sub_fund::apply(p, *project_id, *fund_id, sub_fund, *applied_on),
        ProjectCommand::ReviewQualification { reviewed_on, .. } if p.is_sub_fund() => {
            super::sub_fund::review(p, *reviewed_on)
        }
        ProjectCommand::ReviewQualification {
            policy,
            reviewed_on,
        } => {
            at(p, Stage::Application, *reviewed_on)?;
            let (Some(facts), Some(applied_on)) = (&p.facts, p.applied_on) else {
                return Err(ProjectError::NotFound);
            };
            let eligibility = crate::eligibility::evaluate(policy, facts, applied_on);
            let failed: Vec<String> = eligibility
                .failed()
                .map(|c| format!("{} ({})", c.code, c.rule))
                .collect();
            let mut events = vec![ProjectEvent::QualificationReviewed {
                eligibility,
                on: *reviewed_on,
            }];
            if !failed.is_empty() {
                events.push(ProjectEvent::ProjectRejected {
                    stage: Stage::Application,
                    reason: format!("not eligible: {}", failed.join(", ")),
                    on: *reviewed_on,
                });
            }
            Ok(events)
        }
        ProjectCommand::CompleteResearch { outcome, note, on } => {
            at(p, Stage::Research, *on)?;
            Ok(vec![ProjectEvent::ResearchCompleted {
                outcome: *outcome,
                note: text(note, "note")?,
                on: *on,
            }])
        }
        ProjectCommand::Establish {
            partner_opinion_ref,
            on,
        } => {
            at(p, Stage::Establishment, *on)?;
            Ok(vec![ProjectEvent::ProjectEstablished {
                partner_opinion_ref: text(partner_opinion_ref, "partner opinion reference")?,
                on: *on,
            }])
        }
        ProjectCommand::RecordDueDiligence {
            kind,
            provider,
            document_ref,
            on,
        } => {
            at(p, Stage::DueDiligence, *on)?;
            Ok(vec![ProjectEvent::DueDiligenceRecorded {
                kind: *kind,
                provider: text(provider, "provider")?,
                document_ref: text(document_ref, "document reference")?,
                on: *on,
            }])
        }
        ProjectCommand::Propose {
            proposal,
            price,
            policy,
            phase,
            on,
        } => {
            at(p, Stage::DueDiligence, *on)?;
            super::sub_fund::expect_target(p, false)?;
            if let Some(missing) = DueDiligenceKind::ALL
                .into_iter()
                .find(|k| !p.due_diligence.contains(k))
            {
                return Err(ProjectError::DueDiligenceIncomplete(missing));
            }
            if *phase != Some(Phase::Investment) {
                return Err(ProjectError::OutsideInvestmentPeriod);
            }
            if *price <= rust_decimal::Decimal::ZERO {
                return Err(ProjectError::NonPositivePrice);
            }
            let limits =
                investment::check_proposal(policy, proposal).map_err(ProjectError::Limit)?;
            // The industry checked is the company's, as applied.
            let application = p.facts.as_ref().map(|f| f.industry.trim()).unwrap_or("");
            if proposal.industry.trim() != application {
                return Err(ProjectError::IndustryMismatch {
                    application: application.to_owned(),
                });
            }
            Ok(vec![ProjectEvent::InvestmentProposed {
                proposal: proposal.clone(),
                price: *price,
                limits,
                on: *on,
            }])
        }
        ProjectCommand::ProposeCommitment {
            commitment,
            return_terms,
            guidance,
            prohibited_industries,
            phase,
            on,
        } => super::sub_fund::propose(
            p,
            &super::sub_fund::CommitmentProposal {
                commitment: *commitment,
                return_terms,
                guidance,
                prohibited_industries,
                phase: *phase,
                on: *on,
            },
        ),
        ProjectCommand::RecordDecision {
            decision,
            written_vote_max,
            on,
        } => record_decision(p, decision, *written_vote_max, *on),
        ProjectCommand::SignAgreement {
            commitment,
            registered_capital,
            other_shareholders,
            signed_on,
        } => {
            at(p, Stage::Implementation, *signed_on)?;
            let decided = p.proposed_amount();
            if *commitment != decided {
                return Err(ProjectError::CommitmentMismatch { decided });
            }
            super::sub_fund::check_size(p, *registered_capital)?;
            // The commitment against the registered capital is checked now, once.
            matching::due(*commitment, *registered_capital, Money::ZERO, Money::ZERO)
                .map_err(ProjectError::Matching)?;
            let others = other_shareholders
                .iter()
                .map(|s| text(s, "shareholder name"))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(vec![ProjectEvent::AgreementSigned {
                commitment: *commitment,
                registered_capital: *registered_capital,
                other_shareholders: others,
                signed_on: *signed_on,
            }])
        }
        ProjectCommand::ReportPaidIn { paid_in, on } => {
            at(p, Stage::PostInvestment, *on)?;
            let Some(agreement) = &p.agreement else {
                return Err(ProjectError::NotFound);
            };
            if *paid_in < p.company_paid_in {
                return Err(ProjectError::PaidInDecreased {
                    last: p.company_paid_in,
                });
            }
            let due = matching::due(
                agreement.commitment,
                agreement.registered_capital,
                *paid_in,
                Money::ZERO,
            )
            .map_err(ProjectError::Matching)?;
            Ok(vec![ProjectEvent::PaidInReported {
                paid_in: *paid_in,
                required_cumulative: due.required_cumulative,
                on: *on,
            }])
        }
        ProjectCommand::ReportPostInvestment { report, on } => super::post::report(p, report, *on),
        ProjectCommand::ReportSubFundInvestment {
            company,
            city,
            amount,
            fund_city,
            on,
        } => super::sub_fund::report_investment(p, company, city, *amount, fund_city, *on),
        ProjectCommand::RecordTrigger { trigger, note, on } => {
            super::post::record_trigger(p, *trigger, note, *on)
        }
        ProjectCommand::RecordSupervisoryAction { action, reason, on } => {
            at(p, Stage::PostInvestment, *on)?;
            Ok(vec![ProjectEvent::SupervisoryActionRecorded {
                action: *action,
                reason: text(reason, "reason")?,
                on: *on,
            }])
        }
        ProjectCommand::Reject { reason, on } => close(p, reason, *on, true),
        ProjectCommand::Withdraw { reason, on } => close(p, reason, *on, false),
    }
}

fn record_decision(
    p: &Project,
    decision: &DecisionFacts,
    written_vote_max: Money,
    on: NaiveDate,
) -> Decided {
    at(p, Stage::Decision, on)?;
    let proposed = p.proposed_amount();
    let ours = p.fund == Some(decision.fund)
        && (p.facts.is_some() || p.sub_fund.is_some())
        && decision.kind == crate::committee::SubjectKind::Investment
        && decision.reference.trim() == project_reference(p);
    if !ours {
        return Err(ProjectError::NotThisProjectsResolution);
    }
    if decision.amount != proposed {
        return Err(ProjectError::AmountMismatch {
            decided: decision.amount,
            proposed,
        });
    }
    if decision.mode == Mode::Written && proposed > written_vote_max {
        return Err(ProjectError::OnSiteMeetingRequired {
            limit: written_vote_max,
        });
    }
    let approved = match decision.status {
        ResolutionStatus::Open => return Err(ProjectError::ResolutionUndecided),
        ResolutionStatus::Passed => true,
        ResolutionStatus::Failed | ResolutionStatus::Lapsed => false,
    };
    let mut events = vec![ProjectEvent::DecisionRecorded {
        resolution_id: decision.resolution_id,
        approved,
        on,
    }];
    if !approved {
        events.push(ProjectEvent::ProjectRejected {
            stage: Stage::Decision,
            reason: format!(
                "the committee did not approve ({})",
                decision.status.as_str()
            ),
            on,
        });
    }
    Ok(events)
}

/// What a resolution on this project names as its reference: the project's id.
pub fn project_reference(p: &Project) -> String {
    p.id.map(|id| id.0.to_string()).unwrap_or_default()
}

fn close(p: &Project, reason: &str, on: NaiveDate, rejected: bool) -> Decided {
    let stage = p.stage.ok_or(ProjectError::NotFound)?;
    at(p, stage, on)?;
    let reason = text(reason, "reason")?;
    Ok(vec![if rejected {
        ProjectEvent::ProjectRejected { stage, reason, on }
    } else {
        ProjectEvent::ProjectWithdrawn { stage, reason, on }
    }])
}

/// Folds an event into the state.
pub fn evolve(p: &mut Project, event: &ProjectEvent) {
    if let Some(on) = crate::DomainEvent::effective_date(event) {
        p.last_on = Some(p.last_on.map_or(on, |last| last.max(on)));
    }
    match event {
        ProjectEvent::ProjectApplied {
            project_id,
            fund_id,
            company,
            facts,
            applied_on,
        } => {
            p.id = Some(*project_id);
            p.fund = Some(*fund_id);
            p.company = company.clone();
            p.facts = Some(facts.clone());
            p.applied_on = Some(*applied_on);
            p.stage = Some(Stage::Application);
            p.status = Some(Status::Active);
        }
        ProjectEvent::QualificationReviewed { eligibility, .. } => {
            p.eligibility = Some(eligibility.clone());
            if eligibility.passed {
                p.stage = Some(Stage::Research);
            }
        }
        ProjectEvent::ResearchCompleted { outcome, .. } => {
            if *outcome == ResearchOutcome::Shortlisted {
                p.stage = Some(Stage::Establishment);
            }
        }
        ProjectEvent::ProjectEstablished { .. } => p.stage = Some(Stage::DueDiligence),
        ProjectEvent::DueDiligenceRecorded { kind, .. } => {
            p.due_diligence.insert(*kind);
        }
        ProjectEvent::InvestmentProposed { proposal, .. } => {
            p.proposal = Some(proposal.clone());
            p.stage = Some(Stage::Decision);
        }
        ProjectEvent::DecisionRecorded { approved, .. } => {
            if *approved {
                p.stage = Some(Stage::Implementation);
            }
        }
        ProjectEvent::AgreementSigned {
            commitment,
            registered_capital,
            other_shareholders,
            signed_on,
        } => {
            p.agreement = Some(Agreement {
                commitment: *commitment,
                registered_capital: *registered_capital,
                other_shareholders: other_shareholders.clone(),
                signed_on: *signed_on,
            });
            p.stage = Some(Stage::PostInvestment);
        }
        ProjectEvent::PaidInReported {
            paid_in,
            required_cumulative,
            ..
        } => {
            p.company_paid_in = *paid_in;
            p.required_cumulative = *required_cumulative;
        }
        ProjectEvent::PostInvestmentReported { report, .. } => {
            p.latest_report = Some(report.clone());
        }
        ProjectEvent::ExitTriggerRaised { trigger, .. } => {
            p.triggers.insert(*trigger);
        }
        ProjectEvent::SupervisoryActionRecorded { .. } => {}
        ProjectEvent::SubFundApplied { .. }
        | ProjectEvent::SubFundReviewed { .. }
        | ProjectEvent::CommitmentProposed { .. }
        | ProjectEvent::SubFundInvestmentReported { .. } => super::sub_fund::evolve(p, event),
        ProjectEvent::ProjectRejected { stage, .. } => {
            p.status = Some(Status::Rejected { stage: *stage });
        }
        ProjectEvent::ProjectWithdrawn { stage, .. } => {
            p.status = Some(Status::Withdrawn { stage: *stage });
        }
    }
}
