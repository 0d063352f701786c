//! The process's metrics, for `GET /metrics` ([`crate::http::metrics`]): what the runtime counts
//! as it goes (requests in and out, queue runs, JWS and FI crypto timings) in one process-wide
//! [`Registry`], and the names every role exposes. Queue depth and the database pool are read
//! when scraped, not counted here.
//!
//! Services time their own work with [`observe`] or [`time`] under a fixed operation name
//! (`fi_encrypt`, `fi_decrypt`, ...): `aa_operation_duration_seconds{op}`.

pub mod registry;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use registry::{Counter, Histogram, Labels, Registry, BUCKETS};

/// Inbound requests: `endpoint` (the route pattern), `method`, `status`, `caller` (role).
pub const HTTP_REQUESTS: &str = "aa_http_requests_total";
/// Inbound request latency, labelled as [`HTTP_REQUESTS`].
pub const HTTP_DURATION: &str = "aa_http_request_duration_seconds";
/// Outbound calls: `counterparty` (entity id) and `outcome`.
pub const OUTBOUND_REQUESTS: &str = "aa_outbound_requests_total";
/// Outbound call latency, labelled as [`OUTBOUND_REQUESTS`].
pub const OUTBOUND_DURATION: &str = "aa_outbound_request_duration_seconds";
/// Timed operations (`op`): `jws_sign`, `jws_verify`, and what services add.
pub const OPERATION_DURATION: &str = "aa_operation_duration_seconds";
/// Queue job runs: `kind` and `outcome` (`done`, `retry`, `dead`).
pub const QUEUE_RUNS: &str = "aa_queue_job_runs_total";

/// The registry of this process.
pub fn global() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}

/// Records `elapsed` for the operation `op` (a fixed name, never request data).
pub fn observe(op: &'static str, elapsed: Duration) {
    global()
        .histogram(
            OPERATION_DURATION,
            "Duration of timed operations (JWS, FI crypto) in seconds",
            vec![("op", op.to_owned())],
        )
        .observe(elapsed);
}

/// Runs `work` and records how long it took under `op`.
pub fn time<T>(op: &'static str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = work();
    observe(op, started.elapsed());
    result
}

/// One inbound request, answered.
pub fn http_request(endpoint: &str, method: &str, status: u16, caller: &str, elapsed: Duration) {
    let labels = || -> Labels {
        vec![
            ("endpoint", endpoint.to_owned()),
            ("method", method.to_owned()),
            ("status", status.to_string()),
            ("caller", caller.to_owned()),
        ]
    };
    let registry = global();
    registry
        .counter(HTTP_REQUESTS, "HTTP requests answered", labels())
        .inc();
    registry
        .histogram(HTTP_DURATION, "HTTP request latency in seconds", labels())
        .observe(elapsed);
}

/// One outbound call to `counterparty`, ended with `outcome`.
pub fn outbound(counterparty: &str, outcome: &str, elapsed: Duration) {
    let labels = || -> Labels {
        vec![
            ("counterparty", counterparty.to_owned()),
            ("outcome", outcome.to_owned()),
        ]
    };
    let registry = global();
    registry
        .counter(OUTBOUND_REQUESTS, "Outbound calls by outcome", labels())
        .inc();
    registry
        .histogram(
            OUTBOUND_DURATION,
            "Outbound call latency in seconds",
            labels(),
        )
        .observe(elapsed);
}

/// One run of a queue job of `kind`, settled as `outcome`.
pub fn queue_run(kind: &str, outcome: &'static str) {
    global()
        .counter(
            QUEUE_RUNS,
            "Queue job runs by outcome",
            vec![("kind", kind.to_owned()), ("outcome", outcome.to_owned())],
        )
        .inc();
}
