//! Test support for the services: fixture RSA keys, a temporary ecosystem (registry file, key
//! files, identity settings), free loopback ports, a fresh database per test ([`Db`]: SQLite or
//! a new PostgreSQL database), raw signed requests for tests that must break one rule at a time
//! and checks of signed answers, polling helpers ([`eventually`]), and signed fakes of each role
//! ([`fakes`]). Each service's `tests/api/helpers.rs` keeps only what builds its own
//! `Application`. Never a dependency of production code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod binary;
pub mod browser;
pub mod fakes;
pub mod logs;
mod poll;
mod running;

pub use binary::{master_key_ring, master_keys, said, ServiceBinary};
pub use running::Running;

pub use poll::{eventually, eventually_async, eventually_within};

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;

use aa_core::apikey::Issuer;
use aa_core::jws::{detached, SigningKey, VerifyingKey};
use aa_core::registry::Role;
use aa_runtime::identity::{ApiKeyMode, ApiKeySettings, IdentitySettings, KeySource};

/// Throwaway RSA-2048 keys (PKCS#8 PEM), one per test entity.
pub mod keys {
    pub const AA_1: &str = include_str!("../../aa-core/tests/fixtures/keys/aa-1.pem");
    pub const FIP_1: &str = include_str!("../../aa-core/tests/fixtures/keys/fip-1.pem");
    pub const FIP_2: &str = include_str!("../../aa-core/tests/fixtures/keys/fip-2.pem");
    pub const FIU_1: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-1.pem");
    pub const FIU_2: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-2.pem");
    pub const FIU_3: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-3.pem");
    pub const ISSUER: &str = include_str!("../../aa-core/tests/fixtures/keys/issuer.pem");
    pub const OTHER: &str = include_str!("../../aa-core/tests/fixtures/keys/other-rsa.pem");
}

pub const ISSUER_ID: &str = "local-token-service";
pub const ISSUER_KID: &str = "local-tokens-1";

/// One entity of a test ecosystem.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: String,
    pub role: Role,
    pub kid: String,
    pub key_pem: &'static str,
    pub base_url: String,
}

impl Party {
    pub fn new(id: &str, role: Role, key_pem: &'static str, base_url: &str) -> Self {
        Self {
            id: id.to_owned(),
            role,
            kid: format!("{}-sig", id.to_lowercase()),
            key_pem,
            base_url: base_url.to_owned(),
        }
    }
}

/// A temporary directory holding a registry file and every party's private key file.
pub struct Ecosystem {
    pub dir: tempfile::TempDir,
    pub registry_file: PathBuf,
    pub parties: Vec<Party>,
}

/// A loopback listener on a free port, and its base URL.
pub fn free_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// A free loopback port for a separate process to bind: [`aa_launch::free_port`] (below the
/// ephemeral range, never the same twice in one process).
pub fn free_port() -> u16 {
    aa_launch::free_port().unwrap()
}

fn indent(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.trim_end()
        .lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Ecosystem {
    pub fn new(parties: Vec<Party>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut yaml = String::from("entities:\n");
        for p in &parties {
            let public = SigningKey::from_pem(p.key_pem, &p.kid)
                .unwrap()
                .verifying_key()
                .to_pem();
            writeln!(
                yaml,
                "  - id: {}\n    role: {}\n    base_url: {}\n    keys:\n      - kid: {}\n        pem: |\n{}",
                p.id,
                p.role,
                p.base_url,
                p.kid,
                indent(&public, 10)
            )
            .unwrap();
            std::fs::write(dir.path().join(format!("{}.pem", p.id)), p.key_pem).unwrap();
        }
        let issuer_public = SigningKey::from_pem(keys::ISSUER, ISSUER_KID)
            .unwrap()
            .verifying_key()
            .to_pem();
        writeln!(
            yaml,
            "token_issuers:\n  - id: {ISSUER_ID}\n    keys:\n      - kid: {ISSUER_KID}\n        pem: |\n{}",
            indent(&issuer_public, 10)
        )
        .unwrap();
        std::fs::write(dir.path().join("issuer.pem"), keys::ISSUER).unwrap();
        let registry_file = dir.path().join("registry.yaml");
        std::fs::write(&registry_file, yaml).unwrap();
        Self {
            dir,
            registry_file,
            parties,
        }
    }

    pub fn party(&self, id: &str) -> &Party {
        self.parties.iter().find(|p| p.id == id).unwrap()
    }

    pub fn signing_key_file(&self, id: &str) -> PathBuf {
        self.dir.path().join(format!("{id}.pem"))
    }

    pub fn issuer_key_file(&self) -> PathBuf {
        self.dir.path().join("issuer.pem")
    }

    /// Identity settings for `id`, minting API keys with the shared test issuer.
    pub fn identity(&self, id: &str) -> IdentitySettings {
        let party = self.party(id);
        IdentitySettings {
            entity_id: party.id.clone(),
            signing_kid: party.kid.clone(),
            signing_key: KeySource {
                file: Some(self.signing_key_file(id)),
                pem: None,
            },
            registry_file: self.registry_file.clone(),
            registry_source: Default::default(),
            central_registry: None,
            api_keys: ApiKeySettings {
                mode: ApiKeyMode::Mint,
                issuer_id: Some(ISSUER_ID.to_owned()),
                issuer_kid: Some(ISSUER_KID.to_owned()),
                issuer_key: KeySource {
                    file: Some(self.issuer_key_file()),
                    pem: None,
                },
                ttl_seconds: 3600,
                static_keys: Default::default(),
            },
            token_service: None,
            outbound_timeout_seconds: 5,
            router: None,
            outbound_version: None,
        }
    }

    /// The settings (`SECTION__KEY`, without the role's prefix) that give a role's binary the
    /// identity of `id`: entity, signing key file, registry, API keys minted by the test issuer.
    pub fn identity_vars(&self, id: &str) -> Vec<(&'static str, String)> {
        let party = self.party(id);
        let path = |p: PathBuf| p.display().to_string();
        vec![
            ("IDENTITY__ENTITY_ID", party.id.clone()),
            ("IDENTITY__SIGNING_KID", party.kid.clone()),
            (
                "IDENTITY__SIGNING_KEY__FILE",
                path(self.signing_key_file(id)),
            ),
            ("IDENTITY__REGISTRY_FILE", path(self.registry_file.clone())),
            ("IDENTITY__API_KEYS__MODE", "mint".to_owned()),
            ("IDENTITY__API_KEYS__ISSUER_ID", ISSUER_ID.to_owned()),
            ("IDENTITY__API_KEYS__ISSUER_KID", ISSUER_KID.to_owned()),
            (
                "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
                path(self.issuer_key_file()),
            ),
        ]
    }

    pub fn signer(&self, id: &str) -> SigningKey {
        let party = self.party(id);
        SigningKey::from_pem(party.key_pem, &party.kid).unwrap()
    }

    /// The registered key `id` signs with.
    pub fn verifying_key(&self, id: &str) -> VerifyingKey {
        self.signer(id).verifying_key()
    }

    /// A valid API key for `id` in its registered role.
    pub fn api_key(&self, id: &str) -> String {
        let party = self.party(id);
        mint_api_key(id, party.role, 600)
    }
}

/// An API key signed by the test issuer; a negative `ttl` gives an expired key.
pub fn mint_api_key(entity: &str, role: Role, ttl: i64) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let issuer = Issuer::from_pem(ISSUER_ID, ISSUER_KID, keys::ISSUER).unwrap();
    if ttl < 0 {
        issuer
            .issue(entity, &[role.as_str()], now - 7200, 600)
            .unwrap()
    } else {
        issuer.issue(entity, &[role.as_str()], now, ttl).unwrap()
    }
}

