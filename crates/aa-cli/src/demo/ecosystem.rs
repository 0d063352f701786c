//! The local ecosystem the demo runs: fresh RSA keys for AA-1, FIP-1, FIP-2, FIU-1 and a token
//! issuer, a registry naming them on free loopback ports, and the four service binaries started
//! as separate processes, each with its database and log under `<dir>/<service>/` (also its
//! working directory, so a `configuration/` folder where `aa` runs is never picked up, and no
//! `AA_*`/`FIP_*`/`FIU_*` variable of the caller's environment leaks in). Every process is
//! killed when [`Ecosystem`] is dropped or [`stop_all`] is called.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aa_core::jws::keygen;

/// The token issuer that mints every service's API keys (standing in for Sahamati's).
const ISSUER_ID: &str = "demo-token-service";
const ISSUER_KID: &str = "demo-tokens-1";
/// The FIU app's bearer token in the demo.
pub const FIU_APP_TOKEN: &str = "demo-fiu-app-token";

/// One service of the ecosystem.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: &'static str,
    /// `aa-service`, `fip-service`, `fiu-service`.
    pub binary: &'static str,
    /// Environment prefix: `AA`, `FIP`, `FIU`.
    pub prefix: &'static str,
    pub role: &'static str,
    pub name: &'static str,
    pub port: u16,
    /// The folder under the data directory: `aa-service`, `fip-service-FIP-1`, ...
    pub folder: String,
}

impl Party {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn kid(&self) -> String {
        format!("{}-sig", self.id.to_lowercase())
    }
}

/// Processes started so far, shared with whoever must be able to stop them (Ctrl-C). Once
/// `stopped` is set, nothing new may start.
#[derive(Debug, Default)]
pub struct Running {
    /// Each child with the id of the party it runs.
    children: Vec<(&'static str, Child)>,
    stopped: bool,
}

pub type Processes = Arc<Mutex<Running>>;

pub struct Ecosystem {
    pub dir: PathBuf,
    pub parties: Vec<Party>,
    processes: Processes,
}

impl Drop for Ecosystem {
    fn drop(&mut self) {
        stop_all(&self.processes);
    }
}

fn lock(processes: &Processes) -> std::sync::MutexGuard<'_, Running> {
    match processes.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Kills and reaps every process in `processes`, and refuses any later start.
pub fn stop_all(processes: &Processes) {
    let mut running = lock(processes);
    running.stopped = true;
    for (_, child) in running.children.iter_mut() {
        let _ = child.kill();
        let _ = child.wait();
    }
    running.children.clear();
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// The service binaries the demo runs.
pub const BINARIES: [&str; 3] = ["aa-service", "fip-service", "fiu-service"];

/// Fails, naming the cargo command that builds them, unless every service binary is in `dir`.
pub fn check_binaries(dir: &Path) -> Result<(), String> {
    let missing: Vec<&str> = BINARIES
        .into_iter()
        .filter(|b| !dir.join(b).is_file())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // Name the profile the directory belongs to: target/debug is built without --release.
    let release = if dir.ends_with("debug") || dir.ends_with("deps") {
        ""
    } else {
        " --release"
    };
    Err(format!(
        "{} not found in {}: build the services first with `cargo build{release} --locked -p aa-service -p fip-service -p fiu-service` (or give --bin-dir / AA_BIN_DIR)",
        missing.join(", "),
        dir.display()
    ))
}

/// Where the service binaries are: `--bin-dir`, else `AA_BIN_DIR`, else next to `aa` itself.
pub fn bin_dir(given: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(dir) = given.or_else(|| std::env::var_os("AA_BIN_DIR").map(PathBuf::from)) {
        // Absolute: each service starts in its own folder.
        return std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()));
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .ok_or_else(|| "cannot tell where aa is; give --bin-dir".to_owned())
}

impl Ecosystem {
    /// Writes keys and the registry under `dir` and plans the four services on free ports.
    pub fn prepare(dir: &Path, processes: Processes) -> Result<Self, String> {
        let fip = |id: &'static str, name: &'static str| -> Result<Party, String> {
            Ok(Party {
                id,
                binary: "fip-service",
                prefix: "FIP",
                role: "FIP",
                name,
                port: free_port()?,
                folder: format!("fip-service-{id}"),
            })
        };
        let parties = vec![
            Party {
                id: "AA-1",
                binary: "aa-service",
                prefix: "AA",
                role: "AA",
                name: "Demo AA",
                port: free_port()?,
                folder: "aa-service".into(),
            },
            fip("FIP-1", "First Demo Bank")?,
            fip("FIP-2", "Second Demo Bank")?,
            Party {
                id: "FIU-1",
                binary: "fiu-service",
                prefix: "FIU",
                role: "FIU",
                name: "Demo Lender",
                port: free_port()?,
                folder: "fiu-service".into(),
            },
        ];
        let keys = dir.join("keys");
        std::fs::create_dir_all(&keys).map_err(|e| format!("{}: {e}", keys.display()))?;
        // RSA key generation is the slow part of start-up: one thread per key.
        let mut names: Vec<(String, String)> = parties
            .iter()
            .map(|p| (p.id.to_lowercase(), p.kid()))
            .collect();
        names.push(("issuer".into(), ISSUER_KID.into()));
        let written: Vec<Result<String, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .iter()
                .map(|(name, kid)| scope.spawn(|| write_key(&keys, name, kid)))
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
        let mut registry =
            String::from("# Written by `aa demo`. Format: docs/REGISTRY.md.\nentities:\n");
        for (party, public) in parties.iter().zip(&public_files) {
            registry.push_str(&format!(
                "  - id: {}\n    role: {}\n    name: {}\n    base_url: {}\n    keys: [{{ kid: {}, pem_file: keys/{} }}]\n",
                party.id,
                party.role,
                party.name,
                party.base_url(),
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
        })
    }

    pub fn party(&self, id: &str) -> Result<&Party, String> {
        self.parties
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| format!("no party {id}"))
    }

