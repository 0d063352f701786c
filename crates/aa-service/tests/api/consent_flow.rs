//! The consent flow: FIU request, customer approval or rejection, signed artefacts to the FIPs,
//! notifications to the FIU, handle status and artefact fetch.

use aa_core::jws::compact;
use aa_core::rebit::{
    ConsentNotificationStatus, DataConsumerType, DataProviderType, SignedConsentDetail,
};
use serde_json::json;

use crate::helpers::{consent_request, eventually, now, txnid, World, HANDLE};

fn handle_request(handle: &str) -> serde_json::Value {
    json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "ConsentHandle": handle })
}

fn fetch_request(consent_id: &str) -> serde_json::Value {
    json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": consent_id })
}

/// Log-in, linking at both FIPs, a consent request by FIU-1, approval, and every check on the
/// artefacts and notifications. Shared by the SQLite and PostgreSQL tests.
pub async fn approve_happy_path(world: &World) {
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1", "FIP-2"]).await;

    let request_txnid = txnid();
    let answer = world.request_consent("FIU-1", HANDLE, &request_txnid).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "2.0.0");
    assert_eq!(answer.body["txnid"], request_txnid.as_str());
    assert_eq!(answer.body["Customer"]["id"], HANDLE);
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();

    let status = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert_eq!(status.body["ConsentHandle"], handle.as_str());
    assert_eq!(status.body["ConsentStatus"], json!({ "status": "PENDING" }));

    let (code, pending) = world
        .get("/customer/consents?status=PENDING", Some(&token))
        .await;
    assert_eq!(code, 200);
    let item = &pending[0];
    assert_eq!(item["consentHandle"], handle.as_str());
    assert_eq!(item["fiuId"], "FIU-1");
    assert_eq!(item["purpose"]["code"], "101");
    assert_eq!(item["fiTypes"], json!(["DEPOSIT"]));
    assert_eq!(
        item["consentTypes"],
        json!(["PROFILE", "SUMMARY", "TRANSACTIONS"])
    );
    assert_eq!(item["fiDataRange"]["from"], "2023-01-01T00:00:00.000Z");
    assert_eq!(item["consentExpiry"], "2099-01-01T00:00:00.000Z");
    assert_eq!(item["status"], "PENDING");

    let (code, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": links }),
        )
        .await;
    assert_eq!(code, 200, "{approved}");
    assert_eq!(approved["status"], "ACTIVE");
    let consent_ids: Vec<String> = approved["consentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(consent_ids.len(), 2, "one artefact per FIP");

    // Each FIP receives its own artefact, signed by the AA, with only its account.
    for fip in [&world.fip_1, &world.fip_2] {
        let received = eventually("the artefact at the FIP", || {
            let consents = fip.consents();
            (!consents.is_empty()).then_some(consents)
        })
        .await;
        assert_eq!(received.len(), 1);
        let (artefact, detail) = &received[0];
        assert!(consent_ids.contains(&artefact.consent_id));
        assert_eq!(artefact.status.as_str(), "ACTIVE");
        assert_eq!(detail.data_provider.id, fip.id);
        assert_eq!(detail.data_provider.kind, DataProviderType::Fip);
        assert_eq!(detail.data_consumer.id, "FIU-1");
        assert_eq!(detail.data_consumer.kind, Some(DataConsumerType::Fiu));
        assert_eq!(detail.customer.id, HANDLE);
        assert_eq!(detail.accounts.len(), 1);
        assert_eq!(detail.accounts[0].fip_id, fip.id);
        assert_eq!(
            detail.accounts[0].link_ref_number,
            format!("{}-LINK-{}", fip.id, fip.account_ref())
        );
    }

    // The FIU hears ACTIVE once per consent id, with the handle and its own txnid.
    let notifications = eventually("two ACTIVE notifications", || {
        let received = world.fiu_1.received();
        (received.len() >= 2).then_some(received)
    })
    .await;
    let mut notified: Vec<String> = notifications
        .iter()
        .map(|n| {
            let update = &n.consent_status_notification;
            assert_eq!(update.consent_status, ConsentNotificationStatus::Active);
            assert_eq!(update.consent_handle.as_deref(), Some(handle.as_str()));
            assert_eq!(n.notifier.id, "AA-1");
            assert_eq!(n.txnid, request_txnid);
            update.consent_id.clone().unwrap()
        })
        .collect();
    notified.sort();
    let mut expected = consent_ids.clone();
    expected.sort();
    assert_eq!(notified, expected);

    // The handle is READY with a consent id.
    let status = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(status.body["ConsentStatus"]["status"], "READY");
    let ready_id = status.body["ConsentStatus"]["id"].as_str().unwrap();
    assert!(consent_ids.iter().any(|c| c == ready_id));
    let legacy = world
        .rebit_get("FIU-1", &format!("/Consent/handle/{handle}"))
        .await;
    assert_eq!(legacy.status, 200, "{}", legacy.body);
    assert_eq!(legacy.body["ver"], "1.1.2");
    assert_eq!(legacy.body["ConsentStatus"]["status"], "READY");

    // The FIU fetches each artefact; it verifies with the AA's registered key.
    let aa_key = world.registry.by_kid("aa-1-sig").unwrap().1.clone();
    for consent_id in &consent_ids {
        let request = fetch_request(consent_id);
        let fetched = world.rebit_post("FIU-1", "/Consent/fetch", &request).await;
        assert_eq!(fetched.status, 200, "{}", fetched.body);
        assert_eq!(fetched.body["txnid"], request["txnid"]);
        assert_eq!(fetched.body["consentId"], consent_id.as_str());
        assert_eq!(fetched.body["status"], "ACTIVE");
        assert_eq!(fetched.body["ConsentUse"]["count"], 0);
        assert!(fetched.body["createTimestamp"].as_str().is_some());
        let jws = fetched.body["signedConsent"].as_str().unwrap();
        let verified = compact::verify(jws, |_| Some(&aa_key)).unwrap();
        let detail: SignedConsentDetail = serde_json::from_slice(&verified.payload).unwrap();
        assert_eq!(detail.data_consumer.id, "FIU-1");
        assert_eq!(detail.purpose.code, "101");
        let legacy = world
            .rebit_get("FIU-1", &format!("/Consent/{consent_id}"))
            .await;
        assert_eq!(legacy.status, 200, "{}", legacy.body);
        assert_eq!(legacy.body["signedConsent"], jws);
    }

    // The customer sees the decision; no longer pending.
    let (_, pending) = world
        .get("/customer/consents?status=PENDING", Some(&token))
        .await;
    assert_eq!(pending, json!([]));
    let (_, active) = world
        .get("/customer/consents?status=ACTIVE", Some(&token))
        .await;
    assert_eq!(active[0]["consentIds"].as_array().unwrap().len(), 2);
    // Deciding twice is a conflict.
    let (code, _) = world
        .post(
            &format!("/customer/consents/{handle}/reject"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(code, 409);
}

#[tokio::test]
async fn approval_signs_one_artefact_per_fip_and_notifies_fips_and_fiu() {
    let world = World::start().await;
    approve_happy_path(&world).await;
}

#[tokio::test]
async fn rejection_notifies_the_fiu_and_the_handle_fails() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let request_txnid = txnid();
    let answer = world.request_consent("FIU-1", HANDLE, &request_txnid).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (code, body) = world
        .post(
            &format!("/customer/consents/{handle}/reject"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body,
        json!({ "consentHandle": handle, "status": "REJECTED" })
    );
    let received = eventually("a REJECTED notification", || {
        world.fiu_1.received().into_iter().next()
    })
    .await;
    let update = &received.consent_status_notification;
    assert_eq!(update.consent_status, ConsentNotificationStatus::Rejected);
    assert_eq!(update.consent_handle.as_deref(), Some(handle.as_str()));
    assert_eq!(update.consent_id, None);
    assert_eq!(received.txnid, request_txnid);
    let status = world
        .rebit_post("FIU-1", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(status.body["ConsentStatus"], json!({ "status": "FAILED" }));
    assert!(world.fip_1.consents().is_empty());
    // Approving afterwards is a conflict.
    let (code, _) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": ["x"] }),
        )
        .await;
    assert_eq!(code, 409);
}

#[tokio::test]
async fn another_fiu_can_neither_fetch_the_consent_nor_read_the_handle() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1"]).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (_, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": links }),
        )
        .await;
    let consent_id = approved["consentIds"][0].as_str().unwrap().to_owned();

    let request = fetch_request(&consent_id);
    let refused = world.rebit_post("FIU-2", "/Consent/fetch", &request).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["errorCode"], "InvalidConsentId");
    assert_eq!(refused.body["txnid"], request["txnid"]);
    let refused = world
        .rebit_get("FIU-2", &format!("/Consent/{consent_id}"))
        .await;
    assert_eq!(refused.body["errorCode"], "InvalidConsentId");
    let refused = world
        .rebit_post("FIU-2", "/Consent/handle", &handle_request(&handle))
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["errorCode"], "InvalidConsentHandle");
    // The FIP the artefact names may fetch it; the other FIP may not.
    let fetched = world
        .rebit_post("FIP-1", "/Consent/fetch", &fetch_request(&consent_id))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    let refused = world
        .rebit_post("FIP-2", "/Consent/fetch", &fetch_request(&consent_id))
        .await;
    assert_eq!(refused.body["errorCode"], "InvalidConsentId");
    // FIU-2 heard nothing of FIU-1's consent.
    assert!(world.fiu_2.received().is_empty());
    // Unknown ids read the same.
    let refused = world
        .rebit_post("FIU-1", "/Consent/fetch", &fetch_request(&txnid()))
        .await;
    assert_eq!(refused.body["errorCode"], "InvalidConsentId");
}

