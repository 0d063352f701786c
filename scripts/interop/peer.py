#!/usr/bin/env python3
"""Independent interop peer for the Account Aggregator ecosystem's crypto.

Implements, separately from the Rust code base:
  * FI end-to-end encryption as done by Sahamati "rahasya" / fidelius-cli
    (ECDH on X25519 or on BouncyCastle's Weierstrass "Curve25519",
     HKDF-SHA256, AES-256-GCM), and
  * the detached JWS (RFC 7515 appendix F / RFC 7797 "b64":false) used in the
    x-jws-signature HTTP header.

Usage:  python3 peer.py <command>   (one JSON object on stdin, one on stdout)
On any error a message goes to stderr and the exit status is 1.
See README.md beside this file for the commands.

Only dependency: the `cryptography` package (X25519, HKDF, AES-GCM, RSA).
The Weierstrass curve arithmetic and all DER parsing are done here by hand,
because `cryptography` cannot load explicit-parameter EC keys.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import sys

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class PeerError(Exception):
    """Bad input: reported on stderr, exit status 1."""


# ---------------------------------------------------------------------------
# Base64 helpers
# ---------------------------------------------------------------------------

_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")


def b64_decode(s: str, what: str) -> bytes:
    """Standard base64 (padding optional); the URL-safe alphabet is tolerated."""
    if not isinstance(s, str):
        raise PeerError(f"{what}: expected a base64 string")
    t = "".join(s.split()).replace("-", "+").replace("_", "/").rstrip("=")
    t += "=" * (-len(t) % 4)
    try:
        return base64.b64decode(t, validate=True)
    except (binascii.Error, ValueError) as e:
        raise PeerError(f"{what}: invalid base64 ({e})") from None


def b64_encode(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def b64url_encode(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def b64url_decode_strict(s: str) -> bytes:
    """RFC 7515 base64url: URL-safe alphabet, no padding, no whitespace."""
    if not _B64URL_RE.fullmatch(s) or len(s) % 4 == 1:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def is_hex(s: str, nchars: int) -> bool:
    return len(s) == nchars and bool(_HEX_RE.fullmatch(s))


def field(obj: dict, name: str) -> str:
    v = obj.get(name)
    if not isinstance(v, str):
        raise PeerError(f'missing or non-string field "{name}"')
    return v


# ---------------------------------------------------------------------------
# Minimal DER reader (definite lengths, low tag numbers: all that keys need)
# ---------------------------------------------------------------------------

SEQUENCE, INTEGER, BIT_STRING, OCTET_STRING, OID = 0x30, 0x02, 0x03, 0x04, 0x06


def der_read(buf: bytes, off: int = 0) -> tuple[int, bytes, int]:
    """Read one TLV at `off`; return (tag, value, offset after it)."""
    try:
        tag = buf[off]
        if tag & 0x1F == 0x1F:
            raise PeerError("DER: high tag numbers not supported")
        length = buf[off + 1]
        off += 2
        if length & 0x80:
            n = length & 0x7F
            if n == 0 or n > 4:
                raise PeerError("DER: unsupported length encoding")
            length = int.from_bytes(buf[off:off + n], "big")
            off += n
    except IndexError:
        raise PeerError("DER: truncated") from None
    end = off + length
    if end > len(buf):
        raise PeerError("DER: truncated")
    return tag, buf[off:end], end


def der_children(value: bytes) -> list[tuple[int, bytes]]:
    """Split the contents of a constructed value into its (tag, value) items."""
    out, off = [], 0
    while off < len(value):
        tag, v, off = der_read(value, off)
        out.append((tag, v))
    return out


def der_single(buf: bytes, tag: int, what: str) -> bytes:
    """The value of a DER blob that must be exactly one TLV with `tag`."""
    t, v, end = der_read(buf)
    if t != tag or end != len(buf):
        raise PeerError(f"{what}: unexpected DER structure")
    return v


def der_oid(value: bytes) -> str:
    """Decode OBJECT IDENTIFIER contents to dotted form."""
    arcs, acc = [], 0
    for byte in value:
        acc = (acc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(acc)
            acc = 0
    if not arcs:
        raise PeerError("DER: empty OID")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def der_uint(value: bytes) -> int:
    return int.from_bytes(value, "big")  # INTEGERs here are never negative


def expect(items: list, idx: int, tag: int, what: str) -> bytes:
    if idx >= len(items) or items[idx][0] != tag:
        raise PeerError(f"{what}: unexpected DER structure")
    return items[idx][1]


# ---------------------------------------------------------------------------
# PEM
# ---------------------------------------------------------------------------

_PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def pem_decode(text: str) -> tuple[str, bytes] | None:
    """(label, DER) of a PEM block, with or without line breaks; None if not PEM.

    rahasya's ECC service emits PEM with no line breaks at all, its X25519
    service (and most tools) the usual 64-column form: both are accepted.
    """
    # A literal backslash-n (PEM that went through one JSON encoding too many)
    # counts as a line break; base64 never contains a backslash.
    m = _PEM_RE.search(text.replace("\\n", "\n"))
    if not m:
        return None
    return m.group(1), b64_decode(m.group(2), f"PEM {m.group(1)}")


# ---------------------------------------------------------------------------
# "Curve25519" as BouncyCastle has it: curve25519 in short Weierstrass form
# ---------------------------------------------------------------------------
#
# Why Weierstrass: the AA ecosystem's reference code (Sahamati rahasya
# /ecc/v1, mgrmtech fidelius-cli) does ECDH through BouncyCastle's generic
# EC API with CustomNamedCurves "curve25519". BouncyCastle represents that
# curve as y^2 = x^3 + a*x + b, the short-Weierstrass curve birationally
# equivalent to the Montgomery curve v^2 = u^3 + 486662 u^2 + u, via
# x = u + 486662/3 (mod p), y = v. Keys are therefore EC points (X, Y) in an
# explicit-parameter SubjectPublicKeyInfo, and the ECDH output is the affine
# Weierstrass X coordinate (not the Montgomery u that RFC 7748 X25519 gives).
#
# Why no clamping: BouncyCastle's ECDHBasicAgreement multiplies by the
# private scalar d as stored (a random integer in [1, n-1]); it does not apply
# RFC 7748's clamping (clear 3 low bits, set bit 254). So an X25519 library
# cannot stand in for it, and we do the scalar multiplication ourselves.
#
# This is a test peer: the arithmetic below is plain affine big-int code and
# NOT constant time. Never use it for real keys.

P = 2**255 - 19
A = 0x2AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA984914A144
B = 0x7B425ED097B425ED097B425ED097B425ED097B425ED097B4260B5E9C7710C864
GX = 0x2AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD245A
GY = 0x20AE19A1B8A086B4E01EDD2C7748D14C923D4D7E6D7C61B229E9C5A27ECED3D9
N = 0x1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED
H = 8
G = (GX, GY)
# Montgomery u -> Weierstrass x offset: 486662/3 mod p.
DELTA = 486662 * pow(3, -1, P) % P

# DER of SubjectPublicKeyInfo up to and including the 0x04 "uncompressed"
# byte of the point, exactly as BouncyCastle emits it for this curve
# (id-ecPublicKey with explicit ECParameters: prime field p, a, b, G, n, h=8).
# The public key is this prefix followed by X (32 bytes BE) and Y (32 bytes BE).
CURVE25519_SPKI_PREFIX = base64.b64decode(
    "MIIBMTCB6gYHKoZIzj0CATCB3gIBATArBgcqhkjOPQEBAiB/////////////////////////////////////////7TBEBCAqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqYSRShRAQge0Je0Je0Je0Je0Je0Je0Je0Je0Je0Je0JgtenHcQyGQEQQQqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0kWiCuGaG4oIa04B7dLHdI0UySPU1+bXxhsinpxaJ+ztPZAiAQAAAAAAAAAAAAAAAAAAAAFN753qL3nNZYEmMaXPXT7QIBCANCAAQ="  # noqa: E501
)

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_PRIME_FIELD = "1.2.840.10045.1.1"
OID_X25519 = "1.3.101.110"


def on_curve(pt) -> bool:
    if pt is None:
        return False
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def point_add(p1, p2):
    """Affine addition; None is the point at infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    x1, y1 = p1
    x2, y2 = p2
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None  # P + (-P), also doubling a point with y = 0
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P  # tangent (doubling)
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P  # chord
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def scalar_mult(k: int, pt):
    """k * pt by left-to-right double-and-add (k used as given: no clamping)."""
    acc = None
    for bit in bin(k)[2:] if k > 0 else "":
        acc = point_add(acc, acc)
        if bit == "1":
            acc = point_add(acc, pt)
    return acc


