//! Given/when/then tests of the project pipeline (SPEC §3, Art. 15): the happy path from the
//! application to post-investment management with every event and its effective date, each
//! step at a wrong stage, the qualification review (Art. 13) and the research.
//!
//! The due diligence, the investment period and the limits are in `proposal_tests.rs`; the
//! decision, the agreement, paid-in matching (Art. 11), closing a project and the refusals
//! common to every command in `flow_tests.rs`; the helpers in `test_support.rs`.

use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::committee::{Mode, Status as ResolutionStatus};
use crate::eligibility::{evaluate, Condition};
use crate::fund::policy::EligibilityPolicy;
use crate::investment;
use crate::DomainEvent;
use std::collections::BTreeSet;

/// The events of the happy path, command by command, from the application to the third
/// paid-in report (30%, 60%, 100% of the registered capital).
fn happy_path() -> Vec<(ProjectCommand, Vec<ProjectEvent>)> {
    let dd = |kind| {
        let (provider, document_ref, on) = report_of(kind);
        let event = ProjectEvent::DueDiligenceRecorded {
            kind,
            provider: provider.into(),
            document_ref: document_ref.into(),
            on: d(on),
        };
        (due_diligence(kind), vec![event])
    };
    let paid = |paid_in: i64, on: &str, required: &str| {
        let event = ProjectEvent::PaidInReported {
            paid_in: yuan(paid_in),
            required_cumulative: money(required),
            on: d(on),
        };
        (report(yuan(paid_in), on), vec![event])
    };
    let mut steps = vec![
        (
            apply(),
            vec![ProjectEvent::ProjectApplied {
                project_id: PROJECT,
                fund_id: FUND,
                company: COMPANY.into(),
                facts: facts(),
                applied_on: d(APPLIED),
            }],
        ),
        (
            review(eligibility_policy()),
            vec![ProjectEvent::QualificationReviewed {
                eligibility: evaluate(&eligibility_policy(), &facts(), d(APPLIED)),
                on: d(REVIEWED),
            }],
        ),
        (
            research(ResearchOutcome::Shortlisted),
            vec![ProjectEvent::ResearchCompleted {
                outcome: ResearchOutcome::Shortlisted,
                note: "走访企业,核实研发团队与订单".into(),
                on: d(RESEARCHED),
            }],
        ),
        (
            establish(),
            vec![ProjectEvent::ProjectEstablished {
                partner_opinion_ref: OPINION.into(),
                on: d(ESTABLISHED),
            }],
        ),
    ];
    steps.extend(DueDiligenceKind::ALL.map(dd));
    steps.extend([
        (
            propose(proposal()),
            vec![ProjectEvent::InvestmentProposed {
                proposal: proposal(),
                price: dec("1.50"),
                limits: investment::evaluate(&investment_policy(), &proposal()),
                on: d(PROPOSED),
            }],
        ),
        (
            record(resolution(ResolutionStatus::Passed, Mode::OnSite)),
            vec![ProjectEvent::DecisionRecorded {
                resolution_id: RESOLUTION,
                approved: true,
                on: d(DECIDED),
            }],
        ),
        (
            sign(money(AMOUNT)),
            vec![ProjectEvent::AgreementSigned {
                commitment: money(AMOUNT),
                registered_capital: yuan(REGISTERED),
                other_shareholders: OTHERS.map(String::from).to_vec(),
                signed_on: d(SIGNED),
            }],
        ),
        paid(3_000_000, "2024-09-01", "1000000.00"),
        paid(6_000_000, "2025-03-01", "2000000.00"),
        paid(10_000_000, "2025-09-01", "3333333.33"),
    ]);
    steps
}

