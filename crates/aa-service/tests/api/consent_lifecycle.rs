//! The consent lifecycle: the customer pauses, resumes and revokes an artefact; the expiry
//! scheduler expires artefacts at `consentExpiry` and lets unanswered requests lapse. Each
//! change is checked for its status, its answer, notifications to the FIU and the FIP exactly
//! once, and for nothing changed where nothing should.

use std::time::Duration;

use aa_core::jws::compact;
use aa_core::rebit::{ConsentNotificationStatus, ConsentStatusNotification};
use aa_core::timefmt;
use aa_runtime::clock::Clock;
use aa_service::configuration::LifecycleSettings;
use aa_service::jobs::expiry::{self, Expiry};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::fi_support::{
    active_consent, assert_error, fetch_body, fi_request, fip_notification, fiu_key, Artefact,
};
use crate::helpers::{consent_request, eventually, now, txnid, Options, World, HANDLE};

const OTHER_HANDLE: &str = "8888888888@AA-1";

/// (all notifications on the runtime queue, those not yet delivered).
async fn outbox_counts(world: &World) -> (i64, i64) {
    let db = Database::connect(&world.database_url).await.unwrap();
    let count = |sql: &'static str| {
        let db = &db;
        async move {
            let row = db
                .query_one(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    let all = count("SELECT COUNT(*) AS n FROM runtime_queue WHERE kind = 'notification'").await;
    let pending = count(
        "SELECT COUNT(*) AS n FROM runtime_queue WHERE kind = 'notification' AND status = 'pending'",
    )
    .await;
    db.close().await.unwrap();
    (all, pending)
}

/// Waits until the outbox has delivered everything queued: what the fakes hold then is all
/// they will ever get for the changes made so far.
async fn outbox_drained(world: &World) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if outbox_counts(world).await.1 == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not drain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many notifications about `consent_id` with `status` are in `received`.
fn count(
    received: &[ConsentStatusNotification],
    consent_id: &str,
    status: ConsentNotificationStatus,
) -> usize {
    received
        .iter()
        .filter(|n| {
            let update = &n.consent_status_notification;
            update.consent_id.as_deref() == Some(consent_id) && update.consent_status == status
        })
        .count()
}

/// Asserts that the FIU and the artefact's FIP each got exactly one `status` notification about
/// `artefact`, from the AA, naming the consent and its handle.
async fn assert_notified_once(
    world: &World,
    artefact: &Artefact,
    status: ConsentNotificationStatus,
) {
    outbox_drained(world).await;
    let fip = if artefact.fip_id == "FIP-1" {
        &world.fip_1
    } else {
        &world.fip_2
    };
    for (who, received) in [("FIU-1", world.fiu_1.received()), ("FIP", fip.received())] {
        assert_eq!(
            count(&received, &artefact.consent_id, status),
            1,
            "{who} got {received:?}"
        );
        let notice = received
            .iter()
            .find(|n| {
                n.consent_status_notification.consent_id.as_deref() == Some(&artefact.consent_id)
            })
            .unwrap();
        assert_eq!(notice.notifier.id, "AA-1");
        assert!(notice.consent_status_notification.consent_handle.is_some());
    }
}

/// The artefact's status as its FIU reads it (`POST /Consent/fetch`).
async fn fetched_status(world: &World, consent_id: &str) -> String {
    let fetched = world
        .rebit_post(
            "FIU-1",
            "/Consent/fetch",
            &json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": consent_id }),
        )
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    fetched.body["status"].as_str().unwrap().to_owned()
}

/// The artefacts of the customer's consent list: consentId -> status.
async fn listed(world: &World, token: &str) -> Vec<(String, String)> {
    let (code, list) = world.get("/customer/consents", Some(token)).await;
    assert_eq!(code, 200, "{list}");
    let mut out = Vec::new();
    for item in list.as_array().unwrap() {
        for artefact in item["artefacts"].as_array().into_iter().flatten() {
            out.push((
                artefact["consentId"].as_str().unwrap().to_owned(),
                artefact["status"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

async fn customer_action(
    world: &World,
    token: &str,
    consent_id: &str,
    action: &str,
) -> (u16, Value) {
    world
        .post(
            &format!("/customer/consents/{consent_id}/{action}"),
            Some(token),
            json!({}),
        )
        .await
}

/// A consent request by FIU-1 for the customer whose `consentExpiry` is `expiry`: its handle.
async fn request_expiring(world: &World, expiry: OffsetDateTime) -> String {
    let mut body = consent_request("FIU-1", HANDLE, &txnid());
    body["ConsentDetail"]["consentExpiry"] = json!(timefmt::format_millis(expiry));
    let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["ConsentHandle"].as_str().unwrap().to_owned()
}

/// Approves `handle` with `links` and reads the artefacts back as FIU-1, by FIP id.
async fn approve(world: &World, token: &str, handle: &str, links: &[String]) -> Vec<Artefact> {
    let (code, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(token),
            json!({ "accounts": links }),
        )
        .await;
    assert_eq!(code, 200, "{approved}");
    let mut artefacts = Vec::new();
    for id in approved["consentIds"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        let fetched = world
            .rebit_post(
                "FIU-1",
                "/Consent/fetch",
                &json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": id }),
            )
            .await;
        let signed = fetched.body["signedConsent"].as_str().unwrap().to_owned();
        let payload = compact::verify(&signed, |kid| world.registry.by_kid(kid).map(|(_, k)| k))
            .unwrap()
            .payload;
        let detail: Value = serde_json::from_slice(&payload).unwrap();
        artefacts.push(Artefact {
            consent_id: id.to_owned(),
            fip_id: detail["DataProvider"]["id"].as_str().unwrap().to_owned(),
            signed_consent: signed,
        });
    }
    artefacts.sort_by(|a, b| a.fip_id.cmp(&b.fip_id));
    artefacts
}

fn handle_request(handle: &str) -> Value {
    json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "ConsentHandle": handle })
}

/// Asserts the FIU reads `handle` as FAILED in both the 2.0.0 and the 1.1.x form.
async fn assert_handle_failed(world: &World, handle: &str) {
    let status = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(handle))
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert_eq!(status.body["ConsentStatus"], json!({ "status": "FAILED" }));
    let old = world
        .rebit_get("FIU-1", &format!("/Consent/handle/{handle}"))
        .await;
    assert_eq!(old.status, 200, "{}", old.body);
    assert_eq!(old.body["ver"], "1.1.2");
    assert_eq!(old.body["ConsentStatus"], json!({ "status": "FAILED" }));
}

#[tokio::test]
async fn pausing_an_active_consent_makes_it_paused_and_tells_the_fiu_and_the_fip_once() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let paused = &artefacts[0];
    let (code, body) = customer_action(&world, &token, &paused.consent_id, "pause").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["consentId"], paused.consent_id.as_str());
    assert_eq!(body["status"], "PAUSED");
    assert_eq!(fetched_status(&world, &paused.consent_id).await, "PAUSED");
    assert_notified_once(&world, paused, ConsentNotificationStatus::Paused).await;
    // Only that artefact changed: the other is ACTIVE, and its FIP heard nothing.
    assert_eq!(
        fetched_status(&world, &artefacts[1].consent_id).await,
        "ACTIVE"
    );
    assert!(world.fip_2.received().is_empty());
    let statuses = listed(&world, &token).await;
    assert!(statuses.contains(&(paused.consent_id.clone(), "PAUSED".into())));
    assert!(statuses.contains(&(artefacts[1].consent_id.clone(), "ACTIVE".into())));
}

#[tokio::test]
async fn resuming_a_paused_consent_makes_it_active_and_tells_the_fiu_and_the_fip_once() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let artefact = &artefacts[1];
    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "pause").await;
    assert_eq!(code, 200);
    let (code, body) = customer_action(&world, &token, &artefact.consent_id, "resume").await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(fetched_status(&world, &artefact.consent_id).await, "ACTIVE");
    assert_notified_once(&world, artefact, ConsentNotificationStatus::Paused).await;
    // The FIP hears ACTIVE once (the resume); the FIU heard ACTIVE at approval and again now.
    assert_eq!(
        count(
            &world.fip_2.received(),
            &artefact.consent_id,
            ConsentNotificationStatus::Active
        ),
        1
    );
    assert_eq!(
        count(
            &world.fiu_1.received(),
            &artefact.consent_id,
            ConsentNotificationStatus::Active
        ),
        2
    );
}

#[tokio::test]
async fn revoking_an_active_or_a_paused_consent_makes_it_revoked_and_tells_the_fiu_and_the_fip_once(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let (active, paused) = (&artefacts[0], &artefacts[1]);
    let (code, _) = customer_action(&world, &token, &paused.consent_id, "pause").await;
    assert_eq!(code, 200);
    for artefact in [active, paused] {
        let (code, body) = customer_action(&world, &token, &artefact.consent_id, "revoke").await;
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["status"], "REVOKED");
        assert_eq!(
            fetched_status(&world, &artefact.consent_id).await,
            "REVOKED"
        );
        assert_notified_once(&world, artefact, ConsentNotificationStatus::Revoked).await;
    }
    let statuses = listed(&world, &token).await;
    assert!(
        statuses.iter().all(|(_, status)| status == "REVOKED"),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_transition_the_lifecycle_does_not_allow_is_409_and_changes_nothing() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let (active, revoked) = (&artefacts[0], &artefacts[1]);
    let (code, _) = customer_action(&world, &token, &revoked.consent_id, "revoke").await;
    assert_eq!(code, 200);
    outbox_drained(&world).await;
    let before = outbox_counts(&world).await;
    let refused = [
        (active, "resume", "ACTIVE"),
        (revoked, "pause", "REVOKED"),
        (revoked, "resume", "REVOKED"),
        (revoked, "revoke", "REVOKED"),
    ];
    for (artefact, action, status) in refused {
        let (code, body) = customer_action(&world, &token, &artefact.consent_id, action).await;
        assert_eq!(code, 409, "{action} on {status}: {body}");
        assert_eq!(body["error"], "conflict");
        assert!(body["message"].as_str().unwrap().contains(status), "{body}");
        assert_eq!(fetched_status(&world, &artefact.consent_id).await, status);
    }
    // Pausing twice: the second is refused.
    let (code, _) = customer_action(&world, &token, &active.consent_id, "pause").await;
    assert_eq!(code, 200);
    let (code, body) = customer_action(&world, &token, &active.consent_id, "pause").await;
    assert_eq!(code, 409, "{body}");
    outbox_drained(&world).await;
    // Only the one pause that was allowed queued anything: one message each to FIU and FIP.
    assert_eq!(outbox_counts(&world).await.0, before.0 + 2);
    assert_notified_once(&world, active, ConsentNotificationStatus::Paused).await;
}

#[tokio::test]
async fn another_customers_or_an_unknown_consent_is_404_and_changes_nothing() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    outbox_drained(&world).await;
    let before = outbox_counts(&world).await;
    let stranger = world.login(OTHER_HANDLE).await;
    for action in ["pause", "resume", "revoke"] {
        let (code, body) = customer_action(&world, &stranger, &artefact.consent_id, action).await;
        assert_eq!(code, 404, "{body}");
        assert_eq!(body["error"], "not_found");
    }
    let owner = world.login(HANDLE).await;
    let (code, body) =
        customer_action(&world, &owner, &uuid::Uuid::new_v4().to_string(), "pause").await;
    assert_eq!(code, 404, "{body}");
    let (code, _) = world
        .post(
            &format!("/customer/consents/{}/pause", artefact.consent_id),
            None,
            json!({}),
        )
        .await;
    assert_eq!(code, 401);
    assert_eq!(fetched_status(&world, &artefact.consent_id).await, "ACTIVE");
    assert_eq!(outbox_counts(&world).await, before);
}

