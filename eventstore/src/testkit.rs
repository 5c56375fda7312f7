//! Test helpers: a fresh database per test, cloned from a template migrated once per
//! migration set, and a NATS subject prefix per test, so tests run in parallel against the
//! real PostgreSQL and the real NATS.

pub use crate::pool::with_database;
use crate::{connect_pool, migrate, EventStore, PgPool};
use tokio_postgres::NoTls;

/// `DATABASE_URL`, or the local default.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/fundadmin".to_owned())
}

/// `NATS_URL`, or the local default.
pub fn nats_url() -> String {
    std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

/// A fresh, migrated database of one test.
pub struct TestDb {
    /// Its name (`fa_test_…`).
    pub name: String,
    /// Its URL.
    pub url: String,
    /// A pool on it.
    pub pool: PgPool,
}

impl TestDb {
    /// An event store on it.
    pub fn store(&self) -> EventStore {
        EventStore::new(self.pool.clone())
    }
}

/// A unique lowercase suffix for names of one test.
pub fn unique_suffix() -> String {
    uuid::Uuid::now_v7().simple().to_string()[20..].to_owned() + &rand_suffix()
}

fn rand_suffix() -> String {
    // uuid v4 randomness keeps two tests started in the same microsecond apart.
    uuid::Uuid::new_v4().simple().to_string()[..6].to_owned()
}

/// A NATS subject prefix no other test uses.
pub fn nats_prefix() -> String {
    format!("t{}", unique_suffix())
}

/// Creates a fresh database for one test, cloned from the migrated template.
pub async fn test_db() -> TestDb {
    let base = database_url();
    let admin_url = with_database(&base, "postgres");
    let template = format!("fa_tpl_{}", &migrate::fingerprint()[..16]);
    let (admin, conn) = tokio_postgres::connect(&admin_url, NoTls)
        .await
        .expect("connect to the postgres database (is DATABASE_URL right?)");
    let conn = tokio::spawn(conn);
    ensure_template(&admin, &base, &template).await;
    let name = format!("fa_test_{}", unique_suffix());
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .await
        .expect("create the test database");
    drop(admin);
    let _ = conn.await;
    let url = with_database(&base, &name);
    let pool = connect_pool(&url, 16).expect("pool");
    TestDb { name, url, pool }
}

async fn ensure_template(admin: &tokio_postgres::Client, base: &str, template: &str) {
    const LOCK: i64 = 0x0066_6174_706c;
    admin
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK])
        .await
        .expect("template lock");
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&template])
        .await
        .expect("look up template")
        .is_some();
    if !exists {
        let building = format!("{template}_building");
        for sql in [
            format!("DROP DATABASE IF EXISTS {building}"),
            format!("CREATE DATABASE {building}"),
        ] {
            admin.batch_execute(&sql).await.expect("create template");
        }
        {
            let (mut client, conn) =
                tokio_postgres::connect(&with_database(base, &building), NoTls)
                    .await
                    .expect("connect to template");
            let conn = tokio::spawn(conn);
            migrate::run(&mut client).await.expect("migrate template");
            drop(client);
            let _ = conn.await;
        }
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .await
            .expect("publish template");
    }
    admin
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK])
        .await
        .expect("template unlock");
}

/// Connects to the test NATS server.
pub async fn nats() -> async_nats::Client {
    async_nats::connect(nats_url())
        .await
        .expect("connect to NATS (is NATS_URL right?)")
}

/// Waits until the gap-safe feed shows at least `n` events (it shows a transaction once every
/// older one has ended, e.g. a NOTIFY still committing), and returns them.
pub async fn wait_for_feed(store: &EventStore, n: usize) -> Vec<crate::RecordedEvent> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let all = store
            .read_feed(crate::Position::default(), i64::MAX)
            .await
            .expect("read the feed");
        if all.len() >= n {
            return all;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the feed shows {} of {n} events",
            all.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

/// Polls `condition` until it holds; panics naming `what` after 30 seconds.
pub async fn wait_until(mut condition: impl AsyncFnMut() -> bool, what: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}
