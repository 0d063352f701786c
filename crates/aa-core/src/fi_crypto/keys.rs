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
use crate::der;

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

mod private;
mod public;

#[cfg(test)]
mod edwards_path_tests;
