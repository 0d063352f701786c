//! The `fiu-service` binary: `serve` (the default: migrate, then serve until stopped),
//! `migrate`, `config check`, or `rewrap` (every stored data key to the newest master key).
//! The skeleton is `aa_runtime::launch`, the same in every role.

use std::path::Path;
use std::process::ExitCode;

use aa_runtime::launch::{self, Failure, Role};
use aa_runtime::sealed_keys::RewrapReport;
use aa_runtime::settings::{Environment, ServerSettings};
use fiu_service::configuration::{Settings, PREFIX};
use fiu_service::startup::{self, Application};
use fiu_service::vault::Vault;

struct Fiu;

impl Role for Fiu {
    const SERVICE: &'static str = "fiu-service";
    const PREFIX: &'static str = PREFIX;
    const DEV_CONFIG_DIR: &'static str = concat!(env!("CARGO_MANIFEST_DIR"), "/configuration");
    type Settings = Settings;
    type Service = Application;

    fn load(dir: &Path, environment: Environment) -> Result<Settings, Failure> {
        Ok(Settings::load_for(dir, environment)?)
    }

    fn server(settings: &Settings) -> &ServerSettings {
        &settings.server
    }

    async fn migrate(settings: &Settings) -> Result<(), Failure> {
        startup::migrate(settings).await?;
        Ok(())
    }

    async fn rewrap(settings: &Settings) -> Result<RewrapReport, Failure> {
        let store = startup::migrate(settings).await?;
        let vault = Vault::load(&settings.fi, &settings.data_dir, settings.environment)?;
        Ok(vault.rewrap(&store).await?)
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    launch::main::<Fiu>().await
}
