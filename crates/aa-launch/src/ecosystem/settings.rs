//! Each service's settings in the ecosystem, as the environment variables its loader reads
//! (docs/SERVICES.md): `aa demo` gives them to the processes it starts, `aa init` writes them
//! to `<folder>.env` for containers and service managers.

use std::path::{Path, PathBuf};

use crate::ecosystem::{
    Ecosystem, Party, DEMO_REDIRECT_PASSPHRASE, FIU_APP_TOKEN, ISSUER_ID, ISSUER_KID,
};

impl Ecosystem {
    /// The variables that configure `party`: where it listens, its data, its identity (keys
    /// and registry under the ecosystem's directory; the local Central Registry when it runs), the OTP sandbox the walkthrough reads,
    /// the FIU's app token, and the `local` environment.
    pub fn settings(&self, party: &Party) -> Vec<(String, String)> {
        let p = party.prefix;
        let mut vars = Vec::new();
        let mut set = |key: &str, value: String| vars.push((format!("{p}__{key}"), value));
        set("SERVER__HOST", party.host.into());
        set("SERVER__PORT", party.port.to_string());
        set("DATA_DIR", party.data_dir.display().to_string());
        if let Some(url) = &party.database_url {
            set("DATABASE__URL", url.clone());
            // Several ecosystems (the end-to-end tests, two replicas per role) share one
            // PostgreSQL server and its 100 connections: a small pool per service each.
            set("DATABASE__MAX_CONNECTIONS", "4".into());
        }
        set("IDENTITY__ENTITY_ID", party.id.into());
        set("IDENTITY__SIGNING_KID", party.kid());
        set(
            "IDENTITY__SIGNING_KEY__FILE",
            self.key_file(party.id).display().to_string(),
        );
        set(
            "IDENTITY__REGISTRY_FILE",
            self.registry_file().display().to_string(),
        );
        if let Some((url, token)) = self.central_registry_of(party.id) {
            set("IDENTITY__REGISTRY_SOURCE", "central_registry".into());
            set("IDENTITY__CENTRAL_REGISTRY__URL", url);
            // With the token service running, the CR is called with its token instead.
            if self.token_service.is_none() {
                set("IDENTITY__CENTRAL_REGISTRY__TOKEN", token.into());
            }
            set("IDENTITY__CENTRAL_REGISTRY__REFRESH_SECONDS", "5".into());
            set(
                "IDENTITY__CENTRAL_REGISTRY__CACHE_FILE",
                party.data_dir.join("cr-cache.json").display().to_string(),
            );
        }
        if let Some((ts, secret)) = self.token_service_of(party.id) {
            set("IDENTITY__API_KEYS__MODE", "token_service".into());
            set("IDENTITY__TOKEN_SERVICE__URL", ts.iam_url());
            set("IDENTITY__TOKEN_SERVICE__CLIENT_SECRET", secret.into());
            set("IDENTITY__TOKEN_SERVICE__ISSUER", ts.issuer());
            set("IDENTITY__TOKEN_SERVICE__JWKS_URL", ts.jwks_url());
        } else {
            set("IDENTITY__API_KEYS__MODE", "mint".into());
            set("IDENTITY__API_KEYS__ISSUER_ID", ISSUER_ID.into());
            set("IDENTITY__API_KEYS__ISSUER_KID", ISSUER_KID.into());
            set(
                "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
                self.key_file("issuer").display().to_string(),
            );
        }
        if let Some((url, ver)) = self.router_of() {
            set("IDENTITY__ROUTER__URL", url);
            set("IDENTITY__OUTBOUND_VERSION", ver.into());
        }
        // Only the AA (login) and the FIPs (linking) send OTPs; the FIU has no such setting.
        if party.prefix != "FIU" {
            set("OTP__SANDBOX_ENDPOINT", "true".into());
        }
        if let Some(seed) = &party.seed_file {
            set("SEED_FILE", seed.clone());
        }
        if party.prefix == "FIU" {
            set("APP_API__TOKEN", FIU_APP_TOKEN.into());
            // Every AA of the ecosystem takes this FIU's customers by redirection.
            let aas: Vec<&Party> = self.parties.iter().filter(|p| p.prefix == "AA").collect();
            let urls: Vec<String> = aas
                .iter()
                .map(|aa| format!("{}={}/cm/webview", aa.id, aa.base_url))
                .collect();
            let passphrases: Vec<String> = aas
                .iter()
                .map(|aa| format!("{}={DEMO_REDIRECT_PASSPHRASE}", aa.id))
                .collect();
            set("REDIRECTION__URLS", urls.join(","));
            set("REDIRECTION__PASSPHRASES", passphrases.join(","));
        }
        // The AA shares the demo redirection passphrase with every FIU of the ecosystem.
        if party.prefix == "AA" {
            let pairs: Vec<String> = self
                .parties
                .iter()
                .filter(|p| p.prefix == "FIU")
                .map(|p| format!("{}={DEMO_REDIRECT_PASSPHRASE}", p.id))
                .collect();
            set("REDIRECTION__PASSPHRASES", pairs.join(","));
        }
        for (name, value) in &party.extra_settings {
            set(name, value.clone());
        }
        if let Some(root) = &self.config_root {
            vars.push((
                format!("{p}_CONFIG_DIR"),
                root.join(party.binary)
                    .join("configuration")
                    .display()
                    .to_string(),
            ));
        }
        vars.push((format!("{p}_ENVIRONMENT"), "local".into()));
        vars
    }

    /// Writes `<folder>.env` (`NAME=value` lines, as `docker run --env-file` and systemd's
    /// `EnvironmentFile` read them) for every service; returns the files written.
    pub fn write_settings(&self) -> Result<Vec<PathBuf>, String> {
        let mut written = Vec::new();
        for party in &self.parties {
            let path = self.dir.join(format!("{}.env", party.folder));
            let mut text = format!(
                "# {} ({}), written by `aa init`: its settings beside the image's configuration.\n",
                party.id, party.binary
            );
            for (name, value) in self.settings(party) {
                text.push_str(&format!("{name}={value}\n"));
            }
            write_file(&path, &text)?;
            written.push(path);
        }
        Ok(written)
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
