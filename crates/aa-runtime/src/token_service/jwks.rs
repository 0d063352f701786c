//! The API-key verifier of inbound calls, swapped in place ([`VerifierHandle`]): the registry's
//! token issuers, plus, with a token service, the keys its JWKS publishes, trusted for its
//! `issuer`. The JWKS is read at start and every `jwks_refresh_seconds` after; a failed read
//! keeps the last good keys, so a token service that is down refuses nobody it trusted, and a
//! rotated key is trusted (and a withdrawn one distrusted) without a restart.

use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use serde_json::Value;

use super::TokenServiceSettings;
use crate::http::VerifierHandle;
use crate::settings::redact_url;
use aa_core::apikey::Verifier;
use aa_core::jws::VerifyingKey;

/// The largest JWKS read.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// `base` (the registry's issuers) with every RSA signing key of the JWKS `body` trusted for
/// `issuer`; keys of other types or uses are skipped, a key that cannot be read is an error.
pub fn with_jwks(base: &Verifier, issuer: &str, body: &[u8]) -> Result<Verifier, String> {
    let jwks: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no \"keys\" list")?;
    let mut verifier = base.clone();
    let mut trusted = 0;
    for key in keys {
        let rsa = key.get("kty").and_then(Value::as_str) == Some("RSA");
        let signing = key
            .get("use")
            .and_then(Value::as_str)
            .is_none_or(|u| u == "sig");
        if !rsa || !signing {
            continue;
        }
        let kid = key
            .get("kid")
            .and_then(Value::as_str)
            .ok_or("a key has no kid")?;
        let parsed = VerifyingKey::from_text(&key.to_string(), Some(kid))
            .map_err(|e| format!("key {kid:?}: {e}"))?;
        verifier
            .add_issuer_key(issuer, &parsed)
            .map_err(|e| format!("key {kid:?}: {e}"))?;
        trusted += 1;
    }
    if trusted == 0 {
        return Err("no RSA signing key".into());
    }
    Ok(verifier)
}

async fn read(http: &reqwest::Client, settings: &TokenServiceSettings) -> Result<Vec<u8>, String> {
    let url = redact_url(&settings.jwks_url);
    let response = http
        .get(&settings.jwks_url)
        .send()
        .await
        .map_err(|e| format!("{url}: {}", e.without_url()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(format!("{url} answered {status}"));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{url}: {}", e.without_url()))?;
    if body.len() > MAX_JWKS_BYTES {
        return Err(format!("{url}: larger than 1 MiB"));
    }
    Ok(body.to_vec())
}

/// A handle trusting `base` and the token service's JWKS, kept fresh by a background thread
/// until the last handle is dropped. Waits up to the call timeout for the first read.
pub fn start(base: Verifier, settings: TokenServiceSettings) -> Result<VerifierHandle, String> {
    let handle = VerifierHandle::new(base.clone());
    let http = super::http_client(&settings)?;
    let runtime = super::runtime()?;
    let (first, first_done) = std::sync::mpsc::channel();
    let weak = handle.downgrade();
    let wait = Duration::from_secs(settings.timeout_seconds.max(1) + 1);
    std::thread::Builder::new()
        .name("jwks-refresh".into())
        .spawn(move || runtime.block_on(refresh(weak, base, settings, http, first)))
        .map_err(|e| format!("JWKS refresher: {e}"))?;
    if first_done.recv_timeout(wait).is_err() {
        tracing::warn!(
            "the token service's keys are not read yet; its tokens are refused until they are"
        );
    }
    Ok(handle)
}

async fn refresh(
    weak: Weak<RwLock<Arc<Verifier>>>,
    base: Verifier,
    settings: TokenServiceSettings,
    http: reqwest::Client,
    first: std::sync::mpsc::Sender<()>,
) {
    let every = Duration::from_secs(settings.jwks_refresh_seconds.max(1));
    let mut first = Some(first);
    let mut last: Option<Vec<u8>> = None;
    loop {
        let Some(handle) = VerifierHandle::upgrade(&weak) else {
            return;
        };
        match read(&http, &settings)
            .await
            .and_then(|body| Ok((with_jwks(&base, &settings.issuer, &body)?, body)))
        {
            Ok((verifier, body)) => {
                if last.as_ref() != Some(&body) {
                    tracing::info!("token service keys read");
                    last = Some(body);
                }
                handle.replace(verifier);
            }
            Err(cause) => {
                tracing::warn!(%cause, "token service keys not read; keeping the last good ones")
            }
        }
        drop(handle);
        if let Some(first) = first.take() {
            let _ = first.send(());
        }
        tokio::time::sleep(every).await;
    }
}
