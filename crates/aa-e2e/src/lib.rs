//! Runs the real service binaries as separate processes on loopback for end-to-end tests:
//! writes a registry and keys ([`aa_testkit::Ecosystem`]), starts each binary with its
//! configuration in environment variables, waits for it to be live, and stops every process
//! when dropped. Each service's log goes to a file in the ecosystem's directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aa_core::registry::Role;
use aa_testkit::{keys, Ecosystem, Party};

pub mod rebit;
pub mod walk;

/// Where the workspace's binaries are (next to the test executable's `deps` directory).
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the workspace first (cargo build --workspace --bins)",
        path.display()
    );
    path
}

/// binary, env prefix, entity id, port, extra environment settings.
type ServiceSpec = (
    &'static str,
    &'static str,
    &'static str,
    u16,
    Vec<(String, String)>,
);

/// Which database each service gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Sqlite,
    Postgres,
}

pub struct Service {
    pub name: String,
    pub base_url: String,
    pub log: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    child: Child,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The local ecosystem: AA-1, FIP-1, FIP-2, FIU-1.
pub struct Local {
    pub eco: Ecosystem,
    pub services: Vec<Service>,
}

pub const FIU_APP_TOKEN: &str = "e2e-fiu-app-token";

impl Local {
    pub async fn start(storage: Storage) -> Self {
        let url = |p: u16| format!("http://127.0.0.1:{p}");
        let ports: Vec<u16> = (0..4).map(|_| aa_testkit::free_port()).collect();
        let eco = Ecosystem::new(vec![
            Party::new("AA-1", Role::Aa, keys::AA_1, &url(ports[0])),
            Party::new("FIP-1", Role::Fip, keys::FIP_1, &url(ports[1])),
            Party::new("FIP-2", Role::Fip, keys::FIP_2, &url(ports[2])),
            Party::new("FIU-1", Role::Fiu, keys::FIU_1, &url(ports[3])),
        ]);
        let mut services = Vec::new();
        let specs: [ServiceSpec; 4] = [
            ("aa-service", "AA", "AA-1", ports[0], vec![]),
            ("fip-service", "FIP", "FIP-1", ports[1], fip_extra("fip-1")),
            ("fip-service", "FIP", "FIP-2", ports[2], fip_extra("fip-2")),
            (
                "fiu-service",
                "FIU",
                "FIU-1",
                ports[3],
                vec![("APP_API__TOKEN".into(), FIU_APP_TOKEN.into())],
            ),
        ];
        for (bin, prefix, id, port, extra) in specs {
            let database_url = match storage {
                Storage::Sqlite => None,
                Storage::Postgres => Some(aa_testkit::fresh_postgres_database().await),
            };
            services.push(spawn(&eco, bin, prefix, id, port, database_url, &extra));
        }
        let local = Self { eco, services };
        for service in &local.services {
            local.wait_live(service).await;
        }
        local
    }

    async fn wait_live(&self, service: &Service) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client
                .get(format!("{}/health/live", service.base_url))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{} did not come up; log:\n{}",
                service.name,
                std::fs::read_to_string(&service.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn service(&self, name: &str) -> &Service {
        self.services.iter().find(|s| s.name == name).unwrap()
    }

    /// Every log, for assertion messages.
    pub fn logs(&self) -> String {
        self.services
            .iter()
            .map(|s| {
                format!(
                    "==== {}\n{}",
                    s.name,
                    std::fs::read_to_string(&s.log).unwrap_or_default()
                )
            })
            .collect()
    }
}

fn fip_extra(seed: &str) -> Vec<(String, String)> {
    let seed_file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fip-service/configuration/seed")
        .join(format!("{seed}.yaml"));
    vec![("SEED_FILE".into(), seed_file.display().to_string())]
}

fn spawn(
    eco: &Ecosystem,
    bin: &str,
    prefix: &str,
    id: &str,
    port: u16,
    database_url: Option<String>,
    extra: &[(String, String)],
) -> Service {
    let name = if bin == "fip-service" {
        format!("fip-service-{id}")
    } else {
        bin.to_owned()
    };
    let data_dir = eco.dir.path().join(&name);
    std::fs::create_dir_all(&data_dir).unwrap();
    let log = data_dir.join("service.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let config_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(bin)
        .join("configuration");
    let party = eco.party(id);
    let mut command = Command::new(binary(bin));
    let mut set = |key: &str, value: String| {
        command.env(format!("{prefix}__{key}"), value);
    };
    set("SERVER__HOST", "127.0.0.1".into());
    set("SERVER__PORT", port.to_string());
    set("DATA_DIR", data_dir.display().to_string());
    if let Some(url) = &database_url {
        set("DATABASE__URL", url.clone());
    }
    set("IDENTITY__ENTITY_ID", id.into());
    set("IDENTITY__SIGNING_KID", party.kid.clone());
    set(
        "IDENTITY__SIGNING_KEY__FILE",
        eco.signing_key_file(id).display().to_string(),
    );
    set(
        "IDENTITY__REGISTRY_FILE",
        eco.registry_file.display().to_string(),
    );
    set("IDENTITY__API_KEYS__MODE", "mint".into());
    set(
        "IDENTITY__API_KEYS__ISSUER_ID",
        aa_testkit::ISSUER_ID.into(),
    );
    set(
        "IDENTITY__API_KEYS__ISSUER_KID",
        aa_testkit::ISSUER_KID.into(),
    );
    set(
        "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
        eco.issuer_key_file().display().to_string(),
    );
    set("OTP__SANDBOX_ENDPOINT", "true".into());
    for (key, value) in extra {
        set(key, value.clone());
    }
    command
        .env(format!("{prefix}_CONFIG_DIR"), &config_dir)
        .env(format!("{prefix}_ENVIRONMENT"), "local")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file);
    let child = command.spawn().unwrap();
    Service {
        name,
        base_url: party.base_url.clone(),
        log,
        data_dir,
        database_url,
        child,
    }
}
