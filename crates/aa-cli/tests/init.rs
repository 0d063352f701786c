//! `aa init` and `aa demo --against` end to end: the ecosystem is written for services that run
//! elsewhere, the real service binaries are started from nothing but the `.env` files it wrote
//! (as a container or a service manager would), `<service> health` reports them ready, and the
//! walkthrough drives them to decrypted data from both banks. A second `aa init` changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn aa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aa"))
}

fn bins() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_aa"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `NAME=value` lines of an env file, comments skipped.
fn env_file(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// Runs `binary` with exactly the settings of `env` (nothing of ours leaks in).
fn service(binary: &str, env: &[(String, String)], args: &[&str]) -> Command {
    let mut command = Command::new(bins().join(binary));
    command
        .env_clear()
        .envs(env.iter().cloned())
        .args(args)
        .stdin(Stdio::null());
    command
}

struct Services(Vec<Child>);

impl Drop for Services {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn services_started_from_aa_init_files_are_walked_by_demo_against() {
    for binary in ["aa-service", "fip-service", "fiu-service"] {
        assert!(
            bins().join(binary).is_file(),
            "{binary} is not built: cargo build --workspace --bins"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let eco = dir.path().join("ecosystem");
    let ids = ["AA-1", "FIP-1", "FIP-2", "FIU-1"];
    let mut init = aa();
    init.arg("init").arg(&eco);
    for id in ids {
        init.arg(format!("--base-url={id}=http://127.0.0.1:{}", free_port()));
    }
    let output = init.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let issuer_key = std::fs::read(eco.join("keys/issuer.pem")).unwrap();

    let files = [
        ("aa-service", "aa-service.env"),
        ("fip-service", "fip-service-FIP-1.env"),
        ("fip-service", "fip-service-FIP-2.env"),
        ("fiu-service", "fiu-service.env"),
    ];
    let envs: Vec<(&str, Vec<(String, String)>)> = files
        .iter()
        .map(|(binary, file)| (*binary, env_file(&eco.join(file))))
        .collect();
    // Not ready yet: nothing listens.
    let (binary, env) = &envs[0];
    let status = service(binary, env, &["health"]).output().unwrap().status;
    assert_eq!(status.code(), Some(1));

    let mut running = Services(Vec::new());
    for (binary, env) in &envs {
        let log =
            std::fs::File::create(dir.path().join(format!("{binary}-{}.log", running.0.len())))
                .unwrap();
        let child = service(binary, env, &[])
            .current_dir(dir.path())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        running.0.push(child);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    for (binary, env) in &envs {
        while !service(binary, env, &["health"])
            .output()
            .unwrap()
            .status
            .success()
        {
            assert!(Instant::now() < deadline, "{binary} never became healthy");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    let output = aa()
        .args(["demo", "--json", "--against"])
        .arg(&eco)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fips: Vec<&str> = report["fips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fipId"].as_str().unwrap())
        .collect();
    assert_eq!(fips, ["FIP-1", "FIP-2"], "{report}");

    // A second init leaves the ecosystem as it is.
    let output = aa().arg("init").arg(&eco).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("left as it is"));
    assert_eq!(
        std::fs::read(eco.join("keys/issuer.pem")).unwrap(),
        issuer_key
    );
}

#[test]
fn init_refuses_an_unknown_party_and_against_needs_every_party() {
    let dir = tempfile::tempdir().unwrap();
    let output = aa()
        .arg("init")
        .arg(dir.path())
        .arg("--base-url=FIP-3=http://fip-3:7005")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown party \"FIP-3\""));
    assert!(!dir.path().join("registry.yaml").exists());

    let output = aa()
        .args(["demo", "--against", "AA-1=http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no base URL for FIP-1"),
        "{output:?}"
    );
}
