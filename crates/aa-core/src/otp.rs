//! One-time passwords: six random digits, stored only as a salted HMAC-SHA256 under a server
//! secret (pepper), compared in constant time. A database dump alone does not reveal them, and
//! without the pepper the 10^6 candidates cannot be tried offline.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::hmac;

use crate::fi_crypto::keys::random_bytes;

/// Why an OTP could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random generator failed")]
pub struct OtpError;

/// A fresh OTP: the code to deliver, and the hash to store.
#[derive(Clone, PartialEq, Eq)]
pub struct NewOtp {
    pub code: String,
    pub hash: String,
}

impl std::fmt::Debug for NewOtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewOtp { .. }")
    }
}

fn tag(pepper: &[u8], salt: &[u8], code: &str) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, pepper);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(salt);
    ctx.update(code.as_bytes());
    ctx.sign()
}

/// Generates a six-digit code (uniform: rejection sampling) and its stored form.
pub fn generate(pepper: &[u8]) -> Result<NewOtp, OtpError> {
    let code = loop {
        let bytes = random_bytes::<4>().map_err(|_| OtpError)?;
        let n = u32::from_be_bytes(bytes);
        // 4_294_000_000 is the largest multiple of 10^6 below 2^32.
        if n < 4_294_000_000 {
            break format!("{:06}", n % 1_000_000);
        }
    };
    Ok(NewOtp {
        hash: hash(pepper, &code)?,
        code,
    })
}

/// The stored form of `code`: base64(salt || HMAC-SHA256(pepper, salt || code)).
pub fn hash(pepper: &[u8], code: &str) -> Result<String, OtpError> {
    let salt = random_bytes::<16>().map_err(|_| OtpError)?;
    let mut stored = salt.to_vec();
    stored.extend_from_slice(tag(pepper, &salt, code).as_ref());
    Ok(STANDARD.encode(stored))
}

/// Checks `code` against a stored hash, in constant time.
pub fn verify(pepper: &[u8], stored: &str, code: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(stored) else {
        return false;
    };
    if bytes.len() != 16 + 32 {
        return false;
    }
    let (salt, expected) = bytes.split_at(16);
    let key = hmac::Key::new(hmac::HMAC_SHA256, pepper);
    let mut message = salt.to_vec();
    message.extend_from_slice(code.trim().as_bytes());
    hmac::verify(&key, &message, expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_code_verifies_and_others_do_not() {
        let otp = generate(b"pepper").unwrap();
        assert_eq!(otp.code.len(), 6);
        assert!(otp.code.bytes().all(|b| b.is_ascii_digit()));
        assert!(verify(b"pepper", &otp.hash, &otp.code));
        assert!(!verify(b"other pepper", &otp.hash, &otp.code));
        let wrong = if otp.code == "000000" {
            "000001"
        } else {
            "000000"
        };
        assert!(!verify(b"pepper", &otp.hash, wrong));
        assert!(!verify(b"pepper", "garbage", &otp.code));
        assert!(!otp.hash.contains(&otp.code));
    }

    #[test]
    fn the_same_code_hashes_differently_each_time() {
        assert_ne!(hash(b"p", "123456").unwrap(), hash(b"p", "123456").unwrap());
    }
}
