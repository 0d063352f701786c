//! The Central Registry as the registry source, over real HTTP: AA-1 reads the local CR
//! (`aa_launch::central_registry`) at start-up in both path forms, then refreshes every second.
//! A new FIU and a rotated FIU key published in the CR are accepted at the next refresh without
//! a restart (the old key then refused); the CR down or answering garbage keeps the last good
//! registry with a WARN naming the cause; an unusable entry is skipped with a WARN naming it;
//! with the CR down at start-up the cached last good answers are served; with the token
//! service, the CR is called with the entity's token-service token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod switch;

use std::path::{Path, PathBuf};

use aa_core::jws::SigningKey;
use aa_core::registry::Role;
use aa_launch::central_registry::LocalCentralRegistry;
use aa_launch::token_service::{Client, LocalTokenService};
use aa_runtime::http::{RebitScope, Verified};
use aa_runtime::identity::{ApiKeyMode, Identity, IdentitySettings};
use aa_runtime::registry::{CentralApi, CentralRegistrySettings, RegistrySource};
use aa_runtime::settings::Secret;
use aa_testkit::{
    eventually, eventually_async, keys, logs, mint_api_key, post_signed, Ecosystem, Party,
};
use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};
use switch::{Mode, Switch};

/// The captured JSON log lines whose message is `message`.
fn logged(message: &str) -> Vec<Value> {
    logs::lines()
        .into_iter()
        .map(|(_, line)| line)
        .filter(|line| line["message"] == message)
        .collect()
}

const FIU_1_NEW_KID: &str = "fiu-1-sig-2";

/// The CR's entries: AA-1 at `aa_url`, FIU-1 (its first key, or the rotated one), FIP-1, and
/// FIU-2 once it has joined.
fn ecosystem(aa_url: &str, rotated: bool, with_fiu_2: bool) -> Ecosystem {
    let mut fiu_1 = Party::new("FIU-1", Role::Fiu, keys::FIU_1, "http://127.0.0.1:1");
    if rotated {
        fiu_1.kid = FIU_1_NEW_KID.to_owned();
        fiu_1.key_pem = keys::FIU_3;
    }
    let mut parties = vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, aa_url),
        fiu_1,
        Party::new("FIP-1", Role::Fip, keys::FIP_1, "http://127.0.0.1:2"),
    ];
    if with_fiu_2 {
        parties.push(Party::new(
            "FIU-2",
            Role::Fiu,
            keys::FIU_2,
            "http://127.0.0.1:3",
        ));
    }
    Ecosystem::new(parties)
}

/// The local CR serving `file`, behind a switch.
struct Cr {
    file: PathBuf,
    local: LocalCentralRegistry,
    switch: Switch,
    dir: tempfile::TempDir,
}

impl Cr {
    fn start(entries: &Ecosystem) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cr.yaml");
        std::fs::copy(&entries.registry_file, &file).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let cr = LocalCentralRegistry::serve(listener, file.clone()).unwrap();
        let switch = Switch::start(cr.addr());
        Self {
            file,
            local: cr,
            switch,
            dir,
        }
    }

    /// The CR publishes `entries` from now on.
    fn publish(&self, entries: &Ecosystem) {
        let text = std::fs::read_to_string(&entries.registry_file).unwrap();
        let partial = self.file.with_extension("partial");
        std::fs::write(&partial, text).unwrap();
        std::fs::rename(partial, &self.file).unwrap();
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cr-cache.json")
    }
}

/// AA-1's identity settings reading the CR through the switch.
fn settings(eco: &Ecosystem, cr: &Cr, api: CentralApi, cache: Option<&Path>) -> IdentitySettings {
    let mut settings = eco.identity("AA-1");
    settings.registry_source = RegistrySource::CentralRegistry;
    settings.central_registry = Some(CentralRegistrySettings {
        url: cr.switch.url.clone(),
        api,
        token: Some(Secret::new(mint_api_key("AA-1", Role::Aa, 3600))),
        refresh_seconds: 1,
        timeout_seconds: 2,
        cache_file: cache.map(Path::to_owned),
    });
    settings
}

async fn ping(request: Verified<Value>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"ver": "2.0.0", "txnid": request.body["txnid"]}))
}

