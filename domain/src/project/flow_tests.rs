//! Given/when/then tests of a project from the committee's decision on (SPEC §3–§5): the
//! resolution recorded (its fund, reference, amount, mode and outcome, Art. 14, 15(6)), the
//! agreement, paid-in matching (Art. 11), rejection and withdrawal at every stage, and the
//! refusals any command may meet: blank texts, dates before the application, a second
//! application, a project never applied for.
//!
//! The pipeline up to the due diligence is tested in `tests.rs`, the proposal in
//! `proposal_tests.rs`; the helpers are in `test_support.rs`.

use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::committee::{Mode, Status as ResolutionStatus};
use crate::investment::MatchingError;
use crate::Rejection;
use uuid::Uuid;

/// Recording `decision` on the happy path's proposal.
fn deciding(decision: DecisionFacts) -> Decided {
    given::<Project>(&reach(Stage::Decision)).when(&record(decision))
}

#[test]
fn a_resolution_of_another_fund_or_about_another_subject_is_not_this_projects() {
    let passed = || resolution(ResolutionStatus::Passed, Mode::OnSite);
    let other_fund = DecisionFacts {
        fund: FundId(Uuid::from_u128(0x2002)),
        ..passed()
    };
    let other_project = DecisionFacts {
        reference: Uuid::from_u128(0x1002).to_string(),
        ..passed()
    };
    let by_name = DecisionFacts {
        reference: COMPANY.into(),
        ..passed()
    };
    let blank = DecisionFacts {
        reference: String::new(),
        ..passed()
    };
    let exit_plan = DecisionFacts {
        kind: crate::committee::SubjectKind::Exit,
        ..passed()
    };
    for decision in [other_fund, other_project, by_name, blank, exit_plan] {
        let (err, code, rule) = refusal(deciding(decision.clone()));
        assert_eq!(err, ProjectError::NotThisProjectsResolution, "{decision:?}");
        assert_eq!((code, rule), ("resolution_not_for_project", None));
    }
    // The reference is read trimmed.
    let padded = DecisionFacts {
        reference: format!("  {}\n", PROJECT.0),
        ..passed()
    };
    assert!(deciding(padded).is_ok());
}

#[test]
fn a_resolution_on_another_amount_is_refused() {
    let decision = DecisionFacts {
        amount: money("3333333.34"),
        ..resolution(ResolutionStatus::Passed, Mode::OnSite)
    };
    let (err, code, rule) = refusal(deciding(decision));
    let expected = ProjectError::AmountMismatch {
        decided: money("3333333.34"),
        proposed: money(AMOUNT),
    };
    assert_eq!(
        (err, code, rule),
        (expected, "decision_amount_mismatch", None)
    );
}

#[test]
fn a_written_vote_decides_only_up_to_the_written_vote_limit() {
    let (err, code, rule) = refusal(deciding(resolution(
        ResolutionStatus::Passed,
        Mode::Written,
    )));
    let expected = ProjectError::OnSiteMeetingRequired {
        limit: yuan(3_000_000),
    };
    assert_eq!(
        (err, code, rule),
        (expected, "on_site_meeting_required", Some("Art. 15(6)"))
    );
    // Exactly 3,000,000 may be circulated (SPEC §0: "超过300万元" excludes it).
    let history = after(
        &reach(Stage::DueDiligence),
        &[propose(proposal_of(yuan(3_000_000)))],
    );
    let written = DecisionFacts {
        amount: yuan(3_000_000),
        ..resolution(ResolutionStatus::Passed, Mode::Written)
    };
    let events = given::<Project>(&history).when(&record(written)).unwrap();
    let expected = ProjectEvent::DecisionRecorded {
        resolution_id: RESOLUTION,
        approved: true,
        on: d(DECIDED),
    };
    assert_eq!(events, vec![expected]);
}

#[test]
fn an_open_resolution_is_not_a_decision() {
    let open = resolution(ResolutionStatus::Open, Mode::OnSite);
    let (err, code, rule) = refusal(deciding(open));
    assert_eq!(
        (err, code, rule),
        (
            ProjectError::ResolutionUndecided,
            "resolution_undecided",
            None
        )
    );
}