#[test]
fn the_happy_path_records_every_step_from_the_application_to_post_investment() {
    let mut history = Vec::new();
    let mut stages = Vec::new();
    for (command, expected) in happy_path() {
        let events = given::<Project>(&history).when(&command).unwrap();
        assert_eq!(events, expected, "{command:?}");
        history.extend(events);
        let state = Project::replay(&history);
        assert_eq!(state.status, Some(Status::Active));
        stages.push(state.stage.unwrap());
    }
    let mut walked = vec![Stage::Application, Stage::Research, Stage::Establishment];
    walked.extend([Stage::DueDiligence; 5]);
    walked.extend([Stage::Decision, Stage::Implementation]);
    walked.extend([Stage::PostInvestment; 4]);
    assert_eq!(stages, walked);

    // Every event takes effect on the date of its step.
    let dated: Vec<_> = history
        .iter()
        .map(|e| (e.event_type(), e.effective_date().unwrap().to_string()))
        .collect();
    let expected = [
        ("ProjectApplied", APPLIED),
        ("QualificationReviewed", REVIEWED),
        ("ResearchCompleted", RESEARCHED),
        ("ProjectEstablished", ESTABLISHED),
        ("DueDiligenceRecorded", "2024-06-03"),
        ("DueDiligenceRecorded", "2024-06-04"),
        ("DueDiligenceRecorded", "2024-06-05"),
        ("DueDiligenceRecorded", "2024-06-20"),
        ("InvestmentProposed", PROPOSED),
        ("DecisionRecorded", DECIDED),
        ("AgreementSigned", SIGNED),
        ("PaidInReported", "2024-09-01"),
        ("PaidInReported", "2025-03-01"),
        ("PaidInReported", "2025-09-01"),
    ];
    let expected: Vec<_> = expected.map(|(t, on)| (t, on.to_owned())).to_vec();
    assert_eq!(dated, expected);

    let p = Project::replay(&history);
    assert_eq!((p.id, p.fund), (Some(PROJECT), Some(FUND)));
    assert_eq!(
        (p.company.as_str(), p.applied_on),
        (COMPANY, Some(d(APPLIED)))
    );
    assert_eq!(p.facts, Some(facts()));
    assert!(p.eligibility.as_ref().is_some_and(|e| e.passed));
    let every_report: BTreeSet<_> = DueDiligenceKind::ALL.into_iter().collect();
    assert_eq!(p.due_diligence, every_report);
    assert_eq!(p.proposal, Some(proposal()));
    let agreement = Agreement {
        commitment: money(AMOUNT),
        registered_capital: yuan(REGISTERED),
        other_shareholders: OTHERS.map(String::from).to_vec(),
        signed_on: d(SIGNED),
    };
    assert_eq!(p.agreement, Some(agreement));
    assert_eq!(p.company_paid_in, yuan(REGISTERED));
    assert_eq!(p.required_cumulative, money(AMOUNT));
    assert_eq!(project_reference(&p), PROJECT.0.to_string());
}

#[test]
fn the_events_are_stored_adjacently_tagged_and_read_back_unchanged() {
    let history = after(
        &[],
        &happy_path().into_iter().map(|s| s.0).collect::<Vec<_>>(),
    );
    for event in &history {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["type"], event.event_type());
        assert!(json["data"].is_object());
        let back: ProjectEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, event);
    }
}

#[test]
fn every_step_at_a_wrong_stage_is_out_of_order_naming_both_stages() {
    let mut refused = 0;
    for stage in STAGES {
        let history = reach(stage);
        assert_eq!(Project::replay(&history).stage, Some(stage));
        for (belongs, command) in stage_commands() {
            let decided = given::<Project>(&history).when(&command);
            if belongs == stage {
                // Dated on the last step's day: a step is never dated before the previous one.
                let g = given::<Project>(&history);
                let last = g.state.last_on.unwrap().to_string();
                let on_time = dated(command.clone(), &last);
                let decided = g.when(&on_time);
                assert!(decided.is_ok(), "{command:?} at {stage:?}: {decided:?}");
                continue;
            }
            let (err, code, rule) = refusal(decided);
            let expected = ProjectError::StageOutOfOrder {
                expected: belongs.as_str(),
                actual: stage.as_str(),
            };
            assert_eq!(err, expected, "{command:?} at {stage:?}");
            assert_eq!((code, rule), ("stage_out_of_order", Some("Art. 15")));
            let message = err.to_string();
            assert!(message.contains(belongs.as_str()) && message.contains(stage.as_str()));
            refused += 1;
        }
    }
    // 8 stage-bound commands at 7 stages, each accepted at its own stage only.
    assert_eq!(refused, 7 * 8 - 8);
}

#[test]
fn a_stage_is_neither_skipped_nor_repeated() {
    let out_of_order = |history: &[ProjectEvent],
                        command: ProjectCommand,
                        expected: &'static str,
                        actual: &'static str| {
        let (err, code, rule) = refusal(given::<Project>(history).when(&command));
        assert_eq!(err, ProjectError::StageOutOfOrder { expected, actual });
        assert_eq!((code, rule), ("stage_out_of_order", Some("Art. 15")));
        assert_eq!(
            err.to_string(),
            format!("the project is at {actual}; this step belongs to {expected}")
        );
    };
    // Straight from the application to due diligence: skipped.
    let applied = reach(Stage::Application);
    let dd = due_diligence(DueDiligenceKind::Legal);
    out_of_order(&applied, dd, "due_diligence", "application");
    // Reviewed twice: repeated.
    let pool = reach(Stage::Research);
    let again = review(eligibility_policy());
    out_of_order(&pool, again, "application", "research");
    // Proposed twice.
    let proposed = reach(Stage::Decision);
    out_of_order(&proposed, propose(proposal()), "due_diligence", "decision");
    // Signed before the decision.
    out_of_order(&proposed, sign(money(AMOUNT)), "implementation", "decision");
}

