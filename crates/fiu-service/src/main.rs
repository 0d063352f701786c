//! `fiu-service`: loads the settings, sets up logs, builds the application and serves.

use std::process::ExitCode;

use aa_runtime::telemetry::{self, LogFormat};
use fiu_service::configuration::{Settings, PREFIX};
use fiu_service::startup::Application;

#[tokio::main]
async fn main() -> ExitCode {
    let environment = aa_runtime::settings::environment(PREFIX);
    telemetry::init(
        "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn",
        LogFormat::for_environment(&environment),
        std::io::stdout,
    );
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            tracing::error!(%error, "configuration is invalid");
            return ExitCode::FAILURE;
        }
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "fiu-service cannot start");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(port = app.port(), %environment, "fiu-service listening");
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "fiu-service stopped with an error");
            ExitCode::FAILURE
        }
    }
}
