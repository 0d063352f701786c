//! Spawning the real FIU server (port 0, fresh database: SQLite in a temp dir or a new
//! PostgreSQL database) beside a fake AA (`aa_testkit::fakes::FakeAa`), and the requests tests
//! make to it.

use std::path::Path;
use std::sync::Once;

use aa_core::registry::Role;
use aa_core::timefmt;
use aa_runtime::clock::{Clock, TestClock};
use aa_runtime::launch::Service;
use aa_runtime::settings::Secret;
use aa_testkit::fakes::FakeAa;
use aa_testkit::{
    assert_signed_by, call_json, eventually_async, free_listener, keys, post_signed, Answer,
    Ecosystem, Party,
};
use fiu_service::configuration::Settings;
use fiu_service::persistence::Store;
use fiu_service::startup::Application;
use serde_json::{json, Value};

pub const TOKEN: &str = "test-app-token";
pub const CUSTOMER: &str = "9999999999@AA-1";
/// The redirection passphrase the FIU shares with AA-1.
pub const REDIRECT_PASSPHRASE: &str = "test-redirection-passphrase";

pub use aa_testkit::Db;

pub struct TestApp {
    pub address: String,
    pub eco: Ecosystem,
    pub aa: FakeAa,
    /// A second connection to the FIU's database, for what the API does not show.
    pub store: Store,
    /// The FIU's data directory (its SQLite file lives here).
    pub data_dir: std::path::PathBuf,
    /// The clock the FIU reads: the system's, or a manual one ([`Options::manual_clock`]).
    pub clock: Clock,
    /// Sets the manual clock's time (`None` on the system clock).
    pub time: Option<TestClock>,
    database_url: Secret,
    _data: tempfile::TempDir,
}

/// Options for [`spawn_with`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub db: Db,
    /// The poll fallback of `GET /app/consents/{handle}` (off unless a test is about it).
    pub poll: bool,
    /// `fi.auto_request` (off unless a test is about the FI flow).
    pub auto_request: bool,
    /// `fi.curve`.
    pub curve: &'static str,
    /// `fi.view_seconds`.
    pub view_seconds: u64,
    /// `fi.purge_interval_ms` (long unless a test is about the sweep).
    pub purge_interval_ms: u64,
    /// A manual clock, starting now and moved only by the test ([`TestApp::time`]).
    pub manual_clock: bool,
    /// How far before now the manual clock starts (what the service reads from its first
    /// moment, its start-up sweep included).
    pub manual_clock_back: time::Duration,
    /// `fi.poll_after_seconds` (0, no polling, unless a test is about it).
    pub fi_poll_after_seconds: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            db: Db::Sqlite,
            poll: false,
            auto_request: false,
            curve: "X25519",
            view_seconds: 3600,
            purge_interval_ms: 60_000,
            manual_clock: false,
            manual_clock_back: time::Duration::ZERO,
            fi_poll_after_seconds: 0,
        }
    }
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            aa_runtime::telemetry::init(
                "info",
                aa_runtime::telemetry::LogFormat::Pretty,
                std::io::stdout,
            );
        }
    });
}

impl TestApp {
    /// Sets the manual clock to `at` and runs the FIU's purge sweep once; returns how many
    /// sessions it purged.
    pub async fn sweep_at(&self, at: time::OffsetDateTime) -> usize {
        self.time.as_ref().expect("a manual clock").set(at);
        fiu_service::jobs::purge::sweep(&self.store, &self.clock)
            .await
            .unwrap()
    }
}

