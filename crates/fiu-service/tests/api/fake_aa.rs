//! A small AA for the FIU to talk to: an actix server on loopback that checks the FIU's API key
//! and signature with aa-core (`Verified`), signs every answer (`sign_responses`), and serves
//! `POST /Consent`, `POST /Consent/handle` and `POST /Consent/fetch`. Tests steer it: approve a
//! handle, sign artefacts with another key, tamper with the signed terms, fail fetches.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aa_core::http::respond::ResponseSigner;
use aa_core::http::{sign_responses, InboundAuth, RebitError, Verified};
use aa_core::jws::{compact, SigningKey};
use aa_core::rebit::{ConsentFetchRequest, ConsentHandleRequest, ConsentsRequest, ErrorCode};
use aa_core::registry::{Registry, Role};
use aa_core::timefmt;
use aa_testkit::Ecosystem;
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};

type Tamper = Box<dyn Fn(&mut Value) + Send>;

struct Approved {
    handle: String,
    fip_id: String,
}

#[derive(Default)]
struct State {
    /// Every `POST /Consent` body received, with the caller.
    requests: Vec<(String, ConsentsRequest)>,
    /// handle -> the request.
    consents: HashMap<String, ConsentsRequest>,
    /// handle -> consent ids approved.
    approvals: HashMap<String, Vec<String>>,
    artefacts: HashMap<String, Approved>,
    /// The key artefacts are signed with (None: AA-1's own).
    artefact_key: Option<SigningKey>,
    tamper: Option<Tamper>,
    /// Answer this many fetches with 503.
    failing_fetches: u32,
    fetches: usize,
}

/// The test's handle on the fake AA.
#[derive(Clone)]
pub struct FakeAa {
    state: Arc<Mutex<State>>,
    aa_key: Arc<SigningKey>,
}

impl FakeAa {
    /// Starts AA-1 on `listener`.
    pub fn start(eco: &Ecosystem, listener: TcpListener) -> Self {
        let registry = Arc::new(Registry::load(&eco.registry_file).unwrap());
        let auth = InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap());
        let aa_key = Arc::new(eco.signer("AA-1"));
        let fake = Self {
            state: Arc::new(Mutex::new(State::default())),
            aa_key: aa_key.clone(),
        };
        let data = web::Data::new(fake.clone());
        let signer = ResponseSigner(aa_key);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(auth.clone()))
                .app_data(web::Data::new(signer.clone()))
                .app_data(data.clone())
                .wrap(middleware::from_fn(sign_responses))
                .route("/Consent", web::post().to(consent))
                .route("/Consent/handle", web::post().to(consent_handle))
                .route("/Consent/fetch", web::post().to(consent_fetch))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        fake
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The customer approves `handle`: a new consent id, for FIP-1.
    pub fn approve(&self, handle: &str) -> String {
        let consent_id = uuid::Uuid::new_v4().to_string();
        let mut state = self.state();
        state
            .approvals
            .entry(handle.to_owned())
            .or_default()
            .push(consent_id.clone());
        state.artefacts.insert(
            consent_id.clone(),
            Approved {
                handle: handle.to_owned(),
                fip_id: "FIP-1".to_owned(),
            },
        );
        consent_id
    }

    /// Signs artefacts with `key` from now on (a key that is not the AA's).
    pub fn sign_artefacts_with(&self, key: SigningKey) {
        self.state().artefact_key = Some(key);
    }

    /// Changes the signed ConsentDetail before signing.
    pub fn tamper(&self, change: impl Fn(&mut Value) + Send + 'static) {
        self.state().tamper = Some(Box::new(change));
    }

    /// Answers the next `count` fetches with 503 ServiceUnavailable.
    pub fn fail_fetches(&self, count: u32) {
        self.state().failing_fetches = count;
    }

    /// How many `POST /Consent/fetch` reached the AA.
    pub fn fetches(&self) -> usize {
        self.state().fetches
    }

    /// The `POST /Consent` requests received, with their callers.
    pub fn requests(&self) -> Vec<(String, ConsentsRequest)> {
        self.state().requests.clone()
    }
}

fn fail(code: ErrorCode, message: &str, ver: &str, txnid: &str) -> RebitError {
    RebitError::new(code, message).echo(Some(ver), Some(txnid))
}

async fn consent(
    request: Verified<ConsentsRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let customer = body.consent_detail.customer.id.clone().unwrap_or_default();
    if customer.starts_with("0000") {
        return Err(fail(
            ErrorCode::InvalidCustomerAddress,
            "no such customer",
            &body.ver,
            &body.txnid,
        ));
    }
    let handle = uuid::Uuid::new_v4().to_string();
    let mut state = fake.state();
    state
        .requests
        .push((request.caller.entity_id.clone(), body.clone()));
    state.consents.insert(handle.clone(), body.clone());
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "Customer": {"id": customer},
        "ConsentHandle": handle,
    })))
}

async fn consent_handle(
    request: Verified<ConsentHandleRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let state = fake.state();
    if !state.consents.contains_key(&body.consent_handle) {
        return Err(fail(
            ErrorCode::InvalidConsentHandle,
            "unknown handle",
            &body.ver,
            &body.txnid,
        ));
    }
    let status = match state.approvals.get(&body.consent_handle) {
        Some(ids) => json!({"id": ids[0], "status": "READY"}),
        None => json!({"status": "PENDING"}),
    };
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "ConsentHandle": body.consent_handle,
        "ConsentStatus": status,
    })))
}

async fn consent_fetch(
    request: Verified<ConsentFetchRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let mut state = fake.state();
    state.fetches += 1;
    if state.failing_fetches > 0 {
        state.failing_fetches -= 1;
        return Err(fail(
            ErrorCode::ServiceUnavailable,
            "try later",
            &body.ver,
            &body.txnid,
        ));
    }
    let Some(approved) = state.artefacts.get(&body.consent_id) else {
        return Err(fail(
            ErrorCode::InvalidConsentId,
            "unknown consent",
            &body.ver,
            &body.txnid,
        ));
    };
    let asked = &state.consents[&approved.handle].consent_detail;
    let mut detail = serde_json::to_value(asked).unwrap();
    detail["Customer"] = json!({"id": asked.customer.id});
    detail["DataProvider"] = json!({"id": approved.fip_id, "type": "FIP"});
    detail["Accounts"] = json!([{
        "fiType": "DEPOSIT", "fipId": approved.fip_id, "accType": "SAVINGS",
        "linkRefNumber": "link-ref-1", "maskedAccNumber": "XXXXXXXX1234"
    }]);
    if let Some(tamper) = &state.tamper {
        tamper(&mut detail);
    }
    let key = state.artefact_key.as_ref().unwrap_or(&fake.aa_key);
    let signed = compact::sign(key, &serde_json::to_vec(&detail).unwrap());
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "txnid": body.txnid,
        "consentId": body.consent_id,
        "status": "ACTIVE",
        "createTimestamp": timefmt::now_millis(),
        "signedConsent": signed,
        "ConsentUse": {"logUri": "mailto:consent-log@aa-1.example", "count": 0, "lastUseDateTime": timefmt::now_millis()},
    })))
}
