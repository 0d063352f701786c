//! A small AA for the FIU to talk to: an actix server on loopback that checks the FIU's API key
//! and signature with aa-core (`Verified`), signs every answer (`sign_responses`), and serves
//! `POST /Consent`, `POST /Consent/handle`, `POST /Consent/fetch`, `POST /FI/request`,
//! `POST /FI/fetch` and the 1.1.x `GET /FI/fetch/{sessionId}`. Tests steer it: approve a
//! handle (for a FIP and accounts), sign artefacts with another key, tamper with the signed
//! terms, fail fetches; and play the FIP: encrypt documents for the FIU's KeyMaterial taken
//! from the FI request it received, corrupt one, fail a session's fetch, stop serving the POST;
//! and answer chosen routes with a signature by another key than AA-1's (`sign_badly`).

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::jws::{compact, detached, SigningKey};
use aa_core::rebit::{
    ConsentFetchRequest, ConsentHandleRequest, ConsentsRequest, EncryptedFi, ErrorCode,
    FiFetchRequest, FiRequest, FipFi,
};
use aa_core::registry::{Registry, Role};
use aa_core::timefmt;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, InboundAuth, RebitError, Verified};
use aa_testkit::Ecosystem;
use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};

type Tamper = Box<dyn Fn(&mut Value) + Send>;

struct Approved {
    handle: String,
    fip_id: String,
    /// (linkRefNumber, maskedAccNumber, fiType)
    accounts: Vec<(String, String, String)>,
    /// The JWS last handed out for it.
    signed: Option<String>,
}

/// An FI session the fake opened.
#[derive(Clone)]
pub struct FiSession {
    pub session_id: String,
    pub request: FiRequest,
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
    /// FI sessions opened, in order.
    fi_sessions: Vec<FiSession>,
    /// sessionId -> what `FI/fetch` answers.
    fi_data: HashMap<String, Vec<FipFi>>,
    /// Sessions whose fetch is refused (4xx).
    refused_fetches: Vec<String>,
    /// Answer `POST /FI/fetch` with 404, as a 1.1.x AA would.
    no_post_fetch: bool,
    fi_fetch_posts: usize,
    fi_fetch_gets: usize,
    /// Paths answered with a signature by another key.
    badly_signed: HashSet<String>,
    /// `POST /FI/fetch` waits for [`FakeAa::release_fetches`] before answering.
    hold_fetches: bool,
}

