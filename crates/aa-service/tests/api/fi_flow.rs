//! The FI data flow at the AA: `POST /FI/request` checked and forwarded to the FIP, the FIP's
//! `POST /FI/Notification` tracked and passed on to the FIU, and `POST /FI/fetch` (and the 1.1.x
//! GET) passing the FIP's ciphertext through, which the AA never stores.

use aa_core::fi_crypto::key_material::{self, Ephemeral};
use aa_core::fi_crypto::Curve;
use aa_core::jws::compact;
use aa_core::rebit::{FiStatus, FiStatusNotification, NotifierType, Open, SessionStatus};
use aa_service::persistence::Store;
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

/// Log-in, linking at both FIPs, a consent by `fiu`, approval: the artefacts, by FIP id.
pub async fn active_consent(world: &World, fiu: &str) -> Vec<Artefact> {
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1", "FIP-2"]).await;
    let answer = world.request_consent(fiu, HANDLE, &txnid()).await;
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

fn fetch_body(session_id: &str) -> Value {
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
                    "linkRefNumber": link, "FIStatus": status, "description": ""
                })).collect::<Vec<_>>()
            }]
        }
    })
}

fn assert_error(answer: &aa_testkit::Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], code, "{}", answer.body);
}

/// Every byte of the AA's SQLite files (database, WAL, journal).
fn sqlite_bytes(world: &World) -> Vec<u8> {
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

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The whole flow for FIP-1's artefact: request, READY notification to the FIU, fetch (both
/// forms), ciphertext byte-identical and decryptable by the FIU. Returns the AA session id and
/// the FIP's session.
pub async fn request_notify_fetch(world: &World) -> (String, crate::fakes::FipSession) {
    let artefacts = active_consent(world, "FIU-1").await;
    let artefact = &artefacts[0];
    assert_eq!(artefact.fip_id, "FIP-1");
    let key = fiu_key();
    let request_txnid = txnid();
    let body = fi_request(artefact, &key, &request_txnid);
    let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
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
    let replay = world.rebit_post("FIU-1", "/FI/request", &body).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["sessionId"], session_id.as_str());
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    let mut other_range = body.clone();
    other_range["FIDataRange"]["to"] = json!("2023-10-01T00:00:00.000Z");
    let clash = world.rebit_post("FIU-1", "/FI/request", &other_range).await;
    assert_error(&clash, 409, "IdempotencyError");

    // Before the FIP is ready, the data is not.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 403, "DataFetchRequestInProgress");
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

#[tokio::test]
async fn fi_request_notification_and_fetch_pass_the_ciphertext_through_and_store_none_of_it() {
    let world = World::start().await;
    let (_, fip_session) = request_notify_fetch(&world).await;
    let bytes = sqlite_bytes(&world);
    assert!(contains(&bytes, "fi_sessions"), "the grep sees the schema");
    for (link, _, plain, cipher) in &fip_session.accounts {
        assert!(
            contains(&bytes, link),
            "the grep sees the session's accounts"
        );
        assert!(
            !contains(&bytes, cipher),
            "encryptedFI found in the AA database"
        );
        assert!(
            !contains(&bytes, &cipher[..24]),
            "encryptedFI prefix found in the AA database"
        );
        assert!(
            !contains(&bytes, plain),
            "FI plaintext found in the AA database"
        );
    }
    let key = &fip_session.key_material;
    assert!(!contains(&bytes, &key.dh_public_key.key_value));
    assert!(!contains(&bytes, &key.nonce));
}

#[tokio::test]
async fn fi_requests_that_do_not_fit_the_consent_are_refused_without_asking_the_fip() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();

    // Another FIU, or an id the AA never issued.
    let other = world
        .rebit_post(
            "FIU-2",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&other, 400, "InvalidConsentId");
    let mut unknown = fi_request(artefact, &key, &txnid());
    unknown["Consent"]["id"] = json!(uuid::Uuid::new_v4().to_string());
    let unknown = world.rebit_post("FIU-1", "/FI/request", &unknown).await;
    assert_error(&unknown, 400, "InvalidConsentId");

    // The signature of another artefact (FIP-2's), or none.
    let mut wrong = fi_request(artefact, &key, &txnid());
    wrong["Consent"]["digitalSignature"] = json!(artefacts[1].signature());
    let wrong = world.rebit_post("FIU-1", "/FI/request", &wrong).await;
    assert_error(&wrong, 400, "InvalidRequest");
    assert!(wrong.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("digitalSignature"));

    // Outside the consent's range (2023-01-01 .. 2024-01-01), or inverted.
    for (from, to) in [
        ("2022-12-01T00:00:00.000Z", "2023-06-01T00:00:00.000Z"),
        ("2023-06-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
        ("2023-06-01T00:00:00.000Z", "2023-03-01T00:00:00.000Z"),
    ] {
        let mut body = fi_request(artefact, &key, &txnid());
        body["FIDataRange"] = json!({ "from": from, "to": to });
        let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
        assert_error(&answer, 400, "InvalidDateRange");
    }

    // An expired key, and a key that is not a key.
    let expired = key_material::generate(
        Curve::X25519,
        OffsetDateTime::now_utc() - Duration::minutes(1),
    )
    .unwrap();
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &expired, &txnid()),
        )
        .await;
    assert_error(&answer, 400, "InvalidKey");
    let mut garbage = fi_request(artefact, &key, &txnid());
    garbage["KeyMaterial"]["DHPublicKey"]["KeyValue"] = json!("not-a-key");
    let answer = world.rebit_post("FIU-1", "/FI/request", &garbage).await;
    assert_error(&answer, 400, "InvalidKey");

    // An FIP may not ask for data.
    let answer = world
        .rebit_post(
            "FIP-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&answer, 401, "Unauthorized");

    // A consent that is not ACTIVE.
    let store = Store::connect(&world.database_url).await.unwrap();
    for status in ["PAUSED", "REVOKED", "EXPIRED"] {
        assert!(store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap());
        let answer = world
            .rebit_post(
                "FIU-1",
                "/FI/request",
                &fi_request(artefact, &key, &txnid()),
            )
            .await;
        assert_error(&answer, 400, "InvalidConsentStatus");
        assert!(
            answer.body["errorMsg"].as_str().unwrap().contains(status),
            "{}",
            answer.body
        );
    }
    assert!(
        world.fip_1.fi_requests().is_empty(),
        "no refused request reached the FIP"
    );
    assert!(world.fip_2.fi_requests().is_empty());
}

