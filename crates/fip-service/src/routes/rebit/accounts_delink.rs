//! `POST /Accounts/delink` (2.0.0) and `DELETE /Accounts/link` (1.1.x, same body): ends an
//! account link at the AA's request. The link must be this AA's, for the customer address
//! given (else 400 `InvalidLinkRefNumber`). Delinking a delinked link answers `DELINKED`
//! again, so a retried request is harmless. The account's data in sessions already prepared
//! becomes `DENIED` and the AA gets those sessions' `POST /FI/Notification` again, queued in
//! the same transaction (`persistence::delinked_sessions`).

use aa_core::rebit::{
    AccDeLinkRequest, AccDeLinkResponse, DelinkDetails, ErrorCode, LinkStatus, Open,
};
use aa_core::validate;
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};

use crate::persistence::links::Delinked;
use crate::routes::rebit;
use crate::state::{AppState, Claimed};

#[tracing::instrument(
    name = "accounts.delink",
    skip_all,
    fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id)
)]
pub async fn delink(
    request: Verified<AccDeLinkRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

async fn answer(
    request: &Verified<AccDeLinkRequest, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::AccountsDelink,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        let address = validate::required(
            "Account.customerAddress",
            Some(&body.account.customer_address),
        )?;
        let link_ref =
            validate::required("Account.linkRefNumber", Some(&body.account.link_ref_number))?;
        // The delink and the answer commit together in the claim's transaction.
        let link = match state
            .store
            .delink_in(
                claim.transaction().await?,
                link_ref,
                &request.caller.entity_id,
                address,
                &state.fip_id,
            )
            .await?
        {
            Delinked::Unknown => {
                return Err(RebitError::new(
                    ErrorCode::InvalidLinkRefNumber,
                    "no such link for this customer address through this AA",
                ))
            }
            Delinked::Now(link) => {
                tracing::info!("account delinked");
                link
            }
            Delinked::Already(link) => link,
        };
        rebit::answer(
            version,
            &AccDeLinkResponse {
                ver: version.as_str().to_owned(),
                timestamp: state.timestamp(),
                txnid: body.txnid.clone(),
                acc_link_details: DelinkDetails {
                    customer_address: link.customer_address,
                    link_ref_number: link.link_ref_number,
                    status: Open::Known(LinkStatus::Delinked),
                },
            },
        )
    }
    .await;
    let answer = claim.finish(result).await?;
    // The FI notifications the delink queued are committed now.
    state.waker.wake();
    Ok(answer)
}
