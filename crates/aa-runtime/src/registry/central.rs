//! The Central Registry client: `GET {url}/entityInfo/{type}` (or `/v2/entityInfo/{type}`)
//! with `Authorization: Bearer <token>` for each entity type our role may list, and the cache
//! of the last good answers on disk. What the answers mean is `aa_core::registry::central`.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use super::{CentralApi, CentralRegistrySettings, CrToken};
use crate::settings::redact_url;
use aa_core::registry::central::{self, Read, Skipped};
use aa_core::registry::{Registry, Role};

/// The largest answer accepted for one entity type.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The bodies of one round of CR calls, by entity type, in call order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers(pub Vec<(Role, Vec<u8>)>);

/// Why a round of CR calls gave no registry.
#[derive(Debug, thiserror::Error)]
pub enum CentralRegistryError {
    #[error("{url}: {cause}")]
    Transport { url: String, cause: String },
    #[error("no access token for the central registry: {cause}")]
    NoToken { cause: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: the answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge { url: String },
    #[error(transparent)]
    Answer(#[from] central::CentralError),
    #[error("cache {path}: {cause}")]
    Cache { path: String, cause: String },
}

/// The HTTP client for CR calls.
pub fn client(settings: &CentralRegistrySettings) -> Result<reqwest::Client, String> {
    let timeout = Duration::from_secs(settings.timeout_seconds.max(1));
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .build()
        .map_err(|e| format!("central registry client: {e}"))
}

/// The URL listing entities of `entity_type`.
pub fn list_url(settings: &CentralRegistrySettings, entity_type: Role) -> String {
    let base = settings.url.trim_end_matches('/');
    match settings.api {
        CentralApi::V1 => format!("{base}/entityInfo/{entity_type}"),
        CentralApi::V2 => format!("{base}/v2/entityInfo/{entity_type}"),
    }
}

/// One round: every entity type a caller of `our_role` may list, with `token`.
pub async fn fetch(
    http: &reqwest::Client,
    settings: &CentralRegistrySettings,
    token: &dyn CrToken,
    our_role: Role,
) -> Result<Answers, CentralRegistryError> {
    let token = token
        .current()
        .map_err(|cause| CentralRegistryError::NoToken { cause })?;
    let mut answers = Vec::new();
    for &entity_type in central::visible_types(our_role) {
        let url = list_url(settings, entity_type);
        let shown = redact_url(&url);
        let transport = |e: reqwest::Error| CentralRegistryError::Transport {
            url: shown.clone(),
            cause: causes(&e),
        };
        let response = http
            .get(&url)
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(CentralRegistryError::Status { url: shown, status });
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(CentralRegistryError::TooLarge { url: shown });
        }
        let body = response.bytes().await.map_err(transport)?;
        if body.len() > MAX_ANSWER_BYTES {
            return Err(CentralRegistryError::TooLarge { url: shown });
        }
        answers.push((entity_type, body.to_vec()));
    }
    Ok(Answers(answers))
}

/// The registry the answers give, with `token_issuers`' issuers.
pub fn read(
    answers: &Answers,
    token_issuers: &Registry,
    our_id: &str,
) -> Result<Read, central::CentralError> {
    let bodies: Vec<(Role, &[u8])> = answers
        .0
        .iter()
        .map(|(role, body)| (*role, body.as_slice()))
        .collect();
    central::read(&bodies, token_issuers, our_id)
}

/// Logs each entry the CR served that we cannot use, once per reading.
pub fn warn_skipped(skipped: &[Skipped]) {
    for skip in skipped {
        tracing::warn!(
            entity.r#type = %skip.role,
            entity.id = %skip.entry,
            reason = %skip.reason,
            "central registry entry skipped"
        );
    }
}

/// Keeps `answers` as the last good ones: written beside, then renamed over the cache file.
pub fn save_cache(path: &Path, answers: &Answers) -> Result<(), CentralRegistryError> {
    let cache_err = |cause: String| CentralRegistryError::Cache {
        path: path.display().to_string(),
        cause,
    };
    let mut lists = Map::new();
    for (role, body) in &answers.0 {
        let value: Value = serde_json::from_slice(body).map_err(|e| cache_err(e.to_string()))?;
        lists.insert(role.as_str().to_owned(), value);
    }
    let text =
        serde_json::to_vec_pretty(&Value::Object(lists)).map_err(|e| cache_err(e.to_string()))?;
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).map_err(|e| cache_err(e.to_string()))?;
    std::fs::rename(&partial, path).map_err(|e| cache_err(e.to_string()))
}

/// The answers last kept by [`save_cache`].
pub fn load_cache(path: &Path) -> Result<Answers, CentralRegistryError> {
    let cache_err = |cause: String| CentralRegistryError::Cache {
        path: path.display().to_string(),
        cause,
    };
    let text = std::fs::read(path).map_err(|e| cache_err(e.to_string()))?;
    let value: Value = serde_json::from_slice(&text).map_err(|e| cache_err(e.to_string()))?;
    let Value::Object(lists) = value else {
        return Err(cache_err("not an object of entity lists".into()));
    };
    let mut answers = Vec::new();
    for (name, list) in lists {
        let role = name
            .parse::<Role>()
            .map_err(|_| cache_err(format!("unknown entity type {name:?}")))?;
        answers.push((role, list.to_string().into_bytes()));
    }
    Ok(Answers(answers))
}

/// The error and its sources, `: `-joined (reqwest's own message says only "error sending
/// request").
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
