//! A consent whose last linked account is delinked, by the customer at the AA or by the FIP
//! (its `Account/link/Notification` DELINKED), becomes REVOKED, and its FIU and FIP are told
//! once, as after a customer's revoke; consents that keep an account (here: those at another
//! FIP) and consents already ended are left as they were. On SQLite and PostgreSQL.

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatusNotification};
use serde_json::{json, Value};

use crate::fi_support::active_consent;
use crate::helpers::{link_notification, now, txnid, Options, World, HANDLE};

async fn settled(world: &World) {
    let store = world.store().await.unwrap();
    aa_testkit::eventually_async("the AA's queue settled", || async {
        (store.queue().count("pending").await.unwrap() == 0).then_some(())
    })
    .await;
}

/// How many `status` notifications about `consent_id` are in `received`.
fn told(
    received: &[ConsentStatusNotification],
    consent_id: &str,
    status: ConsentNotificationStatus,
) -> usize {
    received
        .iter()
        .filter(|n| {
            let update = &n.consent_status_notification;
            update.consent_id.as_deref() == Some(consent_id)
                && update.consent_status == status
                && n.notifier.id == "AA-1"
        })
        .count()
}

/// The artefact's status as `fiu` reads it (`POST /Consent/fetch`).
async fn status_of(world: &World, fiu: &str, consent_id: &str) -> String {
    let body =
        json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": consent_id });
    let fetched = world.rebit_post(fiu, "/Consent/fetch", &body).await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    fetched.body["status"].as_str().unwrap().to_owned()
}

