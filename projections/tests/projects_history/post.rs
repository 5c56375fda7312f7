//! After the investment: the company's periodic reports (one showing it moved out of the
//! city, which raises the trigger of Art. 16(5) once), a trigger the manager records and a
//! supervisory veto, then the checks of the project's row and of applying those events again.

use super::{d, yuan, History, Projects};
use domain::project::{CompanyReport, ProjectCommand, ProjectEvent, SupervisoryAction, Trigger};
use domain::{FundId, ProjectId};
use projections::projects::{self, ProjectsProjection};
use projections::Projection;
use rust_decimal::Decimal;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The company's `period` report on `on`, registered in `city`: 45 staff, 20 in R&D,
/// `revenue` and 8,000,000 of net assets, a going concern.
async fn company_report(
    h: &mut History,
    project: ProjectId,
    period: &str,
    revenue: i64,
    city: &str,
    on: &str,
) {
    let report = CompanyReport {
        period: period.into(),
        revenue: yuan(revenue),
        net_assets: yuan(8_000_000),
        staff: 45,
        rd_staff: 20,
        financing_rounds: vec![],
        raising_round: false,
        registered_city: city.into(),
        going_concern: true,
    };
    let command = ProjectCommand::ReportPostInvestment { report, on: d(on) };
    h.run(project, command).await;
}

/// The invested project after 2024-09-01 (see [`Projects::invested`]).
pub async fn post_investment(h: &mut History, invested: ProjectId) {
    company_report(h, invested, "2024-H1", 1_800_000, "上海", "2024-09-10").await;
    let trigger = ProjectCommand::RecordTrigger {
        trigger: Trigger::ShareholderBuyer,
        note: "创始人张伟拟回购基金所持股权".into(),
        on: d("2024-09-12"),
    };
    h.run(invested, trigger).await;
    let veto = ProjectCommand::RecordSupervisoryAction {
        action: SupervisoryAction::Veto,
        reason: "拟将募集资金用于理财".into(),
        on: d("2024-09-15"),
    };
    h.run(invested, veto).await;
    company_report(h, invested, "2024-Q3", 2_600_000, "上海", "2024-09-20").await;
}

/// The invested project's row after the investment: the latest report's KPIs (the second
/// one), the triggers in the order raised (the move out of the city once, though both
/// reports show it), one supervisory action. Projects without reports have none of it.
pub async fn check_post_investment(h: &History, fund: FundId, p: &Projects) {
    let c = h.db.pool.get().await.unwrap();
    let ids = [p.invested.0, p.implementing.0, Uuid::now_v7()];
    let rows = projects::projects_by_ids(&**c, fund.0, &ids).await.unwrap();
    let [invested, implementing] = &rows[..] else {
        panic!("{rows:?}")
    };
    assert_eq!(
        (
            invested.latest_period.as_deref(),
            invested.latest_revenue,
            invested.latest_net_assets,
            invested.latest_report_on,
        ),
        (
            Some("2024-Q3"),
            Some(dec("2600000.00")),
            Some(dec("8000000.00")),
            Some(d("2024-09-20"))
        )
    );
    assert_eq!(
        (
            invested.latest_staff,
            invested.latest_rd_staff,
            invested.latest_registered_city.as_deref(),
            invested.latest_going_concern,
        ),
        (Some(45), Some(20), Some("上海"), Some(true))
    );
    assert_eq!(
        (&invested.triggers[..], invested.supervisory_actions),
        (
            &[
                "moved_out_of_city".to_owned(),
                "shareholder_buyer".to_owned()
            ][..],
            1
        )
    );
    assert_eq!(
        (
            implementing.latest_period.as_deref(),
            implementing.latest_report_on,
            implementing.triggers.len(),
            implementing.supervisory_actions,
        ),
        (None, None, 0, 0)
    );
    // Another fund's ids find nothing.
    assert!(projects::projects_by_ids(&**c, Uuid::now_v7(), &ids)
        .await
        .unwrap()
        .is_empty());
}

/// Applies the invested project's post-investment events once more, newest first (which the
/// runner's dedupe prevents): the rows do not change (the earlier report does not replace
/// the latest one, no trigger is listed twice, the actions are not counted twice).
pub async fn replay_post_investment(h: &History, p: &Projects) {
    let c = h.db.pool.get().await.unwrap();
    let events = h
        .store
        .load_stream(&p.invested.stream_id(), 0)
        .await
        .unwrap();
    for event in events.iter().rev() {
        let post = matches!(
            event.decode::<ProjectEvent>().unwrap(),
            ProjectEvent::PostInvestmentReported { .. }
                | ProjectEvent::ExitTriggerRaised { .. }
                | ProjectEvent::SupervisoryActionRecorded { .. }
        );
        if !post {
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
