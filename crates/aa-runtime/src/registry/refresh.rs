//! The Central Registry source's life: the first reading at start-up (the CR, else the cached
//! last good answers, else the service does not start), then a refresh every
//! `refresh_seconds` on a thread of its own, which ends once every [`RegistryHandle`] is gone.
//! Start-up stays synchronous (`Identity::load`): the first round runs on a short-lived
//! runtime of its own, so it works inside or outside an async context.

use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use super::central::{self, Answers, CentralRegistryError};
use super::{CentralRegistrySettings, CrToken, RegistryHandle};
use aa_core::registry::central::Read;
use aa_core::registry::{Registry, Role};

/// What one refresh needs, owned by the refresh thread.
struct Source {
    settings: CentralRegistrySettings,
    token: Arc<dyn CrToken>,
    token_issuers: Registry,
    our_id: String,
    our_role: Role,
}

impl Source {
    async fn round(&self, http: &reqwest::Client) -> Result<(Answers, Read), CentralRegistryError> {
        let answers =
            central::fetch(http, &self.settings, self.token.as_ref(), self.our_role).await?;
        let read = central::read(&answers, &self.token_issuers, &self.our_id)?;
        Ok((answers, read))
    }

    /// Keeps `answers` as the last good ones, when there is a cache.
    fn keep(&self, answers: &Answers) {
        if let Some(path) = &self.settings.cache_file {
            if let Err(e) = central::save_cache(path, answers) {
                tracing::warn!(cause = %e, "central registry answers not cached");
            }
        }
    }
}

/// Reads the CR (or its cache) once and keeps the registry fresh from then on, sending
/// `token`'s current token with every call.
pub fn open_central(
    settings: &CentralRegistrySettings,
    token: Arc<dyn CrToken>,
    token_issuers: Registry,
    our_id: &str,
    our_role: Role,
) -> Result<RegistryHandle, String> {
    let url = settings.url.trim().to_ascii_lowercase();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err("central_registry.url must be an http(s) URL".into());
    }
    if settings.refresh_seconds == 0 {
        return Err("central_registry.refresh_seconds must be at least 1".into());
    }
    let source = Source {
        settings: settings.clone(),
        token,
        token_issuers,
        our_id: our_id.to_owned(),
        our_role,
    };
    let first = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let http = central::client(&source.settings)?;
                runtime()?
                    .block_on(source.round(&http))
                    .map_err(|e| e.to_string())
            })
            .join()
            .unwrap_or_else(|_| Err("the first central registry reading stopped".into()))
    });
    let read = match first {
        Ok((answers, read)) => {
            source.keep(&answers);
            read
        }
        Err(cause) => from_cache(&source, &cause)?,
    };
    central::warn_skipped(&read.skipped);
    tracing::info!(
        registry.entities = read.registry.entities().len(),
        "registry read from the central registry"
    );
    let handle = RegistryHandle::new(read.registry);
    let weak = handle.downgrade();
    std::thread::Builder::new()
        .name("registry-refresh".into())
        .spawn(move || refresh_until_dropped(&source, &weak))
        .map_err(|e| format!("central registry refresh thread: {e}"))?;
    Ok(handle)
}

/// The last good answers, when the CR could not give a registry at start-up.
fn from_cache(source: &Source, cause: &str) -> Result<Read, String> {
    let Some(path) = &source.settings.cache_file else {
        return Err(format!(
            "central registry: {cause} (and no cache_file is set)"
        ));
    };
    let read = central::load_cache(path)
        .map_err(|e| e.to_string())
        .and_then(|answers| {
            central::read(&answers, &source.token_issuers, &source.our_id)
                .map_err(|e| format!("cache {}: {e}", path.display()))
        })
        .map_err(|e| format!("central registry: {cause}; no last good answers: {e}"))?;
    tracing::warn!(
        cause = %cause,
        "central registry not read at start-up; serving its last good answers from the cache"
    );
    Ok(read)
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("central registry runtime: {e}"))
}

fn refresh_until_dropped(source: &Source, weak: &Weak<RwLock<std::sync::Arc<Registry>>>) {
    let (http, runtime) = match central::client(&source.settings).and_then(|h| Ok((h, runtime()?)))
    {
        Ok(both) => both,
        Err(cause) => {
            tracing::error!(cause = %cause, "central registry refresh not started");
            return;
        }
    };
    let every = Duration::from_secs(source.settings.refresh_seconds);
    let mut last: Option<Answers> = None;
    runtime.block_on(async {
        loop {
            tokio::time::sleep(every).await;
            if weak.strong_count() == 0 {
                return;
            }
            match source.round(&http).await {
                Ok((answers, read)) => {
                    let Some(inner) = weak.upgrade() else { return };
                    central::warn_skipped(&read.skipped);
                    if last.as_ref() != Some(&answers) {
                        source.keep(&answers);
                        tracing::info!(
                            registry.entities = read.registry.entities().len(),
                            "registry refreshed from the central registry"
                        );
                        last = Some(answers);
                    }
                    RegistryHandle { inner }.replace(read.registry);
                }
                Err(cause) => tracing::warn!(
                    cause = %cause,
                    "central registry refresh failed; keeping the last good registry"
                ),
            }
        }
    });
}
