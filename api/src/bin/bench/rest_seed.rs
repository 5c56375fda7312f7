//! Seeding for the REST benchmark: funds brought, through the REST API of the running
//! server, to the point where the measured command can be repeated without end. Each fund
//! gets its committee (five seats), one project taken through the whole flow (application,
//! review, research, establishment, the four due-diligence reports, the proposal, an
//! investment resolution passed by four votes, the decision, the agreement), so the project
//! is in post-investment, where the company's periodic reports can be recorded any number of
//! times (a trigger is raised once; a plain report raises none). Tokens (admin, manager,
//! members) are issued into the database, as `fundadmin token create` does.

use super::http::Conn;
use anyhow::Context;
use api::auth::{create_token, Principal};
use domain::{FundId, MemberId};
use eventstore::PgPool;
use serde_json::{json, Value};
use std::net::SocketAddr;
use uuid::Uuid;

/// A project in post-investment, and who may report on it.
#[derive(Clone)]
pub struct Target {
    /// Its fund.
    pub fund: Uuid,
    /// The project.
    pub project: Uuid,
    /// A manager token of the fund.
    pub manager: String,
}

impl Target {
    /// Where its post-investment reports are posted.
    pub fn reports_path(&self) -> String {
        format!("/funds/{}/projects/{}/reports", self.fund, self.project)
    }
}

/// The measured command's body: a plain periodic report (raises no trigger).
pub fn report_body() -> Vec<u8> {
    let body = json!({ "report": { "period": "2021-H2", "revenue": "5200000.00",
        "net_assets": "4100000.00", "staff": 82, "rd_staff": 21, "financing_rounds": [],
        "raising_round": false, "registered_city": "昆山", "going_concern": true },
        "on": "2021-07-01" });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Seeds `funds` funds, `parallel` at a time.
pub async fn seed(
    pool: &PgPool,
    addr: SocketAddr,
    funds: usize,
    parallel: usize,
) -> anyhow::Result<Vec<Target>> {
    let admin = create_token(pool, &Principal::Admin, None, Some("bench admin"))
        .await?
        .token;
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks: Vec<_> = (0..parallel.clamp(1, funds.max(1)))
        .map(|_| {
            let (pool, admin, next) = (pool.clone(), admin.clone(), next.clone());
            tokio::spawn(async move {
                let mut conn = Conn::connect(addr).await?;
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= funds {
                        return anyhow::Ok(out);
                    }
                    out.push((i, one_fund(&pool, &mut conn, &admin, i).await?));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// Posts and asserts a 2xx; returns the answer.
async fn ok(conn: &mut Conn, path: &str, token: &str, body: Value) -> anyhow::Result<Value> {
    conn.post(path, token, &body)
        .await?
        .ok_json()
        .with_context(|| format!("POST {path}"))
}

fn id(v: &Value, field: &str) -> anyhow::Result<String> {
    v[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {v}"))
}

async fn one_fund(pool: &PgPool, conn: &mut Conn, admin: &str, i: usize) -> anyhow::Result<Target> {
    let fund = json!({ "name": format!("基准基金{i}"), "kind": "angel",
        "total_size": "300000000.00", "establishment_date": "2021-01-01",
        "manager": "昆山市天使投资管理有限公司", "custodian": "中国工商银行昆山分行",
        "city": "昆山", "policy": { "investment_months": 12,
                                  "eligibility": { "industries": ["集成电路"] } } });
    let fund_id: Uuid = id(&ok(conn, "/funds", admin, fund).await?, "fund_id")?.parse()?;
    let f = FundId(fund_id);
    let manager = create_token(pool, &Principal::Manager { fund: f }, None, Some("bench"))
        .await?
        .token;
    let at = |s: &str| format!("/funds/{fund_id}{s}");
    let mut members = Vec::new();
    for seat in 1..=5 {
        let body = json!({ "name": format!("委员{seat}"), "appointed_on": "2021-01-01" });
        let path = at(&format!("/committee/seats/{seat}/appointment"));
        let r = ok(conn, &path, &manager, body).await?;
        let member = MemberId(id(&r, "person_id")?.parse()?);
        let principal = Principal::Member {
            fund: f,
            seat,
            member,
        };
        members.push(create_token(pool, &principal, None, None).await?.token);
    }
    let facts = json!({ "registered_city": "昆山", "operating_city": "昆山",
        "independent_legal_person": true, "industry": "集成电路", "ip": ["patent"],
        "business_model_company": false, "staff": 80, "rd_staff": 20,
        "clear_ownership": true, "subsidiary_of_large_group": false,
        "annual_revenue": "5000000.00", "net_assets": "4000000.00",
        "rd_spending": "900000.00", "founded_on": "2019-01-01" });
    let apply = json!({ "company": format!("昆山芯片科技{i}"), "facts": facts,
                        "applied_on": "2021-02-01" });
    let project = id(
        &ok(conn, &at("/projects"), &manager, apply).await?,
        "project_id",
    )?;
    let step = |s: &str| at(&format!("/projects/{project}/{s}"));
    let mut steps = vec![
        ("qualification-review", json!({ "on": "2021-02-10" })),
        (
            "research",
            json!({ "outcome": "shortlisted", "note": "调研", "on": "2021-03-01" }),
        ),
        (
            "establishment",
            json!({ "partner_opinion_ref": "意见1号", "on": "2021-03-15" }),
        ),
    ];
    for kind in ["commercial", "legal", "financial", "expert_review"] {
        steps.push((
            "due-diligence",
            json!({ "kind": kind, "provider": "某所", "document_ref": kind,
                    "on": "2021-04-01" }),
        ));
    }
    steps.push((
        "proposal",
        json!({ "proposal": { "amount": "3000000.00",
        "post_money_cap_table": [{ "name": "基金", "stake": "0.15", "is_fund": true },
                                 { "name": "创始人", "stake": "0.60", "is_fund": false }],
        "instrument": "equity", "industry": "集成电路" }, "price": "1.00", "on": "2021-05-01" }),
    ));
    for (s, body) in steps {
        ok(conn, &step(s), &manager, body).await?;
    }
    let resolution = json!({ "subject": { "kind": "investment", "title": "投资",
                                          "reference": project },
                             "amount": "3000000.00", "mode": "written",
                             "deadline": "2099-01-01T00:00:00Z" });
    let r = ok(conn, &at("/resolutions"), &manager, resolution).await?;
    let resolution = id(&r, "resolution_id")?;
    for token in &members[..4] {
        let path = at(&format!("/resolutions/{resolution}/votes"));
        ok(conn, &path, token, json!({ "choice": "approve" })).await?;
    }
    ok(
        conn,
        &step("decision"),
        &manager,
        json!({ "resolution_id": resolution, "on": "2021-05-20" }),
    )
    .await?;
    ok(
        conn,
        &step("agreement"),
        &manager,
        json!({ "commitment": "3000000.00", "registered_capital": "10000000.00",
                "signed_on": "2021-06-01" }),
    )
    .await?;
    Ok(Target {
        fund: fund_id,
        project: project.parse()?,
        manager,
    })
}
