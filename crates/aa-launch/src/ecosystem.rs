//! The plan of the local ecosystem: AA-1, FIP-1, FIP-2 and FIU-1 on free loopback ports, their
//! RSA signing keys and a token issuer's (generated, or fixture keys a test gives), and the
//! registry naming them, all written under one directory. Each service gets its own folder
//! there (`aa-service`, `fip-service-FIP-1`, ...): its database, its log, its working directory.
//! `aa init` plans the same ecosystem on given base URLs (containers), and `settings` writes
//! each service's configuration as an environment file; `attach` walks one that already runs.

use std::path::{Path, PathBuf};

use aa_core::apikey::Issuer;
use aa_core::jws::{keygen, SigningKey};
use aa_core::registry::Role;

use crate::central_registry::LocalCentralRegistry;
use crate::ports::free_port;
use crate::router::LocalRouter;
use crate::token_service::LocalTokenService;
use processes::{stop_all, Processes};

mod attach;
pub mod processes;
mod sahamati;
mod settings;

/// The token issuer that mints every service's API keys (standing in for Sahamati's).
pub const ISSUER_ID: &str = "demo-token-service";
pub const ISSUER_KID: &str = "demo-tokens-1";
/// The FIU app's bearer token.
pub const FIU_APP_TOKEN: &str = "demo-fiu-app-token";
/// The passphrase the demo AA shares with each demo FIU for Sahamati's redirection (the AA's
/// `redirection.passphrases`; the FIU side seals `ecreq` and opens `ecres` with the same).
pub const DEMO_REDIRECT_PASSPHRASE: &str = "demo-redirection-passphrase-not-secret";

/// Private keys (PKCS#8 PEM) to use instead of generating fresh ones: one per party id, and the
/// token issuer's. Tests use fixture keys, which is faster and repeatable.
#[derive(Debug, Clone, Default)]
pub struct FixtureKeys {
    pub parties: Vec<(&'static str, &'static str)>,
    pub issuer: &'static str,
}

/// The workspace's `crates/` (each service's `configuration/` is in it), when this tool runs
/// from a checkout: services find no configuration of their own beside a release binary.
fn workspace_crates() -> Option<PathBuf> {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    crates
        .join("aa-service/configuration")
        .is_dir()
        .then(|| crates.to_owned())
}