/// The test's handle on the fake AA.
#[derive(Clone)]
pub struct FakeAa {
    state: Arc<Mutex<State>>,
    aa_key: Arc<SigningKey>,
    /// AA-2's key: registered, but not AA-1's.
    wrong_key: Arc<SigningKey>,
    /// Permits for held `POST /FI/fetch` answers.
    fetch_gate: Arc<tokio::sync::Semaphore>,
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
            wrong_key: Arc::new(eco.signer("AA-2")),
            fetch_gate: Arc::new(tokio::sync::Semaphore::new(0)),
        };
        let data = web::Data::new(fake.clone());
        let signer = ResponseSigner(aa_key);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(auth.clone()))
                .app_data(web::Data::new(signer.clone()))
                .app_data(data.clone())
                .wrap(middleware::from_fn(sign_responses))
                .wrap(middleware::from_fn(resign_badly))
                .route("/Consent", web::post().to(consent))
                .route("/Consent/handle", web::post().to(consent_handle))
                .route("/Consent/fetch", web::post().to(consent_fetch))
                .route("/FI/request", web::post().to(fi_request))
                .route("/FI/fetch", web::post().to(fi_fetch))
                .route("/FI/fetch/{session}", web::get().to(fi_fetch_get))
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
        self.approve_for(
            handle,
            "FIP-1",
            &[("link-ref-1", "XXXXXXXX1234", "DEPOSIT")],
        )
    }

    /// The customer approves `handle` for `fip_id` and its `accounts`
    /// (linkRefNumber, maskedAccNumber, fiType): a new consent id.
    pub fn approve_for(
        &self,
        handle: &str,
        fip_id: &str,
        accounts: &[(&str, &str, &str)],
    ) -> String {
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
                fip_id: fip_id.to_owned(),
                accounts: accounts
                    .iter()
                    .map(|(l, m, t)| ((*l).to_owned(), (*m).to_owned(), (*t).to_owned()))
                    .collect(),
                signed: None,
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

    /// The FI sessions opened so far.
    pub fn fi_sessions(&self) -> Vec<FiSession> {
        self.state().fi_sessions.clone()
    }

    /// Waits (10 s at most) for the FI request of `consent_id`; the latest one.
    pub async fn wait_fi_request(&self, consent_id: &str) -> FiSession {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let found = self
                .fi_sessions()
                .into_iter()
                .rev()
                .find(|s| s.request.consent.id == consent_id);
            if let Some(session) = found {
                return session;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no FI request for {consent_id}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Plays the FIP `fip_id`: encrypts each (linkRefNumber, maskedAccNumber, document) for
    /// the KeyMaterial the FIU sent with `session`, with a fresh FIP key on the same curve;
    /// the account `corrupt` (if any) gets one ciphertext byte flipped. `FI/fetch` of the
    /// session answers with them.
    pub fn deliver(
        &self,
        session: &FiSession,
        fip_id: &str,
        documents: &[(&str, &str, Vec<u8>)],
        corrupt: Option<&str>,
    ) {
        let now = time::OffsetDateTime::now_utc();
        let fiu = key_material::read(&session.request.key_material, now).unwrap();
        let curve: Curve = session.request.key_material.curve.as_str().parse().unwrap();
        let fip = key_material::generate(curve, now + time::Duration::hours(1)).unwrap();
        let data = documents
            .iter()
            .map(|(link, masked, plain)| {
                let mut encrypted = fip.encrypt_for(&fiu, plain).unwrap();
                if corrupt == Some(*link) {
                    use base64::Engine;
                    let engine = base64::engine::general_purpose::STANDARD;
                    let mut bytes = engine.decode(&encrypted).unwrap();
                    bytes[3] ^= 0x55;
                    encrypted = engine.encode(bytes);
                }
                EncryptedFi {
                    link_ref_number: (*link).to_owned(),
                    masked_acc_number: (*masked).to_owned(),
                    encrypted_fi: encrypted,
                }
            })
            .collect();
        self.state().fi_data.insert(
            session.session_id.clone(),
            vec![FipFi {
                fip_id: fip_id.to_owned(),
                data,
                key_material: fip.key_material,
            }],
        );
    }

    /// `FI/fetch` of `session_id` is refused from now on.
    pub fn refuse_fetch(&self, session_id: &str) {
        self.state().refused_fetches.push(session_id.to_owned());
    }

    /// `POST /FI/fetch` answers 404 from now on (the 1.1.x GET still works).
    pub fn stop_serving_post_fetch(&self) {
        self.state().no_post_fetch = true;
    }

    /// Answers `path` (exactly) with a valid signature by AA-2's key instead of AA-1's, from now
    /// on; the answer is otherwise the one AA-1 would give.
    pub fn sign_badly(&self, path: &str) {
        self.state().badly_signed.insert(path.to_owned());
    }

    /// `POST /FI/fetch` is received (and counted) but not answered until released.
    pub fn hold_fetches(&self) {
        self.state().hold_fetches = true;
    }

    /// Lets every held `POST /FI/fetch` answer, and those to come.
    pub fn release_fetches(&self) {
        self.state().hold_fetches = false;
        self.fetch_gate.add_permits(1000);
    }

    /// (`POST /FI/fetch` calls, `GET /FI/fetch/{id}` calls) received.
    pub fn fi_fetch_calls(&self) -> (usize, usize) {
        let state = self.state();
        (state.fi_fetch_posts, state.fi_fetch_gets)
    }
}

/// Outermost middleware: re-signs the answers of the paths of [`FakeAa::sign_badly`] with
/// the wrong key.
async fn resign_badly(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let fake = req.app_data::<web::Data<FakeAa>>().cloned();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    let Some(fake) = fake.filter(|f| f.state().badly_signed.contains(&path)) else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let signature = detached::sign(&fake.wrong_key, &bytes);
    response.headers_mut().insert(
        HeaderName::from_static("x-jws-signature"),
        HeaderValue::from_str(&signature).unwrap(),
    );
    let response = response.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
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
    detail["Accounts"] = approved
        .accounts
        .iter()
        .map(|(link, masked, fi_type)| {
            json!({
                "fiType": fi_type, "fipId": approved.fip_id, "accType": "SAVINGS",
                "linkRefNumber": link, "maskedAccNumber": masked
            })
        })
        .collect();
    if let Some(tamper) = &state.tamper {
        tamper(&mut detail);
    }
    let key = state.artefact_key.as_ref().unwrap_or(&fake.aa_key);
    let signed = compact::sign(key, &serde_json::to_vec(&detail).unwrap());
    if let Some(approved) = state.artefacts.get_mut(&body.consent_id) {
        approved.signed = Some(signed.clone());
    }
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

async fn fi_request(
    request: Verified<FiRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let mut state = fake.state();
    let Some(approved) = state.artefacts.get(&body.consent.id) else {
        return Err(fail(
            ErrorCode::InvalidConsentId,
            "unknown consent",
            &body.ver,
            &body.txnid,
        ));
    };
    let expected = approved
        .signed
        .as_deref()
        .and_then(|jws| jws.rsplit('.').next())
        .unwrap_or_default();
    if body.consent.digital_signature != expected {
        return Err(fail(
            ErrorCode::SignatureDoesNotMatch,
            "digitalSignature is not the consent's",
            &body.ver,
            &body.txnid,
        ));
    }
    let session_id = uuid::Uuid::new_v4().to_string();
    state.fi_sessions.push(FiSession {
        session_id: session_id.clone(),
        request: body.clone(),
    });
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "consentId": body.consent.id,
        "sessionId": session_id,
    })))
}

