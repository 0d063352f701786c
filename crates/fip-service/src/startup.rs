//! Builds the service once, from its settings: identity (checked against the registry), the
//! database (migrated, seeded), OTP delivery, the queue's one worker (notifications to AAs and
//! FI preparation), the periodic sweeps, and every route, mounted in one visible place
//! ([`routes`]).

use std::net::TcpListener;
use std::sync::Arc;

use aa_core::registry::Role;
use aa_runtime::clock::Clock;
use aa_runtime::http::{access, metrics, ops, RebitScope};
use aa_runtime::identity::Identity;
use aa_runtime::launch::Service;
use aa_runtime::otp_delivery::{self, DeliveryError, OtpDelivery};
use aa_runtime::outbox::{self, Deliver};
use aa_runtime::periodic;
use aa_runtime::queue::{admin, Waker};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::configuration::{ConfigError, Settings};
use crate::jobs::fi_prepare::{self, Preparer};
use crate::jobs::sweeps;
use crate::persistence::Store;
use crate::routes::app::bank;
use crate::routes::{rebit, sandbox};
use crate::sandbox_otps::SandboxOtps;
use crate::state::{AppState, FiState, OtpPolicy};

/// Connects to the configured database and applies pending migrations (`fip-service migrate`,
/// and the first step of serving).
pub async fn migrate(settings: &Settings) -> Result<Store, StartupError> {
    let database_url = settings.database_url();
    if aa_runtime::store::is_sqlite(&database_url) {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
            path: settings.data_dir.clone(),
            source,
        })?;
    }
    Ok(Store::connect(&database_url, settings.database.max_connections).await?)
}

