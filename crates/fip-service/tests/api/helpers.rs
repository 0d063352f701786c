//! Test support: spawns the real FIP (FIP-1, fresh database, port 0) inside a temporary
//! ecosystem (AA-1 and AA-2 as callers, FIU-1 as a party of the wrong role), a fake AA-1 that
//! records the notifications the FIP sends it (`aa_testkit::fakes::FakeAa`), and request
//! builders. Every answer's `x-jws-signature` is verified against FIP-1's registered key before
//! a test sees it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use aa_core::jws::{compact, SigningKey, VerifyingKey};
use aa_core::registry::Role;
use aa_core::timefmt;
use aa_runtime::clock::Clock;
use aa_runtime::launch::Service;
use aa_runtime::settings::Secret;
use aa_testkit::fakes::{AaInbox, FakeAa};
use aa_testkit::{
    assert_signed_by, call_json, eventually, free_listener, keys, post_signed, request_signed,
    Answer, Ecosystem, Party,
};
use fip_service::configuration;
use fip_service::persistence::Store;
use fip_service::startup::Application;
use serde_json::{json, Value};

pub use aa_testkit::Db;

pub const HANDLE: &str = "9999999999@AA-1";
pub const MOBILE: &str = "9999999999";
pub const PAN: &str = "ABCPS1234K";
pub const BANK_TOKEN: &str = "test-bank-back-office-token";

#[derive(Debug, Clone)]
pub struct Options {
    pub db: Db,
    pub otp_ttl_seconds: u64,
    pub sandbox: bool,
    /// How many notifications the fake AA refuses (503) before it accepts.
    pub aa_failures: usize,
    /// The clock of the FIP's store and handlers (tests set the time); unset: the system's.
    pub clock: Option<Clock>,
    /// `queue.max_attempts`; unset: the configured one.
    pub queue_max_attempts: Option<u32>,
    /// `fi.session_lifetime_seconds`.
    pub fi_session_lifetime_seconds: u64,
    /// `rate_limits`; the shipped defaults unless a test sets its own.
    pub rate_limits: aa_runtime::rate_limit::RateLimitSettings,
    /// `linking.authenticator: DIRECT` instead of `TOKEN`.
    pub direct_linking: bool,
    /// `linking.discovery_lifetime_seconds`.
    pub discovery_lifetime_seconds: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            db: Db::Sqlite,
            otp_ttl_seconds: 300,
            sandbox: true,
            aa_failures: 0,
            clock: None,
            queue_max_attempts: None,
            fi_session_lifetime_seconds: 3600,
            rate_limits: Default::default(),
            direct_linking: false,
            discovery_lifetime_seconds: 86_400,
        }
    }
}

pub struct TestApp {
    pub eco: Ecosystem,
    pub url: String,
    pub store: Store,
    pub aa_inbox: Arc<Mutex<AaInbox>>,
    /// The fake AA-1 itself, to steer its answers.
    pub aa: FakeAa,
    fip_key: VerifyingKey,
}

