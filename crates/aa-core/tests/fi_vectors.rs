//! FI encryption against every vector in `fixtures/vectors/encryption-vectors.json` and
//! `rahasya_vectors.json`: decrypt theirs, reproduce their ciphertext byte for byte, match the
//! intermediate values, and re-emit their key encodings exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::fi_crypto::session::{derive_aes_key, xor_nonces};
use aa_core::fi_crypto::{
    self, decode_nonce, Curve, FiCryptoError, KeyPair, PrivateKey, PublicKey, SessionKey,
};
use serde_json::Value;

fn enc() -> Value {
    serde_json::from_str(include_str!("fixtures/vectors/encryption-vectors.json")).unwrap()
}

fn rahasya() -> Value {
    serde_json::from_str(include_str!("fixtures/vectors/rahasya_vectors.json")).unwrap()
}

fn enc_vector(prefix: &str) -> Value {
    enc()["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"].as_str().unwrap().starts_with(prefix))
        .cloned()
        .unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks both directions: `ours` decrypts `ct`, and encrypting `pt` again yields `ct` exactly.
fn assert_pair(
    ours: &PrivateKey,
    our_nonce: &str,
    theirs: &PublicKey,
    their_nonce: &str,
    pt: &[u8],
    ct: &str,
) {
    let (on, tn) = (
        decode_nonce(our_nonce).unwrap(),
        decode_nonce(their_nonce).unwrap(),
    );
    assert_eq!(fi_crypto::decrypt(ours, &on, theirs, &tn, ct).unwrap(), pt);
    assert_eq!(fi_crypto::encrypt(ours, &on, theirs, &tn, pt).unwrap(), ct);
    // The in-place form used for large documents gives the same bytes.
    assert_eq!(
        fi_crypto::encrypt_owned(ours, &on, theirs, &tn, pt.to_vec()).unwrap(),
        ct
    );
}

#[test]
fn fidelius_published_curve25519_vector_decrypts_and_reproduces() {
    let v = enc_vector("fidelius_cli_published");
    let (fiu, fip) = (&v["requester_FIU"], &v["sender_FIP"]);
    let fiu_priv = PrivateKey::parse(s(&fiu["privateKey"]), Some(Curve::Curve25519)).unwrap();
    let fip_priv = PrivateKey::parse(
        s(&fip["privateKey_hex_bigendian_scalar"]),
        Some(Curve::Curve25519),
    )
    .unwrap();
    let fiu_pub = PublicKey::parse(s(&fiu["publicKey"]), None).unwrap();
    let fip_pub = PublicKey::parse(s(&fip["publicKey"]), None).unwrap();
    assert_eq!(fip_pub.curve(), Curve::Curve25519);
    // The private keys derive the published public keys, in both encodings.
    assert_eq!(fiu_priv.public_key().unwrap(), fiu_pub);
    assert_eq!(fip_priv.public_key().unwrap(), fip_pub);
    assert!(
        PublicKey::parse(s(&fiu["x509PublicKey_b64"]), None).is_err(),
        "bare DER base64 is not a raw point"
    );
    let inter = &v["intermediate"];
    let shared = fiu_priv.agree(&fip_pub).unwrap();
    assert_eq!(
        hex(&shared),
        s(&inter["shared_secret_hex(WeierstrassX,BE)"])
    );
    assert_eq!(fip_priv.agree(&fiu_pub).unwrap(), shared);
    let xor = xor_nonces(
        &decode_nonce(s(&fiu["nonce"])).unwrap(),
        &decode_nonce(s(&fip["nonce"])).unwrap(),
    );
    assert_eq!(hex(&xor), s(&inter["xor_nonce_hex"]));
    assert_eq!(
        hex(derive_aes_key(&shared, &xor).as_ref()),
        s(&inter["aes256_key_hex"])
    );
    let pt = s(&v["plaintext_utf8"]).as_bytes();
    let ct = s(&v["encryptedData_b64(ciphertext||tag16)"]);
    assert_pair(
        &fiu_priv,
        s(&fiu["nonce"]),
        &fip_pub,
        s(&fip["nonce"]),
        pt,
        ct,
    );
    assert_pair(
        &fip_priv,
        s(&fip["nonce"]),
        &fiu_pub,
        s(&fiu["nonce"]),
        pt,
        ct,
    );
}

