//! Runs the real service binaries as separate processes on loopback for end-to-end tests, with
//! the launcher `aa demo` uses ([`aa_launch::Ecosystem`]): fixture keys, each service's
//! configuration and seed files from the workspace, SQLite or fresh PostgreSQL databases. Every
//! process is stopped when the [`Local`] is dropped; each service's log is a file in its folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use aa_core::jws::SigningKey;
use aa_launch::{Ecosystem, FixtureKeys, Options, Party};
use aa_testkit::keys;

pub use aa_launch::FIU_APP_TOKEN;

pub mod proxy;
pub mod rebit;
pub mod walk;

/// Where the workspace's binaries are (next to the test executable's `deps` directory).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// The workspace binary `name`; fails if it has not been built.
pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.exists(),
        "{} is missing: build the workspace first (cargo build --workspace --bins)",
        path.display()
    );
    path
}

/// Which database each service gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Sqlite,
    Postgres,
}

/// The local ecosystem: AA-1, FIP-1, FIP-2, FIU-1, running.
pub struct Local {
    /// Declared before the directory: the processes stop before their folders go.
    pub eco: Ecosystem,
    _dir: tempfile::TempDir,
}

impl Local {
    pub async fn start(storage: Storage) -> Self {
        Self::start_with(Self::options(storage).await).await
    }

    /// [`Local::start`] with `options` (from [`Local::options`], changed by a test).
    pub async fn start_with(options: Options) -> Self {
        Self::start_routed(options, None).await
    }

    /// [`Local::start_with`], every call sent through a local router (`Some(ver)`: the `ver`
    /// of the services' requests) or straight to its callee (`None`).
    pub async fn start_routed(options: Options, router: Option<&'static str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut eco = Ecosystem::prepare(dir.path(), Default::default(), &options).unwrap();
        if let Some(ver) = router {
            eco.serve_router(ver).unwrap();
        }
        if let Err(e) = eco.start(&bin_dir()).await {
            panic!("the ecosystem did not start: {e}\n{}", eco.logs());
        }
        Self { eco, _dir: dir }
    }

    /// The ecosystem's options: fixture keys, the workspace's configuration and seed files, and
    /// (PostgreSQL) a fresh database per party.
    pub async fn options(storage: Storage) -> Options {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let seed = |name: &str| {
            crates
                .join("fip-service/configuration/seed")
                .join(format!("{name}.yaml"))
                .display()
                .to_string()
        };
        let mut options = Options {
            keys: Some(FixtureKeys {
                parties: vec![
                    ("AA-1", keys::AA_1),
                    ("FIP-1", keys::FIP_1),
                    ("FIP-2", keys::FIP_2),
                    ("FIU-1", keys::FIU_1),
                ],
                issuer: keys::ISSUER,
            }),
            config_root: Some(crates.clone()),
            seed_files: vec![("FIP-1", seed("fip-1")), ("FIP-2", seed("fip-2"))],
            ..Options::default()
        };
        if storage == Storage::Postgres {
            for id in ["AA-1", "FIP-1", "FIP-2", "FIU-1"] {
                let url = aa_testkit::fresh_postgres_database().await;
                options.database_urls.push((id, url));
            }
        }
        options
    }

    /// The service running in `folder` (`aa-service`, `fip-service-FIP-1`, `fiu-service`).
    pub fn service(&self, folder: &str) -> &Party {
        self.eco
            .parties
            .iter()
            .find(|p| p.folder == folder)
            .unwrap_or_else(|| panic!("no service {folder}"))
    }

    /// The party with entity id `id`.
    pub fn party(&self, id: &str) -> &Party {
        self.eco.party(id).unwrap()
    }

    pub fn signer(&self, id: &str) -> SigningKey {
        self.eco.signer(id).unwrap()
    }

    /// A fresh API key for `id` in its role, from the ecosystem's token issuer.
    pub fn api_key(&self, id: &str) -> String {
        self.eco.api_key(id, 600).unwrap()
    }

    /// The walkthrough client.
    pub fn walker(&self) -> aa_launch::walk::Walker<'_> {
        aa_launch::walk::Walker::new(&self.eco).unwrap()
    }

    /// Every log, for assertion messages.
    pub fn logs(&self) -> String {
        self.eco.logs()
    }
}
