//! Spawning the AA with its counterparties (`aa_testkit::fakes`: two fake FIPs, two fake
//! FIUs), and small clients for the customer API and the ReBIT API.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aa_core::registry::{Registry, Role};
use aa_runtime::clock::Clock;
use aa_runtime::identity::IdentitySettings;
use aa_runtime::launch::Service;
use aa_runtime::queue::QueueSettings;
use aa_runtime::settings::Secret;
use aa_service::configuration::{
    AuthSettings, DatabaseSettings, LifecycleSettings, OtpSettings, ServerSettings, Settings,
};
use aa_service::startup::Application;
use aa_testkit::{
    assert_signed_by, call_json, free_listener, request_signed, Answer, Ecosystem, Party,
};
use serde_json::{json, Value};

pub use aa_testkit::eventually;
use aa_testkit::fakes::{FakeFip, FakeFiu};

pub const HANDLE: &str = "9999999999@AA-1";

/// Options of one test world.
#[derive(Clone)]
pub struct Options {
    pub database_url: Option<String>,
    pub otp_ttl_seconds: i64,
    /// FIU-1 drops every connection until `World::start_fiu_1`.
    pub fiu_1_down: bool,
    /// The expiry scheduler: every 100 ms in tests.
    pub lifecycle: LifecycleSettings,
    /// The clock the AA's scheduler reads; unset: the system clock. A test that holds the
    /// `TestClock` of a manual clock moves the time instead of waiting for it.
    pub clock: Option<Clock>,
    /// `rate_limits`; the shipped defaults unless a test sets its own.
    pub rate_limits: aa_runtime::rate_limit::RateLimitSettings,
    /// `queue.max_attempts` (100 unless a test sets its own).
    pub queue_max_attempts: u32,
    /// `redirection`: FIU-1 shares [`REDIRECT_PASSPHRASE`] unless a test sets its own.
    pub redirection: aa_service::configuration::RedirectionSettings,
}

/// The redirection passphrase the test AA shares with FIU-1.
pub const REDIRECT_PASSPHRASE: &str = "test-redirection-passphrase-of-fiu-1";

impl Default for Options {
    fn default() -> Self {
        Self {
            database_url: None,
            otp_ttl_seconds: 300,
            fiu_1_down: false,
            lifecycle: LifecycleSettings {
                sweep_millis: 100,
                ..LifecycleSettings::default()
            },
            clock: None,
            rate_limits: Default::default(),
            queue_max_attempts: 100,
            redirection: aa_service::configuration::RedirectionSettings {
                passphrases: Some(Secret::new(format!("FIU-1={REDIRECT_PASSPHRASE}"))),
                passphrases_file: None,
            },
        }
    }
}

/// The AA, two fake FIPs and two fake FIUs on loopback.
pub struct World {
    pub eco: Ecosystem,
    pub aa_url: String,
    pub fip_1: FakeFip,
    pub fip_2: FakeFip,
    pub fiu_1: FakeFiu,
    pub fiu_2: FakeFiu,
    pub registry: Registry,
    fiu_1_port: u16,
    /// While FIU-1 is down: the task dropping its connections, and how many it dropped.
    fiu_1_down: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub fiu_1_dropped: Arc<AtomicUsize>,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
}

fn settings(identity: IdentitySettings, data_dir: PathBuf, options: &Options) -> Settings {
    Settings {
        server: ServerSettings {
            host: "127.0.0.1".into(),
            port: 0,
            workers: None,
        },
        data_dir,
        database: DatabaseSettings {
            url: options.database_url.clone().map(Secret::new),
            ..DatabaseSettings::default()
        },
        identity,
        auth: AuthSettings {
            pepper: Secret::new("test-pepper"),
            session_ttl_minutes: 60,
            secure_cookies: false,
        },
        otp: OtpSettings {
            sandbox_endpoint: true,
            ttl_seconds: options.otp_ttl_seconds,
            max_attempts: 3,
            delivery: Default::default(),
        },
        rate_limits: options.rate_limits,
        queue: QueueSettings {
            poll_ms: 100,
            first_retry_ms: 50,
            max_retry_ms: 400,
            max_attempts: options.queue_max_attempts,
            lease_ms: 10_000,
        },
        admin: Default::default(),
        lifecycle: options.lifecycle.clone(),
        fi: Default::default(),
        redirection: options.redirection.clone(),
    }
}

