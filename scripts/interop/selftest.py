#!/usr/bin/env python3
"""Check peer.py against the published test vectors in ./vectors/.

Runs peer.py as a subprocess (exactly as the Rust tests do), so the CLI is
exercised end to end. Prints one line per failure and a one-line summary;
exits 0 only if every check passes.

  python3 scripts/interop/selftest.py [-v]
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # importing peer.py must not leave __pycache__ behind
HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "peer.py")
VECTORS = os.path.join(HERE, "vectors")
VERBOSE = "-v" in sys.argv[1:]

passed = 0
failed = 0


def check(name: str, cond: bool, detail: str = "") -> None:
    global passed, failed
    if cond:
        passed += 1
        if VERBOSE:
            print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}{': ' + detail if detail else ''}")


def peer(cmd: str, req: dict) -> tuple[int, dict | None, str]:
    """Run `peer.py cmd` with req on stdin -> (exit status, JSON output or None, stderr)."""
    p = subprocess.run(
        [sys.executable, PEER, cmd], input=json.dumps(req), capture_output=True, text=True, timeout=60
    )
    out = None
    if p.returncode == 0:
        try:
            out = json.loads(p.stdout)
        except ValueError:
            pass
    return p.returncode, out, p.stderr.strip()


def call(name: str, cmd: str, req: dict) -> dict:
    """Run peer.py; a non-zero exit or bad output counts as one failure."""
    rc, out, err = peer(cmd, req)
    if rc != 0 or not isinstance(out, dict):
        check(f"{name} [{cmd} runs]", False, err or f"exit {rc}")
        return {}
    return out


def load(name: str) -> dict:
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


def b64(s: str) -> str:
    return base64.b64encode(s.encode("utf-8")).decode()


def one_line_pem(der_b64: str) -> str:
    return "-----BEGIN PUBLIC KEY-----" + der_b64 + "-----END PUBLIC KEY-----"


def wrapped_pem(der_b64: str) -> str:
    lines = [der_b64[i:i + 64] for i in range(0, len(der_b64), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


def fi_case(name, curve, priv, remote_pub, nonce, remote_nonce, plaintext, ct,
            intermediate: dict | None = None, reproduce: bool = True) -> None:
    """Decrypt ct, re-encrypt (deterministic) and compare intermediates."""
    base = {"curve": curve, "privateKey": priv, "remotePublicKey": remote_pub,
            "nonce": nonce, "remoteNonce": remote_nonce}
    out = call(name, "fi-decrypt", {**base, "encryptedFI": ct})
    if out:
        got = base64.b64decode(out.get("plaintextB64", ""))
        check(f"{name}: decrypts", got == plaintext.encode("utf-8"), repr(got[:60]))
    if reproduce:
        out = call(name, "fi-encrypt", {**base, "plaintextB64": b64(plaintext)})
        if out:
            check(f"{name}: encrypt reproduces ciphertext", out.get("encryptedFI") == ct,
                  out.get("encryptedFI", "")[:40])
    if intermediate:
        out = call(name, "fi-derive", base)
        for key, want in intermediate.items():
            if out:
                check(f"{name}: {key}", out.get(key) == want, f"{out.get(key)} != {want}")


def x_inter(i: dict, shared_key: str) -> dict:
    return {
        "sharedSecretHex": i[shared_key],
        "xorNonceHex": i["xor_nonce_hex"],
        "saltHex": i["hkdf_salt_hex"],
        "ivHex": i["gcm_iv_hex"],
        "aesKeyHex": i["aes256_key_hex"],
    }


def test_encryption_vectors() -> None:
    ev = load("encryption-vectors.json")
    v0, v1, v2 = ev["vectors"]
    shared_key = "shared_secret_hex(WeierstrassX,BE)"

    # --- fidelius-cli published vector: raw base64 scalar + base64 04||X||Y
    fiu, fip = v0["requester_FIU"], v0["sender_FIP"]
    ct = v0["encryptedData_b64(ciphertext||tag16)"]
    inter = x_inter(v0["intermediate"], shared_key)
    pt = v0["plaintext_utf8"]
    fi_case("fidelius FIU side (b64 scalar, b64 point)", "Curve25519", fiu["privateKey"],
            fip["publicKey"], fiu["nonce"], fip["nonce"], pt, ct, inter)
    fi_case("fidelius FIP side (b64 scalar, b64 point)", "Curve25519", fip["privateKey"],
            fiu["publicKey"], fip["nonce"], fiu["nonce"], pt, ct, inter)
    fi_case("fidelius FIU side (hex scalar, one-line SPKI PEM)", "Curve25519",
            fiu["privateKey_hex_bigendian_scalar"], one_line_pem(fip["x509PublicKey_b64"]),
            fiu["nonce"], fip["nonce"], pt, ct)
    fi_case("fidelius FIP side (hex scalar, wrapped SPKI PEM)", "Curve25519",
            fip["privateKey_hex_bigendian_scalar"], wrapped_pem(fiu["x509PublicKey_b64"]),
            fip["nonce"], fiu["nonce"], pt, ct)

    # --- AA ecosystem PEM layout (BouncyCastle PKCS#8, one-line SPKI in KeyValue)
    fiu_km, fip_km = v1["FIU_KeyMaterial_in_FIRequest"], v1["FIP_KeyMaterial_in_FIFetchResponse"]
    inter = x_inter(v1["intermediate"], shared_key)
    fi_case("AA PEM FIU side (BC PKCS#8)", "Curve25519", v1["FIU_privateKey_pem_pkcs8"],
            fip_km["DHPublicKey"]["KeyValue"], fiu_km["Nonce"], fip_km["Nonce"],
            v1["plaintext_utf8"], v1["encryptedFI"], inter)
    fi_case("AA PEM FIP side (BC PKCS#8)", "Curve25519", v1["FIP_privateKey_pem_pkcs8"],
            fiu_km["DHPublicKey"]["KeyValue"], fip_km["Nonce"], fiu_km["Nonce"],
            v1["plaintext_utf8"], v1["encryptedFI"], inter)

    # --- X25519 with RFC 7748 keys
    pem_key = next(k for k in v2 if k.startswith("alice_public_pem_spki"))
    inter = x_inter(v2["intermediate"], "x25519_shared_hex")
    ct = v2["ciphertext_b64(ct||tag)"]
    fi_case("x25519 RFC7748 alice (hex priv, SPKI PEM)", "X25519", v2["alice_private_hex"],
            v2["bob_public_pem_spki"], v2["nonce_A_b64"], v2["nonce_B_b64"],
            v2["plaintext_utf8"], ct, inter)
    fi_case("x25519 RFC7748 bob (hex priv, hex pub)", "X25519", v2["bob_private_hex"],
            v2["alice_public_hex"], v2["nonce_B_b64"], v2["nonce_A_b64"],
            v2["plaintext_utf8"], ct, inter)
    fi_case("x25519 RFC7748 bob (hex priv, one-line PEM)", "X25519", v2["bob_private_hex"],
            v2[pem_key].replace("\n", ""), v2["nonce_B_b64"], v2["nonce_A_b64"],
            v2["plaintext_utf8"], ct)

    # --- the peer's SPKI prefix is the published one (that vector omits the 0x04)
    sys.path.insert(0, HERE)
    import peer as peer_mod  # noqa: E402

    published = base64.b64decode(ev["curve25519_weierstrass_constants(BouncyCastle)"]
                                 ["spki_prefix_b64(append 04||X||Y)"])
    check("spki prefix matches encryption-vectors constant",
          peer_mod.CURVE25519_SPKI_PREFIX == published + b"\x04")


def test_rahasya_vectors() -> None:
    rv = load("rahasya_vectors.json")
    ka = rv["known_answer_rfc7748_node_sample"]
    base = {"curve": "X25519", "privateKey": ka["ourPrivateKeyHex"],
            "remotePublicKey": ka["peerPublicKeyHex"],
            "nonce": ka["base64YourNonce"], "remoteNonce": ka["base64RemoteNonce"]}
    out = call("rahasya known answer", "ecdh", base)
    check("rahasya known answer: shared secret", out.get("sharedSecretHex") == ka["sharedSecretHex"])
    out = call("rahasya known answer", "fi-derive", base)
    check("rahasya known answer: session key", out.get("aesKeyHex") == ka["sessionKeyHex"])

    for label, curve in (("java_rahasya_x25519", "X25519"),
                         ("java_rahasya_ecc_curve25519_weierstrass", "Curve25519")):
        v = rv[label]
        fi_case(f"{label} FIU side", curve, v["fiuPriv"], v["fipPub"], v["fiuNonce"],
                v["fipNonce"], v["pt"], v["ct"])
        fi_case(f"{label} FIP side", curve, v["fipPriv"], v["fiuPub"], v["fipNonce"],
                v["fiuNonce"], v["pt"], v["ct"])

    import peer as peer_mod

    check("spki prefix matches rahasya_vectors constant",
          peer_mod.CURVE25519_SPKI_PREFIX == base64.b64decode(rv["bc_curve25519_spki_prefix_base64"]))


def test_weierstrass_vs_rfc7748() -> None:
    """Cross-check the hand-written curve arithmetic against `cryptography`'s X25519.

    For an already-clamped scalar k, X25519(k, 9) is the Montgomery u of k*B,
    and the Weierstrass x of k*G must be u + 486662/3 (mod p).
    """
    import secrets

    from cryptography.hazmat.primitives.asymmetric import x25519

    import peer as peer_mod

    check("weierstrass G is on the curve and has order n",
          peer_mod.on_curve(peer_mod.G) and peer_mod.scalar_mult(peer_mod.N, peer_mod.G) is None)
    check("weierstrass G corresponds to montgomery u=9", (peer_mod.GX - peer_mod.DELTA) % peer_mod.P == 9)
    check("spki prefix encodes exactly p, a, b, G, n, h of the constants",
          peer_mod.parse_curve25519_spki(peer_mod.CURVE25519_SPKI_PREFIX + peer_mod.encode_point(peer_mod.G)[1:])
          == peer_mod.G)
    ok = True
    for _ in range(8):
        k = bytearray(secrets.token_bytes(32))
        k[0] &= 248
        k[31] = (k[31] & 127) | 64
        u = x25519.X25519PrivateKey.from_private_bytes(bytes(k)).public_key().public_bytes_raw()
        x = peer_mod.scalar_mult(int.from_bytes(k, "little"), peer_mod.G)[0]
        ok &= (x - peer_mod.DELTA) % peer_mod.P == int.from_bytes(u, "little")
    check("weierstrass k*G agrees with RFC 7748 X25519 (8 random scalars)", ok)


def test_keygen_roundtrip() -> None:
    for curve in ("X25519", "Curve25519"):
        a = call(f"keygen {curve}", "fi-keygen", {"curve": curve})
        b = call(f"keygen {curve}", "fi-keygen", {"curve": curve})
        if not a or not b:
            continue
        check(f"keygen {curve}: nonce is 32 bytes", len(base64.b64decode(a["nonce"])) == 32)
        if curve == "Curve25519":
            pub = a["publicKey"]
            check("keygen Curve25519: one-line PEM with BC prefix",
                  "\n" not in pub and pub.startswith("-----BEGIN PUBLIC KEY-----MIIBMTCB6gYHKoZIzj0CATCB3g")
                  and pub.endswith("-----END PUBLIC KEY-----"))
            check("keygen Curve25519: private is 64 hex chars", len(a["privateKey"]) == 64
                  and all(c in "0123456789abcdef" for c in a["privateKey"]))
        else:
            check("keygen X25519: PKCS#8 + SPKI PEM",
                  a["privateKey"].startswith("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEI")
                  and a["publicKey"].startswith("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA"))
        s1 = call(f"keygen {curve}", "ecdh", {"curve": curve, "privateKey": a["privateKey"],
                                             "remotePublicKey": b["publicKey"]})
        s2 = call(f"keygen {curve}", "ecdh", {"curve": curve, "privateKey": b["privateKey"],
                                             "remotePublicKey": a["publicKey"]})
        check(f"keygen {curve}: ECDH agrees both ways",
              bool(s1) and s1 == s2 and len(s1["sharedSecretHex"]) == 64)
        msg = base64.b64encode(os.urandom(1000)).decode()
        enc = call(f"keygen {curve}", "fi-encrypt", {
            "curve": curve, "privateKey": a["privateKey"], "remotePublicKey": b["publicKey"],
            "nonce": a["nonce"], "remoteNonce": b["nonce"], "plaintextB64": msg})
        dec = call(f"keygen {curve}", "fi-decrypt", {
            "curve": curve, "privateKey": b["privateKey"], "remotePublicKey": a["publicKey"],
            "nonce": b["nonce"], "remoteNonce": a["nonce"], "encryptedFI": enc.get("encryptedFI", "")})
        check(f"keygen {curve}: encrypt/decrypt round trip", dec.get("plaintextB64") == msg)
        # Tampering must be an error (exit 1), not garbage output.
        ct = bytearray(base64.b64decode(enc.get("encryptedFI", "AAAA")))
        ct[0] ^= 1
        rc, _, err = peer("fi-decrypt", {
            "curve": curve, "privateKey": b["privateKey"], "remotePublicKey": a["publicKey"],
            "nonce": b["nonce"], "remoteNonce": a["nonce"], "encryptedFI": base64.b64encode(ct).decode()})
        check(f"keygen {curve}: tampered ciphertext rejected", rc == 1 and "authentication" in err, err)

    # A point that is on no curve must be refused.
    rc, _, _ = peer("ecdh", {"curve": "Curve25519", "privateKey": "01" * 32,
                             "remotePublicKey": base64.b64encode(b"\x04" + b"\x01" * 64).decode()})
    check("Curve25519: off-curve public key rejected", rc == 1)


def test_jws_vectors() -> None:
    jv = load("jws-vectors.json")
    pub, priv = jv["test_key_public_pem"], jv["test_key_private_pem_pkcs8"]
    kid = jv["test_key_jwk_private"]["kid"]
    vs = {v["name"]: v for v in jv["vectors"]}

    for v in jv["vectors"]:
        if "x-jws-signature" not in v:
            continue
        # The GET-URI vector signs the endpoint path instead of an HTTP body.
        body = v.get("payload_http_body_utf8", v.get("payload_uri"))
        out = call(v["name"], "jws-verify", {"publicKeyPem": pub, "signature": v["x-jws-signature"],
                                             "bodyB64": b64(body)})
        check(f"jws verify {v['name']}", out.get("valid") is True, out.get("reason", ""))
        out = call(v["name"], "jws-verify", {"publicKeyPem": pub, "signature": v["x-jws-signature"],
                                             "bodyB64": b64(body + " ")})
        check(f"jws verify {v['name']}: altered body fails", out.get("valid") is False)

    first = jv["vectors"][0]
    out = call("jws sign", "jws-sign", {"privateKeyPem": priv, "kid": kid,
                                        "bodyB64": b64(first["payload_http_body_utf8"])})
    check("jws-sign reproduces vector 0 byte for byte", out.get("signature") == first["x-jws-signature"],
          out.get("signature", "")[:60])
    check("jws-sign header bytes", out.get("signature", "").split(".")[0] == first["protected_header_b64url"])
    get = vs["get_uri_detached_v1.1.x"]
    out = call("jws sign", "jws-sign", {"privateKeyPem": priv, "kid": kid, "bodyB64": b64(get["payload_uri"])})
    check("jws-sign reproduces the GET-URI vector", out.get("signature") == get["x-jws-signature"])

    # Compact (non-detached) JWS must be refused by the detached verifier.
    for v in jv["vectors"]:
        if "signedConsent" in v:
            out = call(v["name"], "jws-verify", {"publicKeyPem": pub, "signature": v["signedConsent"],
                                                 "bodyB64": b64("")})
            check(f"jws verify rejects compact {v['name']}", out.get("valid") is False)

    # Header policy: only RS256, no unknown crit.
    import peer as peer_mod
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(priv.encode(), None)
    body = b"{}"

    def forged(header: str) -> str:
        h = peer_mod.b64url_encode(header.encode())
        sig = key.sign(h.encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256())
        return f"{h}..{peer_mod.b64url_encode(sig)}"

    for label, header, want in (
        ("unknown crit", '{"alg":"RS256","b64":false,"crit":["b64","exp"],"exp":1}', False),
        ("alg HS256", '{"alg":"HS256","b64":false,"crit":["b64"]}', False),
        ("alg none", '{"alg":"none","b64":false,"crit":["b64"]}', False),
        ("crit b64 without b64", '{"alg":"RS256","crit":["b64"]}', False),
        ("b64 false, no crit", '{"alg":"RS256","b64":false}', True),
    ):
        out = call(label, "jws-verify", {"publicKeyPem": pub, "signature": forged(header),
                                         "bodyB64": base64.b64encode(body).decode()})
        check(f"jws header policy: {label}", out.get("valid") is want, out.get("reason", ""))
    sig = vs["detached_rfc7797_b64false_crit"]["x-jws-signature"]
    h, _, s = sig.split(".")
    out = call("middle", "jws-verify", {"publicKeyPem": pub, "signature": f"{h}.e30.{s}", "bodyB64": b64("{}")})
    check("jws verify rejects a non-empty middle segment", out.get("valid") is False)


def test_errors() -> None:
    """Bad input must give exit status 1 and a message on stderr."""
    for label, cmd, req in (
        ("unknown curve", "fi-keygen", {"curve": "P-256"}),
        ("missing field", "ecdh", {"curve": "X25519", "privateKey": "00" * 32}),
        ("short nonce", "fi-derive", {"curve": "X25519", "privateKey": "11" * 32,
                                      "remotePublicKey": "09" + "00" * 31,
                                      "nonce": "AAAA", "remoteNonce": "AAAA"}),
        ("X25519 key given as Curve25519", "ecdh", {"curve": "Curve25519", "privateKey": "11" * 32,
                                                    "remotePublicKey": "-----BEGIN PUBLIC KEY-----\n"
                                                    "MCowBQYDK2VuAyEAhSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
                                                    "-----END PUBLIC KEY-----\n"}),
        ("non-RSA JWS key", "jws-verify", {"publicKeyPem": "-----BEGIN PUBLIC KEY-----\n"
                                           "MCowBQYDK2VuAyEAhSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
                                           "-----END PUBLIC KEY-----\n", "signature": "a..b", "bodyB64": ""}),
    ):
        rc, out, err = peer(cmd, req)
        check(f"error exit: {label}", rc == 1 and out is None and bool(err), f"rc={rc} {err}")
    p = subprocess.run([sys.executable, PEER, "fi-encrypt"], input="not json", capture_output=True, text=True)
    check("error exit: invalid JSON", p.returncode == 1 and p.stdout == "" and p.stderr != "")
    p = subprocess.run([sys.executable, PEER, "nope"], input="{}", capture_output=True, text=True)
    check("error exit: unknown command", p.returncode == 1 and p.stderr != "")


def main() -> int:
    for t in (test_encryption_vectors, test_rahasya_vectors, test_weierstrass_vs_rfc7748,
              test_keygen_roundtrip, test_jws_vectors, test_errors):
        try:
            t()
        except Exception as e:  # a crash in a test group is a failure, not a traceback
            check(t.__name__, False, f"{type(e).__name__}: {e}")
    print(f"interop-selftest: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
