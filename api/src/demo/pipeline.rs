//! The pipeline's past (SPEC §3, Art. 13, 15): each project's application and the steps
//! that followed it before today, at most up to the proposal put to the committee. Steps
//! are dated after the application: the qualification review 10 days later, the research
//! 30, the establishment (立项) 45, the four due-diligence reports 60 to 80, the proposal 90.

use super::history::id;
use super::script::{Deal, Facts, Project, Story, CITY, FUND_NAME, PROJECTS};
use super::Demo;
use chrono::{Datelike, Days, NaiveDate};
use serde_json::{json, Value};

/// The due-diligence reports: kind, provider (invented), in days after the application.
const DUE_DILIGENCE: [(&str, &str, u64); 4] = [
    ("commercial", "江苏润衡产业研究院", 60),
    ("legal", "昆山正衡律师事务所", 65),
    ("financial", "苏州信诚会计师事务所", 70),
    ("expert_review", "昆山市天使投资基金专家评审组", 80),
];

/// Every project applied for and taken through its past steps; their ids, in the order of
/// [`PROJECTS`].
pub(super) async fn past_steps(demo: &mut Demo) -> anyhow::Result<()> {
    for (index, project) in PROJECTS.iter().enumerate() {
        let applied = demo.t.ago(project.applied_days_ago);
        let body = json!({ "company": project.company, "facts": facts(&project.facts, applied),
                           "applied_on": applied });
        let id = id(&demo.manager("/projects", body).await?, "project_id")?;
        demo.projects.push(id);
        for (step, body) in steps(project, index, applied) {
            demo.manager(&format!("/projects/{id}/{step}"), body)
                .await?;
        }
    }
    Ok(())
}

/// The facts of an application on `applied`, in the fund's city.
fn facts(f: &Facts, applied: NaiveDate) -> Value {
    let founded = applied
        .checked_sub_days(Days::new(f.founded_days_before))
        .unwrap_or(applied);
    json!({ "registered_city": CITY, "operating_city": CITY, "independent_legal_person": true,
            "industry": f.industry, "ip": f.ip, "business_model_company": false,
            "staff": f.staff, "rd_staff": f.rd_staff, "clear_ownership": true,
            "subsidiary_of_large_group": false, "annual_revenue": f.revenue,
            "net_assets": f.net_assets, "rd_spending": f.rd_spending, "founded_on": founded })
}

/// The steps of `project` before today, each the path after the project and its body.
fn steps(project: &Project, index: usize, applied: NaiveDate) -> Vec<(&'static str, Value)> {
    let on = |days: u64| applied.checked_add_days(Days::new(days)).unwrap_or(applied);
    let review = ("qualification-review", json!({ "on": on(10) }));
    let research = |outcome: &str, note: &str| {
        let body = json!({ "outcome": outcome, "note": note, "on": on(30) });
        ("research", body)
    };
    let shortlisted = research(
        "shortlisted",
        "实地走访企业，核心团队稳定，技术具备先发优势",
    );
    let opinion = format!("工研院立项意见〔{}〕{}号", on(45).year(), index + 1);
    let establishment = (
        "establishment",
        json!({ "partner_opinion_ref": opinion, "on": on(45) }),
    );
    let due_diligence = |reports: usize| {
        DUE_DILIGENCE
            .iter()
            .take(reports)
            .map(move |(kind, provider, days)| {
                let document = format!("DD-{}-{kind}", index + 1);
                let body = json!({ "kind": kind, "provider": provider, "document_ref": document,
                               "on": on(*days) });
                ("due-diligence", body)
            })
    };
    let mut steps = Vec::new();
    match project.story {
        Story::Applied => {}
        Story::Ineligible => steps.push(review),
        Story::FollowUp => {
            steps.push(review);
            steps.push(research(
                "follow_up",
                "产品尚处样机阶段，持续跟踪下一轮融资进展",
            ));
        }
        Story::Shortlisted => steps.extend([review, shortlisted]),
        Story::DueDiligence => {
            steps.extend([review, shortlisted, establishment]);
            steps.extend(due_diligence(2));
        }
        Story::Withdrawn => {
            steps.extend([review, shortlisted, establishment]);
            steps.extend(due_diligence(1));
            let reason = "企业已获其他机构全额投资，主动撤回申请";
            steps.push(("withdrawal", json!({ "reason": reason, "on": on(75) })));
        }
        Story::Committee(deal) => {
            steps.extend([review, shortlisted, establishment]);
            steps.extend(due_diligence(4));
            steps.push(("proposal", proposal(project, deal, on(90))));
        }
    }
    steps
}

/// The proposal of `deal`: the fund's stake below the founders', equity, the application's
/// industry.
fn proposal(project: &Project, deal: &Deal, on: NaiveDate) -> Value {
    let cap_table = json!([
        { "name": FUND_NAME, "stake": deal.stake, "is_fund": true },
        { "name": "创始团队", "stake": "0.55", "is_fund": false },
        { "name": "员工持股平台", "stake": "0.15", "is_fund": false },
    ]);
    json!({ "proposal": { "amount": deal.amount, "post_money_cap_table": cap_table,
                          "instrument": "equity", "industry": project.facts.industry },
            "price": "1.00", "on": on })
}
