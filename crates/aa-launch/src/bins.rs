//! Where the service binaries are, and a clear error naming the cargo command when they are not.

use std::path::{Path, PathBuf};

/// The service binaries the ecosystem runs.
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

/// Where the service binaries are: `given`, else `AA_BIN_DIR`, else next to the running
/// executable.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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
