//! FI preparation as a job of the runtime queue: a preparation that fails on every attempt
//! still ends its session (`FAILED`, the AA told), and sessions pending when a database is
//! upgraded from the FIP's own claim loop are queued by the migration.

use aa_runtime::settings::Secret;
use fip_service::persistence::fi_sessions::{prepare_job, NewFiSession, PREPARE_KIND};
use fip_service::persistence::migration::Migrator;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::MigratorTrait;

use crate::fi::{notified, setup, FROM, TO};
use crate::helpers::{txnid, Db, Options, TestApp};

#[actix_web::test]
async fn a_preparation_failing_every_attempt_fails_its_session_and_the_aa_is_told() {
    let app = TestApp::spawn_with(Options {
        queue_max_attempts: Some(3),
        ..Options::default()
    })
    .await;
    let (consent_id, _, _) = setup(&app).await;
    // A KeyMaterial nothing can encrypt for: every attempt fails.
    let session_id = uuid::Uuid::new_v4().to_string();
    app.store
        .create_fi_session(NewFiSession {
            session_id: session_id.clone(),
            consent_id,
            aa_id: "AA-1".into(),
            txnid: txnid(),
            range_from: FROM.into(),
            range_to: TO.into(),
            from_ms: 1_577_836_800_000,
            to_ms: 1_893_456_000_000,
            key_material: "{}".into(),
        })
        .await
        .unwrap();
    app.store
        .queue()
        .enqueue(prepare_job(&session_id))
        .await
        .unwrap();

    let notification = notified(&app, &session_id).await;
    let update = &notification["FIStatusNotification"];
    assert_eq!(update["sessionStatus"], "FAILED");
    let accounts = &update["FIStatusResponse"][0]["Accounts"];
    assert!(!accounts.as_array().unwrap().is_empty(), "{notification}");
    for account in accounts.as_array().unwrap() {
        assert_eq!(account["FIStatus"], "DENIED");
        assert_eq!(account["description"], "the data could not be prepared");
    }
    let session = app.store.fi_session(&session_id).await.unwrap().unwrap();
    assert_eq!(session.status, "FAILED");
    let jobs = app.store.queue().jobs(PREPARE_KIND).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].status.as_str(), jobs[0].attempts), ("done", 3));
}

#[actix_web::test]
async fn sessions_pending_at_the_upgrade_are_queued_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("fip.db").display());
    upgrade(url).await;
}

#[actix_web::test]
async fn sessions_pending_at_the_upgrade_are_queued_on_postgres() {
    upgrade(Db::Postgres.url().await.unwrap()).await;
}

/// Migrates to just before FI preparation moved to the queue, stores a pending and a prepared
/// session the old way, and migrates on: only the pending one is queued, with its attempts.
async fn upgrade(url: String) {
    let db = aa_runtime::store::connect(&Secret::new(url), 1)
        .await
        .unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m0006_fi_prepare_queue")
        .unwrap();
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();
    for (id, status, attempts) in [("pending-1", "PENDING", 2), ("ready-1", "READY", 1)] {
        db.execute_unprepared(&format!(
            "INSERT INTO fi_sessions (session_id, consent_id, aa_id, txnid, status, range_from, \
             range_to, from_ms, to_ms, key_material, attempts, due_at_ms, lease_until_ms, \
             last_error, created_at_ms, updated_at_ms) VALUES ('{id}', 'c-1', 'AA-1', 't-1', \
             '{status}', '{FROM}', '{TO}', 0, 1, '{{}}', {attempts}, 5, NULL, 'boom', 1, 1)"
        ))
        .await
        .unwrap();
    }
    Migrator::up(&db, None).await.unwrap();

    let jobs = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT payload, status, attempts, due_at_ms FROM runtime_queue \
                 WHERE kind = '{PREPARE_KIND}'"
            ),
        ))
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    let payload: String = jobs[0].try_get("", "payload").unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload, serde_json::json!({"session_id": "pending-1"}));
    assert_eq!(jobs[0].try_get::<String>("", "status").unwrap(), "pending");
    assert_eq!(jobs[0].try_get::<i32>("", "attempts").unwrap(), 2);
    assert_eq!(jobs[0].try_get::<i64>("", "due_at_ms").unwrap(), 5);
    // The claim columns are gone.
    assert!(db
        .execute_unprepared("SELECT lease_until_ms FROM fi_sessions")
        .await
        .is_err());
}
