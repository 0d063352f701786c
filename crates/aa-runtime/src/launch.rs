//! The skeleton every service's `main.rs` follows: parse the command (`serve`, the default,
//! `migrate`, or `health`, the container probe of [`health`]), read the environment, set up the logs, run, and report a failure the same way
//! in every role (one log line with the whole cause chain, exit code 1; a bad command line or
//! environment goes to stderr with exit code 2, before there are logs to write to).

use std::error::Error;
use std::fmt;
use std::process::ExitCode;

use crate::settings::Environment;
use crate::telemetry::{self, LogFormat};

mod health;

pub use health::{health, HealthError};

/// The log filter when `RUST_LOG` is unset: the service at `info`, its libraries quieter.
pub const LOG_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// What the binary was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database, then serve until stopped (no argument).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Ask the running service on this host whether it is ready; exit 0 if so (a container's
    /// `HEALTHCHECK`, with no curl in the image).
    Health,
}

impl Command {
    /// Reads the arguments after the program name.
    pub fn parse<I, S>(args: I) -> Result<Self, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut args = args.into_iter();
        let command = match args.next() {
            None => Self::Serve,
            Some(arg) => match arg.as_ref() {
                "serve" => Self::Serve,
                "migrate" => Self::Migrate,
                "health" => Self::Health,
                other => return Err(UsageError(format!("unknown command {other:?}"))),
            },
        };
        match args.next() {
            None => Ok(command),
            Some(extra) => Err(UsageError(format!(
                "unexpected argument {:?}",
                extra.as_ref()
            ))),
        }
    }
}

/// A command line the binary does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; usage: [serve | migrate | health]", self.0)
    }
}

impl Error for UsageError {}

/// What `main` knows before it loads the settings.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub command: Command,
    pub environment: Environment,
}

impl Start {
    /// Parses the process's arguments and `<prefix>_ENVIRONMENT`, then installs the logs
    /// (JSON in production). On a bad command line or environment, says why on stderr and
    /// hands back the exit code.
    pub fn from_process(service: &str, prefix: &str) -> Result<Self, ExitCode> {
        let command = Command::parse(std::env::args().skip(1)).map_err(|e| usage(service, &e))?;
        let environment = Environment::from_env(prefix).map_err(|e| usage(service, &e))?;
        telemetry::init(
            LOG_FILTER,
            LogFormat::for_environment(environment),
            std::io::stdout,
        );
        Ok(Self {
            command,
            environment,
        })
    }
}

fn usage(service: &str, error: &dyn fmt::Display) -> ExitCode {
    eprintln!("{service}: {error}");
    ExitCode::from(2)
}

/// The exit code of a run, logging a failure once with its whole cause chain.
pub fn finish(service: &str, outcome: Result<(), Box<dyn Error>>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(service, error = %chain(error.as_ref()), "stopped");
            ExitCode::FAILURE
        }
    }
}

/// `error: cause: cause's cause`, skipping a cause whose text the outer message already has.
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn no_argument_means_serve() {
        assert_eq!(Command::parse(Vec::<String>::new()), Ok(Command::Serve));
        assert_eq!(Command::parse(["serve"]), Ok(Command::Serve));
        assert_eq!(Command::parse(["migrate"]), Ok(Command::Migrate));
        assert_eq!(Command::parse(["health"]), Ok(Command::Health));
    }

    #[test]
    fn an_unknown_command_or_an_extra_argument_is_a_usage_error() {
        let error = Command::parse(["migrat"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown command \"migrat\"; usage: [serve | migrate | health]"
        );
        assert!(Command::parse(["migrate", "now"]).is_err());
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let db = crate::store::StoreError::from(sea_orm::DbErr::Custom("no route".into()));
        #[derive(Debug, thiserror::Error)]
        #[error("cannot start")]
        struct Outer(#[source] crate::store::StoreError);
        assert_eq!(
            chain(&Outer(db)),
            "cannot start: database: Custom Error: no route"
        );
    }
}
