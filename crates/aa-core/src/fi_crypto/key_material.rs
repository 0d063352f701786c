//! ReBIT `KeyMaterial`: building ours (fresh key, fresh 32-byte nonce, expiry written as
//! `yyyy-MM-ddTHH:mm:ss.SSSZ`) and reading a peer's (curve, key in any accepted form, nonce,
//! expiry). An expired or unreadable KeyMaterial is an error the services answer with
//! `InvalidKey`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use time::OffsetDateTime;

use super::keys::random_bytes;
use super::{decode_nonce, Curve, FiCryptoError, KeyPair, PrivateKey, PublicKey};
use crate::rebit::common::{Curve as WireCurve, DhPublicKey, KeyMaterial};
use crate::rebit::wire::Open;
use crate::timefmt;

/// The `params` value the specification gives: AES-256-GCM, no padding, ECDH key agreement.
pub const PARAMS: &str = "cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH";

/// Our side of an exchange: the private key and nonce we keep, and the KeyMaterial we send.
#[derive(Debug, Clone)]
pub struct Ephemeral {
    pub private: PrivateKey,
    pub nonce: [u8; 32],
    pub key_material: KeyMaterial,
}

/// A peer's KeyMaterial, parsed and checked.
#[derive(Debug, Clone)]
pub struct PeerKey {
    pub public: PublicKey,
    pub nonce: [u8; 32],
    pub expiry: OffsetDateTime,
}

fn wire_curve(curve: Curve) -> WireCurve {
    match curve {
        Curve::X25519 => WireCurve::X25519,
        Curve::Curve25519 => WireCurve::Curve25519,
    }
}

/// Generates a fresh key pair and nonce on `curve`, valid until `expiry`.
pub fn generate(curve: Curve, expiry: OffsetDateTime) -> Result<Ephemeral, FiCryptoError> {
    let pair = KeyPair::generate(curve)?;
    let nonce = random_bytes::<32>()?;
    let key_material = KeyMaterial {
        crypto_alg: Some("ECDH".to_owned()),
        curve: Open::Known(wire_curve(curve)),
        params: Some(PARAMS.to_owned()),
        dh_public_key: DhPublicKey {
            expiry: timefmt::format_millis(expiry),
            parameters: Some(String::new()),
            key_value: pair.public.to_key_value(),
        },
        nonce: STANDARD.encode(nonce),
    };
    Ok(Ephemeral {
        private: pair.private,
        nonce,
        key_material,
    })
}

/// Reads a peer's KeyMaterial and refuses it if it has expired at `now`.
pub fn read(key_material: &KeyMaterial, now: OffsetDateTime) -> Result<PeerKey, FiCryptoError> {
    if let Some(alg) = key_material.crypto_alg.as_deref() {
        if !alg.is_empty() && !alg.eq_ignore_ascii_case("ECDH") {
            return Err(FiCryptoError::InvalidKey(format!(
                "cryptoAlg {alg:?} is not supported; only ECDH"
            )));
        }
    }
    let curve: Curve = key_material.curve.as_str().parse()?;
    let public = PublicKey::parse(&key_material.dh_public_key.key_value, Some(curve))?;
    let nonce = decode_nonce(&key_material.nonce)?;
    let expiry_text = &key_material.dh_public_key.expiry;
    let expiry = timefmt::parse(expiry_text)
        .ok_or_else(|| FiCryptoError::InvalidKey("DHPublicKey.expiry is not a date-time".into()))?;
    if expiry <= now {
        return Err(FiCryptoError::Expired(expiry_text.clone()));
    }
    Ok(PeerKey {
        public,
        nonce,
        expiry,
    })
}

impl Ephemeral {
    /// Encrypts for the holder of `peer`.
    pub fn encrypt_for(&self, peer: &PeerKey, plaintext: &[u8]) -> Result<String, FiCryptoError> {
        super::encrypt(
            &self.private,
            &self.nonce,
            &peer.public,
            &peer.nonce,
            plaintext,
        )
    }

    /// [`Ephemeral::encrypt_for`] without copying the plaintext (see [`super::encrypt_owned`]).
    pub fn encrypt_owned_for(
        &self,
        peer: &PeerKey,
        plaintext: Vec<u8>,
    ) -> Result<String, FiCryptoError> {
        super::encrypt_owned(
            &self.private,
            &self.nonce,
            &peer.public,
            &peer.nonce,
            plaintext,
        )
    }

    /// Decrypts what the holder of `peer` encrypted for us.
    pub fn decrypt_from(&self, peer: &PeerKey, encrypted: &str) -> Result<Vec<u8>, FiCryptoError> {
        super::decrypt(
            &self.private,
            &self.nonce,
            &peer.public,
            &peer.nonce,
            encrypted,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::Duration;

    #[test]
    fn generated_key_material_round_trips_between_two_parties() {
        let now = OffsetDateTime::now_utc();
        for curve in [Curve::X25519, Curve::Curve25519] {
            let fiu = generate(curve, now + Duration::hours(1)).unwrap();
            let fip = generate(curve, now + Duration::hours(1)).unwrap();
            let json = serde_json::to_string(&fiu.key_material).unwrap();
            let parsed: KeyMaterial = serde_json::from_str(&json).unwrap();
            let fiu_seen_by_fip = read(&parsed, now).unwrap();
            let fip_seen_by_fiu = read(&fip.key_material, now).unwrap();
            let ct = fip.encrypt_for(&fiu_seen_by_fip, b"<Account/>").unwrap();
            assert_eq!(
                fiu.decrypt_from(&fip_seen_by_fiu, &ct).unwrap(),
                b"<Account/>"
            );
        }
    }

    #[test]
    fn expiry_is_written_with_milliseconds_and_checked() {
        let at = timefmt::parse("2030-05-06T07:08:09.123456Z").unwrap();
        let ours = generate(Curve::X25519, at).unwrap();
        assert_eq!(
            ours.key_material.dh_public_key.expiry,
            "2030-05-06T07:08:09.123Z"
        );
        assert!(read(&ours.key_material, at - Duration::seconds(1)).is_ok());
        assert_eq!(
            read(&ours.key_material, at).unwrap_err(),
            FiCryptoError::Expired("2030-05-06T07:08:09.123Z".into())
        );
    }

    #[test]
    fn a_curve_that_disagrees_with_the_key_is_refused() {
        let now = OffsetDateTime::now_utc();
        let mut km = generate(Curve::X25519, now + Duration::hours(1))
            .unwrap()
            .key_material;
        km.curve = Open::Known(WireCurve::Curve25519);
        assert_eq!(read(&km, now).unwrap_err(), FiCryptoError::CurveMismatch);
        km.curve = Open::Other("P-256".into());
        assert!(matches!(
            read(&km, now),
            Err(FiCryptoError::UnsupportedCurve(_))
        ));
    }
}
