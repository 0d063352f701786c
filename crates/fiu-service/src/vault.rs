//! Sealing at rest (`aa_core::seal`): every consent artefact gets its own data key, stored
//! wrapped under the master key from the configuration (`fi.master_key`, else the key file
//! `fi.master_key_file`, created with a fresh key on first start). What the FIU keeps of a
//! consent's FI flow is sealed under that consent's key, bound to the row it belongs to:
//! the ephemeral private key of a session until its data is fetched, and each account's
//! decrypted document. Nothing here is ever logged.

use std::io::Write;
use std::path::{Path, PathBuf};

use aa_core::fi_crypto::key_material::Ephemeral;
use aa_core::fi_crypto::keys::random_bytes;
use aa_core::fi_crypto::{Curve, PrivateKey};
use aa_core::seal::{DataKey, SealError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::configuration::FiSettings;
use crate::persistence::{Store, StoreError};

/// Why sealing or unsealing failed. Messages never contain key bytes or data.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("fi.master_key must be base64 of 32 bytes")]
    MasterKeyFormat,
    #[error("master key file {path}: {source}")]
    MasterKeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("master key file {0} must hold base64 of 32 bytes")]
    MasterKeyFileFormat(String),
    #[error("sealing: {0}")]
    Seal(#[from] SealError),
    #[error("sealed key material is unreadable: {0}")]
    KeyMaterial(String),
    #[error("the system random generator failed")]
    Random,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The master key, able to make, wrap and unwrap the per-consent data keys.
#[derive(Debug, Clone)]
pub struct Vault {
    master: DataKey,
}

fn decode_key(text: &str) -> Option<[u8; 32]> {
    STANDARD.decode(text.trim()).ok()?.try_into().ok()
}

/// Reads the key file, or creates it (owner read/write only) with a fresh key.
fn key_from_file(path: &Path) -> Result<[u8; 32], VaultError> {
    let file_error = |source| VaultError::MasterKeyFile {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => decode_key(&text)
            .ok_or_else(|| VaultError::MasterKeyFileFormat(path.display().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_bytes::<32>().map_err(|_| VaultError::Random)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(path).map_err(file_error)?;
            file.write_all(format!("{}\n", STANDARD.encode(key)).as_bytes())
                .map_err(file_error)?;
            tracing::warn!(path = %path.display(), "created a new FI master key file; keep it with the database, or set fi.master_key");
            Ok(key)
        }
        Err(e) => Err(file_error(e)),
    }
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
    /// The master key of `settings` (`data_dir` locates the default key file).
    pub fn load(settings: &FiSettings, data_dir: &Path) -> Result<Self, VaultError> {
        let configured = settings.master_key.expose().trim();
        let key = if configured.is_empty() {
            let path: PathBuf = settings
                .master_key_file
                .clone()
                .unwrap_or_else(|| data_dir.join("fiu-master.key"));
            key_from_file(&path)?
        } else {
            decode_key(configured).ok_or(VaultError::MasterKeyFormat)?
        };
        let master = DataKey::from_bytes(&settings.master_key_id, key)?;
        Ok(Self { master })
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
            return Ok(DataKey::unwrap_with(&self.master, &id, &wrapped)?);
        }
        let key = DataKey::generate(&id)?;
        store
            .insert_data_key(consent_id, &id, &key.wrap(&self.master)?, now)
            .await?;
        // Of two writers racing, the first row stands: read it back.
        let wrapped = store
            .wrapped_data_key(consent_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("data key of {consent_id} vanished")))?;
        Ok(DataKey::unwrap_with(&self.master, &id, &wrapped)?)
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
            master_key: aa_runtime::settings::Secret::new(key),
            ..FiSettings::default()
        }
    }

    #[test]
    fn the_master_key_comes_from_settings_or_a_key_file_made_once() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Vault::load(&settings("short"), dir.path()),
            Err(VaultError::MasterKeyFormat)
        ));
        let first = Vault::load(&settings(""), dir.path()).unwrap();
        let again = Vault::load(&settings(""), dir.path()).unwrap();
        let data = DataKey::generate("consent:1").unwrap();
        let wrapped = data.wrap(&first.master).unwrap();
        assert!(DataKey::unwrap_with(&again.master, "consent:1", &wrapped).is_ok());
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
