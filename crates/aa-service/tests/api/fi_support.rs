//! Shared by the FI data flow tests: an ACTIVE consent with its artefacts, FIU keys, request,
//! fetch and FIP notification bodies, and the whole request-notify-fetch walk (also run on
//! PostgreSQL).

use aa_core::fi_crypto::key_material::{self, Ephemeral};
use aa_core::fi_crypto::Curve;
use aa_core::jws::compact;
use aa_core::rebit::{FiStatus, FiStatusNotification, NotifierType, Open, SessionStatus};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::helpers::{eventually, now, txnid, World, HANDLE};

/// One approved consent artefact as the FIU sees it.
#[derive(Debug, Clone)]
pub struct Artefact {
    pub consent_id: String,
    pub fip_id: String,
    pub signed_consent: String,
}

impl Artefact {
    pub fn signature(&self) -> String {
        compact::signature_segment(&self.signed_consent)
            .unwrap()
            .to_owned()
    }
}

/// Log-in, linking at both FIPs, a consent by `fiu`, approval: the artefacts, by FIP id, once
/// the AA has delivered both to their FIPs (before that, an FI request waits in the queue).
pub async fn active_consent(world: &World, fiu: &str) -> Vec<Artefact> {
    active_consent_with(world, fiu, |_| {}).await
}

/// [`active_consent`] with the consent request's `ConsentDetail` changed by `terms`.
pub async fn active_consent_with(
    world: &World,
    fiu: &str,
    terms: impl FnOnce(&mut Value),
) -> Vec<Artefact> {
    let artefacts = approved_consent(world, fiu, terms).await;
    let store = world.store().await.unwrap();
    for artefact in &artefacts {
        aa_testkit::eventually_async("the artefact delivered to its FIP", || async {
            let on_its_way = store
                .artefact_on_its_way(&artefact.fip_id, &artefact.consent_id)
                .await
                .unwrap();
            (!on_its_way).then_some(())
        })
        .await;
    }
    artefacts
}

/// [`active_consent_with`] without waiting for the artefacts to reach the FIPs.
pub async fn approved_consent(
    world: &World,
    fiu: &str,
    terms: impl FnOnce(&mut Value),
) -> Vec<Artefact> {
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1", "FIP-2"]).await;
    let mut request = crate::helpers::consent_request(fiu, HANDLE, &txnid());
    terms(&mut request["ConsentDetail"]);
    let answer = world.rebit_post(fiu, "/Consent", &request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (code, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": links }),
        )
        .await;
    assert_eq!(code, 200, "{approved}");
    let mut artefacts = Vec::new();
    for id in approved["consentIds"].as_array().unwrap() {
        let fetched = world
            .rebit_post(
                fiu,
                "/Consent/fetch",
                &json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": id }),
            )
            .await;
        assert_eq!(fetched.status, 200, "{}", fetched.body);
        let signed = fetched.body["signedConsent"].as_str().unwrap().to_owned();
        let payload = compact::verify(&signed, |kid| world.registry.by_kid(kid).map(|(_, k)| k))
            .unwrap()
            .payload;
        let detail: Value = serde_json::from_slice(&payload).unwrap();
        artefacts.push(Artefact {
            consent_id: id.as_str().unwrap().to_owned(),
            fip_id: detail["DataProvider"]["id"].as_str().unwrap().to_owned(),
            signed_consent: signed,
        });
    }
    artefacts.sort_by(|a, b| a.fip_id.cmp(&b.fip_id));
    artefacts
}

/// A fresh FIU key pair valid for an hour.
pub fn fiu_key() -> Ephemeral {
    key_material::generate(
        Curve::X25519,
        OffsetDateTime::now_utc() + Duration::hours(1),
    )
    .unwrap()
}

/// A `POST /FI/request` body for `artefact` over part of the consent's range.
pub fn fi_request(artefact: &Artefact, key: &Ephemeral, txnid: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid,
        "FIDataRange": { "from": "2023-03-01T00:00:00.000Z", "to": "2023-09-01T00:00:00.000Z" },
        "Consent": { "id": artefact.consent_id, "digitalSignature": artefact.signature() },
        "KeyMaterial": serde_json::to_value(&key.key_material).unwrap(),
    })
}