fn config_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> Self {
        let (fip_listener, fip_url) = free_listener();
        let (aa_listener, aa_url) = free_listener();
        let eco = Ecosystem::new(vec![
            Party::new("AA-1", Role::Aa, keys::AA_1, &aa_url),
            Party::new("AA-2", Role::Aa, keys::OTHER, "http://127.0.0.1:9"),
            Party::new("FIP-1", Role::Fip, keys::FIP_1, &fip_url),
            Party::new("FIU-1", Role::Fiu, keys::FIU_1, "http://127.0.0.1:9"),
        ]);
        let database_url = options.db.url().await;
        let app = Self::start(&eco, fip_listener, &options, database_url).await;
        let store = app.store();
        actix_web::rt::spawn(app.run_until_stopped());
        let aa = FakeAa::start(&eco, aa_listener);
        aa.inbox.lock().unwrap().to_refuse = options.aa_failures;
        let aa_inbox = aa.inbox.clone();
        let fip_key = eco.signer("FIP-1").verifying_key();
        Self {
            eco,
            url: fip_url,
            store,
            aa_inbox,
            aa,
            fip_key,
        }
    }

    /// Builds FIP-1 in `eco` on `listener`.
    pub async fn start(
        eco: &Ecosystem,
        listener: std::net::TcpListener,
        options: &Options,
        database_url: Option<String>,
    ) -> Application {
        let mut settings = configuration::load_from(&config_dir()).expect("settings");
        settings.identity = eco.identity("FIP-1");
        settings.data_dir = eco.dir.path().join("fip-1");
        settings.database.url = database_url.map(Secret::new);
        settings.otp.ttl_seconds = options.otp_ttl_seconds;
        settings.otp.sandbox_endpoint = options.sandbox;
        settings.bank_api.token = Some(Secret::new(BANK_TOKEN));
        settings.server.workers = Some(2);
        settings.queue.poll_ms = 100;
        settings.queue.first_retry_ms = 50;
        if let Some(attempts) = options.queue_max_attempts {
            settings.queue.max_attempts = attempts;
        }
        settings.fi.session_lifetime_seconds = options.fi_session_lifetime_seconds;
        settings.rate_limits = options.rate_limits;
        settings.linking.discovery_lifetime_seconds = options.discovery_lifetime_seconds;
        if options.direct_linking {
            settings.linking.authenticator = aa_core::rebit::AuthenticatorType::Direct;
        }
        let clock = options.clock.clone().unwrap_or_else(Clock::system);
        Application::build(settings, listener, clock)
            .await
            .expect("the FIP starts")
    }

    /// Checks an answer is signed by FIP-1 over its exact bytes, and returns it.
    pub fn signed(&self, answer: Answer) -> Answer {
        assert_signed_by(&answer, &self.fip_key);
        answer
    }

    /// POSTs `body` as `entity` (its API key in its role's header, signed with its key).
    pub async fn post_as(&self, entity: &str, path: &str, body: &Value) -> Answer {
        let party = self.eco.party(entity);
        let bytes = serde_json::to_vec(body).unwrap();
        let key = self.eco.api_key(entity);
        let answer = post_signed(
            &format!("{}{path}", self.url),
            Some((party.role.api_key_header(), &key)),
            Some(&self.eco.signer(entity)),
            &bytes,
        )
        .await;
        self.signed(answer)
    }

    /// POSTs `body` as AA-1.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_as("AA-1", path, body).await
    }

    /// Sends exactly what the test says: any API-key header, any signer, any bytes.
    pub async fn post_raw(
        &self,
        path: &str,
        api_key: Option<(&str, &str)>,
        signer: Option<&SigningKey>,
        body: &[u8],
    ) -> Answer {
        let answer = post_signed(&format!("{}{path}", self.url), api_key, signer, body).await;
        self.signed(answer)
    }

    /// A request with any method, signed as AA-1 over `signed` (the body, or the path for
    /// the 1.1.x GET).
    pub async fn request_as_aa(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let key = self.eco.api_key("AA-1");
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
        let answer = request_signed(
            method,
            &format!("{}{path}", self.url),
            Some(("aa_api_key", &key)),
            Some(&self.eco.signer("AA-1")),
            bytes.as_deref(),
            path,
        )
        .await;
        self.signed(answer)
    }

    /// A plain GET (health, sandbox), unsigned on purpose.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        call_json("GET", &format!("{}{path}", self.url), None, None).await
    }

    /// The OTP of a link request, from the sandbox endpoint.
    pub async fn otp(&self, ref_number: &str) -> String {
        let (status, body) = self.get(&format!("/sandbox/otp/{ref_number}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["ref"], ref_number);
        body["otp"].as_str().unwrap().to_owned()
    }

    /// Discovers the demo customer's accounts as AA-1.
    pub async fn discover(&self) -> Vec<Value> {
        let answer = self
            .post("/Accounts/discover", &discover_body(MOBILE, None))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body["DiscoveredAccounts"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Starts linking `accounts` for [`HANDLE`]; returns the `RefNumber`.
    pub async fn start_link(&self, accounts: &[Value]) -> String {
        let answer = self
            .post("/Accounts/link", &link_body(HANDLE, accounts))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body["RefNumber"].as_str().unwrap().to_owned()
    }

    /// Discovers and links every account of the demo customer; returns the verify answer.
    pub async fn link_all(&self) -> Value {
        let accounts = self.discover().await;
        let ref_number = self.start_link(&accounts).await;
        let otp = self.otp(&ref_number).await;
        let answer = self
            .post("/Accounts/link/verify", &verify_body(&ref_number, &otp))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    }

    /// Polls the fake AA's inbox until `done` holds (at most ten seconds).
    pub async fn wait_for_aa(&self, done: impl Fn(&AaInbox) -> bool) {
        eventually("the AA to get what it expected", || {
            done(&self.aa_inbox.lock().unwrap()).then_some(())
        })
        .await;
    }
}

pub fn now() -> String {
    timefmt::now_millis()
}

pub fn txnid() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn discover_body(mobile: &str, pan: Option<&str>) -> Value {
    let mut identifiers = vec![json!({"category": "STRONG", "type": "MOBILE", "value": mobile})];
    if let Some(pan) = pan {
        identifiers.push(json!({"category": "STRONG", "type": "PAN", "value": pan}));
    }
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Customer": {"id": HANDLE, "Identifiers": identifiers},
        "FITypes": ["DEPOSIT", "TERM_DEPOSIT", "RECURRING_DEPOSIT"],
    })
}

pub fn link_body(handle: &str, accounts: &[Value]) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Customer": {"id": handle, "Accounts": accounts},
    })
}