/// AA-1 serving `POST /Ping` in its ReBIT scope on `listener`.
fn serve(identity: &Identity, listener: std::net::TcpListener) {
    let rebit = RebitScope::of(identity);
    let server = HttpServer::new(move || {
        App::new().service(rebit.scope("").route("/Ping", web::post().to(ping)))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
}

/// The status of a ping to AA-1 from `fiu`, signed with `key`.
async fn ping_as(aa_url: &str, fiu: &str, key: &SigningKey) -> u16 {
    let body = json!({"ver": "2.0.0", "txnid": uuid::Uuid::new_v4().to_string()});
    let api_key = mint_api_key(fiu, Role::Fiu, 600);
    post_signed(
        &format!("{aa_url}/Ping"),
        Some(("client_api_key", &api_key)),
        Some(key),
        body.to_string().as_bytes(),
    )
    .await
    .status
}

fn first_key() -> SigningKey {
    SigningKey::from_pem(keys::FIU_1, "fiu-1-sig").unwrap()
}

fn rotated_key() -> SigningKey {
    SigningKey::from_pem(keys::FIU_3, FIU_1_NEW_KID).unwrap()
}

#[tokio::test]
async fn the_registry_is_read_from_the_local_cr_in_both_path_forms() {
    let eco = ecosystem("http://127.0.0.1:7", false, false);
    let cr = Cr::start(&eco);
    for api in [CentralApi::V1, CentralApi::V2] {
        let cache = cr.cache();
        let identity = Identity::load(&settings(&eco, &cr, api, Some(&cache)), Role::Aa).unwrap();
        let registry = identity.registry.current();
        assert_eq!(
            registry.entity("AA-1").unwrap().base_url,
            "http://127.0.0.1:7"
        );
        assert_eq!(registry.entity("FIP-1").unwrap().role, Role::Fip);
        let (owner, _) = registry.by_kid("fiu-1-sig").unwrap();
        assert_eq!(owner.id, "FIU-1");
        assert_eq!(registry.entities().len(), 3);
        let cached: Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        assert!(cached["FIU"].is_array(), "{cached}");
        std::fs::remove_file(&cache).unwrap();
    }
}

#[tokio::test]
async fn a_new_fiu_and_a_rotated_key_are_accepted_at_the_next_refresh_without_a_restart() {
    let (listener, aa_url) = aa_testkit::free_listener();
    let eco = ecosystem(&aa_url, false, false);
    let cr = Cr::start(&eco);
    let identity = Identity::load(&settings(&eco, &cr, CentralApi::V2, None), Role::Aa).unwrap();
    serve(&identity, listener);
    let fiu_2 = SigningKey::from_pem(keys::FIU_2, "fiu-2-sig").unwrap();
    assert_eq!(ping_as(&aa_url, "FIU-1", &first_key()).await, 200);
    assert_eq!(
        ping_as(&aa_url, "FIU-1", &rotated_key()).await,
        400,
        "not yet published"
    );
    assert_eq!(
        ping_as(&aa_url, "FIU-2", &fiu_2).await,
        401,
        "not yet registered"
    );

    let next = ecosystem(&aa_url, true, true);
    cr.publish(&next);
    eventually_async("the rotated key accepted", || async {
        (ping_as(&aa_url, "FIU-1", &rotated_key()).await == 200).then_some(())
    })
    .await;
    assert_eq!(
        ping_as(&aa_url, "FIU-1", &first_key()).await,
        400,
        "the old key is refused"
    );
    assert_eq!(
        ping_as(&aa_url, "FIU-2", &fiu_2).await,
        200,
        "the new FIU is accepted"
    );
    let fiu_1 = identity
        .client
        .registry()
        .entity("FIU-1")
        .unwrap()
        .keys
        .clone();
    assert_eq!(
        fiu_1,
        [rotated_key().verifying_key()],
        "outbound sees it too"
    );
}

#[tokio::test]
async fn the_cr_down_or_answering_garbage_keeps_the_last_good_registry_with_a_warn() {
    logs::capture();
    let (listener, aa_url) = aa_testkit::free_listener();
    let eco = ecosystem(&aa_url, false, false);
    let cr = Cr::start(&eco);
    let identity = Identity::load(&settings(&eco, &cr, CentralApi::V1, None), Role::Aa).unwrap();
    serve(&identity, listener);
    let warned = |cause: &'static str| {
        move || {
            logged("central registry refresh failed; keeping the last good registry")
                .into_iter()
                .find(|line| line["cause"].as_str().unwrap_or("").contains(cause))
        }
    };

    cr.switch.set(Mode::Down);
    cr.publish(&ecosystem(&aa_url, true, false));
    let line = eventually("a WARN for the CR down", warned("error sending request")).await;
    assert_eq!(line["level"], "WARN");
    assert_eq!(
        ping_as(&aa_url, "FIU-1", &first_key()).await,
        200,
        "last good kept"
    );

    cr.switch.set(Mode::Garbage);
    let line = eventually("a WARN for the garbage", warned("not JSON")).await;
    assert_eq!(line["level"], "WARN");
    assert!(
        line["cause"].as_str().unwrap().contains("the AA list"),
        "{line}"
    );
    assert_eq!(
        ping_as(&aa_url, "FIU-1", &first_key()).await,
        200,
        "last good kept"
    );

    cr.switch.set(Mode::Pass);
    eventually_async("the CR back, its change taken", || async {
        (ping_as(&aa_url, "FIU-1", &rotated_key()).await == 200).then_some(())
    })
    .await;
}

#[tokio::test]
async fn an_unusable_entry_is_skipped_with_a_warn_naming_it() {
    logs::capture();
    let eco = ecosystem("http://127.0.0.1:7", false, false);
    let cr = Cr::start(&eco);
    let text = std::fs::read_to_string(&cr.file).unwrap();
    let broken = text.replacen(
        "base_url: http://127.0.0.1:2",
        "base_url: ftp://fip.example",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&cr.file, broken).unwrap();
    let identity = Identity::load(&settings(&eco, &cr, CentralApi::V2, None), Role::Aa).unwrap();
    let registry = identity.registry.current();
    assert!(registry.entity("FIP-1").is_none());
    assert!(registry.entity("FIU-1").is_some());
    let line = logged("central registry entry skipped")
        .into_iter()
        .find(|line| line["entity.id"] == "FIP-1")
        .expect("a WARN naming FIP-1");
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["entity.type"], "FIP");
    assert!(
        line["reason"]
            .as_str()
            .unwrap()
            .contains("ftp://fip.example"),
        "{line}"
    );
}

