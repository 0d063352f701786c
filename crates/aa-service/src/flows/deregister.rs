//! A customer's deregistration at the AA (`domain::deregistration`): in one transaction
//! (`Store::deregister_customer`) every open consent is revoked and every pending request
//! rejected, with their notifications queued, a delink job is queued for each linked account
//! (`jobs::fip_delink`: ReBIT `POST /Accounts/delink` to its FIP, retried), and everything the
//! AA held of the customer is deleted. A failure writes nothing, so the call can be made again;
//! a second call racing the first finds the customer gone and changes nothing.

use crate::domain::deregistration::Ending;
use crate::persistence::records::CustomerRecord;
use crate::persistence::StoreError;
use crate::state::AppState;

/// Deregisters `customer`; `None` when a concurrent call did it already.
pub async fn deregister(
    state: &AppState,
    customer: &CustomerRecord,
) -> Result<Option<Ending>, StoreError> {
    let ending = state
        .store
        .deregister_customer(state.aa_id(), customer)
        .await?;
    if let Some(ending) = &ending {
        state.waker.wake();
        tracing::info!(
            consents.revoked = ending.revoked.len(),
            requests.rejected = ending.rejected.len(),
            links.delinking = ending.links.len(),
            "customer deregistered"
        );
    }
    Ok(ending)
}
