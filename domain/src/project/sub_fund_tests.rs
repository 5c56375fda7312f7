//! Given/when/then tests of a guidance fund's commitment to a sub-fund in the pipeline
//! (SPEC §10): from the application to the paid-in reports following the sub-fund's calls
//! (SPEC §2), the review of its facts, the guidance limits and the refusal of guarantees at the
//! proposal, and the agreement on the sub-fund's size. The fixtures are shared with
//! `sub_fund_post_tests.rs` (after the agreement).

use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::committee::{Mode, Status as ResolutionStatus};
use crate::fund::phases::Phase;
use crate::fund::policy::GuidancePolicy;
use crate::guidance::{CommitmentError, ReturnTerms, SubFundLp};
use crate::investment::Outcome;

/// The guidance fund's commitment: 20% of the sub-fund.
pub(super) const COMMITMENT: i64 = 20_000_000;
/// The sub-fund's size.
pub(super) const SIZE: i64 = 100_000_000;

/// A sub-fund of 100,000,000 in 集成电路 whose other LPs commit 30,000,000 (the largest),
/// 25,000,000 and 24,000,000.
pub(super) fn sub_fund() -> SubFundFacts {
    let lp = |name: &str, y| SubFundLp {
        name: name.into(),
        commitment: yuan(y),
    };
    SubFundFacts {
        name: "昆山集成电路产业子基金".into(),
        manager: "昆山芯创投资管理有限公司".into(),
        size: yuan(SIZE),
        term_years: 7,
        focus: "集成电路".into(),
        other_lps: vec![
            lp("昆山国创投资集团", 30_000_000),
            lp("芯创管理团队跟投平台", 25_000_000),
            lp("苏州产业投资基金", 24_000_000),
        ],
    }
}

pub(super) fn apply_sub_fund(facts: SubFundFacts) -> ProjectCommand {
    ProjectCommand::ApplySubFund {
        project_id: PROJECT,
        fund_id: FUND,
        sub_fund: facts,
        applied_on: d(APPLIED),
    }
}

/// `commitment` with `terms` under `guidance`, prohibiting 钢铁冶炼, in the investment period.
pub(super) fn propose_commitment_with(
    commitment: Money,
    terms: ReturnTerms,
    guidance: GuidancePolicy,
) -> ProjectCommand {
    ProjectCommand::ProposeCommitment {
        commitment,
        return_terms: terms,
        guidance,
        prohibited_industries: vec!["钢铁冶炼".into()],
        phase: Some(Phase::Investment),
        on: d(PROPOSED),
    }
}

pub(super) fn propose_commitment(commitment: Money) -> ProjectCommand {
    propose_commitment_with(
        commitment,
        ReturnTerms::default(),
        GuidancePolicy::default(),
    )
}

/// The committee passed 20,000,000 on site.
pub(super) fn decided() -> ProjectCommand {
    decided_for(yuan(COMMITMENT))
}

/// The committee passed `amount` on site.
fn decided_for(amount: Money) -> ProjectCommand {
    record(DecisionFacts {
        amount,
        ..resolution(ResolutionStatus::Passed, Mode::OnSite)
    })
}

/// The partnership agreement for 20,000,000 on `size` with the other LPs.
pub(super) fn sign_on(size: Money) -> ProjectCommand {
    sign_for(yuan(COMMITMENT), size)
}

/// The partnership agreement for `commitment` on `size` with the other LPs.
fn sign_for(commitment: Money, size: Money) -> ProjectCommand {
    ProjectCommand::SignAgreement {
        commitment,
        registered_capital: size,
        other_shareholders: sub_fund().other_lps.into_iter().map(|lp| lp.name).collect(),
        signed_on: d(SIGNED),
    }
}

/// A sub-fund project of `facts` at due diligence, every report in.
pub(super) fn at_due_diligence(facts: SubFundFacts) -> Vec<ProjectEvent> {
    let mut commands = vec![
        apply_sub_fund(facts),
        review(eligibility_policy()),
        research(ResearchOutcome::Shortlisted),
        establish(),
    ];
    commands.extend(DueDiligenceKind::ALL.map(due_diligence));
    after(&[], &commands)
}

/// The sub-fund project with its agreement signed.
pub(super) fn signed() -> Vec<ProjectEvent> {
    let commands = [
        propose_commitment(yuan(COMMITMENT)),
        decided(),
        sign_on(yuan(SIZE)),
    ];
    after(&at_due_diligence(sub_fund()), &commands)
}

fn required(events: &[ProjectEvent]) -> Money {
    match events {
        [ProjectEvent::PaidInReported {
            required_cumulative,
            ..
        }] => *required_cumulative,
        other => panic!("not a paid-in report: {other:?}"),
    }
}

