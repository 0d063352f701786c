//! End-to-end FI encryption, compatible with the ecosystem's reference library (Sahamati
//! "rahasya", and mgrmtech's fidelius):
//!
//! ```text
//! shared = ECDH(our private key, their public key)          32 bytes
//! x      = our nonce XOR their nonce                         32 bytes
//! key    = HKDF-SHA256(ikm = shared, salt = x[0..20], info = "", 32 bytes)
//! iv     = x[20..32]
//! encryptedFI = base64(AES-256-GCM(key, iv, no AAD) ciphertext || tag)
//! ```
//!
//! Two curve forms are in use, see [`Curve`]. [`keys`] parses and writes every key form the
//! ecosystem sends; [`weierstrass`] carries the BouncyCastle `Curve25519` mapping; [`session`]
//! derives the AES key and does the AEAD; [`key_material`] builds and reads ReBIT `KeyMaterial`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub mod key_material;
pub mod keys;
pub mod session;
pub mod weierstrass;

pub use keys::{KeyPair, PrivateKey, PublicKey};
pub use session::SessionKey;

use std::fmt;
use std::str::FromStr;

/// The two curve forms of the ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// RFC 7748 X25519: 32-byte little-endian u coordinates, keys as OID 1.3.101.110.
    X25519,
    /// BouncyCastle's short-Weierstrass form of curve25519: X.509 keys with explicit curve
    /// parameters, shared secret = the 32-byte big-endian affine x of `d·Q`.
    Curve25519,
}

impl Curve {
    /// The `curve` value of a ReBIT KeyMaterial.
    pub fn as_str(self) -> &'static str {
        match self {
            Curve::X25519 => "X25519",
            Curve::Curve25519 => "Curve25519",
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Curve {
    type Err = FiCryptoError;

    /// Case-insensitive: counterparties write `X25519`, `x25519`, `Curve25519`, `curve25519`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x25519" => Ok(Curve::X25519),
            "curve25519" | "ecc" => Ok(Curve::Curve25519),
            _ => Err(FiCryptoError::UnsupportedCurve(s.to_owned())),
        }
    }
}

/// Why an FI crypto operation failed. Messages never contain key material or data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiCryptoError {
    #[error("unsupported curve {0:?}")]
    UnsupportedCurve(String),
    #[error("invalid key: {0}")]
    InvalidKey(String),
    #[error("key material expired at {0}")]
    Expired(String),
    #[error("the two keys are on different curve forms")]
    CurveMismatch,
    #[error("the curve cannot be inferred from the key forms; name it")]
    CurveUnknown,
    #[error("invalid nonce: {0}")]
    InvalidNonce(&'static str),
    #[error("key agreement produced an all-zero secret (low-order public key)")]
    WeakSharedSecret,
    #[error("encrypted data is not valid base64")]
    Base64,
    #[error("decryption failed: wrong key, nonce or tampered data")]
    Decrypt,
}

/// Decodes a base64 nonce (standard alphabet, padding optional) that must be 32 bytes.
pub fn decode_nonce(text: &str) -> Result<[u8; 32], FiCryptoError> {
    let bytes =
        keys::decode_base64(text.trim()).ok_or(FiCryptoError::InvalidNonce("not base64"))?;
    bytes
        .try_into()
        .map_err(|_| FiCryptoError::InvalidNonce("must be 32 bytes"))
}

/// Encrypts `plaintext` for the holder of `theirs`, returning `encryptedFI` (base64).
pub fn encrypt(
    ours: &PrivateKey,
    our_nonce: &[u8; 32],
    theirs: &PublicKey,
    their_nonce: &[u8; 32],
    plaintext: &[u8],
) -> Result<String, FiCryptoError> {
    let session = SessionKey::derive(ours, theirs, our_nonce, their_nonce)?;
    Ok(session.encrypt_b64(plaintext))
}

/// [`encrypt`] taking the plaintext by value and encrypting it in place, so that a large
/// document is not copied (peak memory: the document once, then its base64).
pub fn encrypt_owned(
    ours: &PrivateKey,
    our_nonce: &[u8; 32],
    theirs: &PublicKey,
    their_nonce: &[u8; 32],
    plaintext: Vec<u8>,
) -> Result<String, FiCryptoError> {
    let session = SessionKey::derive(ours, theirs, our_nonce, their_nonce)?;
    Ok(STANDARD.encode(session.encrypt_in_place(plaintext)))
}

/// Decrypts an `encryptedFI` (base64 of ciphertext || tag).
pub fn decrypt(
    ours: &PrivateKey,
    our_nonce: &[u8; 32],
    theirs: &PublicKey,
    their_nonce: &[u8; 32],
    encrypted_b64: &str,
) -> Result<Vec<u8>, FiCryptoError> {
    let session = SessionKey::derive(ours, theirs, our_nonce, their_nonce)?;
    session.decrypt_b64(encrypted_b64)
}
