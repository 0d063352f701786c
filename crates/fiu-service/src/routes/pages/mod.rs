//! The FIU's dashboard: the lender's web pages under `/dashboard/...` (docs/PAGES.md), behind a
//! log-in with the app API token. Server-rendered HTML with plain forms, POST-redirect-GET, a
//! CSRF token on every form and an HttpOnly session cookie ([`shell`], [`session`]); no
//! JavaScript. Every page calls the app API's own functions ([`crate::flows`]), never a second
//! copy of their rules, and never the FIU over HTTP.

use actix_web::web::{self, get, post};

pub mod accounts;
pub mod chart;
pub mod consent;
pub mod data_request;
pub mod export;
pub mod home;
pub mod login;
pub mod session;
pub mod shell;

/// Every page's route.
pub fn mount(cfg: &mut web::ServiceConfig) {
    cfg.route(
        aa_runtime::http::pages::STYLESHEET_PATH,
        get().to(aa_runtime::http::pages::stylesheet),
    )
    .service(
        web::scope("/dashboard")
            .route("", get().to(home::home))
            .route("/login", get().to(login::form))
            .route("/login", post().to(login::login))
            .route("/logout", post().to(login::logout))
            .route("/consents/new", get().to(home::new_form))
            .route("/consents", post().to(home::create))
            .route("/consents/{handle}", get().to(consent::show))
            .route(
                "/consents/{handle}/redirect",
                post().to(consent::redirect_customer),
            )
            .route(
                "/consents/{handle}/data-requests",
                post().to(consent::request_data),
            )
            .route("/data-requests/{id}", get().to(data_request::show))
            .route(
                "/data-requests/{id}/export.csv",
                get().to(export::export_csv),
            )
            .route(
                "/data-requests/{id}/export.json",
                get().to(export::export_json),
            ),
    );
}