def weier_sqrt(a: int) -> int | None:
    """Square root mod p (p = 5 mod 8, Atkin/Legendre method); None if none."""
    a %= P
    r = pow(a, (P + 3) // 8, P)
    if r * r % P != a:
        r = r * pow(2, (P - 1) // 4, P) % P
    return r if r * r % P == a else None


def decode_point(enc: bytes):
    """SEC1 point encoding: 04||X||Y (what BouncyCastle sends) or 02/03||X."""
    if len(enc) == 65 and enc[0] == 4:
        pt = (int.from_bytes(enc[1:33], "big"), int.from_bytes(enc[33:], "big"))
    elif len(enc) == 33 and enc[0] in (2, 3):
        x = int.from_bytes(enc[1:], "big")
        y = weier_sqrt(x * x * x + A * x + B) if x < P else None
        if y is None:
            raise PeerError("Curve25519 public key: compressed X not on the curve")
        if y & 1 != enc[0] & 1:
            y = P - y
        pt = (x, y)
    else:
        raise PeerError(f"Curve25519 public key: bad point encoding ({len(enc)} bytes)")
    if not on_curve(pt):
        raise PeerError("Curve25519 public key: point is not on the curve")
    # Reject points outside the prime-order subgroup (BouncyCastle validates
    # public points the same way); then d*Q is what any correct peer computes.
    if scalar_mult(N, pt) is not None:
        raise PeerError("Curve25519 public key: point is not in the prime-order subgroup")
    return pt


def encode_point(pt) -> bytes:
    return b"\x04" + pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big")


def check_ec_params(alg_items: list, what: str) -> None:
    """AlgorithmIdentifier must be id-ecPublicKey with curve25519's explicit params."""
    if der_oid(expect(alg_items, 0, OID, what)) != OID_EC_PUBLIC_KEY:
        raise PeerError(f"{what}: algorithm is not id-ecPublicKey")
    params = der_children(expect(alg_items, 1, SEQUENCE, f"{what} (explicit ECParameters)"))
    # ECParameters ::= SEQUENCE { version, fieldID, curve, base, order, cofactor OPTIONAL }
    field_id = der_children(expect(params, 1, SEQUENCE, what))
    curve = der_children(expect(params, 2, SEQUENCE, what))
    ok = (
        der_uint(expect(params, 0, INTEGER, what)) == 1
        and der_oid(expect(field_id, 0, OID, what)) == OID_PRIME_FIELD
        and der_uint(expect(field_id, 1, INTEGER, what)) == P
        and der_uint(expect(curve, 0, OCTET_STRING, what)) == A
        and der_uint(expect(curve, 1, OCTET_STRING, what)) == B
        and der_uint(expect(params, 4, INTEGER, what)) == N
    )
    if ok:
        try:
            ok = decode_point(expect(params, 3, OCTET_STRING, what)) == G
        except PeerError:
            ok = False
    if ok and len(params) > 5:
        ok = der_uint(expect(params, 5, INTEGER, what)) == H
    if not ok:
        raise PeerError(f"{what}: EC parameters are not BouncyCastle curve25519 (Weierstrass)")


def parse_curve25519_spki(der: bytes):
    what = "Curve25519 SubjectPublicKeyInfo"
    items = der_children(der_single(der, SEQUENCE, what))
    check_ec_params(der_children(expect(items, 0, SEQUENCE, what)), what)
    bits = expect(items, 1, BIT_STRING, what)
    if not bits or bits[0] != 0 or len(items) != 2:
        raise PeerError(f"{what}: bad subjectPublicKey")
    return decode_point(bits[1:])


def parse_curve25519_public(s: str):
    """SPKI PEM (one-line or wrapped), base64 of SPKI DER, base64 of 04||X||Y, or hex."""
    pem = pem_decode(s)
    if pem is not None:
        if pem[0] != "PUBLIC KEY":
            raise PeerError(f"Curve25519 public key: unexpected PEM label {pem[0]!r}")
        return parse_curve25519_spki(pem[1])
    t = "".join(s.split())
    raw = bytes.fromhex(t) if is_hex(t, len(t)) and len(t) in (66, 130) else b64_decode(t, "Curve25519 public key")
    if raw[:1] == b"\x30":
        return parse_curve25519_spki(raw)
    return decode_point(raw)


def parse_curve25519_private(s: str) -> int:
    """64-char hex, base64 of the big-endian scalar, or BouncyCastle PKCS#8 PEM.

    BouncyCastle's PKCS#8 is
      PrivateKeyInfo { 0, AlgorithmIdentifier{id-ecPublicKey, explicit params},
                       OCTET STRING { ECPrivateKey { 1, OCTET STRING d,
                                                     [0] params OPTIONAL,
                                                     [1] BIT STRING Q OPTIONAL } } }
    """
    pem = pem_decode(s)
    embedded_pub = None
    if pem is not None:
        label, der = pem
        what = "Curve25519 private key"
        if label == "PRIVATE KEY":
            items = der_children(der_single(der, SEQUENCE, what))
            if der_uint(expect(items, 0, INTEGER, what)) not in (0, 1):
                raise PeerError(f"{what}: unsupported PKCS#8 version")
            check_ec_params(der_children(expect(items, 1, SEQUENCE, what)), what)
            ec_der = expect(items, 2, OCTET_STRING, what)
        elif label == "EC PRIVATE KEY":  # bare SEC1 ECPrivateKey
            ec_der = der
        else:
            raise PeerError(f"{what}: unexpected PEM label {label!r}")
        ec = der_children(der_single(ec_der, SEQUENCE, "ECPrivateKey"))
        if der_uint(expect(ec, 0, INTEGER, "ECPrivateKey")) != 1:
            raise PeerError("ECPrivateKey: version must be 1")
        d = der_uint(expect(ec, 1, OCTET_STRING, "ECPrivateKey"))
        for tag, v in ec[2:]:
            if tag == 0xA1:  # [1] publicKey: checked against d*G below
                bits = der_single(v, BIT_STRING, "ECPrivateKey publicKey")
                embedded_pub = decode_point(bits[1:])
    else:
        t = "".join(s.split())
        if is_hex(t, 64):
            d = int(t, 16)
        else:
            raw = b64_decode(t, "Curve25519 private key")
            # Java BigInteger.toByteArray() may add a 0x00 sign byte or drop
            # leading zero bytes, so accept up to 33 bytes.
            if not 1 <= len(raw) <= 33:
                raise PeerError(f"Curve25519 private key: {len(raw)}-byte scalar")
            d = int.from_bytes(raw, "big")
    if d % N == 0 or d >= 2**256:
        raise PeerError("Curve25519 private key: scalar out of range")
    if embedded_pub is not None and scalar_mult(d, G) != embedded_pub:
        raise PeerError("Curve25519 private key: embedded public key does not match d*G")
    return d


def curve25519_keygen() -> tuple[str, str]:
    d = secrets.randbelow(N - 1) + 1  # uniform in [1, n-1], like BouncyCastle
    der = CURVE25519_SPKI_PREFIX + encode_point(scalar_mult(d, G))[1:]
    # One-line PEM, as rahasya's ECC service emits it.
    pub = "-----BEGIN PUBLIC KEY-----" + b64_encode(der) + "-----END PUBLIC KEY-----"
    return d.to_bytes(32, "big").hex(), pub


def curve25519_ecdh(d: int, q) -> bytes:
    s = scalar_mult(d, q)
    if s is None:
        raise PeerError("ECDH: result is the point at infinity")
    return s[0].to_bytes(32, "big")  # affine X, fixed 32 bytes big-endian


# ---------------------------------------------------------------------------
# X25519 (RFC 7748) keys
# ---------------------------------------------------------------------------


def parse_x25519_spki(der: bytes) -> bytes:
    what = "X25519 SubjectPublicKeyInfo"
    items = der_children(der_single(der, SEQUENCE, what))
    alg = der_children(expect(items, 0, SEQUENCE, what))
    if der_oid(expect(alg, 0, OID, what)) != OID_X25519 or len(alg) != 1:
        raise PeerError(f"{what}: algorithm is not X25519 (1.3.101.110)")
    bits = expect(items, 1, BIT_STRING, what)
    if len(bits) != 33 or bits[0] != 0:
        raise PeerError(f"{what}: bad subjectPublicKey")
    return bits[1:]


def parse_x25519_public(s: str) -> bytes:
    """SPKI PEM (with or without newlines), base64 of raw 32 bytes / SPKI DER, or hex."""
    pem = pem_decode(s)
    if pem is not None:
        if pem[0] != "PUBLIC KEY":
            raise PeerError(f"X25519 public key: unexpected PEM label {pem[0]!r}")
        return parse_x25519_spki(pem[1])
    t = "".join(s.split())
    if is_hex(t, 64):
        return bytes.fromhex(t)
    raw = b64_decode(t, "X25519 public key")
    if len(raw) == 32:
        return raw
    if raw[:1] == b"\x30":
        return parse_x25519_spki(raw)
    raise PeerError(f"X25519 public key: {len(raw)} bytes, expected 32")


def parse_x25519_private(s: str) -> bytes:
    """PKCS#8 PEM (v1, or v2 "OneAsymmetricKey" with [1] public key), hex or base64.

    Parsed by hand: some `cryptography` builds refuse the v2 form that
    rahasya (BouncyCastle) writes, e.g. "MFECAQEwBQYDK2VuBCIEIE...".
    """
    pem = pem_decode(s)
    if pem is None:
        t = "".join(s.split())
        raw = bytes.fromhex(t) if is_hex(t, 64) else b64_decode(t, "X25519 private key")
        if len(raw) != 32:
            raise PeerError(f"X25519 private key: {len(raw)} bytes, expected 32")
        return raw
    label, der = pem
    what = "X25519 PKCS#8"
    if label != "PRIVATE KEY":
        raise PeerError(f"X25519 private key: unexpected PEM label {label!r}")
    items = der_children(der_single(der, SEQUENCE, what))
    if der_uint(expect(items, 0, INTEGER, what)) not in (0, 1):
        raise PeerError(f"{what}: unsupported version")
    alg = der_children(expect(items, 1, SEQUENCE, what))
    if der_oid(expect(alg, 0, OID, what)) != OID_X25519:
        raise PeerError(f"{what}: algorithm is not X25519 (1.3.101.110)")
    # privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (32 bytes)
    raw = der_single(expect(items, 2, OCTET_STRING, what), OCTET_STRING, what)
    if len(raw) != 32:
        raise PeerError(f"{what}: private key is {len(raw)} bytes, expected 32")
    for tag, v in items[3:]:
        if tag == 0x81:  # [1] IMPLICIT BIT STRING publicKey (v2): must match
            derived = x25519.X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
            if v[1:] != derived or v[:1] != b"\x00":
                raise PeerError(f"{what}: embedded public key does not match the private key")
    return raw


def x25519_keygen() -> tuple[str, str]:
    k = x25519.X25519PrivateKey.generate()
    priv = k.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    pub = k.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return priv, pub


def x25519_ecdh(priv: bytes, pub: bytes) -> bytes:
    try:
        k = x25519.X25519PrivateKey.from_private_bytes(priv)
        return k.exchange(x25519.X25519PublicKey.from_public_bytes(pub))
    except ValueError as e:  # e.g. all-zero output for a low-order point
        raise PeerError(f"X25519: {e}") from None


# ---------------------------------------------------------------------------
# FI encryption (rahasya / fidelius scheme)
# ---------------------------------------------------------------------------


def curve_of(req: dict) -> str:
    c = field(req, "curve").strip().lower()
    if c == "x25519":
        return "X25519"
    if c == "curve25519":
        return "Curve25519"
    raise PeerError(f'unsupported curve {req["curve"]!r} (use "X25519" or "Curve25519")')


def shared_secret(req: dict) -> bytes:
    curve = curve_of(req)
    priv, pub = field(req, "privateKey"), field(req, "remotePublicKey")
    if curve == "X25519":
        return x25519_ecdh(parse_x25519_private(priv), parse_x25519_public(pub))
    return curve25519_ecdh(parse_curve25519_private(priv), parse_curve25519_public(pub))


def derive(req: dict) -> dict:
    """All session values: shared, xor of nonces, salt, iv, AES key."""
    shared = shared_secret(req)
    n1 = b64_decode(field(req, "nonce"), "nonce")
    n2 = b64_decode(field(req, "remoteNonce"), "remoteNonce")
    if len(n1) != 32 or len(n2) != 32:
        raise PeerError(f"nonces must be 32 bytes each (got {len(n1)} and {len(n2)})")
    xor = bytes(a ^ b for a, b in zip(n1, n2))
    salt, iv = xor[:20], xor[20:]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"").derive(shared)
    return {"shared": shared, "xor": xor, "salt": salt, "iv": iv, "key": key}


def cmd_fi_keygen(req: dict) -> dict:
    curve = curve_of(req)
    priv, pub = x25519_keygen() if curve == "X25519" else curve25519_keygen()
    return {"privateKey": priv, "publicKey": pub, "nonce": b64_encode(secrets.token_bytes(32))}


def cmd_ecdh(req: dict) -> dict:
    return {"sharedSecretHex": shared_secret(req).hex()}


def cmd_fi_derive(req: dict) -> dict:
    s = derive(req)
    return {
        "sharedSecretHex": s["shared"].hex(),
        "xorNonceHex": s["xor"].hex(),
        "saltHex": s["salt"].hex(),
        "ivHex": s["iv"].hex(),
        "aesKeyHex": s["key"].hex(),
    }


def cmd_fi_encrypt(req: dict) -> dict:
    s = derive(req)
    pt = b64_decode(field(req, "plaintextB64"), "plaintextB64")
    return {"encryptedFI": b64_encode(AESGCM(s["key"]).encrypt(s["iv"], pt, None))}


def cmd_fi_decrypt(req: dict) -> dict:
    s = derive(req)
    ct = b64_decode(field(req, "encryptedFI"), "encryptedFI")
    if len(ct) < 16:
        raise PeerError("encryptedFI shorter than the 16-byte GCM tag")
    try:
        pt = AESGCM(s["key"]).decrypt(s["iv"], ct, None)
    except InvalidTag:
        raise PeerError("AES-GCM authentication failed (wrong keys, nonces or data)") from None
    return {"plaintextB64": b64_encode(pt)}


# ---------------------------------------------------------------------------
# Detached JWS (x-jws-signature)
# ---------------------------------------------------------------------------


def cmd_jws_sign(req: dict) -> dict:
    try:
        key = serialization.load_pem_private_key(field(req, "privateKeyPem").encode(), password=None)
    except (ValueError, TypeError) as e:
        raise PeerError(f"privateKeyPem: {e}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PeerError("privateKeyPem: not an RSA key")
    body = b64_decode(field(req, "bodyB64"), "bodyB64")
    # Exact header bytes (member order matters: it is what gets signed).
    header = (
        '{"alg":"RS256","kid":' + json.dumps(field(req, "kid"), ensure_ascii=False) + ',"b64":false,"crit":["b64"]}'
    ).encode()
    h64 = b64url_encode(header)
    # RFC 7797 b64:false -> the payload goes into the signing input unencoded.
    sig = key.sign(h64.encode("ascii") + b"." + body, padding.PKCS1v15(), hashes.SHA256())
    return {"signature": f"{h64}..{b64url_encode(sig)}"}


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate header member {k!r}")
        d[k] = v
    return d


def jws_verify(pub, signature: str, body: bytes) -> tuple[bool, str]:
    parts = signature.split(".")
    if len(parts) != 3:
        return False, f"expected 3 dot-separated segments, got {len(parts)}"
    h64, mid, s64 = parts
    if mid != "":
        return False, "payload segment is not empty (not a detached JWS)"
    try:
        header = json.loads(b64url_decode_strict(h64).decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError) as e:
        return False, f"malformed protected header: {e}"
    if not isinstance(header, dict):
        return False, "protected header is not a JSON object"
    if header.get("alg") != "RS256":
        return False, f"unsupported alg {header.get('alg')!r} (only RS256)"
    b64 = header.get("b64", True)
    if not isinstance(b64, bool):
        return False, '"b64" must be a boolean'
    if "crit" in header:
        crit = header["crit"]
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            return False, '"crit" must be a non-empty array of strings'
        unknown = [c for c in crit if c != "b64"]
        if unknown:
            return False, f"unsupported critical header parameter(s) {unknown}"
        if len(set(crit)) != len(crit):
            return False, '"crit" has duplicates'
        if "b64" not in header:
            return False, '"crit" lists "b64" but the header has no "b64"'
    try:
        sig = b64url_decode_strict(s64)
    except ValueError:
        return False, "signature segment is not base64url"
    # b64:false (RFC 7797): raw body; otherwise RFC 7515 appendix F: base64url(body).
    payload = body if b64 is False else b64url_encode(body).encode("ascii")
    try:
        pub.verify(sig, h64.encode("ascii") + b"." + payload, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False, "signature does not match"
    return True, "ok (b64:false)" if b64 is False else "ok (b64:true)"


def cmd_jws_verify(req: dict) -> dict:
    try:
        pub = serialization.load_pem_public_key(field(req, "publicKeyPem").encode())
    except (ValueError, TypeError) as e:
        raise PeerError(f"publicKeyPem: {e}") from None
    if not isinstance(pub, rsa.RSAPublicKey):
        raise PeerError("publicKeyPem: not an RSA key")
    body = b64_decode(field(req, "bodyB64"), "bodyB64")
    valid, reason = jws_verify(pub, field(req, "signature"), body)
    return {"valid": valid, "reason": reason}


# ---------------------------------------------------------------------------

COMMANDS = {
    "fi-keygen": cmd_fi_keygen,
    "ecdh": cmd_ecdh,
    "fi-derive": cmd_fi_derive,
    "fi-encrypt": cmd_fi_encrypt,
    "fi-decrypt": cmd_fi_decrypt,
    "jws-sign": cmd_jws_sign,
    "jws-verify": cmd_jws_verify,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in COMMANDS:
        print(f"usage: peer.py {{{'|'.join(COMMANDS)}}} < request.json", file=sys.stderr)
        return 1
    cmd = argv[1]
    try:
        req = json.loads(sys.stdin.read())
        if not isinstance(req, dict):
            raise PeerError("stdin must hold one JSON object")
        out = COMMANDS[cmd](req)
    except json.JSONDecodeError as e:
        print(f"peer.py {cmd}: invalid JSON on stdin: {e}", file=sys.stderr)
        return 1
    except (PeerError, ValueError) as e:
        print(f"peer.py {cmd}: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
