//! RSA keys for RS256: private keys from PKCS#8 PEM, PKCS#1 PEM or a private JWK; public keys
//! from SPKI PEM, PKCS#1 PEM or a JWK. Keys never print their material.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::rsa::{KeyPairComponents, PublicKeyComponents};
use ring::signature::{self, RsaKeyPair, RsaPublicKeyComponents};
use serde::Deserialize;

use super::{b64url, JwsError};
use crate::{der, pem};

/// DER of the rsaEncryption OID (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Why a key could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("key is neither PEM nor JWK")]
    UnknownFormat,
    #[error("invalid PEM: {0}")]
    Pem(#[from] pem::PemError),
    #[error("invalid DER: {0}")]
    Der(#[from] der::DerError),
    #[error("invalid JWK: {0}")]
    Jwk(String),
    #[error("not an RSA key")]
    NotRsa,
    #[error("RSA key rejected: {0}")]
    Rejected(String),
}

/// An RS256 private key with the `kid` it signs under.
pub struct SigningKey {
    kid: String,
    pair: RsaKeyPair,
    rng: SystemRandom,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    n: String,
    e: String,
    d: Option<String>,
    p: Option<String>,
    q: Option<String>,
    dp: Option<String>,
    dq: Option<String>,
    qi: Option<String>,
}

impl Jwk {
    fn parse(text: &str) -> Result<Self, KeyError> {
        let jwk: Jwk = serde_json::from_str(text).map_err(|e| KeyError::Jwk(e.to_string()))?;
        if jwk.kty != "RSA" {
            return Err(KeyError::NotRsa);
        }
        Ok(jwk)
    }
}

fn jwk_field(name: &str, value: &Option<String>) -> Result<Vec<u8>, KeyError> {
    let text = value
        .as_deref()
        .ok_or_else(|| KeyError::Jwk(format!("{name} is missing")))?;
    decode_jwk_number(name, text)
}

fn decode_jwk_number(name: &str, text: &str) -> Result<Vec<u8>, KeyError> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| KeyError::Jwk(format!("{name} is not base64url")))
}

impl SigningKey {
    /// Loads a private key from PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`) or from a
    /// private JWK. `kid` overrides the JWK's own `kid`; a PEM key needs one.
    pub fn from_text(text: &str, kid: Option<&str>) -> Result<Self, KeyError> {
        let text = text.trim();
        if pem::is_pem(text) {
            let kid = kid.ok_or_else(|| KeyError::Jwk("a kid is needed for a PEM key".into()))?;
            Self::from_pem(text, kid)
        } else if text.starts_with('{') {
            Self::from_jwk(text, kid)
        } else {
            Err(KeyError::UnknownFormat)
        }
    }

    pub fn from_pem(text: &str, kid: &str) -> Result<Self, KeyError> {
        let (label, der) = pem::decode(text)?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            _ => return Err(KeyError::NotRsa),
        }
        .map_err(|e| KeyError::Rejected(e.to_string()))?;
        Ok(Self::new(kid, pair))
    }

    pub fn from_jwk(text: &str, kid: Option<&str>) -> Result<Self, KeyError> {
        let jwk = Jwk::parse(text)?;
        let components = KeyPairComponents {
            public_key: PublicKeyComponents {
                n: decode_jwk_number("n", &jwk.n)?,
                e: decode_jwk_number("e", &jwk.e)?,
            },
            d: jwk_field("d", &jwk.d)?,
            p: jwk_field("p", &jwk.p)?,
            q: jwk_field("q", &jwk.q)?,
            dP: jwk_field("dp", &jwk.dp)?,
            dQ: jwk_field("dq", &jwk.dq)?,
            qInv: jwk_field("qi", &jwk.qi)?,
        };
        let pair = RsaKeyPair::from_components(&components)
            .map_err(|e| KeyError::Rejected(e.to_string()))?;
        let kid = kid
            .map(str::to_owned)
            .or(jwk.kid)
            .ok_or_else(|| KeyError::Jwk("kid is missing".into()))?;
        Ok(Self::new(&kid, pair))
    }

    fn new(kid: &str, pair: RsaKeyPair) -> Self {
        Self {
            kid: kid.to_owned(),
            pair,
            rng: SystemRandom::new(),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0u8; self.pair.public().modulus_len()];
        // ring only fails here for a wrong-sized buffer, which the line above rules out.
        if self
            .pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message,
                &mut signature,
            )
            .is_err()
        {
            signature.clear();
        }
        signature
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        let public = self.pair.public();
        let components: PublicKeyComponents<Vec<u8>> = public.into();
        VerifyingKey {
            kid: self.kid.clone(),
            n: components.n,
            e: components.e,
        }
    }
}

