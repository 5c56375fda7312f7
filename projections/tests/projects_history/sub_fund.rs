//! A guidance fund's commitment to a sub-fund through the pipeline (SPEC §10), then the
//! sub-fund's portfolio investments: the project's row sums them, all and local (返投), from
//! zero at the application; a company's row has no such sums. Applying the reports once more
//! (which the runner's dedupe prevents) and a rebuild from the log change nothing.

use super::{d, yuan, History};
use domain::committee::{Mode, Status as ResolutionStatus, SubjectKind};
use domain::fund::phases::Phase;
use domain::fund::policy::{EligibilityPolicy, GuidancePolicy};
use domain::guidance::{ReturnTerms, SubFundFacts, SubFundLp};
use domain::project::ProjectCommand as C;
use domain::project::{DecisionFacts, DueDiligenceKind, ProjectEvent, ResearchOutcome};
use domain::{FundId, Money, ProjectId, ResolutionId};
use projections::projects::{self, ProjectSummary, ProjectsProjection};
use projections::runner::rebuild;
use projections::Projection;
use rust_decimal::Decimal;
use serde_json::json;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A 100,000,000 sub-fund in 集成电路 with two other LPs (30,000,000 and 40,000,000).
fn facts() -> SubFundFacts {
    let lp = |name: &str, commitment| SubFundLp {
        name: name.into(),
        commitment: yuan(commitment),
    };
    SubFundFacts {
        name: "昆山集成电路产业投资基金".into(),
        manager: "昆山某某私募基金管理有限公司".into(),
        size: yuan(100_000_000),
        term_years: 7,
        focus: "集成电路".into(),
        other_lps: vec![lp("昆山国创", 30_000_000), lp("苏州产投", 40_000_000)],
    }
}

/// The sub-fund project taken to post-investment: 20,000,000 committed, signed 2024-08-01,
/// 50,000,000 of the sub-fund called by 2024-09-01.
pub(super) async fn committed(h: &mut History, fund: FundId) -> ProjectId {
    let project = ProjectId(Uuid::now_v7());
    let dd = DueDiligenceKind::ALL
        .into_iter()
        .map(|kind| C::RecordDueDiligence {
            kind,
            provider: "立信会计师事务所".into(),
            document_ref: format!("DD-{kind:?}"),
            on: d("2024-06-03"),
        });
    let commands = [
        C::ApplySubFund {
            project_id: project,
            fund_id: fund,
            sub_fund: facts(),
            applied_on: d("2024-03-01"),
        },
        C::ReviewQualification {
            policy: EligibilityPolicy::default(),
            reviewed_on: d("2024-03-15"),
        },
        C::CompleteResearch {
            outcome: ResearchOutcome::Shortlisted,
            note: "走访管理人".into(),
            on: d("2024-04-10"),
        },
        C::Establish {
            partner_opinion_ref: "立项意见〔2024〕3号".into(),
            on: d("2024-05-06"),
        },
    ]
    .into_iter()
    .chain(dd)
    .chain([
        C::ProposeCommitment {
            commitment: yuan(20_000_000),
            return_terms: ReturnTerms::default(),
            guidance: GuidancePolicy::default(),
            prohibited_industries: vec![],
            phase: Some(Phase::Investment),
            on: d("2024-07-01"),
        },
        C::RecordDecision {
            decision: DecisionFacts {
                resolution_id: ResolutionId(Uuid::now_v7()),
                fund,
                kind: SubjectKind::Investment,
                reference: project.0.to_string(),
                amount: yuan(20_000_000),
                mode: Mode::OnSite,
                status: ResolutionStatus::Passed,
            },
            written_vote_max: yuan(3_000_000),
            on: d("2024-07-15"),
        },
        C::SignAgreement {
            commitment: yuan(20_000_000),
            registered_capital: yuan(100_000_000),
            other_shareholders: vec!["昆山国创".into(), "苏州产投".into()],
            signed_on: d("2024-08-01"),
        },
        C::ReportPaidIn {
            paid_in: yuan(50_000_000),
            on: d("2024-09-01"),
        },
    ]);
    for command in commands.collect::<Vec<_>>() {
        h.run(project, command).await;
    }
    project
}