/// Why the service could not start; the message names the cause.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Identity(#[from] aa_runtime::identity::IdentityError),
    #[error(transparent)]
    Seed(#[from] crate::seeding::SeedingError),
    #[error("master key ring: {0}")]
    KeyRing(#[from] aa_runtime::sealed_keys::RingError),
    #[error("database: {0}")]
    Database(#[from] crate::persistence::StoreError),
    #[error("cannot create data_dir {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error(transparent)]
    OtpDelivery(#[from] DeliveryError),
}

/// The running service: its HTTP server and the workers that go with it.
pub struct Application {
    server: Server,
    worker: aa_runtime::queue::Worker,
    sweep_interval: std::time::Duration,
    state: AppState,
}

impl Application {
    /// The store, for tests and operations tooling that run beside the server.
    pub fn store(&self) -> Store {
        self.state.store.clone()
    }
}

impl Service for Application {
    type Settings = Settings;
    type Error = StartupError;

    /// Builds the service with the clock its store, sessions and workers read (tests set the
    /// time).
    async fn build(
        settings: Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Self, StartupError> {
        let environment = settings.environment;
        settings.check(environment)?;
        let identity = Identity::load(&settings.identity, Role::Fip)?;
        let store = migrate(&settings).await?.with_clock(clock.clone());
        crate::seeding::load_seed(&settings, &store, &identity.entity_id).await?;
        let key_ring = settings.key_ring()?;
        aa_runtime::sealed_keys::check(&key_ring, &store.key_table()).await?;

        let sandbox_otps = settings.otp.sandbox_endpoint.then(SandboxOtps::default);
        let fi_state = FiState {
            key_ring: Arc::new(key_ring),
            key_validity: settings.fi.key_validity(),
            session_lifetime: settings.fi.session_lifetime(),
        };
        let waker = Waker::default();
        let delivery = OtpDelivery::new(
            &settings.otp.delivery,
            &settings.otp.pepper,
            store.queue(),
            waker.clone(),
        )?;
        let state = AppState {
            store: store.clone(),
            fip_id: identity.entity_id.clone(),
            registry: identity.registry.clone(),
            otp: OtpPolicy {
                pepper: settings.otp.pepper.clone(),
                ttl: settings.otp.ttl(),
                max_attempts: settings.otp.max_attempts,
            },
            delivery,
            sandbox_otps: sandbox_otps.clone(),
            limiter: store.limiter(settings.rate_limits),
            waker: waker.clone(),
            fi: fi_state.clone(),
            authenticator: settings.linking.authenticator,
            discovery_lifetime: settings.linking.discovery_lifetime(),
        };
        let bank_token = settings.bank_api.token.clone().map(bank::BankToken);

        let rebit = RebitScope::of(&identity);
        let data = web::Data::new(state.clone());
        let sandbox_otps = sandbox_otps.map(web::Data::new);
        let bank_token = bank_token.map(web::Data::new);
        let workers = settings.server.workers;
        let admin = admin::configure(store.queue(), &settings.admin);
        let metrics = metrics::configure(store.queue(), &settings.admin);
        let server = HttpServer::new(move || {
            let mut app = App::new()
                .wrap(from_fn(access::observe))
                .configure(admin.clone())
                .configure(metrics.clone())
                .app_data(data.clone())
                .configure(|cfg| aa_runtime::http::api_docs::mount(cfg, Role::Fip))
                .route("/health/live", web::get().to(ops::live))
                .route("/health/ready", web::get().to(ops::ready::<AppState>));
            if let Some(otps) = &sandbox_otps {
                app = app
                    .app_data(otps.clone())
                    .route("/sandbox/otp/{ref}", web::get().to(sandbox::otp));
            }
            if let Some(token) = &bank_token {
                app = app
                    .app_data(token.clone())
                    .route(
                        "/bank/links/{link_ref_number}/delink",
                        web::post().to(bank::delink),
                    )
                    .route(
                        "/bank/link-requests/{ref_number}/confirm",
                        web::post().to(bank::confirm_link),
                    )
                    .route(
                        "/bank/links/{link_ref_number}/statement",
                        web::get().to(bank::statement),
                    );
            }
            // The ReBIT scope: requests verified, every answer (errors echoed) signed. Every
            // ReBIT route of an FIP is called by an AA (`Verified<_, FromAa>`).
            app.service(
                rebit
                    .scope("")
                    .route("/Heartbeat", web::get().to(ops::heartbeat))
                    .route(
                        "/Accounts/discover",
                        web::post().to(rebit::accounts_discover::discover),
                    )
                    .route("/Accounts/link", web::post().to(rebit::accounts_link::link))
                    .route(
                        "/Accounts/link",
                        web::delete().to(rebit::accounts_delink::delink),
                    )
                    .route(
                        "/Accounts/link/verify",
                        web::post().to(rebit::accounts_link_verify::verify),
                    )
                    .route(
                        "/Accounts/link/{ref_number}/{token}",
                        web::get().to(rebit::accounts_link_verify::verify_legacy),
                    )
                    .route(
                        "/Accounts/delink",
                        web::post().to(rebit::accounts_delink::delink),
                    )
                    .route("/Consent", web::post().to(rebit::consent::artefact))
                    .route(
                        "/Consent/Notification",
                        web::post().to(rebit::consent_notification::notification),
                    )
                    .route("/FI/request", web::post().to(rebit::fi_request::request))
                    .route("/FI/fetch", web::post().to(rebit::fi_fetch::fetch))
                    .route(
                        "/FI/fetch/{session_id}",
                        web::get().to(rebit::fi_fetch::fetch_legacy),
                    ),
            )
        });
        let server = match workers {
            Some(n) => server.workers(n.max(1)),
            None => server,
        };
        let server = server.listen(listener)?.run();

        let preparer = Preparer {
            store: store.clone(),
            fip_id: identity.entity_id.clone(),
            key_ring: fi_state.key_ring.clone(),
            key_validity: fi_state.key_validity,
            max_attempts: settings.queue.max_attempts.max(1),
            outbox: waker.clone(),
        };
        let mut worker =
            aa_runtime::queue::Worker::new(store.queue(), settings.queue, waker.clone())
                .handle(outbox::KIND, Deliver(identity.client.clone()))
                .handle(fi_prepare::KIND, preparer);
        if let Some(gateway) = OtpDelivery::gateway(&settings.otp.delivery, &settings.otp.pepper)? {
            worker = worker.handle(otp_delivery::KIND, gateway);
        }
        Ok(Self {
            server,
            worker,
            sweep_interval: settings.fi.sweep_interval(),
            state,
        })
    }

    /// Serves until the server stops; the queue's worker and the sweeps run alongside and stop
    /// with it.
    async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = tokio::spawn(self.worker.run());
        // Run whatever an earlier run left in the queue.
        self.state.waker.wake();
        let (store, lifetime) = (self.state.store.clone(), self.state.fi.session_lifetime);
        let expiry = tokio::spawn(periodic::every(
            "fi session expiry",
            self.sweep_interval,
            move || {
                let store = store.clone();
                async move { sweeps::expire_sessions(&store, lifetime).await }
            },
        ));
        let store = self.state.store.clone();
        let answers = tokio::spawn(periodic::every(
            "idempotency keys",
            self.sweep_interval,
            move || {
                let store = store.clone();
                async move { sweeps::purge_answers(&store).await }
            },
        ));
        let (store, lifetime) = (self.state.store.clone(), self.state.discovery_lifetime);
        let discoveries = tokio::spawn(periodic::every(
            "account discoveries",
            self.sweep_interval,
            move || {
                let store = store.clone();
                async move { sweeps::purge_discoveries(&store, lifetime).await }
            },
        ));
        let result = self.server.await;
        for task in [worker, expiry, answers, discoveries] {
            task.abort();
        }
        result
    }
}
