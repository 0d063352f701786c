//! A fake AA-1 for the outbox tests: it verifies (API key, signature) and records every
//! `POST /Account/link/Notification` and `POST /FI/Notification` the FIP sends, signs its
//! answers like a real AA, and can refuse the first link notifications with 503 to exercise
//! retries.

use std::sync::{Arc, Mutex};

use aa_core::rebit::{
    AccountLinkStatusNotification, ErrorCode, FiStatusNotification, NotificationResponse,
};
use aa_core::registry::Registry;
use aa_core::timefmt;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, InboundAuth, RebitError, Verified};
use aa_testkit::Ecosystem;
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use serde_json::Value;

/// What the fake AA received.
#[derive(Debug, Default)]
pub struct AaInbox {
    pub notifications: Vec<Value>,
    /// `POST /FI/Notification` bodies.
    pub fi_notifications: Vec<Value>,
    pub refused: usize,
    pub to_refuse: usize,
}

/// A fake AA-1 that verifies and records `POST /Account/link/Notification`, refusing the first
/// `to_refuse` with 503.
pub fn start(eco: &Ecosystem, listener: std::net::TcpListener, inbox: Arc<Mutex<AaInbox>>) {
    let registry = Arc::new(Registry::load(&eco.registry_file).unwrap());
    let auth = InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap());
    let signer = ResponseSigner(Arc::new(eco.signer("AA-1")));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(auth.clone()))
            .app_data(web::Data::new(signer.clone()))
            .app_data(web::Data::new(inbox.clone()))
            .wrap(middleware::from_fn(sign_responses))
            .route(
                "/Account/link/Notification",
                web::post().to(link_notification),
            )
            .route("/FI/Notification", web::post().to(fi_notification))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
}

async fn link_notification(
    request: Verified<AccountLinkStatusNotification>,
    inbox: web::Data<Arc<Mutex<AaInbox>>>,
) -> Result<HttpResponse, RebitError> {
    let mut inbox = inbox.lock().unwrap();
    if inbox.refused < inbox.to_refuse {
        inbox.refused += 1;
        return Err(RebitError::new(ErrorCode::ServiceUnavailable, "try later"));
    }
    assert_eq!(request.caller.entity_id, "FIP-1");
    inbox
        .notifications
        .push(serde_json::from_slice(&request.raw).unwrap());
    Ok(HttpResponse::Ok().json(NotificationResponse {
        ver: request.body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: request.body.txnid.clone(),
        response: "OK".to_owned(),
    }))
}

async fn fi_notification(
    request: Verified<FiStatusNotification>,
    inbox: web::Data<Arc<Mutex<AaInbox>>>,
) -> Result<HttpResponse, RebitError> {
    assert_eq!(request.caller.entity_id, "FIP-1");
    inbox
        .lock()
        .unwrap()
        .fi_notifications
        .push(serde_json::from_slice(&request.raw).unwrap());
    Ok(HttpResponse::Ok().json(NotificationResponse {
        ver: request.body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: request.body.txnid.clone(),
        response: "OK".to_owned(),
    }))
}