#[test]
fn a_failed_or_lapsed_resolution_rejects_the_project_at_the_decision() {
    for status in [ResolutionStatus::Failed, ResolutionStatus::Lapsed] {
        let events = deciding(resolution(status, Mode::OnSite)).unwrap();
        let expected = vec![
            ProjectEvent::DecisionRecorded {
                resolution_id: RESOLUTION,
                approved: false,
                on: d(DECIDED),
            },
            ProjectEvent::ProjectRejected {
                stage: Stage::Decision,
                reason: format!("the committee did not approve ({})", status.as_str()),
                on: d(DECIDED),
            },
        ];
        assert_eq!(events, expected);
        let history = [reach(Stage::Decision), events].concat();
        let p = Project::replay(&history);
        let rejected = Status::Rejected {
            stage: Stage::Decision,
        };
        assert_eq!((p.stage, p.status), (Some(Stage::Decision), Some(rejected)));
        let signing = given::<Project>(&history).when(&sign(money(AMOUNT)));
        assert_eq!(refusal(signing).0, ProjectError::Closed);
    }
}

#[test]
fn a_passed_resolution_moves_the_project_to_implementation() {
    let events = deciding(resolution(ResolutionStatus::Passed, Mode::OnSite)).unwrap();
    let expected = ProjectEvent::DecisionRecorded {
        resolution_id: RESOLUTION,
        approved: true,
        on: d(DECIDED),
    };
    assert_eq!(events, vec![expected]);
    let p = Project::replay(&[reach(Stage::Decision), events].concat());
    assert_eq!(
        (p.stage, p.status),
        (Some(Stage::Implementation), Some(Status::Active))
    );
}

#[test]
fn the_agreement_commits_exactly_the_amount_decided() {
    let g = given::<Project>(&reach(Stage::Implementation));
    for commitment in [money("3333333.32"), money("3333333.34"), yuan(5_000_000)] {
        let (err, code, rule) = refusal(g.when(&sign(commitment)));
        let expected = ProjectError::CommitmentMismatch {
            decided: money(AMOUNT),
        };
        assert_eq!((err, code, rule), (expected, "commitment_mismatch", None));
    }
    let no_capital = ProjectCommand::SignAgreement {
        commitment: money(AMOUNT),
        registered_capital: Money::ZERO,
        other_shareholders: vec![OTHERS[0].into()],
        signed_on: d(SIGNED),
    };
    let (err, code, _) = refusal(g.when(&no_capital));
    let expected = ProjectError::Matching(MatchingError::NonPositiveRegisteredCapital);
    assert_eq!((err, code), (expected, "non_positive_registered_capital"));
    // The names are recorded trimmed.
    let padded = ProjectCommand::SignAgreement {
        commitment: money(AMOUNT),
        registered_capital: yuan(REGISTERED),
        other_shareholders: vec![format!(" {} ", OTHERS[0]), format!("{}\t", OTHERS[1])],
        signed_on: d(SIGNED),
    };
    let events = g.when(&padded).unwrap();
    assert_eq!(events, g.when(&sign(money(AMOUNT))).unwrap());
}

#[test]
fn paid_in_at_30_60_and_100_percent_requires_exact_cumulative_payments() {
    // 3,333,333.33 committed on a registered capital of 10,000,000.00 (Art. 11).
    let mut history = reach(Stage::PostInvestment);
    let mut last_required = Money::ZERO;
    let mut dues = Vec::new();
    let reports = [
        (3_000_000, "2024-09-01", "1000000.00"),
        (6_000_000, "2025-03-01", "2000000.00"),
        (10_000_000, "2025-09-01", "3333333.33"),
    ];
    for (paid_in, on, required) in reports {
        let events = given::<Project>(&history)
            .when(&report(yuan(paid_in), on))
            .unwrap();
        let expected = ProjectEvent::PaidInReported {
            paid_in: yuan(paid_in),
            required_cumulative: money(required),
            on: d(on),
        };
        assert_eq!(events, vec![expected]);
        history.extend(events);
        let p = Project::replay(&history);
        assert_eq!(
            (p.company_paid_in, p.required_cumulative),
            (yuan(paid_in), money(required))
        );
        dues.push(p.required_cumulative - last_required);
        last_required = p.required_cumulative;
    }
    let expected = [
        money("1000000.00"),
        money("1000000.00"),
        money("1333333.33"),
    ];
    assert_eq!(dues, expected);
    assert_eq!(dues.into_iter().sum::<Money>(), money(AMOUNT));
}

