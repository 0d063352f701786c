//! This entity's token-service access token as the API key of its outbound calls. A
//! background thread obtains it at start, renews it before it expires (when less than
//! `refresh_margin_seconds`, or a tenth of its lifetime, is left) and retries a failure with
//! exponential backoff (1 s doubling to 60 s); a 401 from a counterparty renews it at once, once
//! ([`TokenServiceKeys::renew`], several 401s at the same moment sharing one renewal).

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::client::{obtain, Token, TokenError};
use super::TokenServiceSettings;
use crate::clock::Clock;
use crate::http::outbound_error::OutboundError;
use aa_core::registry::Entity;

/// A renewal this recent is the answer to a 401 that arrives now.
const FRESH: Duration = Duration::from_secs(2);

/// The current token, kept fresh (see the module documentation). Clones share it.
#[derive(Clone)]
pub struct TokenServiceKeys {
    inner: Arc<Inner>,
}

struct Inner {
    settings: TokenServiceSettings,
    client_id: String,
    current: Mutex<Option<(Token, Instant)>>,
    /// The last failure, for the error of a call made while there is no token.
    failure: Mutex<Option<String>>,
    renewing: tokio::sync::Mutex<()>,
}

impl TokenServiceKeys {
    /// Starts the refresher; waits up to the call timeout for the first token, so a service
    /// that starts with the token service up has a key for its first call.
    pub fn start(settings: TokenServiceSettings, entity_id: &str) -> Result<Self, String> {
        let client_id = settings
            .client_id
            .clone()
            .unwrap_or_else(|| entity_id.to_owned());
        let inner = Arc::new(Inner {
            settings,
            client_id,
            current: Mutex::new(None),
            failure: Mutex::new(None),
            renewing: tokio::sync::Mutex::new(()),
        });
        let http = super::http_client(&inner.settings)?;
        let runtime = super::runtime()?;
        let (first, first_done) = std::sync::mpsc::channel();
        let weak = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("token-refresh".into())
            .spawn(move || runtime.block_on(refresh_until_dropped(weak, http, first)))
            .map_err(|e| format!("token service refresher: {e}"))?;
        let wait = Duration::from_secs(inner.settings.timeout_seconds.max(1) + 1);
        if first_done.recv_timeout(wait).is_err() {
            tracing::warn!("no token from the token service yet; calls wait for the refresher");
        }
        Ok(Self { inner })
    }

    /// Obtains a new token now unless one was obtained in the last moments; true when a token
    /// newer than the one refused is there.
    async fn renew_now(&self) -> bool {
        let _one_at_a_time = self.inner.renewing.lock().await;
        if self
            .inner
            .obtained_at()
            .is_some_and(|at| at.elapsed() < FRESH)
        {
            return true;
        }
        let http = match super::http_client(&self.inner.settings) {
            Ok(http) => http,
            Err(_) => return false,
        };
        self.inner.round(&http).await.is_ok()
    }
}

impl Inner {
    fn obtained_at(&self) -> Option<Instant> {
        self.current
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|(_, at)| *at))
    }

    /// One call for a token; the new token replaces the old one.
    async fn round(&self, http: &reqwest::Client) -> Result<Token, TokenError> {
        let now = Clock::system().now().unix_timestamp();
        match obtain(http, &self.settings, &self.client_id, now).await {
            Ok(token) => {
                if let Ok(mut current) = self.current.lock() {
                    *current = Some((token.clone(), Instant::now()));
                }
                if let Ok(mut failure) = self.failure.lock() {
                    *failure = None;
                }
                tracing::info!(
                    token.lifetime_s = token.lifetime,
                    "access token obtained from the token service"
                );
                Ok(token)
            }
            Err(error) => {
                tracing::warn!(%error, "no access token from the token service");
                if let Ok(mut failure) = self.failure.lock() {
                    *failure = Some(error.to_string());
                }
                Err(error)
            }
        }
    }
}

/// How long before `token` expires it is renewed.
fn renew_in(settings: &TokenServiceSettings, token: &Token, now: i64) -> Duration {
    let margin = i64::try_from(settings.refresh_margin_seconds)
        .unwrap_or(i64::MAX)
        .max(token.lifetime / 10);
    let at = token.expires_at.saturating_sub(margin);
    Duration::from_secs(u64::try_from(at.saturating_sub(now)).unwrap_or(0).max(1))
}

async fn refresh_until_dropped(
    weak: Weak<Inner>,
    http: reqwest::Client,
    first: std::sync::mpsc::Sender<()>,
) {
    let mut backoff = Duration::from_secs(1);
    let mut first = Some(first);
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let wait = match inner.round(&http).await {
            Ok(token) => {
                backoff = Duration::from_secs(1);
                renew_in(
                    &inner.settings,
                    &token,
                    Clock::system().now().unix_timestamp(),
                )
            }
            Err(_) => {
                let wait = backoff;
                backoff = (backoff * 2).min(Duration::from_secs(60));
                wait
            }
        };
        drop(inner);
        if let Some(first) = first.take() {
            let _ = first.send(());
        }
        tokio::time::sleep(wait).await;
    }
}

impl TokenServiceKeys {
    /// The token if it has not expired, else why there is none.
    fn unexpired(&self) -> Result<String, String> {
        let now = Clock::system().now().unix_timestamp();
        let current = self.inner.current.lock().ok();
        match current.as_ref().and_then(|c| c.as_ref()) {
            Some((token, _)) if token.expires_at > now => Ok(token.value.expose().to_owned()),
            _ => Err(self
                .inner
                .failure
                .lock()
                .ok()
                .and_then(|f| f.clone())
                .unwrap_or_else(|| "no token obtained yet".into())),
        }
    }
}

/// The CR is called with the same token as every counterparty.
impl crate::registry::CrToken for TokenServiceKeys {
    fn current(&self) -> Result<String, String> {
        self.unexpired()
    }
}

impl crate::http::ApiKeySource for TokenServiceKeys {
    fn api_key(&self, callee: &Entity) -> Result<String, OutboundError> {
        self.unexpired().map_err(|cause| OutboundError::NoToken {
            entity: callee.id.clone(),
            cause,
        })
    }

    fn renew<'a>(
        &'a self,
        _callee: &'a Entity,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
        Box::pin(self.renew_now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(margin: u64) -> TokenServiceSettings {
        serde_json::from_value(serde_json::json!({
            "url": "http://127.0.0.1:1", "client_secret": "s", "issuer": "i",
            "jwks_url": "http://127.0.0.1:1/certs", "refresh_margin_seconds": margin,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn token(expires_at: i64, lifetime: i64) -> Token {
        Token {
            value: crate::settings::Secret::new("t"),
            expires_at,
            lifetime,
        }
    }

    #[test]
    fn a_token_is_renewed_a_margin_before_it_expires() {
        // 24 h token, 10 min margin: a tenth of the lifetime (2.4 h) is the larger margin.
        let day = token(1_000 + 86_400, 86_400);
        assert_eq!(
            renew_in(&settings(600), &day, 1_000).as_secs(),
            86_400 - 8_640
        );
        // A 1 h token with a 10 min margin: renewed after 50 min.
        let hour = token(1_000 + 3_600, 3_600);
        assert_eq!(renew_in(&settings(600), &hour, 1_000).as_secs(), 3_000);
        // Past its renewal time: at once (one second, not a busy loop).
        assert_eq!(renew_in(&settings(600), &hour, 5_000).as_secs(), 1);
    }
}
