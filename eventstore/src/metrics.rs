//! A small Prometheus registry: named gauges and counters with labels, rendered in the text
//! exposition format. Enough for lag, throughput and pool figures without another dependency.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// Shared metric values. Cloning shares the same registry.
#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Mutex<BTreeMap<(String, String), Entry>>>,
}

#[derive(Clone, Copy)]
struct Entry {
    kind: &'static str,
    help: &'static str,
    value: f64,
}

impl Metrics {
    /// A new, empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a gauge, e.g. `set("fundadmin_projection_lag_seconds", "projection=\"funds\"", ..)`.
    pub fn set(&self, name: &str, labels: &str, help: &'static str, value: f64) {
        self.update(name, labels, "gauge", help, |v| *v = value);
    }

    /// Adds to a counter.
    pub fn add(&self, name: &str, labels: &str, help: &'static str, delta: f64) {
        self.update(name, labels, "counter", help, |v| *v += delta);
    }

    /// The current value, if set.
    pub fn get(&self, name: &str, labels: &str) -> Option<f64> {
        let map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&(name.to_owned(), labels.to_owned()))
            .map(|e| e.value)
    }

    fn update(
        &self,
        name: &str,
        labels: &str,
        kind: &'static str,
        help: &'static str,
        f: impl FnOnce(&mut f64),
    ) {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map
            .entry((name.to_owned(), labels.to_owned()))
            .or_insert(Entry {
                kind,
                help,
                value: 0.0,
            });
        f(&mut entry.value);
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        let mut last_name = "";
        for ((name, labels), e) in map.iter() {
            if name != last_name {
                let _ = writeln!(out, "# HELP {name} {}", e.help);
                let _ = writeln!(out, "# TYPE {name} {}", e.kind);
                last_name = name;
            }
            if labels.is_empty() {
                let _ = writeln!(out, "{name} {}", e.value);
            } else {
                let _ = writeln!(out, "{name}{{{labels}}} {}", e.value);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gauges_and_counters() {
        let m = Metrics::new();
        m.set("lag", "projection=\"funds\"", "Lag.", 0.5);
        m.add("published", "", "Published.", 2.0);
        m.add("published", "", "Published.", 3.0);
        let text = m.render();
        assert!(text.contains("# TYPE lag gauge\nlag{projection=\"funds\"} 0.5\n"));
        assert!(text.contains("# TYPE published counter\npublished 5\n"));
        assert_eq!(m.get("published", ""), Some(5.0));
    }
}
