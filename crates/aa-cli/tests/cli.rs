//! The `aa` binary end to end: what a newcomer does with a peer's values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn aa(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aa"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The tool may exit before reading stdin (a bad flag, an unreadable key): a broken pipe here
    // is expected and the exit status tells the story.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let run = aa(args, stdin);
    assert_eq!(run.code, 0, "aa {args:?}: {}", run.stderr);
    run.stdout
}

fn fails(args: &[&str], stdin: &[u8]) -> String {
    let run = aa(args, stdin);
    assert_eq!(run.code, 1, "aa {args:?} should fail");
    assert!(run.stdout.is_empty(), "nothing on stdout on failure");
    assert!(run.stderr.starts_with("aa: "), "{}", run.stderr);
    run.stderr
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../aa-core/tests/fixtures")
}

fn vectors(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join("vectors").join(name)).unwrap()).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    format!("@{}", path.display())
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn keygen_prints_a_private_key_and_rebit_key_material_for_both_curves() {
    for curve in ["X25519", "Curve25519"] {
        let out: Value =
            serde_json::from_slice(&ok(&["fi", "keygen", "--curve", curve], b"")).unwrap();
        assert!(s(&out["privateKey"]).starts_with("-----BEGIN PRIVATE KEY-----"));
        let km = &out["KeyMaterial"];
        assert_eq!(km["cryptoAlg"], "ECDH");
        assert_eq!(km["curve"], curve);
        let expiry = s(&km["DHPublicKey"]["expiry"]);
        assert_eq!(expiry.len(), 24, "yyyy-MM-ddTHH:mm:ss.SSSZ: {expiry}");
        assert!(expiry.ends_with('Z') && expiry.as_bytes()[19] == b'.');
        assert!(s(&km["DHPublicKey"]["KeyValue"]).starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(base64_len(s(&km["Nonce"])), 32);
    }
    assert!(fails(&["fi", "keygen", "--curve", "P-256"], b"").contains("unsupported curve"));
}

fn base64_len(text: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
        .len()
}

#[test]
fn two_parties_encrypt_and_decrypt_with_keygen_output_via_files() {
    let dir = tempfile::tempdir().unwrap();
    for curve in ["X25519", "Curve25519"] {
        let fiu: Value =
            serde_json::from_slice(&ok(&["fi", "keygen", "--curve", curve], b"")).unwrap();
        let fip: Value =
            serde_json::from_slice(&ok(&["fi", "keygen", "--curve", curve], b"")).unwrap();
        let fip_priv = write(dir.path(), "fip.pem", s(&fip["privateKey"]));
        let fiu_priv = write(dir.path(), "fiu.pem", s(&fiu["privateKey"]));
        let fiu_pub = write(
            dir.path(),
            "fiu.pub",
            s(&fiu["KeyMaterial"]["DHPublicKey"]["KeyValue"]),
        );
        let fip_pub = write(
            dir.path(),
            "fip.pub",
            s(&fip["KeyMaterial"]["DHPublicKey"]["KeyValue"]),
        );
        let (fiu_nonce, fip_nonce) = (
            s(&fiu["KeyMaterial"]["Nonce"]),
            s(&fip["KeyMaterial"]["Nonce"]),
        );
        let ct = ok(
            &[
                "fi",
                "encrypt",
                "--private-key",
                &fip_priv,
                "--nonce",
                fip_nonce,
                "--remote-key",
                &fiu_pub,
                "--remote-nonce",
                fiu_nonce,
            ],
            b"<Account/>",
        );
        let pt = ok(
            &[
                "fi",
                "decrypt",
                "--private-key",
                &fiu_priv,
                "--nonce",
                fiu_nonce,
                "--remote-key",
                &fip_pub,
                "--remote-nonce",
                fip_nonce,
            ],
            &ct,
        );
        assert_eq!(pt, b"<Account/>");
        let err = fails(
            &[
                "fi",
                "decrypt",
                "--private-key",
                &fiu_priv,
                "--nonce",
                fip_nonce,
                "--remote-key",
                &fip_pub,
                "--remote-nonce",
                fip_nonce,
            ],
            &ct,
        );
        assert!(err.contains("decryption failed"), "{err}");
    }
}

#[test]
fn a_peers_published_ciphertext_decrypts_with_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "java_rahasya_x25519",
        "java_rahasya_ecc_curve25519_weierstrass",
    ] {
        let v = &vectors("rahasya_vectors.json")[name];
        let pt = ok(
            &[
                "fi",
                "decrypt",
                "--private-key",
                &write(dir.path(), "k", s(&v["fiuPriv"])),
                "--nonce",
                s(&v["fiuNonce"]),
                "--remote-key",
                &write(dir.path(), "p", s(&v["fipPub"])),
                "--remote-nonce",
                s(&v["fipNonce"]),
            ],
            s(&v["ct"]).as_bytes(),
        );
        assert_eq!(pt, s(&v["pt"]).as_bytes(), "{name}");
    }
    // Raw keys: the curve comes from the remote key's form (04||X||Y is Curve25519).
    let v = &vectors("encryption-vectors.json")["vectors"][0];
    let pt = ok(
        &[
            "fi",
            "decrypt",
            "--private-key",
            s(&v["requester_FIU"]["privateKey"]),
            "--nonce",
            s(&v["requester_FIU"]["nonce"]),
            "--remote-key",
            s(&v["sender_FIP"]["publicKey"]),
            "--remote-nonce",
            s(&v["sender_FIP"]["nonce"]),
        ],
        s(&v["encryptedData_b64(ciphertext||tag16)"]).as_bytes(),
    );
    assert_eq!(pt, s(&v["plaintext_utf8"]).as_bytes());
}

