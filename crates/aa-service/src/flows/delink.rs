//! A delink the FIP has confirmed (the customer's, once the FIP answered `DELINKED`) or made
//! itself (its `Account/link/Notification` DELINKED): the account becomes `DELINKED`, and every
//! consent of the customer at that FIP that named the account and has no linked account left
//! becomes `REVOKED`, announced to its FIU and its FIP as a customer's revoke is, in the same
//! transaction (`Store::delink_and_revoke_in`, one code path for both).

use aa_core::rebit::ConsentStatus;

use crate::domain::deregistration::RevokeCandidate;
use crate::domain::fi_request::signed_terms;
use crate::domain::lifecycle::{self, Parties};
use crate::persistence::records::CustomerRecord;
use crate::persistence::{StoreError, Tx};
use crate::state::AppState;

/// The customer's open artefacts at `fip_id` that name `link_ref`, each with its link
/// references and the REVOKED notices it sends if it has no linked account left. Read before
/// the delink's transaction opens (on SQLite the transaction holds the one connection).
pub async fn candidates(
    state: &AppState,
    customer: &CustomerRecord,
    fip_id: &str,
    link_ref: &str,
) -> Result<Vec<RevokeCandidate>, StoreError> {
    let our_key = state.identity.signer.verifying_key();
    let mut candidates = Vec::new();
    for artefact in state
        .store
        .open_artefacts_at(&customer.handle, fip_id)
        .await?
    {
        let terms =
            signed_terms(&artefact.signed_consent, &our_key).map_err(StoreError::Corrupt)?;
        let link_refs: Vec<String> = terms
            .accounts
            .iter()
            .map(|a| a.link_ref_number.clone())
            .collect();
        if !link_refs.iter().any(|link| link == link_ref) {
            continue;
        }
        let notices = lifecycle::artefact_notices(
            state.aa_id(),
            Parties {
                consent_id: &artefact.consent_id,
                consent_handle: &artefact.consent_handle,
                fiu_id: &artefact.fiu_id,
                fip_id: &artefact.fip_id,
            },
            ConsentStatus::Revoked,
        );
        candidates.push(RevokeCandidate {
            consent_id: artefact.consent_id,
            link_refs,
            notices,
        });
    }
    Ok(candidates)
}

/// Records the confirmed delink of `link_ref` at `fip_id` in a transaction of its own; returns
/// the consent ids revoked (their notifications already on their way), or `None` (nothing
/// written) when the customer was deregistered meanwhile.
pub async fn record(
    state: &AppState,
    customer: &CustomerRecord,
    fip_id: &str,
    link_ref: &str,
) -> Result<Option<Vec<String>>, StoreError> {
    let candidates = candidates(state, customer, fip_id, link_ref).await?;
    let txn = state.store.begin().await?;
    let revoked = record_in(state, &txn, customer, fip_id, link_ref, candidates).await?;
    match &revoked {
        Some(ids) => {
            txn.commit().await?;
            announce(state, ids);
        }
        None => txn.rollback().await?,
    }
    Ok(revoked)
}

/// [`record`] in `txn` with the [`candidates`] read before it (an FIP's `DELINKED`
/// notification, in its idempotency claim's transaction). The caller calls [`announce`] once
/// `txn` is committed.
pub async fn record_in(
    state: &AppState,
    txn: &Tx,
    customer: &CustomerRecord,
    fip_id: &str,
    link_ref: &str,
    candidates: Vec<RevokeCandidate>,
) -> Result<Option<Vec<String>>, StoreError> {
    let now = state.now_millis();
    state
        .store
        .delink_and_revoke_in(txn, &customer.id, fip_id, link_ref, now, candidates)
        .await
}

/// After the commit: wakes the queue for the revocations' notifications and logs each.
pub fn announce(state: &AppState, revoked: &[String]) {
    if revoked.is_empty() {
        return;
    }
    state.waker.wake();
    for consent_id in revoked {
        tracing::info!(consent.id = %consent_id, "consent revoked: its last account was delinked");
    }
}
