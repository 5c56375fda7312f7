//! Connection pools to PostgreSQL.

use anyhow::Context;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::str::FromStr;
use tokio_postgres::NoTls;

/// A pool of connections to the event store's database.
pub type PgPool = Pool;

/// Server-side settings of every pooled session: a transaction left idle is aborted, so it
/// cannot hold the gap-safe feed back for long.
const SESSION_OPTIONS: &str = "-c idle_in_transaction_session_timeout=30000 -c timezone=UTC";

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