/// The customer's linked account at `fip`.
async fn link_at(world: &World, token: &str, fip: &str) -> String {
    let (_, accounts) = world.get("/customer/accounts", Some(token)).await;
    accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["fipId"] == fip)
        .unwrap()["linkRefNumber"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn delink(world: &World, token: &str, fip: &str, link: &str) -> (u16, Value) {
    world
        .post(
            "/customer/accounts/delink",
            Some(token),
            json!({ "fipId": fip, "linkRefNumber": link }),
        )
        .await
}

/// FIU-1's consent over both FIPs' accounts (one artefact per FIP) and FIU-2's over FIP-1's
/// account only, delivered everywhere.
struct Consents {
    fiu_1: Vec<crate::fi_support::Artefact>,
    token: String,
    fip_1_link: String,
    fiu_2_consent: String,
}

async fn consents_at_both_fips(world: &World) -> Consents {
    let fiu_1 = active_consent(world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let fip_1_link = link_at(world, &token, "FIP-1").await;
    let ids = world
        .consent_approved("FIU-2", &token, std::slice::from_ref(&fip_1_link))
        .await;
    settled(world).await;
    Consents {
        fiu_1,
        token,
        fip_1_link,
        fiu_2_consent: ids[0].clone(),
    }
}

/// Both FIP-1 artefacts (FIU-1's and FIU-2's) REVOKED, their FIU and FIP-1 told once each;
/// FIP-2's artefact ACTIVE and untold.
async fn fip_1_artefacts_revoked_and_told_once(
    world: &World,
    fiu_1: &[crate::fi_support::Artefact],
    fiu_2_consent: &str,
) {
    let (fip_1_consent, fip_2_consent) = (&fiu_1[0].consent_id, &fiu_1[1].consent_id);
    assert_eq!(status_of(world, "FIU-1", fip_1_consent).await, "REVOKED");
    assert_eq!(status_of(world, "FIU-2", fiu_2_consent).await, "REVOKED");
    assert_eq!(status_of(world, "FIU-1", fip_2_consent).await, "ACTIVE");
    let revoked = ConsentNotificationStatus::Revoked;
    for (received, id, times) in [
        (world.fiu_1.received(), fip_1_consent.as_str(), 1),
        (world.fip_1.received(), fip_1_consent, 1),
        (world.fiu_2.received(), fiu_2_consent, 1),
        (world.fip_1.received(), fiu_2_consent, 1),
        (world.fiu_1.received(), fip_2_consent, 0),
        (world.fip_2.received(), fip_2_consent, 0),
    ] {
        assert_eq!(told(&received, id, revoked), times, "{id}: {received:?}");
    }
}

/// [`consents_at_both_fips`]; delinking FIP-1's
/// account revokes both FIP-1 artefacts, tells each FIU and FIP-1 once, and leaves FIP-2's
/// artefact ACTIVE and untold. Delinking again changes and sends nothing.
async fn the_last_delinked_account_revokes_its_consents(world: &World) {
    let Consents {
        fiu_1,
        token,
        fip_1_link,
        fiu_2_consent,
    } = consents_at_both_fips(world).await;

    let (status, body) = delink(world, &token, "FIP-1", &fip_1_link).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "fipId": "FIP-1", "linkRefNumber": fip_1_link, "status": "DELINKED" })
    );
    settled(world).await;
    let revoked = ConsentNotificationStatus::Revoked;
    let (fip_1_consent, fip_2_consent) = (&fiu_1[0].consent_id, &fiu_1[1].consent_id);
    fip_1_artefacts_revoked_and_told_once(world, &fiu_1, &fiu_2_consent).await;
    let check = |received: Vec<ConsentStatusNotification>, id: &str, times: usize| {
        assert_eq!(told(&received, id, revoked), times, "{id}: {received:?}");
    };
    // The customer's list shows it.
    let (_, list) = world.get("/customer/consents", Some(&token)).await;
    let statuses: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| item["artefacts"].as_array().cloned().unwrap_or_default())
        .map(|a| {
            (
                a["consentId"].as_str().unwrap().to_owned(),
                a["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(fip_1_consent.clone(), "REVOKED".into())),
        "{list}"
    );
    assert!(
        statuses.contains(&(fip_2_consent.clone(), "ACTIVE".into())),
        "{list}"
    );

    // Again: the same answer, nothing asked or sent.
    let (status, again) = delink(world, &token, "FIP-1", &fip_1_link).await;
    assert_eq!((status, &again), (200, &body));
    settled(world).await;
    check(world.fiu_1.received(), fip_1_consent, 1);
    check(world.fiu_2.received(), &fiu_2_consent, 1);
}

#[tokio::test]
async fn delinking_the_last_account_of_a_consent_revokes_it_and_tells_the_fiu_and_the_fip_once() {
    the_last_delinked_account_revokes_its_consents(&World::start().await).await;
}

#[tokio::test]
async fn delinking_the_last_account_of_a_consent_revokes_it_on_postgresql() {
    let world = World::with(Options {
        database_url: Some(aa_testkit::fresh_postgres_database().await),
        ..Options::default()
    })
    .await;
    the_last_delinked_account_revokes_its_consents(&world).await;
}

#[tokio::test]
async fn a_paused_consent_whose_last_account_is_delinked_becomes_revoked_and_an_ended_one_is_not_told_again(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let (fip_1_consent, fip_2_consent) = (&artefacts[0].consent_id, &artefacts[1].consent_id);
    for (consent_id, action) in [(fip_2_consent, "pause"), (fip_1_consent, "revoke")] {
        let (status, body) = world
            .post(
                &format!("/customer/consents/{consent_id}/{action}"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    settled(&world).await;
    for fip in ["FIP-1", "FIP-2"] {
        let link = link_at(&world, &token, fip).await;
        let (status, body) = delink(&world, &token, fip, &link).await;
        assert_eq!(status, 200, "{body}");
    }
    settled(&world).await;
    let revoked = ConsentNotificationStatus::Revoked;
    // The paused one: REVOKED now, told once.
    assert_eq!(status_of(&world, "FIU-1", fip_2_consent).await, "REVOKED");
    assert_eq!(told(&world.fiu_1.received(), fip_2_consent, revoked), 1);
    assert_eq!(told(&world.fip_2.received(), fip_2_consent, revoked), 1);
    // The one the customer revoked before: still REVOKED, told once (by the customer's revoke).
    assert_eq!(status_of(&world, "FIU-1", fip_1_consent).await, "REVOKED");
    assert_eq!(told(&world.fiu_1.received(), fip_1_consent, revoked), 1);
    assert_eq!(told(&world.fip_1.received(), fip_1_consent, revoked), 1);
}

fn fip_delinked(fip: &str, acc_ref: &str, link_ref: &str) -> Value {
    link_notification(fip, HANDLE, acc_ref, link_ref, "DELINKED")
}

/// The same consents as above; this time FIP-1 ends the link itself and tells the AA. A
/// notification about an unknown link, another account or from another FIP is refused and
/// changes nothing; FIP-1's own revokes both FIP-1 artefacts (FIU-1, FIU-2 and FIP-1 told
/// once), leaves FIP-2's ACTIVE and untold, and asks no FIP to delink; a repeat sends nothing.
async fn an_fips_delink_revokes_the_consents_it_leaves_with_no_account(world: &World) {
    let Consents {
        fiu_1,
        token,
        fip_1_link,
        fiu_2_consent,
    } = consents_at_both_fips(world).await;
    let (fip_1_consent, fip_2_consent) = (&fiu_1[0].consent_id, &fiu_1[1].consent_id);
    let revoked = ConsentNotificationStatus::Revoked;
    let untouched = |world: &World| {
        for (received, id) in [
            (world.fiu_1.received(), fip_1_consent),
            (world.fip_1.received(), fip_1_consent),
            (world.fiu_2.received(), &fiu_2_consent),
            (world.fiu_1.received(), fip_2_consent),
            (world.fip_2.received(), fip_2_consent),
        ] {
            assert_eq!(told(&received, id, revoked), 0, "{id}: {received:?}");
        }
    };

    for (as_fip, body) in [
        (
            "FIP-1",
            fip_delinked("FIP-1", "FIP-1-ACC-1", "FIP-1-LINK-NOPE"),
        ),
        ("FIP-1", fip_delinked("FIP-1", "FIP-1-ACC-9", &fip_1_link)),
        ("FIP-2", fip_delinked("FIP-2", "FIP-1-ACC-1", &fip_1_link)),
    ] {
        let answer = world
            .rebit_post(as_fip, "/Account/link/Notification", &body)
            .await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert_eq!(answer.body["errorCode"], "InvalidRequest");
    }
    settled(world).await;
    untouched(world);
    assert_eq!(status_of(world, "FIU-1", fip_1_consent).await, "ACTIVE");
    assert_eq!(link_at(world, &token, "FIP-1").await, fip_1_link);

    let delinked = fip_delinked("FIP-1", "FIP-1-ACC-1", &fip_1_link);
    let answer = world
        .rebit_post("FIP-1", "/Account/link/Notification", &delinked)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["response"], "OK");
    settled(world).await;
    fip_1_artefacts_revoked_and_told_once(world, &fiu_1, &fiu_2_consent).await;
    let check = |received: Vec<ConsentStatusNotification>, id: &str, times: usize| {
        assert_eq!(told(&received, id, revoked), times, "{id}: {received:?}");
    };
    assert!(
        world.fip_1.log.lock().unwrap().delinks.is_empty(),
        "the FIP ended the link; the AA asks it nothing"
    );
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert!(
        accounts
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["fipId"] != "FIP-1"),
        "{accounts}"
    );

    // The same again (the same txnid, or a new one): acknowledged, nothing more sent.
    let replay = world
        .rebit_post("FIP-1", "/Account/link/Notification", &delinked)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    let again = fip_delinked("FIP-1", "FIP-1-ACC-1", &fip_1_link);
    let answer = world
        .rebit_post("FIP-1", "/Account/link/Notification", &again)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    settled(world).await;
    check(world.fiu_1.received(), fip_1_consent, 1);
    check(world.fiu_2.received(), &fiu_2_consent, 1);
    check(world.fip_1.received(), fip_1_consent, 1);
}

#[tokio::test]
async fn an_fips_delinked_notification_revokes_consents_left_with_no_linked_account_and_tells_their_fiu_and_fip_once(
) {
    an_fips_delink_revokes_the_consents_it_leaves_with_no_account(&World::start().await).await;
}

#[tokio::test]
async fn an_fips_delinked_notification_revokes_consents_left_with_no_linked_account_on_postgresql()
{
    let world = World::with(Options {
        database_url: Some(aa_testkit::fresh_postgres_database().await),
        ..Options::default()
    })
    .await;
    an_fips_delink_revokes_the_consents_it_leaves_with_no_account(&world).await;
}
