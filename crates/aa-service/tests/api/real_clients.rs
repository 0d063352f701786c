//! Real clients as they are: what Sahamati's sample FIU client sends (a `Bearer ` API key, a
//! token in the token service's documented shape, an RFC 7797 signature without `kid`, a VIEW
//! consent with DataLife 0), reproduced by our own code over real HTTP.

use aa_core::apikey::Issuer;
use aa_core::jws::SigningKey;
use aa_testkit::{keys, Answer, ISSUER_ID, ISSUER_KID};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::{consent_request, txnid, World, HANDLE};

/// A token shaped as Sahamati's access-token logistics document shows it: `roles` a string,
/// `sub` a UUID, `typ`, `acr` and `scope` present; `azp` and `jti` only when asked for.
fn sahamati_token(azp: Option<&str>, roles: Value) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = json!({
        "exp": now + 3600, "iat": now,
        "iss": ISSUER_ID,
        "sub": "0ac207b8-676e-43ff-baa4-464d17f4608c",
        "typ": "Bearer", "acr": "1", "scope": "openid email profile",
        "roles": roles,
    });
    if let Some(azp) = azp {
        claims["azp"] = json!(azp);
    }
    Issuer::from_pem(ISSUER_ID, ISSUER_KID, keys::ISSUER)
        .unwrap()
        .sign(&claims)
        .unwrap()
}

/// An RFC 7797 detached signature whose header names no `kid`.
fn sign_without_kid(key: &SigningKey, body: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","b64":false,"crit":["b64"]}"#);
    let mut input = format!("{header}.").into_bytes();
    input.extend_from_slice(body);
    format!("{header}..{}", URL_SAFE_NO_PAD.encode(key.sign(&input)))
}

fn view_consent_with_data_life_zero() -> Vec<u8> {
    let mut body = consent_request("FIU-1", HANDLE, &txnid());
    body["ConsentDetail"]["consentMode"] = json!("VIEW");
    body["ConsentDetail"]["DataLife"] = json!({ "unit": "DAY", "value": 0 });
    body.to_string().into_bytes()
}

async fn post_consent(world: &World, api_key: &str, signature: &str, body: &[u8]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/Consent", world.aa_url))
        .header("content-type", "application/json")
        .header("client_api_key", api_key)
        .header("x-jws-signature", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap().to_vec();
    let answer = Answer {
        status,
        body: serde_json::from_slice(&raw).unwrap(),
        signature,
        raw,
    };
    world.assert_signed_by_aa(&answer);
    (answer.status, answer.body)
}

#[tokio::test]
async fn the_sahamati_sample_fiu_clients_request_is_accepted_unmodified() {
    let world = World::start().await;
    let body = view_consent_with_data_life_zero();
    let token = sahamati_token(Some("FIU-1"), json!("FIU"));
    let signature = sign_without_kid(&world.eco.signer("FIU-1"), &body);
    let (status, answer) =
        post_consent(&world, &format!("Bearer {token}"), &signature, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["ConsentHandle"].is_string(), "{answer}");
}

#[tokio::test]
async fn a_signature_without_kid_must_verify_under_the_api_keys_entity() {
    let world = World::start().await;
    let body = view_consent_with_data_life_zero();
    let token = sahamati_token(Some("FIU-1"), json!("FIU"));
    // Signed by FIU-2's registered key, but the API key says FIU-1 is calling.
    let signature = sign_without_kid(&world.eco.signer("FIU-2"), &body);
    let (status, answer) = post_consent(&world, &token, &signature, &body).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errorCode"], "SignatureDoesNotMatch");
}

#[tokio::test]
async fn a_token_refusal_names_the_failing_claim() {
    let world = World::start().await;
    let body = view_consent_with_data_life_zero();
    let signature = sign_without_kid(&world.eco.signer("FIU-1"), &body);
    let cases = [
        (sahamati_token(Some("FIU-1"), json!(42)), "roles"),
        (sahamati_token(Some("FIU-1"), Value::Null), "roles"),
    ];
    for (token, claim) in cases {
        let (status, answer) = post_consent(&world, &token, &signature, &body).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["errorCode"], "Unauthorized");
        let message = answer["errorMsg"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("claim {claim}")), "{message}");
    }
    // Without azp the subject is the caller; an unknown one is named.
    let (status, answer) = post_consent(
        &world,
        &sahamati_token(None, json!("FIU")),
        &signature,
        &body,
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    let message = answer["errorMsg"].as_str().unwrap_or_default();
    assert!(
        message.contains("0ac207b8-676e-43ff-baa4-464d17f4608c"),
        "{message}"
    );
}
