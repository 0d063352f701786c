//! `POST /Accounts/link`: starts linking the named accounts to the customer's AA address.
//! The accounts must exist, match what discovery showed (`FIType`, `accType`,
//! `maskedAccNumber`), belong to one customer, and be that customer's whom this AA's discovery
//! found for the address (else 404 `AccountNotFound`: an address is never bound to another
//! customer's accounts); an OTP
//! then goes to that customer's registered mobile (through `aa_runtime::otp_delivery`), stored
//! only as a hash. Sends are rate limited per customer (`Customer.id`, the customer's AA
//! address) and per calling AA: 429 with `Retry-After` and the spec's error body. The answer is
//! a `RefNumber` with the configured `AuthenticatorType` (`linking.authenticator`): `TOKEN`,
//! the customer gives the OTP to the AA, which forwards it to `POST /Accounts/link/verify` (the
//! spec's token-based authentication); or `DIRECT`, no OTP: the customer confirms with the bank
//! itself and the FIP notifies the AA (`crate::routes::app::bank::confirm_link`).

use std::collections::BTreeSet;

use aa_core::rebit::{AccLinkRequest, AccLinkResponse, AuthenticatorType, ErrorCode};
use aa_core::{otp, validate};
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use aa_runtime::otp_delivery::{OtpDelivery, OtpMessage};
use aa_runtime::queue::NewJob;
use aa_runtime::rate_limit::Action;
use actix_web::{web, HttpResponse};

use crate::persistence::links::NewLinkRequest;
use crate::routes::rebit;
use crate::state::{AppState, Claimed};

#[tracing::instrument(
    name = "accounts.link",
    skip_all,
    fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id)
)]
pub async fn link(
    request: Verified<AccLinkRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

async fn answer(
    request: &Verified<AccLinkRequest, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::AccountsLink,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    // The OTP, once the link request is committed (sandbox copy, the worker's wake-up).
    let mut sent = None;
    let result = async {
        let customer_address = validate::required("Customer.id", Some(&body.customer.id))?;
        state
            .limiter
            .hit(Action::OtpSend, customer_address, &request.caller.entity_id)
            .await
            .map_err(|e| e.into_rebit_error())?;
        if body.customer.accounts.is_empty() {
            return Err(RebitError::new(
                ErrorCode::InvalidRequest,
                "Customer.Accounts is empty",
            ));
        }
        let mut refs = BTreeSet::new();
        for account in &body.customer.accounts {
            refs.insert(
                validate::required("Accounts[].accRefNumber", Some(&account.acc_ref_number))?
                    .to_owned(),
            );
        }
        let refs: Vec<String> = refs.into_iter().collect();
        let stored = state.store.accounts_by_ref(&refs).await?;
        for asked in &body.customer.accounts {
            let found = stored
                .iter()
                .find(|a| a.acc_ref_number == asked.acc_ref_number.trim());
            let matches = found.is_some_and(|a| {
                a.fi_type == asked.fi_type
                    && a.acc_type == asked.acc_type
                    && a.masked_acc_number == asked.masked_acc_number
            });
            if !matches {
                return Err(RebitError::new(
                    ErrorCode::AccountNotFound,
                    format!(
                        "no account {} with that FIType, accType and maskedAccNumber",
                        asked.acc_ref_number
                    ),
                ));
            }
        }
        let owners: BTreeSet<&str> = stored.iter().map(|a| a.customer_id.as_str()).collect();
        let customer_id = match owners.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => (*one).to_owned(),
            _ => {
                return Err(RebitError::new(
                    ErrorCode::InvalidRequest,
                    "the accounts belong to different customers",
                ))
            }
        };
        let lifetime =
            i64::try_from(state.discovery_lifetime.whole_milliseconds()).unwrap_or(i64::MAX);
        let since = state.store.clock().now_millis().saturating_sub(lifetime);
        if !state
            .store
            .discovered(
                &request.caller.entity_id,
                customer_address,
                &customer_id,
                since,
            )
            .await?
        {
            return Err(RebitError::new(
                ErrorCode::AccountNotFound,
                "no such accounts were discovered for this customer address",
            ));
        }
        let ref_number = uuid::Uuid::new_v4().to_string();
        let ttl_ms = i64::try_from(state.otp.ttl.as_millis()).unwrap_or(i64::MAX);
        let expires_at_ms = state.store.clock().now_millis().saturating_add(ttl_ms);
        let direct = state.authenticator == AuthenticatorType::Direct;
        // DIRECT: the customer confirms with the bank itself; no OTP is sent.
        let (otp_hash, message, otp_job) = if direct {
            (String::new(), None, None)
        } else {
            let (hash, message, job) =
                otp_for(state, &customer_id, &ref_number, expires_at_ms).await?;
            (hash, Some(message), job)
        };
        let queued = otp_job.is_some();
        // The first write: the rate limits and the reads above went through the shared
        // connection before the claim's transaction began; nothing after this does.
        state
            .store
            .create_link_request_in(
                claim.transaction().await?,
                NewLinkRequest {
                    ref_number: ref_number.clone(),
                    aa_id: request.caller.entity_id.clone(),
                    customer_address: customer_address.to_owned(),
                    customer_id,
                    otp_hash,
                    expires_at_ms,
                    txnid: body.txnid.clone(),
                    account_ids: stored.iter().map(|a| a.id.clone()).collect(),
                    direct,
                },
                otp_job,
            )
            .await?;
        sent = message.map(|message| (message, queued));
        tracing::info!("link.ref" = %ref_number, accounts = stored.len(), "link request started");
        rebit::answer(
            version,
            &AccLinkResponse {
                ver: version.as_str().to_owned(),
                timestamp: state.timestamp(),
                txnid: body.txnid.clone(),
                authenticator_type: state.authenticator,
                ref_number,
            },
        )
    }
    .await;
    let answer = claim.finish(result).await?;
    if let Some((message, queued)) = sent {
        if let Some(sandbox) = &state.sandbox_otps {
            sandbox.keep(&message.reference, &message.code);
        }
        if queued {
            state.waker.wake();
            OtpDelivery::queued(&message);
        }
    }
    Ok(answer)
}

/// A fresh OTP for the customer `customer_id` under `ref_number`: its hash to store, the
/// message, and its delivery job when it goes through the queue (written with the request).
async fn otp_for(
    state: &AppState,
    customer_id: &str,
    ref_number: &str,
    expires_at_ms: i64,
) -> Result<(String, OtpMessage, Option<NewJob>), RebitError> {
    let mobile = state
        .store
        .customer_mobile(customer_id)
        .await?
        .ok_or_else(|| RebitError::internal(&"an account's customer is missing"))?;
    let code = otp::generate(state.otp.pepper.expose().as_bytes())
        .map_err(|e| RebitError::internal(&e))?;
    let message = OtpMessage {
        reference: ref_number.to_owned(),
        recipient: mobile,
        code: code.code,
        expires_at_ms,
    };
    let job = state
        .delivery
        .job(&message)
        .map_err(|e| RebitError::internal(&e))?;
    Ok((code.hash, message, job))
}
