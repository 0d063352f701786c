//! A role's binary serving in the background, as an operator runs it: its own environment,
//! stdout and stderr captured in one log file a test reads afterwards. Killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::ServiceBinary;

/// The running binary.
pub struct Running {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    log_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Running {
    /// Everything the process wrote so far, stdout and stderr.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServiceBinary {
    /// Serves on `port` in `environment` with the variables `vars` (each `SECTION__KEY`, the
    /// prefix added), logging at debug for our crates; returns once `/health/live` answers.
    pub async fn serve(&self, environment: &str, port: u16, vars: &[(&str, String)]) -> Running {
        let p = self.prefix;
        let dir = tempfile::tempdir().unwrap();
        let log_file = dir.path().join("service.log");
        let log = std::fs::File::create(&log_file).unwrap();
        let child = Command::new(self.exe)
            .arg("serve")
            .env(format!("{p}_CONFIG_DIR"), &self.config_dir)
            .env(format!("{p}_ENVIRONMENT"), environment)
            .env(format!("{p}__DATA_DIR"), dir.path())
            .env(format!("{p}__SERVER__HOST"), "127.0.0.1")
            .env(format!("{p}__SERVER__PORT"), port.to_string())
            .env(
                "RUST_LOG",
                "info,aa_runtime=debug,aa_service=debug,fip_service=debug,fiu_service=debug",
            )
            .envs(vars.iter().map(|(k, v)| (format!("{p}__{k}"), v.clone())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut running = Running {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log_file,
            _dir: dir,
        };
        let client = reqwest::Client::new();
        let live = format!("{}/health/live", running.base_url);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = running.child.try_wait() {
                panic!("the service exited ({status}): {}", running.log());
            }
            let answer = client.get(&live).send().await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the service did not answer /health/live: {}",
                running.log()
            );
            tokio::time::sleep(crate::poll::EVERY).await;
        }
        running
    }
}
