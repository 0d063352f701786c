//! A service binary under test: its command line on a throwaway data directory (SQLite), and
//! the checks of `<service> migrate` and of start-up refusals that every role shares.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aa_runtime::settings::Secret;
use sea_orm::{ConnectionTrait, Statement};

/// One role's binary, as its `tests/migrate.rs` names it.
#[derive(Debug, Clone)]
pub struct ServiceBinary {
    /// `env!("CARGO_BIN_EXE_<service>")`.
    pub exe: &'static str,
    /// The environment prefix: `AA`, `FIP`, `FIU`.
    pub prefix: &'static str,
    /// The service's name: its SQLite file is `<name>.db` in the data directory.
    pub name: &'static str,
    /// `Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration")`.
    pub config_dir: PathBuf,
    /// The table sea-orm-migration records applied migrations in.
    pub migrations_table: &'static str,
}

impl ServiceBinary {
    /// The binary in the local environment, its database in `data_dir`, no database URL.
    pub fn command(&self, data_dir: &Path) -> Command {
        let p = self.prefix;
        let mut command = Command::new(self.exe);
        command
            .env(format!("{p}_CONFIG_DIR"), &self.config_dir)
            .env(format!("{p}_ENVIRONMENT"), "local")
            .env(format!("{p}__DATA_DIR"), data_dir)
            .env_remove(format!("{p}__DATABASE__URL"))
            .env_remove(format!("{p}_DATABASE__URL"));
        command
    }

    /// Runs `command` as `<service> serve` on any free port until it logs that it is
    /// listening (its start-up passed: `Ok` with what it logged; it is then stopped), or until
    /// it exits (`Err` with its output: start-up refused).
    pub fn serve_until_listening(&self, mut command: Command) -> Result<String, Output> {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .arg("serve")
            .env(format!("{}__SERVER__PORT", self.prefix), "0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut logged = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            logged.push_str(&line);
            logged.push('\n');
            if line.contains("listening") {
                child.kill().unwrap();
                child.wait().unwrap();
                return Ok(logged);
            }
        }
        let mut output = child.wait_with_output().unwrap();
        output.stdout = logged.into_bytes();
        Err(output)
    }