/// Tells the AA, as the FIP, that every account of the FIP's only session (or `fip_session_id`)
/// has `status`, so that the session no longer holds up the next request.
pub async fn settle(world: &World, fip_session_id: &str, status: &str) {
    let session = world.fip_1.fi_sessions.lock().unwrap()[fip_session_id].clone();
    let accounts: Vec<(&str, &str)> = session
        .accounts
        .iter()
        .map(|a| (a.0.as_str(), status))
        .collect();
    let body = fip_notification("FIP-1", "FIP-1", fip_session_id, "ACTIVE", &accounts);
    let answer = world.rebit_post("FIP-1", "/FI/Notification", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// Posts `body` as FIU-1's `POST /FI/request` for a FIP-1 artefact; once accepted, the FIP
/// reports every account READY. Returns the answer and the FIP's new session id, if any.
pub async fn request_and_settle(
    world: &World,
    body: &Value,
) -> (aa_testkit::Answer, Option<String>) {
    let before: Vec<String> = world
        .fip_1
        .fi_sessions
        .lock()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let answer = world.fi_request("FIU-1", body).await;
    let opened = world
        .fip_1
        .fi_sessions
        .lock()
        .unwrap()
        .keys()
        .find(|k| !before.contains(k))
        .cloned();
    if answer.status == 200 {
        if let Some(fip_session_id) = &opened {
            settle(world, fip_session_id, "READY").await;
        }
    }
    (answer, opened)
}

/// Writes, behind the AA's back, a session of FIU-1 on `artefact` (FIP-1's) created `age` ago
/// with its one account in `fi_status`; returns its AA session id.
pub async fn backdated_session(
    world: &World,
    artefact: &Artefact,
    state: aa_service::domain::fi_session::SessionState,
    fi_status: FiStatus,
    age: Duration,
) -> String {
    use aa_service::persistence::records::{FiAccountRecord, FiSessionRecord};
    let store = world.store().await.unwrap();
    let created_at = aa_runtime::clock::millis(OffsetDateTime::now_utc() - age);
    let session = FiSessionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        consent_id: artefact.consent_id.clone(),
        fiu_id: "FIU-1".into(),
        fip_id: artefact.fip_id.clone(),
        fiu_txnid: txnid(),
        fip_session_id: Some(txnid()),
        status: state,
        data_from: "2023-03-01T00:00:00.000Z".into(),
        data_to: "2023-09-01T00:00:00.000Z".into(),
        created_at,
        updated_at: created_at,
    };
    let account = FiAccountRecord {
        link_ref_number: format!("{0}-LINK-{0}-ACC-1", artefact.fip_id),
        masked_acc_number: "XXXXXXXX5".into(),
        fi_status,
        description: None,
    };
    store.insert_fi_session(&session, &[account]).await.unwrap();
    session.id
}

pub fn fetch_body(session_id: &str) -> Value {
    json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "sessionId": session_id })
}

/// The FIP's `POST /FI/Notification` body about its session.
pub fn fip_notification(
    notifier: &str,
    fip_id: &str,
    fip_session_id: &str,
    session_status: &str,
    accounts: &[(&str, &str)],
) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": notifier },
        "FIStatusNotification": {
            "sessionId": fip_session_id,
            "sessionStatus": session_status,
            "FIStatusResponse": [{
                "fipID": fip_id,
                "Accounts": accounts.iter().map(|(link, status)| json!({
                    "linkRefNumber": link, "FIStatus": status, "description": format!("{status} at the FIP")
                })).collect::<Vec<_>>()
            }]
        }
    })
}

pub fn assert_error(answer: &aa_testkit::Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], code, "{}", answer.body);
}

