//! The master keys of a role that seals data at rest (the FIU's stored data, the FIP's prepared
//! data), one settings shape for both: `fi.master_keys`, a list newest first, each `{id, key}`
//! (base64 of 32 bytes, a secret) or `{id, file}` (a file holding that). The older one-key
//! spelling (`fi.master_key`, else `fi.master_key_file`, with `fi.master_key_id`) is still
//! accepted as a ring of one, so existing deployments keep working; the two spellings together
//! are refused. Outside production a missing one-key file is created with a fresh key; in
//! production nothing is ever created and a role without a master key does not start.

use std::path::{Path, PathBuf};

use aa_core::key_ring::KeyRing;
use aa_core::seal::DataKey;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{Environment, Secret, SettingsError};

/// One key of `fi.master_keys`: its id (written into every data key wrapped under it) and the
/// key itself, inline or in a file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct MasterKey {
    pub id: String,
    /// Base64 of 32 bytes.
    #[serde(default)]
    pub key: Option<Secret>,
    /// A file holding base64 of 32 bytes (a mounted secret).
    #[serde(default)]
    pub file: Option<PathBuf>,
}

/// A role's master key settings, as its `fi` section holds them.
#[derive(Debug, Clone, Default)]
pub struct MasterKeys {
    /// `fi.master_keys`, newest first; when set, the one-key settings must be unset.
    pub ring: Vec<MasterKey>,
    /// `fi.master_key`: the one-key spelling, inline.
    pub key: Option<Secret>,
    /// `fi.master_key_file`: the one-key spelling, in a file.
    pub file: Option<PathBuf>,
    /// `fi.master_key_id`: the id of the one key.
    pub id: String,
}

fn invalid(message: String) -> SettingsError {
    SettingsError::Invalid(message)
}

impl MasterKeys {
    /// The one-key inline key, when it is set and not blank.
    fn single_key(&self) -> Option<&Secret> {
        self.key.as_ref().filter(|k| !k.expose().trim().is_empty())
    }

    /// The rules that need no key read: not both spellings; each ring entry one key, inline or
    /// in a file; in production, a key given (`prefix` names the variable).
    pub fn check(&self, environment: Environment, prefix: &str) -> Result<(), SettingsError> {
        if !self.ring.is_empty() && (self.single_key().is_some() || self.file.is_some()) {
            return Err(invalid(
                "give fi.master_keys or fi.master_key / fi.master_key_file, not both \
                 (list the one key in fi.master_keys)"
                    .into(),
            ));
        }
        for (i, entry) in self.ring.iter().enumerate() {
            let inline = entry
                .key
                .as_ref()
                .is_some_and(|k| !k.expose().trim().is_empty());
            if inline == entry.file.is_some() {
                return Err(invalid(format!(
                    "fi.master_keys[{i}] (id {:?}): give exactly one of key or file",
                    entry.id
                )));
            }
        }
        let none = self.ring.is_empty() && self.single_key().is_none() && self.file.is_none();
        if environment.is_production() && none {
            return Err(invalid(format!(
                "production needs fi.master_keys, fi.master_key ({prefix}__FI__MASTER_KEY) or \
                 fi.master_key_file: a key made at start-up would leave the sealed data \
                 unreadable once lost"
            )));
        }
        Ok(())
    }

    /// The ring. `default_file` is the one-key file when neither spelling names a key; it is
    /// created with a fresh key when missing, except in production. Errors name the setting
    /// and the key id, never the key.
    pub fn load(
        &self,
        default_file: &Path,
        environment: Environment,
        prefix: &str,
    ) -> Result<KeyRing, SettingsError> {
        self.check(environment, prefix)?;
        let keys = if self.ring.is_empty() {
            let text = match self.single_key() {
                Some(key) => Zeroizing::new(key.expose().to_owned()),
                None => {
                    let path = self.file.as_deref().unwrap_or(default_file);
                    read_or_create(path, !environment.is_production())?
                }
            };
            vec![master_key(&self.id, &text, "fi.master_key")?]
        } else {
            self.ring
                .iter()
                .enumerate()
                .map(|(i, entry)| {
                    let place = format!("fi.master_keys[{i}]");
                    let text = match (&entry.key, &entry.file) {
                        (Some(key), None) => Zeroizing::new(key.expose().to_owned()),
                        (_, Some(path)) => read(path, &place)?,
                        (None, None) => Zeroizing::new(String::new()),
                    };
                    master_key(&entry.id, &text, &place)
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        KeyRing::new(keys).map_err(|e| invalid(format!("fi.master_keys: {e}")))
    }
}

/// The key `id` from base64 `text`; `place` names the setting in the error.
fn master_key(id: &str, text: &str, place: &str) -> Result<DataKey, SettingsError> {
    let bytes = Zeroizing::new(STANDARD.decode(text.trim()).unwrap_or_default());
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| invalid(format!("{place} (id {id:?}) must be base64 of 32 bytes")))?;
    DataKey::from_bytes(id, key).map_err(|e| invalid(format!("{place} (id {id:?}): {e}")))
}

fn read(path: &Path, place: &str) -> Result<Zeroizing<String>, SettingsError> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|e| invalid(format!("{place}: cannot read {}: {e}", path.display())))
}

