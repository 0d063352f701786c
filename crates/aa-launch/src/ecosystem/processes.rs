//! Running the ecosystem: each service binary started as its own process with its settings in
//! environment variables, in its own folder (so a `configuration/` folder where the caller runs
//! is never picked up, and no `AA_*`/`FIP_*`/`FIU_*` variable of the caller's environment leaks
//! in), waited for until live, watched for an early exit, and killed by [`stop_all`].

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::bins::check_binaries;
use crate::ecosystem::{Ecosystem, Party};

/// Processes started so far, shared with whoever must be able to stop them (Ctrl-C). Once
/// `stopped` is set, nothing new may start.
#[derive(Debug, Default)]
pub struct Running {
    /// Each child with the id of the party it runs.
    children: Vec<(&'static str, Child)>,
    stopped: bool,
}

pub type Processes = Arc<Mutex<Running>>;

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

impl Ecosystem {
    /// Starts every service and waits until each answers `/health/live` (at its base URL: the
    /// caller's proxy in front of replicas). Replicas start one after the other, each once the
    /// one before is live, so that a key file the first creates is there for the others.
    pub async fn start(&self, bin_dir: &Path) -> Result<(), String> {
        check_binaries(bin_dir)?;
        for party in &self.parties {
            let binary = bin_dir.join(party.binary);
            let ports = if party.replicas.is_empty() {
                vec![party.port]
            } else {
                party.replicas.clone()
            };
            for (replica, port) in ports.iter().enumerate() {
                {
                    let mut running = lock(&self.processes);
                    if running.stopped {
                        return Err("stopped".into());
                    }
                    // Spawned under the lock, so that a concurrent stop either sees it or
                    // prevents it.
                    let child = self.spawn(party, &binary, *port, replica)?;
                    running.children.push((party.id, child));
                }
                if ports.len() > 1 {
                    self.wait_live_at(party, &format!("http://127.0.0.1:{port}"))
                        .await?;
                }
            }
        }
        for party in &self.parties {
            self.wait_live(party).await?;
        }
        Ok(())
    }

    fn spawn(
        &self,
        party: &Party,
        binary: &Path,
        port: u16,
        replica: usize,
    ) -> Result<Child, String> {
        let data_dir = &party.data_dir;
        std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        let log_path = match replica {
            0 => party.log.clone(),
            n => party.log.with_file_name(format!("service-{}.log", n + 1)),
        };
        let log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let mut command = Command::new(binary);
        command.current_dir(data_dir);
        for (name, _) in std::env::vars_os() {
            let name_text = name.to_string_lossy();
            if ["AA_", "FIP_", "FIU_"]
                .iter()
                .any(|prefix| name_text.starts_with(prefix))
            {
                command.env_remove(&name);
            }
        }
        command.envs(self.settings(party));
        command.env(format!("{}__SERVER__PORT", party.prefix), port.to_string());
        command
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

    async fn wait_live(&self, party: &Party) -> Result<(), String> {
        self.wait_live_at(party, &party.base_url).await
    }

    async fn wait_live_at(&self, party: &Party, base_url: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{base_url}/health/live");
        loop {
            if crate::http::call("GET", &url, None, None).await.is_ok() {
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
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The last lines of a service's log, for error messages.
    pub fn log_tail(&self, party: &Party) -> String {
        let text = std::fs::read_to_string(&party.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(15);
        format!(
            "--- {} (last lines)\n{}",
            party.log.display(),
            lines[start..].join("\n")
        )
    }

    /// Every service's whole log, for test failure messages.
    pub fn logs(&self) -> String {
        self.parties
            .iter()
            .map(|p| {
                format!(
                    "==== {}\n{}",
                    p.folder,
                    std::fs::read_to_string(&p.log).unwrap_or_default()
                )
            })
            .collect()
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
            .filter(|p| error.contains(&format!("{}/", p.base_url)) || error.contains(&p.folder))
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
