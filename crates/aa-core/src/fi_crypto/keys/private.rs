//! Private FI keys: generation, parsing in every form the ecosystem writes, key agreement in
//! both curve forms, and encoding back to PKCS#8.

use std::sync::OnceLock;

use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::{EdwardsPoint, Scalar};
use zeroize::Zeroizing;

use super::super::{weierstrass, Curve, FiCryptoError};
use super::{
    array32, check_hint, decode_raw, invalid, ladder_x, PrivateKey, PublicKey, BC_CURVE,
    EC_PUBLIC_KEY_OID, X25519_OID, X25519_PKCS8_PREFIX,
};
use crate::{der, pem};

impl PrivateKey {
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// From raw bytes: X25519 scalar bytes, or the big-endian Curve25519 scalar.
    pub fn from_raw(curve: Curve, secret: [u8; 32]) -> Result<Self, FiCryptoError> {
        if curve == Curve::Curve25519 && secret == [0u8; 32] {
            return Err(invalid("the scalar is zero"));
        }
        Ok(Self {
            curve,
            secret: Zeroizing::new(secret),
        })
    }

    /// Parses PKCS#8 PEM, SEC1 PEM, or raw hex/base64 (which needs `curve`).
    pub fn parse(text: &str, curve: Option<Curve>) -> Result<Self, FiCryptoError> {
        if pem::is_pem(text) {
            let (label, bytes) = pem::decode(text).map_err(|e| invalid(e.to_string()))?;
            let bytes = Zeroizing::new(bytes);
            let key = match label.as_str() {
                "PRIVATE KEY" => Self::from_pkcs8(&bytes)?,
                "EC PRIVATE KEY" => Self::from_sec1(&bytes, true)?,
                other => return Err(invalid(format!("PEM label {other:?} is not a private key"))),
            };
            check_hint(key.curve, curve)?;
            return Ok(key);
        }
        let curve = curve.ok_or(FiCryptoError::CurveUnknown)?;
        let bytes =
            Zeroizing::new(decode_raw(text).ok_or_else(|| invalid("not PEM, hex or base64"))?);
        Self::from_raw(curve, array32(&bytes, "a raw private key")?)
    }

    fn from_pkcs8(der_bytes: &[u8]) -> Result<Self, FiCryptoError> {
        let info = der::parse_pkcs8(der_bytes).map_err(|e| invalid(e.to_string()))?;
        if info.oid == X25519_OID {
            let inner = der::parse_single(info.private_key, der::OCTET_STRING)
                .map_err(|e| invalid(e.to_string()))?;
            Self::from_raw(
                Curve::X25519,
                array32(inner.value, "an X25519 private key")?,
            )
        } else if info.oid == EC_PUBLIC_KEY_OID {
            if info.algorithm.raw != BC_CURVE.algorithm.as_slice() {
                return Err(invalid("EC parameters are not BouncyCastle's Curve25519"));
            }
            Self::from_sec1(info.private_key, false)
        } else {
            Err(invalid("PKCS#8 key is neither X25519 nor EC"))
        }
    }

