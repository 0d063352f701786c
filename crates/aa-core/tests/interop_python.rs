//! Cross-checks against an independent implementation: `scripts/interop/peer.py` (Python,
//! `cryptography` plus hand-written Weierstrass arithmetic, sharing no code with this crate).
//! Our ciphertexts decrypt there and theirs here, in both curve forms, including shared secrets
//! whose first byte is zero; our detached signatures verify there and theirs here.
//!
//! These tests need `python3` with `cryptography` (installed by `.ci/run`); they fail, rather
//! than skip, when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

use aa_core::fi_crypto::{self, Curve, KeyPair, PrivateKey, PublicKey};
use aa_core::jws::{detached, SigningKey};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

fn peer(command: &str, input: Value) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/interop/peer.py");
    let python = std::env::var("AA_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(&python)
        .arg(script)
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "peer.py {command} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Ours {
    pair: KeyPair,
    nonce: [u8; 32],
}

fn ours(curve: Curve) -> Ours {
    Ours {
        pair: KeyPair::generate(curve).unwrap(),
        nonce: fi_crypto::keys::random_bytes::<32>().unwrap(),
    }
}

/// Encrypts both ways between `us` and the peer's key `theirs` and checks each side decrypts
/// the other's ciphertext; also compares the ECDH output.
fn exchange(curve: Curve, us: &Ours, theirs: &Value, plaintext: &[u8]) {
    let their_pub = PublicKey::parse(s(&theirs["publicKey"]), Some(curve)).unwrap();
    let their_nonce = fi_crypto::decode_nonce(s(&theirs["nonce"])).unwrap();
    let common = json!({
        "curve": curve.as_str(),
        "privateKey": theirs["privateKey"],
        "remotePublicKey": us.pair.public.to_key_value(),
        "nonce": theirs["nonce"],
        "remoteNonce": STANDARD.encode(us.nonce),
    });
    let shared = peer("ecdh", common.clone());
    assert_eq!(
        s(&shared["sharedSecretHex"]),
        hex(&us.pair.private.agree(&their_pub).unwrap())
    );
    // Ours -> theirs.
    let ct = fi_crypto::encrypt(
        &us.pair.private,
        &us.nonce,
        &their_pub,
        &their_nonce,
        plaintext,
    )
    .unwrap();
    let mut input = common.clone();
    input["encryptedFI"] = json!(ct);
    let opened = peer("fi-decrypt", input);
    assert_eq!(
        STANDARD.decode(s(&opened["plaintextB64"])).unwrap(),
        plaintext
    );
    // Theirs -> ours.
    let mut input = common;
    input["plaintextB64"] = json!(STANDARD.encode(plaintext));
    let sealed = peer("fi-encrypt", input);
    let back = fi_crypto::decrypt(
        &us.pair.private,
        &us.nonce,
        &their_pub,
        &their_nonce,
        s(&sealed["encryptedFI"]),
    )
    .unwrap();
    assert_eq!(back, plaintext);
    assert_eq!(
        s(&sealed["encryptedFI"]),
        ct,
        "both sides derive the same key and IV"
    );
}

fn round_trip(curve: Curve) {
    let theirs = peer("fi-keygen", json!({ "curve": curve.as_str() }));
    // Their private key, in their own encoding, also parses here.
    let their_priv = PrivateKey::parse(s(&theirs["privateKey"]), Some(curve)).unwrap();
    assert_eq!(
        their_priv.public_key().unwrap(),
        PublicKey::parse(s(&theirs["publicKey"]), None).unwrap()
    );
    exchange(
        curve,
        &ours(curve),
        &theirs,
        "<Account type=\"deposit\"/>".repeat(50).as_bytes(),
    );
}

#[test]
fn x25519_ciphertexts_cross_decrypt_with_the_python_peer() {
    round_trip(Curve::X25519);
}

#[test]
fn curve25519_weierstrass_ciphertexts_cross_decrypt_with_the_python_peer() {
    round_trip(Curve::Curve25519);
}

/// Finds one of our keys whose shared secret with `theirs` starts with a zero byte (1 in 256).
fn leading_zero_pair(curve: Curve, theirs: &Value) -> Ours {
    let their_pub = PublicKey::parse(s(&theirs["publicKey"]), Some(curve)).unwrap();
    for _ in 0..20_000 {
        let candidate = ours(curve);
        if candidate.pair.private.agree(&their_pub).unwrap()[0] == 0 {
            return candidate;
        }
    }
    panic!("no leading-zero shared secret in 20000 tries");
}

#[test]
fn shared_secrets_with_a_leading_zero_byte_interoperate_in_both_curves() {
    for curve in [Curve::X25519, Curve::Curve25519] {
        let theirs = peer("fi-keygen", json!({ "curve": curve.as_str() }));
        let us = leading_zero_pair(curve, &theirs);
        exchange(curve, &us, &theirs, b"leading zero kept");
    }
}

const KID: &str = "fiu-1-sig";
const KEY: &str = include_str!("fixtures/keys/fiu-1.pem");

#[test]
fn our_detached_signatures_verify_in_python_and_theirs_here_byte_for_byte() {
    let key = SigningKey::from_pem(KEY, KID).unwrap();
    let public_pem = key.verifying_key().to_pem();
    let body =
        br#"{"ver":"2.0.0","txnid":"0b811819-9044-4856-b0ee-8c88035f8858","x":"\u20b9 1,000"}"#;
    let ours = detached::sign(&key, body);
    let verdict = peer(
        "jws-verify",
        json!({"publicKeyPem": public_pem, "signature": ours, "bodyB64": STANDARD.encode(body)}),
    );
    assert_eq!(verdict["valid"], true, "{verdict}");
    let theirs = peer(
        "jws-sign",
        json!({"privateKeyPem": KEY, "kid": KID, "bodyB64": STANDARD.encode(body)}),
    );
    let theirs = s(&theirs["signature"]);
    let verifying = key.verifying_key();
    detached::verify(theirs, body, |_| Some(&verifying)).unwrap();
    assert_eq!(
        theirs, ours,
        "RS256 is deterministic: the same bytes on both sides"
    );
    let mut tampered = body.to_vec();
    tampered[5] ^= 1;
    let verdict = peer(
        "jws-verify",
        json!({"publicKeyPem": key.verifying_key().to_pem(), "signature": ours, "bodyB64": STANDARD.encode(&tampered)}),
    );
    assert_eq!(verdict["valid"], false);
}
