//! Given the annual fixture (`fixture_history.rs`), when the 2024 annual report is folded,
//! then the resolutions of the year, the compliance section and the exemption case hold what
//! the events recorded by 2024-12-31, counted by hand.

use super::fixture::{case, d, dec, m, project, resolution};
use super::fixture_late::{annual_report, year_2024_period};
use super::*;
use crate::committee::{FailedBecause, Mode, Status, SubjectKind};
use crate::exemption::Condition;
use crate::investment::Outcome;
use chrono::{TimeZone, Utc};

#[test]
fn the_resolutions_of_2024_are_listed_by_decision_day_with_their_counts() {
    let r = annual_report(year_2024_period());
    let deadline = |y, mo, day| Utc.with_ymd_and_hms(y, mo, day, 2, 0, 0).unwrap();

    let lines: Vec<_> = r
        .resolutions
        .iter()
        .map(|l| {
            (
                l.resolution_id,
                l.kind,
                l.mode,
                l.amount,
                l.opened_on,
                l.decided_on,
                l.outcome,
            )
        })
        .collect();
    // R1–R3 were opened and decided in 2023; R7 was opened on 2024-12-30 and is still open.
    assert_eq!(
        lines,
        vec![
            (
                resolution(6),
                SubjectKind::Investment,
                Mode::Written,
                m("2000000"),
                d("2024-04-11"),
                Some(d("2024-04-11")),
                Status::Failed
            ),
            (
                resolution(4),
                SubjectKind::Exit,
                Mode::Written,
                m("2000000"),
                d("2024-08-01"),
                Some(d("2024-08-01")),
                Status::Passed
            ),
            (
                resolution(5),
                SubjectKind::Exit,
                Mode::Written,
                m("0"),
                d("2024-11-15"),
                Some(d("2024-11-15")),
                Status::Passed
            ),
            (
                resolution(7),
                SubjectKind::Other,
                Mode::Written,
                m("0"),
                d("2024-12-30"),
                None,
                Status::Open
            ),
        ]
    );
    let counts: Vec<_> = r
        .resolutions
        .iter()
        .map(|l| {
            [
                l.seats,
                l.quorum,
                l.approvals,
                l.rejections,
                l.abstentions,
                l.recusals,
                l.not_voted,
                l.vacant,
                l.observer_comments,
            ]
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            // Seat 1 rejected, seat 2 abstained: 4 approvals out of reach.
            [5, 4, 0, 1, 1, 0, 3, 0, 0],
            // Seats 1–4 approved; observer 2 commented.
            [5, 4, 4, 0, 0, 0, 1, 0, 1],
            // Seat 3 recused, seats 1, 2, 4, 5 approved.
            [5, 4, 4, 0, 0, 1, 0, 0, 0],
            // Its votes came on 2025-01-02.
            [5, 4, 0, 0, 0, 0, 5, 0, 0],
        ]
    );
    let f = &r.resolutions[0];
    assert_eq!(
        (f.failed_because, f.company.as_deref()),
        (
            Some(FailedBecause::QuorumUnreachable),
            Some("昆山绿源新材料")
        )
    );
    assert_eq!(
        (f.title.as_str(), f.reference.clone()),
        ("绿源新材料投资", project(4).0.to_string())
    );
    assert_eq!(f.deadline, deadline(2024, 4, 18));
    assert_eq!(r.resolutions[1].company.as_deref(), Some("昆山博瑞生物"));
    assert_eq!(
        r.resolutions[2].company.as_deref(),
        Some("昆山智图人工智能")
    );
    assert_eq!(
        (r.resolutions[3].company.clone(), r.resolutions[3].deadline),
        (None, deadline(2025, 1, 6))
    );
}