#[test]
fn rahasya_ecc_pem_vector_decrypts_and_reproduces_its_encodings() {
    let v = enc_vector("aa_ecosystem_rahasya_ecc_pem_format");
    let fiu_km = &v["FIU_KeyMaterial_in_FIRequest"];
    let fip_km = &v["FIP_KeyMaterial_in_FIFetchResponse"];
    let fiu_priv = PrivateKey::parse(s(&v["FIU_privateKey_pem_pkcs8"]), None).unwrap();
    let fip_priv = PrivateKey::parse(s(&v["FIP_privateKey_pem_pkcs8"]), None).unwrap();
    let fiu_pub = PublicKey::parse(s(&fiu_km["DHPublicKey"]["KeyValue"]), None).unwrap();
    let fip_pub = PublicKey::parse(s(&fip_km["DHPublicKey"]["KeyValue"]), None).unwrap();
    // Our encodings are BouncyCastle's, byte for byte.
    assert_eq!(
        fiu_priv.to_pem().unwrap(),
        s(&v["FIU_privateKey_pem_pkcs8"])
    );
    assert_eq!(
        fip_priv.to_pem().unwrap(),
        s(&v["FIP_privateKey_pem_pkcs8"])
    );
    assert_eq!(
        fiu_pub.to_key_value(),
        s(&fiu_km["DHPublicKey"]["KeyValue"])
    );
    assert_eq!(
        fip_priv.public_key().unwrap().to_key_value(),
        s(&fip_km["DHPublicKey"]["KeyValue"])
    );
    let inter = &v["intermediate"];
    assert_eq!(
        hex(&fiu_priv.agree(&fip_pub).unwrap()),
        s(&inter["shared_secret_hex(WeierstrassX,BE)"])
    );
    let pt = s(&v["plaintext_utf8"]).as_bytes();
    let ct = s(&v["encryptedFI"]);
    assert_pair(
        &fiu_priv,
        s(&fiu_km["Nonce"]),
        &fip_pub,
        s(&fip_km["Nonce"]),
        pt,
        ct,
    );
    assert_pair(
        &fip_priv,
        s(&fip_km["Nonce"]),
        &fiu_pub,
        s(&fiu_km["Nonce"]),
        pt,
        ct,
    );
}

#[test]
fn rfc7748_x25519_vector_in_hex_and_pem_forms() {
    let v = enc_vector("rahasya_x25519_variant");
    let alice = PrivateKey::parse(s(&v["alice_private_hex"]), Some(Curve::X25519)).unwrap();
    let bob = PrivateKey::parse(s(&v["bob_private_hex"]), Some(Curve::X25519)).unwrap();
    let alice_pub_hex = PublicKey::parse(s(&v["alice_public_hex"]), None).unwrap();
    let pem_key = v
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.starts_with("alice_public_pem_spki"))
        .map(|(_, v)| s(v).to_owned())
        .unwrap();
    let alice_pub_pem = PublicKey::parse(&pem_key, None).unwrap();
    assert_eq!(alice_pub_hex, alice_pub_pem);
    assert_eq!(alice.public_key().unwrap().to_key_value(), pem_key);
    let bob_pub = PublicKey::parse(s(&v["bob_public_pem_spki"]), None).unwrap();
    assert_eq!(bob.public_key().unwrap(), bob_pub);
    let inter = &v["intermediate"];
    let shared = alice.agree(&bob_pub).unwrap();
    assert_eq!(hex(&shared), s(&inter["x25519_shared_hex"]));
    let xor = xor_nonces(
        &decode_nonce(s(&v["nonce_A_b64"])).unwrap(),
        &decode_nonce(s(&v["nonce_B_b64"])).unwrap(),
    );
    assert_eq!(
        hex(derive_aes_key(&shared, &xor).as_ref()),
        s(&inter["aes256_key_hex"])
    );
    let pt = s(&v["plaintext_utf8"]).as_bytes();
    let ct = s(&v["ciphertext_b64(ct||tag)"]);
    assert_pair(
        &alice,
        s(&v["nonce_A_b64"]),
        &bob_pub,
        s(&v["nonce_B_b64"]),
        pt,
        ct,
    );
    assert_pair(
        &bob,
        s(&v["nonce_B_b64"]),
        &alice_pub_pem,
        s(&v["nonce_A_b64"]),
        pt,
        ct,
    );
}