/// The sub-fund reports a portfolio investment in `city`.
pub(super) fn reported(company: &str, city: &str, amount: Money, on: &str) -> C {
    C::ReportSubFundInvestment {
        company: company.into(),
        city: city.into(),
        amount,
        fund_city: "昆山".into(),
        on: d(on),
    }
}

async fn rows(h: &History, fund: FundId, ids: &[ProjectId]) -> Vec<ProjectSummary> {
    let c = h.db.pool.get().await.unwrap();
    let ids: Vec<Uuid> = ids.iter().map(|p| p.0).collect();
    projects::projects_by_ids(&**c, fund.0, &ids).await.unwrap()
}

/// Applies the project's investment reports once more, newest first.
async fn replay_reports(h: &History, project: ProjectId) {
    let c = h.db.pool.get().await.unwrap();
    let events = h.store.load_stream(&project.stream_id(), 0).await.unwrap();
    for event in events.iter().rev() {
        let report = matches!(
            event.decode::<ProjectEvent>().unwrap(),
            ProjectEvent::SubFundInvestmentReported { .. }
        );
        if !report {
            continue;
        }
        for write in ProjectsProjection.writes(event).unwrap() {
            let params: Vec<&(dyn ToSql + Sync)> = write
                .params
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let sql = ProjectsProjection::STATEMENTS[write.statement];
            c.execute(sql, &params).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sub_fund_sums_its_reported_investments_all_and_local() {
    let mut h = History::new().await;
    let fund = FundId(Uuid::now_v7());
    let company = h.apply(fund, "昆山甲科技有限公司", "2024-03-01").await;
    let sub_fund = committed(&mut h, fund).await;
    h.catch_up().await;
    let [c, s] = &rows(&h, fund, &[company, sub_fund]).await[..] else {
        panic!("two rows")
    };
    assert_eq!(
        (c.sub_fund_invested, c.sub_fund_invested_locally),
        (None, None)
    );
    assert_eq!(
        (s.company.as_str(), s.industry.as_str(), s.stage.as_str()),
        ("昆山集成电路产业投资基金", "集成电路", "post_investment")
    );
    assert_eq!(
        (s.proposed_amount, s.commitment, s.required_cumulative),
        (
            Some(dec("20000000.00")),
            Some(dec("20000000.00")),
            Some(dec("10000000.00"))
        )
    );
    let zero = Some(dec("0"));
    assert_eq!(
        (s.sub_fund_invested, s.sub_fund_invested_locally),
        (zero, zero)
    );

    // Two in the city (one written with spaces), one elsewhere.
    for (company, city, amount, on) in [
        ("昆山芯片科技", "昆山", yuan(10_000_000), "2024-10-10"),
        ("上海封测科技", "上海", yuan(5_000_000), "2024-11-10"),
        (
            "昆山材料科技",
            " 昆山 ",
            Money::from_fen(250_000_050),
            "2024-12-10",
        ),
    ] {
        h.run(sub_fund, reported(company, city, amount, on)).await;
    }
    h.catch_up().await;
    let [_, s] = &rows(&h, fund, &[company, sub_fund]).await[..] else {
        panic!("two rows")
    };
    assert_eq!(
        (s.sub_fund_invested, s.sub_fund_invested_locally),
        (Some(dec("17500000.50")), Some(dec("12500000.50")))
    );
    assert_eq!(s.updated_on, d("2024-12-10"));
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(
        (
            &json["sub_fund_invested"],
            &json["sub_fund_invested_locally"]
        ),
        (&json!("17500000.50"), &json!("12500000.50"))
    );
    let c = h.db.pool.get().await.unwrap();
    let view = projects::project(&**c, fund.0, sub_fund.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.summary, *s);
    assert_eq!(
        view.steps.last().unwrap().summary,
        json!({ "company": "昆山材料科技", "city": "昆山", "amount": "2500000.50",
                "local": true })
    );
    drop(c);

    // Applied again, or rebuilt: the same rows.
    let before = rows(&h, fund, &[company, sub_fund]).await;
    replay_reports(&h, sub_fund).await;
    assert_eq!(rows(&h, fund, &[company, sub_fund]).await, before);
    rebuild(&ProjectsProjection, &h.db.pool, &h.store, &h.metrics)
        .await
        .unwrap();
    assert_eq!(rows(&h, fund, &[company, sub_fund]).await, before);
}
