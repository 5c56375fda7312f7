//! Given/when/then tests of a sub-fund project after its agreement (SPEC §10): local
//! reinvestment (返投) against the multiple of the commitment, commands for the wrong target
//! (both ways), and the new events as stored.

use super::sub_fund_tests::*;
use super::test_support::*;
use super::*;
use crate::aggregate::given;
use crate::fund::policy::GuidancePolicy;
use crate::DomainEvent;

fn investment(company: &str, city: &str, amount: i64, on: &str) -> ProjectCommand {
    ProjectCommand::ReportSubFundInvestment {
        company: company.into(),
        city: city.into(),
        amount: yuan(amount),
        fund_city: "昆山".into(),
        on: d(on),
    }
}

#[test]
fn local_reinvestment_is_tracked_against_the_multiple_of_the_commitment() {
    // Given the sub-fund invests 18,000,000 in Kunshan and 10,000,000 in Shanghai:
    let history = after(
        &signed(),
        &[
            investment("昆山芯测科技有限公司", " 昆山 ", 18_000_000, "2024-10-01"),
            investment("上海微纳半导体有限公司", "上海", 10_000_000, "2024-11-01"),
        ],
    );
    let locals: Vec<bool> = history
        .iter()
        .filter_map(|e| match e {
            ProjectEvent::SubFundInvestmentReported { local, .. } => Some(*local),
            _ => None,
        })
        .collect();
    assert_eq!(locals, [true, false]);
    // Then against 1.5 × 20,000,000 = 30,000,000 it is behind by 12,000,000.
    let multiple = GuidancePolicy::default().reinvestment_multiple;
    let p = Project::replay(&history);
    assert_eq!(p.sub_fund_invested, yuan(28_000_000));
    let r = p.reinvestment(multiple).unwrap();
    assert_eq!(
        (r.target, r.local, r.shortfall),
        (yuan(30_000_000), yuan(18_000_000), yuan(12_000_000))
    );
    assert!(r.behind);
    // When a further 12,000,000 goes to Kunshan: on target, no longer behind.
    let more = [investment(
        "昆山光子科技有限公司",
        "昆山",
        12_000_000,
        "2025-01-10",
    )];
    let p = Project::replay(&after(&history, &more));
    assert!(!p.reinvestment(multiple).unwrap().behind);
    // An investment of nothing is refused.
    let (_, code, _) =
        refusal(given::<Project>(&history).when(&investment("某公司", "昆山", 0, "2025-02-01")));
    assert_eq!(code, "non_positive_amount");
}

#[test]
fn commands_for_the_other_target_are_refused() {
    let wrong = |decided: Decided, expected: &str, actual: &str| {
        let (err, code, rule) = refusal(decided);
        assert_eq!((code, rule), ("wrong_target", Some("SPEC §10")));
        assert!(
            matches!(err, ProjectError::WrongTarget { expected: e, actual: a } if e == expected && a == actual),
            "{err:?}"
        );
    };
    // A direct-investment proposal on a sub-fund, and a commitment on a company.
    let sub = given::<Project>(&at_due_diligence(sub_fund()));
    wrong(sub.when(&propose(proposal())), "company", "sub-fund");
    let company = given::<Project>(&reach(Stage::DueDiligence));
    wrong(
        company.when(&propose_commitment(yuan(COMMITMENT))),
        "sub-fund",
        "company",
    );
    // A sub-fund's investment report on a company, and a company's report on a sub-fund.
    let invested = given::<Project>(&reach(Stage::PostInvestment));
    let report = investment("昆山芯测科技有限公司", "昆山", 1_000_000, "2024-10-01");
    wrong(invested.when(&report), "sub-fund", "company");
    let company_report = CompanyReport {
        period: "2024-H2".into(),
        revenue: yuan(1),
        net_assets: yuan(1),
        staff: 1,
        rd_staff: 1,
        financing_rounds: vec![],
        raising_round: false,
        registered_city: "昆山".into(),
        going_concern: true,
    };
    let periodic = ProjectCommand::ReportPostInvestment {
        report: company_report,
        on: d("2024-10-01"),
    };
    wrong(
        given::<Project>(&signed()).when(&periodic),
        "company",
        "sub-fund",
    );
}

#[test]
fn the_sub_fund_events_keep_their_names_and_round_trip() {
    let history = signed();
    let names: Vec<&str> = history.iter().map(|e| e.event_type()).collect();
    assert_eq!(names[..2], ["SubFundApplied", "SubFundReviewed"]);
    assert!(names.contains(&"CommitmentProposed"));
    for event in &history {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["type"], event.event_type());
        let back: ProjectEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, event);
    }
    // A sub-fund's facts refuse unknown fields.
    let mut json = serde_json::to_value(sub_fund()).unwrap();
    json["sponsor"] = "x".into();
    assert!(serde_json::from_value::<SubFundFacts>(json).is_err());
}
