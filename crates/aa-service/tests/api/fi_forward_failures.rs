//! A forward of an FI request to the FIP that cannot finish never leaves its session
//! `REQUESTED` in silence: on the job's last attempt (`queue.max_attempts`) it gives up, and a
//! forward whose job died anyway is failed by the expiry sweep after
//! `FORWARD_ABANDONED_MILLIS`. Either way the session is FAILED, its accounts TIMEOUT, and the
//! FIU told FAILED once by `FI/Notification`; nothing reaches the FIP.

use aa_core::rebit::{FiStatus, FiStatusNotification, SessionStatus};
use aa_runtime::queue::NewJob;
use aa_service::domain::fi_session::{SessionState, FORWARD_ABANDONED_MILLIS};
use aa_service::flows::fi_forward::NOT_FORWARDED;
use aa_service::jobs::expiry::{self, Expiry};
use aa_service::persistence::records::{FiAccountRecord, FiSessionRecord};
use time::OffsetDateTime;

use crate::fi_support::{
    active_consent, approved_consent, assert_error, fetch_body, fi_request, fiu_key,
};
use crate::helpers::{eventually, txnid, Options, World};

/// The FIU-1 notifications about `session_id`.
fn told(world: &World, session_id: &str) -> Vec<FiStatusNotification> {
    world
        .fiu_1
        .fi_received()
        .into_iter()
        .filter(|n| n.fi_status_notification.session_id == session_id)
        .collect()
}

/// Asserts the session FAILED with its one account TIMEOUT for `reason`, the FIU told so once.
async fn failed_and_told_once(world: &World, session_id: &str, reason: &str) {
    let notice = eventually("the FIU's FAILED notification", || {
        told(world, session_id).into_iter().next()
    })
    .await;
    let update = &notice.fi_status_notification;
    assert_eq!(update.session_status, SessionStatus::Failed);
    let account = &update.fi_status_response[0].accounts[0];
    assert_eq!(account.fi_status, FiStatus::Timeout);
    assert_eq!(account.description, reason);
    let store = world.store().await.unwrap();
    let session = store.fi_session(session_id).await.unwrap().unwrap();
    assert_eq!(session.status, SessionState::Failed);
    assert_eq!(
        store.fi_accounts(session_id).await.unwrap()[0].fi_status,
        FiStatus::Timeout
    );
    // Whatever the AA queued for FIU-1 delivered: the notification above was the only one.
    aa_testkit::eventually_async("the AA's deliveries to FIU-1", || async {
        let jobs = store.queue().jobs(aa_runtime::outbox::KIND).await.unwrap();
        jobs.iter()
            .filter(|j| j.key.as_deref() == Some("FIU-1"))
            .all(|j| j.status != "pending")
            .then_some(())
    })
    .await;
    assert_eq!(told(world, session_id).len(), 1, "told once");
}

#[tokio::test]
async fn a_forward_failing_on_its_last_attempt_fails_the_session_and_notifies_the_fiu_once() {
    let world = World::with(Options {
        queue_max_attempts: 3,
        ..Options::default()
    })
    .await;
    // FIP-1's queue is stuck behind a job no worker runs: the artefact stays on its way, so
    // every attempt of the forward is retried, up to the last.
    let store = world.store().await.unwrap();
    store
        .queue()
        .enqueue(NewJob {
            kind: "stuck".into(),
            key: Some("FIP-1".into()),
            payload: "{}".into(),
        })
        .await
        .unwrap();
    let artefacts = approved_consent(&world, "FIU-1", |_| {}).await;
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(&artefacts[0], &fiu_key(), &txnid()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap();

    assert_eq!(world.forwarded(session_id).await, SessionState::Failed);
    failed_and_told_once(&world, session_id, NOT_FORWARDED).await;
    let jobs = store.queue().jobs("fi_forward").await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].status.as_str(), jobs[0].attempts), ("done", 3));
    assert!(world.fip_1.fi_requests().is_empty(), "nothing forwarded");
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(session_id))
        .await;
    assert_error(&fetched, 404, "NoDataFound");
    let used = store
        .artefact(&artefacts[0].consent_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.use_count, 0, "a failed session is not a use");
}

/// Writes, behind the AA's back, a session of FIU-1 on `consent_id` at FIP-1 in `state`,
/// opened `age_ms` ago, with no forward job: as a forward whose job died leaves it.
async fn session_without_job(
    world: &World,
    consent_id: &str,
    state: SessionState,
    age_ms: i64,
) -> String {
    let store = world.store().await.unwrap();
    let opened = aa_runtime::clock::millis(OffsetDateTime::now_utc()) - age_ms;
    let session = FiSessionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        consent_id: consent_id.to_owned(),
        fiu_id: "FIU-1".into(),
        fip_id: "FIP-1".into(),
        fiu_txnid: txnid(),
        fip_session_id: (state != SessionState::Requested).then(txnid),
        status: state,
        data_from: "2023-03-01T00:00:00.000Z".into(),
        data_to: "2023-09-01T00:00:00.000Z".into(),
        created_at: opened,
        updated_at: opened,
    };
    let account = FiAccountRecord {
        link_ref_number: "FIP-1-LINK-FIP-1-ACC-1".into(),
        masked_acc_number: "XXXXXXXX5".into(),
        fi_status: FiStatus::Pending,
        description: None,
    };
    store.insert_fi_session(&session, &[account]).await.unwrap();
    session.id
}

#[tokio::test]
async fn a_forward_whose_job_died_is_failed_by_the_sweep_and_the_fiu_notified_once() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let consent_id = &artefacts[0].consent_id;
    let old = FORWARD_ABANDONED_MILLIS + 60_000;
    let dead = session_without_job(&world, consent_id, SessionState::Requested, old).await;
    // Still within its window, and one the FIP accepted long ago: neither is touched.
    let young = session_without_job(&world, consent_id, SessionState::Requested, 30_000).await;
    let active = session_without_job(&world, consent_id, SessionState::Active, old).await;

    // The service's own sweep (every 100 ms here) finds the dead one.
    failed_and_told_once(&world, &dead, NOT_FORWARDED).await;
    let store = world.store().await.unwrap();
    for (id, state) in [
        (&young, SessionState::Requested),
        (&active, SessionState::Active),
    ] {
        assert_eq!(store.fi_session(id).await.unwrap().unwrap().status, state);
        assert!(told(&world, id).is_empty());
    }
    // Sweeping again finds nothing more to fail.
    let settings = Expiry {
        aa_id: "AA-1".into(),
        every: std::time::Duration::from_secs(3_600),
        pending_lifetime: None,
    };
    let swept = expiry::sweep(&store, &settings, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(swept.forwards, 0);
    assert_eq!(told(&world, &dead).len(), 1);
    assert!(world.fip_1.fi_requests().is_empty(), "nothing forwarded");
}
