//! A fake FIU for the AA's tests: records the consent and FI notifications the AA sends it,
//! can be served late (a counterparty that was down), and can acknowledge with a changed, still
//! validly signed answer ([`FakeFiu::tamper_acks`]).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aa_core::jws::SigningKey;
use aa_core::rebit::{ConsentStatusNotification, FiStatusNotification};
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, InboundAuth, RebitError, Verified};
use actix_web::middleware::from_fn;
use actix_web::web::{self, post};
use actix_web::{App, HttpResponse, HttpServer};

use super::{from_aa, inbound, ok, Tamper};
use crate::Ecosystem;

/// A fake FIU that records the consent and FI notifications it receives.
#[derive(Clone)]
pub struct FakeFiu {
    pub notifications: Arc<Mutex<Vec<ConsentStatusNotification>>>,
    pub fi_notifications: Arc<Mutex<Vec<FiStatusNotification>>>,
    /// When set, applied to every acknowledgement before it is signed.
    pub tamper_acks: Arc<Mutex<Option<Tamper>>>,
    auth: InboundAuth,
    signer: Arc<SigningKey>,
}

impl FakeFiu {
    pub fn new(eco: &Ecosystem, id: &str) -> Self {
        Self {
            notifications: Arc::default(),
            fi_notifications: Arc::default(),
            tamper_acks: Arc::default(),
            auth: inbound(eco).1,
            signer: Arc::new(eco.signer(id)),
        }
    }

    pub fn serve(&self, listener: TcpListener) {
        let state = self.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.auth.clone()))
                .app_data(web::Data::new(ResponseSigner(state.signer.clone())))
                .app_data(web::Data::new(state.clone()))
                .service(
                    web::scope("")
                        .wrap(from_fn(sign_responses))
                        .route("/Consent/Notification", post().to(notification))
                        .route("/FI/Notification", post().to(fi_notification)),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
    }

    pub fn received(&self) -> Vec<ConsentStatusNotification> {
        self.notifications.lock().unwrap().clone()
    }

    pub fn fi_received(&self) -> Vec<FiStatusNotification> {
        self.fi_notifications.lock().unwrap().clone()
    }

    /// The acknowledgement of a notification, changed by [`Self::tamper_acks`] when set.
    fn ack(&self, ver: &str, txnid: &str) -> HttpResponse {
        let tamper = self.tamper_acks.lock().unwrap().clone();
        let Some(tamper) = tamper else {
            return ok(ver, txnid);
        };
        let mut value = serde_json::json!({
            "ver": ver,
            "timestamp": aa_core::timefmt::now_millis(),
            "txnid": txnid,
            "response": "OK",
        });
        tamper(&mut value);
        HttpResponse::Ok().json(value)
    }
}

async fn fi_notification(
    fiu: web::Data<FakeFiu>,
    request: Verified<FiStatusNotification>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let (ver, txnid) = (body.ver.clone(), body.txnid.clone());
    fiu.fi_notifications.lock().unwrap().push(body);
    Ok(fiu.ack(&ver, &txnid))
}

async fn notification(
    fiu: web::Data<FakeFiu>,
    request: Verified<ConsentStatusNotification>,
) -> Result<HttpResponse, RebitError> {
    from_aa(&request.caller)?;
    let body = request.body;
    let (ver, txnid) = (body.ver.clone(), body.txnid.clone());
    fiu.notifications.lock().unwrap().push(body);
    Ok(fiu.ack(&ver, &txnid))
}
