//! `POST /Accounts/link/verify` (2.0.0) and `GET /Accounts/link/{RefNumber}/{Token}` (1.1.x):
//! the OTP the customer gave the AA completes a link request.
//!
//! Order: the request must be this AA's (else 400 `InvalidRequest`) and confirmed by token (a
//! `DIRECT` one is confirmed by the customer with the bank: 400 `InvalidRequest`, the spec's
//! "in the case of FIP direct authentication, this method will not be used"); a locked request is 400
//! `InvalidLinkToken`; an expired one 401 `LinkTokenExpired`; then one try is spent and the
//! token compared: wrong is 400 `InvalidLinkToken` (the last try locks the request), right
//! links every account and answers their `linkRefNumber`s. Before the try, verifications are
//! rate limited per customer (the request's customer address) and per calling AA, across link
//! requests: 429 with `Retry-After` and the spec's error body. Repeating a successful verify with
//! the same token answers the same links.

use aa_core::rebit::{
    ErrorCode, LinkDelinkTokenRequest, LinkDelinkTokenResponse, LinkStatus, LinkedAccount,
};
use aa_core::validate::ApiVersion;
use aa_core::{otp, validate};
use aa_runtime::http::{Caller, FromAa, RebitError, Verified, VerifiedUri};
use aa_runtime::idempotency::{Endpoint, Incoming};
use aa_runtime::rate_limit::Action;
use actix_web::{web, HttpResponse};

use crate::domain::link::{self, AccountLink, LinkRequest, LinkRequestStatus};
use crate::routes::rebit;
use crate::state::{AppState, Claimed};

#[tracing::instrument(
    name = "accounts.link.verify",
    skip_all,
    fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id)
)]
pub async fn verify(
    request: Verified<LinkDelinkTokenRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::AccountsLinkVerify,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        let ref_number = validate::required("refNumber", Some(&body.ref_number))?;
        let token = validate::required("token", Some(&body.token))?;
        let request = check(&state, &request.caller, ref_number, token).await?;
        // The links, and the answer, in the claim's transaction: they commit together.
        let links = state
            .store
            .complete_link_request_in(claim.transaction().await?, &request)
            .await?;
        tracing::info!(accounts = links.len(), "accounts linked");
        respond(&state, version, &body.txnid, links)
    }
    .await;
    claim.finish(result).await
}

/// The 1.1.x form: the signature covers the path; the answer carries a fresh `txnid`.
#[tracing::instrument(
    name = "accounts.link.verify.legacy",
    skip_all,
    fields(peer.id = %request.caller.entity_id)
)]
pub async fn verify_legacy(
    request: VerifiedUri<FromAa>,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let version = ApiVersion::V1_1_2;
    let txnid = &request.txnid;
    let (ref_number, token) = path.into_inner();
    let request = check(&state, &request.caller, &ref_number, &token).await?;
    let links = state.store.complete_link_request(&request).await?;
    tracing::info!(accounts = links.len(), "accounts linked");
    Ok(HttpResponse::Ok().json(respond(&state, version, txnid, links)?))
}

fn respond(
    state: &AppState,
    version: ApiVersion,
    txnid: &str,
    links: Vec<AccountLink>,
) -> Result<serde_json::Value, RebitError> {
    rebit::answer(
        version,
        &LinkDelinkTokenResponse {
            ver: version.as_str().to_owned(),
            timestamp: state.timestamp(),
            txnid: txnid.to_owned(),
            acc_link_details: links
                .into_iter()
                .map(|l| LinkedAccount {
                    customer_address: l.customer_address,
                    link_ref_number: l.link_ref_number,
                    acc_ref_number: l.acc_ref_number,
                    status: LinkStatus::Linked,
                })
                .collect(),
        },
    )
}

/// Checks `token` against the link request `ref_number` of `caller` and returns the request
/// to complete (see the module documentation for the order). The tries it spends, and the lock
/// after the last wrong one, are written at once through the store's own connection, before
/// any transaction of the caller's begins: like the rate limits, they must count even though
/// the request is refused (a refusal rolls the claim's transaction back).
async fn check(
    state: &AppState,
    caller: &Caller,
    ref_number: &str,
    token: &str,
) -> Result<LinkRequest, RebitError> {
    let pepper = state.otp.pepper.expose().as_bytes();
    let max = state.otp.max_attempts;
    let request = state
        .store
        .link_request(ref_number, &caller.entity_id)
        .await?
        .ok_or_else(|| {
            RebitError::new(
                ErrorCode::InvalidRequest,
                "refNumber is not a link request of this AA",
            )
        })?;
    if request.direct {
        return Err(RebitError::new(
            ErrorCode::InvalidRequest,
            "this link request is confirmed by the customer with the bank (AuthenticatorType \
             DIRECT), not with a token",
        ));
    }
    if request.status == LinkRequestStatus::Linked {
        if otp::verify(pepper, &request.otp_hash, token) {
            // Completing it again answers its links.
            return Ok(request);
        }
        return Err(RebitError::new(
            ErrorCode::InvalidLinkToken,
            "wrong token for a completed link request",
        ));
    }
    request.check_open(state.store.clock().now_millis(), max)?;
    state
        .limiter
        .hit(
            Action::OtpCheck,
            &request.customer_address,
            &caller.entity_id,
        )
        .await
        .map_err(|e| e.into_rebit_error())?;
    let Some(spent) = state.store.spend_try(ref_number, max).await? else {
        return Err(link::locked().into());
    };
    if !otp::verify(pepper, &request.otp_hash, token) {
        if spent >= max {
            state.store.lock_link_request(ref_number).await?;
            tracing::warn!("link request locked after too many wrong tokens");
        }
        return Err(link::wrong_token(spent, max).into());
    }
    Ok(request)
}