#[test]
fn the_paid_in_capital_never_falls_nor_exceeds_the_registered_capital() {
    let history = after(
        &reach(Stage::PostInvestment),
        &[report(yuan(6_000_000), "2025-03-01")],
    );
    let g = given::<Project>(&history);
    let lower = report(money("5999999.99"), "2025-04-01");
    let (err, code, rule) = refusal(g.when(&lower));
    let expected = ProjectError::PaidInDecreased {
        last: yuan(6_000_000),
    };
    assert_eq!((err, code, rule), (expected, "paid_in_decreased", None));
    let above = report(money("10000000.01"), "2025-04-01");
    let (err, code, rule) = refusal(g.when(&above));
    let expected = ProjectError::Matching(MatchingError::PaidInOutOfRange {
        paid_in: money("10000000.01"),
        registered_capital: yuan(REGISTERED),
    });
    assert_eq!((err, code, rule), (expected, "paid_in_out_of_range", None));
    assert!(g.when(&report(yuan(REGISTERED), "2025-04-01")).is_ok());
}

#[test]
fn a_project_rejected_or_withdrawn_at_any_stage_refuses_every_further_command() {
    for stage in STAGES {
        for withdrawn in [false, true] {
            let history = reach(stage);
            let (reason, on) = ("  企业经营情况发生重大变化  ", "2025-10-08");
            let command = match withdrawn {
                false => reject(reason, on),
                true => withdraw(reason, on),
            };
            let events = given::<Project>(&history).when(&command).unwrap();
            let (reason, on) = ("企业经营情况发生重大变化".to_owned(), d(on));
            let (event, status) = match withdrawn {
                false => (
                    ProjectEvent::ProjectRejected { stage, reason, on },
                    Status::Rejected { stage },
                ),
                true => (
                    ProjectEvent::ProjectWithdrawn { stage, reason, on },
                    Status::Withdrawn { stage },
                ),
            };
            assert_eq!(events, vec![event]);
            let closed = [history, events].concat();
            let p = Project::replay(&closed);
            assert_eq!((p.stage, p.status), (Some(stage), Some(status)));
            let g = given::<Project>(&closed);
            for command in every_command_but_apply() {
                let (err, code, rule) = refusal(g.when(&command));
                assert_eq!(err, ProjectError::Closed, "{command:?} after {stage:?}");
                assert_eq!((code, rule), ("project_closed", None));
            }
            // The project still exists: it cannot be applied for again.
            assert_eq!(refusal(g.when(&apply())).1, "project_already_exists");
        }
    }
}

#[test]
fn blank_texts_are_refused_naming_the_field() {
    let blank = |history: Vec<ProjectEvent>, command: ProjectCommand, what: &'static str| {
        let (err, code, rule) = refusal(given::<Project>(&history).when(&command));
        assert_eq!(err, ProjectError::InvalidText(what), "{command:?}");
        assert_eq!((code, rule), ("invalid_text", None));
    };
    let nameless = ProjectCommand::Apply {
        project_id: PROJECT,
        fund_id: FUND,
        company: " \u{3000} ".into(),
        facts: facts(),
        applied_on: d(APPLIED),
    };
    blank(Vec::new(), nameless, "company name");
    let note = ProjectCommand::CompleteResearch {
        outcome: ResearchOutcome::FollowUp,
        note: "  ".into(),
        on: d(RESEARCHED),
    };
    blank(reach(Stage::Research), note, "note");
    let opinion = ProjectCommand::Establish {
        partner_opinion_ref: String::new(),
        on: d(ESTABLISHED),
    };
    blank(
        reach(Stage::Establishment),
        opinion,
        "partner opinion reference",
    );
    let report = |provider: &str, document_ref: &str| ProjectCommand::RecordDueDiligence {
        kind: DueDiligenceKind::Legal,
        provider: provider.into(),
        document_ref: document_ref.into(),
        on: d("2024-06-04"),
    };
    blank(established(), report("\t", "DD-L-1"), "provider");
    blank(
        established(),
        report("律师事务所", " "),
        "document reference",
    );
    let shareholder = ProjectCommand::SignAgreement {
        commitment: money(AMOUNT),
        registered_capital: yuan(REGISTERED),
        other_shareholders: vec![OTHERS[0].into(), "  ".into()],
        signed_on: d(SIGNED),
    };
    blank(
        reach(Stage::Implementation),
        shareholder,
        "shareholder name",
    );
    blank(reach(Stage::Research), reject(" ", "2024-04-01"), "reason");
    blank(reach(Stage::Research), withdraw("", "2024-04-01"), "reason");
    // At most 2000 characters.
    let long = |n| reject(&"驳".repeat(n), "2024-04-01");
    blank(reach(Stage::Research), long(2001), "reason");
    assert!(given::<Project>(&reach(Stage::Research))
        .when(&long(2000))
        .is_ok());
}

