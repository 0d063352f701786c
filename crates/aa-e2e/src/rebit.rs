//! Signed ReBIT calls the end-to-end tests make straight to a service, as one of the
//! ecosystem's entities: an FIU's `FI/request` and `Consent/fetch` at the AA, the AA's
//! `FI/request` at an FIP.

use aa_core::fi_crypto::{key_material, Curve};
use aa_core::registry::Role;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::walk::s;
use crate::Local;

/// Who calls: entity id, role, and the API-key header its role uses.
pub type Caller<'a> = (&'a str, Role, &'a str);

/// FIU-1 calling the AA.
pub const AS_FIU: Caller<'static> = ("FIU-1", Role::Fiu, "client_api_key");
/// AA-1 calling an FIP.
pub const AS_AA: Caller<'static> = ("AA-1", Role::Aa, "aa_api_key");

/// Posts `body` to `url` signed by `caller` with a fresh API key; the status and JSON body.
pub async fn post(local: &Local, url: &str, caller: Caller<'_>, body: &Value) -> (u16, Value) {
    let (entity, _, header) = caller;
    let key = local.api_key(entity);
    let bytes = serde_json::to_vec(body).unwrap();
    let answer = aa_testkit::post_signed(
        url,
        Some((header, &key)),
        Some(&local.signer(entity)),
        &bytes,
    )
    .await;
    (answer.status, answer.body)
}

/// `FI/request` for `consent_id` over `range`, with a fresh X25519 key expiring at `key_expiry`.
pub async fn fi_request(
    local: &Local,
    url: &str,
    caller: Caller<'_>,
    consent_id: &str,
    digital_signature: &str,
    range: (&str, &str),
    key_expiry: OffsetDateTime,
) -> (u16, Value) {
    let ours = key_material::generate(Curve::X25519, key_expiry).unwrap();
    let body = json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
        "FIDataRange": {"from": range.0, "to": range.1},
        "Consent": {"id": consent_id, "digitalSignature": digital_signature},
        "KeyMaterial": ours.key_material,
    });
    post(local, url, caller, &body).await
}

/// The signed artefact of `consent_id`, fetched from the AA as FIU-1.
pub async fn signed_consent(local: &Local, consent_id: &str) -> String {
    let aa = local.service("aa-service").base_url.clone();
    let body = json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
        "consentId": consent_id,
    });
    let (status, answer) = post(local, &format!("{aa}/Consent/fetch"), AS_FIU, &body).await;
    assert_eq!(status, 200, "{answer}");
    s(&answer["signedConsent"])
}

/// The JWS signature segment of `consent_id`'s artefact: what `Consent.digitalSignature` holds.
pub async fn digital_signature(local: &Local, consent_id: &str) -> String {
    signed_consent(local, consent_id)
        .await
        .rsplit('.')
        .next()
        .unwrap()
        .to_owned()
}
