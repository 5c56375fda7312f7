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

/// Whether `e` says PostgreSQL cannot be reached or went away: the connection was refused or
/// lost, or the server is shutting down or starting up (SQLSTATE classes `08` and `57P0x`).
/// A request that failed so may succeed when retried (HTTP 503), unlike any other failure.
pub fn pg_unavailable(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        let code = code.code();
        return code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03");
    }
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

/// Whether a pool failure means PostgreSQL is unavailable (see [`pg_unavailable`]).
pub fn pool_unavailable(e: &deadpool_postgres::PoolError) -> bool {
    use deadpool_postgres::PoolError;
    match e {
        PoolError::Backend(e) => pg_unavailable(e),
        PoolError::Timeout(_) | PoolError::Closed => true,
        _ => false,
    }
}