    /// Starts every service and waits until each answers `/health/live`.
    pub fn start(&self, bin_dir: &Path) -> Result<(), String> {
        check_binaries(bin_dir)?;
        for party in &self.parties {
            let binary = bin_dir.join(party.binary);
            let mut running = lock(&self.processes);
            if running.stopped {
                return Err("stopped".into());
            }
            // Spawned under the lock, so that a concurrent stop either sees it or prevents it.
            let child = self.spawn(party, &binary)?;
            running.children.push((party.id, child));
        }
        for party in &self.parties {
            self.wait_live(party)?;
        }
        Ok(())
    }

    fn spawn(&self, party: &Party, binary: &Path) -> Result<Child, String> {
        let data_dir = self.dir.join(&party.folder);
        std::fs::create_dir_all(&data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        let log = std::fs::File::create(data_dir.join("service.log"))
            .map_err(|e| format!("{}: {e}", data_dir.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let keys = self.dir.join("keys");
        let mut command = Command::new(binary);
        command.current_dir(&data_dir);
        for (name, _) in std::env::vars_os() {
            let name_text = name.to_string_lossy();
            if ["AA_", "FIP_", "FIU_"]
                .iter()
                .any(|prefix| name_text.starts_with(prefix))
            {
                command.env_remove(&name);
            }
        }
        let p = party.prefix;
        let mut set = |key: &str, value: String| {
            command.env(format!("{p}__{key}"), value);
        };
        set("SERVER__HOST", "127.0.0.1".into());
        set("SERVER__PORT", party.port.to_string());
        set("DATA_DIR", data_dir.display().to_string());
        set("IDENTITY__ENTITY_ID", party.id.into());
        set("IDENTITY__SIGNING_KID", party.kid());
        set(
            "IDENTITY__SIGNING_KEY__FILE",
            keys.join(format!("{}.pem", party.id.to_lowercase()))
                .display()
                .to_string(),
        );
        set(
            "IDENTITY__REGISTRY_FILE",
            self.dir.join("registry.yaml").display().to_string(),
        );
        set("IDENTITY__API_KEYS__MODE", "mint".into());
        set("IDENTITY__API_KEYS__ISSUER_ID", ISSUER_ID.into());
        set("IDENTITY__API_KEYS__ISSUER_KID", ISSUER_KID.into());
        set(
            "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
            keys.join("issuer.pem").display().to_string(),
        );
        set("OTP__SANDBOX_ENDPOINT", "true".into());
        if party.id == "FIP-2" {
            set("SEED_FILE", "seed/fip-2.yaml".into());
        }
        if party.prefix == "FIU" {
            set("APP_API__TOKEN", FIU_APP_TOKEN.into());
        }
        command
            .env(format!("{p}_ENVIRONMENT"), "local")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))
    }

    /// Fails with the service's log tail if any process of the ecosystem has exited.
    pub fn check_running(&self) -> Result<(), String> {
        let mut running = lock(&self.processes);
        for (id, child) in running.children.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let party = self.party(id)?;
                return Err(format!(
                    "{} stopped unexpectedly ({status})\n{}",
                    party.folder,
                    self.log_tail(party)
                ));
            }
        }
        Ok(())
    }