#[tokio::test]
async fn consent_requests_are_validated_and_replays_answer_the_same_handle() {
    let world = World::start().await;
    let check = |mutate: fn(&mut serde_json::Value), code: &'static str| {
        let world = &world;
        async move {
            let mut body = consent_request("FIU-1", HANDLE, &txnid());
            mutate(&mut body);
            let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
            assert_eq!(answer.status, 400, "{}", answer.body);
            assert_eq!(answer.body["errorCode"], code, "{}", answer.body);
            assert_eq!(answer.body["txnid"], body["txnid"]);
        }
    };
    check(
        |b| b["ConsentDetail"]["Customer"]["id"] = json!("9999999999@AA-2"),
        "InvalidCustomerAddress",
    )
    .await;
    check(
        |b| b["ConsentDetail"]["Purpose"]["code"] = json!("999"),
        "InvalidConsentPurpose",
    )
    .await;
    check(
        |b| b["ConsentDetail"]["DataConsumer"]["id"] = json!("FIU-2"),
        "InvalidRequest",
    )
    .await;
    check(
        |b| b["ConsentDetail"]["consentExpiry"] = json!("2020-01-01T00:00:00.000Z"),
        "InvalidRequest",
    )
    .await;
    check(|b| b["txnid"] = json!("not-a-uuid"), "InvalidRequest").await;

    // An FIP may not ask for consent.
    let body = consent_request("FIP-1", HANDLE, &txnid());
    let answer = world.rebit_post("FIP-1", "/Consent", &body).await;
    assert_eq!(answer.status, 401);

    // The same request twice is the same handle; the same txnid with other terms is 409.
    let id = txnid();
    let body = consent_request("FIU-1", HANDLE, &id);
    let first = world.rebit_post("FIU-1", "/Consent", &body).await;
    let again = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["ConsentHandle"], again.body["ConsentHandle"]);
    let mut other = body.clone();
    other["ConsentDetail"]["fiTypes"] = json!(["DEPOSIT", "TERM_DEPOSIT"]);
    let conflict = world.rebit_post("FIU-1", "/Consent", &other).await;
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.body["errorCode"], "IdempotencyError");
}

#[tokio::test]
async fn approval_shares_only_linked_accounts_of_the_requested_fi_types() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    world.link_all(&token, &["FIP-1"]).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let path = format!("/customer/consents/{handle}/approve");
    let (code, body) = world
        .post(&path, Some(&token), json!({ "accounts": ["NOT-LINKED"] }))
        .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (code, _) = world
        .post(&path, Some(&token), json!({ "accounts": [] }))
        .await;
    assert_eq!(code, 400);
    // Another customer does not see the request at all.
    let other = world.login("8888888888@AA-1").await;
    let (code, _) = world
        .post(&path, Some(&other), json!({ "accounts": ["x"] }))
        .await;
    assert_eq!(code, 404);
    let (_, listed) = world.get("/customer/consents", Some(&other)).await;
    assert_eq!(listed, json!([]));
}
