//! The fund's past, entered by its manager as history: the establishment (by the admin),
//! the two tranches and their LPs, the capital calls paid in and confirmed by the custodian,
//! the committee appointed at the establishment with its observers, and the management fee
//! of every ended year assessed and paid.

use super::script::{self, CALLS, LPS, MEMBERS, OBSERVERS, TRANCHES};
use super::timeline::day;
use super::Demo;
use crate::auth::Principal;
use anyhow::Context;
use chrono::Datelike;
use domain::{FundId, MemberId, ObserverId};
use serde_json::{json, Value};
use uuid::Uuid;

/// The fund established by the admin, with the manager's and the custodian's tokens.
pub(super) async fn establish(demo: &mut Demo) -> anyhow::Result<()> {
    let body = json!({
        "name": script::FUND_NAME,
        "kind": "angel",
        "total_size": script::TOTAL_SIZE,
        "establishment_date": demo.t.established,
        "manager": script::MANAGER,
        "custodian": script::CUSTODIAN,
        "city": script::CITY,
        "policy": {
            "eligibility": { "city": script::CITY, "industries": script::INDUSTRIES },
            "investment": { "prohibited_industries": script::PROHIBITED_INDUSTRIES },
        },
    });
    let admin = demo.tokens.admin.clone();
    let r = demo.client.post(&admin, "/funds", body).await?;
    demo.fund = id(&r, "fund_id")?;
    let fund = FundId(demo.fund);
    demo.tokens.manager = demo.issue(&Principal::Manager { fund }).await?;
    demo.tokens.custodian = demo.issue(&Principal::Custodian { fund }).await?;
    let authority = Principal::Authority {
        agency: script::AUTHORITY.to_owned(),
        funds: vec![fund],
    };
    demo.tokens.authority = demo.issue(&authority).await?;
    Ok(())
}

/// Tranches, subscriptions, calls and their payments.
pub(super) async fn capital(demo: &mut Demo) -> anyhow::Result<()> {
    for (index, tranche) in TRANCHES.iter().enumerate() {
        let body = json!({ "number": tranche.number, "size": tranche.size,
                           "subscription_date": demo.t.on(tranche.opened) });
        demo.manager("/tranches", body).await?;
        for (n, lp) in LPS.iter().enumerate() {
            let mut body = json!({ "tranche": tranche.number, "lp_name": lp.name,
                                   "lp_kind": lp.kind, "amount": lp.subscriptions[index] });
            if let Some(known) = demo.lps.get(n) {
                body["lp_id"] = json!(known);
            }
            let r = demo.manager("/subscriptions", body).await?;
            if index == 0 {
                demo.lps.push(id(&r, "lp_id")?);
            }
        }
    }
    for call in CALLS {
        let body = json!({ "tranches": [call.tranche], "amount": call.amount,
                           "called_on": demo.t.on(call.called), "due_on": demo.t.on(call.due) });
        let r = demo.manager("/capital-calls", body).await?;
        let call_id = id(&r, "call_id")?;
        let allocations = r["allocations"]
            .as_array()
            .context("a call answers its allocations")?;
        for (n, lp) in demo.lps.clone().into_iter().enumerate() {
            let amount = allocations
                .iter()
                .find(|a| a["lp_id"] == json!(lp))
                .map(|a| a["amount"].clone())
                .context("every LP has a line in the call")?;
            let body = json!({ "kind": "lp_payment", "call_id": call_id, "lp_id": lp,
                               "amount": amount, "value_date": demo.t.on(call.paid[n]) });
            demo.movement(body).await?;
        }
    }
    Ok(())
}

/// The five seats and the three observers, appointed at the establishment, each with a token
/// naming the person.
pub(super) async fn committee(demo: &mut Demo) -> anyhow::Result<()> {
    let fund = FundId(demo.fund);
    for (seat, name) in (1..).zip(MEMBERS) {
        let body = json!({ "name": name, "appointed_on": demo.t.established });
        let suffix = format!("/committee/seats/{seat}/appointment");
        let member = id(&demo.manager(&suffix, body).await?, "person_id")?;
        let principal = Principal::Member {
            fund,
            seat,
            member: MemberId(member),
        };
        let token = demo.issue(&principal).await?;
        demo.tokens.members.push((member, token));
    }
    for (name, body) in OBSERVERS {
        let body = json!({ "name": name, "body": body });
        let observer = id(
            &demo.manager("/committee/observers", body).await?,
            "person_id",
        )?;
        let principal = Principal::Observer {
            fund,
            observer: ObserverId(observer),
        };
        let token = demo.issue(&principal).await?;
        demo.tokens.observers.push((observer, token));
    }
    Ok(())
}

/// Every ended fee year assessed by the manager (history the scheduler leaves to it) and
/// paid in full on 20 January of the next year.
pub(super) async fn fees(demo: &mut Demo) -> anyhow::Result<()> {
    let (month, dom) = script::FEE_PAID;
    for year in demo.t.fee_years() {
        let r = demo
            .manager("/fee-assessments", json!({ "year": year }))
            .await?;
        let total = r["total"].clone();
        let next_year = year + 1 - demo.t.established.year();
        let paid = demo.t.on(day(next_year, month, dom));
        let body = json!({ "kind": "fee_payment", "fee_year": year, "amount": total,
                           "value_date": paid });
        demo.movement(body).await?;
    }
    Ok(())
}

/// The id `field` of an answer.
pub(super) fn id(answer: &Value, field: &str) -> anyhow::Result<Uuid> {
    answer[field]
        .as_str()
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("the answer has no {field}: {answer}"))
}
