//! The rules of a guidance fund's commitment to a sub-fund (SPEC §10) in the project pipeline:
//! the application, the qualification review of the sub-fund's facts, the proposal of the
//! commitment, and the sub-fund's portfolio investments after it. The other steps are those of
//! a direct investment (`decide.rs`).

use super::decide::{at, text};
use super::{DueDiligenceKind, Project, ProjectError, ProjectEvent, Stage, Status};
use crate::fund::phases::Phase;
use crate::fund::policy::GuidancePolicy;
use crate::guidance::{self, ReturnTerms, SubFundFacts};
use crate::investment::limits::normalize;
use crate::{FundId, Money, ProjectId};
use chrono::NaiveDate;

type Decided = Result<Vec<ProjectEvent>, ProjectError>;

/// What a project's target is, as [`ProjectError::WrongTarget`] names it.
fn target(p: &Project) -> &'static str {
    if p.is_sub_fund() {
        "sub-fund"
    } else {
        "company"
    }
}

/// Refuses a command meant for a sub-fund on a company's project, or the reverse.
pub(super) fn expect_target(p: &Project, sub_fund: bool) -> Result<(), ProjectError> {
    if p.is_sub_fund() != sub_fund {
        return Err(ProjectError::WrongTarget {
            expected: if sub_fund { "sub-fund" } else { "company" },
            actual: target(p),
        });
    }
    Ok(())
}

/// `ApplySubFund`: the project is created with the sub-fund's facts, its name trimmed.
pub(super) fn apply(
    p: &Project,
    project_id: ProjectId,
    fund_id: FundId,
    sub_fund: &SubFundFacts,
    applied_on: NaiveDate,
) -> Decided {
    if p.stage.is_some() {
        return Err(ProjectError::AlreadyApplied);
    }
    Ok(vec![ProjectEvent::SubFundApplied {
        project_id,
        fund_id,
        sub_fund: SubFundFacts {
            name: text(&sub_fund.name, "sub-fund name")?,
            ..sub_fund.clone()
        },
        applied_on,
    }])
}

/// `ReviewQualification` of a sub-fund: its facts must hold together; if not, the project is
/// rejected naming the problem.
pub(super) fn review(p: &Project, on: NaiveDate) -> Decided {
    at(p, Stage::Application, on)?;
    let Some(facts) = &p.sub_fund else {
        return Err(ProjectError::NotFound);
    };
    let check = guidance::check_facts(facts, Money::ZERO);
    let problem = check.check.violation();
    let mut events = vec![ProjectEvent::SubFundReviewed {
        check,
        passed: problem.is_none(),
        on,
    }];
    if let Some(problem) = problem {
        events.push(ProjectEvent::ProjectRejected {
            stage: Stage::Application,
            reason: format!("not eligible: {problem}"),
            on,
        });
    }
    Ok(events)
}

/// What `ProposeCommitment` carries.
pub(super) struct CommitmentProposal<'a> {
    pub commitment: Money,
    pub return_terms: &'a ReturnTerms,
    pub guidance: &'a GuidancePolicy,
    pub prohibited_industries: &'a [String],
    pub phase: Option<Phase>,
    pub on: NaiveDate,
}

/// `ProposeCommitment`: at due diligence with every report in, in the investment period, with
/// no guarantee, within the guidance limits.
pub(super) fn propose(p: &Project, c: &CommitmentProposal<'_>) -> Decided {
    at(p, Stage::DueDiligence, c.on)?;
    expect_target(p, true)?;
    if let Some(missing) = DueDiligenceKind::ALL
        .into_iter()
        .find(|k| !p.due_diligence.contains(k))
    {
        return Err(ProjectError::DueDiligenceIncomplete(missing));
    }
    if c.phase != Some(Phase::Investment) {
        return Err(ProjectError::OutsideInvestmentPeriod);
    }
    guidance::check_return_terms(c.return_terms).map_err(ProjectError::Commitment)?;
    let Some(facts) = &p.sub_fund else {
        return Err(ProjectError::NotFound);
    };
    let check =
        guidance::check_commitment(c.guidance, c.prohibited_industries, facts, c.commitment)
            .map_err(ProjectError::Commitment)?;
    Ok(vec![ProjectEvent::CommitmentProposed {
        commitment: c.commitment,
        check,
        on: c.on,
    }])
}

/// `SignAgreement` on a sub-fund: on the size reviewed and checked.
pub(super) fn check_size(p: &Project, registered_capital: Money) -> Result<(), ProjectError> {
    match &p.sub_fund {
        Some(facts) if facts.size != registered_capital => {
            Err(ProjectError::SubFundSizeMismatch { size: facts.size })
        }
        _ => Ok(()),
    }
}

/// `ReportSubFundInvestment`: a positive amount in a named company and city; local when the
/// city is the guidance fund's (ignoring case and whitespace).
pub(super) fn report_investment(
    p: &Project,
    company: &str,
    city: &str,
    amount: Money,
    fund_city: &str,
    on: NaiveDate,
) -> Decided {
    at(p, Stage::PostInvestment, on)?;
    expect_target(p, true)?;
    let company = text(company, "company name")?;
    let city = text(city, "city")?;
    let fund_city = text(fund_city, "fund city")?;
    if !amount.is_positive() {
        return Err(ProjectError::NonPositiveAmount);
    }
    let local = normalize(&city) == normalize(&fund_city);
    Ok(vec![ProjectEvent::SubFundInvestmentReported {
        company,
        city,
        amount,
        local,
        on,
    }])
}

/// Folds the events of sub-fund projects.
pub(super) fn evolve(p: &mut Project, event: &ProjectEvent) {
    match event {
        ProjectEvent::SubFundApplied {
            project_id,
            fund_id,
            sub_fund,
            applied_on,
        } => {
            p.id = Some(*project_id);
            p.fund = Some(*fund_id);
            p.company = sub_fund.name.clone();
            p.sub_fund = Some(sub_fund.clone());
            p.applied_on = Some(*applied_on);
            p.stage = Some(Stage::Application);
            p.status = Some(Status::Active);
        }
        ProjectEvent::SubFundReviewed { check, passed, .. } => {
            p.sub_fund_review = Some(check.clone());
            if *passed {
                p.stage = Some(Stage::Research);
            }
        }
        ProjectEvent::CommitmentProposed {
            commitment, check, ..
        } => {
            p.proposed_commitment = Some(*commitment);
            p.commitment_check = Some(check.clone());
            p.stage = Some(Stage::Decision);
        }
        ProjectEvent::SubFundInvestmentReported { amount, local, .. } => {
            p.sub_fund_invested = p.sub_fund_invested + *amount;
            if *local {
                p.sub_fund_invested_locally = p.sub_fund_invested_locally + *amount;
            }
        }
        _ => {}
    }
}
