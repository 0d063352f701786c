//! Who is who: entities (AA, FIP, FIU) with their base URLs and public signing keys, and the
//! token issuers whose keys sign API keys. Loaded from a YAML or JSON file for local use (the
//! format is documented in `docs/REGISTRY.md`), or read from the Sahamati Central Registry's
//! answers ([`central`]). Every `kid` is unique across the registry, so a
//! signature's `kid` names exactly one entity.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::apikey;
use crate::jws::{KeyError, VerifyingKey};

pub mod central;
pub mod central_render;

/// The role an entity plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    Aa,
    Fip,
    Fiu,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Aa => "AA",
            Role::Fip => "FIP",
            Role::Fiu => "FIU",
        }
    }

    /// The header a caller of this role sends its API key in (DESIGN.md, "who calls whom").
    pub fn api_key_header(self) -> &'static str {
        match self {
            Role::Aa => "aa_api_key",
            Role::Fip => "fip_api_key",
            Role::Fiu => "client_api_key",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AA" => Ok(Role::Aa),
            "FIP" => Ok(Role::Fip),
            "FIU" => Ok(Role::Fiu),
            _ => Err(RegistryError::Invalid(format!("unknown role {s:?}"))),
        }
    }
}

/// Why a registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read registry {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("registry is not valid {format}: {message}")]
    Parse {
        format: &'static str,
        message: String,
    },
    #[error("key {kid:?}: {source}")]
    Key { kid: String, source: KeyError },
    #[error("invalid registry: {0}")]
    Invalid(String),
}

/// A public key as written in the file: inline PEM, inline JWK, or a PEM file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    pub kid: String,
    #[serde(default)]
    pub pem: Option<String>,
    #[serde(default)]
    pub jwk: Option<serde_json::Value>,
    #[serde(default)]
    pub pem_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntitySpec {
    id: String,
    role: Role,
    #[serde(default)]
    name: Option<String>,
    base_url: String,
    #[serde(default)]
    keys: Vec<KeySpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerSpec {
    id: String,
    keys: Vec<KeySpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    entities: Vec<EntitySpec>,
    #[serde(default)]
    token_issuers: Vec<IssuerSpec>,
}

/// One entity of the ecosystem.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub role: Role,
    pub name: String,
    /// Base URL of its ReBIT API, without a trailing slash.
    pub base_url: String,
    pub keys: Vec<VerifyingKey>,
}

/// The loaded registry.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
    /// kid -> (entity index, key index)
    by_kid: HashMap<String, (usize, usize)>,
    issuers: Vec<(String, VerifyingKey)>,
}

impl KeySpec {
    fn load(&self, base_dir: &Path) -> Result<VerifyingKey, RegistryError> {
        let key_err = |source| RegistryError::Key {
            kid: self.kid.clone(),
            source,
        };
        match (&self.pem, &self.jwk, &self.pem_file) {
            (Some(pem), None, None) => {
                VerifyingKey::from_text(pem, Some(&self.kid)).map_err(key_err)
            }
            (None, Some(jwk), None) => {
                VerifyingKey::from_text(&jwk.to_string(), Some(&self.kid)).map_err(key_err)
            }
            (None, None, Some(file)) => {
                let path = base_dir.join(file);
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| RegistryError::Read { path, source })?;
                VerifyingKey::from_text(&text, Some(&self.kid)).map_err(key_err)
            }
            _ => Err(RegistryError::Invalid(format!(
                "key {:?} needs exactly one of pem, jwk, pem_file",
                self.kid
            ))),
        }
    }
}

