//! `POST /Account/link/Notification` (FIP): an FIP reports that an account of one of our
//! customers is linked (DIRECT authentication: the customer confirmed the link with the bank)
//! or delinked (the bank ended the link). Applying it twice changes nothing; the same txnid
//! with another body is 409 `IdempotencyError` (`aa_runtime::idempotency`).
//!
//! Checked before anything changes: the signature is the calling FIP's and its API key is an
//! FIP's (the extractor), the envelope (`ver`, `timestamp` window, `txnid`), the Notifier is
//! that FIP, and the customer address is one of our customers'. Then, in the claim's
//! transaction:
//! - `LINKED` links the account only if a pending DIRECT link request of this customer at this
//!   FIP holds it (`accRefNumber`), with the `linkRefNumber` the notification carries; a TOKEN
//!   request's account, another FIP's or customer's, one no request holds, or a linkRefNumber
//!   another account holds is 400 `InvalidRequest` (the spec's code for a bad request here) and
//!   changes nothing. A repeat for an account linked so already is acknowledged.
//! - `DELINKED` ends the link of the customer's account with that `linkRefNumber` at this FIP
//!   (and that `accRefNumber`, when given), and revokes every consent of the customer left with
//!   no linked account, telling its FIU and FIP, as the customer's own delink does
//!   (`flows::delink`, one code path). An unknown account is 400 `InvalidRequest`.

use aa_core::rebit::{
    AccountLinkStatus, AccountLinkStatusNotification, ErrorCode, LinkStatus, NotifierType, Open,
};
use aa_runtime::http::{FromFip, RebitError, Verified};
use aa_runtime::idempotency::Endpoint;
use actix_web::{web, HttpResponse};

use super::{acknowledged, envelope, internal, required};
use crate::domain::deregistration::RevokeCandidate;
use crate::domain::handle::CustomerHandle;
use crate::flows;
use crate::persistence::records::{BankConfirmed, CustomerRecord, DirectLinkOutcome};
use crate::persistence::Tx;
use crate::state::{AppState, Claimed};

fn bad(message: &str) -> RebitError {
    RebitError::new(ErrorCode::InvalidRequest, message)
}

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
    // The account's new status, the revocations it causes and the kept answer commit together.
    let mut revoked = Vec::new();
    let result = async {
        let handle = CustomerHandle::parse(&link.customer_address, state.aa_id())
            .map_err(|e| bad(&e.to_string()))?;
        let customer = state
            .store
            .customer_by_handle(&handle.to_string())
            .await
            .map_err(internal)?
            .ok_or_else(|| bad("customerAddress is not a customer of this AA"))?;
        // What is read besides the claim's transaction is read before it opens (on SQLite the
        // transaction holds the one connection).
        match link.link_status {
            LinkStatus::Linked => {
                let confirmed = bank_confirmed(&customer, &fip, link)?;
                let txn = claim.transaction().await?;
                linked(&state, txn, confirmed).await?;
            }
            LinkStatus::Delinked => {
                let candidates = delink_candidates(&state, &customer, &fip, link).await?;
                let txn = claim.transaction().await?;
                let link_ref = link.link_ref_number.trim();
                revoked =
                    flows::delink::record_in(&state, txn, &customer, &fip, link_ref, candidates)
                        .await
                        .map_err(internal)?
                        .ok_or_else(|| bad("customerAddress is not a customer of this AA"))?;
            }
        }
        tracing::info!(status = %link.link_status, "account link status notified");
        Ok(acknowledged(&state, version.as_str(), &body.txnid))
    }
    .await;
    let answer = claim.finish(result).await?;
    flows::delink::announce(&state, &revoked);
    Ok(answer)
}

/// The account a `LINKED` notification is about; its `accRefNumber` is required.
fn bank_confirmed<'a>(
    customer: &'a CustomerRecord,
    fip: &'a str,
    link: &'a AccountLinkStatus,
) -> Result<BankConfirmed<'a>, RebitError> {
    let acc_ref = link
        .acc_ref_number
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad("accRefNumber is required to link an account"))?;
    Ok(BankConfirmed {
        customer_id: &customer.id,
        fip_id: fip,
        acc_ref,
        link_ref: link.link_ref_number.trim(),
    })
}

/// A DIRECT link confirmed at the bank (see the module documentation).
async fn linked(
    state: &AppState,
    txn: &Tx,
    confirmed: BankConfirmed<'_>,
) -> Result<(), RebitError> {
    let outcome = state
        .store
        .link_confirmed_at_bank_in(txn, confirmed, state.now_millis())
        .await
        .map_err(internal)?;
    match outcome {
        DirectLinkOutcome::Linked { changed } => {
            if changed {
                tracing::info!("account linked: the customer confirmed it at the bank");
            }
            Ok(())
        }
        DirectLinkOutcome::NoPendingRequest => Err(bad(
            "no pending DIRECT link request of this customer at this FIP holds this account",
        )),
        DirectLinkOutcome::LinkRefTaken => Err(bad(
            "linkRefNumber is another account's of this customer at this FIP",
        )),
    }
}

/// For a link the bank ended: checks the account is the customer's at this FIP (by
/// `linkRefNumber`, and `accRefNumber` when given) and reads the consents its delink may revoke.
async fn delink_candidates(
    state: &AppState,
    customer: &CustomerRecord,
    fip: &str,
    link: &AccountLinkStatus,
) -> Result<Vec<RevokeCandidate>, RebitError> {
    let link_ref = link.link_ref_number.trim();
    let account = state
        .store
        .account_by_link(&customer.id, fip, link_ref)
        .await
        .map_err(internal)?;
    let acc_ref = link
        .acc_ref_number
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let known = account.is_some_and(|a| acc_ref.is_none_or(|acc| acc == a.acc_ref_number));
    if !known {
        return Err(bad("no such account of this customer at this FIP"));
    }
    flows::delink::candidates(state, customer, fip, link_ref)
        .await
        .map_err(internal)
}