#[test]
fn a_sub_fund_project_goes_from_the_application_to_paid_in_reports() {
    // Given the sub-fund applied and reviewed: its facts hold together, it is in the pool.
    let reviewed = after(
        &[],
        &[apply_sub_fund(sub_fund()), review(eligibility_policy())],
    );
    let p = Project::replay(&reviewed);
    assert_eq!(p.company, "昆山集成电路产业子基金");
    assert_eq!((p.stage, p.is_sub_fund()), (Some(Stage::Research), true));
    assert!(matches!(
        reviewed[1],
        ProjectEvent::SubFundReviewed { passed: true, .. }
    ));
    // When 20,000,000 is proposed at due diligence: every check passes and it is recorded.
    let history = at_due_diligence(sub_fund());
    let proposed = given::<Project>(&history)
        .when(&propose_commitment(yuan(COMMITMENT)))
        .unwrap();
    let [ProjectEvent::CommitmentProposed {
        commitment, check, ..
    }] = proposed.as_slice()
    else {
        panic!("not a commitment: {proposed:?}");
    };
    assert_eq!(*commitment, yuan(COMMITMENT));
    assert_eq!(check.checks.len(), 5);
    assert!(check.checks.iter().all(|c| c.outcome == Outcome::Pass));
    // Then the committee decides it and the agreement is signed on the sub-fund's size.
    let history = signed();
    let p = Project::replay(&history);
    assert_eq!(p.stage, Some(Stage::PostInvestment));
    assert_eq!(p.proposed_amount(), yuan(COMMITMENT));
    let agreement = p.agreement.unwrap();
    assert_eq!(agreement.registered_capital, yuan(SIZE));
    // And as the sub-fund calls 30%, 55%, then 100%, the guidance fund must have paid
    // 6,000,000, 11,000,000, then 20,000,000 (SPEC §2).
    let mut history = history;
    let calls = [
        (30_000_000, "2024-09-01", 6_000_000),
        (55_000_000, "2025-03-01", 11_000_000),
        (100_000_000, "2025-09-01", 20_000_000),
    ];
    for (called, on, due) in calls {
        let events = given::<Project>(&history)
            .when(&report(yuan(called), on))
            .unwrap();
        assert_eq!(required(&events), yuan(due), "called {called}");
        history.extend(events);
    }
    assert_eq!(
        Project::replay(&history).required_cumulative,
        yuan(COMMITMENT)
    );
}

#[test]
fn a_commitment_that_does_not_divide_evenly_is_paid_to_the_fen_as_the_sub_fund_calls() {
    // Given 13,333,333.33 committed to the sub-fund of 100,000,000:
    let commitment = money("13333333.33");
    let commands = [
        propose_commitment(commitment),
        decided_for(commitment),
        sign_for(commitment, yuan(SIZE)),
    ];
    let mut history = after(&at_due_diligence(sub_fund()), &commands);
    // When it calls 30% (3,999,999.999 → 4,000,000.00), 55% (7,333,333.3315 → .33), 100%:
    let calls = [
        (30_000_000, "2024-09-01", "4000000.00"),
        (55_000_000, "2025-03-01", "7333333.33"),
        (100_000_000, "2025-09-01", "13333333.33"),
    ];
    // Then the required payment is rounded cumulatively and ends at the commitment exactly.
    for (called, on, due) in calls {
        let events = given::<Project>(&history)
            .when(&report(yuan(called), on))
            .unwrap();
        assert_eq!(required(&events), money(due), "called {called}");
        history.extend(events);
    }
}

#[test]
fn inconsistent_sub_fund_facts_fail_the_review_and_reject_the_project() {
    // Given other LPs committing more than the size:
    let mut facts = sub_fund();
    facts.other_lps[0].commitment = yuan(60_000_000);
    let history = after(&[], &[apply_sub_fund(facts)]);
    // When reviewed: the review fails, and the project is rejected at the application.
    let events = given::<Project>(&history)
        .when(&review(eligibility_policy()))
        .unwrap();
    assert!(matches!(
        events.as_slice(),
        [
            ProjectEvent::SubFundReviewed { passed: false, .. },
            ProjectEvent::ProjectRejected {
                stage: Stage::Application,
                ..
            }
        ]
    ));
    let mut all = history;
    all.extend(events);
    let status = Project::replay(&all).status;
    assert_eq!(
        status,
        Some(Status::Rejected {
            stage: Stage::Application
        })
    );
}

