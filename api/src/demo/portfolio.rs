//! What follows a passed investment today (SPEC §2, §5, §6, §9): the agreement, the
//! company's paid-in reports each matched by an injection the custodian confirms (Art. 11),
//! its post-investment report (which may raise triggers 5 or 6 by itself), a trigger the
//! manager records, the exit plan passed by the committee and the exit — partial, with
//! proceeds collected, or a write-off with its liability-exemption case (Art. 22–23) — and
//! the distribution of the proceeds to the LPs.

use super::history::id;
use super::script::{self, Deal, Investment, Vote, MEMBERS, PROJECTS};
use super::session::{member_token, resolve, Outcome};
use super::Demo;
use anyhow::bail;
use chrono::Datelike;
use serde_json::json;
use uuid::Uuid;

/// Project `index` invested in as `investment` describes, after `deal` passed.
pub(super) async fn invest(
    demo: &mut Demo,
    index: usize,
    deal: &Deal,
    investment: &Investment,
) -> anyhow::Result<()> {
    let p = demo.projects[index];
    let today = demo.t.today;
    let project = |step: &str| format!("/projects/{p}/{step}");
    let body = json!({ "commitment": deal.amount,
                       "registered_capital": investment.registered_capital,
                       "other_shareholders": ["创始团队", "员工持股平台"], "signed_on": today });
    demo.manager(&project("agreement"), body).await?;
    for (paid_in, injection) in investment.paid_in {
        let body = json!({ "paid_in": paid_in, "on": today });
        demo.manager(&project("paid-in"), body).await?;
        let body = json!({ "amount": injection, "value_date": today });
        let r = demo.manager(&project("injections"), body).await?;
        demo.confirm(id(&r, "movement_id")?, json!(today)).await?;
    }
    let r = investment.report;
    let report = json!({ "period": last_quarter(today), "revenue": r.revenue,
                         "net_assets": r.net_assets, "staff": r.staff, "rd_staff": r.rd_staff,
                         "registered_city": r.registered_city, "going_concern": r.going_concern });
    let body = json!({ "report": report, "on": today });
    demo.manager(&project("reports"), body).await?;
    if let Some((trigger, note)) = investment.trigger {
        let body = json!({ "trigger": trigger, "note": note, "on": today });
        demo.manager(&project("triggers"), body).await?;
    }
    let Some(exit) = investment.exit else {
        return Ok(());
    };
    let plan = Deal {
        amount: exit.proceeds,
        mode: "written",
        votes: exit.votes,
        investment: None,
        ..*deal
    };
    let title = format!("退出{}", PROJECTS[index].company);
    let (resolution, outcome) = resolve(demo, "exit", &title, p, &plan, exit.votes).await?;
    if outcome != Outcome::Passed {
        bail!("the exit plan of {title} did not pass");
    }
    let body = json!({ "proceeds": exit.proceeds, "cost_released": exit.cost_released,
                       "on": today, "resolution_id": resolution });
    let exit_id = id(&demo.manager(&project("exits"), body).await?, "exit_id")?;
    if exit.proceeds != "0.00" {
        let body = json!({ "kind": "exit_proceeds", "exit_id": exit_id,
                           "amount": exit.proceeds, "value_date": today });
        demo.movement(body).await?;
    }
    if exit.exemption {
        exemption(demo, p, deal.votes).await?;
    }
    Ok(())
}

/// The distribution of [`script::DISTRIBUTION`], declared today; the first LP's share paid,
/// the second's instructed and left for the custodian to confirm.
pub(super) async fn distribute(demo: &mut Demo) -> anyhow::Result<()> {
    let today = demo.t.today;
    let body = json!({ "amount": script::DISTRIBUTION, "declared_on": today });
    let r = demo.manager("/distributions", body).await?;
    let distribution = id(&r, "distribution_id")?;
    let Some(allocations) = r["allocations"].as_array().cloned() else {
        bail!("a distribution answers its allocations: {r}");
    };
    for (n, line) in allocations.iter().enumerate() {
        let body = json!({ "kind": "distribution", "distribution_id": distribution,
                           "lp_id": line["lp_id"], "amount": line["amount"],
                           "value_date": today });
        if n == 0 {
            demo.movement(body).await?;
        } else {
            demo.manager("/movements", body).await?;
        }
    }
    Ok(())
}

/// The liability-exemption case of the written-off project `p`: covering the manager's
/// project lead and the members who approved it (`votes`), evaluated from the log,
/// attested by each, and granted by the authority.
async fn exemption(demo: &mut Demo, p: Uuid, votes: &[Vote]) -> anyhow::Result<()> {
    let today = demo.t.today;
    let staff = Uuid::now_v7();
    let mut covered = vec![
        json!({ "person_id": staff, "name": "吴昊", "role": "manager_staff",
                                   "part": "项目负责人：尽职调查、投资实施与投后管理" }),
    ];
    let mut attesting = vec![(staff, demo.tokens.manager.clone())];
    for (seat, choice) in votes {
        if *choice != "approve" {
            continue;
        }
        let index = usize::try_from(*seat)? - 1;
        let member = demo.tokens.members[index].0;
        covered.push(json!({ "person_id": member, "name": MEMBERS[index],
                             "role": "committee_member", "part": "投资决策委员会委员，投票同意" }));
        attesting.push((member, member_token(demo, *seat)?));
    }
    let body = json!({ "project_id": p, "covered": covered, "opened_on": today });
    let case = id(&demo.manager("/exemption-cases", body).await?, "case_id")?;
    let path = format!("/exemption-cases/{case}");
    demo.manager(&format!("{path}/evaluation"), json!({}))
        .await?;
    for (person, token) in &attesting {
        let body = json!({ "person_id": person, "no_personal_gain": true,
                           "no_violation_of_law": true, "signed_on": today,
                           "statement": "本人在该项目决策与实施中勤勉尽责，未谋取个人利益，未违反法律法规" });
        demo.post(token, &format!("{path}/attestations"), body)
            .await?;
    }
    let exemptions: Vec<_> = attesting
        .iter()
        .map(|(person, _)| {
            json!({ "person_id": person,
                    "exemptions": ["performance_evaluation", "promotion_rotation_title", "awards"] })
        })
        .collect();
    let body = json!({ "granted": true, "reference": format!("昆财免〔{}〕1号", today.year()),
                       "exemptions": exemptions, "on": today });
    let authority = demo.tokens.authority.clone();
    demo.post(&authority, &format!("{path}/determination"), body)
        .await?;
    Ok(())
}

/// The last quarter that has ended, as a company labels its report (`2026-Q3`).
fn last_quarter(today: chrono::NaiveDate) -> String {
    match today.month0() / 3 {
        0 => format!("{}-Q4", today.year() - 1),
        q => format!("{}-Q{q}", today.year()),
    }
}
