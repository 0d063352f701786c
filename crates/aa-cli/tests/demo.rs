//! `aa demo --json` end to end: the real service binaries (found next to `aa` in the cargo
//! target directory, or in `AA_BIN_DIR`) are started, walked and stopped. The test fails, never
//! skips, when they have not been built (`cargo build --workspace --bins`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

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
    let bins = std::env::var_os("AA_BIN_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| aa.parent().unwrap().to_path_buf());
    for service in ["aa-service", "fip-service", "fiu-service"] {
        assert!(
            bins.join(service).is_file(),
            "{service} is not built in {}: cargo build --workspace --bins",
            bins.display()
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(aa)
        .args(["demo", "--json", "--data-dir"])
        .arg(dir.path())
        .arg("--bin-dir")
        .arg(&bins)
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
    assert_eq!(processes_using(dir.path()), Vec::<String>::new());
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
