//! What the demo's test expects, computed from the demo's script and the SPEC's rules, and
//! the demo loaded into a fresh database.

use crate::common::TestApp;
use api::auth::{create_token, Principal};
use api::demo::script::{Project, Story, Vote, CALLS, LPS, TRANCHES};
use api::demo::timeline::Timeline;
use api::demo::Loaded;
use api::AppState;
use chrono::NaiveDate;
use eventstore::testkit::test_db;
use eventstore::Metrics;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::str::FromStr;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// An amount the API answered.
pub fn amount(v: &Value) -> Decimal {
    dec(v.as_str().unwrap_or_else(|| panic!("not an amount: {v}")))
}

/// The demo loaded into a fresh database, and an app on it with an admin token.
pub async fn loaded() -> (TestApp, Loaded) {
    let db = test_db().await;
    let loaded = api::demo::load(&db.pool).await.unwrap();
    let state = AppState::new(db.pool.clone(), None, Metrics::new());
    let admin = create_token(&db.pool, &Principal::Admin, None, None)
        .await
        .unwrap()
        .token;
    let app = TestApp {
        db,
        state,
        admin: admin.clone(),
        manager: admin,
        manager_fund: loaded.fund_id,
    };
    (app, loaded)
}

/// What the committee made of `votes`: 4 approvals pass, 2 other votes fail (Art. 14).
pub fn outcome(votes: &[Vote]) -> &'static str {
    let approvals = votes.iter().filter(|(_, c)| *c == "approve").count();
    let others = votes.len() - approvals;
    match (approvals >= 4, others >= 2) {
        (true, _) => "passed",
        (_, true) => "failed",
        _ => "open",
    }
}

/// The stage a project's story ends at, and its status there.
pub fn ends_at(p: &Project) -> (&'static str, &'static str) {
    match p.story {
        Story::Applied => ("application", "active"),
        Story::Ineligible => ("application", "rejected"),
        Story::FollowUp => ("research", "active"),
        Story::Shortlisted => ("establishment", "active"),
        Story::DueDiligence => ("due_diligence", "active"),
        Story::Withdrawn => ("due_diligence", "withdrawn"),
        Story::Committee(deal) => match (outcome(deal.votes), deal.investment) {
            ("open", _) => ("decision", "active"),
            ("failed", _) => ("decision", "rejected"),
            (_, None) => ("implementation", "active"),
            (_, Some(_)) => ("post_investment", "active"),
        },
    }
}

/// Art. 7 in the investment period: 1% a year of each tranche's subscription from its
/// subscription date, actual/365, each tranche's segment rounded half-up to the fen.
pub fn fee(t: &Timeline, year: i32) -> Decimal {
    let (start, end) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    TRANCHES
        .iter()
        .map(|tranche| {
            let from = t.on(tranche.opened).max(start);
            let days = (end - from).num_days() + 1;
            if days <= 0 {
                return Decimal::ZERO;
            }
            (dec(tranche.size) * dec("0.01") * Decimal::from(days) / Decimal::from(365))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
        .sum()
}

/// Each LP's subscription and what the calls allocated to it, pro rata in each tranche.
pub fn lp_figures() -> Vec<(Decimal, Decimal)> {
    (0..LPS.len())
        .map(|n| {
            let subscribed = LPS[n].subscriptions.iter().map(|s| dec(s)).sum();
            let called = CALLS
                .iter()
                .map(|call| {
                    let t = usize::try_from(call.tranche - 1).unwrap();
                    let tranche: Decimal = LPS.iter().map(|lp| dec(lp.subscriptions[t])).sum();
                    dec(call.amount) * dec(LPS[n].subscriptions[t]) / tranche
                })
                .sum();
            (subscribed, called)
        })
        .collect()
}
