//! A fake AA-1, for the FIU's and the FIP's tests: an actix server on loopback that checks the FIU's API key
//! and signature with aa-core (`Verified`), signs every answer (`sign_responses`), and serves
//! `POST /Consent`, `POST /Consent/handle`, `POST /Consent/fetch`, `POST /FI/request`,
//! `POST /FI/fetch` and the 1.1.x `GET /FI/fetch/{sessionId}`. Tests steer it: approve a
//! handle (for a FIP and accounts), sign artefacts with another key, tamper with the signed
//! terms, fail fetches; and play the FIP: encrypt documents for the FIU's KeyMaterial taken
//! from the FI request it received, corrupt one, fail a session's fetch, stop serving the POST;
//! and answer chosen routes with a signature by another key than AA-1's (`sign_badly`) or
//! with a changed, still validly signed body (`alter_answers`).
//!
//! For the FIP it verifies and records `POST /Account/link/Notification` and `POST
//! /FI/Notification` in its [`AaInbox`], and can refuse the first link notifications with 503
//! to exercise retries.

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::jws::SigningKey;
use aa_core::rebit::{ConsentsRequest, EncryptedFi, FiRequest, FipFi};
use aa_core::registry::Registry;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, InboundAuth};
use actix_web::{middleware, web, App, HttpServer};
use serde_json::Value;

use crate::Ecosystem;
use routes::{
    consent, consent_fetch, consent_handle, fi_fetch, fi_fetch_get, fi_notification, fi_request,
    link_notification, resign_badly,
};

mod alter;
mod routes;

/// What the fake AA received from a FIP.
#[derive(Debug, Default)]
pub struct AaInbox {
    /// `POST /Account/link/Notification` bodies.
    pub notifications: Vec<Value>,
    /// `POST /FI/Notification` bodies.
    pub fi_notifications: Vec<Value>,
    pub refused: usize,
    /// How many link notifications to refuse (503) before accepting.
    pub to_refuse: usize,
}

pub(crate) type Tamper = Box<dyn Fn(&mut Value) + Send>;

pub(crate) struct Approved {
    pub(crate) handle: String,
    pub(crate) fip_id: String,
    /// (linkRefNumber, maskedAccNumber, fiType)
    pub(crate) accounts: Vec<(String, String, String)>,
    /// The JWS last handed out for it.
    pub(crate) signed: Option<String>,
}

/// An FI session the fake opened.
#[derive(Clone)]
pub struct FiSession {
    pub session_id: String,
    pub request: FiRequest,
}

#[derive(Default)]
pub(crate) struct State {
    /// Every `POST /Consent` body received, with the caller.
    pub(crate) requests: Vec<(String, ConsentsRequest)>,
    /// handle -> the request.
    pub(crate) consents: HashMap<String, ConsentsRequest>,
    /// handle -> consent ids approved.
    pub(crate) approvals: HashMap<String, Vec<String>>,
    pub(crate) artefacts: HashMap<String, Approved>,
    /// The key artefacts are signed with (None: AA-1's own).
    pub(crate) artefact_key: Option<SigningKey>,
    pub(crate) tamper: Option<Tamper>,
    /// Answer this many fetches with 503.
    pub(crate) failing_fetches: u32,
    pub(crate) fetches: usize,
    /// FI sessions opened, in order.
    pub(crate) fi_sessions: Vec<FiSession>,
    /// sessionId -> what `FI/fetch` answers.
    pub(crate) fi_data: HashMap<String, Vec<FipFi>>,
    /// Sessions whose fetch is refused (4xx).
    pub(crate) refused_fetches: Vec<String>,
    /// Answer `POST /FI/fetch` with 404, as a 1.1.x AA would.
    pub(crate) no_post_fetch: bool,
    pub(crate) fi_fetch_posts: usize,
    pub(crate) fi_fetch_gets: usize,
    /// Paths answered with a signature by another key.
    pub(crate) badly_signed: HashSet<String>,
    /// `POST /FI/fetch` waits for [`FakeAa::release_fetches`] before answering.
    pub(crate) hold_fetches: bool,
    /// Path -> how its successful answers are changed before they are signed.
    pub(crate) alterations: HashMap<String, Tamper>,
}

/// The test's handle on the fake AA.
#[derive(Clone)]
pub struct FakeAa {
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) aa_key: Arc<SigningKey>,
    /// AA-2's key: registered, but not AA-1's.
    pub(crate) wrong_key: Arc<SigningKey>,
    /// Permits for held `POST /FI/fetch` answers.
    pub(crate) fetch_gate: Arc<tokio::sync::Semaphore>,
    /// What FIPs sent.
    pub inbox: Arc<Mutex<AaInbox>>,
}

impl FakeAa {
    /// Starts AA-1 on `listener`; `eco` must register AA-2 too (its key signs `sign_badly`).
    pub fn start(eco: &Ecosystem, listener: TcpListener) -> Self {
        let registry = Arc::new(Registry::load(&eco.registry_file).unwrap());
        let auth = InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap());
        let aa_key = Arc::new(eco.signer("AA-1"));
        let fake = Self {
            state: Arc::new(Mutex::new(State::default())),
            aa_key: aa_key.clone(),
            wrong_key: Arc::new(eco.signer("AA-2")),
            fetch_gate: Arc::new(tokio::sync::Semaphore::new(0)),
            inbox: Arc::default(),
        };
        let inbox = web::Data::new(fake.inbox.clone());
        let data = web::Data::new(fake.clone());
        let signer = ResponseSigner(aa_key);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(auth.clone()))
                .app_data(web::Data::new(signer.clone()))
                .app_data(data.clone())
                .app_data(inbox.clone())
                .wrap(middleware::from_fn(alter::alter_answers))
                .wrap(middleware::from_fn(sign_responses))
                .wrap(middleware::from_fn(resign_badly))
                .route("/Consent", web::post().to(consent))
                .route("/Consent/handle", web::post().to(consent_handle))
                .route("/Consent/fetch", web::post().to(consent_fetch))
                .route("/FI/request", web::post().to(fi_request))
                .route("/FI/fetch", web::post().to(fi_fetch))
                .route("/FI/fetch/{session}", web::get().to(fi_fetch_get))
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
        tokio::spawn(server);
        fake
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
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
        crate::eventually(&format!("an FI request for {consent_id}"), || {
            self.fi_sessions()
                .into_iter()
                .rev()
                .find(|s| s.request.consent.id == consent_id)
        })
        .await
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

    /// Changes every successful JSON answer of `path` (exactly) with `change` before it is
    /// signed, from now on: an AA answering what the request did not ask.
    pub fn alter_answers(&self, path: &str, change: impl Fn(&mut Value) + Send + 'static) {
        self.state()
            .alterations
            .insert(path.to_owned(), Box::new(change));
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
