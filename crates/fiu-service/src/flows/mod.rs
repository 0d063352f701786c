//! The FIU's use cases that take more than parse, check and answer: what the app API's handlers
//! and the dashboard's pages call. A flow reads and writes through [`crate::persistence`], asks AAs through
//! [`crate::clients::aa`], and answers app-API errors; it knows nothing of HTTP extraction.
//!
//! - [`consent_request`]: `POST /Consent` to the customer's AA, and the request stored.
//! - [`consent_poll`]: the `POST /Consent/handle` fallback when no notification came.
//! - [`data_request`]: an FI data request, one session per verified artefact, queued.
//! - [`redirection`]: the link to the AA's consent manager, and the browser's return from it.
//! - [`fi_data`]: a data request read back, its accounts unsealed (the app API and the
//!   dashboard).

pub mod consent_poll;
pub mod consent_request;
pub mod data_request;
pub mod fi_data;
pub mod redirection;

use crate::clients::aa::MAX_ID_LEN;
use crate::persistence::consents::ConsentRequestRecord;
use crate::routes::app::error::AppError;
use crate::state::AppState;

/// The consent request of `handle`, or 404.
pub async fn known_consent(
    state: &AppState,
    handle: &str,
) -> Result<ConsentRequestRecord, AppError> {
    let not_found = || AppError::not_found(format!("no consent request with handle {handle:?}"));
    if handle.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    state
        .store
        .consent_request(handle)
        .await
        .map_err(|e| AppError::internal(&e))?
        .ok_or_else(not_found)
}