#[tokio::test]
async fn an_fip_that_refuses_or_fails_leaves_no_usable_session() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();

    world
        .fip_1
        .refuse_fi
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let refused_txnid = txnid();
    let refused = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &refused_txnid),
        )
        .await;
    assert_error(&refused, 400, "InvalidConsentId");
    assert!(refused.body["errorMsg"]
        .as_str()
        .unwrap()
        .starts_with("FIP-1: "));
    world
        .fip_1
        .refuse_fi
        .store(false, std::sync::atomic::Ordering::SeqCst);

    world
        .fip_1
        .fi_broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let broken = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&broken, 503, "ServiceUnavailable");
    assert_eq!(broken.body["errorMsg"], "internal error");
    world
        .fip_1
        .fi_broken
        .store(false, std::sync::atomic::Ordering::SeqCst);

    // The refused txnid again, the FIP now willing: a new attempt, which succeeds.
    let retried = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &refused_txnid),
        )
        .await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(world.fip_1.fi_sessions.lock().unwrap().len(), 1);
    world.fip_1.fi_sessions.lock().unwrap().clear();

    // A fresh request then works; the FIP broken at fetch time is 503 too.
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
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
    world
        .fip_1
        .fi_broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&fetched, 503, "ServiceUnavailable");
}

