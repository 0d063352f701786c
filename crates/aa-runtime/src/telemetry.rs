//! Log set-up with `tracing-subscriber`: readable lines locally, one JSON object per line in
//! production, filtered by `RUST_LOG`. Field names are dotted (`consent.handle`, `txn.id`).
//! What must never be logged (keys, tokens, JWS strings, key-exchange material, decrypted data,
//! raw bodies) is a rule for callers; nothing here logs a body.

use tracing_subscriber::fmt::MakeWriter;

use crate::settings::Environment;
use tracing_subscriber::EnvFilter;

/// Output format of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl LogFormat {
    /// JSON for the `production` environment, readable otherwise; `LOG_FORMAT=json|pretty`
    /// overrides.
    pub fn for_environment(environment: Environment) -> Self {
        match std::env::var("LOG_FORMAT").as_deref() {
            Ok("json") => LogFormat::Json,
            Ok("pretty") => LogFormat::Pretty,
            _ if environment.is_production() => LogFormat::Json,
            _ => LogFormat::Pretty,
        }
    }
}

/// Installs the global subscriber. `default_filter` applies when `RUST_LOG` is unset. Calling it
/// twice is harmless (the second call does nothing), which keeps tests simple.
pub fn init<W>(default_filter: &str, format: LogFormat, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.with_ansi(false).compact().try_init(),
    };
}
