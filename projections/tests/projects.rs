//! The projects read model, fed by a real pipeline history through the repository: projects
//! at every stage, one kept in follow-up, one rejected at the qualification review, one
//! withdrawn, one turned down by the committee; the board (ages counted from its date), the
//! listing filters and pages, a project with its steps and, after the investment, its latest
//! report, the exit triggers raised (one detected from a report) and the supervisory actions;
//! another fund's project stays apart; a rebuild from the log gives the same rows, and
//! applying the post-investment events once more changes nothing.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod projects_history;

use domain::{FundId, ProjectId};
use projections::projects::{self, ProjectFilter, ProjectSummary, ProjectsProjection};
use projections::runner::rebuild;
use projects_history::post::{check_post_investment, replay_post_investment};
use projects_history::{d, history, History, Projects};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

/// Every row of both tables, in key order.
async fn all_rows(h: &History) -> Vec<Vec<serde_json::Value>> {
    let c = h.db.pool.get().await.unwrap();
    let mut tables = Vec::new();
    for (table, key) in [
        ("rm_projects", "project_id"),
        ("rm_project_steps", "project_id, version"),
    ] {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        let rows = c.query(&sql, &[]).await.unwrap();
        tables.push(rows.iter().map(|r| r.get(0)).collect());
    }
    tables
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ids(rows: &[ProjectSummary]) -> Vec<Uuid> {
    rows.iter().map(|s| s.project_id).collect()
}

async fn check_board(h: &History, fund: FundId, p: &Projects) {
    let c = h.db.pool.get().await.unwrap();
    let board = projects::board(&**c, fund.0, d("2024-10-01"))
        .await
        .unwrap();
    type Column = (String, Vec<(ProjectId, i64)>, i64, i64);
    let seen: Vec<Column> = board
        .iter()
        .map(|col| {
            let cards = col
                .projects
                .iter()
                .map(|card| (ProjectId(card.project_id), card.age_days))
                .collect();
            (col.stage.clone(), cards, col.rejected, col.withdrawn)
        })
        .collect();
    let col = |stage: &str, cards: Vec<(ProjectId, i64)>, rejected, withdrawn| -> Column {
        (stage.to_owned(), cards, rejected, withdrawn)
    };
    assert_eq!(
        seen,
        [
            // The longest there first.
            col("application", vec![(p.early, 224), (p.applied, 214)], 1, 0),
            // A follow-up stays in research since the review.
            col("research", vec![(p.follow_up, 200)], 0, 0),
            col("establishment", vec![], 0, 1),
            col("due_diligence", vec![(p.diligence, 148)], 0, 0),
            col("decision", vec![], 1, 0),
            col("implementation", vec![(p.implementing, 78)], 0, 0),
            col("post_investment", vec![(p.invested, 61)], 0, 0),
        ]
    );
    let card = &board[0].projects[1];
    assert_eq!(
        (
            card.company.as_str(),
            card.status.as_str(),
            card.stage_since
        ),
        ("昆山甲科技有限公司", "active", d("2024-03-01"))
    );
    // The ages follow the board's date.
    let later = projects::board(&**c, fund.0, d("2024-10-11"))
        .await
        .unwrap();
    assert_eq!(later[6].projects[0].age_days, 71);
    let json = serde_json::to_value(&later).unwrap();
    assert_eq!(json[6]["projects"][0]["stage_since"], "2024-08-01");
    assert_eq!(json[6]["stage"], "post_investment");
    // A fund without projects: every stage, empty.
    let empty = projects::board(&**c, Uuid::now_v7(), d("2024-10-01"))
        .await
        .unwrap();
    assert_eq!(empty.len(), 7);
    assert!(empty
        .iter()
        .all(|col| col.projects.is_empty() && col.rejected == 0 && col.withdrawn == 0));
}

async fn check_list(h: &History, fund: FundId, p: &Projects) {
    let c = h.db.pool.get().await.unwrap();
    let c = &**c;
    let list = |filter: ProjectFilter, after: Option<ProjectId>, limit: i64| async move {
        projects::projects(c, fund.0, &filter, after.map(|a| a.0), limit)
            .await
            .unwrap()
    };
    let filter = |stage: Option<&str>, status: Option<&str>| ProjectFilter {
        stage: stage.map(str::to_owned),
        status: status.map(str::to_owned),
    };
    let all = list(ProjectFilter::default(), None, 100).await;
    let every = [
        p.applied,
        p.follow_up,
        p.diligence,
        p.invested,
        p.implementing,
        p.ineligible,
        p.withdrawn,
        p.turned_down,
        p.early,
    ];
    assert_eq!(ids(&all), every.map(|id| id.0));
    let rejected = list(filter(None, Some("rejected")), None, 100).await;
    assert_eq!(ids(&rejected), [p.ineligible.0, p.turned_down.0]);
    let decision = list(filter(Some("decision"), None), None, 100).await;
    assert_eq!(ids(&decision), [p.turned_down.0]);
    let waiting = list(filter(Some("application"), Some("active")), None, 100).await;
    assert_eq!(ids(&waiting), [p.applied.0, p.early.0]);
    let withdrawn = list(filter(Some("establishment"), Some("withdrawn")), None, 100).await;
    assert_eq!(ids(&withdrawn), [p.withdrawn.0]);
    assert!(list(filter(Some("research"), Some("rejected")), None, 100)
        .await
        .is_empty());
    // Pages.
    let page = list(ProjectFilter::default(), Some(p.diligence), 2).await;
    assert_eq!(ids(&page), [p.invested.0, p.implementing.0]);
    assert!(list(ProjectFilter::default(), Some(p.early), 2)
        .await
        .is_empty());
    assert!(list(ProjectFilter::default(), None, 0).await.is_empty());

    // The rows as they stand.
    let row = |id: ProjectId| all.iter().find(|s| s.project_id == id.0).unwrap();
    let applied = row(p.applied);
    assert_eq!(
        (applied.stage.as_str(), applied.eligible, applied.updated_on),
        ("application", None, d("2024-03-01"))
    );
    let follow_up = row(p.follow_up);
    assert_eq!(
        (follow_up.stage.as_str(), follow_up.stage_since),
        ("research", d("2024-03-15"))
    );
    assert_eq!(follow_up.updated_on, d("2024-04-01"));
    let diligence = row(p.diligence);
    // Two kinds in, the commercial one twice.
    assert_eq!(
        (diligence.dd_reports, diligence.updated_on),
        (2, d("2024-06-05"))
    );
    let ineligible = row(p.ineligible);
    assert_eq!(
        (
            ineligible.stage.as_str(),
            ineligible.status.as_str(),
            ineligible.stage_since,
            ineligible.eligible,
            ineligible.conditions_failed,
        ),
        ("application", "rejected", d("2024-03-20"), Some(false), 1)
    );
    assert_eq!(
        ineligible.closed_reason.as_deref(),
        Some("not eligible: leading_industry (Art. 13(2))")
    );
    let withdrawn = row(p.withdrawn);
    assert_eq!(
        (
            withdrawn.stage.as_str(),
            withdrawn.stage_since,
            withdrawn.closed_reason.as_deref()
        ),
        ("establishment", d("2024-04-20"), Some("企业撤回申请"))
    );
    let turned_down = row(p.turned_down);
    assert_eq!(
        (
            turned_down.stage.as_str(),
            turned_down.status.as_str(),
            turned_down.approved,
            turned_down.stage_since,
        ),
        ("decision", "rejected", Some(false), d("2024-07-20"))
    );
    assert_eq!(
        turned_down.closed_reason.as_deref(),
        Some("the committee did not approve (failed)")
    );
    let implementing = row(p.implementing);
    assert_eq!(
        (implementing.approved, implementing.commitment),
        (Some(true), None)
    );
}

async fn check_detail(h: &History, fund: FundId, p: &Projects) {
    let c = h.db.pool.get().await.unwrap();
    let c = &**c;
    let view = projects::project(c, fund.0, p.invested.0)
        .await
        .unwrap()
        .unwrap();
    let s = &view.summary;
    assert_eq!(
        (s.fund_id, s.company.as_str(), s.industry.as_str()),
        (fund.0, "昆山丁半导体有限公司", "集成电路")
    );
    assert_eq!(
        (s.stage.as_str(), s.status.as_str(), s.stage_since),
        ("post_investment", "active", d("2024-08-01"))
    );
    assert_eq!(
        (s.applied_on, s.eligible, s.conditions_failed, s.dd_reports),
        (d("2024-03-01"), Some(true), 0, 4)
    );
    assert_eq!(
        (
            s.proposed_amount,
            s.fund_stake,
            s.higher_approval_ref.as_deref()
        ),
        (Some(dec("3000000.00")), Some(dec("0.15")), None)
    );
    assert_eq!(
        (s.resolution_id, s.approved),
        (Some(p.invested_resolution.0), Some(true))
    );
    assert_eq!(
        (s.commitment, s.registered_capital),
        (Some(dec("3000000.00")), Some(dec("10000000.00")))
    );
    // 30% of the registered capital paid in: 30% of the commitment due (Art. 11).
    assert_eq!(
        (s.company_paid_in, s.required_cumulative, s.updated_on),
        (
            Some(dec("3000000.00")),
            Some(dec("900000.00")),
            d("2024-09-20")
        )
    );
    let steps: Vec<(i64, &str, chrono::NaiveDate)> = view
        .steps
        .iter()
        .map(|s| (s.version, s.event_type.as_str(), s.on))
        .collect();
    assert_eq!(
        steps,
        [
            (1, "ProjectApplied", d("2024-03-01")),
            (2, "QualificationReviewed", d("2024-03-15")),
            (3, "ResearchCompleted", d("2024-04-10")),
            (4, "ProjectEstablished", d("2024-05-06")),
            (5, "DueDiligenceRecorded", d("2024-06-03")),
            (6, "DueDiligenceRecorded", d("2024-06-04")),
            (7, "DueDiligenceRecorded", d("2024-06-05")),
            (8, "DueDiligenceRecorded", d("2024-06-06")),
            (9, "InvestmentProposed", d("2024-07-01")),
            (10, "DecisionRecorded", d("2024-07-15")),
            (11, "AgreementSigned", d("2024-08-01")),
            (12, "PaidInReported", d("2024-09-01")),
            (13, "PostInvestmentReported", d("2024-09-10")),
            (14, "ExitTriggerRaised", d("2024-09-10")),
            (15, "ExitTriggerRaised", d("2024-09-12")),
            (16, "SupervisoryActionRecorded", d("2024-09-15")),
            (17, "PostInvestmentReported", d("2024-09-20")),
        ]
    );
    let summaries: Vec<&serde_json::Value> = view.steps.iter().map(|s| &s.summary).collect();
    assert_eq!(summaries[1], &json!({ "passed": true, "failed": [] }));
    assert_eq!(summaries[2]["outcome"], "shortlisted");
    assert_eq!(summaries[7]["kind"], "expert_review");
    assert_eq!(summaries[8]["amount"], "3000000.00");
    assert_eq!(summaries[8]["fund_stake"], "0.15");
    assert_eq!(
        summaries[9],
        &json!({ "resolution_id": p.invested_resolution.0, "approved": true })
    );
    assert_eq!(
        summaries[11],
        &json!({ "paid_in": "3000000.00", "required_cumulative": "900000.00" })
    );
    assert_eq!(summaries[12]["rd_staff"], 20);
    assert_eq!(
        summaries[13],
        &json!({ "trigger": "moved_out_of_city", "clause": "Art. 16(5)", "detected": true,
                 "note": "detected from the 2024-H1 report" })
    );
    assert_eq!(
        (&summaries[14]["trigger"], &summaries[15]["action"]),
        (&json!("shareholder_buyer"), &json!("veto"))
    );
    // As the API shows it: the summary inlined, amounts as strings, dates as YYYY-MM-DD.
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["stage"], "post_investment");
    assert_eq!(json["commitment"], "3000000.00");
    assert_eq!(
        json["triggers"],
        json!(["moved_out_of_city", "shareholder_buyer"])
    );
    assert_eq!(
        (&json["latest_revenue"], &json["latest_report_on"]),
        (&json!("2600000.00"), &json!("2024-09-20"))
    );
    assert_eq!(json["steps"][0]["on"], "2024-03-01");
    assert_eq!(
        json["steps"][0]["summary"]["company"],
        "昆山丁半导体有限公司"
    );

    // The one rejected at the review: the failed condition in its history.
    let ineligible = projects::project(c, fund.0, p.ineligible.0)
        .await
        .unwrap()
        .unwrap();
    let types: Vec<&str> = ineligible
        .steps
        .iter()
        .map(|s| s.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        ["ProjectApplied", "QualificationReviewed", "ProjectRejected"]
    );
    let review = &ineligible.steps[1].summary;
    assert_eq!(review["passed"], false);
    assert_eq!(review["failed"][0]["code"], "leading_industry");
    assert_eq!(review["failed"][0]["rule"], "Art. 13(2)");
    assert_eq!(
        ineligible.steps[2].summary,
        json!({
            "stage": "application",
            "reason": "not eligible: leading_industry (Art. 13(2))"
        })
    );
    let withdrawn = projects::project(c, fund.0, p.withdrawn.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        withdrawn.steps.last().unwrap().summary,
        json!({ "stage": "establishment", "reason": "企业撤回申请" })
    );
    // Another fund's id, or an unknown project, finds nothing.
    assert!(projects::project(c, Uuid::now_v7(), p.invested.0)
        .await
        .unwrap()
        .is_none());
    assert!(projects::project(c, fund.0, Uuid::now_v7())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pipeline_follows_the_log_and_a_rebuild_gives_the_same_rows() {
    let mut h = History::new().await;
    let fund = FundId(Uuid::now_v7());
    let p = history(&mut h, fund).await;
    // Another fund's project stays apart.
    let other = FundId(Uuid::now_v7());
    let theirs = h.apply(other, "苏州其他科技有限公司", "2024-03-01").await;
    h.catch_up().await;

    check_board(&h, fund, &p).await;
    check_list(&h, fund, &p).await;
    check_detail(&h, fund, &p).await;
    check_post_investment(&h, fund, &p).await;
    let c = h.db.pool.get().await.unwrap();
    let board = projects::board(&**c, other.0, d("2024-03-02"))
        .await
        .unwrap();
    assert_eq!(board[0].projects.len(), 1);
    assert_eq!(
        (
            board[0].projects[0].project_id,
            board[0].projects[0].age_days
        ),
        (theirs.0, 1)
    );
    let all = projects::projects(&**c, other.0, &ProjectFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(ids(&all), [theirs.0]);
    drop(c);

    let before = all_rows(&h).await;
    let counts: Vec<usize> = before.iter().map(Vec::len).collect();
    assert_eq!(counts, [10, h.appended()]);
    let applied = rebuild(&ProjectsProjection, &h.db.pool, &h.store, &h.metrics)
        .await
        .unwrap();
    assert_eq!(applied, h.appended() as u64);
    assert_eq!(all_rows(&h).await, before);
    check_board(&h, fund, &p).await;
    check_detail(&h, fund, &p).await;
    check_post_investment(&h, fund, &p).await;
    replay_post_investment(&h, &p).await;
    assert_eq!(all_rows(&h).await, before);
}
