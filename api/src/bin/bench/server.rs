//! A `fundadmin serve` process for the REST benchmark: the release binary next to this one,
//! on a free loopback port, over the scratch database and a NATS prefix of its own, with its
//! workers (relay, projections, scheduler) as in production. A separate process, so its peak
//! RSS is the API's own. Its log goes to a file in the temporary directory.

use super::http::Conn;
use anyhow::{bail, Context};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The running server.
pub struct Server {
    child: Child,
    /// Its process id.
    pub pid: u32,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its log (stderr).
    pub log: PathBuf,
}

impl Server {
    /// Starts it and waits until `/healthz` answers.
    pub async fn start(database_url: &str, nats_prefix: &str) -> anyhow::Result<Server> {
        let exe = std::env::current_exe()?
            .parent()
            .context("the bench binary's directory")?
            .join("fundadmin");
        if !exe.exists() {
            bail!(
                "{} not found: cargo build --release -p api --bins",
                exe.display()
            );
        }
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
            probe.local_addr()?
        };
        let log = std::env::temp_dir().join(format!("fundadmin-bench-serve-{}.log", addr.port()));
        let child = std::process::Command::new(&exe)
            .args(["serve", "--listen", &addr.to_string()])
            .env("DATABASE_URL", database_url)
            .env("FUNDADMIN_NATS_PREFIX", nats_prefix)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let mut server = Server {
            pid: child.id(),
            child,
            addr,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "fundadmin serve exited ({status}); its log: {}",
                    server.log.display()
                );
            }
            if let Ok(mut conn) = Conn::connect(addr).await {
                if let Ok(r) = conn.request("GET", "/healthz", None, None).await {
                    if r.status == 200 {
                        return Ok(server);
                    }
                }
            }
            if Instant::now() > deadline {
                let _ = server.stop();
                bail!("fundadmin serve did not answer on {addr} within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then waits (at most 20 s) before killing it.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

/// A `perf record` of the server's process, for `BENCH_REST_PERF` (call graphs unwound
/// with DWARF: the release profile keeps line tables, not frame pointers).
pub struct Perf(Child);

impl Perf {
    /// Starts `perf record` on process `pid`, writing `output`.
    pub fn record(pid: u32, output: &str) -> anyhow::Result<Perf> {
        let child = std::process::Command::new("perf")
            .args([
                "record",
                "-F",
                "499",
                "--call-graph",
                "dwarf,16384",
                "-o",
                output,
                "-p",
                &pid.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .context("starting perf (is it installed?)")?;
        Ok(Perf(child))
    }

    /// SIGINT, so perf writes its file, and waits for it.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        self.0.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
