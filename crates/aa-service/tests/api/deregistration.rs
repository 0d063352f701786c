//! Customer deregistration at the AA (`POST /customer/deregister`): every link delinked at its
//! FIP (queued, retried), every open consent revoked and every pending request rejected with
//! their notifications, and afterwards the customer's sessions, handle, consent handles, consent
//! ids and FI sessions unknown, answering as ones that never existed. A failure writes nothing
//! and the call can be made again. On SQLite and PostgreSQL.

use std::sync::atomic::Ordering;

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatusNotification, FiStatus};
use aa_service::domain::fi_session::SessionState;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend};
use serde_json::{json, Value};

use crate::fi_support::Artefact;
use crate::fi_support::{active_consent, backdated_session, fetch_body, fi_request, fiu_key};
use crate::helpers::{now, txnid, Options, World, HANDLE};

/// What the customer has before deregistering: links at both FIPs, FIU-1's consent (FIP-1's
/// artefact ACTIVE with an FI session, FIP-2's PAUSED), FIU-2's request still PENDING, a
/// session token, and an OTP asked for but not used.
struct Customer {
    token: String,
    links: Vec<String>,
    artefacts: Vec<Artefact>,
    approved_handle: String,
    pending_handle: String,
    fi_session: String,
    unused_otp: (String, String),
}

async fn customer_with_everything(world: &World) -> Customer {
    let artefacts = active_consent(world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    let links: Vec<String> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["linkRefNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 2, "{accounts}");
    let (_, list) = world.get("/customer/consents", Some(&token)).await;
    let approved_handle = list[0]["consentHandle"].as_str().unwrap().to_owned();
    let (status, paused) = world
        .post(
            &format!("/customer/consents/{}/pause", artefacts[1].consent_id),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{paused}");
    let pending = world.request_consent("FIU-2", HANDLE, &txnid()).await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    let pending_handle = pending.body["ConsentHandle"].as_str().unwrap().to_owned();
    let fi_session = backdated_session(
        world,
        &artefacts[0],
        SessionState::Active,
        FiStatus::Ready,
        time::Duration::minutes(1),
    )
    .await;
    let unused_otp = world.otp(HANDLE).await;
    settled(world).await;
    Customer {
        token,
        links,
        artefacts,
        approved_handle,
        pending_handle,
        fi_session,
        unused_otp,
    }
}

/// Waits until the AA's queue has nothing pending: what the fakes hold then is all they get.
async fn settled(world: &World) {
    let store = world.store().await.unwrap();
    aa_testkit::eventually_async("the AA's queue settled", || async {
        (store.queue().count("pending").await.unwrap() == 0).then_some(())
    })
    .await;
}

async fn deregister(world: &World, token: &str) -> (u16, Value) {
    world
        .post("/customer/deregister", Some(token), json!({}))
        .await
}

/// How many notifications in `received` say `status` about `consent_handle` (and `consent_id`).
fn told(
    received: &[ConsentStatusNotification],
    consent_handle: &str,
    consent_id: Option<&str>,
    status: ConsentNotificationStatus,
) -> usize {
    received
        .iter()
        .filter(|n| {
            let update = &n.consent_status_notification;
            update.consent_handle.as_deref() == Some(consent_handle)
                && update.consent_id.as_deref() == consent_id
                && update.consent_status == status
                && n.notifier.id == "AA-1"
        })
        .count()
}

/// `(status, errorCode)` of a ReBIT answer.
fn code(answer: &aa_testkit::Answer) -> (u16, Value) {
    (answer.status, answer.body["errorCode"].clone())
}

/// Everything the deregistration must have done, checked once the queue settled.
async fn assert_deregistered(world: &World, before: &Customer) {
    settled(world).await;
    // Each link ended at its FIP, once, for this customer.
    for (fip, link) in [
        (&world.fip_1, &before.links[0]),
        (&world.fip_2, &before.links[1]),
    ] {
        let delinks = fip.log.lock().unwrap().delinks.clone();
        assert_eq!(delinks.len(), 1, "{} got {delinks:?}", fip.id);
        assert_eq!(delinks[0].account.customer_address, HANDLE);
        assert_eq!(&delinks[0].account.link_ref_number, link);
    }
    // Both artefacts (ACTIVE and PAUSED) revoked: the FIU and each FIP told once.
    let fiu_1 = world.fiu_1.received();
    for (artefact, fip) in before.artefacts.iter().zip([&world.fip_1, &world.fip_2]) {
        let id = Some(artefact.consent_id.as_str());
        let revoked = ConsentNotificationStatus::Revoked;
        assert_eq!(
            told(&fiu_1, &before.approved_handle, id, revoked),
            1,
            "{fiu_1:?}"
        );
        let at_fip = fip.received();
        assert_eq!(
            told(&at_fip, &before.approved_handle, id, revoked),
            1,
            "{at_fip:?}"
        );
    }
    // The pending request rejected: FIU-2 told REJECTED with the handle, once.
    let fiu_2 = world.fiu_2.received();
    let rejected = ConsentNotificationStatus::Rejected;
    assert_eq!(
        told(&fiu_2, &before.pending_handle, None, rejected),
        1,
        "{fiu_2:?}"
    );
}

/// Afterwards nothing of the customer is known: each lookup answers as for an id that never
/// existed, the sessions and the unused OTP no longer log in, and a new log-in starts afresh.
async fn assert_forgotten(world: &World, before: &Customer) {
    let (status, body) = world.get("/customer/accounts", Some(&before.token)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let (otp_ref, otp) = &before.unused_otp;
    let (status, body) = world
        .post(
            "/customer/session",
            None,
            json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp }),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_otp")));

    let fetch =
        |id: &str| json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": id });
    let handle = |h: &str| json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "ConsentHandle": h });
    let never = uuid::Uuid::new_v4().to_string();
    let unknown_id = world
        .rebit_post("FIU-1", "/Consent/fetch", &fetch(&never))
        .await;
    assert_eq!(code(&unknown_id), (400, json!("InvalidConsentId")));
    let unknown_handle = world
        .rebit_post("FIU-1", "/Consent/handle", &handle(&never))
        .await;
    assert_eq!(code(&unknown_handle).0, 400, "{}", unknown_handle.body);
    for artefact in &before.artefacts {
        for caller in ["FIU-1", artefact.fip_id.as_str()] {
            let answer = world
                .rebit_post(caller, "/Consent/fetch", &fetch(&artefact.consent_id))
                .await;
            assert_eq!(
                code(&answer),
                code(&unknown_id),
                "{caller}: {}",
                answer.body
            );
        }
        let request = fi_request(artefact, &fiu_key(), &txnid());
        let answer = world.rebit_post("FIU-1", "/FI/request", &request).await;
        assert_eq!(
            code(&answer),
            (400, json!("InvalidConsentId")),
            "{}",
            answer.body
        );
    }
    for (fiu, h) in [
        ("FIU-1", &before.approved_handle),
        ("FIU-2", &before.pending_handle),
    ] {
        let answer = world.rebit_post(fiu, "/Consent/handle", &handle(h)).await;
        assert_eq!(code(&answer), code(&unknown_handle), "{}", answer.body);
    }
    let unknown_session = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&never))
        .await;
    let answer = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&before.fi_session))
        .await;
    assert_eq!(code(&answer), code(&unknown_session), "{}", answer.body);
    assert_eq!(code(&answer).1, "InvalidSessionId");

    // The handle is as new: a consent request for it waits as for one never registered, and
    // the next log-in registers a customer with no accounts and only that request.
    let fresh = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    let token = world.login(HANDLE).await;
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));
    let (_, list) = world.get("/customer/consents", Some(&token)).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["consentHandle"], fresh.body["ConsentHandle"]);
}

