//! API keys: RS256 JWTs of the Sahamati token service's shape, sent in `client_api_key`,
//! `fip_api_key` or `aa_api_key` (raw, or after a `Bearer ` prefix as some clients send it).
//! Issuers sign under a `kid`; verifiers hold several issuer keys by `kid`, so keys rotate
//! without downtime. See DESIGN.md, "API keys".
//!
//! Claims are read as Sahamati's access-token schema documents them (`iss`, `sub`, `iat`, `exp`
//! and `roles` mandatory; `roles` a string or a list; `jti`, `azp`, `typ`, `acr`, `scope`
//! optional; anything else ignored), and a refusal names the claim that failed.

use std::collections::HashMap;
use std::fmt;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::jws::VerifyingKey;

mod claims;

/// The claims of an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claims {
    /// The issuer (a token service, or the entity that issues keys to its callers).
    pub iss: String,
    /// The subject: the client the token service knows (Sahamati: a UUID).
    pub sub: String,
    /// The caller's entity id, which requests are bound to: the token's `azp` (Sahamati: "same
    /// as ClientID"), or its `sub` when it carries no `azp`.
    pub azp: String,
    /// Roles of the caller (`AA`, `FIP`, `FIU`).
    pub roles: Vec<String>,
    pub iat: i64,
    pub exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
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
    #[error("API key is malformed: {0}")]
    Malformed(&'static str),
    #[error("API key is signed by an unknown issuer key")]
    UnknownIssuerKey,
    #[error("API key is signed with {0}; only RS256 is accepted")]
    Algorithm(String),
    #[error("API key signature does not verify")]
    Signature,
    #[error("API key has expired")]
    Expired,
    #[error("API key claim {claim}: {problem}")]
    Claim {
        claim: &'static str,
        problem: String,
    },
    #[error("API key lacks the {0} role")]
    MissingRole(String),
    #[error("API key belongs to another entity than the one that signed the request")]
    EntityMismatch,
    #[error("issuer key rejected: {0}")]
    BadIssuerKey(String),
}

impl ApiKeyError {
    fn claim(claim: &'static str, problem: impl Into<String>) -> Self {
        Self::Claim {
            claim,
            problem: problem.into(),
        }
    }
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
            jti: Some(uuid::Uuid::new_v4().to_string()),
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims (for tests and tools that need unusual keys, such as a token in
    /// the token service's own shape).
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, ApiKeyError> {
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

    /// Verifies signature, issuer, claims and expiry at `now` (Unix seconds); returns the
    /// claims. A `Bearer ` prefix is dropped; a token without `kid` is tried against every
    /// trusted issuer key.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, ApiKeyError> {
        let token = strip_bearer(token.trim());
        if token.is_empty() {
            return Err(ApiKeyError::Missing);
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| ApiKeyError::Malformed("not a JWT (header.payload.signature)"))?;
        if header.alg != Algorithm::RS256 {
            return Err(ApiKeyError::Algorithm(format!("{:?}", header.alg)));
        }
        let (iss, payload) = match header.kid {
            Some(kid) => {
                let (iss, key) = self.keys.get(&kid).ok_or(ApiKeyError::UnknownIssuerKey)?;
                (iss, decode(token, key)?)
            }
            None => self
                .keys
                .values()
                .find_map(|(iss, key)| decode(token, key).ok().map(|payload| (iss, payload)))
                .ok_or(ApiKeyError::Signature)?,
        };
        let claims = claims::read(&payload, iss)?;
        let leeway = i64::try_from(self.leeway_seconds).unwrap_or(0);
        if claims.exp + leeway < now {
            return Err(ApiKeyError::Expired);
        }
        if claims.iat - leeway > now {
            return Err(ApiKeyError::claim("iat", "is in the future"));
        }
        Ok(claims)
    }
}

/// `Bearer <token>` (any case, as the token service's clients send it) is `<token>`.
fn strip_bearer(token: &str) -> &str {
    match token.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        None if token.eq_ignore_ascii_case("bearer") => "",
        _ => token,
    }
}

/// Checks the signature only; the claims are read by [`claims::read`], which names a bad one.
fn decode(token: &str, key: &DecodingKey) -> Result<Map<String, Value>, ApiKeyError> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => ApiKeyError::Signature,
            ErrorKind::Json(_) => ApiKeyError::Malformed("the payload is not a JSON object"),
            _ => ApiKeyError::Malformed("a segment is not base64url"),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::jws::SigningKey;

    const PEM: &str = include_str!("../tests/fixtures/keys/other-rsa.pem");
    const FIU_PEM: &str = include_str!("../tests/fixtures/keys/fiu-1.pem");
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
            Err(ApiKeyError::Signature)
        );
        assert_eq!(verifier.verify("", NOW), Err(ApiKeyError::Missing));
        assert!(matches!(
            verifier.verify("abc", NOW),
            Err(ApiKeyError::Malformed(_))
        ));
    }

    #[test]
    fn a_key_from_another_issuer_name_is_refused() {
        let (_, verifier) = setup();
        let wrong_iss = Issuer::from_pem("someone-else", "aa-1-tokens", PEM).unwrap();
        let token = wrong_iss.issue("FIU-1", &["FIU"], NOW, 60).unwrap();
        assert!(matches!(
            verifier.verify(&token, NOW),
            Err(ApiKeyError::Claim { claim: "iss", .. })
        ));
    }

    fn issuer_claims(azp: &str) -> Claims {
        Claims {
            iss: "AA-1".into(),
            sub: azp.into(),
            azp: azp.into(),
            roles: vec!["FIU".into()],
            iat: NOW,
            exp: NOW + 60,
            jti: Some("x".into()),
        }
    }

    #[test]
    fn a_bearer_prefix_is_dropped() {
        let (issuer, verifier) = setup();
        let token = issuer.issue("FIU-1", &["FIU"], NOW, 3600).unwrap();
        for sent in [format!("Bearer {token}"), format!("bearer  {token}")] {
            assert_eq!(verifier.verify(&sent, NOW).unwrap().azp, "FIU-1");
        }
        assert_eq!(verifier.verify("Bearer ", NOW), Err(ApiKeyError::Missing));
    }

    #[test]
    fn a_token_without_kid_is_tried_against_every_issuer_key() {
        let (_, verifier) = setup();
        let claims = issuer_claims("FIU-1");
        let key = EncodingKey::from_rsa_pem(PEM.as_bytes()).unwrap();
        let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap();
        assert_eq!(verifier.verify(&token, NOW).unwrap().azp, "FIU-1");
        let stranger = EncodingKey::from_rsa_pem(FIU_PEM.as_bytes()).unwrap();
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &stranger).unwrap();
        assert_eq!(verifier.verify(&token, NOW), Err(ApiKeyError::Signature));
    }
}
