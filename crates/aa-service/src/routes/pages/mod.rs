//! The consent manager: the AA's web pages for customers under `/cm/...` (docs/PAGES.md).
//! Server-rendered HTML with plain forms, POST-redirect-GET, a CSRF token on every form and an
//! HttpOnly session cookie ([`shell`]); no JavaScript. Every page calls the customer API's own
//! functions (`routes::app`), never a second copy of their rules, and never the AA over HTTP.
//! [`webview`] is the AA side of Sahamati's redirection.

use actix_web::web::{self, get, post};

pub mod consents;
pub mod home;
pub mod linking;
pub mod login;
pub mod requests;
pub mod shell;
pub mod terms;
pub mod webview;

/// Every page's route.
pub fn mount(cfg: &mut web::ServiceConfig) {
    cfg.route(
        aa_runtime::http::pages::STYLESHEET_PATH,
        get().to(aa_runtime::http::pages::stylesheet),
    )
    .service(
        web::scope("/cm")
            .route("", get().to(home::home))
            .route("/login", get().to(login::form))
            .route("/login", post().to(login::send))
            .route("/login/otp", get().to(login::otp_form))
            .route("/login/otp", post().to(login::verify))
            .route("/logout", post().to(login::logout))
            .route("/deregister", get().to(home::confirm))
            .route("/deregister", post().to(home::deregister))
            .route("/fips", get().to(linking::fips))
            .route("/discover", post().to(linking::discover))
            .route("/fips/{fip}", get().to(linking::discovered))
            .route("/link", post().to(linking::link))
            .route("/link/{fip}/{ref_number}", get().to(linking::otp_form))
            .route("/link/{fip}/{ref_number}", post().to(linking::verify))
            .route("/accounts/delink", post().to(linking::delink))
            .route("/requests/{handle}", get().to(requests::show))
            .route("/requests/{handle}/approve", post().to(requests::approve))
            .route("/requests/{handle}/reject", post().to(requests::reject))
            .route("/consents/{id}", get().to(consents::show))
            .route("/consents/{id}/pause", post().to(consents::pause))
            .route("/consents/{id}/resume", post().to(consents::resume))
            .route("/consents/{id}/revoke", get().to(consents::confirm_revoke))
            .route("/consents/{id}/revoke", post().to(consents::revoke))
            .route("/webview", get().to(webview::enter))
            .route("/webview/continue", get().to(webview::resume))
            .route("/webview/decide", post().to(webview::decide)),
    );
}
