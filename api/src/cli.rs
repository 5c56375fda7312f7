//! The `fundadmin` command line: its arguments (clap) and the one-shot commands (`migrate`,
//! `token`, `replay`, `verify`, `openapi`, `demo`). The long-running ones (`serve`, `work`) live in
//! [`crate::serve`]. Results go to stdout, logs to stderr, so scripts can capture a token
//! with `$(fundadmin token create --role admin)`.

use crate::auth::{self, Principal, Role, Scope};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use eventstore::{connect_pool, Metrics, PgPool};
use std::process::ExitCode;
use std::time::Instant;
use uuid::Uuid;

/// Fund administration for government angel and guidance funds.
#[derive(Debug, Parser)]
#[command(name = "fundadmin", version)]
pub struct Cli {
    /// Where the services are.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Connection settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// PostgreSQL holding the log, the read models and the tokens.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/fundadmin",
        hide_env_values = true
    )]
    pub database_url: String,
    /// NATS server with JetStream.
    #[arg(
        long,
        global = true,
        env = "NATS_URL",
        default_value = "nats://127.0.0.1:4222"
    )]
    pub nats_url: String,
    /// Prefix of this environment's NATS subjects and streams.
    #[arg(
        long,
        global = true,
        env = "FUNDADMIN_NATS_PREFIX",
        default_value = "fundadmin"
    )]
    pub nats_prefix: String,
    /// Seconds between two scheduler ticks (phase changes, fee assessments).
    #[arg(
        long,
        global = true,
        env = "FUNDADMIN_SCHEDULER_INTERVAL_SECONDS",
        default_value_t = 60
    )]
    pub scheduler_interval_seconds: u64,
    /// Most PostgreSQL connections `serve` and `work` open.
    #[arg(
        long,
        global = true,
        env = "FUNDADMIN_DB_POOL_SIZE",
        default_value_t = 32
    )]
    pub db_pool_size: usize,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, then serve the HTTP API with all workers (relay, projections).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "FUNDADMIN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Serve HTTP only; run the workers elsewhere with `fundadmin work`.
        #[arg(long)]
        no_workers: bool,
    },
    /// Migrate, then run only the workers (no HTTP).
    Work,
    /// Apply pending database migrations.
    Migrate,
    /// Issue, list and revoke API tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Rebuild a projection from the whole log.
    Replay {
        /// Its name (e.g. `funds`).
        projection: String,
    },
    /// Check every stream's versions and hash chain; exit 1 if anything is wrong. With
    /// `--package`, check only the events an evidence package cites.
    Verify {
        /// An evidence package (`GET …/exemption-cases/{case_id}/package`, JSON): each event
        /// it cites must exist with that id, stream, version, global position, hash and
        /// payload, and its stream's chain must be intact up to it.
        #[arg(long, value_name = "FILE")]
        package: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document (no database needed).
    Openapi,
    /// Load the demo fund (昆山市天使投资基金: its history and today's committee session)
    /// through the API into a database that holds no fund; refused otherwise.
    Demo {
        /// Load nothing: print `funds=N` and, if the demo fund is there, its `fund_id`,
        /// `member_seat`, `member_id` and `report` (one `key=value` a line).
        #[arg(long)]
        ids: bool,
    },
}

/// Token commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it (only it, on one line). The secret is not stored.
    Create(CreateToken),
    /// List tokens (never their secrets).
    List,
    /// Revoke a token.
    Revoke {
        /// The token's id (as in `token list`).
        token_id: Uuid,
    },
}

/// `token create` options; which ones a role needs is checked against the role.
#[derive(Debug, Args)]
pub struct CreateToken {
    /// The principal's role.
    #[arg(long, value_enum)]
    pub role: Role,
    /// The fund (manager, member, observer, custodian, lp).
    #[arg(long)]
    pub fund: Option<Uuid>,
    /// The committee seat, 1 to 5 (member).
    #[arg(long)]
    pub seat: Option<i32>,
    /// The limited partner (lp).
    #[arg(long)]
    pub lp: Option<Uuid>,
    /// The person the token stands for: the member (member) or the observer (observer), as
    /// recorded in the fund's committee.
    #[arg(long)]
    pub person: Option<Uuid>,
    /// The agency (regulator, authority).
    #[arg(long)]
    pub agency: Option<String>,
    /// The funds, comma separated (regulator, authority).
    #[arg(long, value_delimiter = ',')]
    pub funds: Vec<Uuid>,
    /// Days until the token expires (default: never).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub expires_in_days: Option<u32>,
    /// A note for humans (who holds it, what for).
    #[arg(long)]
    pub label: Option<String>,
}