/// An RS256 public key with its `kid`.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    kid: String,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("bits", &(self.n.len() * 8))
            .finish()
    }
}

impl VerifyingKey {
    /// Loads a public key from PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`) or a JWK.
    /// `kid` overrides the JWK's own; a PEM key needs one.
    pub fn from_text(text: &str, kid: Option<&str>) -> Result<Self, KeyError> {
        let text = text.trim();
        if pem::is_pem(text) {
            let kid = kid.ok_or_else(|| KeyError::Jwk("a kid is needed for a PEM key".into()))?;
            Self::from_pem(text, kid)
        } else if text.starts_with('{') {
            let jwk = Jwk::parse(text)?;
            let kid = kid
                .map(str::to_owned)
                .or(jwk.kid.clone())
                .ok_or_else(|| KeyError::Jwk("kid is missing".into()))?;
            Self::from_components(
                &kid,
                &decode_jwk_number("n", &jwk.n)?,
                &decode_jwk_number("e", &jwk.e)?,
            )
        } else {
            Err(KeyError::UnknownFormat)
        }
    }

    pub fn from_pem(text: &str, kid: &str) -> Result<Self, KeyError> {
        let (label, der_bytes) = pem::decode(text)?;
        match label.as_str() {
            "PUBLIC KEY" => {
                let spki = der::parse_spki(&der_bytes)?;
                if spki.oid != RSA_ENCRYPTION_OID {
                    return Err(KeyError::NotRsa);
                }
                Self::from_pkcs1(kid, spki.key)
            }
            "RSA PUBLIC KEY" => Self::from_pkcs1(kid, &der_bytes),
            _ => Err(KeyError::NotRsa),
        }
    }

    fn from_pkcs1(kid: &str, der_bytes: &[u8]) -> Result<Self, KeyError> {
        let seq = der::parse_single(der_bytes, der::SEQUENCE)?;
        let mut fields = der::Reader::new(seq.value);
        let n = der::unsigned_integer(fields.next(der::INTEGER)?)?;
        let e = der::unsigned_integer(fields.next(der::INTEGER)?)?;
        Self::from_components(kid, n, e)
    }

    /// From big-endian modulus and exponent.
    pub fn from_components(kid: &str, n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let strip = |b: &[u8]| {
            b.iter()
                .skip_while(|x| **x == 0)
                .copied()
                .collect::<Vec<u8>>()
        };
        let (n, e) = (strip(n), strip(e));
        if n.len() < 256 || n.len() > 1024 {
            return Err(KeyError::Rejected(
                "RSA modulus must be 2048 to 8192 bits".into(),
            ));
        }
        if e.is_empty() || e.len() > 4 {
            return Err(KeyError::Rejected("unusual RSA exponent".into()));
        }
        Ok(Self {
            kid: kid.to_owned(),
            n,
            e,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Verifies an RS256 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), JwsError> {
        RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
        .map_err(|_| JwsError::BadSignature)
    }

    /// The key as a public JWK (`kty`, `kid`, `use`, `alg`, `n`, `e`).
    pub fn to_jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "n": b64url(&self.n),
            "e": b64url(&self.e),
        })
    }

    /// The key as SPKI PEM.
    pub fn to_pem(&self) -> String {
        let int = |magnitude: &[u8]| {
            let mut v = Vec::with_capacity(magnitude.len() + 1);
            if magnitude.first().is_some_and(|b| b & 0x80 != 0) {
                v.push(0);
            }
            v.extend_from_slice(magnitude);
            v
        };
        let mut rsa = Vec::new();
        der::write_tlv(&mut rsa, der::INTEGER, &int(&self.n));
        der::write_tlv(&mut rsa, der::INTEGER, &int(&self.e));
        let mut pkcs1 = Vec::new();
        der::write_tlv(&mut pkcs1, der::SEQUENCE, &rsa);
        let mut algorithm = Vec::new();
        der::write_tlv(&mut algorithm, der::OID, RSA_ENCRYPTION_OID);
        algorithm.extend_from_slice(&[0x05, 0x00]);
        let mut bits = vec![0u8];
        bits.extend_from_slice(&pkcs1);
        let mut body = Vec::new();
        der::write_tlv(&mut body, der::SEQUENCE, &algorithm);
        der::write_tlv(&mut body, der::BIT_STRING, &bits);
        let mut spki = Vec::new();
        der::write_tlv(&mut spki, der::SEQUENCE, &body);
        pem::encode("PUBLIC KEY", &spki)
    }
}