#[test]
fn rahasya_known_answer_session_key() {
    let v = &rahasya()["known_answer_rfc7748_node_sample"];
    let ours = PrivateKey::parse(s(&v["ourPrivateKeyHex"]), Some(Curve::X25519)).unwrap();
    assert_eq!(
        hex(&ours.public_key().unwrap().raw()),
        s(&v["ourPublicKeyHex"])
    );
    let peer = PublicKey::parse(s(&v["peerPublicKeyHex"]), None).unwrap();
    let shared = ours.agree(&peer).unwrap();
    assert_eq!(hex(&shared), s(&v["sharedSecretHex"]));
    let xor = xor_nonces(
        &decode_nonce(s(&v["base64YourNonce"])).unwrap(),
        &decode_nonce(s(&v["base64RemoteNonce"])).unwrap(),
    );
    assert_eq!(
        hex(derive_aes_key(&shared, &xor).as_ref()),
        s(&v["sessionKeyHex"])
    );
}

fn java_vector(name: &str, curve: Curve) {
    let v = &rahasya()[name];
    let fiu_priv = PrivateKey::parse(s(&v["fiuPriv"]), None).unwrap();
    let fip_priv = PrivateKey::parse(s(&v["fipPriv"]), None).unwrap();
    let fiu_pub = PublicKey::parse(s(&v["fiuPub"]), None).unwrap();
    let fip_pub = PublicKey::parse(s(&v["fipPub"]), None).unwrap();
    assert_eq!(fiu_priv.curve(), curve);
    assert_eq!(fiu_priv.public_key().unwrap(), fiu_pub);
    assert_eq!(fip_priv.public_key().unwrap(), fip_pub);
    assert_eq!(fiu_pub.to_key_value(), s(&v["fiuPub"]));
    let pt = s(&v["pt"]).as_bytes();
    assert_pair(
        &fiu_priv,
        s(&v["fiuNonce"]),
        &fip_pub,
        s(&v["fipNonce"]),
        pt,
        s(&v["ct"]),
    );
    assert_pair(
        &fip_priv,
        s(&v["fipNonce"]),
        &fiu_pub,
        s(&v["fiuNonce"]),
        pt,
        s(&v["ct"]),
    );
}

#[test]
fn java_rahasya_x25519_vector_decrypts_and_reproduces() {
    java_vector("java_rahasya_x25519", Curve::X25519);
}

#[test]
fn java_rahasya_ecc_vector_decrypts_and_reproduces() {
    java_vector("java_rahasya_ecc_curve25519_weierstrass", Curve::Curve25519);
    // BouncyCastle's PKCS#8 layout is reproduced exactly.
    let v = &rahasya()["java_rahasya_ecc_curve25519_weierstrass"];
    let fiu_priv = PrivateKey::parse(s(&v["fiuPriv"]), None).unwrap();
    assert_eq!(fiu_priv.to_pem().unwrap(), s(&v["fiuPriv"]));
}

#[test]
fn fresh_key_pairs_round_trip_in_both_curves_and_every_encoding() {
    for curve in [Curve::X25519, Curve::Curve25519] {
        let a = KeyPair::generate(curve).unwrap();
        let b = KeyPair::generate(curve).unwrap();
        let a_priv = PrivateKey::parse(&a.private.to_pem().unwrap(), None).unwrap();
        let b_pub = PublicKey::parse(&b.public.to_key_value(), None).unwrap();
        assert_eq!(
            a_priv.agree(&b_pub).unwrap(),
            b.private.agree(&a.public).unwrap()
        );
        let (na, nb) = ([7u8; 32], [9u8; 32]);
        let ct = fi_crypto::encrypt(&a.private, &na, &b.public, &nb, b"statement").unwrap();
        assert_eq!(
            fi_crypto::decrypt(&b.private, &nb, &a.public, &na, &ct).unwrap(),
            b"statement"
        );
    }
}

