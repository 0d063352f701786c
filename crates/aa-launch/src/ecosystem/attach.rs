//! An ecosystem that is already running elsewhere (containers, another machine): its parties'
//! base URLs from the registry of an `aa init` directory, or from `ID=URL` pairs, so that the
//! walkthrough can drive it. Nothing is started, so nothing is stopped; the parties' folders
//! and logs are not this machine's.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aa_core::registry::{Registry, Role};

use crate::ecosystem::{Ecosystem, Party};

/// The parties the walkthrough needs.
const NEEDED: [&str; 4] = ["AA-1", "FIP-1", "FIP-2", "FIU-1"];

impl Ecosystem {
    /// `target` is a directory `aa init` wrote (its `registry.yaml` names the base URLs) or
    /// `AA-1=URL,FIP-1=URL,FIP-2=URL,FIU-1=URL`; `overrides` (`ID=URL`) replace single URLs,
    /// e.g. the host's published ports for a registry that names container hosts.
    pub fn attach(target: &str, overrides: &[String]) -> Result<Self, String> {
        let dir = Path::new(target);
        let mut urls: Vec<(String, String)> = if dir.is_dir() {
            let path = dir.join("registry.yaml");
            let registry = Registry::load(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            registry
                .entities()
                .iter()
                .map(|e| (e.id.clone(), e.base_url.clone()))
                .collect()
        } else {
            pairs(target.split(','))?
        };
        for (id, url) in pairs(overrides.iter().map(String::as_str))? {
            urls.retain(|(known, _)| *known != id);
            urls.push((id, url));
        }
        let mut parties = Vec::new();
        for id in NEEDED {
            let url = urls
                .iter()
                .find(|(known, _)| known == id)
                .map(|(_, url)| url.trim_end_matches('/').to_owned())
                .ok_or_else(|| format!("no base URL for {id} in {target}"))?;
            parties.push(attached(id, url));
        }
        Ok(Self {
            dir: if dir.is_dir() {
                dir.to_path_buf()
            } else {
                PathBuf::new()
            },
            parties,
            processes: Arc::new(Mutex::new(Default::default())),
            config_root: None,
            central_registry: None,
            token_service: None,
            router: None,
        })
    }
}

/// `ID=URL` items, each naming an id and an `http(s)://` URL.
fn pairs<'a>(items: impl Iterator<Item = &'a str>) -> Result<Vec<(String, String)>, String> {
    items
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((id, url)) if url.starts_with("http://") || url.starts_with("https://") => {
                Ok((id.trim().to_owned(), url.trim().to_owned()))
            }
            _ => Err(format!(
                "expected ID=http://host:port or an `aa init` directory, got {item:?}"
            )),
        })
        .collect()
}

fn attached(id: &'static str, base_url: String) -> Party {
    let (binary, prefix, role) = match id {
        "AA-1" => ("aa-service", "AA", Role::Aa),
        "FIU-1" => ("fiu-service", "FIU", Role::Fiu),
        _ => ("fip-service", "FIP", Role::Fip),
    };
    Party {
        id,
        binary,
        prefix,
        role,
        name: id,
        host: "",
        port: super::url_port(&base_url).unwrap_or_default(),
        replicas: Vec::new(),
        base_url,
        folder: id.to_owned(),
        data_dir: PathBuf::new(),
        log: PathBuf::new(),
        database_url: None,
        seed_file: None,
        extra_settings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pairs_name_every_party_and_overrides_win() {
        let eco = Ecosystem::attach(
            "AA-1=http://aa:7001,FIP-1=http://fip-1:7002,FIP-2=http://fip-2:7003/,FIU-1=http://fiu:7004",
            &["AA-1=http://127.0.0.1:9001".to_owned()],
        )
        .unwrap();
        assert_eq!(eco.party("AA-1").unwrap().base_url, "http://127.0.0.1:9001");
        assert_eq!(eco.party("FIP-2").unwrap().base_url, "http://fip-2:7003");
        assert_eq!(eco.party("FIU-1").unwrap().port, 7004);
        assert_eq!(eco.check_running(), Ok(()));
    }

    #[test]
    fn a_missing_party_or_a_bad_pair_is_refused() {
        let err = Ecosystem::attach("AA-1=http://aa:7001", &[]).err().unwrap();
        assert_eq!(err, "no base URL for FIP-1 in AA-1=http://aa:7001");
        let err = Ecosystem::attach("AA-1:7001", &[]).err().unwrap();
        assert!(err.starts_with("expected ID=http://host:port"), "{err}");
    }
}
