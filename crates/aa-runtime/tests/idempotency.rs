//! The idempotency mechanism against real databases (SQLite and PostgreSQL): the effect and the
//! saved answer commit together or not at all, a duplicate in flight is 503, a repeat is replayed
//! byte for byte, another body is 409.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::rebit::ErrorCode;
use aa_core::registry::Role;
use aa_runtime::idempotency::{migration, Endpoint, Idempotency, Incoming, NextAction};
use actix_web::body::MessageBody;
use actix_web::HttpResponse;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(migration::Migration {
            name: "m0001_idempotency_keys",
            replaces: &["old_idempotency"],
        })]
    }
}

const KEY: &[u8] = b"a pepper of sixteen bytes or more";

async fn sqlite() -> (DatabaseConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db.sqlite").display()
    );
    (prepared(&url).await, dir)
}

async fn postgres() -> DatabaseConnection {
    prepared(&aa_testkit::fresh_postgres_database().await).await
}

async fn prepared(url: &str) -> DatabaseConnection {
    let db = Database::connect(url).await.unwrap();
    db.execute_unprepared("CREATE TABLE old_idempotency (id INTEGER)")
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.execute_unprepared("CREATE TABLE effects (note VARCHAR(64) NOT NULL)")
        .await
        .unwrap();
    db
}

fn incoming<'a>(txnid: &'a str, body: &'a [u8]) -> Incoming<'a> {
    Incoming {
        caller: "FIP-1",
        role: Role::Fip,
        endpoint: Endpoint::AccountLinkNotification,
        txnid,
        body,
        subject: "",
    }
}

async fn effects(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM effects",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn bytes(response: HttpResponse) -> Vec<u8> {
    response.into_body().try_into_bytes().unwrap().to_vec()
}

/// The whole contract on one database.
async fn the_contract_holds(db: &DatabaseConnection) {
    // The old table is gone with the migration.
    let old = db
        .execute_unprepared("SELECT COUNT(*) FROM old_idempotency")
        .await;
    assert!(old.is_err(), "old_idempotency survived the migration");
    let keys = Idempotency::new(db, KEY);
    let txnid = uuid::Uuid::new_v4().to_string();
    let body = br#"{"ver":"2.0.0","timestamp":"2025-01-01T00:00:00.000Z","txnid":"t","x":1}"#;

    // A failure after the work but before the commit leaves neither the effect nor an answer.
    let NextAction::StartProcessing(mut claim) =
        keys.try_processing(&incoming(&txnid, body)).await.unwrap()
    else {
        panic!("a new key is processed");
    };
    // While the first is in flight, a duplicate is 503 (asked before the work writes: on
    // SQLite a writer waits for the work's write lock, and then finds the answer).
    let Err(busy) = keys.try_processing(&incoming(&txnid, body)).await else {
        panic!("a duplicate in flight is refused");
    };
    assert_eq!(busy.code, ErrorCode::ServiceUnavailable);
    claim
        .transaction()
        .await
        .unwrap()
        .execute_unprepared("INSERT INTO effects (note) VALUES ('first')")
        .await
        .unwrap();
    claim.release().await.unwrap();
    assert_eq!(effects(db).await, 0, "a released claim kept its effect");
    assert_eq!(keys.matches(&incoming(&txnid, body)).await.unwrap(), None);

    // Done again: the effect and the answer commit together.
    let NextAction::StartProcessing(mut claim) =
        keys.try_processing(&incoming(&txnid, body)).await.unwrap()
    else {
        panic!("a released key is processed afresh");
    };
    claim
        .transaction()
        .await
        .unwrap()
        .execute_unprepared("INSERT INTO effects (note) VALUES ('second')")
        .await
        .unwrap();
    let answer = serde_json::json!({"response": "OK", "n": 1});
    let sent = bytes(claim.save_response(&answer).await.unwrap()).await;
    assert_eq!(effects(db).await, 1);

    // A re-stamped repeat gets the first answer byte for byte, and no second effect.
    let restamped = br#"{"x":1,"txnid":"t","ver":"2.0.0","timestamp":"2025-01-01T00:05:00.000Z"}"#;
    let NextAction::ReturnSavedResponse(replay) = keys
        .try_processing(&incoming(&txnid, restamped))
        .await
        .unwrap()
    else {
        panic!("a repeat is replayed");
    };
    assert_eq!(bytes(replay).await, sent);
    assert_eq!(effects(db).await, 1);

    // Another body under the txnid is 409.
    let other = br#"{"ver":"2.0.0","txnid":"t","x":2}"#;
    let Err(conflict) = keys.try_processing(&incoming(&txnid, other)).await else {
        panic!("another body is refused");
    };
    assert_eq!(conflict.code, ErrorCode::IdempotencyError);
}

/// A claim dropped without an answer (its request died mid-work): the work is rolled back and
/// the key stays claimed, so a repeat is 503 until the claim is stale.
async fn a_dead_request_leaves_no_effect(db: &DatabaseConnection) {
    let keys = Idempotency::new(db, KEY);
    let txnid = uuid::Uuid::new_v4().to_string();
    let body = br#"{"x":3}"#;
    let NextAction::StartProcessing(mut claim) =
        keys.try_processing(&incoming(&txnid, body)).await.unwrap()
    else {
        panic!("a new key is processed");
    };
    claim
        .transaction()
        .await
        .unwrap()
        .execute_unprepared("INSERT INTO effects (note) VALUES ('dead')")
        .await
        .unwrap();
    drop(claim);
    assert_eq!(effects(db).await, 1, "only the earlier committed effect");
    let Err(busy) = keys.try_processing(&incoming(&txnid, body)).await else {
        panic!("a fresh unanswered claim is in flight");
    };
    assert_eq!(busy.code, ErrorCode::ServiceUnavailable);
}

#[tokio::test]
async fn on_sqlite_the_effect_and_the_answer_commit_together_and_repeats_are_replayed_503_or_409() {
    let (db, _dir) = sqlite().await;
    the_contract_holds(&db).await;
    a_dead_request_leaves_no_effect(&db).await;
}

#[tokio::test]
async fn on_postgres_the_effect_and_the_answer_commit_together_and_repeats_are_replayed_503_or_409()
{
    let db = postgres().await;
    the_contract_holds(&db).await;
    a_dead_request_leaves_no_effect(&db).await;
}
