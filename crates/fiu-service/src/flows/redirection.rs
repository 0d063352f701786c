//! Sahamati's AA redirection, the FIU's side. [`link`]: a consent request's URL to the AA's
//! consent manager (`fi`, `reqdate`, `ecreq` sealing the txnid, an opaque sessionid, the
//! customer, the FIU's return URL and the consent handle), stored so the return can be checked.
//! [`returned`]: the browser back at `GET /redirect/return` with `fi`, `resdate` and `ecres`:
//! opened with the passphrase of the AA `fi` names (dated within 180 s), then held to the link
//! (the txnid is one we handed out, to that AA; the sessionid, compared in constant time, and
//! the customer are the link's); the outcome is recorded once (a reload is answered the same; a
//! different outcome is refused). The browser's word never changes a consent: the FIU then asks
//! the AA for the handle's status over signed ReBIT (the poll), which moves it.

use aa_core::redirection::{RedirectError, RedirectRequest, RedirectResponse, ResponseCode};
use aa_runtime::http::bearer::same;
use aa_runtime::http::pages::new_token;

use crate::domain::redirection::is_http_url;
use crate::persistence::redirects::{NewRedirect, RedirectRecord};
use crate::persistence::StoreError;
use crate::routes::app::error::AppError;
use crate::state::AppState;

/// A link for `handle`'s request to `aa_id` for `customer`, or `None` when redirection to that
/// AA is not configured; `return_to` is where the lender's app wants the browser afterwards.
pub async fn link(
    state: &AppState,
    handle: &str,
    aa_id: &str,
    customer: &str,
    return_to: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(target) = state.redirection.target(aa_id) else {
        return Ok(None);
    };
    let txnid = uuid::Uuid::new_v4().to_string();
    let session_id = new_token();
    let now = state.clock.now();
    state
        .store
        .insert_redirect(
            &NewRedirect {
                txnid: &txnid,
                handle,
                aa_id,
                customer,
                session_id: &session_id,
                return_to,
            },
            now,
        )
        .await
        .map_err(|e| AppError::internal(&e))?;
    let request = RedirectRequest {
        txnid,
        sessionid: session_id,
        userid: customer.to_owned(),
        redirect: state.redirection.return_url().to_owned(),
        srcref: vec![handle.to_owned()],
    };
    Ok(Some(request.to_url(
        &target.url,
        &state.fiu_id,
        &target.passphrase,
        now,
    )))
}

/// Checks `returnTo` before anything is sent to the AA.
pub fn check_return_to(return_to: Option<&str>) -> Result<(), AppError> {
    match return_to {
        Some(url) if !is_http_url(url) || url.len() > 2048 => Err(AppError::bad_request(
            "invalid_request",
            "returnTo must be an http(s) URL of at most 2048 bytes",
        )),
        _ => Ok(()),
    }
}

/// Why a return was refused: a message safe to show (it names what is wrong, never a value).
#[derive(Debug, thiserror::Error)]
pub enum ReturnRefused {
    #[error("{0}")]
    Parameters(#[from] RedirectError),
    #[error("this link was not handed out by this lender, or not to that AA")]
    UnknownLink,
    #[error("the answer does not belong to this link")]
    Mismatch,
    #[error("this link already came back with another outcome")]
    Conflict,
    #[error("internal error")]
    Store(#[from] StoreError),
}

/// What came back, recorded.
#[derive(Debug, Clone)]
pub struct Returned {
    pub link: RedirectRecord,
    /// `approved`, `rejected` or `failed`.
    pub outcome: String,
}

fn outcome_of(code: ResponseCode) -> &'static str {
    match code {
        ResponseCode::Success => "approved",
        ResponseCode::Rejected => "rejected",
        _ => "failed",
    }
}

/// Opens and checks the query of `GET /redirect/return`, records the outcome once, and asks the
/// AA for the handle's status.
pub async fn returned(state: &AppState, query: &str) -> Result<Returned, ReturnRefused> {
    let now = state.clock.now();
    let (aa_id, response) =
        RedirectResponse::open(query, now, |aa| state.redirection.passphrase(aa))?;
    let link = state
        .store
        .redirect(&response.txnid)
        .await?
        .filter(|link| link.aa_id == aa_id)
        .ok_or(ReturnRefused::UnknownLink)?;
    if !same(response.sessionid.as_bytes(), link.session_id.as_bytes())
        || response.userid != link.customer
    {
        return Err(ReturnRefused::Mismatch);
    }
    let outcome = outcome_of(response.code);
    let code = response.code as i32;
    let recorded = state
        .store
        .record_redirect_outcome(&link.txnid, outcome, code, now)
        .await?
        .ok_or(ReturnRefused::UnknownLink)?;
    match &recorded.outcome {
        Some((first, first_code, _)) if first == outcome && *first_code == code => {}
        _ => return Err(ReturnRefused::Conflict),
    }
    if let Err(e) = super::consent_poll::refresh_now(state, &recorded.handle).await {
        tracing::warn!(error = %e, "the consent's status was not asked for after the redirection");
    }
    Ok(Returned {
        link: recorded,
        outcome: outcome.to_owned(),
    })
}
