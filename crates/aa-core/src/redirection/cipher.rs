//! The redirection's two encodings: the masked entity id (`fi`) and the sealed parameters
//! (`ecreq`, `ecres`).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use std::num::NonZeroU32;
use zeroize::Zeroizing;

use super::RedirectError;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

/// PBKDF2 iterations of the key derivation (the guidelines' reference implementation).
pub const PBKDF2_ITERATIONS: u32 = 65_536;
const ZERO_IV: [u8; 16] = [0; 16];

/// The AES-256 key for one date: PBKDF2-HMAC-SHA256 of the shared passphrase, salted with the
/// date's text.
fn key(secret: &str, date: &str) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    let iterations = NonZeroU32::new(PBKDF2_ITERATIONS).unwrap_or(NonZeroU32::MIN);
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        date.as_bytes(),
        secret.as_bytes(),
        key.as_mut(),
    );
    key
}

/// Encrypts `plain` for `date`: base64url without padding.
pub fn seal(secret: &str, date: &str, plain: &str) -> String {
    let key = key(secret, date);
    let sealed = Encryptor::new(key.as_ref().into(), &ZERO_IV.into())
        .encrypt_padded_vec_mut::<Pkcs7>(plain.as_bytes());
    URL_SAFE_NO_PAD.encode(sealed)
}

/// Decrypts what [`seal`] wrote (any base64 alphabet, padded or not); `what` names the parameter.
pub fn open(
    secret: &str,
    date: &str,
    sealed: &str,
    what: &'static str,
) -> Result<String, RedirectError> {
    let bytes = decode_any(sealed).ok_or(RedirectError::Malformed(what))?;
    if bytes.is_empty() || bytes.len() % 16 != 0 {
        return Err(RedirectError::Malformed(what));
    }
    let key = key(secret, date);
    let plain = Decryptor::new(key.as_ref().into(), &ZERO_IV.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&bytes)
        .map_err(|_| RedirectError::Decryption(what))?;
    String::from_utf8(plain).map_err(|_| RedirectError::Decryption(what))
}

/// The `fi` parameter: `id`'s bytes XOR-ed with `date`'s, cycling the date, in base64.
pub fn mask_id(id: &str, date: &str) -> String {
    STANDARD.encode(xor(id.as_bytes(), date.as_bytes()))
}

/// Reverses [`mask_id`]; `what` names the parameter.
pub fn unmask_id(masked: &str, date: &str, what: &'static str) -> Result<String, RedirectError> {
    let bytes = decode_any(masked).ok_or(RedirectError::Malformed(what))?;
    let id = String::from_utf8(xor(&bytes, date.as_bytes()))
        .map_err(|_| RedirectError::Malformed(what))?;
    if id.is_empty() || id.chars().any(char::is_control) {
        return Err(RedirectError::Malformed(what));
    }
    Ok(id)
}

fn xor(data: &[u8], key: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    data.iter()
        .zip(key.iter().cycle())
        .map(|(d, k)| d ^ k)
        .collect()
}

/// Base64 in either alphabet, with or without padding (a `+` turned into a space by a lax
/// query decoder is read back as `+`).
fn decode_any(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().replace(' ', "+");
    let engines = [&URL_SAFE_NO_PAD, &URL_SAFE, &STANDARD, &STANDARD_NO_PAD];
    engines.iter().find_map(|engine| engine.decode(&text).ok())
}
