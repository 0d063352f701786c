//! API keys: RS256 JWTs of the Sahamati token service's shape, sent raw in `client_api_key`,
//! `fip_api_key` or `aa_api_key`. Issuers sign under a `kid`; verifiers hold several issuer keys
//! by `kid`, so keys rotate without downtime. See DESIGN.md, "API keys".

use std::collections::HashMap;
use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::jws::VerifyingKey;

/// The claims of an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The issuer (a token service, or the entity that issues keys to its callers).
    pub iss: String,
    /// The subject: the entity the key was issued to.
    pub sub: String,
    /// The authorised party: the caller's entity id. This is what requests are bound to.
    pub azp: String,
    /// Roles of the caller (`AA`, `FIP`, `FIU`).
    #[serde(default)]
    pub roles: Vec<String>,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

impl Claims {
    /// Checks the key carries `role`.
    pub fn require_role(&self, role: &str) -> Result<(), ApiKeyError> {
        if self.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            Ok(())
        } else {
            Err(ApiKeyError::MissingRole(role.to_owned()))
        }
    }

    /// The binding check: the key's entity must be the entity whose key signed the request.
    pub fn ensure_entity(&self, signer_entity_id: &str) -> Result<(), ApiKeyError> {
        if self.azp == signer_entity_id {
            Ok(())
        } else {
            Err(ApiKeyError::EntityMismatch)
        }
    }
}

/// Why an API key was refused. The first group maps to 401 `Unauthorized`; `EntityMismatch`
/// to 400 `InvalidRequest`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    #[error("API key is missing")]
    Missing,
    #[error("API key is malformed")]
    Malformed,
    #[error("API key is signed by an unknown issuer key")]
    UnknownIssuerKey,
    #[error("API key has expired")]
    Expired,
    #[error("API key signature or claims are invalid")]
    Invalid,
    #[error("API key lacks the {0} role")]
    MissingRole(String),
    #[error("API key belongs to another entity than the one that signed the request")]
    EntityMismatch,
    #[error("issuer key rejected: {0}")]
    BadIssuerKey(String),
}

/// Issues API keys under one issuer key.
pub struct Issuer {
    iss: String,
    kid: String,
    key: EncodingKey,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer")
            .field("iss", &self.iss)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// From an RSA private key in PEM (PKCS#8 or PKCS#1).
    pub fn from_pem(iss: &str, kid: &str, pem: &str) -> Result<Self, ApiKeyError> {
        let key = EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|e| ApiKeyError::BadIssuerKey(e.to_string()))?;
        Ok(Self {
            iss: iss.to_owned(),
            kid: kid.to_owned(),
            key,
        })
    }

    pub fn iss(&self) -> &str {
        &self.iss
    }

    /// Issues a key for `entity_id` with `roles`, valid for `ttl_seconds` from `now` (Unix time).
    pub fn issue(
        &self,
        entity_id: &str,
        roles: &[&str],
        now: i64,
        ttl_seconds: i64,
    ) -> Result<String, ApiKeyError> {
        let claims = Claims {
            iss: self.iss.clone(),
            sub: entity_id.to_owned(),
            azp: entity_id.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iat: now,
            exp: now + ttl_seconds,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims (for tests and tools that need unusual keys).
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiKeyError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|e| ApiKeyError::BadIssuerKey(e.to_string()))
    }
}

