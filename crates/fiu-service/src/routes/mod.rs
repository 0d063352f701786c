//! HTTP routes, mounted in one place by [`crate::startup`].
//!
//! - [`consent`]: the ReBIT callback `POST /Consent/Notification` (signed, `aa_api_key`).
//! - [`fi`]: the ReBIT callback `POST /FI/Notification` (signed, `aa_api_key`).
//! - [`app`]: the lender's app API under `/app` (JSON, bearer token).
//! - [`health`]: readiness; heartbeat and liveness come from `aa_runtime::http::ops`.
//! - [`notifier`]: the `Notifier` checks both notification endpoints make.
//! - [`access_log`]: one log line per request.

pub mod access_log;
pub mod app;
pub mod consent;
pub mod fi;
pub mod health;
pub mod notifier;

use std::sync::Arc;

use aa_core::registry::Registry;
use aa_runtime::idempotency::Idempotency;
use aa_runtime::settings::Secret;

use crate::aa_client::AaClient;
use crate::configuration::ConsentPollSettings;
use crate::domain::template::Templates;
use crate::persistence::Store;
use crate::vault::Vault;
use crate::worker::JobWaker;

/// What handlers share, built once at start-up.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub aa: AaClient,
    pub registry: Arc<Registry>,
    /// This FIU's entity id.
    pub fiu_id: String,
    pub templates: Arc<Templates>,
    pub waker: JobWaker,
    /// The app API's bearer token.
    pub app_token: Secret,
    pub poll: ConsentPollSettings,
    /// Unseals FI data for the app API.
    pub vault: Vault,
}

impl AppState {
    /// The idempotency keys of the notifications the FIU receives. The FIU keeps no server
    /// secret to key digests with; subjects are still kept only as salted digests.
    pub fn idempotency(&self) -> Idempotency<'_> {
        self.store.idempotency(&[])
    }
}
