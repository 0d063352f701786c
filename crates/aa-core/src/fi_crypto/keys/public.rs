//! Public FI keys: parsing in every form the ecosystem writes (SPKI in both curve forms, raw
//! 32-byte X25519, `04||X||Y`), and encoding back to PEM.

use std::sync::OnceLock;

use super::super::{weierstrass, Curve, FiCryptoError};
use super::{
    array32, check_hint, decode_raw, invalid, PublicKey, BC_CURVE, EC_PUBLIC_KEY_OID, X25519_OID,
    X25519_SPKI_PREFIX,
};
use crate::{der, pem};

impl PublicKey {
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// A raw X25519 public key (little-endian u).
    pub fn x25519(u: [u8; 32]) -> Self {
        Self {
            curve: Curve::X25519,
            u,
            xy: None,
            edwards: OnceLock::new(),
        }
    }

    /// A Curve25519 point from its big-endian affine coordinates; refused if off the curve.
    pub fn weierstrass(x: [u8; 32], y: [u8; 32]) -> Result<Self, FiCryptoError> {
        if !weierstrass::is_on_curve(&x, &y) {
            return Err(invalid("the point is not on Curve25519"));
        }
        Ok(Self {
            curve: Curve::Curve25519,
            u: weierstrass::u_from_x(&x),
            xy: Some((x, y)),
            edwards: OnceLock::new(),
        })
    }

    /// Parses SPKI PEM (either curve form, with or without line breaks), or raw bytes in hex or
    /// base64: 32 bytes are an X25519 key, `04‖X‖Y` a Curve25519 point.
    pub fn parse(text: &str, curve: Option<Curve>) -> Result<Self, FiCryptoError> {
        let key = if pem::is_pem(text) {
            let der_bytes =
                pem::decode_labelled(text, "PUBLIC KEY").map_err(|e| invalid(e.to_string()))?;
            Self::from_spki(&der_bytes)?
        } else {
            let bytes = decode_raw(text).ok_or_else(|| invalid("not PEM, hex or base64"))?;
            Self::from_raw_bytes(&bytes)?
        };
        check_hint(key.curve, curve)?;
        Ok(key)
    }

    fn from_spki(der_bytes: &[u8]) -> Result<Self, FiCryptoError> {
        let spki = der::parse_spki(der_bytes).map_err(|e| invalid(e.to_string()))?;
        if spki.oid == X25519_OID {
            Ok(Self::x25519(array32(spki.key, "an X25519 public key")?))
        } else if spki.oid == EC_PUBLIC_KEY_OID {
            if spki.algorithm.raw != BC_CURVE.algorithm.as_slice() {
                return Err(invalid("EC parameters are not BouncyCastle's Curve25519"));
            }
            Self::from_uncompressed(spki.key)
        } else {
            Err(invalid("public key is neither X25519 nor EC"))
        }
    }

    fn from_raw_bytes(bytes: &[u8]) -> Result<Self, FiCryptoError> {
        match bytes.len() {
            32 => Ok(Self::x25519(array32(bytes, "an X25519 public key")?)),
            65 => Self::from_uncompressed(bytes),
            _ => Err(invalid(
                "a raw public key is 32 bytes (X25519) or 65 bytes (04||X||Y)",
            )),
        }
    }

    fn from_uncompressed(point: &[u8]) -> Result<Self, FiCryptoError> {
        match point {
            [0x04, rest @ ..] if rest.len() == 64 => {
                Self::weierstrass(array32(&rest[..32], "x")?, array32(&rest[32..], "y")?)
            }
            _ => Err(invalid("expected an uncompressed point 04||X||Y")),
        }
    }

    /// `04‖X‖Y` for Curve25519.
    pub fn uncompressed_point(&self) -> Result<Vec<u8>, FiCryptoError> {
        let (x, y) = self
            .xy
            .ok_or_else(|| invalid("an X25519 key has no Weierstrass point"))?;
        let mut out = Vec::with_capacity(65);
        out.push(0x04);
        out.extend_from_slice(&x);
        out.extend_from_slice(&y);
        Ok(out)
    }

    /// The raw key: 32 bytes (X25519) or `04‖X‖Y` (Curve25519).
    pub fn raw(&self) -> Vec<u8> {
        self.uncompressed_point()
            .unwrap_or_else(|_| self.u.to_vec())
    }

    /// SPKI DER.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let (mut out, raw) = match self.curve {
            Curve::X25519 => (X25519_SPKI_PREFIX.to_vec(), self.u.to_vec()),
            Curve::Curve25519 => {
                let mut raw = self.raw();
                raw.remove(0); // the prefix already ends with 0x04
                (BC_CURVE.spki_prefix.clone(), raw)
            }
        };
        out.extend_from_slice(&raw);
        out
    }

    /// The `KeyValue` the reference library writes: PEM with line breaks for X25519, one-line
    /// PEM for Curve25519.
    pub fn to_key_value(&self) -> String {
        match self.curve {
            Curve::X25519 => pem::encode("PUBLIC KEY", &self.to_spki_der()),
            Curve::Curve25519 => pem::encode_one_line("PUBLIC KEY", &self.to_spki_der()),
        }
    }
}
