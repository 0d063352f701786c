//! The passphrases an AA and an FIU share for Sahamati's redirection (`redirection` settings of
//! both roles): `ENTITY-ID=passphrase` pairs (the AA lists its FIUs, the FIU its AAs), one a
//! line or separated by commas, given inline as a secret (`redirection.passphrases`,
//! `<PREFIX>__REDIRECTION__PASSPHRASES`) or in a file (a mounted secret,
//! `redirection.passphrases_file`), or both. Never printed. [`pairs`] reads the same form for
//! values that are not secret (the FIU's AA consent-manager URLs).

use std::collections::HashMap;
use std::path::PathBuf;

use crate::settings::{Environment, Secret, SettingsError};
use serde::Deserialize;

/// `redirection`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RedirectionSettings {
    #[serde(default)]
    pub passphrases: Option<Secret>,
    #[serde(default)]
    pub passphrases_file: Option<PathBuf>,
}

/// Entity id -> the passphrase shared with it.
#[derive(Clone, Default)]
pub struct Passphrases(HashMap<String, Secret>);

impl std::fmt::Debug for Passphrases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<&String> = self.0.keys().collect();
        ids.sort();
        write!(f, "Passphrases({ids:?})")
    }
}

impl Passphrases {
    /// Reads `text` (`ENTITY-ID=passphrase` per line or comma-separated, blanks and `#` lines
    /// skipped); `source` names it in errors, which never quote a passphrase.
    pub fn parse(text: &str, source: &str) -> Result<Self, SettingsError> {
        Ok(Self(
            pairs(text, source)?
                .into_iter()
                .map(|(id, value)| (id, Secret::new(value)))
                .collect(),
        ))
    }

    /// The passphrase shared with `id`.
    pub fn of(&self, id: &str) -> Option<String> {
        self.0.get(id).map(|s| s.expose().to_owned())
    }

    /// How many entities have one.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `ENTITY-ID=value` pairs, per line or comma-separated, blanks and `#` lines skipped, each id
/// once; errors name `source` and the entity, never a value.
pub fn pairs(text: &str, source: &str) -> Result<HashMap<String, String>, SettingsError> {
    let mut map = HashMap::new();
    for entry in text.split(['\n', ',']).map(str::trim) {
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let Some((id, value)) = entry.split_once('=') else {
            return Err(SettingsError::Invalid(format!(
                "{source}: an entry has no '=' (write ENTITY-ID=value)"
            )));
        };
        let (id, value) = (id.trim(), value.trim());
        if id.is_empty() || value.is_empty() {
            return Err(SettingsError::Invalid(format!(
                "{source}: an entry has an empty entity id or value"
            )));
        }
        if map.insert(id.to_owned(), value.to_owned()).is_some() {
            return Err(SettingsError::Invalid(format!(
                "{source}: {id} is given twice"
            )));
        }
    }
    Ok(map)
}

impl RedirectionSettings {
    /// The passphrases of both spellings (an entity in both is refused); in production each must
    /// be a strong secret.
    pub fn load(&self, environment: Environment) -> Result<Passphrases, SettingsError> {
        let mut all = match &self.passphrases {
            Some(inline) => Passphrases::parse(inline.expose(), "redirection.passphrases")?,
            None => Passphrases::default(),
        };
        if let Some(path) = &self.passphrases_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                SettingsError::Invalid(format!(
                    "redirection.passphrases_file {}: {e}",
                    path.display()
                ))
            })?;
            let from_file = Passphrases::parse(&text, "redirection.passphrases_file")?;
            for (id, secret) in from_file.0 {
                if all.0.insert(id.clone(), secret).is_some() {
                    return Err(SettingsError::Invalid(format!(
                        "redirection: {id} is in both passphrases and passphrases_file"
                    )));
                }
            }
        }
        for (id, secret) in &all.0 {
            secret.check_strength(&format!("redirection passphrase of {id}"), environment)?;
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_read_from_lines_and_commas_and_never_printed() {
        let p =
            Passphrases::parse("FIU-1=alpha beta\n# note\nFIU-2 = gamma, FIU-3=d=e", "t").unwrap();
        assert_eq!(p.of("FIU-1").as_deref(), Some("alpha beta"));
        assert_eq!(p.of("FIU-2").as_deref(), Some("gamma"));
        assert_eq!(p.of("FIU-3").as_deref(), Some("d=e"));
        assert_eq!(p.of("FIU-4"), None);
        let printed = format!("{p:?}");
        assert!(!printed.contains("alpha") && printed.contains("FIU-1"));
    }

    #[test]
    fn malformed_or_repeated_entries_are_refused_without_the_secret() {
        let e = Passphrases::parse("FIU-1 secretword", "t").unwrap_err();
        assert!(!e.to_string().contains("secretword"));
        assert!(Passphrases::parse("FIU-1=a\nFIU-1=b", "t").is_err());
        assert!(Passphrases::parse("=a", "t").is_err());
    }
}
