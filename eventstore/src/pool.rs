//! Connection pools to PostgreSQL.

use anyhow::Context;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::str::FromStr;
use tokio_postgres::NoTls;

/// A pool of connections to the event store's database.
pub type PgPool = Pool;

/// Server-side settings of every pooled session:
/// - a transaction left idle is aborted, so it cannot hold the gap-safe feed back for long;
/// - prepared statements keep one generic plan: the append and feed statements take arrays and
///   row comparisons whose custom plans are no better, and re-planning them on every
///   execution (PostgreSQL's default for such statements) costs more than running them.
const SESSION_OPTIONS: &str = "-c idle_in_transaction_session_timeout=30000 -c timezone=UTC \
     -c plan_cache_mode=force_generic_plan";

/// Opens a pool of at most `max_size` connections to `database_url`.
pub fn connect_pool(database_url: &str, max_size: usize) -> anyhow::Result<PgPool> {
    let mut config = tokio_postgres::Config::from_str(database_url)
        .with_context(|| "DATABASE_URL is not a valid PostgreSQL URL".to_string())?;
    config.options(SESSION_OPTIONS);
    config.application_name("fundadmin");
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(max_size)
        .build()
        .context("building the PostgreSQL pool")
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}
