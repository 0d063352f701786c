//! The skeleton every service's `main.rs` follows ([`main`] over a [`Role`]): parse the command
//! line, read the environment, find the configuration directory, set up the logs, run, and
//! report a failure the same way in every role: one line (JSON in production) with the whole
//! cause chain. A bad command line, environment or configuration exits 2; a failure of the run,
//! 1.
//!
//! Commands: `serve` (the default: migrate, then serve until stopped), `migrate` (apply pending
//! migrations and exit), `config check` (load and check the settings, print them with every
//! secret redacted; exit 0 or 2), `health` (is the service these settings describe ready? exit
//! 0 or 1: a container's `HEALTHCHECK` without curl, [`health`]), `rewrap` (move every stored
//! data key to the newest master key, print how many moved; refused by a role that seals
//! nothing). `--config-dir DIR` may come anywhere.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::clock::Clock;
use crate::sealed_keys::RewrapReport;
use crate::settings::{self, Environment, ServerSettings};
use crate::telemetry::{self, LogFormat};

mod health;

pub use health::{health, HealthError};

/// The log filter when `RUST_LOG` is unset: the service at `info`, its libraries quieter.
pub const LOG_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// A failure, for `?` in a role's functions.
pub type Failure = Box<dyn Error>;

/// A role's service (its `startup::Application`): the HTTP server and the work beside it.
pub trait Service: Sized {
    /// The role's settings.
    type Settings;
    /// Why it could not be built.
    type Error: Error + 'static;
    /// Migrates and builds the service on `listener`, reading `clock` (tests bind port 0 and
    /// set the time).
    fn build(
        settings: Self::Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> impl Future<Output = Result<Self, Self::Error>>;
    /// Serves until the server stops; the work beside it stops with it.
    fn run_until_stopped(self) -> impl Future<Output = std::io::Result<()>>;
}

/// What a role's binary plugs into the skeleton.
pub trait Role {
    /// The binary's name: `aa-service`, `fip-service`, `fiu-service`.
    const SERVICE: &'static str;
    /// The environment prefix: `AA`, `FIP`, `FIU`.
    const PREFIX: &'static str;
    /// The crate's own `configuration/` (`concat!(env!("CARGO_MANIFEST_DIR"), "/configuration")`),
    /// a fallback for debug builds only (`cargo run`); release binaries never use it.
    const DEV_CONFIG_DIR: &'static str;
    /// Its settings; `Debug` must redact secrets (they are [`settings::Secret`]s).
    type Settings: fmt::Debug;
    /// What `serve` builds and runs.
    type Service: Service<Settings = Self::Settings>;

    /// Loads the settings from `dir` for `environment` and checks the role's own rules.
    fn load(dir: &Path, environment: Environment) -> Result<Self::Settings, Failure>;
    /// Where it listens (for `health`).
    fn server(settings: &Self::Settings) -> &ServerSettings;
    /// Applies pending migrations.
    fn migrate(settings: &Self::Settings) -> impl Future<Output = Result<(), Failure>>;
    /// Binds `server.host:server.port` (0: any free port), builds the service on the system
    /// clock, then serves until stopped.
    fn serve(settings: Self::Settings) -> impl Future<Output = Result<(), Failure>> {
        async {
            let server = Self::server(&settings);
            let listener = TcpListener::bind((server.host.as_str(), server.port))
                .map_err(|e| format!("cannot listen on {}:{}: {e}", server.host, server.port))?;
            let port = listener.local_addr()?.port();
            let service = Self::Service::build(settings, listener, Clock::system()).await?;
            tracing::info!(service = Self::SERVICE, port, "listening");
            Ok(service.run_until_stopped().await?)
        }
    }
    /// Moves every stored data key to the newest master key (`crate::sealed_keys::rewrap`).
    /// A role that seals no data keeps this default, which refuses.
    fn rewrap(settings: &Self::Settings) -> impl Future<Output = Result<RewrapReport, Failure>> {
        let _ = settings;
        async {
            Err(format!(
                "{} seals no data at rest: it has no master keys and nothing to rewrap",
                Self::SERVICE
            )
            .into())
        }
    }
}

/// What the binary was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database, then serve until stopped (no argument).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load and check the settings, print them redacted, exit.
    ConfigCheck,
    /// Ask the service these settings describe, on this host, whether it is ready; exit 0 if so.
    Health,
    /// Move every stored data key to the newest master key, print how many moved, exit.
    Rewrap,
}

/// The command line: the command and `--config-dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub command: Command,
    pub config_dir: Option<PathBuf>,
}

