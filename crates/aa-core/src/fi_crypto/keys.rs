//! FI key pairs in both curve forms, and every way the ecosystem writes them:
//!
//! | form | X25519 | Curve25519 (Weierstrass) |
//! | --- | --- | --- |
//! | public, PEM | SPKI, OID 1.3.101.110, with line breaks | SPKI with explicit curve parameters, one line |
//! | public, raw | 32 bytes (base64 or hex) | `04‖X‖Y`, 65 bytes (base64 or hex) |
//! | private, PEM | PKCS#8 v1 or v2 | PKCS#8 (BouncyCastle layout) or SEC1 `EC PRIVATE KEY` |
//! | private, raw | 32 bytes (base64 or hex) | 32-byte big-endian scalar (base64 or hex) |
//!
//! PEM forms say their curve; raw forms need the curve from elsewhere (the other key, or the
//! caller). Private keys are zeroized on drop and never printed.

use std::fmt;
use std::sync::{LazyLock, OnceLock};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::{EdwardsPoint, Scalar};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::{weierstrass, Curve, FiCryptoError};
use crate::{der, pem};

/// OID 1.3.101.110 (id-X25519).
const X25519_OID: &[u8] = &[0x2b, 0x65, 0x6e];
/// OID 1.2.840.10045.2.1 (id-ecPublicKey).
const EC_PUBLIC_KEY_OID: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// SPKI prefix of an X25519 public key; the 32 key bytes follow.
const X25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];
/// PKCS#8 v1 prefix of an X25519 private key; the 32 key bytes follow.
const X25519_PKCS8_PREFIX: &[u8] = &[
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];
/// The SPKI prefix BouncyCastle writes for a `Curve25519` public key (explicit parameters: prime
/// field 2^255-19, a, b, G, n, h = 8), ending with the 0x04 of the uncompressed point.
const BC_SPKI_PREFIX_B64: &str = "MIIBMTCB6gYHKoZIzj0CATCB3gIBATArBgcqhkjOPQEBAiB/////////////////////////////////////////7TBEBCAqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqYSRShRAQge0Je0Je0Je0Je0Je0Je0Je0Je0Je0Je0JgtenHcQyGQEQQQqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0kWiCuGaG4oIa04B7dLHdI0UySPU1+bXxhsinpxaJ+ztPZAiAQAAAAAAAAAAAAAAAAAAAAFN753qL3nNZYEmMaXPXT7QIBCANCAAQ=";

struct BcCurve {
    spki_prefix: Vec<u8>,
    /// The whole AlgorithmIdentifier (id-ecPublicKey + explicit parameters).
    algorithm: Vec<u8>,
    /// The ECParameters alone, as SEC1 `[0]` repeats them.
    parameters: Vec<u8>,
}

static BC_CURVE: LazyLock<BcCurve> = LazyLock::new(|| {
    let spki_prefix = STANDARD.decode(BC_SPKI_PREFIX_B64).unwrap_or_default();
    let mut full = spki_prefix.clone();
    full.extend_from_slice(&[0u8; 64]);
    let (algorithm, parameters) = match der::parse_spki(&full) {
        Ok(spki) => {
            let mut fields = der::Reader::new(spki.algorithm.value);
            let _oid = fields.next(der::OID);
            let params = fields.next(der::SEQUENCE).map(|t| t.raw.to_vec());
            (spki.algorithm.raw.to_vec(), params.unwrap_or_default())
        }
        Err(_) => (Vec::new(), Vec::new()),
    };
    BcCurve {
        spki_prefix,
        algorithm,
        parameters,
    }
});

/// Decodes standard base64 with or without padding.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .ok()
}

/// Decodes a raw key given as hex (64 or 130 digits) or base64.
fn decode_raw(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let is_hex =
        (text.len() == 64 || text.len() == 130) && text.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
            .collect()
    } else {
        decode_base64(text)
    }
}

fn invalid(message: impl Into<String>) -> FiCryptoError {
    FiCryptoError::InvalidKey(message.into())
}

fn check_hint(found: Curve, hint: Option<Curve>) -> Result<Curve, FiCryptoError> {
    match hint {
        Some(h) if h != found => Err(FiCryptoError::CurveMismatch),
        _ => Ok(found),
    }
}

fn array32(bytes: &[u8], what: &str) -> Result<[u8; 32], FiCryptoError> {
    bytes
        .try_into()
        .map_err(|_| invalid(format!("{what} must be 32 bytes")))
}