    /// SEC1 `ECPrivateKey`: version 1, the scalar, optional `[0]` parameters, optional `[1]` key.
    fn from_sec1(der_bytes: &[u8], check_parameters: bool) -> Result<Self, FiCryptoError> {
        let map = |e: der::DerError| invalid(e.to_string());
        let seq = der::parse_single(der_bytes, der::SEQUENCE).map_err(map)?;
        let mut fields = der::Reader::new(seq.value);
        if fields.next(der::INTEGER).map_err(map)?.value != [1] {
            return Err(invalid("unsupported ECPrivateKey version"));
        }
        let scalar = fields.next(der::OCTET_STRING).map_err(map)?.value;
        if scalar.is_empty() || scalar.len() > 32 {
            return Err(invalid("the scalar must be at most 32 bytes"));
        }
        if check_parameters {
            if let Some(params) = fields.next_if(0xa0).map_err(map)? {
                if params.value != BC_CURVE.parameters.as_slice() {
                    return Err(invalid("EC parameters are not BouncyCastle's Curve25519"));
                }
            }
        }
        let mut secret = [0u8; 32];
        secret[32 - scalar.len()..].copy_from_slice(scalar);
        Self::from_raw(Curve::Curve25519, secret)
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<PublicKey, FiCryptoError> {
        match self.curve {
            Curve::X25519 => {
                let secret = x25519_dalek::StaticSecret::from(*self.secret);
                let public = x25519_dalek::PublicKey::from(&secret);
                Ok(PublicKey {
                    curve: Curve::X25519,
                    u: public.to_bytes(),
                    xy: None,
                    edwards: OnceLock::new(),
                })
            }
            Curve::Curve25519 => {
                let mut le = *self.secret;
                le.reverse();
                // G has prime order n, so reducing d mod n leaves d·G unchanged.
                let scalar = Scalar::from_bytes_mod_order(le);
                let q = EdwardsPoint::mul_base(&scalar);
                let u = q.to_montgomery().to_bytes();
                let u_next = (q + curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
                    .to_montgomery()
                    .to_bytes();
                if u == [0u8; 32] {
                    return Err(invalid("the scalar is a multiple of the group order"));
                }
                let x = weierstrass::x_from_u(&u);
                let y = weierstrass::y_for_multiple_of_base(&u, &u_next);
                Ok(PublicKey {
                    curve: Curve::Curve25519,
                    u,
                    xy: Some((x, y)),
                    edwards: OnceLock::new(),
                })
            }
        }
    }

    /// ECDH with `theirs`: X25519 output, or the big-endian Weierstrass x for Curve25519.
    pub fn agree(&self, theirs: &PublicKey) -> Result<[u8; 32], FiCryptoError> {
        if self.curve != theirs.curve {
            return Err(FiCryptoError::CurveMismatch);
        }
        match self.curve {
            Curve::X25519 => {
                // X25519(k, u) = u(clamp(k)·P). Computed on the Edwards form, where
                // curve25519-dalek uses its vectorised (AVX2) backend when the CPU has one:
                // about a third faster than the Montgomery ladder here. A u that is not on the
                // curve (it is on the twist) is refused rather than multiplied.
                let point = theirs
                    .edwards
                    .get_or_init(|| MontgomeryPoint(theirs.u).to_edwards(0))
                    .ok_or_else(|| invalid("the X25519 public key is not on the curve"))?;
                let shared = point.mul_clamped(*self.secret).to_montgomery().to_bytes();
                if shared == [0u8; 32] {
                    return Err(FiCryptoError::WeakSharedSecret);
                }
                Ok(shared)
            }
            Curve::Curve25519 => {
                // BouncyCastle multiplies by d as is (no clamping). Every key BouncyCastle
                // accepts, and every key we generate, has d < n, and then d·P on the Edwards
                // form is that same integer multiple of P for any P, small-order components
                // included, at about 60 % of the ladder's cost. u(d·P) = u(d·(-P)), so either
                // Edwards preimage of the peer's u will do. Other d (or a u with no Edwards
                // preimage) take the ladder over all 256 bits.
                let mut le = Zeroizing::new(*self.secret);
                le.reverse();
                let canonical: Option<Scalar> = Scalar::from_canonical_bytes(*le).into();
                let point = theirs
                    .edwards
                    .get_or_init(|| MontgomeryPoint(theirs.u).to_edwards(0));
                if let (Some(scalar), Some(point)) = (canonical, point) {
                    let scalar = Zeroizing::new(scalar);
                    let u = (*scalar * point).to_montgomery().to_bytes();
                    if u == [0u8; 32] {
                        return Err(FiCryptoError::WeakSharedSecret);
                    }
                    return Ok(weierstrass::x_from_u(&u));
                }
                ladder_x(&self.secret, &theirs.u)
            }
        }
    }

    /// PKCS#8 PEM: v1 for X25519; BouncyCastle's layout (with public key) for Curve25519.
    pub fn to_pem(&self) -> Result<String, FiCryptoError> {
        let der_bytes = Zeroizing::new(self.to_pkcs8_der()?);
        Ok(match self.curve {
            Curve::X25519 => pem::encode("PRIVATE KEY", &der_bytes),
            Curve::Curve25519 => pem::encode_one_line("PRIVATE KEY", &der_bytes),
        })
    }

    fn to_pkcs8_der(&self) -> Result<Vec<u8>, FiCryptoError> {
        match self.curve {
            Curve::X25519 => {
                let mut out = X25519_PKCS8_PREFIX.to_vec();
                out.extend_from_slice(self.secret.as_ref());
                Ok(out)
            }
            Curve::Curve25519 => {
                let public = self.public_key()?;
                let mut ec = Vec::new();
                der::write_tlv(&mut ec, der::INTEGER, &[1]);
                der::write_tlv(&mut ec, der::OCTET_STRING, self.secret.as_ref());
                der::write_tlv(&mut ec, 0xa0, &BC_CURVE.parameters);
                let mut bits = vec![0u8];
                bits.extend_from_slice(&public.uncompressed_point()?);
                let mut bit_string = Vec::new();
                der::write_tlv(&mut bit_string, der::BIT_STRING, &bits);
                der::write_tlv(&mut ec, 0xa1, &bit_string);
                let mut ec_key = Vec::new();
                der::write_tlv(&mut ec_key, der::SEQUENCE, &ec);
                let mut body = Vec::new();
                der::write_tlv(&mut body, der::INTEGER, &[0]);
                body.extend_from_slice(&BC_CURVE.algorithm);
                der::write_tlv(&mut body, der::OCTET_STRING, &ec_key);
                let mut out = Vec::new();
                der::write_tlv(&mut out, der::SEQUENCE, &body);
                Ok(out)
            }
        }
    }
}
