//! Given the annual fixture (`fixture_history.rs`), when the 2024 annual report is folded,
//! then the portfolio and pipeline sections hold what the events recorded by 2024-12-31,
//! counted by hand, and the document does not depend on the order of the streams. The
//! resolutions, compliance and exemptions are checked in `fixture_governance_tests.rs`.

use super::fixture::{d, dec, m, project, resolution};
use super::fixture_late::{annual, annual_report, year_2024_period};
use super::*;
use crate::project::{Stage, Trigger};

#[test]
fn the_portfolio_joins_the_projects_with_the_fund_lines() {
    let r = annual_report(year_2024_period());
    let p = &r.portfolio;

    let ids: Vec<_> = p.iter().map(|l| l.project_id).collect();
    // The three signed agreements; P4 to P8 never invested, P9 is another fund's.
    assert_eq!(ids, vec![project(1), project(2), project(3)]);
    let l1 = &p[0];
    assert_eq!(
        (l1.company.as_deref(), l1.target, l1.stage, l1.status),
        (
            Some("昆山芯微电子"),
            Some(Target::Company),
            Some(Stage::PostInvestment),
            Some(ProjectStatus::Active)
        )
    );
    assert_eq!(
        (l1.resolution_id, l1.signed_on),
        (Some(resolution(1)), Some(d("2023-03-31")))
    );
    assert_eq!((l1.commitment, l1.stake), (m("6000000"), Some(dec("0.15"))));
    // Paid-in 40M of 40M registered: the whole 6M required.
    assert_eq!(
        (l1.company_paid_in, l1.required_cumulative),
        (m("40000000"), m("6000000"))
    );
    assert_eq!((l1.paid, l1.cost_not_exited), (m("6000000"), m("6000000")));
    assert_eq!((l1.exits, l1.write_offs, l1.last_exit_on), (0, 0, None));
    assert_eq!(
        (l1.proceeds, l1.realised, l1.moic),
        (m("0"), m("0"), Some(dec("1.0000")))
    );
    assert!(!l1.fully_exited);
    // 2023-07-20, 2024-01-20, 2024-07-20; the one of 2025-01-20 is after the period.
    assert_eq!(l1.reports, 3);
    assert_eq!(
        l1.latest_report,
        Some(LatestReport {
            on: d("2024-07-20"),
            period: "2024-H1".into(),
            revenue: m("8600000"),
            net_assets: m("25400000"),
            staff: 68,
            // 68 / 3.
            rd_staff: 22,
            // 2022-06-01 and 2024-05-10, after the agreement, with a further round raised.
            financing_rounds: 2,
            raising_round: true,
            registered_city: "昆山".into(),
            going_concern: true,
        })
    );
    assert_eq!(l1.triggers, vec![Trigger::NextRoundCompleted]);
    assert_eq!(
        (l1.last_trigger_on, l1.supervisory_actions),
        (Some(d("2024-07-20")), 0)
    );

    let l2 = &p[1];
    assert_eq!(
        (l2.company.as_deref(), l2.resolution_id),
        (Some("昆山博瑞生物"), Some(resolution(2)))
    );
    assert_eq!(
        (l2.commitment, l2.stake, l2.signed_on),
        (m("2500000"), Some(dec("0.10")), Some(d("2023-05-20")))
    );
    assert_eq!(
        (l2.company_paid_in, l2.required_cumulative),
        (m("25000000"), m("2500000"))
    );
    assert_eq!((l2.paid, l2.cost_not_exited), (m("2500000"), m("1250000")));
    assert_eq!(
        (l2.exits, l2.write_offs, l2.last_exit_on),
        (1, 0, Some(d("2024-09-30")))
    );
    assert_eq!(
        (l2.proceeds, l2.realised, l2.moic),
        (m("2000000"), m("750000"), Some(dec("1.3000")))
    );
    assert!(!l2.fully_exited);
    assert_eq!(l2.reports, 2);
    let kpi = l2.latest_report.as_ref().unwrap();
    assert_eq!(
        (kpi.on, kpi.period.as_str(), kpi.revenue, kpi.net_assets),
        (d("2024-07-25"), "2024-H1", m("4200000"), m("9800000"))
    );
    assert_eq!(
        (
            kpi.staff,
            kpi.rd_staff,
            kpi.financing_rounds,
            kpi.raising_round,
            kpi.going_concern
        ),
        (52, 17, 1, false, true)
    );
    assert_eq!(
        (l2.triggers.clone(), l2.last_trigger_on),
        (vec![Trigger::ThirdPartyBuyer], Some(d("2024-07-30")))
    );

    let l3 = &p[2];
    assert_eq!(
        (l3.company.as_deref(), l3.resolution_id),
        (Some("昆山智图人工智能"), Some(resolution(3)))
    );
    assert_eq!(
        (l3.commitment, l3.stake, l3.signed_on),
        (m("3000000"), Some(dec("0.12")), Some(d("2023-07-20")))
    );
    assert_eq!(
        (l3.company_paid_in, l3.required_cumulative),
        (m("30000000"), m("3000000"))
    );
    assert_eq!((l3.paid, l3.cost_not_exited), (m("3000000"), m("0")));
    assert_eq!(
        (l3.exits, l3.write_offs, l3.last_exit_on),
        (1, 1, Some(d("2024-11-30")))
    );
    assert_eq!(
        (l3.proceeds, l3.realised, l3.moic),
        (m("0"), m("-3000000"), Some(dec("0.0000")))
    );
    assert!(l3.fully_exited);
    assert_eq!(l3.reports, 1);
    let kpi = l3.latest_report.as_ref().unwrap();
    assert_eq!(
        (kpi.on, kpi.period.as_str(), kpi.revenue, kpi.net_assets),
        (d("2024-01-28"), "2023-H2", m("300000"), m("150000"))
    );
    assert_eq!(
        (
            kpi.staff,
            kpi.rd_staff,
            kpi.financing_rounds,
            kpi.going_concern
        ),
        (12, 4, 1, false)
    );
    assert_eq!(
        (l3.triggers.clone(), l3.last_trigger_on),
        (vec![Trigger::GoingConcernLost], Some(d("2024-01-28")))
    );
    assert_eq!(
        (l3.stage, l3.status, l3.supervisory_actions),
        (Some(Stage::PostInvestment), Some(ProjectStatus::Active), 1)
    );
}