/// The refusal of a commitment proposed on the sub-fund `facts`, with its code and rule.
fn commitment_refusal(
    facts: SubFundFacts,
    command: ProjectCommand,
) -> (CommitmentError, &'static str, Option<&'static str>) {
    match refusal(given::<Project>(&at_due_diligence(facts)).when(&command)) {
        (ProjectError::Commitment(e), code, rule) => (e, code, rule),
        (other, ..) => panic!("not a commitment refusal: {other:?}"),
    }
}

#[test]
fn each_guidance_limit_is_enforced_at_the_proposal_at_its_boundary() {
    // 20% + 0.01 of the sub-fund.
    let over = propose_commitment(money("20000000.01"));
    let (_, code, rule) = commitment_refusal(sub_fund(), over);
    assert_eq!((code, rule), ("sub_fund_share_exceeded", Some("SPEC §10")));
    // As much as the largest other LP (15,000,000, the others 10,000,000), then a fen less.
    let mut facts = sub_fund();
    facts.other_lps.truncate(2);
    facts.other_lps[0].commitment = yuan(15_000_000);
    facts.other_lps[1].commitment = yuan(10_000_000);
    let equal = propose_commitment(yuan(15_000_000));
    let (_, code, rule) = commitment_refusal(facts.clone(), equal);
    assert_eq!((code, rule), ("largest_lp", Some("SPEC §10")));
    let below = propose_commitment(money("14999999.99"));
    assert!(given::<Project>(&at_due_diligence(facts))
        .when(&below)
        .is_ok());
    // A prohibited focus.
    let steel = SubFundFacts {
        focus: "钢铁冶炼".into(),
        ..sub_fund()
    };
    let (_, code, rule) = commitment_refusal(steel, propose_commitment(yuan(10_000_000)));
    assert_eq!((code, rule), ("prohibited_industry", Some("Art. 20")));
}

#[test]
fn a_commitment_with_a_guarantee_is_refused() {
    let principal = ReturnTerms {
        principal_guarantee: true,
        minimum_return: None,
    };
    let minimum = ReturnTerms {
        principal_guarantee: false,
        minimum_return: Some(dec("0.08")),
    };
    for terms in [principal, minimum] {
        let command =
            propose_commitment_with(yuan(COMMITMENT), terms.clone(), GuidancePolicy::default());
        let (e, code, rule) = commitment_refusal(sub_fund(), command);
        assert_eq!(
            (code, rule),
            ("guarantee_prohibited", Some("SPEC §10; 财预〔2015〕210号"))
        );
        assert_eq!(
            e,
            CommitmentError::GuaranteeProhibited {
                principal_guarantee: terms.principal_guarantee,
                minimum_return: terms.minimum_return,
            }
        );
    }
}

#[test]
fn a_commitment_waits_for_the_due_diligence_and_the_investment_period() {
    let history = after(&at_due_diligence(sub_fund()), &[]);
    let mut command = propose_commitment(yuan(COMMITMENT));
    if let ProjectCommand::ProposeCommitment { phase, .. } = &mut command {
        *phase = Some(Phase::Exit);
    }
    let (err, code, _) = refusal(given::<Project>(&history).when(&command));
    assert_eq!(
        (err, code),
        (
            ProjectError::OutsideInvestmentPeriod,
            "outside_investment_period"
        )
    );
    // Without the expert review, the commitment waits.
    let partial: Vec<ProjectEvent> = history
        .into_iter()
        .filter(|e| {
            !matches!(
                e,
                ProjectEvent::DueDiligenceRecorded {
                    kind: DueDiligenceKind::ExpertReview,
                    ..
                }
            )
        })
        .collect();
    let waiting = given::<Project>(&partial).when(&propose_commitment(yuan(COMMITMENT)));
    let expected = ProjectError::DueDiligenceIncomplete(DueDiligenceKind::ExpertReview);
    assert_eq!(refusal(waiting).0, expected);
}

#[test]
fn the_agreement_is_on_the_sub_funds_size_and_the_amount_decided() {
    let commands = [propose_commitment(yuan(COMMITMENT)), decided()];
    let history = after(&at_due_diligence(sub_fund()), &commands);
    let g = given::<Project>(&history);
    let (err, code, _) = refusal(g.when(&sign_on(yuan(90_000_000))));
    assert_eq!(
        (err, code),
        (
            ProjectError::SubFundSizeMismatch { size: yuan(SIZE) },
            "sub_fund_size_mismatch"
        )
    );
    let (_, code, _) = refusal(g.when(&sign(yuan(COMMITMENT - 1))));
    assert_eq!(code, "commitment_mismatch");
    assert!(g.when(&sign_on(yuan(SIZE))).is_ok());
}