#[test]
fn no_step_is_dated_before_the_application() {
    let cases = [
        (Stage::Application, review(eligibility_policy())),
        (Stage::Research, research(ResearchOutcome::FollowUp)),
        (Stage::Establishment, establish()),
        (
            Stage::DueDiligence,
            due_diligence(DueDiligenceKind::ExpertReview),
        ),
        (Stage::DueDiligence, propose(proposal())),
        (
            Stage::Decision,
            record(resolution(ResolutionStatus::Passed, Mode::OnSite)),
        ),
        (Stage::Implementation, sign(money(AMOUNT))),
        (Stage::PostInvestment, report(yuan(3_000_000), APPLIED)),
        (Stage::Research, reject("不符合投资方向", APPLIED)),
        (Stage::PostInvestment, withdraw("企业撤回", APPLIED)),
    ];
    for (stage, command) in cases {
        let g = given::<Project>(&reach(stage));
        let before = dated(command.clone(), "2024-02-29");
        let (err, code, rule) = refusal(g.when(&before));
        assert_eq!(err, ProjectError::DateBeforeApplication, "{before:?}");
        assert_eq!((code, rule), ("date_before_application", None));
        // The previous step's own date is not before it.
        let previous = g.state.last_on.unwrap().to_string();
        let same_day = dated(command, &previous);
        assert!(g.when(&same_day).is_ok(), "{same_day:?}");
    }
}

#[test]
fn no_step_is_dated_before_the_previous_one() {
    // The decision recorded the day before the proposal it decides.
    let decision = record(resolution(ResolutionStatus::Passed, Mode::OnSite));
    let early = dated(decision, "2024-06-30");
    let decided = given::<Project>(&reach(Stage::Decision)).when(&early);
    assert!(
        decided.is_err(),
        "a decision before its proposal: {decided:?}"
    );
    // The agreement signed before the decision.
    let early = dated(sign(money(AMOUNT)), "2024-07-14");
    let signed = given::<Project>(&reach(Stage::Implementation)).when(&early);
    assert!(
        signed.is_err(),
        "an agreement before the decision: {signed:?}"
    );
    // A paid-in report before the agreement.
    let early = report(yuan(3_000_000), "2024-07-31");
    let reported = given::<Project>(&reach(Stage::PostInvestment)).when(&early);
    assert!(
        reported.is_err(),
        "a paid-in report before the agreement: {reported:?}"
    );
}

#[test]
fn a_project_is_applied_for_once() {
    let history = reach(Stage::Application);
    let g = given::<Project>(&history);
    let (err, code, rule) = refusal(g.when(&apply()));
    assert_eq!(
        (err, code, rule),
        (ProjectError::AlreadyApplied, "project_already_exists", None)
    );
    let later = dated(apply(), "2024-09-01");
    assert_eq!(refusal(g.when(&later)).0, ProjectError::AlreadyApplied);
    let further = given::<Project>(&reach(Stage::PostInvestment)).when(&apply());
    assert_eq!(refusal(further).1, "project_already_exists");
}

#[test]
fn every_command_on_a_project_never_applied_for_is_not_found() {
    let g = given::<Project>(&[]);
    for command in every_command_but_apply() {
        let (err, code, rule) = refusal(g.when(&command));
        assert_eq!(err, ProjectError::NotFound, "{command:?}");
        assert_eq!((code, rule), ("project_not_found", None));
        assert!(err.is_not_found());
    }
    assert!(!ProjectError::Closed.is_not_found());
    // Applying creates it.
    let events = g.when(&apply()).unwrap();
    assert_eq!(events.len(), 1);
}
