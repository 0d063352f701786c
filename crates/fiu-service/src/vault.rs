//! Sealing at rest (`aa_core::seal`): every consent artefact gets its own data key, stored
//! wrapped under the newest master key of the ring from the configuration (`fi.master_keys`,
//! or the one-key `fi.master_key` / `fi.master_key_file`: `aa_runtime::settings::MasterKeys`);
//! an older key of the ring still opens the data keys wrapped under it until `fiu-service
//! rewrap` moves them ([`Vault::rewrap`]). Start-up refuses a ring that cannot open the data
//! keys present ([`Vault::check`]). What the FIU keeps of a consent's FI flow is sealed under
//! that consent's key, bound to the row it belongs to: the ephemeral private key of a session
//! until its data is fetched, and each account's decrypted document. Nothing here is ever
//! logged.

use std::path::Path;

use aa_core::fi_crypto::key_material::Ephemeral;
use aa_core::fi_crypto::{Curve, PrivateKey};
use aa_core::key_ring::{KeyRing, KeyRingError};
use aa_core::seal::{DataKey, SealError};
use aa_runtime::sealed_keys::{self, RewrapReport, RingError};
use aa_runtime::settings::{Environment, SettingsError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::configuration::{FiSettings, PREFIX};
use crate::persistence::{Store, StoreError};

/// Why sealing or unsealing failed. Messages never contain key bytes or data.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    MasterKeys(#[from] SettingsError),
    #[error("master key ring: {0}")]
    Ring(#[from] RingError),
    #[error("sealing: {0}")]
    Seal(#[from] SealError),
    #[error("master key ring: {0}")]
    KeyRing(#[from] KeyRingError),
    #[error("sealed key material is unreadable: {0}")]
    KeyMaterial(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The master key ring, able to make, wrap and unwrap the per-consent data keys.
#[derive(Debug, Clone)]
pub struct Vault {
    ring: KeyRing,
}

/// The key id of a consent's data key: `consent:<id>`, cut to the 255 bytes a key id may have
/// (the id only labels the key; the row it is stored in says whose it is).
fn data_key_id(consent_id: &str) -> String {
    let mut id = format!("consent:{consent_id}");
    while id.len() > 255 {
        id.pop();
    }
    id
}

/// What a session keeps of its ephemeral key, sealed.
#[derive(Serialize, Deserialize)]
struct SealedSessionKey {
    curve: String,
    key: String,
    nonce: String,
}

impl Vault {
    /// The master key ring of `settings` (`data_dir` locates the default one-key file, made
    /// when missing outside production).
    pub fn load(
        settings: &FiSettings,
        data_dir: &Path,
        environment: Environment,
    ) -> Result<Self, VaultError> {
        let ring =
            settings
                .master_keys()
                .load(&data_dir.join("fiu-master.key"), environment, PREFIX)?;
        Ok(Self { ring })
    }

    /// Refuses a ring that cannot open the data keys in `store` (a master key id they name is
    /// missing, or the key under a known id is the wrong one).
    pub async fn check(&self, store: &Store) -> Result<(), VaultError> {
        Ok(sealed_keys::check(&self.ring, &store.key_table()).await?)
    }

    /// Moves every data key in `store` to the newest master key (`fiu-service rewrap`).
    pub async fn rewrap(&self, store: &Store) -> Result<RewrapReport, VaultError> {
        Ok(sealed_keys::rewrap(&self.ring, &store.key_table()).await?)
    }

    /// The data key of `consent_id`, made and stored (wrapped) on first use.
    pub async fn data_key(
        &self,
        store: &Store,
        consent_id: &str,
        now: OffsetDateTime,
    ) -> Result<DataKey, VaultError> {
        let id = data_key_id(consent_id);
        if let Some(wrapped) = store.wrapped_data_key(consent_id).await? {
            return Ok(self.ring.unwrap(&id, &wrapped)?);
        }
        let key = DataKey::generate(&id)?;
        let newest = self.ring.newest().id();
        store
            .insert_data_key(consent_id, &id, newest, &self.ring.wrap(&key)?, now)
            .await?;
        // Of two writers racing, the first row stands: read it back.
        let wrapped = store
            .wrapped_data_key(consent_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("data key of {consent_id} vanished")))?;
        Ok(self.ring.unwrap(&id, &wrapped)?)
    }
}

fn session_context(session_row: &str) -> Vec<u8> {
    format!("fiu_fi_sessions:{session_row}:key").into_bytes()
}

fn account_context(account_row: &str) -> Vec<u8> {
    format!("fiu_fi_accounts:{account_row}:data").into_bytes()
}

/// Seals a session's ephemeral private key and nonce.
pub fn seal_session_key(
    key: &DataKey,
    session_row: &str,
    ours: &Ephemeral,
) -> Result<Vec<u8>, VaultError> {
    let sealed = SealedSessionKey {
        curve: ours.private.curve().as_str().to_owned(),
        key: ours
            .private
            .to_pem()
            .map_err(|e| VaultError::KeyMaterial(e.to_string()))?,
        nonce: STANDARD.encode(ours.nonce),
    };
    let json = serde_json::to_vec(&sealed).map_err(|e| VaultError::KeyMaterial(e.to_string()))?;
    Ok(key.seal(&session_context(session_row), &json)?)
}

/// Opens what [`seal_session_key`] sealed: the private key and our nonce.
pub fn open_session_key(
    key: &DataKey,
    session_row: &str,
    sealed: &[u8],
) -> Result<(PrivateKey, [u8; 32]), VaultError> {
    let json = key.open(&session_context(session_row), sealed)?;
    let stored: SealedSessionKey =
        serde_json::from_slice(&json).map_err(|e| VaultError::KeyMaterial(e.to_string()))?;
    let curve: Curve = stored
        .curve
        .parse()
        .map_err(|e: aa_core::fi_crypto::FiCryptoError| VaultError::KeyMaterial(e.to_string()))?;
    let private = PrivateKey::parse(&stored.key, Some(curve))
        .map_err(|e| VaultError::KeyMaterial(e.to_string()))?;
    let nonce = aa_core::fi_crypto::decode_nonce(&stored.nonce)
        .map_err(|e| VaultError::KeyMaterial(e.to_string()))?;
    Ok((private, nonce))
}

/// Seals an account's document (JSON).
pub fn seal_account(key: &DataKey, account_row: &str, json: &[u8]) -> Result<Vec<u8>, VaultError> {
    Ok(key.seal(&account_context(account_row), json)?)
}

/// Opens an account's document.
pub fn open_account(
    key: &DataKey,
    account_row: &str,
    sealed: &[u8],
) -> Result<Vec<u8>, VaultError> {
    Ok(key.open(&account_context(account_row), sealed)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aa_core::fi_crypto::key_material;

    fn settings(key: &str) -> FiSettings {
        FiSettings {
            master_key: Some(aa_runtime::settings::Secret::new(key)),
            ..FiSettings::default()
        }
    }

    #[test]
    fn the_master_key_comes_from_settings_or_a_key_file_made_once_and_never_in_production() {
        let dir = tempfile::tempdir().unwrap();
        let error = Vault::load(&settings("short"), dir.path(), Environment::Local).unwrap_err();
        assert!(error.to_string().contains("base64 of 32 bytes"), "{error}");
        let error = Vault::load(&settings(""), dir.path(), Environment::Production).unwrap_err();
        assert!(error.to_string().contains("FIU__FI__MASTER_KEY"), "{error}");
        let named = FiSettings {
            master_key_file: Some(dir.path().join("named.key")),
            ..FiSettings::default()
        };
        assert!(Vault::load(&named, dir.path(), Environment::Production).is_err());
        assert!(!dir.path().join("named.key").exists());
        let first = Vault::load(&settings(""), dir.path(), Environment::Local).unwrap();
        let again = Vault::load(&settings(""), dir.path(), Environment::Sandbox).unwrap();
        let data = DataKey::generate("consent:1").unwrap();
        let wrapped = first.ring.wrap(&data).unwrap();
        assert!(again.ring.unwrap("consent:1", &wrapped).is_ok());
    }

    #[test]
    fn a_session_key_round_trips_sealed_and_only_in_its_row() {
        let key = DataKey::generate("consent:1").unwrap();
        for curve in [Curve::X25519, Curve::Curve25519] {
            let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
            let ours = key_material::generate(curve, expiry).unwrap();
            let sealed = seal_session_key(&key, "s-1", &ours).unwrap();
            let (private, nonce) = open_session_key(&key, "s-1", &sealed).unwrap();
            assert_eq!(nonce, ours.nonce);
            assert_eq!(
                private.public_key().unwrap(),
                ours.private.public_key().unwrap()
            );
            assert!(open_session_key(&key, "s-2", &sealed).is_err());
        }
    }
}
