//! The FIU's side of Sahamati's AA redirection (`/work/shared/spec/sahamati/redirection/`,
//! `aa_core::redirection`): for each AA, the URL of its consent manager's redirection page and
//! the passphrase shared with it; and the FIU's own public return URL. Loaded once from the
//! `redirection` settings; an AA without both a URL and a passphrase gets no links.

use std::collections::HashMap;
use std::path::PathBuf;

use aa_runtime::redirection::{pairs, Passphrases, RedirectionSettings as SharedSettings};
use aa_runtime::settings::{Environment, Secret, SettingsError};
use serde::Deserialize;

/// `redirection`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RedirectionSettings {
    /// `AA-ID=https://aa.example/cm/webview` pairs: each AA's redirection page.
    #[serde(default)]
    pub urls: Option<String>,
    /// A secret: `AA-ID=passphrase` pairs, the passphrase shared with each AA.
    #[serde(default)]
    pub passphrases: Option<Secret>,
    /// A file of the same lines (a mounted secret).
    #[serde(default)]
    pub passphrases_file: Option<PathBuf>,
    /// Where the AA sends the browser back: the public URL of this FIU's `GET /redirect/return`
    /// (unset: the FIU's registry base URL with that path).
    #[serde(default)]
    pub return_url: Option<String>,
}

/// The loaded settings.
#[derive(Debug, Clone, Default)]
pub struct Redirection {
    urls: HashMap<String, String>,
    passphrases: Passphrases,
    return_url: String,
    /// The FIU's public base URL (the return URL's, else the registry's), for the dashboard's
    /// own pages as `returnTo`.
    public_base: String,
}

/// What a link to `aa` needs: its page and the shared passphrase.
pub struct Target {
    pub url: String,
    pub passphrase: String,
}

pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.contains(char::is_whitespace)
}

impl RedirectionSettings {
    /// Checks and loads the settings; `base_url` is this FIU's registry base URL.
    pub fn load(
        &self,
        environment: Environment,
        base_url: &str,
    ) -> Result<Redirection, SettingsError> {
        let urls = match &self.urls {
            Some(text) => pairs(text, "redirection.urls")?,
            None => HashMap::new(),
        };
        if let Some((aa, _)) = urls.iter().find(|(_, url)| !is_http_url(url)) {
            return Err(SettingsError::Invalid(format!(
                "redirection.urls: the URL of {aa} is not an http(s) URL"
            )));
        }
        let passphrases = SharedSettings {
            passphrases: self.passphrases.clone(),
            passphrases_file: self.passphrases_file.clone(),
        }
        .load(environment)?;
        let return_url = match &self.return_url {
            Some(url) if is_http_url(url) => url.trim().to_owned(),
            Some(_) => {
                return Err(SettingsError::Invalid(
                    "redirection.return_url is not an http(s) URL".into(),
                ))
            }
            None => format!("{}/redirect/return", base_url.trim_end_matches('/')),
        };
        let public_base = return_url
            .strip_suffix("/redirect/return")
            .unwrap_or(base_url)
            .trim_end_matches('/')
            .to_owned();
        Ok(Redirection {
            urls,
            passphrases,
            return_url,
            public_base,
        })
    }
}

impl Redirection {
    /// The page and passphrase of `aa_id`, when both are set.
    pub fn target(&self, aa_id: &str) -> Option<Target> {
        Some(Target {
            url: self.urls.get(aa_id)?.clone(),
            passphrase: self.passphrases.of(aa_id)?,
        })
    }

    /// The passphrase shared with `aa_id`.
    pub fn passphrase(&self, aa_id: &str) -> Option<String> {
        self.passphrases.of(aa_id)
    }

    pub fn return_url(&self) -> &str {
        &self.return_url
    }

    /// `path` on this FIU's public address.
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.public_base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(urls: &str, passphrases: &str) -> RedirectionSettings {
        RedirectionSettings {
            urls: Some(urls.into()),
            passphrases: Some(Secret::new(passphrases)),
            ..RedirectionSettings::default()
        }
    }

    #[test]
    fn an_aa_needs_both_a_url_and_a_passphrase() {
        let loaded = settings("AA-1=http://aa/cm/webview, AA-2=https://b/x", "AA-1=secret")
            .load(Environment::Local, "http://fiu:7004/")
            .unwrap_or_default();
        assert_eq!(
            loaded.target("AA-1").map(|t| t.url),
            Some("http://aa/cm/webview".into())
        );
        assert!(loaded.target("AA-2").is_none());
        assert_eq!(loaded.return_url(), "http://fiu:7004/redirect/return");
        assert_eq!(loaded.public_url("/dashboard"), "http://fiu:7004/dashboard");
    }

    #[test]
    fn a_url_that_is_not_http_is_refused() {
        let refused =
            settings("AA-1=javascript:alert(1)", "AA-1=s").load(Environment::Local, "http://f");
        assert!(refused.is_err());
        let bad_return = RedirectionSettings {
            return_url: Some("ftp://x".into()),
            ..RedirectionSettings::default()
        };
        assert!(bad_return.load(Environment::Local, "http://f").is_err());
    }
}