/// Every byte of the AA's SQLite files (database, WAL, journal).
pub fn sqlite_bytes(world: &World) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(world.data_dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    assert!(!bytes.is_empty(), "no database files found");
    bytes
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The whole flow for FIP-1's artefact: request, READY notification to the FIU, fetch (both
/// forms), ciphertext byte-identical and decryptable by the FIU. Returns the AA session id and
/// the FIP's session.
pub async fn request_notify_fetch(world: &World) -> (String, aa_testkit::fakes::FipSession) {
    let artefacts = active_consent(world, "FIU-1").await;
    let artefact = &artefacts[0];
    assert_eq!(artefact.fip_id, "FIP-1");
    let key = fiu_key();
    let request_txnid = txnid();
    let body = fi_request(artefact, &key, &request_txnid);
    let answer = world.fi_request("FIU-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "2.0.0");
    assert_eq!(answer.body["txnid"], request_txnid.as_str());
    assert_eq!(answer.body["consentId"], artefact.consent_id.as_str());
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&session_id).unwrap();

    // The FIP got the FIU's request, re-signed by the AA (the fake checks), KeyMaterial,
    // range and digitalSignature untouched.
    let forwarded = world.fip_1.fi_requests();
    assert_eq!(forwarded.len(), 1);
    let forwarded = &forwarded[0];
    assert_eq!(
        serde_json::to_value(&forwarded.key_material).unwrap(),
        body["KeyMaterial"]
    );
    assert_eq!(forwarded.consent.digital_signature, artefact.signature());
    assert_eq!(forwarded.consent.id, artefact.consent_id);
    assert_eq!(
        serde_json::to_value(&forwarded.fi_data_range).unwrap(),
        body["FIDataRange"]
    );
    assert_eq!(forwarded.txnid, request_txnid);
    assert!(world.fip_2.fi_requests().is_empty());
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    assert_ne!(
        fip_session_id, session_id,
        "the FIU sees the AA's session id"
    );
    assert_eq!(fip_session.consent_id, artefact.consent_id);
    let used = world
        .rebit_post(
            "FIU-1",
            "/Consent/fetch",
            &json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": artefact.consent_id }),
        )
        .await;
    assert_eq!(used.body["ConsentUse"]["count"], 1, "{}", used.body);
    let link = fip_session.accounts[0].0.clone();

    // Replaying the same txnid answers the same session without asking the FIP again.
    let replay = world.fi_request("FIU-1", &body).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["sessionId"], session_id.as_str());
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    let mut other_range = body.clone();
    other_range["FIDataRange"]["to"] = json!("2023-10-01T00:00:00.000Z");
    let clash = world.fi_request("FIU-1", &other_range).await;
    assert_error(&clash, 409, "IdempotencyError");

    // Before the FIP is ready, the data is not.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 404, "NoDataFound");
    assert!(world.fip_1.fi_fetches().is_empty());

    // The FIP says READY; the FIU hears it about the AA's session, from the AA.
    let ready = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let ok = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["response"], "OK");
    let told: Vec<FiStatusNotification> = eventually("the FIU's FI notification", || {
        let got = world.fiu_1.fi_received();
        (!got.is_empty()).then_some(got)
    })
    .await;
    let first = &told[0];
    assert_eq!(first.notifier.id, "AA-1");
    assert_eq!(first.notifier.kind, Open::Known(NotifierType::Aa));
    assert_eq!(first.txnid, request_txnid);
    let update = &first.fi_status_notification;
    assert_eq!(update.session_id, session_id);
    assert_eq!(update.session_status, SessionStatus::Active);
    assert_eq!(update.fi_status_response[0].fip_id, "FIP-1");
    assert_eq!(
        update.fi_status_response[0].accounts[0].link_ref_number,
        link
    );
    assert_eq!(
        update.fi_status_response[0].accounts[0].fi_status,
        FiStatus::Ready
    );

    // A repeat is OK and sends nothing: the next notification the FIU gets is the next change.
    let again = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(again.status, 200, "{}", again.body);

    // Fetch: the FIP's ciphertext and KeyMaterial, byte for byte, decryptable by the FIU only.
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    let fi = fetched.body["FI"].as_array().unwrap();
    assert_eq!(fi.len(), 1);
    assert_eq!(fi[0]["fipID"], "FIP-1");
    assert_eq!(
        fi[0]["KeyMaterial"],
        serde_json::to_value(&fip_session.key_material).unwrap()
    );
    let data = fi[0]["data"].as_array().unwrap();
    assert_eq!(data.len(), fip_session.accounts.len());
    let (_, masked, plain, cipher) = &fip_session.accounts[0];
    assert_eq!(data[0]["linkRefNumber"], link.as_str());
    assert_eq!(data[0]["maskedAccNumber"], masked.as_str());
    assert_eq!(data[0]["encryptedFI"], cipher.as_str());
    assert!(contains(
        &fetched.raw,
        &format!("\"encryptedFI\":\"{cipher}\"")
    ));
    let fip_key = key_material::read(&fip_session.key_material, OffsetDateTime::now_utc()).unwrap();
    let decrypted = key
        .decrypt_from(&fip_key, data[0]["encryptedFI"].as_str().unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(decrypted).unwrap(), *plain);
    let asked = world.fip_1.fi_fetches();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0].session_id, fip_session_id,
        "the AA asks with the FIP's session id"
    );

    // The 1.1.x GET form works too (delivered data may be fetched again while the FIP has it).
    let got = world
        .rebit_get(
            "FIU-1",
            &format!("/FI/fetch/{session_id}?fipId=FIP-1&linkRefNumber={link}"),
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["ver"], "1.1.2");
    assert_eq!(got.body["FI"][0]["data"][0]["encryptedFI"], cipher.as_str());
    let asked = world.fip_1.fi_fetches();
    assert_eq!(asked[1].link_ref_number.as_ref().unwrap()[0].id, link);

    // The FIP completes the session: this is the FIU's second notification (the repeat sent none),
    // and the account stays DELIVERED.
    let done = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "COMPLETED",
        &[(&link, "READY")],
    );
    let ok = world.rebit_post("FIP-1", "/FI/Notification", &done).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let told = eventually("the FIU's second FI notification", || {
        let got = world.fiu_1.fi_received();
        (got.len() >= 2).then_some(got)
    })
    .await;
    assert_eq!(told.len(), 2, "{told:?}");
    let update = &told[1].fi_status_notification;
    assert_eq!(update.session_status, SessionStatus::Completed);
    assert_eq!(
        update.fi_status_response[0].accounts[0].fi_status,
        FiStatus::Delivered
    );
    (session_id, fip_session)
}

/// Opens another session on `artefact` and returns its AA session id.
pub async fn answer_session(world: &World, artefact: &Artefact) -> String {
    let answer = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["sessionId"].as_str().unwrap().to_owned()
}
