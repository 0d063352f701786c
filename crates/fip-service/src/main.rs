//! The `fip-service` binary: `serve` (the default: migrate, then serve until stopped),
//! `migrate`, `config check`, or `rewrap` (every stored data key to the newest master key).
//! The skeleton is `aa_runtime::launch`, the same in every role.

use std::path::Path;
use std::process::ExitCode;

use aa_runtime::launch::{self, Failure, Role};
use aa_runtime::sealed_keys::{self, RewrapReport};
use aa_runtime::settings::{Environment, ServerSettings};
use fip_service::configuration::{self, Settings, PREFIX};
use fip_service::startup::{self, Application};

struct Fip;

impl Role for Fip {
    const SERVICE: &'static str = "fip-service";
    const PREFIX: &'static str = PREFIX;
    const DEV_CONFIG_DIR: &'static str = concat!(env!("CARGO_MANIFEST_DIR"), "/configuration");
    type Settings = Settings;
    type Service = Application;

    fn load(dir: &Path, environment: Environment) -> Result<Settings, Failure> {
        let settings = configuration::load_for(dir, environment)?;
        settings.check(environment)?;
        Ok(settings)
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
        Ok(sealed_keys::rewrap(&settings.key_ring()?, &store.key_table()).await?)
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    launch::main::<Fip>().await
}
