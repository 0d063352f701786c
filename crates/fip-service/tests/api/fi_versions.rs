//! The kept 1.1.x fetch, `GET /FI/fetch/{sessionId}`, answers in the 1.1.2 form
//! (`rebit-fip-1.1.2.yaml`, `FIFetchResponse`): `ver` 1.1.2, a fresh `txnid`, and only the
//! fields and spellings that schema names; a 1.1.2 `POST /FI/fetch` is answered in 1.1.2 too.

use std::collections::BTreeSet;

use aa_core::timefmt;
use serde_json::Value;

use crate::fi::{decrypt_all, fetch_body, fi_request, notified, setup, FROM, TO};
use crate::helpers::TestApp;

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// Every name in `value` is one the 1.1.2 `FIFetchResponse` defines, with its required ones.
fn assert_1_1_2_fetch_response(value: &Value) {
    assert_eq!(
        keys(value),
        BTreeSet::from(["ver", "timestamp", "txnid", "FI"])
    );
    assert_eq!(value["ver"], "1.1.2");
    assert!(timefmt::parse(value["timestamp"].as_str().unwrap()).is_some());
    assert!(uuid::Uuid::parse_str(value["txnid"].as_str().unwrap()).is_ok());
    let entries = value["FI"].as_array().unwrap();
    assert!(!entries.is_empty());
    for entry in entries {
        assert_eq!(
            keys(entry),
            BTreeSet::from(["fipID", "data", "KeyMaterial"])
        );
        for data in entry["data"].as_array().unwrap() {
            assert_eq!(
                keys(data),
                BTreeSet::from(["linkRefNumber", "maskedAccNumber", "encryptedFI"])
            );
        }
        let km = &entry["KeyMaterial"];
        let allowed = BTreeSet::from(["cryptoAlg", "curve", "params", "DHPublicKey", "Nonce"]);
        assert!(keys(km).is_subset(&allowed), "{km}");
        assert!(
            km["cryptoAlg"].is_string() && km["Nonce"].is_string(),
            "{km}"
        );
        let dh = &km["DHPublicKey"];
        assert!(
            keys(dh).is_subset(&BTreeSet::from(["expiry", "Parameters", "KeyValue"])),
            "{dh}"
        );
        assert!(timefmt::parse(dh["expiry"].as_str().unwrap()).is_some());
    }
}

#[actix_web::test]
async fn the_1_1_x_get_fetch_answers_in_the_1_1_2_form() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let body = fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material);
    let answer = app.post("/FI/request", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    notified(&app, &session_id).await;

    let legacy = app
        .request_as_aa("GET", &format!("/FI/fetch/{session_id}"), None)
        .await;
    assert_eq!(legacy.status, 200, "{}", legacy.body);
    assert_1_1_2_fetch_response(&legacy.body);

    let mut body = fetch_body(&session_id);
    body["ver"] = "1.1.2".into();
    let answer = app.post("/FI/fetch", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_1_1_2_fetch_response(&answer.body);
    assert_eq!(answer.body["txnid"], body["txnid"]);

    // The same data either way.
    let served = |v: &Value| -> Vec<(String, String)> {
        decrypt_all(&fiu, v)
            .into_iter()
            .map(|(link, xml, _)| (link, xml))
            .collect()
    };
    assert_eq!(served(&legacy.body), served(&answer.body));
}