#[tokio::test]
async fn a_paused_consent_refuses_data_requests_until_the_customer_resumes_it() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let artefact = &artefacts[0];
    let key = fiu_key();
    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "pause").await;
    assert_eq!(code, 200);
    let refused = world
        .fi_request("FIU-1", &fi_request(artefact, &key, &txnid()))
        .await;
    assert_error(&refused, 400, "InvalidConsentStatus");
    assert!(refused.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("PAUSED"));
    assert!(
        world.fip_1.fi_requests().is_empty(),
        "the FIP was not asked"
    );
    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "resume").await;
    assert_eq!(code, 200);
    let accepted = world
        .fi_request("FIU-1", &fi_request(artefact, &key, &txnid()))
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}

#[tokio::test]
async fn fetching_data_of_a_paused_or_revoked_consent_is_403_consent_paused_or_revoked() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let artefact = &artefacts[0];
    let opened = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.body["sessionId"].as_str().unwrap().to_owned();
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();
    let ready = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    assert_eq!(
        world
            .rebit_post("FIP-1", "/FI/Notification", &ready)
            .await
            .status,
        200
    );

    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "pause").await;
    assert_eq!(code, 200);
    let paused = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&paused, 403, "ConsentPaused");
    assert!(world.fip_1.fi_fetches().is_empty(), "the FIP was not asked");

    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "resume").await;
    assert_eq!(code, 200);
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);

    let (code, _) = customer_action(&world, &token, &artefact.consent_id, "revoke").await;
    assert_eq!(code, 200);
    let revoked = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&revoked, 403, "ConsentRevoked");
    let refused = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_error(&refused, 400, "InvalidConsentStatus");
    assert!(refused.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("REVOKED"));
    assert_eq!(world.fip_1.fi_fetches().len(), 1);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}

