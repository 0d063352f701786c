//! Strict loading: every key of a configuration file and every `<PREFIX>_` environment variable
//! must be a setting of the service. A typo (`server.prot`) is refused with the key and where
//! it came from, instead of being ignored while the default silently applies.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Variables with the service's prefix that are not settings: read before the settings are.
const NOT_SETTINGS: [&str; 2] = ["ENVIRONMENT", "CONFIG_DIR"];

/// Variables of other tools that share the `AA_` prefix with the AA service.
const OTHER_TOOLS: [&str; 2] = ["AA_BIN_DIR", "AA_TEST_POSTGRES_URL"];

/// The service's own variables: `<P>_X__Y` and `<P>__X__Y` (the two spellings), each set
/// given to its own source so neither sees the other's.
pub(super) struct Variables {
    pub single: HashMap<String, String>,
    pub double: HashMap<String, String>,
}

impl Variables {
    pub fn of(prefix: &str) -> Self {
        let single_prefix = format!("{prefix}_");
        let double_prefix = format!("{prefix}__");
        let mut single = HashMap::new();
        let mut double = HashMap::new();
        for (name, value) in std::env::vars() {
            if OTHER_TOOLS.contains(&name.as_str()) {
                continue;
            }
            if name.starts_with(&double_prefix) {
                double.insert(name, value);
            } else if let Some(rest) = name.strip_prefix(&single_prefix) {
                if !NOT_SETTINGS.contains(&rest) {
                    single.insert(name, value);
                }
            }
        }
        Self { single, double }
    }

    /// The variable that sets `path` (`server.port`), if one does.
    fn setting(&self, prefix: &str, path: &str) -> Option<String> {
        let tail = path.to_ascii_uppercase().replace('.', "__");
        [format!("{prefix}_{tail}"), format!("{prefix}__{tail}")]
            .into_iter()
            .find(|name| self.single.contains_key(name) || self.double.contains_key(name))
    }
}

/// Deserializes `config` into `T`, collecting the paths of the keys `T` has no field for.
pub(super) fn deserialize<T: DeserializeOwned>(
    config: config::Config,
) -> Result<(T, Vec<String>), config::ConfigError> {
    let mut unknown = Vec::new();
    let value = serde_ignored::deserialize(config, |path| unknown.push(path.to_string()))?;
    Ok((value, unknown))
}

/// `unknown setting "server.prot" (in /etc/fip/base.yaml)`, one per key, joined.
pub(super) fn describe(
    unknown: &[String],
    files: &[PathBuf],
    variables: &Variables,
    prefix: &str,
) -> String {
    unknown
        .iter()
        .map(|path| {
            let place = files
                .iter()
                .find(|file| defines(file, path))
                .map(|file| file.display().to_string())
                .or_else(|| variables.setting(prefix, path))
                .unwrap_or_else(|| "the environment".to_owned());
            format!("unknown setting {path:?} (in {place})")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether the file `file` holds the key `path` (dotted).
fn defines(file: &Path, path: &str) -> bool {
    config::Config::builder()
        .add_source(config::File::from(file).required(false))
        .build()
        .and_then(|config| config.get::<config::Value>(path))
        .is_ok()
}
