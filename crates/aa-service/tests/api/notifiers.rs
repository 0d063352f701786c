//! Notifiers at the AA: a notification whose `Notifier` is not the caller, or names a type
//! other than the caller's role, is 400 `InvalidNotifier` on every notification endpoint, and
//! changes nothing.

use serde_json::{json, Value};

use crate::fi_support::{active_consent, assert_error, fi_request, fip_notification, fiu_key};
use crate::helpers::{now, txnid, World, HANDLE};

#[tokio::test]
async fn a_notifier_that_is_not_the_caller_or_not_of_its_role_is_400_invalid_notifier() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let opened = world
        .fi_request("FIU-1", &fi_request(&artefacts[0], &fiu_key(), &txnid()))
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();
    let token = world.login(HANDLE).await;
    let (_, accounts_before) = world.get("/customer/accounts", Some(&token)).await;

    let with_notifier = |mut body: Value, kind: &str, id: &str| {
        body["Notifier"] = json!({ "type": kind, "id": id });
        body
    };
    let fi = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let link_note = json!({
        "ver": "2.0.0", "timestamp": now(), "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": "FIP-1" },
        "AccountLinkStatusNotification": {
            "accRefNumber": "FIP-1-ACC-1", "customerAddress": HANDLE, "linkRefNumber": link,
            "linkStatus": "DELINKED"
        }
    });
    let consent_note = json!({
        "ver": "2.0.0", "timestamp": now(), "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": "FIP-1" },
        "ConsentStatusNotification": {
            "consentId": artefacts[0].consent_id, "consentStatus": "ACTIVE"
        }
    });
    for (path, body) in [
        ("/FI/Notification", fi),
        ("/Account/link/Notification", link_note),
        ("/Consent/Notification", consent_note),
    ] {
        for (kind, id, why) in [
            ("FIP", "FIP-2", "another FIP's id"),
            ("AA", "FIP-1", "the caller's id with the AA type"),
            ("FIU", "FIP-1", "the caller's id with the FIU type"),
        ] {
            let bad = with_notifier(body.clone(), kind, id);
            let answer = world.rebit_post("FIP-1", path, &bad).await;
            assert_error(&answer, 400, "InvalidNotifier");
            assert_eq!(answer.body["txnid"], bad["txnid"], "{path}: {why}");
        }
    }
    // Nothing changed: the FIU heard nothing, the account is still linked.
    assert!(world.fiu_1.fi_received().is_empty());
    let (_, accounts_after) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts_after, accounts_before);
}