#[test]
fn the_pipeline_counts_what_happened_in_2024() {
    let s = annual_report(year_2024_period()).pipeline;

    // P4 (02-01), P5 (06-03), P6 (07-01), P7 (12-31, the last day); not P8 (2025-01-02) nor
    // P9 (another fund's).
    assert_eq!(s.applications, 4);
    // P4 (02-15) and P6 (07-15) passed; P5 has 250 staff (> 200).
    assert_eq!((s.qualified, s.not_qualified), (2, 1));
    // P4 shortlisted 03-02 (P6 kept in follow-up), established 03-17, its four reports.
    assert_eq!(
        (s.shortlisted, s.established, s.due_diligence_reports),
        (1, 1, 4)
    );
    assert_eq!((s.proposed, s.proposed_amount), (1, m("2000000")));
    // R6 failed: P4's decision not approved on 04-16.
    assert_eq!((s.approved, s.not_approved), (0, 1));
    assert_eq!((s.agreements_signed, s.committed), (0, m("0")));
    // P1 01-20 and 07-20, P2 01-25 and 07-25, P3 01-28; triggers P3 01-28, P1 07-20, P2 07-30.
    assert_eq!((s.post_investment_reports, s.triggers_raised), (5, 3));
    // P5 at the review, P4 at the decision; P6 withdrawn in research.
    assert_eq!((s.rejected, s.withdrawn), (2, 1));
    // P1 to P7; active: P1, P2, P3 (post-investment) and P7 (application).
    assert_eq!((s.projects, s.active), (7, 4));
    let stages: Vec<_> = s
        .stages
        .iter()
        .map(|c| (c.stage, c.active, c.rejected, c.withdrawn))
        .collect();
    assert_eq!(
        stages,
        vec![
            (Stage::Application, 1, 1, 0),
            (Stage::Research, 0, 0, 1),
            (Stage::Establishment, 0, 0, 0),
            (Stage::DueDiligence, 0, 0, 0),
            (Stage::Decision, 0, 1, 0),
            (Stage::Implementation, 0, 0, 0),
            (Stage::PostInvestment, 3, 0, 0),
        ]
    );
}

#[test]
fn the_same_streams_in_another_order_give_the_same_bytes() {
    let history = annual();
    let (ordered, reversed) = (history.lists(false), history.lists(true));
    let period = year_2024_period();
    let once = report_bytes(&report(&ordered.inputs(), &period).unwrap());
    let again = report_bytes(&report(&reversed.inputs(), &period).unwrap());
    assert_eq!(once, again);

    let document: serde_json::Value = serde_json::from_slice(&once).unwrap();
    let text = String::from_utf8(once).unwrap();
    let keys = [
        "format",
        "period",
        "start",
        "as_of",
        "due",
        "basics",
        "lps",
        "lp_totals",
        "calls",
        "cash",
        "fees",
        "distributions",
        "investments",
        "performance",
        "loss_tolerance",
        "portfolio",
        "pipeline",
        "resolutions",
        "compliance",
        "exemptions",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert_eq!(document.as_object().unwrap().len(), keys.len());
    assert!(text.starts_with(r#"{"format":"fundadmin.report/1","period":"#));
}
