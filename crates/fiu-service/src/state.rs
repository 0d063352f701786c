//! What every handler shares, built once at start-up ([`crate::startup`]).

use std::sync::Arc;

use aa_runtime::clock::Clock;
use aa_runtime::http::ops::Readiness;
use aa_runtime::idempotency::Idempotency;
use aa_runtime::settings::Secret;

use crate::clients::aa::AaClient;
use crate::configuration::ConsentPollSettings;
use crate::domain::redirection::Redirection;
use crate::domain::template::Templates;
use crate::persistence::{Store, StoreError};
use crate::vault::Vault;
use aa_runtime::queue::Waker;

/// What handlers share, built once at start-up.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub aa: AaClient,
    pub registry: aa_runtime::registry::RegistryHandle,
    /// This FIU's entity id.
    pub fiu_id: String,
    pub templates: Arc<Templates>,
    pub waker: Waker,
    /// The app API's bearer token (also the dashboard's log-in).
    pub app_token: Secret,
    /// Whether the dashboard's cookies are `Secure` (`dashboard.secure_cookies`).
    pub secure_cookies: bool,
    pub poll: ConsentPollSettings,
    /// Unseals FI data for the app API.
    pub vault: Vault,
    /// The time, for the code that decides what is due or expired.
    pub clock: Clock,
    /// Sahamati redirection to AAs' consent managers.
    pub redirection: Arc<Redirection>,
}

impl Readiness for AppState {
    async fn ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }
}

impl AppState {
    /// The idempotency keys of the notifications the FIU receives. The FIU keeps no server
    /// secret to key digests with; subjects are still kept only as salted digests.
    pub fn idempotency(&self) -> Idempotency<'_> {
        self.store.idempotency(&[])
    }
}
