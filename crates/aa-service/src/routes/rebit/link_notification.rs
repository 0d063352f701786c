//! `POST /Account/link/Notification` (FIP): an FIP reports that an account of one of our
//! customers is linked (direct authentication) or delinked. Applying it twice changes nothing;
//! the same txnid with another body is 409 `IdempotencyError` (`aa_runtime::idempotency`).

use aa_core::rebit::{AccountLinkStatusNotification, ErrorCode, LinkStatus, NotifierType, Open};
use aa_runtime::http::{FromFip, RebitError, Verified};
use aa_runtime::idempotency::Endpoint;
use actix_web::{web, HttpResponse};

use super::{acknowledged, envelope, internal, required};
use crate::domain::handle::CustomerHandle;
use crate::domain::status::AccountState;
use crate::persistence::records::LinkNotificationOutcome;
use crate::state::{AppState, Claimed};

#[tracing::instrument(name = "POST /Account/link/Notification", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id))]
pub async fn receive(
    state: web::Data<AppState>,
    request: Verified<AccountLinkStatusNotification, FromFip>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let fip = request.caller.entity_id.clone();
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let link = &body.account_link_status_notification;
    for (field, value) in [
        ("Notifier.id", &body.notifier.id),
        ("customerAddress", &link.customer_address),
        ("linkRefNumber", &link.link_ref_number),
    ] {
        required(field, value)?;
    }
    if body.notifier.id != fip || body.notifier.kind != Open::Known(NotifierType::Fip) {
        return Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the calling FIP",
        ));
    }
    let mut claim = match state
        .claim(
            &request.caller,
            Endpoint::AccountLinkNotification,
            &body.txnid,
            &request.raw,
        )
        .await?
    {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    // The account's new status and the kept answer commit together.
    let result = async {
        let bad = |m: &str| RebitError::new(ErrorCode::InvalidRequest, m);
        let handle = CustomerHandle::parse(&link.customer_address, state.aa_id())
            .map_err(|e| bad(&e.to_string()))?;
        let customer = state
            .store
            .customer_by_handle(&handle.to_string())
            .await
            .map_err(internal)?
            .ok_or_else(|| bad("customerAddress is not a customer of this AA"))?;
        let target = match link.link_status {
            LinkStatus::Linked => AccountState::Linked,
            LinkStatus::Delinked => AccountState::Delinked,
        };
        let outcome = state
            .store
            .apply_link_notification_in(
                claim.transaction().await?,
                &customer.id,
                &fip,
                link.acc_ref_number
                    .as_deref()
                    .filter(|a| !a.trim().is_empty()),
                link.link_ref_number.trim(),
                target,
                state.now_millis(),
            )
            .await
            .map_err(internal)?;
        if outcome == LinkNotificationOutcome::UnknownAccount {
            return Err(bad("no such account of this customer at this FIP"));
        }
        tracing::info!(status = %link.link_status, "account link status notified");
        Ok(acknowledged(&state, version.as_str(), &body.txnid))
    }
    .await;
    claim.finish(result).await
}
