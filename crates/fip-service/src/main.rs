//! `fip-service`: settings, telemetry, build, run. Everything else is in the library.

use std::process::ExitCode;

use aa_runtime::telemetry::{self, LogFormat};
use fip_service::configuration::{self, PREFIX};
use fip_service::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
    let environment = aa_runtime::settings::environment(PREFIX);
    telemetry::init(
        "info",
        LogFormat::for_environment(&environment),
        std::io::stdout,
    );
    let application = match configuration::load() {
        Ok(settings) => Application::build(settings).await,
        Err(error) => Err(error.into()),
    };
    let outcome = match application {
        Ok(application) => application
            .run_until_stopped()
            .await
            .map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "fip-service stopped");
            ExitCode::FAILURE
        }
    }
}