#[test]
fn tampered_ciphertext_wrong_nonce_and_wrong_key_fail_to_decrypt() {
    let a = KeyPair::generate(Curve::X25519).unwrap();
    let b = KeyPair::generate(Curve::X25519).unwrap();
    let c = KeyPair::generate(Curve::X25519).unwrap();
    let (na, nb) = ([1u8; 32], [2u8; 32]);
    let session = SessionKey::derive(&a.private, &b.public, &na, &nb).unwrap();
    let mut ct = session.encrypt(b"balance 1000.00");
    let good = SessionKey::derive(&b.private, &a.public, &nb, &na).unwrap();
    assert_eq!(good.decrypt(&ct).unwrap(), b"balance 1000.00");
    ct[3] ^= 0x01;
    assert_eq!(good.decrypt(&ct), Err(FiCryptoError::Decrypt));
    let wrong_nonce = SessionKey::derive(&b.private, &a.public, &[3u8; 32], &na).unwrap();
    assert_eq!(
        wrong_nonce.decrypt(&session.encrypt(b"x")),
        Err(FiCryptoError::Decrypt)
    );
    let wrong_key = SessionKey::derive(&c.private, &a.public, &nb, &na).unwrap();
    assert_eq!(
        wrong_key.decrypt(&session.encrypt(b"x")),
        Err(FiCryptoError::Decrypt)
    );
    assert_eq!(good.decrypt_b64("***"), Err(FiCryptoError::Base64));
}

#[test]
fn mixing_curve_forms_is_refused() {
    let a = KeyPair::generate(Curve::X25519).unwrap();
    let b = KeyPair::generate(Curve::Curve25519).unwrap();
    assert_eq!(
        a.private.agree(&b.public),
        Err(FiCryptoError::CurveMismatch)
    );
    assert_eq!(
        PublicKey::parse(&a.public.to_key_value(), Some(Curve::Curve25519)),
        Err(FiCryptoError::CurveMismatch)
    );
}

#[test]
fn raw_private_keys_need_a_curve() {
    assert_eq!(
        PrivateKey::parse(&"11".repeat(32), None).err(),
        Some(FiCryptoError::CurveUnknown)
    );
}

#[test]
fn points_off_the_curve_and_low_order_points_are_refused() {
    let mut bad = vec![0x04];
    bad.extend_from_slice(&[0x11; 64]);
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(&bad);
    assert!(matches!(
        PublicKey::parse(&text, None),
        Err(FiCryptoError::InvalidKey(_))
    ));
    // u = 0 is of low order: X25519 gives an all-zero secret.
    let zero = PublicKey::x25519([0u8; 32]);
    let a = KeyPair::generate(Curve::X25519).unwrap();
    assert_eq!(a.private.agree(&zero), Err(FiCryptoError::WeakSharedSecret));
}

#[test]
fn nonces_must_be_32_bytes_of_base64() {
    assert!(decode_nonce("AAAA").is_err());
    assert!(decode_nonce("not base64!").is_err());
    assert!(decode_nonce(&"A".repeat(43)).is_ok());
}

proptest::proptest! {
    #[test]
    fn key_parsers_never_panic(text in ".{0,400}") {
        let _ = PublicKey::parse(&text, None);
        let _ = PrivateKey::parse(&text, Some(Curve::Curve25519));
        let _ = PrivateKey::parse(&text, None);
    }

    #[test]
    fn der_garbage_inside_pem_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
        let pem = aa_core::pem::encode("PUBLIC KEY", &bytes);
        let _ = PublicKey::parse(&pem, None);
        let pem = aa_core::pem::encode("PRIVATE KEY", &bytes);
        let _ = PrivateKey::parse(&pem, None);
    }

    #[test]
    fn encrypt_decrypt_round_trips(pt in proptest::collection::vec(proptest::num::u8::ANY, 0..2048), x in proptest::bool::ANY) {
        let curve = if x { Curve::X25519 } else { Curve::Curve25519 };
        let a = KeyPair::generate(curve).unwrap();
        let b = KeyPair::generate(curve).unwrap();
        let (na, nb) = (fi_crypto::keys::random_bytes::<32>().unwrap(), fi_crypto::keys::random_bytes::<32>().unwrap());
        let ct = fi_crypto::encrypt(&a.private, &na, &b.public, &nb, &pt).unwrap();
        proptest::prop_assert_eq!(fi_crypto::decrypt(&b.private, &nb, &a.public, &na, &ct).unwrap(), pt);
    }
}
