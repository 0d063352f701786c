//! The `aa-service` binary: settings, telemetry, then the server until it stops. A start-up
//! failure prints its reason on stderr and exits 1.

use std::process::ExitCode;

use aa_runtime::telemetry::{self, LogFormat};
use aa_service::configuration::{Settings, PREFIX};
use aa_service::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
    let environment = aa_runtime::settings::environment(PREFIX);
    telemetry::init(
        "info,sqlx=warn,sea_orm=warn",
        LogFormat::for_environment(&environment),
        std::io::stdout,
    );
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("aa-service: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let application = Application::build(Settings::load()?).await?;
    tracing::info!(port = application.port(), "aa-service listening");
    application.run_until_stopped().await?;
    Ok(())
}