#[test]
fn jws_sign_reproduces_the_vector_and_verify_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let v = vectors("jws-vectors.json");
    let key = write(dir.path(), "key.pem", s(&v["test_key_private_pem_pkcs8"]));
    let jwk = write(
        dir.path(),
        "key.jwk",
        &v["test_key_jwk_private"].to_string(),
    );
    let public = write(dir.path(), "pub.pem", s(&v["test_key_public_pem"]));
    let vector = &v["vectors"][0];
    let body = s(&vector["payload_http_body_utf8"]).as_bytes();
    let expected = s(&vector["x-jws-signature"]);
    let kid = "4271913e-7b93-49dd-9949-1c76ff5fc5cf";
    assert_eq!(
        String::from_utf8(ok(&["jws", "sign", "--key", &key, "--kid", kid], body))
            .unwrap()
            .trim(),
        expected
    );
    assert_eq!(
        String::from_utf8(ok(&["jws", "sign", "--key", &jwk], body))
            .unwrap()
            .trim(),
        expected
    );
    let verdict: Value = serde_json::from_slice(&ok(
        &["jws", "verify", "--key", &public, "--signature", expected],
        body,
    ))
    .unwrap();
    assert_eq!(verdict["kid"], kid);
    let mut tampered = body.to_vec();
    tampered[3] ^= 1;
    let err = fails(
        &["jws", "verify", "--key", &public, "--signature", expected],
        &tampered,
    );
    assert!(err.contains("signature does not verify"), "{err}");

    let consent = &v["vectors"][4];
    let detail = s(&consent["consent_detail_json_utf8"]).as_bytes();
    let signed = String::from_utf8(ok(
        &["jws", "sign", "--key", &key, "--kid", kid, "--compact"],
        detail,
    ))
    .unwrap();
    assert_eq!(signed.trim(), s(&consent["signedConsent"]));
    let verdict: Value = serde_json::from_slice(&ok(
        &[
            "jws",
            "verify",
            "--key",
            &public,
            "--signature",
            signed.trim(),
            "--compact",
        ],
        b"",
    ))
    .unwrap();
    assert_eq!(verdict["payload"]["consentMode"], "STORE");
}

#[test]
fn tokens_issue_and_verify_with_role_and_entity_checks() {
    let key = format!("@{}", fixtures().join("keys/issuer.pem").display());
    let token = ok(
        &[
            "token", "issue", "--key", &key, "--kid", "t1", "--iss", "AA-1", "--entity", "FIU-1",
            "--role", "FIU", "--ttl", "600",
        ],
        b"",
    );
    let token = String::from_utf8(token).unwrap();
    let claims: Value = serde_json::from_slice(&ok(
        &[
            "token",
            "verify",
            "--key",
            &key,
            "--kid",
            "t1",
            "--iss",
            "AA-1",
            "--token",
            token.trim(),
            "--role",
            "FIU",
            "--entity",
            "FIU-1",
        ],
        b"",
    ))
    .unwrap();
    assert_eq!(claims["azp"], "FIU-1");
    assert_eq!(claims["roles"][0], "FIU");
    let err = fails(
        &[
            "token",
            "verify",
            "--key",
            &key,
            "--kid",
            "t1",
            "--iss",
            "AA-1",
            "--token",
            token.trim(),
            "--role",
            "AA",
        ],
        b"",
    );
    assert!(err.contains("lacks the AA role"), "{err}");
    let err = fails(
        &[
            "token",
            "verify",
            "--key",
            &key,
            "--kid",
            "t1",
            "--iss",
            "AA-2",
            "--token",
            token.trim(),
        ],
        b"",
    );
    assert!(
        err.contains("claim iss"),
        "the refusal names the claim: {err}"
    );
}

#[test]
fn unreadable_inputs_fail_cleanly() {
    let err = fails(
        &[
            "jws",
            "sign",
            "--key",
            "@/nonexistent/key.pem",
            "--kid",
            "k",
        ],
        b"{}",
    );
    assert!(err.contains("cannot read /nonexistent/key.pem"), "{err}");
    let err = fails(&["jws", "sign", "--key", "not a key", "--kid", "k"], b"{}");
    assert!(err.contains("--key"), "{err}");
}