/// The whole rule: deregister, everything ended and told, then forgotten.
async fn deregistration_ends_and_forgets_everything(world: &World) {
    let before = customer_with_everything(world).await;
    let (status, body) = deregister(world, &before.token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "handle": HANDLE, "status": "DEREGISTERED" }));
    assert_deregistered(world, &before).await;
    assert_forgotten(world, &before).await;
}

#[tokio::test]
async fn deregistering_delinks_every_account_revokes_every_consent_rejects_pending_requests_and_forgets_the_customer(
) {
    deregistration_ends_and_forgets_everything(&World::start().await).await;
}

#[tokio::test]
async fn deregistering_delinks_revokes_rejects_and_forgets_on_postgresql() {
    let world = World::with(Options {
        database_url: Some(aa_testkit::fresh_postgres_database().await),
        ..Options::default()
    })
    .await;
    deregistration_ends_and_forgets_everything(&world).await;
}

#[tokio::test]
async fn deregistering_twice_at_once_answers_the_same_and_ends_everything_once() {
    let world = World::start().await;
    let before = customer_with_everything(&world).await;
    let (first, second) = tokio::join!(
        deregister(&world, &before.token),
        deregister(&world, &before.token)
    );
    // Both calls passed the session check; the second may find the customer gone already
    // (same answer) or come after the first committed (session ended: 401).
    assert_eq!(first.0, 200, "{}", first.1);
    match second.0 {
        200 => assert_eq!(second.1, first.1),
        401 => assert_eq!(second.1["error"], "unauthorized"),
        other => panic!("second call answered {other}: {}", second.1),
    }
    assert_deregistered(&world, &before).await;
    // A repeat afterwards: the session ended with the customer; nothing more is sent.
    let (status, body) = deregister(&world, &before.token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_deregistered(&world, &before).await;
}

#[tokio::test]
async fn a_delink_an_fip_fails_is_retried_until_it_confirms_and_one_it_refuses_is_dead_lettered() {
    let world = World::start().await;
    let before = customer_with_everything(&world).await;
    world.fip_1.fail_delinks.store(3, Ordering::SeqCst);
    world.fip_2.refuse_delink.store(true, Ordering::SeqCst);
    let (status, body) = deregister(&world, &before.token).await;
    assert_eq!(status, 200, "{body}");
    settled(&world).await;
    let fip_1 = world.fip_1.log.lock().unwrap().delinks.clone();
    assert_eq!(fip_1.len(), 4, "three 500s, then DELINKED: {fip_1:?}");
    assert!(fip_1
        .iter()
        .all(|d| d.account.link_ref_number == before.links[0]));
    assert_eq!(world.fip_1.fail_delinks.load(Ordering::SeqCst), 0);
    let store = world.store().await.unwrap();
    let dead = store.queue().dead().await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].kind, "fip_delink");
    assert_eq!(dead[0].key.as_deref(), Some("FIP-2"));
    assert_eq!(
        world.fip_2.log.lock().unwrap().delinks.len(),
        1,
        "a refusal is final"
    );
}