pub fn verify_body(ref_number: &str, token: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "refNumber": ref_number,
        "token": token,
    })
}

pub fn delink_body(handle: &str, link_ref: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Account": {"customerAddress": handle, "linkRefNumber": link_ref},
    })
}

/// A signed consent detail for `links` (the `AccLinkDetails` of a verify answer).
pub fn consent_detail(fip: &str, handle: &str, links: &[(String, String)]) -> Value {
    let accounts: Vec<Value> = links
        .iter()
        .map(|(link_ref, masked)| {
            json!({
                "fiType": "DEPOSIT",
                "fipId": fip,
                "accType": "SAVINGS",
                "linkRefNumber": link_ref,
                "maskedAccNumber": masked,
            })
        })
        .collect();
    json!({
        "consentStart": now(),
        "consentExpiry": "2099-12-31T00:00:00.000Z",
        "consentMode": "STORE",
        "fetchType": "PERIODIC",
        "consentTypes": ["PROFILE", "SUMMARY", "TRANSACTIONS"],
        "fiTypes": ["DEPOSIT", "TERM_DEPOSIT"],
        "DataConsumer": {"id": "FIU-1", "type": "FIU"},
        "DataProvider": {"id": fip, "type": "FIP"},
        "Customer": {"id": handle},
        "Accounts": accounts,
        "Purpose": {"code": "101", "refUri": "https://api.rebit.org.in/aa/purpose/101.xml", "text": "Wealth management service", "Category": {"type": "string"}},
        "FIDataRange": {"from": "2024-01-01T00:00:00.000Z", "to": "2025-01-01T00:00:00.000Z"},
        "DataLife": {"unit": "MONTH", "value": 6},
        "Frequency": {"unit": "MONTH", "value": 5},
    })
}

/// A `POST /Consent` body whose `signedConsent` is `detail` signed by `signer`.
pub fn artefact(consent_id: &str, detail: &Value, signer: &SigningKey) -> Value {
    let signed = compact::sign(signer, &serde_json::to_vec(detail).unwrap());
    json!({
        "ver": "2.0.0",
        "txnid": txnid(),
        "consentId": consent_id,
        "status": "ACTIVE",
        "createTimestamp": now(),
        "signedConsent": signed,
        "ConsentUse": {"logUri": "https://aa.example/log", "count": 0, "lastUseDateTime": now()},
    })
}

pub fn consent_notification(consent_id: &str, status: &str, notifier: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Notifier": {"type": "AA", "id": notifier},
        "ConsentStatusNotification": {"consentId": consent_id, "consentStatus": status},
    })
}

/// The (linkRefNumber, maskedAccNumber) pairs of a verify answer's deposit accounts, with the
/// discovered accounts to find the masks.
pub fn deposit_links(verified: &Value, discovered: &[Value]) -> Vec<(String, String)> {
    verified["AccLinkDetails"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| {
            let account = discovered
                .iter()
                .find(|a| a["accRefNumber"] == l["accRefNumber"])?;
            (account["FIType"] == "DEPOSIT").then(|| {
                (
                    l["linkRefNumber"].as_str().unwrap().to_owned(),
                    account["maskedAccNumber"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

/// Asserts a ReBIT error answer: status, code, and the echoed `txnid` (when `body` had one).
pub fn assert_error(answer: &Answer, status: u16, code: &str, sent: Option<&Value>) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], code, "{}", answer.body);
    assert!(answer.body["errorMsg"].is_string(), "{}", answer.body);
    assert!(answer.body["timestamp"].is_string(), "{}", answer.body);
    if let Some(sent) = sent {
        if sent.get("txnid").is_some() {
            assert_eq!(answer.body["txnid"], sent["txnid"], "{}", answer.body);
        }
        if let Some(ver) = sent.get("ver") {
            assert_eq!(answer.body["ver"], *ver, "{}", answer.body);
        }
    }
}