#[tokio::test]
async fn with_the_cr_down_at_start_up_the_cached_answers_are_served() {
    logs::capture();
    let eco = ecosystem("http://127.0.0.1:7", false, false);
    let cr = Cr::start(&eco);
    let cache = cr.cache();
    Identity::load(&settings(&eco, &cr, CentralApi::V2, Some(&cache)), Role::Aa).unwrap();
    cr.switch.set(Mode::Down);
    let identity =
        Identity::load(&settings(&eco, &cr, CentralApi::V2, Some(&cache)), Role::Aa).unwrap();
    assert!(identity.registry.current().entity("FIU-1").is_some());
    assert_eq!(
        logged(
            "central registry not read at start-up; serving its last good answers from the cache"
        )
        .len(),
        1
    );
    let refused = Identity::load(&settings(&eco, &cr, CentralApi::V2, None), Role::Aa).unwrap_err();
    assert!(
        refused.to_string().contains("no cache_file is set"),
        "{refused}"
    );
}

#[tokio::test]
async fn with_the_token_service_the_cr_is_called_with_its_token() {
    let eco = ecosystem("http://127.0.0.1:7", false, false);
    let cr = Cr::start(&eco);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = Client {
        id: "AA-1".into(),
        secret: "aa-1 secret".into(),
        role: "AA".into(),
    };
    let ts = LocalTokenService::serve(listener, keys::ISSUER, "ts-key-1", vec![client]).unwrap();
    let mut settings = settings(&eco, &cr, CentralApi::V2, None);
    settings.central_registry.as_mut().unwrap().token = None;
    settings.api_keys.mode = ApiKeyMode::TokenService;
    settings.token_service = Some(
        serde_json::from_value(json!({
            "url": ts.iam_url(), "client_secret": "aa-1 secret", "issuer": ts.issuer(),
            "jwks_url": ts.jwks_url(), "timeout_seconds": 2,
        }))
        .unwrap(),
    );
    // A CR that does not trust the token service refuses its token: no registry, no start.
    let refused = Identity::load(&settings, Role::Aa).unwrap_err();
    assert!(refused.to_string().contains("answered 401"), "{refused}");
    cr.local.trust(&ts.issuer(), ts.verifying_key());
    let identity = Identity::load(&settings, Role::Aa).unwrap();
    assert_eq!(identity.registry.current().entities().len(), 3);
    assert!(ts.issued() >= 2, "{} tokens", ts.issued());
    // Neither a CR token nor the token service: refused at start-up, saying what to set.
    let mut plain = self::settings(&eco, &cr, CentralApi::V2, None);
    plain.central_registry.as_mut().unwrap().token = None;
    let refused = Identity::load(&plain, Role::Aa).unwrap_err();
    assert!(refused.to_string().contains("set token"), "{refused}");
}