/// A trigger that makes deleting the customer's OTPs fail: the last step of the deregistration
/// transaction, after every other row of theirs was deleted in it.
async fn break_otp_deletes(world: &World, broken: bool) {
    let db = Database::connect(&world.database_url).await.unwrap();
    let statements: &[&str] = match (db.get_database_backend(), broken) {
        (DatabaseBackend::Postgres, true) => &[
            "CREATE FUNCTION refuse_delete() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_otp_delete BEFORE DELETE ON otps FOR EACH ROW EXECUTE FUNCTION refuse_delete()",
        ],
        (DatabaseBackend::Postgres, false) => &["DROP TRIGGER refuse_otp_delete ON otps"],
        (_, true) => &["CREATE TRIGGER refuse_otp_delete BEFORE DELETE ON otps BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
        (_, false) => &["DROP TRIGGER refuse_otp_delete"],
    };
    for sql in statements {
        db.execute_unprepared(sql).await.unwrap();
    }
    db.close().await.unwrap();
}

async fn a_failed_deregistration_changes_nothing_and_can_be_retried(world: &World) {
    let before = customer_with_everything(world).await;
    let (_, consents_before) = world.get("/customer/consents", Some(&before.token)).await;
    break_otp_deletes(world, true).await;
    let (status, body) = deregister(world, &before.token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (500, Some("internal_error")),
        "{body}"
    );
    // Nothing changed: the session works, the accounts are linked, the consents and requests
    // as they were, nothing queued or sent.
    let (status, accounts) = world.get("/customer/accounts", Some(&before.token)).await;
    assert_eq!(status, 200);
    assert_eq!(accounts.as_array().unwrap().len(), 2, "{accounts}");
    let (_, consents) = world.get("/customer/consents", Some(&before.token)).await;
    assert_eq!(consents, consents_before);
    let store = world.store().await.unwrap();
    assert_eq!(store.queue().count("pending").await.unwrap(), 0);
    assert!(world.fip_1.log.lock().unwrap().delinks.is_empty());
    assert!(world.fip_2.log.lock().unwrap().delinks.is_empty());
    let revoked = ConsentNotificationStatus::Revoked;
    let fiu_1 = world.fiu_1.received();
    assert_eq!(
        told(
            &fiu_1,
            &before.approved_handle,
            Some(&before.artefacts[0].consent_id),
            revoked
        ),
        0
    );
    let fiu_2 = world.fiu_2.received();
    let rejected = ConsentNotificationStatus::Rejected;
    assert_eq!(told(&fiu_2, &before.pending_handle, None, rejected), 0);

    // Once the database takes it, the same call with the same session does it all.
    break_otp_deletes(world, false).await;
    let (status, body) = deregister(world, &before.token).await;
    assert_eq!(status, 200, "{body}");
    assert_deregistered(world, &before).await;
    assert_forgotten(world, &before).await;
}

#[tokio::test]
async fn a_deregistration_that_fails_midway_writes_nothing_and_succeeds_when_retried() {
    a_failed_deregistration_changes_nothing_and_can_be_retried(&World::start().await).await;
}

#[tokio::test]
async fn a_deregistration_that_fails_midway_writes_nothing_and_succeeds_when_retried_on_postgresql()
{
    let world = World::with(Options {
        database_url: Some(aa_testkit::fresh_postgres_database().await),
        ..Options::default()
    })
    .await;
    a_failed_deregistration_changes_nothing_and_can_be_retried(&world).await;
}
