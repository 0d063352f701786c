//! Sealing at rest: XChaCha20-Poly1305 envelopes under per-consent data keys.
//!
//! What the FIU keeps and what the FIP prepares is sealed under a data key that belongs to one
//! consent, so a database dump alone reveals nothing, and deleting the data key (DataLife
//! expiry, revocation) makes every envelope under it unreadable: crypto-shredding. Data keys
//! are themselves stored wrapped (sealed) under a master key held outside the database.
//!
//! Envelope layout, all of it authenticated:
//!
//! ```text
//! "AAS1" | key id length (1 byte) | key id (UTF-8) | nonce (24 bytes) | ciphertext || tag (16)
//! ```
//!
//! The caller's `context` (for example a table name and row id) is bound in as associated
//! data, so an envelope moved to another row fails to open.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::fi_crypto::keys::random_bytes;

const MAGIC: &[u8; 4] = b"AAS1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Why an envelope could not be made or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed envelope")]
    Malformed,
    #[error("envelope is sealed under key {found:?}, not {expected:?}")]
    WrongKey { found: String, expected: String },
    #[error("envelope does not open: tampered, moved, or the wrong key")]
    Open,
    #[error("key id must be 1 to 255 bytes")]
    KeyId,
    #[error("the system random generator failed")]
    Random,
}

/// A 256-bit data key with its id (for example `consent:<consent id>`).
#[derive(Clone)]
pub struct DataKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl DataKey {
    /// A fresh random key.
    pub fn generate(id: &str) -> Result<Self, SealError> {
        let key = random_bytes::<32>().map_err(|_| SealError::Random)?;
        Self::from_bytes(id, key)
    }

    pub fn from_bytes(id: &str, key: [u8; 32]) -> Result<Self, SealError> {
        if id.is_empty() || id.len() > 255 {
            return Err(SealError::KeyId);
        }
        Ok(Self {
            id: id.to_owned(),
            key: Zeroizing::new(key),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// A key derived from a server secret held outside the database (HMAC-SHA256 of `purpose`
    /// under `secret`): the same on every replica that holds the secret, different per
    /// purpose, so one secret can seal several kinds of short-lived data apart.
    pub fn derive(id: &str, secret: &[u8], purpose: &[u8]) -> Result<Self, SealError> {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
        let tag = ring::hmac::sign(&key, purpose);
        let bytes: [u8; 32] = tag.as_ref().try_into().map_err(|_| SealError::Malformed)?;
        Self::from_bytes(id, bytes)
    }

    /// Seals `plaintext`, binding `context` as associated data.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let nonce = random_bytes::<NONCE_LEN>().map_err(|_| SealError::Random)?;
        let mut envelope = Vec::with_capacity(
            MAGIC.len() + 1 + self.id.len() + NONCE_LEN + plaintext.len() + TAG_LEN,
        );
        envelope.extend_from_slice(MAGIC);
        envelope.push(self.id.len() as u8);
        envelope.extend_from_slice(self.id.as_bytes());
        let header_len = envelope.len();
        envelope.extend_from_slice(&nonce);
        let aad = associated_data(&envelope[..header_len], context);
        let ciphertext = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Open)?;
        envelope.extend_from_slice(&ciphertext);
        Ok(envelope)
    }

    /// Opens an envelope sealed under this key with the same `context`.
    pub fn open(&self, context: &[u8], envelope: &[u8]) -> Result<Vec<u8>, SealError> {
        let parts = split(envelope)?;
        if parts.key_id != self.id {
            return Err(SealError::WrongKey {
                found: parts.key_id.to_owned(),
                expected: self.id.clone(),
            });
        }
        let aad = associated_data(parts.header, context);
        self.cipher()
            .decrypt(
                XNonce::from_slice(parts.nonce),
                Payload {
                    msg: parts.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Open)
    }

    /// This key sealed under `master`, for storage beside the data.
    pub fn wrap(&self, master: &DataKey) -> Result<Vec<u8>, SealError> {
        master.seal(self.id.as_bytes(), self.key.as_ref())
    }

    /// Recovers a key stored with [`DataKey::wrap`].
    pub fn unwrap_with(master: &DataKey, id: &str, wrapped: &[u8]) -> Result<Self, SealError> {
        let bytes = Zeroizing::new(master.open(id.as_bytes(), wrapped)?);
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SealError::Malformed)?;
        Self::from_bytes(id, key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_ref().into())
    }
}

struct Parts<'a> {
    header: &'a [u8],
    key_id: &'a str,
    nonce: &'a [u8],
    ciphertext: &'a [u8],
}

