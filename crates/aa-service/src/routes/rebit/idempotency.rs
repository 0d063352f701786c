//! Idempotency of the notifications the AA receives (`FI/Notification`,
//! `Account/link/Notification`, `Consent/Notification`): one mechanism for all. Once a request is
//! answered OK, its answer is kept under (caller, endpoint, txnid) with the request (JSON, less
//! its `timestamp`, so that a re-stamped retry is the same request). The same request again gets
//! the kept answer, byte for byte, and has no second effect; another body under the same txnid
//! is 409 `IdempotencyError`. The scope is the caller and the endpoint: a txnid reused across
//! the steps of a flow, or by another party, is no conflict. Refusals are not kept (they had no
//! effect; a repeat is refused again the same way), and the check comes after the envelope and
//! role checks, so a malformed request stores nothing. Answers are kept for a day, then
//! forgotten (dropped as new ones are kept).

use aa_core::rebit::ErrorCode;
use aa_runtime::http::RebitError;
use actix_web::HttpResponse;
use serde::Serialize;

use super::internal;
use crate::persistence::records::AnsweredRequest;
use crate::state::AppState;
use aa_runtime::clock::millis;

/// How long answers are kept: a day, far beyond the envelope's 15-minute window in which the
/// same request can arrive again unchanged.
const KEEP_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Whether a request was seen before.
pub enum Seen {
    /// First time: answer through [`Once::answer`].
    New(Once),
    /// Answered before: the same answer again.
    Replay(HttpResponse),
}

/// A request being answered for the first time.
pub struct Once {
    caller: String,
    endpoint: &'static str,
    txnid: String,
    request: String,
}

fn json(answer: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(answer)
}

/// The request as kept: its JSON without the top-level `timestamp`.
fn request_text(body: &impl Serialize) -> Result<String, RebitError> {
    let mut value = serde_json::to_value(body).map_err(|e| RebitError::internal(&e))?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("timestamp");
    }
    Ok(value.to_string())
}

/// Looks `txnid` up for `caller` on `endpoint`.
pub async fn check(
    state: &AppState,
    caller: &str,
    endpoint: &'static str,
    txnid: &str,
    body: &impl Serialize,
) -> Result<Seen, RebitError> {
    let request = request_text(body)?;
    let now = millis(time::OffsetDateTime::now_utc());
    match state
        .store
        .answered_request(caller, endpoint, txnid, now - KEEP_MILLIS)
        .await
        .map_err(internal)?
    {
        None => Ok(Seen::New(Once {
            caller: caller.to_owned(),
            endpoint,
            txnid: txnid.to_owned(),
            request,
        })),
        Some(answered) if answered.request == request => Ok(Seen::Replay(json(answered.answer))),
        Some(_) => Err(RebitError::new(
            ErrorCode::IdempotencyError,
            format!("txnid was used for another {endpoint} request"),
        )),
    }
}

impl Once {
    /// Keeps `answer` for this request and sends it.
    pub async fn answer(
        self,
        state: &AppState,
        answer: &impl Serialize,
    ) -> Result<HttpResponse, RebitError> {
        let answer = serde_json::to_string(answer).map_err(|e| RebitError::internal(&e))?;
        let answered = AnsweredRequest {
            request: self.request,
            answer,
        };
        let now = millis(time::OffsetDateTime::now_utc());
        state
            .store
            .remember_answer(
                &self.caller,
                self.endpoint,
                &self.txnid,
                &answered,
                now,
                now - KEEP_MILLIS,
            )
            .await
            .map_err(internal)?;
        Ok(json(answered.answer))
    }
}
