//! The `aa-service` binary: `serve` (the default: migrate, then serve until stopped),
//! `migrate`, or `config check`. The skeleton is `aa_runtime::launch`, the same in every role.

use std::path::Path;
use std::process::ExitCode;

use aa_runtime::launch::{self, Failure, Role};
use aa_runtime::settings::{Environment, ServerSettings};
use aa_service::configuration::{Settings, PREFIX};
use aa_service::startup::{self, Application};

struct Aa;

impl Role for Aa {
    const SERVICE: &'static str = "aa-service";
    const PREFIX: &'static str = PREFIX;
    const DEV_CONFIG_DIR: &'static str = concat!(env!("CARGO_MANIFEST_DIR"), "/configuration");
    type Settings = Settings;
    type Service = Application;

    fn load(dir: &Path, environment: Environment) -> Result<Settings, Failure> {
        Ok(Settings::load_from(dir, environment)?)
    }

    fn server(settings: &Settings) -> &ServerSettings {
        &settings.server
    }

    async fn migrate(settings: &Settings) -> Result<(), Failure> {
        startup::migrate(settings).await?;
        Ok(())
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    launch::main::<Aa>().await
}
