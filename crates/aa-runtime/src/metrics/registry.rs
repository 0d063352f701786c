//! A small Prometheus registry: counters and fixed-bucket histograms keyed by name and label
//! values, rendered in the text exposition format (version 0.0.4). Hand-written on purpose: a
//! few atomics and one lock are all a service needs, and no metrics crate is pulled in.
//!
//! Label values come from bounded sets (route patterns, roles, entity ids of the registry,
//! outcome words), never from raw paths or request data, so the number of series stays small.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds (seconds) of every latency histogram: 1 ms to 30 s.
pub const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Label names and values of one series, in the order given.
pub type Labels = Vec<(&'static str, String)>;

/// A monotonically increasing count.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Observations counted into [`BUCKETS`], with their sum (in microseconds, so it stays an
/// integer atomic) and count.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Per bucket (not cumulative); the cumulative counts are computed when rendering.
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

#[derive(Debug)]
struct Family<M> {
    help: &'static str,
    series: BTreeMap<Vec<(&'static str, String)>, Arc<M>>,
}

/// Every counter and histogram of the process.
#[derive(Debug, Default)]
pub struct Registry {
    counters: Mutex<BTreeMap<&'static str, Family<Counter>>>,
    histograms: Mutex<BTreeMap<&'static str, Family<Histogram>>>,
}

fn series<M: Default>(
    families: &Mutex<BTreeMap<&'static str, Family<M>>>,
    name: &'static str,
    help: &'static str,
    labels: Labels,
) -> Arc<M> {
    // A poisoned lock only means another thread panicked while inserting; the map is intact.
    let mut families = families.lock().unwrap_or_else(|p| p.into_inner());
    let family = families.entry(name).or_insert_with(|| Family {
        help,
        series: BTreeMap::new(),
    });
    family.series.entry(labels).or_default().clone()
}

impl Registry {
    /// The counter `name` with `labels`, created at zero on first use.
    pub fn counter(&self, name: &'static str, help: &'static str, labels: Labels) -> Arc<Counter> {
        series(&self.counters, name, help, labels)
    }

    /// The histogram `name` with `labels`, created empty on first use.
    pub fn histogram(
        &self,
        name: &'static str,
        help: &'static str,
        labels: Labels,
    ) -> Arc<Histogram> {
        series(&self.histograms, name, help, labels)
    }

    /// Every counter and histogram in the text exposition format.
    pub fn render(&self, out: &mut String) {
        let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        for (name, family) in counters.iter() {
            header(out, name, family.help, "counter");
            for (labels, counter) in &family.series {
                sample(out, name, &label_text(labels, None), counter.get() as f64);
            }
        }
        drop(counters);
        let histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
        for (name, family) in histograms.iter() {
            header(out, name, family.help, "histogram");
            for (labels, histogram) in &family.series {
                render_histogram(out, name, labels, histogram);
            }
        }
    }
}

fn render_histogram(
    out: &mut String,
    name: &str,
    labels: &[(&'static str, String)],
    h: &Histogram,
) {
    let bucket_name = format!("{name}_bucket");
    let mut cumulative = 0u64;
    for (bound, count) in BUCKETS.iter().zip(&h.buckets) {
        cumulative += count.load(Ordering::Relaxed);
        let le = label_text(labels, Some(&bound.to_string()));
        sample(out, &bucket_name, &le, cumulative as f64);
    }
    let total = h.count();
    sample(
        out,
        &bucket_name,
        &label_text(labels, Some("+Inf")),
        total as f64,
    );
    let plain = label_text(labels, None);
    let sum = h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
    sample(out, &format!("{name}_sum"), &plain, sum);
    sample(out, &format!("{name}_count"), &plain, total as f64);
}

/// `# HELP` and `# TYPE` lines of a metric family.
pub fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One sample line; `labels` is `{...}` or empty.
pub fn sample(out: &mut String, name: &str, labels: &str, value: f64) {
    let _ = writeln!(out, "{name}{labels} {value}");
}

/// `{a="x",b="y"}` (with `le` last for a bucket), or empty without labels.
pub fn label_text(labels: &[(&'static str, String)], le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// A label value as the exposition format wants it: backslash, quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_end_with_the_count() {
        let registry = Registry::default();
        let h = registry.histogram("t_seconds", "test", vec![("op", "x".into())]);
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(20));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        registry.render(&mut out);
        assert!(
            out.contains("t_seconds_bucket{op=\"x\",le=\"0.001\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("t_seconds_bucket{op=\"x\",le=\"0.025\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("t_seconds_bucket{op=\"x\",le=\"30\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("t_seconds_bucket{op=\"x\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("t_seconds_count{op=\"x\"} 3\n"), "{out}");
        assert!(out.contains("# TYPE t_seconds histogram\n"), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        let text = label_text(&[("a", "x\"y\\z\n".into())], None);
        assert_eq!(text, r#"{a="x\"y\\z\n"}"#);
        assert_eq!(label_text(&[], None), "");
    }
}
