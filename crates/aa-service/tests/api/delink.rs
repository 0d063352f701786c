//! Delinking at the AA: the customer API asks the FIP, the account leaves the customer's list,
//! and data requests leave it out (a consent with no linked account left is refused).

use serde_json::json;

use crate::fi_support::{active_consent, assert_error, fi_request, fiu_key};
use crate::helpers::{now, txnid, World, HANDLE};

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
        assert_eq!(log.delinks.len(), 1);
        assert_eq!(log.delinks[0].account.customer_address, HANDLE);
        assert_eq!(log.delinks[0].account.link_ref_number, links[0]);
    }
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));

    // Again: the same answer, the FIP is not asked twice.
    let (status, again) = world
        .post("/customer/accounts/delink", Some(&token), delink)
        .await;
    assert_eq!((status, &again), (200, &body));
    assert_eq!(world.fip_1.log.lock().unwrap().delinks.len(), 1);
}

#[tokio::test]
async fn a_data_request_whose_accounts_are_all_delinked_is_400_invalid_consent_detail() {
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

    // FIP-1's account delinked by the customer at the AA.
    let (status, body) = world
        .post(
            "/customer/accounts/delink",
            Some(&token),
            json!({ "fipId": "FIP-1", "linkRefNumber": fip_1_link }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // FIP-2's account delinked at the FIP, which tells the AA.
    let notification = json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": "FIP-2" },
        "AccountLinkStatusNotification": {
            "customerAddress": HANDLE,
            "linkRefNumber": fip_2_link,
            "linkStatus": "DELINKED"
        }
    });
    let answer = world
        .rebit_post("FIP-2", "/Account/link/Notification", &notification)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let store = aa_service::persistence::Store::connect(&world.database_url)
        .await
        .unwrap();
    for artefact in &artefacts {
        let request_txnid = txnid();
        let answer = world
            .rebit_post(
                "FIU-1",
                "/FI/request",
                &fi_request(artefact, &fiu_key(), &request_txnid),
            )
            .await;
        assert_error(&answer, 400, "InvalidConsentDetail");
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
