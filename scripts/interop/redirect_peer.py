"""An independent implementation of Sahamati's AA redirection encodings, for cross-checks.

Written from the guidelines (AES-256-CBC, zero IV, PKCS#7, key = PBKDF2-HMAC-SHA256 of the
shared passphrase salted with reqdate/resdate, 65,536 iterations; `fi` = base64 of the entity
id XOR-ed with the date's text), with the `cryptography` package; it shares no code with the
Rust crate. Reads one JSON object on stdin, writes one on stdout.

    redirect_peer.py seal    {"secret", "date", "plain"}   -> {"sealed"}   (base64url, no padding)
    redirect_peer.py open    {"secret", "date", "sealed"}  -> {"plain"}
    redirect_peer.py mask    {"id", "date"}                -> {"masked"}   (standard base64)
    redirect_peer.py unmask  {"masked", "date"}            -> {"id"}
"""

import base64
import json
import sys
from itertools import cycle

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC


def key(secret: str, date: str) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=date.encode(), iterations=65536)
    return kdf.derive(secret.encode())


def cipher(secret: str, date: str) -> Cipher:
    return Cipher(algorithms.AES(key(secret, date)), modes.CBC(bytes(16)))


def seal(req: dict) -> dict:
    padder = padding.PKCS7(128).padder()
    data = padder.update(req["plain"].encode()) + padder.finalize()
    enc = cipher(req["secret"], req["date"]).encryptor()
    sealed = enc.update(data) + enc.finalize()
    return {"sealed": base64.urlsafe_b64encode(sealed).decode().rstrip("=")}


def open_(req: dict) -> dict:
    text = req["sealed"]
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    dec = cipher(req["secret"], req["date"]).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = unpadder.update(dec.update(raw) + dec.finalize()) + unpadder.finalize()
    return {"plain": plain.decode()}


def xor(data: bytes, date: str) -> bytes:
    return bytes(d ^ k for d, k in zip(data, cycle(date.encode())))


def mask(req: dict) -> dict:
    return {"masked": base64.b64encode(xor(req["id"].encode(), req["date"])).decode()}


def unmask(req: dict) -> dict:
    return {"id": xor(base64.b64decode(req["masked"]), req["date"]).decode()}


COMMANDS = {"seal": seal, "open": open_, "mask": mask, "unmask": unmask}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: redirect_peer.py seal|open|mask|unmask < request.json")
    print(json.dumps(COMMANDS[sys.argv[1]](json.load(sys.stdin))))