impl Args {
    /// Reads the arguments after the program name.
    pub fn parse<I, S>(args: I) -> Result<Self, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut words = Vec::new();
        let mut config_dir = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let arg = arg.as_ref();
            if let Some(dir) = arg.strip_prefix("--config-dir=") {
                config_dir = Some(PathBuf::from(dir));
            } else if arg == "--config-dir" {
                let dir = args
                    .next()
                    .ok_or_else(|| UsageError("--config-dir needs a directory".into()))?;
                config_dir = Some(PathBuf::from(dir.as_ref()));
            } else {
                words.push(arg.to_owned());
            }
        }
        let command = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [] | ["serve"] => Command::Serve,
            ["migrate"] => Command::Migrate,
            ["config", "check"] => Command::ConfigCheck,
            ["health"] => Command::Health,
            ["rewrap"] => Command::Rewrap,
            [first, ..] if !["serve", "migrate", "config", "health", "rewrap"].contains(&first) => {
                return Err(UsageError(format!("unknown command {first:?}")))
            }
            _ => {
                return Err(UsageError(format!(
                    "unexpected arguments {:?}",
                    words.join(" ")
                )))
            }
        };
        Ok(Self {
            command,
            config_dir,
        })
    }
}

/// A command line the binary does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; usage: [serve | migrate | config check | health | rewrap] [--config-dir DIR]",
            self.0
        )
    }
}

impl Error for UsageError {}

/// The whole binary: `main` of each role is `launch::main::<Role>().await`.
pub async fn main<R: Role>() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => return refuse(R::SERVICE, None, &e),
    };
    let environment = match Environment::from_env(R::PREFIX) {
        Ok(environment) => environment,
        Err(e) => return refuse(R::SERVICE, None, &e),
    };
    let dev_dir = cfg!(debug_assertions).then(|| Path::new(R::DEV_CONFIG_DIR));
    let dir =
        match settings::find_config_dir(R::SERVICE, R::PREFIX, args.config_dir.as_deref(), dev_dir)
        {
            Ok(dir) => dir,
            Err(e) => return refuse(R::SERVICE, Some(environment), &e),
        };
    let settings = match R::load(&dir, environment) {
        Ok(settings) => settings,
        Err(e) => return refuse(R::SERVICE, Some(environment), &chain(e.as_ref())),
    };
    if args.command == Command::ConfigCheck {
        println!(
            "{}: configuration in {} for {environment} is valid\n{settings:#?}",
            R::SERVICE,
            dir.display()
        );
        return ExitCode::SUCCESS;
    }
    if args.command == Command::Health {
        return match health(R::server(&settings)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: {e}", R::SERVICE);
                ExitCode::FAILURE
            }
        };
    }
    telemetry::init(
        LOG_FILTER,
        LogFormat::for_environment(environment),
        std::io::stdout,
    );
    let outcome = match args.command {
        Command::Migrate => R::migrate(&settings).await.map(|()| {
            tracing::info!(service = R::SERVICE, "migrations applied");
        }),
        Command::Rewrap => R::rewrap(&settings).await.map(|report| {
            println!("{}: {report}", R::SERVICE);
        }),
        _ => R::serve(settings).await,
    };
    finish(R::SERVICE, outcome)
}

/// Says why the binary will not start, on stderr: one line, JSON in production (where logs
/// are collected as JSON), with exit code 2.
fn refuse(service: &str, environment: Option<Environment>, error: &dyn fmt::Display) -> ExitCode {
    let error = error.to_string();
    if environment.is_some_and(Environment::is_production) {
        let line = serde_json::json!({
            "timestamp": aa_core::timefmt::now_millis(),
            "level": "ERROR",
            "service": service,
            "message": "refused to start",
            "error": error,
        });
        eprintln!("{line}");
    } else {
        eprintln!("{service}: {error}");
    }
    ExitCode::from(2)
}

/// The exit code of a run, logging a failure once with its whole cause chain.
pub fn finish(service: &str, outcome: Result<(), Failure>) -> ExitCode {
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

    fn command(args: &[&str]) -> Result<Command, UsageError> {
        Args::parse(args).map(|a| a.command)
    }

    #[test]
    fn no_argument_means_serve() {
        assert_eq!(command(&[]), Ok(Command::Serve));
        assert_eq!(command(&["serve"]), Ok(Command::Serve));
        assert_eq!(command(&["migrate"]), Ok(Command::Migrate));
        assert_eq!(command(&["config", "check"]), Ok(Command::ConfigCheck));
        assert_eq!(command(&["health"]), Ok(Command::Health));
        assert_eq!(command(&["rewrap"]), Ok(Command::Rewrap));
    }

    #[test]
    fn the_config_dir_flag_may_come_anywhere_in_either_spelling() {
        let args = Args::parse(["--config-dir", "/etc/x", "migrate"]).unwrap();
        assert_eq!(args.command, Command::Migrate);
        assert_eq!(args.config_dir, Some(PathBuf::from("/etc/x")));
        let args = Args::parse(["config", "check", "--config-dir=/srv/c"]).unwrap();
        assert_eq!(args.config_dir, Some(PathBuf::from("/srv/c")));
        assert!(Args::parse(["serve", "--config-dir"]).is_err());
    }

    #[test]
    fn an_unknown_command_or_an_extra_argument_is_a_usage_error() {
        let error = command(&["migrat"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown command \"migrat\"; usage: [serve | migrate | config check | health | \
             rewrap] [--config-dir DIR]"
        );
        assert!(command(&["migrate", "now"]).is_err());
        assert!(command(&["config"]).is_err());
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
