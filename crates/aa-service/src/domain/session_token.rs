//! Customer session tokens: `<session id>.<secret>`, the secret 32 random bytes in base64url.
//! Only a salted, peppered hash of the secret is stored (the same construction as OTPs,
//! `aa_core::otp`), so a database dump gives no usable token; the id finds the row.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A token just issued: give `token` to the customer, store `hash` under `session_id`.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub session_id: String,
    pub token: String,
    pub hash: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// The system random generator failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random generator failed")]
pub struct TokenError;

pub fn issue(pepper: &[u8]) -> Result<IssuedToken, TokenError> {
    let secret = aa_core::fi_crypto::keys::random_bytes::<32>().map_err(|_| TokenError)?;
    let secret = URL_SAFE_NO_PAD.encode(secret);
    let session_id = uuid::Uuid::new_v4().to_string();
    let hash = aa_core::otp::hash(pepper, &secret).map_err(|_| TokenError)?;
    Ok(IssuedToken {
        token: format!("{session_id}.{secret}"),
        session_id,
        hash,
    })
}

/// Splits a presented token into its session id and secret.
pub fn parse(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.trim().split_once('.')?;
    uuid::Uuid::try_parse(id).ok()?;
    (!secret.is_empty()).then_some((id, secret))
}

/// Checks a presented secret against the stored hash, in constant time.
pub fn verify(pepper: &[u8], stored_hash: &str, secret: &str) -> bool {
    aa_core::otp::verify(pepper, stored_hash, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_and_a_tampered_one_does_not() {
        let issued = issue(b"pepper").unwrap();
        let (id, secret) = parse(&issued.token).unwrap();
        assert_eq!(id, issued.session_id);
        assert!(verify(b"pepper", &issued.hash, secret));
        assert!(!verify(b"other", &issued.hash, secret));
        let mut tampered = secret.to_owned();
        tampered.replace_range(0..1, if secret.starts_with('A') { "B" } else { "A" });
        assert!(!verify(b"pepper", &issued.hash, &tampered));
        assert!(!issued.hash.contains(secret));
        assert!(!format!("{issued:?}").contains(secret));
    }

    #[test]
    fn malformed_tokens_do_not_parse() {
        assert!(parse("no-dot").is_none());
        assert!(parse("not-a-uuid.secret").is_none());
        assert!(parse("0b811819-9044-4856-b0ee-8c88035f8858.").is_none());
    }
}