/// Reads the one-key file, or (when `create`) makes it, owner read/write only, with a fresh key.
fn read_or_create(path: &Path, create: bool) -> Result<Zeroizing<String>, SettingsError> {
    if create && !path.exists() {
        let key = aa_core::fi_crypto::keys::random_bytes::<32>()
            .map_err(|_| invalid("the system random generator failed".into()))?;
        let text = Zeroizing::new(format!("{}\n", STANDARD.encode(key)));
        write_private(path, text.as_bytes())
            .map_err(|e| invalid(format!("fi.master_key_file {}: {e}", path.display())))?;
        tracing::warn!(
            path = %path.display(),
            "created a new master key file; keep it with the database, or set fi.master_keys"
        );
    }
    read(path, "fi.master_key_file")
}

/// Writes a new file only its owner can read.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const K1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    const K2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";

    fn entry(id: &str, key: &str) -> MasterKey {
        MasterKey {
            id: id.into(),
            key: Some(Secret::new(key)),
            file: None,
        }
    }

    fn single(id: &str) -> MasterKeys {
        MasterKeys {
            id: id.into(),
            ..MasterKeys::default()
        }
    }

    #[test]
    fn a_ring_is_newest_first_and_an_entry_may_be_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m1.key");
        std::fs::write(&file, format!("{K1}\n")).unwrap();
        let keys = MasterKeys {
            ring: vec![
                entry("m2", K2),
                MasterKey {
                    id: "m1".into(),
                    key: None,
                    file: Some(file),
                },
            ],
            ..single("unused")
        };
        let ring = keys
            .load(&dir.path().join("none"), Environment::Production, "FIU")
            .unwrap();
        assert_eq!(ring.ids().collect::<Vec<_>>(), ["m2", "m1"]);
        assert!(!dir.path().join("none").exists());
    }

    #[test]
    fn the_one_key_spelling_is_a_ring_of_one() {
        let inline = MasterKeys {
            key: Some(Secret::new(K1)),
            ..single("fiu-master-1")
        };
        let ring = inline
            .load(Path::new("/nonexistent"), Environment::Production, "FIU")
            .unwrap();
        assert_eq!(ring.ids().collect::<Vec<_>>(), ["fiu-master-1"]);
        let dir = tempfile::tempdir().unwrap();
        let default_file = dir.path().join("sub/master.key");
        let made = single("k")
            .load(&default_file, Environment::Local, "FIU")
            .unwrap();
        let again = single("k")
            .load(&default_file, Environment::Local, "FIU")
            .unwrap();
        let data = DataKey::generate("consent:1").unwrap();
        assert!(again
            .unwrap("consent:1", &made.wrap(&data).unwrap())
            .is_ok());
    }

    #[test]
    fn production_creates_no_key_and_refuses_to_run_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let default_file = dir.path().join("master.key");
        let error = single("k")
            .check(Environment::Production, "FIU")
            .unwrap_err();
        assert!(error.to_string().contains("FIU__FI__MASTER_KEY"), "{error}");
        let named = MasterKeys {
            file: Some(default_file.clone()),
            ..single("k")
        };
        let error = named
            .load(&default_file, Environment::Production, "FIU")
            .unwrap_err();
        assert!(error.to_string().contains("cannot read"), "{error}");
        assert!(!default_file.exists());
    }

    #[test]
    fn bad_rings_are_refused_naming_the_entry_and_never_the_key() {
        let both = MasterKeys {
            ring: vec![entry("m1", K1)],
            key: Some(Secret::new(K2)),
            ..single("k")
        };
        assert!(both
            .check(Environment::Local, "FIP")
            .unwrap_err()
            .to_string()
            .contains("not both"));
        let short = MasterKeys {
            ring: vec![entry("m2", K2), entry("m1", "c2hvcnQ=")],
            ..single("k")
        };
        let error = short
            .load(Path::new("/x"), Environment::Local, "FIU")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "configuration: fi.master_keys[1] (id \"m1\") must be base64 of 32 bytes"
        );
        let twice = MasterKeys {
            ring: vec![entry("m1", K1), entry("m1", K2)],
            ..single("k")
        };
        let error = twice
            .load(Path::new("/x"), Environment::Local, "FIU")
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"m1\" appears twice"), "{error}");
        assert!(!error.contains(K1) && !error.contains(K2));
        let neither = MasterKeys {
            ring: vec![MasterKey {
                id: "m1".into(),
                key: None,
                file: None,
            }],
            ..single("k")
        };
        let error = neither
            .check(Environment::Local, "FIP")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("fi.master_keys[0] (id \"m1\"): give exactly one"),
            "{error}"
        );
    }

    #[test]
    fn an_entry_deserializes_and_prints_without_its_key() {
        let entry: MasterKey =
            serde_json::from_str(&format!(r#"{{"id":"m1","key":"{K1}"}}"#)).unwrap();
        assert_eq!(entry.id, "m1");
        assert!(!format!("{entry:?}").contains(K1));
    }
}