#[tokio::test]
async fn the_scheduler_expires_a_consent_at_its_consent_expiry_and_tells_the_fiu_and_the_fip_once()
{
    // A minute ahead of the system time (inside the envelope's window): the artefacts must
    // reach the FIPs before the test moves the clock past the expiry.
    let (clock, hand) = Clock::manual(OffsetDateTime::now_utc() + time::Duration::minutes(1));
    let world = World::with(Options {
        clock: Some(clock.clone()),
        ..Options::default()
    })
    .await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1", "FIP-2"]).await;
    let expires = OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let handle = request_expiring(&world, expires).await;
    let artefacts = approve(&world, &token, &handle, &links).await;
    let artefact = &artefacts[0];
    let (code, _) = customer_action(&world, &token, &artefacts[1].consent_id, "pause").await;
    assert_eq!(code, 200, "a PAUSED consent expires too");
    // The artefact reaches its FIP before the data is asked for.
    outbox_drained(&world).await;
    let opened = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.body["sessionId"].as_str().unwrap().to_owned();
    // Nothing expires before its time: the scheduler keeps sweeping at the clock's "now".
    outbox_drained(&world).await;
    assert_eq!(fetched_status(&world, &artefact.consent_id).await, "ACTIVE");
    hand.set(expires + time::Duration::seconds(1));

    for artefact in &artefacts {
        eventually("the EXPIRED notification at the FIU", || {
            let got = count(
                &world.fiu_1.received(),
                &artefact.consent_id,
                ConsentNotificationStatus::Expired,
            );
            (got > 0).then_some(())
        })
        .await;
        assert_notified_once(&world, artefact, ConsentNotificationStatus::Expired).await;
        assert_eq!(
            fetched_status(&world, &artefact.consent_id).await,
            "EXPIRED"
        );
    }
    assert!(clock.now() >= expires);
    let statuses = listed(&world, &token).await;
    assert!(statuses.iter().all(|(_, s)| s == "EXPIRED"), "{statuses:?}");

    let fetch = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&fetch, 403, "ConsentExpired");
    let refused = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_error(&refused, 400, "InvalidConsentStatus");
    assert!(refused.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("EXPIRED"));
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    // EXPIRED is final for the customer too.
    let (code, body) = customer_action(&world, &token, &artefact.consent_id, "resume").await;
    assert_eq!(code, 409, "{body}");
    // The handle stays READY: the request was approved; its artefacts expired.
    let status = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(status.body["ConsentStatus"]["status"], "READY");
}

