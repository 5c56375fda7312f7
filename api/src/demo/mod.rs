//! The demo fund (`fundadmin demo`): a realistic angel fund in the shape of the Kunshan fund
//! (昆山市天使投资基金, 昆政办发[2021]128号), loaded into a database that holds no fund yet.
//!
//! Everything is recorded through the HTTP API in process (module `client`): every step is a
//! request to [`crate::router`] with the token of the principal who would make it — the
//! admin establishes the fund, the manager enters its history and runs its pipeline, each
//! committee member votes for its own seat, an observer comments, the custodian confirms
//! every movement, the authority determines the exemption case — so authentication,
//! validation, the fund rules and the event store make it a real history. No event is
//! appended directly. The read models are brought up to date in process (the projection
//! runners' catch-up from PostgreSQL), so the demo needs no NATS and no running server.
//!
//! The story ([`script`], dated by [`timeline`]): the fund established on 26 March of the
//! year before last; two tranches subscribed by a state-owned enterprise and the province's
//! guidance fund; two calls paid in; the fees of the ended years assessed and paid; the
//! committee (five seats, three observers); thirteen projects over every stage of the
//! pipeline; every ended report period drafted, read and filed. Then today's committee
//! session: written votes and an on-site meeting, one failed, one left open; investments
//! paid in step with the companies' paid-in capital; post-investment reports raising
//! triggers; a partial exit with proceeds; a write-off with a granted liability-exemption
//! case; a distribution.
//!
//! The tokens the demo issues to make its requests carry the label [`TOKEN_LABEL`] and are
//! revoked once it has loaded; [`find`] finds the demo fund in a database by them.

mod client;
mod history;
mod lookup;
mod pipeline;
mod portfolio;
mod reports;
pub mod script;
mod session;
pub mod timeline;

pub use lookup::{find, Found};
pub use reports::Filed;

use crate::auth::{create_token, revoke_token, Principal};
use crate::AppState;
use anyhow::{bail, Context};
use client::Client;
use eventstore::{Metrics, PgPool};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use timeline::Timeline;
use uuid::Uuid;

/// The label of the tokens the demo issues for its own requests.
pub const TOKEN_LABEL: &str = "fundadmin demo";

/// How long the read models get to reach the log's head.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(30);

/// What [`load`] recorded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The demo fund.
    pub fund_id: Uuid,
    /// Its LPs, in the order of [`script::LPS`].
    pub lps: Vec<Uuid>,
    /// Its projects, in the order of [`script::PROJECTS`].
    pub projects: Vec<Uuid>,
    /// The reports filed, oldest period first.
    pub filed: Vec<Filed>,
    /// The calendar it was loaded on.
    pub timeline: Timeline,
    /// HTTP requests made.
    pub requests: usize,
    /// Events in the log afterwards.
    pub events: i64,
    /// How long it took.
    pub elapsed: Duration,
}

/// The tokens the demo acts with.
#[derive(Default)]
struct Tokens {
    admin: String,
    manager: String,
    custodian: String,
    authority: String,
    /// Each seat's member, seats 1 to 5: the person and the token.
    members: Vec<(Uuid, String)>,
    /// Each observer: the person and the token.
    observers: Vec<(Uuid, String)>,
}

/// The demo while it loads.
struct Demo {
    client: Client,
    t: Timeline,
    fund: Uuid,
    tokens: Tokens,
    /// Every token issued, to revoke at the end.
    issued: Vec<Uuid>,
    lps: Vec<Uuid>,
    projects: Vec<Uuid>,
    filed: Vec<Filed>,
}

impl Demo {
    /// Issues a token for `principal`, labelled as the demo's.
    async fn issue(&mut self, principal: &Principal) -> anyhow::Result<String> {
        let issued = create_token(&self.client.state.pool, principal, None, Some(TOKEN_LABEL))
            .await
            .context("issuing a token")?;
        self.issued.push(issued.token_id);
        Ok(issued.token)
    }

    /// `POST /funds/{fund}{suffix}` as `token`.
    async fn post(&mut self, token: &str, suffix: &str, body: Value) -> anyhow::Result<Value> {
        let path = format!("/funds/{}{suffix}", self.fund);
        self.client.post(token, &path, body).await
    }

    /// `POST /funds/{fund}{suffix}` as the manager.
    async fn manager(&mut self, suffix: &str, body: Value) -> anyhow::Result<Value> {
        let token = self.tokens.manager.clone();
        self.post(&token, suffix, body).await
    }

    /// The custodian confirms `movement`, executed `on`.
    async fn confirm(&mut self, movement: Uuid, on: Value) -> anyhow::Result<()> {
        let token = self.tokens.custodian.clone();
        let body = json!({ "executed_on": on });
        self.post(&token, &format!("/movements/{movement}/confirmation"), body)
            .await?;
        Ok(())
    }

    /// The manager instructs a movement (`body`) and the custodian confirms it on its value
    /// date.
    async fn movement(&mut self, body: Value) -> anyhow::Result<()> {
        let value_date = body["value_date"].clone();
        let r = self.manager("/movements", body).await?;
        self.confirm(history::id(&r, "movement_id")?, value_date)
            .await
    }
}

/// Loads the demo into the database of `pool`, migrated and holding no fund; refuses a
/// database that holds one. Today is the system clock's (China Standard Time).
pub async fn load(pool: &PgPool) -> anyhow::Result<Loaded> {
    let started = Instant::now();
    projections::runner::setup_all(pool).await?;
    let found = find(pool).await?;
    if found.funds > 0 {
        bail!(
            "the database already holds {} fund(s): the demo loads only into a database without \
             funds (point DATABASE_URL at a new database, or drop this one)",
            found.funds
        );
    }
    let state = AppState::new(pool.clone(), None, Metrics::new());
    let mut demo = Demo {
        t: Timeline::new(state.today()),
        client: Client::new(state),
        fund: Uuid::nil(),
        tokens: Tokens::default(),
        issued: Vec::new(),
        lps: Vec::new(),
        projects: Vec::new(),
        filed: Vec::new(),
    };
    let loaded = record(&mut demo).await;
    for token in &demo.issued {
        revoke_token(pool, *token).await?;
    }
    loaded.context(
        "loading the demo failed part way: the database holds what was recorded until then \
         (drop it before loading again)",
    )?;
    let events = pool
        .get()
        .await?
        .query_one("SELECT count(*) FROM events", &[])
        .await?
        .get(0);
    Ok(Loaded {
        fund_id: demo.fund,
        lps: demo.lps,
        projects: demo.projects,
        filed: demo.filed,
        timeline: demo.t,
        requests: demo.client.requests,
        events,
        elapsed: started.elapsed(),
    })
}

/// Every step of the demo: the past, entered as history, then its reports filed; then
/// today.
async fn record(demo: &mut Demo) -> anyhow::Result<()> {
    demo.tokens.admin = demo.issue(&Principal::Admin).await?;
    history::establish(demo).await?;
    history::capital(demo).await?;
    history::committee(demo).await?;
    history::fees(demo).await?;
    pipeline::past_steps(demo).await?;
    reports::file_history(demo).await?;
    session::decide_proposals(demo).await?;
    portfolio::distribute(demo).await?;
    catch_up(&demo.client.state).await
}

/// Brings every read model up to the log's head, as the projection runners of `serve` do
/// from PostgreSQL.
pub async fn catch_up(state: &AppState) -> anyhow::Result<()> {
    let (pool, store, metrics) = (&state.pool, &state.store, &state.metrics);
    projections::runner::catch_up_all(pool, store, metrics, CATCH_UP_TIMEOUT).await
}