/// The `FI` answer for a session, or the refusal.
fn fi_answer(state: &State, session_id: &str, ver: &str, txnid: &str) -> Result<Value, RebitError> {
    if state.refused_fetches.iter().any(|s| s == session_id)
        || !state.fi_sessions.iter().any(|s| s.session_id == session_id)
    {
        return Err(fail(
            ErrorCode::InvalidSessionId,
            "no such session",
            ver,
            txnid,
        ));
    }
    let fi = state.fi_data.get(session_id).cloned().unwrap_or_default();
    Ok(json!({
        "ver": ver,
        "timestamp": timefmt::now_millis(),
        "txnid": txnid,
        "FI": fi,
    }))
}

async fn fi_fetch(
    request: Verified<FiFetchRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let held = {
        let mut state = fake.state();
        if state.no_post_fetch {
            return Ok(HttpResponse::NotFound().finish());
        }
        state.fi_fetch_posts += 1;
        state.hold_fetches
    };
    if held {
        fake.fetch_gate.acquire().await.unwrap().forget();
    }
    let answer = fi_answer(&fake.state(), &body.session_id, &body.ver, &body.txnid)?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The 1.1.x GET: the fake only checks a signature header is there.
async fn fi_fetch_get(
    req: actix_web::HttpRequest,
    session: web::Path<String>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    let txnid = uuid::Uuid::new_v4().to_string();
    if req.headers().get("x-jws-signature").is_none() {
        return Err(fail(
            ErrorCode::SignatureDoesNotMatch,
            "unsigned",
            "1.1.2",
            &txnid,
        ));
    }
    let mut state = fake.state();
    state.fi_fetch_gets += 1;
    let answer = fi_answer(&state, &session, "1.1.2", &txnid)?;
    Ok(HttpResponse::Ok().json(answer))
}