    fn wait_live(&self, party: &Party) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/health/live", party.base_url());
        loop {
            if crate::api::call("GET", &url, None, None).is_ok() {
                return Ok(());
            }
            self.check_running()?;
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not come up on :{}\n{}",
                    party.folder,
                    party.port,
                    self.log_tail(party)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The last lines of a service's log, for error messages.
    pub fn log_tail(&self, party: &Party) -> String {
        let path = self.dir.join(&party.folder).join("service.log");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(15);
        format!(
            "--- {} (last lines)\n{}",
            path.display(),
            lines[start..].join("\n")
        )
    }

    /// The log tails that explain `error`: the services it names (by id, folder or URL), else
    /// every service's. An error that already carries a log tail gets nothing more.
    pub fn log_tails_for(&self, error: &str) -> String {
        if error.contains("(last lines)") {
            return String::new();
        }
        let named: Vec<&Party> = self
            .parties
            .iter()
            .filter(|p| error.contains(&format!("{}/", p.base_url())) || error.contains(&p.folder))
            .collect();
        let parties: Vec<&Party> = if named.is_empty() {
            self.parties.iter().collect()
        } else {
            named
        };
        parties
            .into_iter()
            .map(|p| self.log_tail(p))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Writes `<name>.pem` (private, PKCS#8) and `<name>.pub.pem`; returns the public file's name.
fn write_key(dir: &Path, name: &str, kid: &str) -> Result<String, String> {
    let key = keygen::generate_rsa(2048, kid).map_err(|e| format!("key generation: {e}"))?;
    let private = dir.join(format!("{name}.pem"));
    write_private(&private, &key.pkcs8_pem)?;
    let public_name = format!("{name}.pub.pem");
    let public = dir.join(&public_name);
    std::fs::write(&public, key.signing_key.verifying_key().to_pem())
        .map_err(|e| format!("{}: {e}", public.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_are_named_with_the_cargo_command_for_their_profile() {
        let dir = tempfile::tempdir().unwrap();
        let release = dir.path().join("release");
        std::fs::create_dir(&release).unwrap();
        std::fs::write(release.join("aa-service"), "").unwrap();
        let err = check_binaries(&release).unwrap_err();
        assert!(
            err.starts_with("fip-service, fiu-service not found"),
            "{err}"
        );
        assert!(
            err.contains("`cargo build --release --locked -p aa-service"),
            "{err}"
        );
        let debug = dir.path().join("debug");
        std::fs::create_dir(&debug).unwrap();
        let err = check_binaries(&debug).unwrap_err();
        assert!(err.contains("`cargo build --locked -p aa-service"), "{err}");
        for binary in BINARIES {
            std::fs::write(debug.join(binary), "").unwrap();
        }
        assert_eq!(check_binaries(&debug), Ok(()));
    }
}