/// A raw answer: status, body as JSON (Null if not JSON), and the response signature header.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
    pub signature: Option<String>,
    pub raw: Vec<u8>,
}

/// POSTs `body` to `url` with the given API-key header and a signature by `signer` (or none).
pub async fn post_signed(
    url: &str,
    api_key_header: Option<(&str, &str)>,
    signer: Option<&SigningKey>,
    body: &[u8],
) -> Answer {
    request_signed("POST", url, api_key_header, signer, Some(body), "").await
}

/// Any request: with a JSON `body` signed by `signer`, or without a body and the signature over
/// `signed_path` (the ReBIT 1.1.x GETs sign their path).
pub async fn request_signed(
    method: &str,
    url: &str,
    api_key_header: Option<(&str, &str)>,
    signer: Option<&SigningKey>,
    body: Option<&[u8]>,
    signed_path: &str,
) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
    if let Some((name, value)) = api_key_header {
        request = request.header(name, value);
    }
    let signed = body.unwrap_or(signed_path.as_bytes());
    if let Some(signer) = signer {
        request = request.header("x-jws-signature", detached::sign(signer, signed));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_vec());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        body: serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null),
        signature,
        raw,
    }
}

/// Panics unless `answer` carries an `x-jws-signature` by `key` over its exact bytes.
pub fn assert_signed_by(answer: &Answer, key: &VerifyingKey) {
    let signature = answer
        .signature
        .as_deref()
        .unwrap_or_else(|| panic!("unsigned answer {} {}", answer.status, answer.body));
    detached::verify(signature, &answer.raw, |kid| {
        (kid == key.kid()).then_some(key)
    })
    .unwrap_or_else(|e| panic!("answer signature does not verify: {e}"));
}

/// A plain JSON request (customer, app and bank APIs, health, sandbox): the status and the JSON
/// body (`Null` if not JSON).
pub async fn call_json(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> (u16, serde_json::Value) {
    aa_launch::http::send(method, url, token, body)
        .await
        .unwrap()
}

/// Where a service under test keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file in the service's data directory.
    Sqlite,
    /// A fresh PostgreSQL database ([`fresh_postgres_database`]).
    Postgres,
}

impl Db {
    /// The database URL to give the service: none for SQLite, a fresh database for PostgreSQL.
    pub async fn url(self) -> Option<String> {
        match self {
            Db::Sqlite => None,
            Db::Postgres => Some(fresh_postgres_database().await),
        }
    }
}

/// The PostgreSQL server tests use: `AA_TEST_POSTGRES_URL`, or the local trust-auth server.
pub fn postgres_server_url() -> String {
    std::env::var("AA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Creates a fresh, empty PostgreSQL database and returns its URL. Fails (never skips) when the
/// server is unreachable: `.ci/run` makes sure it runs.
pub async fn fresh_postgres_database() -> String {
    use sea_orm::ConnectionTrait;
    let server = postgres_server_url();
    let admin = sea_orm::Database::connect(format!("{server}/postgres"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {server} is not reachable: {e}"));
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    format!("{server}/{name}")
}
