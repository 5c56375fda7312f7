//! `fundadmin`: serve the API, run the workers, migrate, manage tokens, replay projections,
//! verify the log, print the OpenAPI document. See `fundadmin --help`; the commands live in
//! `api::cli`.

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's allocator: under a full request load glibc spent about a third
/// of the server's CPU in `malloc`/`free`, much of it consolidating fragments whenever hyper
/// grew a connection's read buffer (`malloc_consolidate`; see ops/BENCH.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = api::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tokio_postgres=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match api::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