/// Asserts FIU-1 got exactly one EXPIRED notification for `handle`, without a consent id.
async fn assert_lapse_notified_once(world: &World, handle: &str) {
    outbox_drained(world).await;
    let received = world.fiu_1.received();
    let lapsed: Vec<_> = received
        .iter()
        .filter(|n| n.consent_status_notification.consent_handle.as_deref() == Some(handle))
        .collect();
    assert_eq!(lapsed.len(), 1, "{received:?}");
    let update = &lapsed[0].consent_status_notification;
    assert_eq!(update.consent_status, ConsentNotificationStatus::Expired);
    assert_eq!(update.consent_id, None);
}

#[tokio::test]
async fn a_pending_request_past_its_consent_expiry_lapses_and_the_handle_shows_failed() {
    let (clock, hand) = Clock::manual(OffsetDateTime::now_utc());
    let world = World::with(Options {
        clock: Some(clock),
        ..Options::default()
    })
    .await;
    let token = world.login(HANDLE).await;
    let expires = OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let handle = request_expiring(&world, expires).await;
    hand.set(expires + time::Duration::seconds(1));
    eventually("the lapse of the request", || {
        (!world.fiu_1.received().is_empty()).then_some(())
    })
    .await;
    assert_lapse_notified_once(&world, &handle).await;
    assert_handle_failed(&world, &handle).await;
    let (code, list) = world
        .get("/customer/consents?status=EXPIRED", Some(&token))
        .await;
    assert_eq!(code, 200, "{list}");
    assert_eq!(list[0]["consentHandle"], handle.as_str());
    assert_eq!(list[0]["status"], "EXPIRED");
    let (code, body) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": ["x"] }),
        )
        .await;
    assert_eq!(code, 409, "{body}");
    assert!(world.fip_1.consents().is_empty());
}

