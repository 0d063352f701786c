//! The `fip-service` binary: `serve` (the default: migrate, then serve until stopped) or
//! `migrate` (apply pending migrations and exit). The skeleton is `aa_runtime::launch`, the
//! same in every role.

use std::error::Error;
use std::process::ExitCode;

use aa_runtime::launch::{self, Command, Start};
use fip_service::configuration::{self, PREFIX};
use fip_service::startup::{self, Application};

const SERVICE: &str = "fip-service";

#[actix_web::main]
async fn main() -> ExitCode {
    match Start::from_process(SERVICE, PREFIX) {
        Ok(start) => launch::finish(SERVICE, run(start).await),
        Err(code) => code,
    }
}

async fn run(start: Start) -> Result<(), Box<dyn Error>> {
    let settings = configuration::load()?;
    match start.command {
        Command::Health => launch::health(&settings.server)?,
        Command::Migrate => {
            startup::migrate(&settings).await?;
            tracing::info!(service = SERVICE, "migrations applied");
        }
        Command::Serve => {
            let application = Application::build(settings).await?;
            tracing::info!(service = SERVICE, port = application.port(), environment = %start.environment, "listening");
            application.run_until_stopped().await?;
        }
    }
    Ok(())
}
