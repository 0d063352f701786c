//! Delinking at the AA: the customer API asks the FIP, the account leaves the customer's list,
//! and data requests leave it out (a consent with no linked account left is revoked, and
//! refused).

use std::sync::atomic::Ordering;

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::rebit::FiStatus;
use aa_service::domain::fi_session::SessionState;
use aa_service::persistence::records::{FiAccountRecord, FiSessionRecord};
use serde_json::json;

use crate::fi_support::{active_consent, assert_error, contains, fetch_body, fi_request, fiu_key};
use crate::helpers::{link_notification, txnid, World, HANDLE};
use aa_testkit::fakes::FipSession;

#[tokio::test]
async fn delinking_an_account_asks_the_fip_then_removes_it_from_the_customers_accounts() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1"]).await;
    let delink = json!({ "fipId": "FIP-1", "linkRefNumber": links[0] });

    let (status, _) = world
        .post("/customer/accounts/delink", None, delink.clone())
        .await;
    assert_eq!(status, 401);
    let (status, body) = world
        .post(
            "/customer/accounts/delink",
            Some(&token),
            json!({ "fipId": "FIP-1", "linkRefNumber": "NOPE" }),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    assert!(world.fip_1.log.lock().unwrap().delinks.is_empty());

    // The FIP refuses: its code comes back and the account stays linked.
    world.fip_1.refuse_delink.store(true, Ordering::SeqCst);
    let (status, body) = world
        .post("/customer/accounts/delink", Some(&token), delink.clone())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("InvalidLinkRefNumber"))
    );
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts[0]["linkRefNumber"], links[0].as_str());
    world.fip_1.refuse_delink.store(false, Ordering::SeqCst);

    let (status, body) = world
        .post("/customer/accounts/delink", Some(&token), delink.clone())
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "fipId": "FIP-1", "linkRefNumber": links[0], "status": "DELINKED" })
    );
    {
        let log = world.fip_1.log.lock().unwrap();
        assert_eq!(log.delinks.len(), 2, "the refused attempt and this one");
        assert_eq!(log.delinks[1].account.customer_address, HANDLE);
        assert_eq!(log.delinks[1].account.link_ref_number, links[0]);
    }
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));

    // Again: the same answer, the FIP is not asked twice.
    let (status, again) = world
        .post("/customer/accounts/delink", Some(&token), delink)
        .await;
    assert_eq!((status, &again), (200, &body));
    assert_eq!(world.fip_1.log.lock().unwrap().delinks.len(), 2);
}

#[tokio::test]
async fn a_data_request_on_a_consent_whose_accounts_its_fips_delinked_is_400_invalid_consent_status(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let token = world.login(HANDLE).await;
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    let link_of = |fip: &str| {
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["fipId"] == fip)
            .unwrap()["linkRefNumber"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (fip_1_link, fip_2_link) = (link_of("FIP-1"), link_of("FIP-2"));

    // Both accounts delinked at their FIPs, which tell the AA: each consent, left with no
    // linked account, is REVOKED (`revoke_on_delink`), so a data request on it is refused.
    for (fip, link) in [("FIP-1", &fip_1_link), ("FIP-2", &fip_2_link)] {
        let acc_ref = format!("{fip}-ACC-1");
        let notification = link_notification(fip, HANDLE, &acc_ref, link, "DELINKED");
        let answer = world
            .rebit_post(fip, "/Account/link/Notification", &notification)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    let store = world.store().await.unwrap();
    for artefact in &artefacts {
        let request_txnid = txnid();
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &request_txnid))
            .await;
        assert_error(&answer, 400, "InvalidConsentStatus");
        assert_eq!(answer.body["txnid"], request_txnid.as_str());
        assert!(store
            .fi_session_by_txnid("FIU-1", &request_txnid)
            .await
            .unwrap()
            .is_none());
    }
    assert!(world.fip_1.fi_requests().is_empty(), "nothing forwarded");
    assert!(world.fip_2.fi_requests().is_empty(), "nothing forwarded");
}

#[tokio::test]
async fn data_the_fip_returns_for_a_denied_or_delinked_account_does_not_reach_the_fiu() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    // A session over two accounts at FIP-1, the second DENIED (as a delinked account starts);
    // the FIP still holds data for both.
    let fip_session_id = txnid();
    let fip_key = key_material::generate(
        Curve::X25519,
        time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    )
    .unwrap();
    world.fip_1.fi_sessions.lock().unwrap().insert(
        fip_session_id.clone(),
        FipSession {
            consent_id: artefact.consent_id.clone(),
            accounts: vec![
                (
                    "L-1".into(),
                    "XX1".into(),
                    "plain-1".into(),
                    "CIPHER-KEPT".into(),
                ),
                (
                    "L-2".into(),
                    "XX2".into(),
                    "plain-2".into(),
                    "CIPHER-DROPPED".into(),
                ),
            ],
            key_material: fip_key.key_material,
        },
    );
    let now = aa_runtime::clock::millis(time::OffsetDateTime::now_utc());
    let session = FiSessionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        consent_id: artefact.consent_id.clone(),
        fiu_id: "FIU-1".into(),
        fip_id: "FIP-1".into(),
        fiu_txnid: txnid(),
        fip_session_id: Some(fip_session_id),
        status: SessionState::Active,
        data_from: "2023-03-01T00:00:00.000Z".into(),
        data_to: "2023-09-01T00:00:00.000Z".into(),
        created_at: now,
        updated_at: now,
    };
    let account = |link: &str, fi_status| FiAccountRecord {
        link_ref_number: link.into(),
        masked_acc_number: "XX".into(),
        fi_status,
        description: None,
    };
    let store = world.store().await.unwrap();
    store
        .insert_fi_session(
            &session,
            &[
                account("L-1", FiStatus::Ready),
                account("L-2", FiStatus::Denied),
            ],
        )
        .await
        .unwrap();

    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session.id))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    let data = fetched.body["FI"][0]["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{}", fetched.body);
    assert_eq!(data[0]["linkRefNumber"], "L-1");
    assert!(!contains(&fetched.raw, "CIPHER-DROPPED"));
    let mut only_denied = fetch_body(&session.id);
    only_denied["linkRefNumber"] = json!([{ "id": "L-2" }]);
    let refused = world.rebit_post("FIU-1", "/FI/fetch", &only_denied).await;
    assert_error(&refused, 404, "NoDataFound");
}
