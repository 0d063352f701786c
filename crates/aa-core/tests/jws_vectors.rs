//! Known-answer, round-trip and tamper tests for detached and compact JWS, against
//! `fixtures/vectors/jws-vectors.json` (public test key from the ecosystem).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::jws::{compact, detached, JwsError, SigningKey, VerifyingKey};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/vectors/jws-vectors.json")).unwrap()
}

fn vector(name_prefix: &str) -> Value {
    vectors()["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"].as_str().unwrap().starts_with(name_prefix))
        .cloned()
        .unwrap()
}

const KID: &str = "4271913e-7b93-49dd-9949-1c76ff5fc5cf";

fn signing_key_pem() -> SigningKey {
    SigningKey::from_text(
        vectors()["test_key_private_pem_pkcs8"].as_str().unwrap(),
        Some(KID),
    )
    .unwrap()
}

fn signing_key_jwk() -> SigningKey {
    SigningKey::from_text(&vectors()["test_key_jwk_private"].to_string(), None).unwrap()
}

fn verifying_key() -> VerifyingKey {
    VerifyingKey::from_text(
        vectors()["test_key_public_pem"].as_str().unwrap(),
        Some(KID),
    )
    .unwrap()
}

fn body(v: &Value) -> Vec<u8> {
    v["payload_http_body_utf8"]
        .as_str()
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[test]
fn detached_signature_reproduces_the_vector_byte_for_byte_from_pem_and_jwk() {
    let v = vector("detached_rfc7797_b64false_crit");
    let expected = v["x-jws-signature"].as_str().unwrap();
    assert_eq!(detached::sign(&signing_key_pem(), &body(&v)), expected);
    assert_eq!(detached::sign(&signing_key_jwk(), &body(&v)), expected);
    let header = expected.split('.').next().unwrap();
    assert_eq!(header, v["protected_header_b64url"].as_str().unwrap());
}

#[test]
fn every_detached_vector_verifies() {
    let key = verifying_key();
    for name in [
        "detached_rfc7797_b64false_crit",
        "detached_rfc7797_b64false_no_crit",
        "detached_rfc7515_appendixF_b64true",
    ] {
        let v = vector(name);
        let sig = v["x-jws-signature"].as_str().unwrap();
        let header = detached::verify(sig, &body(&v), |kid| (kid == KID).then_some(&key))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(header.kid.as_deref(), Some(KID));
    }
}

#[test]
fn get_uri_detached_vector_verifies_over_the_path() {
    let v = vector("get_uri_detached");
    let sig = v["x-jws-signature"].as_str().unwrap();
    let key = verifying_key();
    detached::verify(sig, v["payload_uri"].as_str().unwrap().as_bytes(), |_| {
        Some(&key)
    })
    .unwrap();
    let signed = detached::sign(
        &signing_key_pem(),
        v["payload_uri"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(signed, sig);
}

#[test]
fn jwk_public_key_verifies_like_the_pem() {
    let mut jwk = vectors()["test_key_jwk_private"].clone();
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        jwk.as_object_mut().unwrap().remove(private);
    }
    let from_jwk = VerifyingKey::from_text(&jwk.to_string(), None).unwrap();
    assert_eq!(from_jwk, verifying_key());
    assert_eq!(signing_key_pem().verifying_key(), verifying_key());
    let round = VerifyingKey::from_text(&verifying_key().to_pem(), Some(KID)).unwrap();
    assert_eq!(round, verifying_key());
}

#[test]
fn compact_consent_signature_reproduces_the_vector() {
    let v = vector("signedConsent_compact_jws");
    let detail = v["consent_detail_json_utf8"].as_str().unwrap();
    let expected = v["signedConsent"].as_str().unwrap();
    assert_eq!(
        compact::sign(&signing_key_pem(), detail.as_bytes()),
        expected
    );
    let key = verifying_key();
    let verified = compact::verify(expected, |_| Some(&key)).unwrap();
    assert_eq!(verified.payload, detail.as_bytes());
    assert_eq!(
        verified.signature_segment,
        compact::signature_segment(expected).unwrap()
    );
    assert_eq!(compact::kid(expected).unwrap(), KID);
}

#[test]
fn legacy_compact_consent_with_b64_false_header_is_accepted() {
    let legacy = vector("signedConsent_legacy");
    let detail = vector("signedConsent_compact_jws")["consent_detail_json_utf8"].clone();
    let key = verifying_key();
    let verified =
        compact::verify(legacy["signedConsent"].as_str().unwrap(), |_| Some(&key)).unwrap();
    assert_eq!(verified.payload, detail.as_str().unwrap().as_bytes());
}

#[test]
fn a_flipped_body_byte_is_a_bad_signature() {
    let v = vector("detached_rfc7797_b64false_crit");
    let sig = v["x-jws-signature"].as_str().unwrap();
    let key = verifying_key();
    let mut tampered = body(&v);
    tampered[10] ^= 1;
    assert_eq!(
        detached::verify(sig, &tampered, |_| Some(&key)),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn a_flipped_signature_byte_is_a_bad_signature() {
    let v = vector("detached_rfc7797_b64false_crit");
    let sig = v["x-jws-signature"].as_str().unwrap();
    let key = verifying_key();
    // Change one character of the signature segment to another base64url character.
    let mut chars: Vec<char> = sig.chars().collect();
    let last = chars.len() - 5;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    assert_eq!(
        detached::verify(&tampered, &body(&v), |_| Some(&key)),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn an_altered_header_is_refused() {
    let v = vector("detached_rfc7797_b64false_crit");
    let sig = v["x-jws-signature"].as_str().unwrap();
    let (_, rest) = sig.split_once('.').unwrap();
    let key = verifying_key();
    let other_header = base64url(&format!(
        r#"{{"alg":"RS256","kid":"{KID}","b64":false,"crit":["b64"],"x":1}}"#
    ));
    let tampered = format!("{other_header}.{rest}");
    assert_eq!(
        detached::verify(&tampered, &body(&v), |_| Some(&key)),
        Err(JwsError::BadSignature)
    );
}

fn base64url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text.as_bytes())
}

fn forged(header: &str) -> String {
    format!("{}..c2ln", base64url(header))
}

#[test]
fn algorithms_other_than_rs256_are_refused() {
    let key = verifying_key();
    for alg in ["none", "HS256", "RS512", "PS256", "ES256"] {
        let jws = forged(&format!(
            r#"{{"alg":"{alg}","kid":"{KID}","b64":false,"crit":["b64"]}}"#
        ));
        assert_eq!(
            detached::verify(&jws, b"{}", |_| Some(&key)),
            Err(JwsError::UnsupportedAlgorithm(alg.into()))
        );
    }
}

#[test]
fn unknown_critical_parameters_are_refused() {
    let key = verifying_key();
    let jws = forged(&format!(
        r#"{{"alg":"RS256","kid":"{KID}","b64":false,"crit":["b64","exp"],"exp":1}}"#
    ));
    assert_eq!(
        detached::verify(&jws, b"{}", |_| Some(&key)),
        Err(JwsError::UnknownCritical("exp".into()))
    );
}

#[test]
fn a_non_empty_payload_segment_is_refused_on_a_detached_signature() {
    let v = vector("detached_rfc7797_b64false_crit");
    let sig = v["x-jws-signature"].as_str().unwrap();
    let (header, signature) = sig.split_once("..").unwrap();
    let attached = format!("{header}.e30.{signature}");
    let key = verifying_key();
    assert_eq!(
        detached::verify(&attached, &body(&v), |_| Some(&key)),
        Err(JwsError::PayloadNotDetached)
    );
}

#[test]
fn an_unknown_kid_is_reported() {
    let v = vector("detached_rfc7797_b64false_crit");
    let sig = v["x-jws-signature"].as_str().unwrap();
    assert_eq!(
        detached::verify(sig, &body(&v), |_| None),
        Err(JwsError::UnknownKey(KID.into()))
    );
}

#[test]
fn signatures_by_another_key_do_not_verify() {
    let other =
        SigningKey::from_text(include_str!("fixtures/keys/other-rsa.pem"), Some(KID)).unwrap();
    let sig = detached::sign(&other, b"{}");
    let key = verifying_key();
    assert_eq!(
        detached::verify(&sig, b"{}", |_| Some(&key)),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn kid_is_json_escaped_in_the_header() {
    assert_eq!(
        detached::protected_header(r#"a"b"#),
        r#"{"alg":"RS256","kid":"a\"b","b64":false,"crit":["b64"]}"#
    );
}

proptest::proptest! {
    #[test]
    fn garbage_signatures_never_panic(sig in ".{0,300}", body in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        let key = verifying_key();
        let _ = detached::verify(&sig, &body, |_| Some(&key));
        let _ = compact::verify(&sig, |_| Some(&key));
        let _ = compact::kid(&sig);
    }

    #[test]
    fn detached_sign_then_verify_round_trips(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let sig = detached::sign(&signing_key_pem(), &body);
        let key = verifying_key();
        proptest::prop_assert!(detached::verify(&sig, &body, |_| Some(&key)).is_ok());
    }
}