fn split(envelope: &[u8]) -> Result<Parts<'_>, SealError> {
    let rest = envelope.strip_prefix(MAGIC).ok_or(SealError::Malformed)?;
    let (&id_len, rest) = rest.split_first().ok_or(SealError::Malformed)?;
    let id_len = usize::from(id_len);
    let header_len = MAGIC.len() + 1 + id_len;
    if rest.len() < id_len + NONCE_LEN + TAG_LEN {
        return Err(SealError::Malformed);
    }
    let key_id = std::str::from_utf8(&rest[..id_len]).map_err(|_| SealError::Malformed)?;
    let nonce = &rest[id_len..id_len + NONCE_LEN];
    Ok(Parts {
        header: &envelope[..header_len],
        key_id,
        nonce,
        ciphertext: &rest[id_len + NONCE_LEN..],
    })
}

/// The key id an envelope was sealed under, to fetch the right key before opening it.
pub fn key_id(envelope: &[u8]) -> Result<&str, SealError> {
    Ok(split(envelope)?.key_id)
}

fn associated_data(header: &[u8], context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + 8 + context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(&(context.len() as u64).to_be_bytes());
    aad.extend_from_slice(context);
    aad
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_data_opens_with_its_key_and_context() {
        let key = DataKey::generate("consent:42").unwrap();
        let envelope = key.seal(b"fi_data:1", b"<Account/>").unwrap();
        assert_eq!(key_id(&envelope).unwrap(), "consent:42");
        assert_eq!(key.open(b"fi_data:1", &envelope).unwrap(), b"<Account/>");
        assert!(!envelope.windows(10).any(|w| w == b"<Account/>"));
    }

    #[test]
    fn a_derived_key_is_the_same_for_the_same_secret_and_purpose_only() {
        let one = DataKey::derive("otp", b"pepper", b"otp_delivery").unwrap();
        let envelope = one.seal(b"job", b"123456").unwrap();
        let again = DataKey::derive("otp", b"pepper", b"otp_delivery").unwrap();
        assert_eq!(again.open(b"job", &envelope).unwrap(), b"123456");
        let other_purpose = DataKey::derive("otp", b"pepper", b"other").unwrap();
        assert_eq!(other_purpose.open(b"job", &envelope), Err(SealError::Open));
        let other_secret = DataKey::derive("otp", b"peppers", b"otp_delivery").unwrap();
        assert_eq!(other_secret.open(b"job", &envelope), Err(SealError::Open));
    }

    #[test]
    fn another_context_a_flipped_byte_or_another_key_fail() {
        let key = DataKey::generate("consent:42").unwrap();
        let envelope = key.seal(b"row:1", b"secret").unwrap();
        assert_eq!(key.open(b"row:2", &envelope), Err(SealError::Open));
        for i in [0, 6, 20, envelope.len() - 1] {
            let mut tampered = envelope.clone();
            tampered[i] ^= 1;
            assert!(key.open(b"row:1", &tampered).is_err(), "byte {i}");
        }
        let same_id = DataKey::generate("consent:42").unwrap();
        assert_eq!(same_id.open(b"row:1", &envelope), Err(SealError::Open));
        let other = DataKey::generate("consent:43").unwrap();
        assert!(matches!(
            other.open(b"row:1", &envelope),
            Err(SealError::WrongKey { .. })
        ));
        assert_eq!(key.open(b"row:1", b"AAS1"), Err(SealError::Malformed));
    }

    #[test]
    fn wrapped_data_keys_unwrap_only_with_the_master_key() {
        let master = DataKey::generate("master:1").unwrap();
        let key = DataKey::generate("consent:42").unwrap();
        let wrapped = key.wrap(&master).unwrap();
        let back = DataKey::unwrap_with(&master, "consent:42", &wrapped).unwrap();
        let envelope = key.seal(b"", b"data").unwrap();
        assert_eq!(back.open(b"", &envelope).unwrap(), b"data");
        assert!(DataKey::unwrap_with(&master, "consent:43", &wrapped).is_err());
        let other_master = DataKey::generate("master:1").unwrap();
        assert!(DataKey::unwrap_with(&other_master, "consent:42", &wrapped).is_err());
    }

    #[test]
    fn deleting_the_key_shreds_the_data() {
        let envelope = {
            let key = DataKey::generate("consent:7").unwrap();
            key.seal(b"", b"transactions").unwrap()
        };
        // The key is gone; a fresh key with the same id cannot open what the old one sealed.
        let fresh = DataKey::generate("consent:7").unwrap();
        assert_eq!(fresh.open(b"", &envelope), Err(SealError::Open));
    }
}
