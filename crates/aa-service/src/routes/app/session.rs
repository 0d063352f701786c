//! `POST /customer/session {"handle","otpRef","otp"}` -> `{"token","handle"}`: log in with the
//! OTP; the first log-in registers the handle. Every try counts, the right one included; after
//! `otp.max_attempts` tries, or after expiry, the OTP is dead and a new one must be asked for.
//! Log-in attempts are also rate limited per handle and per client address, across OTPs (429
//! with `Retry-After`): asking for new OTPs does not buy more guesses.

use aa_runtime::rate_limit::Action;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::CustomerError;
use super::views::limited_handle;
use crate::domain::session_token;
use crate::persistence::records::CustomerRecord;
use crate::state::AppState;
use aa_runtime::clock::millis;

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub handle: String,
    #[serde(rename = "otpRef")]
    pub otp_ref: String,
    pub otp: String,
}

fn invalid_otp(message: &str) -> CustomerError {
    CustomerError::unauthorized("invalid_otp", message)
}

#[tracing::instrument(name = "customer login", skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, CustomerError> {
    let (token, customer) = open(&req, &state, &body).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "token": token,
        "handle": customer.handle,
        "expiresIn": state.auth.session_ttl.as_secs(),
    })))
}

/// Checks the OTP and opens a session: its token and the customer (registered at the first
/// log-in). The customer API's and the consent manager's log-in both end here.
pub async fn open(
    req: &HttpRequest,
    state: &AppState,
    body: &LoginRequest,
) -> Result<(String, CustomerRecord), CustomerError> {
    let handle = limited_handle(req, state, &body.handle, Action::OtpCheck).await?;
    let now = state.now();
    // An unknown reference, or one issued for another handle, reads the same as a wrong OTP.
    let otp = state
        .store
        .find_otp(body.otp_ref.trim())
        .await?
        .filter(|o| o.handle == handle.to_string())
        .ok_or_else(|| invalid_otp("the OTP is wrong"))?;
    if otp.consumed {
        return Err(invalid_otp("this OTP was used already; ask for a new one"));
    }
    if otp.expires_at <= millis(now) {
        return Err(CustomerError::unauthorized(
            "otp_expired",
            "the OTP expired; ask for a new one",
        ));
    }
    let max = state.auth.otp_max_attempts;
    if !state.store.count_otp_attempt(&otp.otp_ref, max).await? {
        return Err(CustomerError::unauthorized(
            "otp_attempts_exceeded",
            "too many wrong tries; ask for a new OTP",
        ));
    }
    let pepper = state.auth.pepper.expose().as_bytes();
    if !aa_core::otp::verify(pepper, &otp.code_hash, &body.otp) {
        let left = max.saturating_sub(otp.attempts + 1);
        tracing::info!("otp.ref" = %otp.otp_ref, tries_left = left, "wrong login OTP");
        return Err(invalid_otp(&format!("the OTP is wrong; {left} tries left")));
    }
    if !state.store.consume_otp(&otp.otp_ref).await? {
        return Err(invalid_otp("this OTP was used already; ask for a new one"));
    }
    let customer = state
        .store
        .register_customer(&handle.to_string(), handle.mobile(), millis(now))
        .await?;
    let issued = session_token::issue(pepper).map_err(|e| CustomerError::internal(&e))?;
    state
        .store
        .insert_session(
            &issued.session_id,
            &customer.id,
            &issued.hash,
            millis(now),
            millis(now + state.auth.session_ttl),
        )
        .await?;
    tracing::info!(session.id = %issued.session_id, "customer logged in");
    Ok((issued.token, customer))
}