#[tokio::test]
async fn notifications_must_come_from_the_sessions_fip_about_its_accounts() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let key = fiu_key();
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(&artefacts[0], &key, &txnid()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();

    // FIP-2 speaking as FIP-1.
    let spoofed = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world
        .rebit_post("FIP-2", "/FI/Notification", &spoofed)
        .await;
    assert_error(&answer, 400, "InvalidNotifier");
    // FIP-2 as itself about FIP-1's session.
    let other = fip_notification(
        "FIP-2",
        "FIP-2",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world.rebit_post("FIP-2", "/FI/Notification", &other).await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    // FIP-1 about an account that is not in the session, or naming another FIP's accounts.
    let stranger = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[("NOPE", "READY")],
    );
    let answer = world
        .rebit_post("FIP-1", "/FI/Notification", &stranger)
        .await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    let foreign = fip_notification(
        "FIP-1",
        "FIP-2",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world
        .rebit_post("FIP-1", "/FI/Notification", &foreign)
        .await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    // An FIU may not send FI notifications to the AA.
    let answer = world
        .rebit_post("FIU-1", "/FI/Notification", &spoofed)
        .await;
    assert_error(&answer, 401, "Unauthorized");
    // None of it changed anything: the session is still not ready, the FIU heard nothing.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 403, "DataFetchRequestInProgress");
    assert!(world.fiu_1.fi_received().is_empty());
}

/// Opens another session on `artefact` and returns its AA session id.
async fn answer_session(world: &World, artefact: &Artefact) -> String {
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &fiu_key(), &txnid()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["sessionId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn fetch_is_for_the_sessions_fiu_once_data_is_ready_and_while_the_consent_holds() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let session_id = answer_session(&world, artefact).await;
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();

    let unknown = world
        .rebit_post(
            "FIU-1",
            "/FI/fetch",
            &fetch_body(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    assert_error(&unknown, 400, "InvalidSessionId");
    let not_theirs = world
        .rebit_post("FIU-2", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&not_theirs, 400, "InvalidSessionId");
    let not_theirs = world
        .rebit_get("FIU-2", &format!("/FI/fetch/{session_id}"))
        .await;
    assert_error(&not_theirs, 400, "InvalidSessionId");
    let mut wrong_fip = fetch_body(&session_id);
    wrong_fip["fipId"] = json!("FIP-2");
    let wrong_fip = world.rebit_post("FIU-1", "/FI/fetch", &wrong_fip).await;
    assert_error(&wrong_fip, 400, "InvalidFIPId");

    // Not ready yet.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 403, "DataFetchRequestInProgress");
    let early = world
        .rebit_get("FIU-1", &format!("/FI/fetch/{session_id}"))
        .await;
    assert_error(&early, 403, "DataFetchRequestInProgress");

    // Every account denied: nothing to fetch.
    let denied = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "DENIED")],
    );
    assert_eq!(
        world
            .rebit_post("FIP-1", "/FI/Notification", &denied)
            .await
            .status,
        200
    );
    let none = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&none, 404, "NoDataFound");
    assert!(
        world.fip_1.fi_fetches().is_empty(),
        "the FIP was never asked"
    );

    // A second session, READY, but the consent paused / revoked.
    let session_id = answer_session(&world, artefact).await;
    let fip_session_id = world
        .fip_1
        .fi_sessions
        .lock()
        .unwrap()
        .keys()
        .find(|k| **k != fip_session_id)
        .unwrap()
        .clone();
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
    let store = Store::connect(&world.database_url).await.unwrap();
    for (status, code) in [("PAUSED", "ConsentPaused"), ("REVOKED", "ConsentRevoked")] {
        store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap();
        let answer = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
            .await;
        assert_error(&answer, 403, code);
    }
    store
        .set_artefact_status(&artefact.consent_id, "ACTIVE")
        .await
        .unwrap();
    let mut stranger = fetch_body(&session_id);
    stranger["linkRefNumber"] = json!([{ "id": "NOPE" }]);
    let answer = world.rebit_post("FIU-1", "/FI/fetch", &stranger).await;
    assert_error(&answer, 400, "InvalidRequest");
    let answer = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_notification_racing_the_fips_answer_is_retried_not_lost() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let (release, gate) = tokio::sync::oneshot::channel();
    *world.fip_1.hold_fi.lock().unwrap() = Some(gate);
    let body = fi_request(&artefacts[0], &fiu_key(), &txnid());
    let request = world.rebit_post("FIU-1", "/FI/request", &body);
    let early = async {
        let (fip_session_id, session) = eventually("the FIP's session", || {
            let sessions = world.fip_1.fi_sessions.lock().unwrap();
            sessions.iter().next().map(|(k, v)| (k.clone(), v.clone()))
        })
        .await;
        let ready = fip_notification(
            "FIP-1",
            "FIP-1",
            &fip_session_id,
            "ACTIVE",
            &[(&session.accounts[0].0, "READY")],
        );
        // The AA does not know the FIP's session id yet: try again later (5xx, retryable).
        let answer = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
        release.send(()).unwrap();
        (answer, ready)
    };
    let (answer, (early, ready)) = tokio::join!(request, early);
    assert_error(&early, 503, "ServiceUnavailable");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let retried = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    let told = eventually("the FIU's FI notification", || {
        let got = world.fiu_1.fi_received();
        (!got.is_empty()).then_some(got)
    })
    .await;
    assert_eq!(
        told[0].fi_status_notification.session_id,
        answer.body["sessionId"].as_str().unwrap()
    );
}

