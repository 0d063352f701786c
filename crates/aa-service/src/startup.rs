//! Start-up: loads the identity, connects the database (running migrations), builds the
//! shared state once and mounts every route in one visible place. The queue's worker (which
//! delivers notifications, forwards accepted FI requests to FIPs and sends the delinks of
//! deregistered customers) and the expiry scheduler run beside the server for as long as it does.

use std::net::TcpListener;
use std::time::Duration;

use aa_core::registry::Role;
use aa_runtime::clock::Clock;
use aa_runtime::http::{access, metrics, ops, RebitScope};
use aa_runtime::identity::{Identity, IdentityError};
use aa_runtime::launch::Service;
use aa_runtime::otp_delivery::{self, DeliveryError, OtpDelivery};
use aa_runtime::outbox::{self, Deliver};
use aa_runtime::queue::{admin, Waker, Worker};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::web::{self, get, post};
use actix_web::{App, HttpServer};

use crate::configuration::Settings;
use crate::flows::fi_forward;
use crate::jobs::expiry::{self, Expiry};
use crate::jobs::fi_forward::ForwardFi;
use crate::jobs::fip_delink::{self, DelinkAtFip};
use crate::persistence::{Store, StoreError};
use crate::routes::{app, pages, rebit, sandbox};
use crate::state::{AppState, AuthPolicy};