/// Runs a command; the exit code says whether it succeeded.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    match cli.command {
        Command::Serve { listen, no_workers } => {
            crate::serve::serve(global, &listen, !no_workers).await?
        }
        Command::Work => crate::serve::work(global).await?,
        Command::Migrate => {
            let applied = migrate(&small_pool(global)?).await?;
            if applied.is_empty() {
                println!("schema up to date");
            }
            for name in applied {
                println!("applied {name}");
            }
        }
        Command::Token { command } => return token(global, command).await,
        Command::Replay { projection } => {
            let pool = small_pool(global)?;
            let started = Instant::now();
            let events = projections::runner::rebuild_by_name(&projection, &pool, &Metrics::new())
                .await
                .with_context(|| format!("replaying {projection}"))?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "replayed {projection}: {events} events in {seconds:.2} s ({:.0} events/s)",
                events as f64 / seconds.max(1e-6)
            );
        }
        Command::Verify { package } => {
            let pool = small_pool(global)?;
            let report = match package {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    let package: serde_json::Value = serde_json::from_str(&text)
                        .with_context(|| format!("{} is not JSON", path.display()))?;
                    verify_package(&pool, &package).await?
                }
                None => eventstore::verify::verify(&pool)
                    .await
                    .context("verifying the log")?,
            };
            let verdict = if report.is_intact() {
                "intact".to_owned()
            } else {
                format!("{} problems", report.problems.len())
            };
            println!(
                "verified {} events in {} streams: {verdict}",
                report.events, report.streams
            );
            for problem in &report.problems {
                println!("{}", serde_json::to_string(problem)?);
            }
            if !report.is_intact() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Openapi => {
            println!("{}", crate::openapi::document().to_pretty_json()?);
        }
        Command::Demo { ids } => {
            // Requests run on the pool as they do in `serve` (appends, report snapshots).
            let pool = connect_pool(&global.database_url, 8)?;
            migrate(&pool).await?;
            if ids {
                print!("{}", crate::demo::find(&pool).await?.lines());
            } else {
                let loaded = crate::demo::load(&pool).await?;
                println!(
                    "loaded the demo fund {} {}: {} requests, {} events, {} reports filed, in {:.1} s",
                    crate::demo::script::FUND_NAME,
                    loaded.fund_id,
                    loaded.requests,
                    loaded.events,
                    loaded.filed.len(),
                    loaded.elapsed.as_secs_f64()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn token(global: &GlobalOpts, command: TokenCommand) -> anyhow::Result<ExitCode> {
    const HINT: &str = "(has `fundadmin migrate` run?)";
    match command {
        TokenCommand::Create(opts) => {
            let scope = Scope {
                fund: opts.fund,
                seat: opts.seat,
                lp: opts.lp,
                agency: opts.agency,
                funds: opts.funds,
                person: opts.person,
            };
            let principal = Principal::from_scope(opts.role, scope)?;
            let expires_at = opts
                .expires_in_days
                .map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
            let issued = auth::create_token(
                &small_pool(global)?,
                &principal,
                expires_at,
                opts.label.as_deref(),
            )
            .await
            .with_context(|| format!("creating the token {HINT}"))?;
            tracing::info!(token.id = %issued.token_id, role = principal.role().as_str(), "token issued");
            println!("{}", issued.token);
        }
        TokenCommand::List => {
            let tokens = auth::list_tokens(&small_pool(global)?)
                .await
                .with_context(|| format!("listing tokens {HINT}"))?;
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_else(|| "-".to_owned())
            };
            println!("token_id\trole\tscope\tcreated\texpires\trevoked\tlast_used\tlabel");
            for t in tokens {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.token_id,
                    t.role,
                    t.scope,
                    when(Some(t.created_at)),
                    when(t.expires_at),
                    when(t.revoked_at),
                    when(t.last_used_at),
                    t.label.as_deref().unwrap_or("-"),
                );
            }
        }
        TokenCommand::Revoke { token_id } => {
            let revoked = auth::revoke_token(&small_pool(global)?, token_id)
                .await
                .with_context(|| format!("revoking the token {HINT}"))?;
            if !revoked {
                eprintln!("no active token {token_id}");
                return Ok(ExitCode::FAILURE);
            }
            println!("revoked {token_id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks the events an evidence package cites against the log (see
/// [`eventstore::verify::verify_references`]): `package["events"]` lists each event's
/// `reference` and `payload`.
pub async fn verify_package(
    pool: &PgPool,
    package: &serde_json::Value,
) -> anyhow::Result<eventstore::verify::VerifyReport> {
    #[derive(serde::Deserialize)]
    struct Cited {
        reference: domain::exemption::EventRef,
        payload: Option<serde_json::Value>,
    }
    let events = package
        .get("events")
        .cloned()
        .context("the package has no \"events\"")?;
    let cited: Vec<Cited> =
        serde_json::from_value(events).context("the package's events are malformed")?;
    let cited: Vec<eventstore::verify::CitedEvent> = cited
        .into_iter()
        .map(|c| eventstore::verify::CitedEvent {
            reference: c.reference,
            payload: c.payload,
        })
        .collect();
    eventstore::verify::verify_references(pool, &cited)
        .await
        .context("verifying the package against the log")
}

/// A pool of a few connections for one-shot commands.
fn small_pool(global: &GlobalOpts) -> anyhow::Result<PgPool> {
    connect_pool(&global.database_url, 2)
}

/// Applies pending migrations; returns their names.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let mut client = pool
        .get()
        .await
        .context("connecting to PostgreSQL (is DATABASE_URL right and the server up?)")?;
    eventstore::migrate::run(&mut client).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn token_create_parses_fund_lists() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let cli = Cli::try_parse_from([
            "fundadmin",
            "token",
            "create",
            "--role",
            "regulator",
            "--agency",
            "CSRC",
            "--funds",
            &format!("{a},{b}"),
        ])
        .unwrap();
        let Command::Token {
            command: TokenCommand::Create(opts),
        } = cli.command
        else {
            panic!("parsed as {:?}", cli.command);
        };
        assert_eq!(opts.role, Role::Regulator);
        assert_eq!(opts.funds, vec![a, b]);
        assert!(Cli::try_parse_from(["fundadmin", "token", "create", "--role", "root"]).is_err());
    }
}
