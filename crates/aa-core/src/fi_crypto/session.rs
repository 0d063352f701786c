//! The symmetric half: nonce XOR, HKDF-SHA256 and AES-256-GCM, on ring.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::hkdf;
use zeroize::Zeroizing;

use super::{FiCryptoError, PrivateKey, PublicKey};

/// An AES-256-GCM key and IV derived for one FIU/FIP exchange.
pub struct SessionKey {
    key: LessSafeKey,
    iv: [u8; 12],
}

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// `nonce_a XOR nonce_b`; the order of the two nonces does not matter.
pub fn xor_nonces(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// HKDF-SHA256 with `salt = x[0..20]` and empty info; returns the 32-byte AES key.
pub fn derive_aes_key(shared: &[u8; 32], xor: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &xor[..20]).extract(shared);
    // Expanding to 32 bytes with SHA-256 is always within HKDF's 255·32 limit.
    if let Ok(okm) = prk.expand(&[&[]], Len32) {
        let _ = okm.fill(key.as_mut());
    }
    key
}

impl SessionKey {
    /// Derives the session key from our private key and nonce and the peer's public key and nonce.
    pub fn derive(
        ours: &PrivateKey,
        theirs: &PublicKey,
        our_nonce: &[u8; 32],
        their_nonce: &[u8; 32],
    ) -> Result<Self, FiCryptoError> {
        let shared = ours.agree(theirs)?;
        Self::from_shared(&shared, our_nonce, their_nonce)
    }

    /// From an ECDH shared secret and both nonces.
    pub fn from_shared(
        shared: &[u8; 32],
        our_nonce: &[u8; 32],
        their_nonce: &[u8; 32],
    ) -> Result<Self, FiCryptoError> {
        let xor = xor_nonces(our_nonce, their_nonce);
        let key_bytes = derive_aes_key(shared, &xor);
        let mut iv = [0u8; 12];
        iv.copy_from_slice(&xor[20..]);
        // A 32-byte key is always a valid AES-256 key; ring's error is mapped all the same.
        let unbound = UnboundKey::new(&AES_256_GCM, key_bytes.as_ref())
            .map_err(|_| FiCryptoError::InvalidKey("AES key rejected".into()))?;
        Ok(Self {
            key: LessSafeKey::new(unbound),
            iv,
        })
    }

    /// AES-256-GCM, returning ciphertext || tag.
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut buffer = Vec::with_capacity(plaintext.len() + AES_256_GCM.tag_len());
        buffer.extend_from_slice(plaintext);
        self.encrypt_in_place(buffer)
    }

    /// [`SessionKey::encrypt`] without copying: the plaintext buffer becomes the ciphertext,
    /// so a large document is held once, not twice.
    pub fn encrypt_in_place(&self, mut buffer: Vec<u8>) -> Vec<u8> {
        buffer.reserve_exact(AES_256_GCM.tag_len());
        let nonce = Nonce::assume_unique_for_key(self.iv);
        // ring fails only for inputs above GCM's 64 GiB limit, far beyond any FI document.
        if self
            .key
            .seal_in_place_append_tag(nonce, Aad::empty(), &mut buffer)
            .is_err()
        {
            buffer.clear();
        }
        buffer
    }

    pub fn encrypt_b64(&self, plaintext: &[u8]) -> String {
        STANDARD.encode(self.encrypt(plaintext))
    }

    /// Opens ciphertext || tag.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, FiCryptoError> {
        self.decrypt_in_place(ciphertext.to_vec())
    }

    /// [`SessionKey::decrypt`] without copying: the buffer becomes the plaintext.
    pub fn decrypt_in_place(&self, mut buffer: Vec<u8>) -> Result<Vec<u8>, FiCryptoError> {
        let nonce = Nonce::assume_unique_for_key(self.iv);
        let len = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut buffer)
            .map_err(|_| FiCryptoError::Decrypt)?
            .len();
        buffer.truncate(len);
        Ok(buffer)
    }

    pub fn decrypt_b64(&self, encrypted: &str) -> Result<Vec<u8>, FiCryptoError> {
        let bytes = super::keys::decode_base64(encrypted.trim()).ok_or(FiCryptoError::Base64)?;
        self.decrypt_in_place(bytes)
    }
}