/// Verifies API keys against a set of issuer keys, chosen by `kid`.
#[derive(Default, Clone)]
pub struct Verifier {
    keys: HashMap<String, (String, DecodingKey)>,
    leeway_seconds: u64,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Verifier {
    pub fn new() -> Self {
        Self {
            keys: HashMap::new(),
            leeway_seconds: 30,
        }
    }

    /// Trusts `key` (by its `kid`) for tokens whose `iss` is `iss`.
    pub fn add_issuer_key(&mut self, iss: &str, key: &VerifyingKey) -> Result<(), ApiKeyError> {
        let jwk = key.to_jwk();
        let (n, e) = (
            jwk["n"].as_str().unwrap_or(""),
            jwk["e"].as_str().unwrap_or(""),
        );
        let decoding = DecodingKey::from_rsa_components(n, e)
            .map_err(|e| ApiKeyError::BadIssuerKey(e.to_string()))?;
        self.keys
            .insert(key.kid().to_owned(), (iss.to_owned(), decoding));
        Ok(())
    }

    /// Verifies signature, issuer and expiry at `now` (Unix seconds); returns the claims.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, ApiKeyError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(ApiKeyError::Missing);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiKeyError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(ApiKeyError::Invalid);
        }
        let kid = header.kid.ok_or(ApiKeyError::UnknownIssuerKey)?;
        let (iss, key) = self.keys.get(&kid).ok_or(ApiKeyError::UnknownIssuerKey)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[iss]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // Expiry is checked below against the caller's clock, so tests can move time.
        validation.validate_exp = false;
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(|_| ApiKeyError::Invalid)?;
        let claims = data.claims;
        let leeway = i64::try_from(self.leeway_seconds).unwrap_or(0);
        if claims.exp + leeway < now {
            return Err(ApiKeyError::Expired);
        }
        if claims.iat - leeway > now {
            return Err(ApiKeyError::Invalid);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::jws::SigningKey;

    const PEM: &str = include_str!("../tests/fixtures/keys/other-rsa.pem");
    const NOW: i64 = 1_700_000_000;

    fn setup() -> (Issuer, Verifier) {
        let issuer = Issuer::from_pem("AA-1", "aa-1-tokens", PEM).unwrap();
        let public = SigningKey::from_pem(PEM, "aa-1-tokens")
            .unwrap()
            .verifying_key();
        let mut verifier = Verifier::new();
        verifier.add_issuer_key("AA-1", &public).unwrap();
        (issuer, verifier)
    }

    #[test]
    fn an_issued_key_verifies_with_its_claims() {
        let (issuer, verifier) = setup();
        let token = issuer.issue("FIU-1", &["FIU"], NOW, 3600).unwrap();
        let claims = verifier.verify(&token, NOW + 10).unwrap();
        assert_eq!(claims.azp, "FIU-1");
        assert_eq!(claims.iss, "AA-1");
        claims.require_role("FIU").unwrap();
        assert_eq!(
            claims.require_role("AA"),
            Err(ApiKeyError::MissingRole("AA".into()))
        );
        claims.ensure_entity("FIU-1").unwrap();
        assert_eq!(
            claims.ensure_entity("FIU-2"),
            Err(ApiKeyError::EntityMismatch)
        );
    }

    #[test]
    fn an_expired_key_is_refused() {
        let (issuer, verifier) = setup();
        let token = issuer.issue("FIU-1", &["FIU"], NOW, 60).unwrap();
        assert_eq!(
            verifier.verify(&token, NOW + 3600),
            Err(ApiKeyError::Expired)
        );
    }

    #[test]
    fn unknown_kid_tampering_and_garbage_are_refused() {
        let (issuer, verifier) = setup();
        let other = Issuer::from_pem("AA-1", "unknown", PEM).unwrap();
        let token = other.issue("FIU-1", &["FIU"], NOW, 60).unwrap();
        assert_eq!(
            verifier.verify(&token, NOW),
            Err(ApiKeyError::UnknownIssuerKey)
        );
        let token = issuer.issue("FIU-1", &["FIU"], NOW, 60).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let claims = issuer_claims("FIU-2");
        use base64::Engine;
        parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims).unwrap());
        assert_eq!(
            verifier.verify(&parts.join("."), NOW),
            Err(ApiKeyError::Invalid)
        );
        assert_eq!(verifier.verify("", NOW), Err(ApiKeyError::Missing));
        assert_eq!(verifier.verify("abc", NOW), Err(ApiKeyError::Malformed));
    }

    #[test]
    fn a_key_from_another_issuer_name_is_refused() {
        let (_, verifier) = setup();
        let wrong_iss = Issuer::from_pem("someone-else", "aa-1-tokens", PEM).unwrap();
        let token = wrong_iss.issue("FIU-1", &["FIU"], NOW, 60).unwrap();
        assert_eq!(verifier.verify(&token, NOW), Err(ApiKeyError::Invalid));
    }

    fn issuer_claims(azp: &str) -> Claims {
        Claims {
            iss: "AA-1".into(),
            sub: azp.into(),
            azp: azp.into(),
            roles: vec!["FIU".into()],
            iat: NOW,
            exp: NOW + 60,
            jti: "x".into(),
        }
    }
}