#[tokio::test]
async fn a_pending_request_older_than_the_pending_lifetime_lapses_and_the_handle_shows_failed() {
    let (clock, hand) = Clock::manual(OffsetDateTime::now_utc());
    let world = World::with(Options {
        lifecycle: LifecycleSettings {
            sweep_millis: 100,
            pending_lifetime_seconds: 3_600,
        },
        clock: Some(clock),
        ..Options::default()
    })
    .await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let pending = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(pending.body["ConsentStatus"]["status"], "PENDING");
    hand.advance(time::Duration::seconds(3_601));
    eventually("the lapse of the request", || {
        (!world.fiu_1.received().is_empty()).then_some(())
    })
    .await;
    assert_lapse_notified_once(&world, &handle).await;
    // The AA checks envelope timestamps by its own clock too: back at the FIU's time, the FIU's
    // requests are inside the 15-minute window again.
    hand.set(OffsetDateTime::now_utc());
    assert_handle_failed(&world, &handle).await;
}

#[tokio::test]
async fn a_request_approved_or_rejected_in_time_never_lapses() {
    let world = World::with(Options {
        // The service's own scheduler sweeps at start-up only; the test runs the sweep.
        lifecycle: LifecycleSettings {
            sweep_millis: 3_600_000,
            pending_lifetime_seconds: 0,
        },
        ..Options::default()
    })
    .await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let rejected = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (code, _) = world
        .post(
            &format!("/customer/consents/{rejected}/reject"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(code, 200);
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let pending = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    // A day later, with a one-second pending lifetime: only the request still pending lapses.
    let store = world.store().await.unwrap();
    let settings = Expiry {
        aa_id: "AA-1".into(),
        every: Duration::from_secs(3_600),
        pending_lifetime: Some(Duration::from_secs(1)),
    };
    let tomorrow = OffsetDateTime::now_utc() + time::Duration::days(1);
    let swept = expiry::sweep(&store, &settings, tomorrow).await.unwrap();
    assert_eq!(
        swept,
        expiry::Swept {
            artefacts: 0,
            requests: 1,
            forwards: 0,
        }
    );
    for artefact in &artefacts {
        assert_eq!(fetched_status(&world, &artefact.consent_id).await, "ACTIVE");
    }
    let (_, list) = world.get("/customer/consents", Some(&token)).await;
    let statuses: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["consentHandle"].as_str().unwrap(),
                i["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(pending.as_str(), "EXPIRED")),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(rejected.as_str(), "REJECTED")),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|(_, s)| *s == "ACTIVE").count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn two_schedulers_on_one_postgresql_database_expire_each_consent_once() {
    let url = aa_testkit::fresh_postgres_database().await;
    let world = World::with(Options {
        database_url: Some(url),
        // The service's own scheduler sweeps at start-up only; the test runs the sweeps.
        lifecycle: LifecycleSettings {
            sweep_millis: 3_600_000,
            pending_lifetime_seconds: 0,
        },
        ..Options::default()
    })
    .await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1", "FIP-2"]).await;
    let expires = OffsetDateTime::now_utc() + time::Duration::seconds(5);
    let handle = request_expiring(&world, expires).await;
    let artefacts = approve(&world, &token, &handle, &links).await;
    let lapsing = request_expiring(&world, expires).await;
    let settings = Expiry {
        aa_id: "AA-1".into(),
        every: Duration::from_secs(3_600),
        pending_lifetime: None,
    };
    let (one, two) = (world.store().await.unwrap(), world.store().await.unwrap());
    let early = expiry::sweep(&one, &settings, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(early, expiry::Swept::default(), "nothing is due yet");
    let later = expires + time::Duration::milliseconds(10);
    let (a, b) = tokio::join!(
        expiry::sweep(&one, &settings, later),
        expiry::sweep(&two, &settings, later)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.artefacts + b.artefacts, 2, "{a:?} {b:?}");
    assert_eq!(a.requests + b.requests, 1, "{a:?} {b:?}");
    let again = expiry::sweep(&one, &settings, later).await.unwrap();
    assert_eq!(again, expiry::Swept::default());
    eventually("the EXPIRED notifications", || {
        let got = world
            .fiu_1
            .received()
            .iter()
            .filter(|n| {
                n.consent_status_notification.consent_status == ConsentNotificationStatus::Expired
            })
            .count();
        (got >= 3).then_some(())
    })
    .await;
    for artefact in &artefacts {
        assert_notified_once(&world, artefact, ConsentNotificationStatus::Expired).await;
    }
    assert_lapse_notified_once(&world, &lapsing).await;
    assert_handle_failed(&world, &lapsing).await;
}

#[tokio::test]
async fn a_consent_request_stored_before_the_lifecycle_migration_gets_its_expiry_filled_in() {
    backfill(Options::default()).await;
}

#[tokio::test]
async fn a_consent_request_stored_before_the_lifecycle_migration_gets_its_expiry_filled_in_on_postgresql(
) {
    backfill(Options {
        database_url: Some(aa_testkit::fresh_postgres_database().await),
        ..Options::default()
    })
    .await;
}

async fn backfill(options: Options) {
    let world = World::with(options).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    // Take the database back to before m0003, then let a start-up migrate it again.
    let db = Database::connect(&world.database_url).await.unwrap();
    for sql in [
        "DROP INDEX ix_consent_requests_status_expires",
        "ALTER TABLE consent_requests DROP COLUMN expires_at",
        "DELETE FROM seaql_migrations WHERE version = 'm0003_consent_lifecycle'",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    world.store().await.unwrap();
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT expires_at FROM consent_requests WHERE handle = '{handle}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    let expires_at: i64 = row.try_get("", "expires_at").unwrap();
    let expected = timefmt::parse("2099-01-01T00:00:00.000Z").unwrap();
    assert_eq!(
        i128::from(expires_at),
        expected.unix_timestamp_nanos() / 1_000_000
    );
}

#[tokio::test]
async fn a_counterparty_that_was_down_gets_the_notifications_in_the_order_of_the_changes() {
    let world = World::with(Options {
        fiu_1_down: true,
        ..Options::default()
    })
    .await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let artefact = &artefacts[0];
    for action in ["pause", "resume", "revoke"] {
        let (code, body) = customer_action(&world, &token, &artefact.consent_id, action).await;
        assert_eq!(code, 200, "{action}: {body}");
    }
    eventually("failed deliveries to FIU-1", || {
        (world
            .fiu_1_dropped
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 3)
            .then_some(())
    })
    .await;
    world.start_fiu_1().await;
    outbox_drained(&world).await;
    let heard: Vec<ConsentNotificationStatus> = world
        .fiu_1
        .received()
        .iter()
        .map(|n| &n.consent_status_notification)
        .filter(|n| n.consent_id.as_deref() == Some(artefact.consent_id.as_str()))
        .map(|n| n.consent_status)
        .collect();
    assert_eq!(
        heard,
        [
            ConsentNotificationStatus::Active,
            ConsentNotificationStatus::Paused,
            ConsentNotificationStatus::Active,
            ConsentNotificationStatus::Revoked,
        ]
    );
}