impl World {
    pub async fn start() -> Self {
        Self::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Self {
        let (aa, aa_url) = free_listener();
        let (fip_1, fip_1_url) = free_listener();
        let (fip_2, fip_2_url) = free_listener();
        let (fiu_1, fiu_1_url) = free_listener();
        let (fiu_2, fiu_2_url) = free_listener();
        let fiu_1_port = fiu_1.local_addr().unwrap().port();
        let eco = Ecosystem::new(vec![
            Party::new("AA-1", Role::Aa, aa_testkit::keys::AA_1, &aa_url),
            Party::new("FIP-1", Role::Fip, aa_testkit::keys::FIP_1, &fip_1_url),
            Party::new("FIP-2", Role::Fip, aa_testkit::keys::FIP_2, &fip_2_url),
            Party::new("FIU-1", Role::Fiu, aa_testkit::keys::FIU_1, &fiu_1_url),
            Party::new("FIU-2", Role::Fiu, aa_testkit::keys::FIU_2, &fiu_2_url),
        ]);
        let registry = Registry::load(&eco.registry_file).unwrap();
        let fip_1 = FakeFip::start(&eco, "FIP-1", fip_1);
        let fip_2 = FakeFip::start(&eco, "FIP-2", fip_2);
        let fiu_1_dropped = Arc::new(AtomicUsize::new(0));
        let fiu_1_fake = FakeFiu::new(&eco, "FIU-1");
        let fiu_1_down = if options.fiu_1_down {
            Some(drop_connections(fiu_1, fiu_1_dropped.clone()))
        } else {
            fiu_1_fake.serve(fiu_1);
            None
        };
        let fiu_1 = fiu_1_fake;
        let fiu_2_fake = FakeFiu::new(&eco, "FIU-2");
        fiu_2_fake.serve(fiu_2);
        let fiu_2 = fiu_2_fake;
        let data_dir = tempfile::tempdir().unwrap();
        let settings = settings(eco.identity("AA-1"), data_dir.path().to_owned(), &options);
        let database_url = settings.database_url().expose().to_owned();
        let clock = options.clock.clone().unwrap_or_else(Clock::system);
        let app = Application::build(settings, aa, clock).await.unwrap();
        tokio::spawn(app.run_until_stopped());
        Self {
            eco,
            aa_url,
            fip_1,
            fip_2,
            fiu_1,
            fiu_2,
            registry,
            fiu_1_port,
            fiu_1_down: Mutex::new(fiu_1_down),
            fiu_1_dropped,
            data_dir,
            database_url,
        }
    }

    /// A second handle on the AA's database (the kit's migration lock makes connecting while
    /// the service runs safe).
    pub async fn store(
        &self,
    ) -> Result<aa_service::persistence::Store, aa_runtime::store::StoreError> {
        aa_service::persistence::Store::connect(&Secret::new(self.database_url.as_str()), 2).await
    }

    /// Brings FIU-1 up on its registered port (for worlds started with `fiu_1_down`).
    pub async fn start_fiu_1(&self) {
        let down = self.fiu_1_down.lock().unwrap().take();
        if let Some(task) = down {
            task.abort();
            let _ = task.await;
        }
        let listener = TcpListener::bind(("127.0.0.1", self.fiu_1_port)).unwrap();
        self.fiu_1.serve(listener);
    }

    // --- customer API ---

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        call_json(
            method,
            &format!("{}{path}", self.aa_url),
            token,
            body.as_ref(),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call("GET", path, token, None).await
    }

    /// Asks for an OTP and reads it from the sandbox endpoint: (otpRef, otp).
    pub async fn otp(&self, handle: &str) -> (String, String) {
        let (status, asked) = self
            .post("/customer/otp", None, json!({ "handle": handle }))
            .await;
        assert_eq!(status, 200, "{asked}");
        let otp_ref = asked["otpRef"].as_str().unwrap().to_owned();
        let (status, read) = self.get(&format!("/sandbox/otp/{otp_ref}"), None).await;
        assert_eq!(status, 200, "{read}");
        assert_eq!(read["ref"], otp_ref.as_str());
        (otp_ref, read["otp"].as_str().unwrap().to_owned())
    }

    /// Logs `handle` in and returns the session token.
    pub async fn login(&self, handle: &str) -> String {
        let (otp_ref, otp) = self.otp(handle).await;
        let (status, session) = self
            .post(
                "/customer/session",
                None,
                json!({ "handle": handle, "otpRef": otp_ref, "otp": otp }),
            )
            .await;
        assert_eq!(status, 200, "{session}");
        assert_eq!(session["handle"], handle);
        session["token"].as_str().unwrap().to_owned()
    }

    /// Discovers and links the customer's account at each FIP; returns the linkRefNumbers.
    pub async fn link_all(&self, token: &str, fips: &[&str]) -> Vec<String> {
        let (status, found) = self
            .post("/customer/discover", Some(token), json!({ "fipIds": fips }))
            .await;
        assert_eq!(status, 200, "{found}");
        let mut links = Vec::new();
        for (i, fip) in fips.iter().enumerate() {
            let entry = &found["fips"][i];
            assert_eq!(entry["fipId"], *fip, "{found}");
            let acc = entry["accounts"][0]["accRefNumber"].as_str().unwrap();
            let (status, started) = self
                .post(
                    "/customer/link",
                    Some(token),
                    json!({ "fipId": fip, "accounts": [acc] }),
                )
                .await;
            assert_eq!(status, 200, "{started}");
            let (status, verified) = self
                .post(
                    "/customer/link/verify",
                    Some(token),
                    json!({ "fipId": fip, "refNumber": started["refNumber"], "otp": aa_testkit::fakes::LINK_OTP }),
                )
                .await;
            assert_eq!(status, 200, "{verified}");
            links.push(
                verified["accounts"][0]["linkRefNumber"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        links
    }

    /// Discovers at `fip` and asks it to link its account `<fip>-ACC-1`: the answer of
    /// `POST /customer/link`.
    pub async fn start_link(&self, token: &str, fip: &str) -> Value {
        let (status, found) = self
            .post(
                "/customer/discover",
                Some(token),
                json!({ "fipIds": [fip] }),
            )
            .await;
        assert_eq!(status, 200, "{found}");
        let (status, started) = self
            .post(
                "/customer/link",
                Some(token),
                json!({ "fipId": fip, "accounts": [format!("{fip}-ACC-1")] }),
            )
            .await;
        assert_eq!(status, 200, "{started}");
        started
    }

    /// `fiu` asks for a consent of [`HANDLE`], and the customer approves it for `links`: the
    /// consent ids.
    pub async fn consent_approved(&self, fiu: &str, token: &str, links: &[String]) -> Vec<String> {
        let asked = self.request_consent(fiu, HANDLE, &txnid()).await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        let handle = asked.body["ConsentHandle"].as_str().unwrap();
        let (status, approved) = self
            .post(
                &format!("/customer/consents/{handle}/approve"),
                Some(token),
                json!({ "accounts": links }),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        approved["consentIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_owned())
            .collect()
    }

    // --- ReBIT API ---

    /// POSTs `body` to the AA as `fiu`, with its API key and signature.
    pub async fn rebit_post(&self, as_entity: &str, path: &str, body: &Value) -> Answer {
        let party = self.eco.party(as_entity);
        let key = self.eco.api_key(as_entity);
        let answer = aa_testkit::post_signed(
            &format!("{}{path}", self.aa_url),
            Some((party.role.api_key_header(), &key)),
            Some(&self.eco.signer(as_entity)),
            body.to_string().as_bytes(),
        )
        .await;
        self.assert_signed_by_aa(&answer);
        answer
    }

    /// `POST /FI/request` as `as_entity`; an accepted request (200) is answered before the AA
    /// forwards it to the FIP (the queue does, `flows::fi_forward`), so this waits until the
    /// session has left `REQUESTED` (ACTIVE at the FIP, or FAILED) before it returns the answer.
    /// Tests of the asynchronous model itself use `rebit_post`.
    pub async fn fi_request(&self, as_entity: &str, body: &Value) -> Answer {
        let answer = self.rebit_post(as_entity, "/FI/request", body).await;
        if answer.status == 200 {
            let session_id = answer.body["sessionId"].as_str().unwrap_or_default();
            self.forwarded(session_id).await;
        }
        answer
    }

    /// Waits until the AA's FI session `session_id` has left `REQUESTED`; returns its state.
    pub async fn forwarded(
        &self,
        session_id: &str,
    ) -> aa_service::domain::fi_session::SessionState {
        use aa_service::domain::fi_session::SessionState;
        let store = self.store().await.unwrap();
        aa_testkit::eventually_async("the FI request forwarded to the FIP", || async {
            let session = store.fi_session(session_id).await.unwrap()?;
            (session.status != SessionState::Requested).then_some(session.status)
        })
        .await
    }

    /// GETs a 1.1.x path as `as_entity`, signing the path.
    pub async fn rebit_get(&self, as_entity: &str, path: &str) -> Answer {
        let party = self.eco.party(as_entity);
        let key = self.eco.api_key(as_entity);
        let answer = request_signed(
            "GET",
            &format!("{}{path}", self.aa_url),
            Some((party.role.api_key_header(), &key)),
            Some(&self.eco.signer(as_entity)),
            None,
            path,
        )
        .await;
        self.assert_signed_by_aa(&answer);
        answer
    }

    /// The answer carries a signature by AA-1's registered key over its exact bytes.
    pub fn assert_signed_by_aa(&self, answer: &Answer) {
        assert_signed_by(answer, &self.eco.verifying_key("AA-1"));
    }

    /// `POST /Consent` as `fiu` for `customer`; returns the answer.
    pub async fn request_consent(&self, fiu: &str, customer: &str, txnid: &str) -> Answer {
        self.rebit_post(fiu, "/Consent", &consent_request(fiu, customer, txnid))
            .await
    }
}

/// Accepts connections on `listener` and drops them at once, counting them: a counterparty
/// that is there but down.
fn drop_connections(listener: TcpListener, count: Arc<AtomicUsize>) -> tokio::task::JoinHandle<()> {
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    })
}

pub fn now() -> String {
    aa_core::timefmt::now_millis()
}

pub fn txnid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An FIP's `POST /Account/link/Notification`: `fip` says `customer`'s account `acc_ref`, link
/// `link_ref`, is `status` (`LINKED` or `DELINKED`).
pub fn link_notification(
    fip: &str,
    customer: &str,
    acc_ref: &str,
    link_ref: &str,
    status: &str,
) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": fip },
        "AccountLinkStatusNotification": {
            "accRefNumber": acc_ref,
            "customerAddress": customer,
            "linkRefNumber": link_ref,
            "linkStatus": status
        }
    })
}

/// A valid 2.0.0 consent request body.
pub fn consent_request(fiu: &str, customer: &str, txnid: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid,
        "ConsentDetail": {
            "consentStart": now(),
            "consentExpiry": "2099-01-01T00:00:00.000Z",
            "consentMode": "STORE",
            "fetchType": "PERIODIC",
            "consentTypes": ["PROFILE", "SUMMARY", "TRANSACTIONS"],
            "fiTypes": ["DEPOSIT"],
            "DataConsumer": { "id": fiu, "type": "FIU" },
            "Customer": { "id": customer },
            "Purpose": { "code": "101", "text": "Wealth management service" },
            "FIDataRange": { "from": "2023-01-01T00:00:00.000Z", "to": "2024-01-01T00:00:00.000Z" },
            "DataLife": { "unit": "MONTH", "value": 1 },
            "Frequency": { "unit": "MONTH", "value": 4 }
        }
    })
}
