//! Fresh RSA signing keys, for local ecosystems and demos (`aa demo`, `aa jws keygen`).
//! Generation uses the RustCrypto `rsa` crate because ring cannot generate RSA keys; the key
//! is handed back as PKCS#8 PEM and loaded through ring like any other key, so signing and
//! verifying never touch `rsa`.

use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::RsaPrivateKey;

use super::keys::{KeyError, SigningKey};

/// The smallest modulus the ecosystem accepts for RS256.
pub const MIN_BITS: usize = 2048;

/// A freshly generated RSA private key (PKCS#8 PEM) and the signing key loaded from it.
pub struct GeneratedKey {
    pub pkcs8_pem: String,
    pub signing_key: SigningKey,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("kid", &self.signing_key.kid())
            .finish_non_exhaustive()
    }
}

/// Generates an RSA key of `bits` (at least [`MIN_BITS`]) with public exponent 65537.
pub fn generate_rsa(bits: usize, kid: &str) -> Result<GeneratedKey, KeyError> {
    if bits < MIN_BITS {
        return Err(KeyError::Rejected(format!(
            "an RSA key needs at least {MIN_BITS} bits"
        )));
    }
    let key = RsaPrivateKey::new(&mut rand_core::OsRng, bits)
        .map_err(|e| KeyError::Rejected(e.to_string()))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Rejected(e.to_string()))?;
    let pkcs8_pem = pem.to_string();
    let signing_key = SigningKey::from_pem(&pkcs8_pem, kid)?;
    Ok(GeneratedKey {
        pkcs8_pem,
        signing_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::VerifyingKey;

    #[test]
    fn a_generated_key_signs_what_its_public_pem_verifies() {
        let key = generate_rsa(2048, "demo-1").unwrap();
        assert!(key.pkcs8_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let public =
            VerifyingKey::from_pem(&key.signing_key.verifying_key().to_pem(), "demo-1").unwrap();
        let signature = key.signing_key.sign(b"body");
        public.verify(b"body", &signature).unwrap();
        assert!(public.verify(b"bodY", &signature).is_err());
    }

    #[test]
    fn keys_smaller_than_2048_bits_are_refused() {
        assert!(matches!(
            generate_rsa(1024, "small"),
            Err(KeyError::Rejected(_))
        ));
    }
}
