//! What `/proc` tells about where the machine's CPU went during a measure: a process's own
//! CPU time, all PostgreSQL backends' together, and the machine's busy share. Linux only;
//! zeros elsewhere.

/// Clock ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_S: f64 = 100.0;

/// CPU seconds (user + system) a process has used so far.
pub fn process_cpu_s(pid: u32) -> f64 {
    stat_ticks(&format!("/proc/{pid}/stat")).unwrap_or(0) as f64 / TICKS_PER_S
}

/// CPU seconds used so far by every process named `postgres` (the server is shared: other
/// users' work counts too).
pub fn postgres_cpu_s() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    let mut ticks = 0;
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "postgres" {
            ticks += stat_ticks(&format!("/proc/{pid}/stat")).unwrap_or(0);
        }
    }
    ticks as f64 / TICKS_PER_S
}

/// utime + stime of a `/proc/<pid>/stat` file (fields 14 and 15, after the `(comm)`).
fn stat_ticks(path: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let after = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // `after` starts at field 3 (state): utime is field 14, stime 15.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The machine's (busy, total) CPU ticks so far, from `/proc/stat`.
pub fn machine_ticks() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = text.lines().next() else {
        return (0, 0);
    };
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    // idle + iowait
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// A `/proc/<pid>/status` line in KiB (`VmRSS`, `VmHWM`), 0 if unreadable.
pub fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The load averages over 1, 5 and 15 minutes, as `/proc/loadavg` gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let v: Vec<&str> = l.split_whitespace().take(3).collect();
            (v.len() == 3).then(|| v.join(" "))
        })
        .unwrap_or_default()
}

/// CPU use between two snapshots.
#[derive(Clone, Copy, Default)]
pub struct CpuSnapshot {
    /// The API process.
    pub api_s: f64,
    /// All `postgres` processes.
    pub postgres_s: f64,
    /// This (the client) process.
    pub client_s: f64,
    /// Machine busy and total ticks.
    pub machine: (u64, u64),
}

impl CpuSnapshot {
    /// Now, for the API process `api`.
    pub fn take(api: u32) -> Self {
        CpuSnapshot {
            api_s: process_cpu_s(api),
            postgres_s: postgres_cpu_s(),
            client_s: process_cpu_s(std::process::id()),
            machine: machine_ticks(),
        }
    }

    /// CPU seconds used since `before`: (API, postgres, client, machine busy share 0..1).
    pub fn since(&self, before: &CpuSnapshot) -> (f64, f64, f64, f64) {
        let busy = self.machine.0.saturating_sub(before.machine.0) as f64;
        let total = self.machine.1.saturating_sub(before.machine.1).max(1) as f64;
        (
            self.api_s - before.api_s,
            self.postgres_s - before.postgres_s,
            self.client_s - before.client_s,
            busy / total,
        )
    }
}