/// How to prepare the ecosystem. The default is what `aa demo` runs: fresh keys, SQLite in each
/// service's folder, each service's configuration from the workspace's `crates/`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub keys: Option<FixtureKeys>,
    /// A folder holding `<binary>/configuration/` for each service (the workspace's `crates/`),
    /// given to each service as `<PREFIX>_CONFIG_DIR`.
    pub config_root: Option<PathBuf>,
    /// `SEED_FILE` per FIP id (relative paths are the FIP's, from its configuration folder).
    pub seed_files: Vec<(&'static str, String)>,
    /// `DATABASE__URL` per party id (SQLite in the service's folder otherwise).
    pub database_urls: Vec<(&'static str, String)>,
    /// The base URL per party id (e.g. `http://aa:7001` in containers): the registry names it,
    /// the service listens on its port on every interface. A party not named gets a free
    /// loopback port.
    pub base_urls: Vec<(&'static str, String)>,
    /// Processes per service (0 or 1: one). With more, each replica listens on a port of its
    /// own ([`Party::replicas`]) and the party's base URL is for a proxy in front of them that
    /// the caller runs; the replicas need PostgreSQL (`database_urls`).
    pub replicas: usize,
    /// Every service's `DATA_DIR` when it runs elsewhere (each container has its own); unset:
    /// the service's folder under the ecosystem's directory.
    pub service_data_dir: Option<PathBuf>,
    /// More settings for one party, as (party id, variable without the prefix, value), e.g.
    /// `("FIP-1", "LINKING__AUTHENTICATOR", "DIRECT")` for `FIP__LINKING__AUTHENTICATOR`.
    pub extra_settings: Vec<(&'static str, String, String)>,
}

impl Options {
    /// What `aa demo` and `aa init` run: FIP-2 is the second bank, with its own seed file, so
    /// the two banks hold different accounts of the same customer.
    pub fn two_banks() -> Self {
        Self {
            seed_files: vec![("FIP-2", "seed/fip-2.yaml".to_owned())],
            ..Self::default()
        }
    }
}

/// One service of the ecosystem.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: &'static str,
    /// `aa-service`, `fip-service`, `fiu-service`.
    pub binary: &'static str,
    /// Environment prefix: `AA`, `FIP`, `FIU`.
    pub prefix: &'static str,
    pub role: Role,
    pub name: &'static str,
    /// The interface it listens on: loopback, or every interface behind a given base URL.
    pub host: &'static str,
    pub port: u16,
    /// The replicas' own ports when it runs more than one process (`port` is then the proxy's).
    pub replicas: Vec<u16>,
    pub base_url: String,
    /// The folder under the data directory: `aa-service`, `fip-service-FIP-1`, ...
    pub folder: String,
    /// The service's data directory (its SQLite file) and working directory.
    pub data_dir: PathBuf,
    /// Its log (stdout and stderr).
    pub log: PathBuf,
    /// Set when the service runs on a database other than its own SQLite file.
    pub database_url: Option<String>,
    pub seed_file: Option<String>,
    /// More settings (variable without the prefix, value), from [`Options::extra_settings`].
    pub extra_settings: Vec<(String, String)>,
}

impl Party {
    pub fn kid(&self) -> String {
        format!("{}-sig", self.id.to_lowercase())
    }

    fn key_name(&self) -> String {
        self.id.to_lowercase()
    }
}

/// The planned (and, once started, running) ecosystem. Dropping it stops every process.
pub struct Ecosystem {
    pub dir: PathBuf,
    pub parties: Vec<Party>,
    pub(crate) processes: Processes,
    pub(crate) config_root: Option<PathBuf>,
    /// The local Central Registry the services read, once [`Ecosystem::serve_central_registry`]
    /// started it, with each party's CR token; `None`: they read the registry file.
    pub(crate) central_registry: Option<(LocalCentralRegistry, Vec<(&'static str, String)>)>,
    /// The local token service the services obtain their tokens from, once
    /// [`Ecosystem::serve_token_service`] started it, with each party's client secret.
    pub(crate) token_service: Option<(LocalTokenService, Vec<(&'static str, String)>)>,
    /// The local router every service sends its calls through, once [`Ecosystem::serve_router`]
    /// started it, with the `ver` their requests carry.
    pub(crate) router: Option<(LocalRouter, &'static str)>,
}

impl Drop for Ecosystem {
    fn drop(&mut self) {
        stop_all(&self.processes);
    }
}

impl Ecosystem {
    /// Writes keys and the registry under `dir` and plans the four services on free ports.
    /// Processes started later are registered in `processes`, so that whoever holds it can
    /// stop them all (Ctrl-C).
    pub fn prepare(dir: &Path, processes: Processes, options: &Options) -> Result<Self, String> {
        let plan = [
            ("AA-1", "aa-service", "AA", Role::Aa, "Demo AA"),
            ("FIP-1", "fip-service", "FIP", Role::Fip, "First Demo Bank"),
            ("FIP-2", "fip-service", "FIP", Role::Fip, "Second Demo Bank"),
            ("FIU-1", "fiu-service", "FIU", Role::Fiu, "Demo Lender"),
        ];
        let mut parties = Vec::new();
        for (id, binary, prefix, role, name) in plan {
            let pick = |list: &[(&'static str, String)]| {
                list.iter().find(|(p, _)| *p == id).map(|(_, v)| v.clone())
            };
            let (host, port, base_url) = match pick(&options.base_urls) {
                Some(url) => (
                    "0.0.0.0",
                    url_port(&url)?,
                    url.trim_end_matches('/').to_owned(),
                ),
                None => {
                    let port = free_port()?;
                    ("127.0.0.1", port, format!("http://127.0.0.1:{port}"))
                }
            };
            let folder = if binary == "fip-service" {
                format!("fip-service-{id}")
            } else {
                binary.to_owned()
            };
            let data_dir = dir.join(&folder);
            let replicas = match options.replicas {
                0 | 1 => Vec::new(),
                n => (0..n).map(|_| free_port()).collect::<Result<_, _>>()?,
            };
            parties.push(Party {
                id,
                binary,
                prefix,
                role,
                name,
                host,
                port,
                replicas,
                base_url,
                log: data_dir.join("service.log"),
                data_dir: options
                    .service_data_dir
                    .clone()
                    .unwrap_or_else(|| data_dir.clone()),
                folder,
                database_url: pick(&options.database_urls),
                seed_file: pick(&options.seed_files),
                extra_settings: options
                    .extra_settings
                    .iter()
                    .filter(|(p, _, _)| *p == id)
                    .map(|(_, name, value)| (name.clone(), value.clone()))
                    .collect(),
            });
        }
        let keys = dir.join("keys");
        std::fs::create_dir_all(&keys).map_err(|e| format!("{}: {e}", keys.display()))?;
        let mut names: Vec<(String, String, Option<&str>)> = parties
            .iter()
            .map(|p| {
                let given = options.keys.as_ref().and_then(|k| {
                    k.parties
                        .iter()
                        .find(|(id, _)| *id == p.id)
                        .map(|(_, pem)| *pem)
                });
                (p.key_name(), p.kid(), given)
            })
            .collect();
        let issuer = options.keys.as_ref().map(|k| k.issuer);
        names.push(("issuer".into(), ISSUER_KID.into(), issuer));
        // RSA key generation is the slow part of start-up: one thread per key.
        let written: Vec<Result<String, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .iter()
                .map(|(name, kid, given)| scope.spawn(|| write_key(&keys, name, kid, *given)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("key generation failed".into()))
                })
                .collect()
        });
        let mut public_files = Vec::new();
        for file in written {
            public_files.push(file?);
        }
        let mut registry = String::from(
            "# Written by `aa demo` or `aa init`. Format: docs/REGISTRY.md.\nentities:\n",
        );
        for (party, public) in parties.iter().zip(&public_files) {
            registry.push_str(&format!(
                "  - id: {}\n    role: {}\n    name: {}\n    base_url: {}\n    keys: [{{ kid: {}, pem_file: keys/{} }}]\n",
                party.id,
                party.role,
                party.name,
                party.base_url,
                party.kid(),
                public
            ));
        }
        let issuer = public_files.last().cloned().unwrap_or_default();
        registry.push_str(&format!(
            "token_issuers:\n  - id: {ISSUER_ID}\n    keys: [{{ kid: {ISSUER_KID}, pem_file: keys/{issuer} }}]\n"
        ));
        let path = dir.join("registry.yaml");
        std::fs::write(&path, registry).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            parties,
            processes,
            config_root: options.config_root.clone().or_else(workspace_crates),
            central_registry: None,
            token_service: None,
            router: None,
        })
    }

    /// Whether `dir` already holds a prepared ecosystem (its registry).
    pub fn is_prepared(dir: &Path) -> bool {
        dir.join("registry.yaml").is_file()
    }

    pub fn party(&self, id: &str) -> Result<&Party, String> {
        self.parties
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| format!("no party {id}"))
    }

    pub fn registry_file(&self) -> PathBuf {
        self.dir.join("registry.yaml")
    }

    /// The private key file of `id` (`issuer` for the token issuer).
    pub fn key_file(&self, name: &str) -> PathBuf {
        self.dir
            .join("keys")
            .join(format!("{}.pem", name.to_lowercase()))
    }

    /// The signing key of party `id`, to call a service as that party.
    pub fn signer(&self, id: &str) -> Result<SigningKey, String> {
        let party = self.party(id)?;
        let path = self.key_file(id);
        let pem = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        SigningKey::from_pem(&pem, &party.kid()).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// A fresh API key for party `id` in its role, valid for `ttl_seconds`.
    pub fn api_key(&self, id: &str, ttl_seconds: i64) -> Result<String, String> {
        let party = self.party(id)?;
        let path = self.key_file("issuer");
        let pem = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let issuer = Issuer::from_pem(ISSUER_ID, ISSUER_KID, &pem)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        let now = i64::try_from(now).map_err(|e| e.to_string())?;
        issuer
            .issue(party.id, &[party.role.as_str()], now, ttl_seconds)
            .map_err(|e| format!("api key for {id}: {e}"))
    }
}

/// The port of an `http://host:port` base URL (80 or 443 when it names none).
fn url_port(url: &str) -> Result<u16, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("not a base URL: {url}"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once(':') {
        Some((_, port)) => port
            .parse()
            .map_err(|_| format!("not a port in {url}: {port}")),
        None if scheme == "https" => Ok(443),
        None => Ok(80),
    }
}

/// Writes `<name>.pem` (private, PKCS#8: `given`, or a fresh RSA-2048 key) and `<name>.pub.pem`;
/// returns the public file's name.
fn write_key(dir: &Path, name: &str, kid: &str, given: Option<&str>) -> Result<String, String> {
    let (private_pem, public_pem) = match given {
        Some(pem) => {
            let key = SigningKey::from_pem(pem, kid).map_err(|e| format!("key {name}: {e}"))?;
            (pem.to_owned(), key.verifying_key().to_pem())
        }
        None => {
            let key =
                keygen::generate_rsa(2048, kid).map_err(|e| format!("key generation: {e}"))?;
            let public = key.signing_key.verifying_key().to_pem();
            (key.pkcs8_pem, public)
        }
    };
    write_private(&dir.join(format!("{name}.pem")), &private_pem)?;
    let public_name = format!("{name}.pub.pem");
    let public = dir.join(&public_name);
    std::fs::write(&public, public_pem).map_err(|e| format!("{}: {e}", public.display()))?;
    Ok(public_name)
}

#[cfg(unix)]
fn write_private(path: &Path, pem: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(pem.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, pem: &str) -> Result<(), String> {
    std::fs::write(path, pem).map_err(|e| format!("{}: {e}", path.display()))
}