    /// A copy of the configuration directory with `extra` (YAML) appended to `<file>`.
    pub fn config_dir_with(&self, file: &str, extra: &str) -> tempfile::TempDir {
        let copy = tempfile::tempdir().unwrap();
        copy_tree(&self.config_dir, copy.path());
        let path = copy.path().join(file);
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, format!("{shipped}\n{extra}\n")).unwrap();
        copy
    }

    /// The binary on `data_dir` (and on `database`, a URL, when given) as the ecosystem's
    /// `entity`, its `local.yaml` given the master key ring `ring` (`fi.master_keys`: (id,
    /// base64 key), newest first). The directory returned holds that configuration: keep it
    /// while the command runs.
    pub fn with_master_keys(
        &self,
        eco: &crate::Ecosystem,
        entity: &str,
        data_dir: &Path,
        database: Option<&str>,
        ring: &[(&str, &str)],
    ) -> (Command, tempfile::TempDir) {
        let entries: Vec<String> = ring
            .iter()
            .map(|(id, key)| format!("    - {{ id: {id}, key: \"{key}\" }}"))
            .collect();
        let yaml = format!("fi:\n  master_keys:\n{}", entries.join("\n"));
        let config = self.config_dir_with("local.yaml", &yaml);
        let mut command = self.command(data_dir);
        command
            .env(format!("{}_CONFIG_DIR", self.prefix), config.path())
            .envs(
                eco.identity_vars(entity)
                    .into_iter()
                    .map(|(k, v)| (format!("{}__{k}", self.prefix), v)),
            );
        if let Some(url) = database {
            command.env(format!("{}__DATABASE__URL", self.prefix), url);
        }
        (command, config)
    }

    /// Runs `<service> rewrap` with `command`; what it printed (it must succeed).
    pub fn rewrap(&self, mut command: Command) -> String {
        let out = command.arg("rewrap").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `<service> migrate` on `data_dir`.
    pub fn migrate(&self, data_dir: &Path) -> Output {
        self.command(data_dir).arg("migrate").output().unwrap()
    }

    /// The database at `database`, else the SQLite database of `data_dir`.
    pub fn store_url(&self, data_dir: &Path, database: Option<&str>) -> Secret {
        database.map_or_else(|| self.database_url(data_dir), Secret::new)
    }

    /// The SQLite database of `data_dir`.
    pub fn database_url(&self, data_dir: &Path) -> Secret {
        let file = data_dir.join(format!("{}.db", self.name));
        Secret::new(format!("sqlite://{}?mode=rw", file.display()))
    }

    /// The migrations recorded as applied in `data_dir`'s database, in version order. Read
    /// through the store kit (WAL): the schema may still be in the write-ahead log.
    pub async fn applied_migrations(&self, data_dir: &Path) -> Vec<String> {
        let db = aa_runtime::store::connect(&self.database_url(data_dir), 1)
            .await
            .unwrap();
        let sql = format!(
            "SELECT version FROM {} ORDER BY version",
            self.migrations_table
        );
        let rows = db
            .query_all(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.iter()
            .map(|row| row.try_get::<String>("", "version").unwrap())
            .collect()
    }

    /// `migrate` twice on a fresh directory: both succeed and each of `expected` (the
    /// service's migrator, in any order) is recorded once, nothing else.
    pub async fn check_migrate_applies_every_migration_once(&self, mut expected: Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            let out = self.migrate(dir.path());
            assert!(out.status.success(), "{out:?}");
        }
        expected.sort();
        assert_eq!(self.applied_migrations(dir.path()).await, expected);
    }

    /// A command it does not know, and an environment it does not know, each exit 2 naming
    /// the word, before a database is created.
    pub fn check_unknown_command_or_environment_exits_2(&self) {
        let dir = tempfile::tempdir().unwrap();
        let out = self.command(dir.path()).arg("migrat").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command \"migrat\""));
        let out = self
            .command(dir.path())
            .arg("migrate")
            .env(format!("{}_ENVIRONMENT", self.prefix), "prod")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let said = format!("{}_ENVIRONMENT is \"prod\"", self.prefix);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&said),
            "{out:?}"
        );
        assert!(!dir.path().join(format!("{}.db", self.name)).exists());
    }

    /// `config check` passes on the shipped local configuration and prints no secret of it;
    /// a settings typo, in a variable or a file, is refused naming the key and where it is.
    pub fn check_config_check_and_typos(&self, local_secrets: &[&str]) {
        let p = self.prefix;
        let dir = tempfile::tempdir().unwrap();
        let out = self
            .command(dir.path())
            .args(["config", "check"])
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{out:?}");
        assert!(printed.contains("is valid"), "{printed}");
        for secret in local_secrets {
            assert!(!printed.contains(secret), "config check printed a secret");
        }
        let out = self
            .command(dir.path())
            .args(["config", "check"])
            .env(format!("{p}__SERVER__PROT"), "9")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let said = format!("unknown setting \"server.prot\" (in {p}__SERVER__PROT)");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&said),
            "{out:?}"
        );

        let config = tempfile::tempdir().unwrap();
        for file in ["base.yaml", "local.yaml"] {
            let shipped = std::fs::read_to_string(self.config_dir.join(file)).unwrap();
            let shipped = shipped.replacen("server:\n", "server:\n  prot: 9\n", 1);
            std::fs::write(config.path().join(file), shipped).unwrap();
        }
        copy_tree(&self.config_dir, config.path());
        let out = self
            .command(dir.path())
            .args(["config", "check", "--config-dir"])
            .arg(config.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let base = config.path().join("base.yaml");
        let said = format!("unknown setting \"server.prot\" (in {})", base.display());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&said),
            "{out:?}"
        );
    }

    /// In production: no database URL is refused naming the setting, as one JSON line on
    /// stderr. `production` are the variables that get the role past its other production
    /// rules (secrets it needs), so the database is what is missing.
    pub fn check_production_needs_a_database_url(&self, production: &[(&str, &str)]) {
        let p = self.prefix;
        let dir = tempfile::tempdir().unwrap();
        let out = self
            .command(dir.path())
            .arg("migrate")
            .env(format!("{p}_ENVIRONMENT"), "production")
            .envs(production.iter().map(|(k, v)| (format!("{p}__{k}"), *v)))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line: serde_json::Value = serde_json::from_str(stderr.trim())
            .unwrap_or_else(|e| panic!("not one JSON line ({e}): {stderr}"));
        let error = line["error"].as_str().unwrap();
        assert!(error.contains(&format!("{p}__DATABASE__URL")), "{error}");
        assert!(!dir.path().join(format!("{}.db", self.name)).exists());
    }

    /// A database URL whose server is not there fails at once (exit 1), the log naming host,
    /// port and cause, and never the password.
    pub fn check_a_bad_database_url_leaks_no_password(&self) {
        let p = self.prefix;
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("postgres://app:hunter2hunter2@127.0.0.1:{port}/db");
        let started = std::time::Instant::now();
        let out = self
            .command(dir.path())
            .arg("migrate")
            .env(format!("{p}__DATABASE__URL"), &url)
            .output()
            .unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !log.contains("hunter2"),
            "the password reached the log: {log}"
        );
        let said = format!("postgres://app:***@127.0.0.1:{port}/db");
        assert!(log.contains(&said), "{log}");
        assert!(log.to_lowercase().contains("refused"), "{log}");
    }
}

/// Two master keys (base64 of 32 bytes) and a wrong one, for key ring tests.
pub mod master_keys {
    pub const M1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    pub const M2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";
    pub const WRONG: &str = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=";
}

/// `fi.master_keys` of (id, base64 key) pairs, newest first, inline.
pub fn master_key_ring(ring: &[(&str, &str)]) -> Vec<aa_runtime::settings::MasterKey> {
    ring.iter()
        .map(|(id, key)| aa_runtime::settings::MasterKey {
            id: (*id).into(),
            key: Some(Secret::new(*key)),
            file: None,
        })
        .collect()
}

/// Everything a run wrote, stdout then stderr.
pub fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Copies the files of `from` that `to` does not have yet (keys, registries, seeds), so a
/// changed copy of a configuration directory still resolves its relative paths.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if !target.exists() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
