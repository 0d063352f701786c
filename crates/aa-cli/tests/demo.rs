//! `aa demo` end to end: the real service binaries (found next to `aa` in the cargo target
//! directory, or in `AA_BIN_DIR`) are started, walked and stopped. The tests fail, never skip,
//! when they have not been built (`cargo build --workspace --bins`). Also: a signal (Ctrl-C,
//! SIGTERM) or a service that dies stops everything the demo started.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Where the real service binaries are: `AA_BIN_DIR`, else next to `aa`. Fails if one is missing.
fn service_bins() -> PathBuf {
    let aa = Path::new(env!("CARGO_BIN_EXE_aa"));
    let bins = std::env::var_os("AA_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| aa.parent().unwrap().to_path_buf());
    for service in ["aa-service", "fip-service", "fiu-service"] {
        assert!(
            bins.join(service).is_file(),
            "{service} is not built in {}: cargo build --workspace --bins",
            bins.display()
        );
    }
    bins
}

/// The loopback ports the demo wrote into `<dir>/registry.yaml`.
fn registry_ports(dir: &Path) -> Vec<u16> {
    let registry = std::fs::read_to_string(dir.join("registry.yaml")).unwrap();
    let ports: Vec<u16> = registry
        .lines()
        .filter_map(|l| l.trim().strip_prefix("base_url: http://127.0.0.1:"))
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(ports.len(), 4, "{registry}");
    ports
}

/// Nothing the demo started survives: no process with `dir` in its environment, no listener on
/// any port of the registry.
fn assert_all_stopped(dir: &Path) {
    assert_eq!(processes_using(dir), Vec::<String>::new());
    for port in registry_ports(dir) {
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "something still listens on :{port}"
        );
    }
}

/// A bin dir with the real aa-service and fip-service and a fake fiu-service running `script`.
fn bins_with_fake_fiu(script: &str) -> tempfile::TempDir {
    let real = service_bins();
    let bins = tempfile::tempdir().unwrap();
    for service in ["aa-service", "fip-service"] {
        std::os::unix::fs::symlink(real.join(service), bins.path().join(service)).unwrap();
    }
    let fake = bins.path().join("fiu-service");
    std::fs::write(&fake, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    bins
}

/// Processes whose environment names `dir` (every service the demo starts gets its data
/// directory there).
fn processes_using(dir: &Path) -> Vec<String> {
    let needle = dir.display().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(environ) = std::fs::read(entry.path().join("environ")) {
            if String::from_utf8_lossy(&environ).contains(&needle) {
                found.push(pid);
            }
        }
    }
    found
}

#[test]
fn the_demo_walks_the_whole_loop_and_stops_every_service() {
    let aa = Path::new(env!("CARGO_BIN_EXE_aa"));
    let bins = service_bins();
    let dir = tempfile::tempdir().unwrap();
    // Run from elsewhere with a relative --bin-dir (as scripts/quickstart.sh does).
    let cwd = bins.parent().unwrap();
    let output = Command::new(aa)
        .current_dir(cwd)
        .args(["demo", "--json", "--data-dir"])
        .arg(dir.path())
        .arg("--bin-dir")
        .arg(bins.strip_prefix(cwd).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "aa demo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fips = report["fips"].as_array().unwrap();
    let ids: Vec<&str> = fips.iter().map(|f| f["fipId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["FIP-1", "FIP-2"], "{report}");
    for fip in fips {
        let accounts = fip["accounts"].as_array().unwrap();
        assert!(!accounts.is_empty(), "{report}");
        let with_statement = accounts
            .iter()
            .find(|a| a["transactions"].as_u64().unwrap() > 0)
            .unwrap_or_else(|| panic!("no transactions from {}: {report}", fip["fipId"]));
        assert!(!with_statement["firstTxnId"].as_str().unwrap().is_empty());
        assert!(!with_statement["firstNarration"]
            .as_str()
            .unwrap()
            .is_empty());
    }
    // Two banks, two seed files: no account is at both.
    let masked = |fip: &Value| -> Vec<String> {
        fip["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["maskedAccNumber"].as_str().unwrap().to_owned())
            .collect()
    };
    let (first, second) = (masked(&fips[0]), masked(&fips[1]));
    assert!(
        first.iter().all(|m| !second.contains(m)),
        "FIP-1 and FIP-2 hold the same accounts: {report}"
    );
    assert_eq!(report["consentId"], fips[0]["consentId"]);
    assert!(report["consentHandle"].as_str().unwrap().len() == 36);

    // Each service kept its database and log in a folder named after it.
    for folder in [
        "aa-service",
        "fip-service-FIP-1",
        "fip-service-FIP-2",
        "fiu-service",
    ] {
        let log = dir.path().join(folder).join("service.log");
        assert!(log.is_file(), "{} is missing", log.display());
    }
    // And nothing it started is still running.
    assert_all_stopped(dir.path());
}

/// Starts `aa demo` with a fiu-service that never answers, waits until all four processes run,
/// sends `signal`, and checks that the demo fails and stops all of them.
fn interrupted_by(signal: &str) {
    let bins = bins_with_fake_fiu("exec sleep 600");
    let dir = tempfile::tempdir().unwrap();
    let mut demo = Command::new(env!("CARGO_BIN_EXE_aa"))
        .args(["demo", "--data-dir"])
        .arg(dir.path())
        .arg("--bin-dir")
        .arg(bins.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while processes_using(dir.path()).len() < 4 {
        assert!(Instant::now() < deadline, "the services did not start");
        assert!(demo.try_wait().unwrap().is_none(), "the demo ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(demo.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let output = demo.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_all_stopped(dir.path());
}

#[test]
fn ctrl_c_stops_every_service_the_demo_started() {
    interrupted_by("INT");
}

#[test]
fn sigterm_stops_every_service_the_demo_started() {
    interrupted_by("TERM");
}

#[test]
fn a_service_that_dies_fails_the_demo_at_once_with_its_log() {
    let bins = bins_with_fake_fiu("echo 'fake fiu-service: cannot open its database' >&2; exit 3");
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_aa"))
        .args(["demo", "--data-dir"])
        .arg(dir.path())
        .arg("--bin-dir")
        .arg(bins.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    // Not the 60 s a service that never answers gets.
    assert!(started.elapsed() < Duration::from_secs(45));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("fiu-service stopped unexpectedly"),
        "{stderr}"
    );
    assert!(stderr.contains("cannot open its database"), "{stderr}");
    assert_all_stopped(dir.path());
}

#[test]
fn the_demo_says_how_to_build_missing_services_and_leaves_nothing_running() {
    let aa = Path::new(env!("CARGO_BIN_EXE_aa"));
    let empty = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(aa)
        .args(["demo", "--data-dir"])
        .arg(dir.path())
        .arg("--bin-dir")
        .arg(empty.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty() || !String::from_utf8_lossy(&output.stdout).contains("Done"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cargo build --release"), "{stderr}");
    assert_eq!(processes_using(dir.path()), Vec::<String>::new());
}
