//! The numbered SQL files of `migrations/`, embedded in the binary and applied in order.
//!
//! Each file runs once, in its own transaction, under an advisory lock so that several
//! processes starting together migrate once. A file changed after it was applied is refused.

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

/// Every migration: (version, name, SQL). A test checks this list against `migrations/`.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "0001_events",
        include_str!("../../migrations/0001_events.sql"),
    ),
    (
        2,
        "0002_projections_and_tokens",
        include_str!("../../migrations/0002_projections_and_tokens.sql"),
    ),
    (
        3,
        "0003_projection_schema_hash",
        include_str!("../../migrations/0003_projection_schema_hash.sql"),
    ),
    (
        4,
        "0004_token_person",
        include_str!("../../migrations/0004_token_person.sql"),
    ),
    (
        5,
        "0005_reports",
        include_str!("../../migrations/0005_reports.sql"),
    ),
    (
        6,
        "0006_access_log",
        include_str!("../../migrations/0006_access_log.sql"),
    ),
    (
        7,
        "0007_token_cache",
        include_str!("../../migrations/0007_token_cache.sql"),
    ),
];

const LOCK_KEY: i64 = 0x0066_756e_646d_6967; // "fundmig"

/// A fingerprint of all migrations (names and contents).
pub fn fingerprint() -> String {
    let mut h = Sha256::new();
    for (v, name, sql) in MIGRATIONS {
        h.update(v.to_le_bytes());
        h.update(name.as_bytes());
        h.update(sql.as_bytes());
    }
    hex::encode(h.finalize())
}

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// Applies every pending migration; returns the names applied.
pub async fn run(client: &mut tokio_postgres::Client) -> anyhow::Result<Vec<String>> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .context("creating schema_migrations")?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .await?;
    let result = apply_pending(client).await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await?;
    result
}

async fn apply_pending(client: &mut tokio_postgres::Client) -> anyhow::Result<Vec<String>> {
    let applied: Vec<(i32, String)> = client
        .query("SELECT version, checksum FROM schema_migrations", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut done = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if let Some((_, sum)) = applied.iter().find(|(v, _)| v == version) {
            if *sum != checksum(sql) {
                bail!("migration {name} was changed after it was applied");
            }
            continue;
        }
        let tx = client.transaction().await?;
        tx.batch_execute(sql)
            .await
            .with_context(|| format!("applying migration {name}"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[version, name, &checksum(sql)],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(migration = name, "applied");
        done.push((*name).to_owned());
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|(_, name, _)| format!("{name}.sql"))
            .collect();
        assert_eq!(files, listed);
        for (i, (v, name, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
            assert!(name.starts_with(&format!("{v:04}_")));
        }
    }
}
