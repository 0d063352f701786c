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

    /// Runs `<service> migrate` on `data_dir`.
    pub fn migrate(&self, data_dir: &Path) -> Output {
        self.command(data_dir).arg("migrate").output().unwrap()
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
}
