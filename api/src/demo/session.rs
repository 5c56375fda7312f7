//! Today's committee session (Art. 14, 15(6)): a resolution on every proposal, voted now by
//! the members with their own tokens — in writing up to 3,000,000, at an on-site meeting
//! above, attended by the members and the observers — and the decision recorded today for
//! those that passed or failed. The one left open stays in its members' inboxes.

use super::history::id;
use super::script::{Deal, Vote, PROJECTS};
use super::Demo;
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

/// How long a resolution stays open: the scheduler lapses it after that.
const DEADLINE_DAYS: i64 = 30;

/// Where a resolution stands after its votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// 4 approvals.
    Passed,
    /// The quorum out of reach.
    Failed,
    /// Still open.
    Open,
}

/// Puts every proposal to the committee and records the decisions; then each passed
/// investment goes on (see `portfolio`).
pub(super) async fn decide_proposals(demo: &mut Demo) -> anyhow::Result<()> {
    for (index, project) in PROJECTS.iter().enumerate() {
        let super::script::Story::Committee(deal) = project.story else {
            continue;
        };
        let p = demo.projects[index];
        let title = format!("投资{}", project.company);
        let (resolution, outcome) =
            resolve(demo, "investment", &title, p, deal, deal.votes).await?;
        if outcome == Outcome::Open {
            continue;
        }
        let body = json!({ "resolution_id": resolution, "on": demo.t.today });
        demo.manager(&format!("/projects/{p}/decision"), body)
            .await?;
        if let (Outcome::Passed, Some(investment)) = (outcome, deal.investment) {
            super::portfolio::invest(demo, index, deal, &investment).await?;
        }
    }
    Ok(())
}

/// Opens a resolution of `kind` on project `p` for `deal`'s amount and mode, holds its
/// meeting if it is on site, and casts `votes`; its id and where it stands.
pub(super) async fn resolve(
    demo: &mut Demo,
    kind: &str,
    title: &str,
    p: Uuid,
    deal: &Deal,
    votes: &[Vote],
) -> anyhow::Result<(Uuid, Outcome)> {
    let now = demo.client.state.now();
    let deadline = instant(now + chrono::TimeDelta::days(DEADLINE_DAYS));
    let documents = json!([
        { "title": "尽职调查报告", "reference": format!("DD-{p}") },
        { "title": "投资建议书", "reference": format!("IP-{p}") },
    ]);
    let body = json!({ "subject": { "kind": kind, "title": title, "reference": p },
                       "amount": deal.amount, "mode": deal.mode, "deadline": deadline,
                       "documents": documents });
    let r = demo.manager("/resolutions", body).await?;
    let resolution = id(&r, "resolution_id")?;
    let path = format!("/resolutions/{resolution}");
    let on_site = deal.mode == "on_site";
    if on_site {
        let body = json!({ "meets_at": instant(now), "place": "昆山市科创大厦12楼会议室" });
        demo.manager(&format!("{path}/meeting"), body).await?;
        for (seat, _) in votes {
            let body = json!({ "seat": seat });
            demo.manager(&format!("{path}/attendance"), body).await?;
        }
        for (observer, _) in demo.tokens.observers.clone() {
            let body = json!({ "observer_id": observer });
            demo.manager(&format!("{path}/attendance"), body).await?;
        }
        demo.manager(&format!("{path}/meeting/opening"), json!({}))
            .await?;
    }
    let observer = demo.tokens.observers.first().cloned();
    if let (Some((_, observer)), "investment") = (observer, kind) {
        let body = json!({ "text": "建议关注核心技术的知识产权归属及后续融资安排" });
        demo.post(&observer, &format!("{path}/comments"), body)
            .await?;
    }
    let mut status = Value::from("open");
    for (seat, choice) in votes {
        let reason = match *choice {
            "approve" => "符合天使基金投资方向，同意投资",
            "reject" => "估值偏高，技术路线尚未验证，不同意",
            _ => "与企业存在业务往来，弃权",
        };
        let token = member_token(demo, *seat)?;
        let body = json!({ "choice": choice, "reason": reason });
        status = demo.post(&token, &format!("{path}/votes"), body).await?["status"].clone();
    }
    if on_site {
        demo.manager(&format!("{path}/meeting/closing"), json!({}))
            .await?;
    }
    let outcome = match status.as_str() {
        Some("passed") => Outcome::Passed,
        Some("failed") => Outcome::Failed,
        _ => Outcome::Open,
    };
    Ok((resolution, outcome))
}

/// The token of the member of `seat`.
pub(super) fn member_token(demo: &Demo, seat: u32) -> anyhow::Result<String> {
    let index = usize::try_from(seat)?
        .checked_sub(1)
        .context("seats start at 1")?;
    let (_, token) = demo
        .tokens
        .members
        .get(index)
        .with_context(|| format!("no member on seat {seat}"))?;
    Ok(token.clone())
}

/// An instant as RFC 3339 in UTC, to the second.
fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
