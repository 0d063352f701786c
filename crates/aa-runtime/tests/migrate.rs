//! The store kit's migration lock: replicas that start together on one PostgreSQL database
//! all come up, and each migration is applied once.

#![allow(clippy::unwrap_used)]

use aa_runtime::settings::Secret;
use aa_runtime::store;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager};

/// Creates a table, then records that it ran: a migration applied twice leaves two rows.
struct CreateThings;

impl MigrationName for CreateThings {
    fn name(&self) -> &str {
        "m0001_things"
    }
}

#[async_trait]
impl MigrationTrait for CreateThings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), sea_orm::DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE TABLE things (id BIGINT PRIMARY KEY)")
            .await?;
        db.execute_unprepared("CREATE TABLE runs (name TEXT NOT NULL)")
            .await?;
        db.execute_unprepared("INSERT INTO runs (name) VALUES ('m0001_things')")
            .await?;
        Ok(())
    }
}

struct AddColour;

impl MigrationName for AddColour {
    fn name(&self) -> &str {
        "m0002_colour"
    }
}

#[async_trait]
impl MigrationTrait for AddColour {
    async fn up(&self, manager: &SchemaManager) -> Result<(), sea_orm::DbErr> {
        let db = manager.get_connection();
        // Slow on purpose: widens the window in which a second replica could start the same
        // migration if nothing kept it out.
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared("SELECT pg_sleep(0.2)").await?;
        }
        db.execute_unprepared("ALTER TABLE things ADD COLUMN colour TEXT")
            .await?;
        db.execute_unprepared("INSERT INTO runs (name) VALUES ('m0002_colour')")
            .await?;
        Ok(())
    }
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateThings), Box::new(AddColour)]
    }
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_starting_together_on_postgres_all_start_and_migrate_once() {
    let url = Secret::new(aa_testkit::fresh_postgres_database().await);
    let replicas: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let db = store::connect(&url, 2).await?;
                store::migrate::<Migrator>(&db).await?;
                Ok::<_, store::StoreError>(db)
            })
        })
        .collect();
    let mut connections = Vec::new();
    for replica in replicas {
        connections.push(replica.await.unwrap().unwrap());
    }
    let db = &connections[0];
    assert_eq!(count(db, "SELECT COUNT(*) FROM seaql_migrations").await, 2);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM runs WHERE name = 'm0001_things'").await,
        1
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM runs WHERE name = 'm0002_colour'").await,
        1
    );
}

#[tokio::test]
async fn migrating_an_up_to_date_sqlite_database_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = Secret::new(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("m.db").display()
    ));
    for _ in 0..2 {
        let db = store::connect(&url, 1).await.unwrap();
        store::migrate::<Migrator>(&db).await.unwrap();
    }
    let db = store::connect(&url, 1).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM seaql_migrations").await, 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM runs").await, 2);
}

/// The migrator of [`Migrator`] as it was before its first migration was renamed.
struct OldNames;

struct OldCreateThings;

impl MigrationName for OldCreateThings {
    fn name(&self) -> &str {
        "m20250101_000001_things"
    }
}

#[async_trait]
impl MigrationTrait for OldCreateThings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), sea_orm::DbErr> {
        CreateThings.up(manager).await
    }
}

impl MigratorTrait for OldNames {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(OldCreateThings)]
    }
}

async fn renamed_migrations_are_not_applied_again(url: Secret) {
    let db = store::connect(&url, 2).await.unwrap();
    store::migrate::<OldNames>(&db).await.unwrap();
    let renamed = [("m20250101_000001_things", "m0001_things")];
    store::migrate_renamed::<Migrator>(&db, &renamed)
        .await
        .unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM seaql_migrations").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM seaql_migrations WHERE version = 'm0001_things'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM runs WHERE name = 'm0001_things'").await,
        1,
        "the renamed migration ran once"
    );
}

#[tokio::test]
async fn a_renamed_migration_already_applied_on_sqlite_is_not_applied_again() {
    let dir = tempfile::tempdir().unwrap();
    let url = Secret::new(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("r.db").display()
    ));
    renamed_migrations_are_not_applied_again(url).await;
}

#[tokio::test]
async fn a_renamed_migration_already_applied_on_postgres_is_not_applied_again() {
    renamed_migrations_are_not_applied_again(Secret::new(
        aa_testkit::fresh_postgres_database().await,
    ))
    .await;
}