/// Connects to the configured database and applies pending migrations (`aa-service migrate`,
/// and the first step of serving).
pub async fn migrate(settings: &Settings) -> Result<Store, StartupError> {
    std::fs::create_dir_all(&settings.data_dir)?;
    Ok(Store::connect(&settings.database_url(), settings.database.max_connections).await?)
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    OtpDelivery(#[from] DeliveryError),
    #[error("{0}")]
    Settings(String),
}

/// The running service: the HTTP server, the queue's worker and the expiry scheduler.
pub struct Application {
    server: Server,
    store: Store,
    waker: Waker,
    worker: Worker,
    expiry: Expiry,
    clock: Clock,
}

impl Service for Application {
    type Settings = Settings;
    type Error = StartupError;

    /// Builds the service with the clock its expiry scheduler reads (tests set the time).
    async fn build(
        settings: Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Self, StartupError> {
        let identity = Identity::load(&settings.identity, Role::Aa)?;
        let store = migrate(&settings).await?;
        let waker = Waker::default();
        let state = AppState {
            store: store.clone(),
            identity: identity.clone(),
            auth: AuthPolicy {
                pepper: settings.auth.pepper.clone(),
                session_ttl: Duration::from_secs(
                    u64::try_from(settings.auth.session_ttl_minutes.max(1)).unwrap_or(60) * 60,
                ),
                otp_ttl: Duration::from_secs(u64::try_from(settings.otp.ttl_seconds).unwrap_or(0)),
                otp_max_attempts: settings.otp.max_attempts.max(1),
                otp_sandbox: settings.otp.sandbox_endpoint,
                otp_delivery: OtpDelivery::new(
                    &settings.otp.delivery,
                    &settings.auth.pepper,
                    store.queue(),
                    waker.clone(),
                )?,
                limiter: store.limiter(settings.rate_limits, clock.clone()),
                secure_cookies: settings.auth.secure_cookies,
            },
            waker: waker.clone(),
            fi_session_lifetime: Duration::from_secs(
                u64::try_from(settings.fi.session_lifetime_minutes.max(1)).unwrap_or(1440) * 60,
            ),
            clock: clock.clone(),
            // Checked by `Settings::load_from` for its environment; read again here.
            passphrases: settings
                .redirection
                .load(aa_runtime::settings::Environment::Local)
                .map_err(|e| StartupError::Settings(e.to_string()))?,
        };
        let forwards = ForwardFi {
            state: state.clone(),
            max_attempts: settings.queue.policy().max_attempts,
        };
        let rebit = RebitScope::of(&identity);
        let admin = admin::configure(store.queue(), &settings.admin);
        let metrics = metrics::configure(store.queue(), &settings.admin);
        let server = HttpServer::new(move || {
            let state = state.clone();
            App::new()
                .wrap(from_fn(access::observe))
                .configure(admin.clone())
                .configure(metrics.clone())
                .app_data(app::error::json_config())
                .app_data(app::error::query_config())
                .configure(|cfg| mount(cfg, &rebit, state.auth.otp_sandbox))
                .app_data(web::Data::new(state))
        })
        .listen(listener)?
        .run();
        let expiry = Expiry::new(&identity.entity_id, &settings.lifecycle);
        let mut worker = Worker::new(store.queue(), settings.queue, waker.clone())
            .handle(outbox::KIND, Deliver(identity.client.clone()))
            .handle(fi_forward::KIND, forwards)
            .handle(
                fip_delink::KIND,
                DelinkAtFip::new(identity.client.clone(), clock.clone()),
            );
        if let Some(gateway) = OtpDelivery::gateway(&settings.otp.delivery, &settings.auth.pepper)?
        {
            worker = worker.handle(otp_delivery::KIND, gateway);
        }
        Ok(Self {
            server,
            store,
            waker,
            worker,
            expiry,
            clock,
        })
    }

    /// Serves until the server stops; the queue's worker and the scheduler stop with it.
    async fn run_until_stopped(self) -> std::io::Result<()> {
        let scheduler = tokio::spawn(expiry::run(
            self.store.clone(),
            self.expiry,
            self.waker.clone(),
            self.clock.clone(),
        ));
        let worker = tokio::spawn(self.worker.run());
        // Deliver whatever an earlier run left in the queue.
        self.waker.wake();
        let result = self.server.await;
        worker.abort();
        scheduler.abort();
        result
    }
}

/// Every route of the service.
fn mount(cfg: &mut web::ServiceConfig, rebit: &RebitScope, sandbox_otp: bool) {
    pages::mount(cfg);
    aa_runtime::http::api_docs::mount(cfg, aa_core::registry::Role::Aa);
    cfg.route("/health/live", get().to(ops::live))
        .route("/health/ready", get().to(ops::ready::<AppState>))
        .service(
            web::scope("/customer")
                .route("/otp", post().to(app::otp::request))
                .route("/session", post().to(app::session::login))
                .route("/fips", get().to(app::fips::list))
                .route("/discover", post().to(app::discover::discover))
                .route("/link", post().to(app::link::start))
                .route("/link/verify", post().to(app::link_verify::verify))
                .route(
                    "/link/{fip_id}/{ref_number}",
                    get().to(app::link_status::show),
                )
                .route("/accounts", get().to(app::accounts::list))
                .route("/accounts/delink", post().to(app::delink::delink))
                .route("/deregister", post().to(app::deregister::deregister))
                .route("/consents", get().to(app::consents::list))
                .route(
                    "/consents/{handle}/approve",
                    post().to(app::approve::approve),
                )
                .route("/consents/{handle}/reject", post().to(app::reject::reject))
                .route(
                    "/consents/{consent_id}/pause",
                    post().to(app::consent_status::pause),
                )
                .route(
                    "/consents/{consent_id}/resume",
                    post().to(app::consent_status::resume),
                )
                .route(
                    "/consents/{consent_id}/revoke",
                    post().to(app::consent_status::revoke),
                ),
        );
    if sandbox_otp {
        cfg.route("/sandbox/otp/{otp_ref}", get().to(sandbox::otp));
    }
    // The ReBIT scope: requests verified, the caller's role checked by each handler's extractor
    // (`Verified<_, FromFiu>` ...), and every answer, errors included, echoed and signed. Routes
    // are grouped by the role that may call them; `/Consent/{id}` stays after `/Consent/handle`
    // and `/Consent/fetch`, which it would otherwise shadow.
    cfg.service(
        rebit
            .scope("")
            // Anyone (unsigned request, signed answer).
            .route("/Heartbeat", get().to(ops::heartbeat))
            // FIU (`FromFiu`).
            .route("/Consent", post().to(rebit::consent_request::create))
            .route("/Consent/handle", post().to(rebit::consent_handle::post))
            .route(
                "/Consent/handle/{handle}",
                get().to(rebit::consent_handle::get),
            )
            .route("/FI/request", post().to(rebit::fi_request::create))
            .route("/FI/fetch", post().to(rebit::fi_fetch::post))
            .route("/FI/fetch/{session_id}", get().to(rebit::fi_fetch::get))
            // FIU or FIP (`FromFiuOrFip`).
            .route("/Consent/fetch", post().to(rebit::consent_fetch::post))
            .route("/Consent/{id}", get().to(rebit::consent_fetch::get))
            .route(
                "/Consent/Notification",
                post().to(rebit::consent_notification::receive),
            )
            // FIP (`FromFip`).
            .route(
                "/Account/link/Notification",
                post().to(rebit::link_notification::receive),
            )
            .route(
                "/FI/Notification",
                post().to(rebit::fi_notification::receive),
            ),
    );
}