#[test]
fn compliance_reports_the_limits_checked_on_each_proposal() {
    let c = annual_report(year_2024_period()).compliance;

    assert_eq!(c.investment_period_ends, Some(d("2024-06-30")));
    assert_eq!(
        (c.per_project_max, c.max_stake, c.sub_fund_max_share),
        (m("5000000"), dec("0.20"), dec("0.20"))
    );
    assert_eq!((c.written_vote_max, c.approvals_to_pass), (m("3000000"), 4));
    // Seat 3 re-appointed in 2024, seat 2 in 2025; the fourth observer follows the 2025
    // appointment, and another fund's appointment is ignored.
    assert_eq!(
        (
            c.committee_seats,
            c.committee_seats_held,
            c.committee_observers
        ),
        (5, 5, 3)
    );
    // P1 (6M with the higher approval), P2, P3, P4 (not approved).
    assert_eq!(
        (
            c.proposals,
            c.within_limits,
            c.exceptions_approved,
            c.outside_investment_period
        ),
        (4, 3, 1, 0)
    );
    let lines: Vec<_> = c
        .lines
        .iter()
        .map(|l| {
            (
                l.project_id,
                l.proposed_on,
                l.amount,
                l.stake,
                l.largest_other_stake,
                l.limits_passed,
                l.exception_approved,
                l.decision,
                l.decided_on,
                l.resolution_id,
                l.mode,
                l.approvals,
            )
        })
        .collect();
    let s = |x| Some(dec(x));
    assert_eq!(
        lines,
        vec![
            (
                project(1),
                d("2023-03-16"),
                m("6000000"),
                s("0.15"),
                s("0.55"),
                true,
                true,
                DecisionStatus::Approved,
                Some(d("2023-03-26")),
                Some(resolution(1)),
                Some(Mode::OnSite),
                Some(4)
            ),
            (
                project(2),
                d("2023-05-05"),
                m("2500000"),
                s("0.10"),
                s("0.60"),
                true,
                false,
                DecisionStatus::Approved,
                Some(d("2023-05-15")),
                Some(resolution(2)),
                Some(Mode::Written),
                Some(4)
            ),
            (
                project(3),
                d("2023-07-05"),
                m("3000000"),
                s("0.12"),
                s("0.58"),
                true,
                false,
                DecisionStatus::Approved,
                Some(d("2023-07-15")),
                Some(resolution(3)),
                Some(Mode::Written),
                Some(4)
            ),
            (
                project(4),
                d("2024-04-06"),
                m("2000000"),
                s("0.08"),
                s("0.62"),
                true,
                false,
                DecisionStatus::NotApproved,
                Some(d("2024-04-16")),
                Some(resolution(6)),
                Some(Mode::Written),
                Some(0)
            ),
        ]
    );
    assert!(c
        .lines
        .iter()
        .all(|l| l.in_investment_period && l.quorum == Some(4) && l.target == Target::Company));
    assert_eq!(
        c.lines[0].higher_approval_ref.as_deref(),
        Some("昆国资投决〔2023〕5号")
    );
    let outcomes: Vec<Vec<(&str, Outcome)>> = c
        .lines
        .iter()
        .map(|l| {
            l.checks
                .iter()
                .map(|(name, r)| (*name, r.outcome))
                .collect()
        })
        .collect();
    let pass = |limit| {
        vec![
            ("cap_table", Outcome::Pass),
            ("not_largest_shareholder", Outcome::Pass),
            ("per_project_limit", limit),
            ("permitted_industry", Outcome::Pass),
            ("permitted_instrument", Outcome::Pass),
            ("positive_amount", Outcome::Pass),
            ("stake_limit", Outcome::Pass),
        ]
    };
    assert_eq!(
        outcomes,
        vec![
            pass(Outcome::Approved),
            pass(Outcome::Pass),
            pass(Outcome::Pass),
            pass(Outcome::Pass)
        ]
    );
    let limit = serde_json::to_value(&c.lines[0].checks["per_project_limit"]).unwrap();
    assert_eq!(
        limit,
        serde_json::json!({
            "outcome": "approved",
            "check": "per_project_limit",
            "amount": "6000000.00",
            "max": "5000000.00",
            "higher_approval_ref": "昆国资投决〔2023〕5号",
        })
    );
    assert!(c.reinvestment.is_empty(), "an angel fund has no sub-funds");
}

#[test]
fn the_exemption_case_stands_as_recorded_by_the_year_end() {
    let r = annual_report(year_2024_period());

    assert_eq!(
        r.exemptions,
        vec![ExemptionLine {
            case_id: case(1),
            project_id: project(3),
            company: Some("昆山智图人工智能".into()),
            opened_on: d("2024-12-10"),
            loss: m("3000000"),
            covered: 2,
            evaluated_on: Some(d("2024-12-15")),
            // No report from the agreement (2023-07-20) to 2024-01-28 nor from then to the
            // write-off (more than 6 months each); the exit plan opened on 2024-11-15, more
            // than 90 days after trigger Art. 16(6) on 2024-01-28.
            conditions_met: 5,
            conditions_not_met: 2,
            failed_conditions: vec![Condition::ReportsOnSchedule, Condition::TriggersActedOn],
            // The staff member signed on 2024-12-20; the committee member only on 2025-01-05.
            attestations: 1,
            attestations_clean: 1,
            attestations_missing: 1,
            // Denied on 2025-02-01: after the period.
            determination: DeterminationStatus::Pending,
            determined_on: None,
            reference: None,
            determined_by: None,
            determinations: 0,
            people_exempted: 0,
        }]
    );
}
