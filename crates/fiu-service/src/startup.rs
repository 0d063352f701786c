//! Builds the application once from its settings (identity checked against the registry,
//! templates checked, database connected and migrated) and mounts every route in one place:
//!
//! | route | who | signed |
//! | --- | --- | --- |
//! | `POST /Consent/Notification` | AAs (`aa_api_key`) | request and response (`x-jws-signature`) |
//! | `POST /FI/Notification` | AAs (`aa_api_key`) | request and response (`x-jws-signature`) |
//! | `GET /Heartbeat`, `GET /health/live`, `GET /health/ready` | anyone | no |
//! | `/app/...` | the lender (`Authorization: Bearer`) | no |
//! | `/dashboard/...`, `/assets/pages.css` | the lender's people (session cookie, docs/PAGES.md) | no |
//!
//! The job worker (artefacts, FI requests, FI fetches) and the purge sweep run beside the HTTP
//! server, on the same database.

use std::net::TcpListener;
use std::sync::Arc;

use aa_core::registry::Role;
use aa_runtime::clock::Clock;
use aa_runtime::http::{access, metrics, ops, RebitScope};
use aa_runtime::identity::{Identity, IdentityError};
use aa_runtime::launch::Service;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::clients::aa::AaClient;
use crate::configuration::Settings;
use crate::domain::template::{TemplateError, Templates};
use crate::jobs::{FiJobSettings, Worker};
use crate::persistence::{Store, StoreError};
use crate::routes::{app, pages, rebit, redirect_return};
use crate::state::AppState;
use crate::vault::{Vault, VaultError};
use aa_runtime::queue::{admin, Waker};

/// Connects to the configured database and applies pending migrations (`fiu-service migrate`,
/// and the first step of serving).
pub async fn migrate(settings: &Settings) -> Result<Store, StartupError> {
    let database_url = settings.database_url();
    if aa_runtime::store::is_sqlite(&database_url) {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
    }
    Ok(Store::connect(&database_url, settings.database.max_connections).await?)
}

/// Why the service cannot start; says which setting or resource.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Settings(#[from] aa_runtime::settings::SettingsError),
    #[error("app_api.token is empty; set it (FIU__APP_API__TOKEN)")]
    NoAppToken,
    #[error("data_dir {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Fi(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
}

/// The running service: an HTTP server on a bound port, and its worker.
pub struct Application {
    server: Server,
    worker: Worker,
    clock: Clock,
}

impl Service for Application {
    type Settings = Settings;
    type Error = StartupError;

    /// Builds the application with the clock its purge sweep and handlers read (tests set the
    /// time).
    async fn build(
        settings: Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Self, StartupError> {
        let identity = Identity::load(&settings.identity, Role::Fiu)?;
        let templates = Arc::new(Templates::parse(&settings.templates)?);
        if settings.app_api.token.expose().trim().is_empty() {
            return Err(StartupError::NoAppToken);
        }
        let fi_settings = FiJobSettings::from_settings(&settings.fi).map_err(StartupError::Fi)?;
        let store = migrate(&settings).await?;
        let vault = Vault::load(&settings.fi, &settings.data_dir, settings.environment)?;
        vault.check(&store).await?;
        let aa = AaClient::new(identity.client.clone(), clock.clone())
            .with_consent_calls(settings.consent_calls);
        let waker = Waker::default();
        let base_url = identity
            .registry
            .current()
            .entity(&identity.entity_id)
            .map(|us| us.base_url.clone())
            .unwrap_or_default();
        let redirection = settings.redirection.load(settings.environment, &base_url)?;
        let state = AppState {
            store: store.clone(),
            aa: aa.clone(),
            registry: identity.registry.clone(),
            fiu_id: identity.entity_id.clone(),
            templates,
            waker: waker.clone(),
            app_token: settings.app_api.token.clone(),
            secure_cookies: settings.dashboard.secure_cookies,
            poll: settings.consent_poll,
            vault: vault.clone(),
            clock: clock.clone(),
            redirection: Arc::new(redirection),
        };
        let worker = Worker {
            store,
            aa,
            registry: identity.registry.clone(),
            fiu_id: identity.entity_id.clone(),
            settings: settings.queue,
            waker,
            fi: fi_settings,
            vault,
            clock: clock.clone(),
        };

        let state = web::Data::new(state);
        let rebit = RebitScope::of(&identity);
        let admin = admin::configure(worker.store.queue(), &settings.admin);
        let metrics = metrics::configure(worker.store.queue(), &settings.admin);
        let mut server = HttpServer::new(move || {
            App::new()
                .configure(admin.clone())
                .configure(metrics.clone())
                .wrap(from_fn(access::observe))
                .app_data(state.clone())
                .route("/Heartbeat", web::get().to(ops::heartbeat))
                .route("/health/live", web::get().to(ops::live))
                .route("/health/ready", web::get().to(ops::ready::<AppState>))
                .configure(pages::mount)
                .configure(|cfg| aa_runtime::http::api_docs::mount(cfg, Role::Fiu))
                .route("/redirect/return", web::get().to(redirect_return::returned))
                .service(
                    web::scope("/app")
                        .route("/templates", web::get().to(app::templates::list::list))
                        .route("/consents", web::post().to(app::consents::create::create))
                        .route("/consents", web::get().to(app::consents::list::list))
                        .route("/consents/{handle}", web::get().to(app::consents::get::get))
                        .route(
                            "/consents/{handle}/data-requests",
                            web::post().to(app::data_requests::create::create),
                        )
                        .route(
                            "/consents/{handle}/data-requests",
                            web::get().to(app::data_requests::list::list),
                        )
                        .route(
                            "/data-requests/{id}",
                            web::get().to(app::data_requests::get::get),
                        ),
                )
                // The ReBIT scope, last (it matches every path): requests verified, every
                // answer (errors echoed) signed. Both ReBIT routes of an FIU are called by an AA
                // (`Verified<_, FromAa>`).
                .service(
                    rebit
                        .scope("")
                        .route(
                            "/Consent/Notification",
                            web::post().to(rebit::consent_notification::notify),
                        )
                        .route(
                            "/FI/Notification",
                            web::post().to(rebit::fi_notification::notify),
                        ),
                )
        });
        if let Some(workers) = settings.server.workers {
            server = server.workers(workers.max(1));
        }
        let server = server.listen(listener)?.run();
        Ok(Self {
            server,
            worker,
            clock,
        })
    }

    /// Serves until the process is asked to stop, with the worker running beside.
    async fn run_until_stopped(self) -> std::io::Result<()> {
        let purge = tokio::spawn(crate::jobs::purge::run(
            self.worker.store.clone(),
            self.worker.fi.purge_interval,
            self.clock,
        ));
        let waker = self.worker.waker.clone();
        let worker = tokio::spawn(self.worker.into_queue_worker().run());
        // Run whatever an earlier run left in the queue.
        waker.wake();
        let result = self.server.await;
        worker.abort();
        purge.abort();
        result
    }
}