pub async fn spawn() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(options: Options) -> TestApp {
    init_logs();
    let (fiu_listener, fiu_url) = free_listener();
    let (aa_listener, aa_url) = free_listener();
    let nowhere = "http://127.0.0.1:9";
    let eco = Ecosystem::new(vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, &aa_url),
        Party::new("AA-2", Role::Aa, keys::OTHER, nowhere),
        Party::new("FIP-1", Role::Fip, keys::FIP_1, nowhere),
        Party::new("FIU-1", Role::Fiu, keys::FIU_1, &fiu_url),
        Party::new("FIU-2", Role::Fiu, keys::FIU_2, nowhere),
    ]);
    let aa = FakeAa::start(&eco, aa_listener);
    let data = tempfile::tempdir().unwrap();
    let config_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
    let mut settings = Settings::load_from(&config_dir).unwrap();
    settings.server.workers = Some(2);
    settings.data_dir = data.path().join("fiu");
    let data_dir = settings.data_dir.clone();
    settings.database.url = options.db.url().await.map(Secret::new);
    settings.identity = eco.identity("FIU-1");
    settings.app_api.token = Secret::new(TOKEN);
    settings.queue.poll_ms = 100;
    settings.queue.first_retry_ms = 20;
    settings.queue.max_retry_ms = 1_000;
    settings.queue.max_attempts = 3;
    settings.consent_poll.enabled = options.poll;
    settings.consent_poll.min_interval_seconds = 0;
    settings.fi.auto_request = options.auto_request;
    settings.fi.curve = options.curve.to_owned();
    settings.fi.view_seconds = options.view_seconds;
    settings.fi.purge_interval_ms = options.purge_interval_ms;
    settings.fi.poll_after_seconds = options.fi_poll_after_seconds;
    settings.fi.poll_max_interval_seconds = 2;
    settings.redirection.urls = Some(format!("AA-1={aa_url}/cm/webview"));
    settings.redirection.passphrases = Some(Secret::new(format!("AA-1={REDIRECT_PASSPHRASE}")));
    let database_url = settings.database_url();
    let (clock, time) = if options.manual_clock {
        let (clock, time) =
            Clock::manual(time::OffsetDateTime::now_utc() - options.manual_clock_back);
        (clock, Some(time))
    } else {
        (Clock::system(), None)
    };
    let app = Application::build(settings, fiu_listener, clock.clone())
        .await
        .unwrap();
    tokio::spawn(app.run_until_stopped());
    let store = Store::connect(&database_url, 2).await.unwrap();
    TestApp {
        address: fiu_url,
        eco,
        aa,
        store,
        data_dir,
        clock,
        time,
        database_url,
        _data: data,
    }
}

/// An FIStatusNotification body from AA-1 about `session_id`: (linkRefNumber, FIStatus) of
/// `fip_id`'s accounts.
pub fn fi_notification(
    session_id: &str,
    session_status: &str,
    fip_id: &str,
    accounts: &[(&str, &str)],
) -> Value {
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|(link, status)| json!({"linkRefNumber": link, "FIStatus": status, "description": format!("{status} at the FIP")}))
        .collect();
    json!({
        "ver": "2.0.0",
        "timestamp": timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
        "Notifier": {"type": "AA", "id": "AA-1"},
        "FIStatusNotification": {
            "sessionId": session_id,
            "sessionStatus": session_status,
            "FIStatusResponse": [{"fipID": fip_id, "Accounts": accounts}],
        },
    })
}

/// A ConsentStatusNotification body from AA-1.
pub fn notification(handle: Option<&str>, consent_id: Option<&str>, status: &str) -> Value {
    let mut update = json!({ "consentStatus": status });
    if let Some(handle) = handle {
        update["consentHandle"] = handle.into();
    }
    if let Some(id) = consent_id {
        update["consentId"] = id.into();
    }
    json!({
        "ver": "2.0.0",
        "timestamp": timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
        "Notifier": {"type": "AA", "id": "AA-1"},
        "ConsentStatusNotification": update,
    })
}

impl TestApp {
    /// Another connection pool on the FIU's database (as a second instance would have).
    pub async fn second_store(&self) -> Store {
        Store::connect(&self.database_url, 2).await.unwrap()
    }

