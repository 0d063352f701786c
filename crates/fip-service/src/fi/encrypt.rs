//! End-to-end encryption of one account's FI document for the FIU, through `aa_core::fi_crypto`:
//! a fresh ephemeral key pair and nonce on the FIU's curve for every account (a shared key
//! would reuse the AES-GCM key and IV across accounts), the FIU's public key and nonce from its
//! `KeyMaterial`. The private half is dropped once the document is encrypted.

use aa_core::fi_crypto::key_material::{self, PeerKey};
use aa_core::fi_crypto::{Curve, FiCryptoError};
use aa_core::rebit::KeyMaterial;
use time::OffsetDateTime;

/// The FIU's side: its public key and nonce, and the curve they are on.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub curve: Curve,
    pub peer: PeerKey,
}

/// Reads the FIU's `KeyMaterial`; an unreadable or expired one is refused (`InvalidKey`).
pub fn recipient(
    key_material: &KeyMaterial,
    now: OffsetDateTime,
) -> Result<Recipient, FiCryptoError> {
    let curve: Curve = key_material.curve.as_str().parse()?;
    let peer = key_material::read(key_material, now)?;
    Ok(Recipient { curve, peer })
}

/// One account, encrypted: `encryptedFI` and the FIP's `KeyMaterial` to go with it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Encrypted {
    #[serde(rename = "encryptedFI")]
    pub encrypted_fi: String,
    #[serde(rename = "KeyMaterial")]
    pub key_material: KeyMaterial,
}

/// Encrypts `plaintext` for `recipient` under a fresh key pair valid until `expiry`. Takes the
/// document by value: it is encrypted in its own buffer, not copied.
pub fn encrypt(
    recipient: &Recipient,
    plaintext: Vec<u8>,
    expiry: OffsetDateTime,
) -> Result<Encrypted, FiCryptoError> {
    let ours = key_material::generate(recipient.curve, expiry)?;
    let encrypted_fi = ours.encrypt_owned_for(&recipient.peer, plaintext)?;
    Ok(Encrypted {
        encrypted_fi,
        key_material: ours.key_material,
    })
}