impl Registry {
    /// Loads a registry file; `.json` is read as JSON, anything else as YAML. Relative
    /// `pem_file` paths are resolved against the file's directory.
    pub fn load(path: &Path) -> Result<Self, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|source| RegistryError::Read {
            path: path.to_owned(),
            source,
        })?;
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let base_dir = path.parent().unwrap_or_else(|| Path::new("."));
        Self::from_text(&text, json, base_dir)
    }

    /// Parses registry text (YAML, or JSON when `json`).
    pub fn from_text(text: &str, json: bool, base_dir: &Path) -> Result<Self, RegistryError> {
        let file: RegistryFile = if json {
            serde_json::from_str(text).map_err(|e| RegistryError::Parse {
                format: "JSON",
                message: e.to_string(),
            })?
        } else {
            serde_yaml::from_str(text).map_err(|e| RegistryError::Parse {
                format: "YAML",
                message: e.to_string(),
            })?
        };
        let mut registry = Registry::default();
        let mut kids = std::collections::HashSet::new();
        let mut claim_kid = |kid: &str| {
            if kids.insert(kid.to_owned()) {
                Ok(())
            } else {
                Err(RegistryError::Invalid(format!("kid {kid:?} appears twice")))
            }
        };
        for spec in file.entities {
            if spec.id.trim().is_empty() {
                return Err(RegistryError::Invalid("an entity has an empty id".into()));
            }
            if registry.by_id.contains_key(&spec.id) {
                return Err(RegistryError::Invalid(format!(
                    "entity {:?} appears twice",
                    spec.id
                )));
            }
            let index = registry.entities.len();
            let mut keys = Vec::with_capacity(spec.keys.len());
            for (key_index, key) in spec.keys.iter().enumerate() {
                claim_kid(&key.kid)?;
                keys.push(key.load(base_dir)?);
                registry.by_kid.insert(key.kid.clone(), (index, key_index));
            }
            registry.by_id.insert(spec.id.clone(), index);
            registry.entities.push(Entity {
                name: spec.name.unwrap_or_else(|| spec.id.clone()),
                id: spec.id,
                role: spec.role,
                base_url: spec.base_url.trim_end_matches('/').to_owned(),
                keys,
            });
        }
        for issuer in file.token_issuers {
            for key in &issuer.keys {
                claim_kid(&key.kid)?;
                registry
                    .issuers
                    .push((issuer.id.clone(), key.load(base_dir)?));
            }
        }
        Ok(registry)
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// The entity that owns signing key `kid`, and the key.
    pub fn by_kid(&self, kid: &str) -> Option<(&Entity, &VerifyingKey)> {
        let &(entity, key) = self.by_kid.get(kid)?;
        let entity = &self.entities[entity];
        Some((entity, &entity.keys[key]))
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Entities of one role, in file order.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(move |e| e.role == role)
    }

    /// An API-key verifier trusting every token issuer key of the registry.
    pub fn api_key_verifier(&self) -> Result<apikey::Verifier, apikey::ApiKeyError> {
        let mut verifier = apikey::Verifier::new();
        for (iss, key) in &self.issuers {
            verifier.add_issuer_key(iss, key)?;
        }
        Ok(verifier)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::jws::SigningKey;

    fn public_pem() -> String {
        let pem = include_str!("../tests/fixtures/keys/other-rsa.pem");
        SigningKey::from_pem(pem, "k")
            .unwrap()
            .verifying_key()
            .to_pem()
    }

    fn yaml() -> String {
        let pem = public_pem().replace('\n', "\n          ");
        format!(
            "entities:\n  - id: AA-1\n    role: AA\n    base_url: http://127.0.0.1:7001/\n    keys:\n      - kid: aa-1-sig\n        pem: |\n          {pem}\n  - id: FIP-1\n    role: FIP\n    base_url: http://127.0.0.1:7002\n    keys: []\ntoken_issuers:\n  - id: AA-1\n    keys:\n      - kid: aa-1-tokens\n        jwk: {jwk}\n",
            jwk = SigningKey::from_pem(include_str!("../tests/fixtures/keys/other-rsa.pem"), "x").unwrap().verifying_key().to_jwk()
        )
    }

    #[test]
    fn entities_are_found_by_id_and_by_kid() {
        let registry = Registry::from_text(&yaml(), false, Path::new(".")).unwrap();
        let aa = registry.entity("AA-1").unwrap();
        assert_eq!(aa.role, Role::Aa);
        assert_eq!(aa.base_url, "http://127.0.0.1:7001");
        let (owner, key) = registry.by_kid("aa-1-sig").unwrap();
        assert_eq!(owner.id, "AA-1");
        assert_eq!(key.kid(), "aa-1-sig");
        assert!(
            registry.by_kid("aa-1-tokens").is_none(),
            "issuer keys are not signing keys"
        );
        assert_eq!(registry.with_role(Role::Fip).count(), 1);
        assert!(registry.api_key_verifier().is_ok());
    }

    #[test]
    fn a_duplicate_kid_or_entity_is_refused() {
        let text = yaml().replace("aa-1-tokens", "aa-1-sig");
        assert!(matches!(
            Registry::from_text(&text, false, Path::new(".")),
            Err(RegistryError::Invalid(_))
        ));
        let text = yaml().replace("FIP-1", "AA-1");
        assert!(Registry::from_text(&text, false, Path::new(".")).is_err());
    }

    #[test]
    fn json_registries_load_too() {
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml()).unwrap();
        let json = serde_json::to_string(&value).unwrap();
        let registry = Registry::from_text(&json, true, Path::new(".")).unwrap();
        assert_eq!(registry.entities().len(), 2);
    }
}