#[test]
fn a_failed_review_records_every_condition_and_rejects_naming_the_failures() {
    // The default policy has no industries configured: condition 2 fails.
    let policy = EligibilityPolicy::default();
    let events = given::<Project>(&reach(Stage::Application))
        .when(&review(policy.clone()))
        .unwrap();
    let eligibility = evaluate(&policy, &facts(), d(APPLIED));
    assert!(!eligibility.passed);
    assert_eq!(eligibility.conditions.len(), 7);
    let failed: Vec<_> = eligibility.failed().map(|c| c.code.as_str()).collect();
    assert_eq!(failed, ["leading_industry"]);
    let reason = &eligibility
        .condition(Condition::LeadingIndustry)
        .unwrap()
        .reason;
    assert_eq!(reason, "no industries configured");
    assert_eq!(
        events,
        vec![
            ProjectEvent::QualificationReviewed {
                eligibility: eligibility.clone(),
                on: d(REVIEWED),
            },
            ProjectEvent::ProjectRejected {
                stage: Stage::Application,
                reason: "not eligible: leading_industry (Art. 13(2))".into(),
                on: d(REVIEWED),
            },
        ]
    );
    let history = [reach(Stage::Application), events].concat();
    let p = Project::replay(&history);
    assert_eq!(p.stage, Some(Stage::Application));
    let rejected = Status::Rejected {
        stage: Stage::Application,
    };
    assert_eq!(p.status, Some(rejected));
    assert_eq!(p.eligibility, Some(eligibility));
    let next = given::<Project>(&history).when(&research(ResearchOutcome::Shortlisted));
    assert_eq!(refusal(next).1, "project_closed");
}

#[test]
fn a_review_failing_several_conditions_names_each_in_order() {
    let facts = ApplicationFacts {
        registered_city: "苏州".into(),
        staff: 250,
        rd_staff: 20,
        ..facts()
    };
    let applied = ProjectCommand::Apply {
        project_id: PROJECT,
        fund_id: FUND,
        company: COMPANY.into(),
        facts,
        applied_on: d(APPLIED),
    };
    let history = after(&[], &[applied]);
    let events = given::<Project>(&history)
        .when(&review(eligibility_policy()))
        .unwrap();
    assert_eq!(events.len(), 2);
    let ProjectEvent::ProjectRejected { stage, reason, on } = &events[1] else {
        panic!("not a rejection: {events:?}");
    };
    assert_eq!((*stage, *on), (Stage::Application, d(REVIEWED)));
    let expected = "not eligible: registered_in_city (Art. 13(1)), staff_and_rd (Art. 13(4))";
    assert_eq!(reason, expected);
}

#[test]
fn a_passed_review_enters_the_pool_counting_the_age_to_the_application() {
    // Founded exactly five years before the application, reviewed two weeks later: passes.
    let facts = ApplicationFacts {
        founded_on: d("2019-03-01"),
        ..facts()
    };
    let applied = ProjectCommand::Apply {
        project_id: PROJECT,
        fund_id: FUND,
        company: COMPANY.into(),
        facts: facts.clone(),
        applied_on: d(APPLIED),
    };
    let history = after(&[], &[applied]);
    let events = given::<Project>(&history)
        .when(&review(eligibility_policy()))
        .unwrap();
    let eligibility = evaluate(&eligibility_policy(), &facts, d(APPLIED));
    assert!(eligibility.passed);
    let programme = eligibility.talent_programme.clone();
    assert_eq!(programme.as_deref(), Some("昆山市创新创业领军人才计划"));
    let reviewed = ProjectEvent::QualificationReviewed {
        eligibility,
        on: d(REVIEWED),
    };
    assert_eq!(events, vec![reviewed]);
    let p = Project::replay(&[history, events].concat());
    assert_eq!(
        (p.stage, p.status),
        (Some(Stage::Research), Some(Status::Active))
    );
}

#[test]
fn research_in_follow_up_stays_in_research_until_shortlisted() {
    let follow_up = research(ResearchOutcome::FollowUp);
    let mut history = reach(Stage::Research);
    for _ in 0..2 {
        let events = given::<Project>(&history).when(&follow_up).unwrap();
        let expected = ProjectEvent::ResearchCompleted {
            outcome: ResearchOutcome::FollowUp,
            note: "走访企业,核实研发团队与订单".into(),
            on: d(RESEARCHED),
        };
        assert_eq!(events, vec![expected]);
        history.extend(events);
        assert_eq!(Project::replay(&history).stage, Some(Stage::Research));
    }
    let (err, code, rule) = refusal(given::<Project>(&history).when(&establish()));
    let expected = ProjectError::StageOutOfOrder {
        expected: "establishment",
        actual: "research",
    };
    assert_eq!(
        (err, code, rule),
        (expected, "stage_out_of_order", Some("Art. 15"))
    );
    let history = after(&history, &[research(ResearchOutcome::Shortlisted)]);
    assert_eq!(Project::replay(&history).stage, Some(Stage::Establishment));
}