#[tokio::test]
async fn an_fi_request_waits_for_the_artefact_to_reach_the_fip() {
    use std::sync::atomic::Ordering;
    let world = World::start().await;
    world.fip_1.refuse_consent.store(true, Ordering::SeqCst);
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    assert!(world.fip_1.consents().is_empty());

    // Still refused after the wait: 503, nothing forwarded.
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &fiu_key(), &txnid()),
        )
        .await;
    assert_error(&answer, 503, "ServiceUnavailable");
    assert!(world.fip_1.fi_requests().is_empty());

    // The FIP comes back while the request waits: the request goes through.
    let body = fi_request(artefact, &fiu_key(), &txnid());
    let request = world.rebit_post("FIU-1", "/FI/request", &body);
    let recover = async {
        let seen = world.fip_1.consent_attempts.load(Ordering::SeqCst);
        eventually("another delivery attempt", || {
            (world.fip_1.consent_attempts.load(Ordering::SeqCst) > seen).then_some(())
        })
        .await;
        world.fip_1.refuse_consent.store(false, Ordering::SeqCst);
    };
    let (answer, ()) = tokio::join!(request, recover);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(world.fip_1.consents().len(), 1);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}

#[tokio::test]
async fn an_interrupted_fi_request_can_be_retried_but_one_in_flight_cannot() {
    use aa_core::rebit::FiStatus;
    use aa_service::domain::fi_session::SessionState;
    use aa_service::persistence::records::{FiAccountRecord, FiSessionRecord};
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = Store::connect(&world.database_url).await.unwrap();
    let now_ms = aa_service::persistence::millis(OffsetDateTime::now_utc());
    let key = fiu_key();
    let mut sessions = Vec::new();
    for age in [120_000, 0] {
        let request_txnid = txnid();
        let body = fi_request(artefact, &key, &request_txnid);
        let session = FiSessionRecord {
            id: uuid::Uuid::new_v4().to_string(),
            consent_id: artefact.consent_id.clone(),
            fiu_id: "FIU-1".into(),
            fip_id: "FIP-1".into(),
            fiu_txnid: request_txnid,
            fip_session_id: None,
            status: SessionState::Requested,
            data_from: body["FIDataRange"]["from"].as_str().unwrap().into(),
            data_to: body["FIDataRange"]["to"].as_str().unwrap().into(),
            created_at: now_ms - age,
            updated_at: now_ms - age,
        };
        let account = FiAccountRecord {
            link_ref_number: "FIP-1-LINK-FIP-1-ACC-1".into(),
            masked_acc_number: "XXXXXXXX5".into(),
            fi_status: FiStatus::Pending,
            description: None,
        };
        store.insert_fi_session(&session, &[account]).await.unwrap();
        sessions.push((session.id, body));
    }
    let (stale_id, stale_body) = &sessions[0];
    let answer = world.rebit_post("FIU-1", "/FI/request", stale_body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["sessionId"], stale_id.as_str());
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    let (_, in_flight_body) = &sessions[1];
    let answer = world
        .rebit_post("FIU-1", "/FI/request", in_flight_body)
        .await;
    assert_error(&answer, 409, "IdempotencyError");
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}
