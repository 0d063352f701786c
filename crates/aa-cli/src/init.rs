//! `aa init DIR`: the ecosystem `aa demo` runs, written for services that run elsewhere
//! (containers, service managers): RSA keys for AA-1, FIP-1, FIP-2, FIU-1 and the token issuer,
//! the registry naming each party's base URL, and each service's settings as `<folder>.env`.
//! The same code as `aa demo`'s launcher, so every ecosystem is made one way. A directory that
//! already holds a registry is left as it is (the keys signed what the services stored), which
//! makes `aa init` safe to run on every start of a container.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Args;

use aa_launch::{Ecosystem, Options};

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to write keys/, registry.yaml and the services' <folder>.env files. Give the path
    /// the services will see it at: the files name each other by it.
    dir: PathBuf,
    /// A party's base URL, ID=URL (e.g. AA-1=http://aa:7001); repeat for each. The service
    /// listens on that port on every interface. A party not named gets a free loopback port.
    #[arg(long = "base-url", value_name = "ID=URL")]
    base_urls: Vec<String>,
    /// Every service's data directory where it runs (e.g. /data in its container); default: its
    /// folder under DIR.
    #[arg(long, value_name = "PATH")]
    service_data_dir: Option<PathBuf>,
}

const PARTIES: [&str; 4] = ["AA-1", "FIP-1", "FIP-2", "FIU-1"];

pub fn run(args: InitArgs) -> Result<Vec<u8>, String> {
    std::fs::create_dir_all(&args.dir).map_err(|e| format!("{}: {e}", args.dir.display()))?;
    let dir = std::path::absolute(&args.dir).map_err(|e| format!("{}: {e}", args.dir.display()))?;
    if Ecosystem::is_prepared(&dir) {
        return Ok(format!(
            "{} already holds an ecosystem (registry.yaml): left as it is\n",
            dir.display()
        )
        .into_bytes());
    }
    let mut options = Options::two_banks();
    options.base_urls = by_party(&args.base_urls)?;
    options.service_data_dir = args.service_data_dir;
    let processes = Arc::new(Mutex::new(Default::default()));
    let eco = Ecosystem::prepare(&dir, processes, &options)?;
    let written = eco.write_settings()?;
    let mut out = format!(
        "wrote RSA-2048 keys for {} and the token issuer, and the registry, under {}\n",
        PARTIES.join(", "),
        dir.display()
    );
    for (party, file) in eco.parties.iter().zip(&written) {
        out.push_str(&format!(
            "{} at {}: settings in {}\n",
            party.id,
            party.base_url,
            file.display()
        ));
    }
    Ok(out.into_bytes())
}

/// `ID=URL` items for the four parties, refusing an unknown id or a repeated one.
fn by_party(items: &[String]) -> Result<Vec<(&'static str, String)>, String> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for item in items {
        let (id, value) = item
            .split_once('=')
            .ok_or_else(|| format!("expected ID=URL, got {item:?}"))?;
        let id = PARTIES
            .into_iter()
            .find(|known| *known == id)
            .ok_or_else(|| format!("unknown party {id:?}: one of {}", PARTIES.join(", ")))?;
        if found.iter().any(|(known, _)| *known == id) {
            return Err(format!("{id} given twice"));
        }
        found.push((id, value.to_owned()));
    }
    Ok(found)
}