/// A private key of either curve form.
#[derive(Clone)]
pub struct PrivateKey {
    curve: Curve,
    /// X25519: the RFC 7748 scalar bytes (clamped when used). Curve25519: big-endian `d`.
    secret: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

/// A public key of either curve form.
#[derive(Clone)]
pub struct PublicKey {
    curve: Curve,
    /// The Montgomery u coordinate (little-endian), the input of the ladder in both forms.
    u: [u8; 32],
    /// For Curve25519, the Weierstrass point (big-endian x, y) as received or computed.
    xy: Option<([u8; 32], [u8; 32])>,
    /// For X25519, the point on the Edwards form, computed on first use and kept: a FIP encrypts
    /// every account of a session for the same FIU key.
    edwards: OnceLock<Option<EdwardsPoint>>,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.curve == other.curve && self.u == other.u && self.xy == other.xy
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

/// A freshly generated key pair.
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub private: PrivateKey,
    pub public: PublicKey,
}

/// Fills `buf` from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], FiCryptoError> {
    let mut buf = [0u8; N];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| invalid("the system random generator failed"))?;
    Ok(buf)
}

impl KeyPair {
    /// A fresh key pair on `curve`.
    pub fn generate(curve: Curve) -> Result<Self, FiCryptoError> {
        let private = match curve {
            Curve::X25519 => PrivateKey {
                curve,
                secret: Zeroizing::new(random_bytes::<32>()?),
            },
            Curve::Curve25519 => {
                // Wide reduction gives a uniform scalar in [0, n); zero is refused.
                let wide = Zeroizing::new(random_bytes::<64>()?);
                let scalar = Scalar::from_bytes_mod_order_wide(&wide);
                if scalar == Scalar::ZERO {
                    return Err(invalid("generated a zero scalar"));
                }
                let mut be = scalar.to_bytes();
                be.reverse();
                PrivateKey {
                    curve,
                    secret: Zeroizing::new(be),
                }
            }
        };
        let public = private.public_key()?;
        Ok(Self { private, public })
    }
}

/// The Curve25519 shared x by the Montgomery ladder over all 256 bits of the big-endian `d`,
/// as BouncyCastle computes it for any `d`.
fn ladder_x(secret_be: &[u8; 32], u: &[u8; 32]) -> Result<[u8; 32], FiCryptoError> {
    let bits = secret_be
        .iter()
        .flat_map(|byte| (0..8).rev().map(move |i| (byte >> i) & 1 == 1));
    let u = MontgomeryPoint(*u).mul_bits_be(bits).to_bytes();
    if u == [0u8; 32] {
        return Err(FiCryptoError::WeakSharedSecret);
    }
    Ok(weierstrass::x_from_u(&u))
}

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

#[cfg(test)]
mod edwards_path_tests {
    use super::*;
    use curve25519_dalek::constants::EIGHT_TORSION;

    fn weierstrass_point(point: &EdwardsPoint) -> PublicKey {
        let u = point.to_montgomery().to_bytes();
        let x = weierstrass::x_from_u(&u);
        let y = weierstrass::y_for_x(&x).unwrap();
        PublicKey::weierstrass(x, y).unwrap()
    }

    #[test]
    fn curve25519_agreement_on_the_edwards_form_equals_the_full_ladder() {
        for _ in 0..20 {
            let ours = KeyPair::generate(Curve::Curve25519).unwrap();
            let theirs = KeyPair::generate(Curve::Curve25519).unwrap();
            assert_eq!(
                ours.private.agree(&theirs.public).unwrap(),
                ladder_x(&ours.private.secret, &theirs.public.u).unwrap()
            );
        }
    }

    #[test]
    fn curve25519_agreement_equals_the_ladder_for_points_with_a_small_order_component() {
        let ours = KeyPair::generate(Curve::Curve25519).unwrap();
        let base = EdwardsPoint::mul_base(&Scalar::from(7u64));
        for torsion in EIGHT_TORSION.iter().skip(1) {
            let theirs = weierstrass_point(&(base + torsion));
            assert_eq!(
                ours.private.agree(&theirs).ok(),
                ladder_x(&ours.private.secret, &theirs.u).ok()
            );
        }
    }

    #[test]
    fn a_scalar_above_the_group_order_takes_the_ladder_and_agrees_with_it() {
        // d = 2^255 - 20: far above n, so the Edwards shortcut must not be used.
        let mut be = [0xffu8; 32];
        be[0] = 0x7f;
        be[31] = 0xeb;
        let ours = PrivateKey::from_raw(Curve::Curve25519, be).unwrap();
        // A peer point with an order-8 component: d·P and (d mod n)·P differ there, so a
        // shortcut that reduced d would give another x.
        let theirs =
            weierstrass_point(&(EdwardsPoint::mul_base(&Scalar::from(7u64)) + EIGHT_TORSION[1]));
        let shared = ours.agree(&theirs).unwrap();
        assert_eq!(shared, ladder_x(&be, &theirs.u).unwrap());
        let mut le = be;
        le.reverse();
        let reduced = (Scalar::from_bytes_mod_order(le) * theirs.edwards.get().unwrap().unwrap())
            .to_montgomery()
            .to_bytes();
        assert_ne!(shared, weierstrass::x_from_u(&reduced));
    }
}