    pub async fn app(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.address);
        call_json(method, &url, token, body.as_ref()).await
    }

    /// `POST /app/consents` for the test customer; returns the handle.
    pub async fn create_consent(&self, template: &str) -> String {
        let (status, body) = self
            .app(
                "POST",
                "/app/consents",
                Some(TOKEN),
                Some(json!({"customer": CUSTOMER, "template": template})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["consentHandle"].as_str().unwrap().to_owned()
    }

    pub async fn consent(&self, handle: &str) -> Value {
        let (status, body) = self
            .app("GET", &format!("/app/consents/{handle}"), Some(TOKEN), None)
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// What a refused notification must not change: the consent as shown and the jobs queued.
    pub async fn consent_state(&self, handle: &str) -> (Value, u64) {
        (
            self.consent(handle).await,
            self.store.pending_job_count().await.unwrap(),
        )
    }

    /// Polls `GET /app/consents/{handle}` until `done` holds (10 s at most).
    pub async fn wait_for(&self, handle: &str, done: impl Fn(&Value) -> bool) -> Value {
        eventually_async(&format!("the condition on consent {handle}"), || async {
            let consent = self.consent(handle).await;
            done(&consent).then_some(consent)
        })
        .await
    }

    /// Waits until the artefact `consent_id` has left the PENDING fetch state.
    pub async fn wait_fetched(&self, handle: &str, consent_id: &str) -> Value {
        let consent = self
            .wait_for(handle, |c| {
                artefact(c, consent_id).is_some_and(|a| a["fetch"] != "PENDING")
            })
            .await;
        artefact(&consent, consent_id).cloned().unwrap()
    }

    /// POSTs `body` to `/Consent/Notification` as `caller` (API key and signature of that
    /// entity), and checks the answer is signed by FIU-1.
    pub async fn notify_as(&self, caller: &str, body: &[u8]) -> Answer {
        let key = self.eco.api_key(caller);
        let signer = self.eco.signer(caller);
        self.notify_raw(Some(("aa_api_key", &key)), Some(&signer), body)
            .await
    }

    pub async fn notify(&self, body: &Value) -> Answer {
        self.notify_as("AA-1", body.to_string().as_bytes()).await
    }

    /// POSTs `body` to `/FI/Notification` as `caller`; the answer must be signed by FIU-1.
    pub async fn fi_notify_as(&self, caller: &str, body: &Value) -> Answer {
        let key = self.eco.api_key(caller);
        let signer = self.eco.signer(caller);
        let url = format!("{}/FI/Notification", self.address);
        let answer = post_signed(
            &url,
            Some(("aa_api_key", &key)),
            Some(&signer),
            body.to_string().as_bytes(),
        )
        .await;
        self.assert_signed(&answer);
        answer
    }

    /// `GET /app/data-requests/{id}`.
    pub async fn data_request(&self, id: &str) -> Value {
        let (status, body) = self
            .app(
                "GET",
                &format!("/app/data-requests/{id}"),
                Some(TOKEN),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Polls the data request until `done` holds (10 s at most).
    pub async fn wait_data_request(&self, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        eventually_async(&format!("the condition on data request {id}"), || async {
            let request = self.data_request(id).await;
            done(&request).then_some(request)
        })
        .await
    }

    pub async fn notify_raw(
        &self,
        api_key: Option<(&str, &str)>,
        signer: Option<&aa_core::jws::SigningKey>,
        body: &[u8],
    ) -> Answer {
        let url = format!("{}/Consent/Notification", self.address);
        let answer = post_signed(&url, api_key, signer, body).await;
        self.assert_signed(&answer);
        answer
    }

    /// The answer carries an `x-jws-signature` by FIU-1 over its exact bytes.
    pub fn assert_signed(&self, answer: &Answer) {
        assert_signed_by(answer, &self.eco.verifying_key("FIU-1"));
    }
}

/// The artefact `consent_id` of a consent view.
pub fn artefact<'a>(consent: &'a Value, consent_id: &str) -> Option<&'a Value> {
    consent["artefacts"]
        .as_array()?
        .iter()
        .find(|a| a["consentId"] == consent_id)
}

/// Asserts a ReBIT error answer.
pub fn assert_rebit_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], code, "{}", answer.body);
}
