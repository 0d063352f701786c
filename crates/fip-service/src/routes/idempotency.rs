//! Idempotency of every signed ReBIT `POST`: a request is keyed by (caller, endpoint, txnid),
//! so one txnid may be reused across the steps of a flow but not twice on one endpoint.
//!
//! - The same request again (same body, `timestamp` aside: a retry is re-signed with a fresh
//!   one) gets the first answer, and has no second effect.
//! - Another body under a used txnid is 409 `IdempotencyError`.
//! - A refused request leaves nothing behind: sent again, it is evaluated afresh.
//! - While the first is still being processed, a duplicate is 503 `ServiceUnavailable` (retry);
//!   a claim unanswered for [`STALE_CLAIM_MS`] (its request died) is taken over.
//!
//! `POST /Consent/Notification` is the exception to "another body is 409": the AA reuses one
//! txnid (its consent flow's) for every notification of a consent, so there only another
//! `consentId` under a used txnid is 409; another status of the same consent is the next
//! notification, applied afresh (a repeated status changes nothing, so replays are harmless).
//!
//! Bodies are compared by a salted, keyed digest (`aa_core::otp::hash` under the OTP pepper):
//! tokens and identifiers in them are never stored. Answers are stored as sent, except where
//! [`Replay::Recompute`] says otherwise (`FI/fetch`, whose answer is financial data and is
//! computed again from the sealed store, reading only).

use std::future::Future;

use aa_core::otp;
use aa_core::rebit::ErrorCode;
use aa_runtime::http::{Caller, RebitError};
use actix_web::HttpResponse;
use serde_json::Value;

use crate::persistence::answered_txns::TxnKey;
use crate::state::AppState;

/// A claim older than this with no answer belongs to a request that died.
pub const STALE_CLAIM_MS: i64 = 60_000;

/// What a replay gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// The stored first answer.
    Stored,
    /// The answer computed again (the work must then be free of effects on a repeat).
    Recompute,
}

/// The body as compared (its digest is what is stored): `timestamp` removed, object keys sorted.
pub fn canonical(raw: &[u8]) -> String {
    fn sorted(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    match serde_json::from_slice::<Value>(raw) {
        Ok(mut value) => {
            if let Some(map) = value.as_object_mut() {
                map.remove("timestamp");
            }
            sorted(value).to_string()
        }
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}

fn ok(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// Runs `work` once per (caller, `endpoint`, `txnid`); see the module documentation. `compared`
/// is what must be the same for a repeat: the raw body, or less where an endpoint says so.
pub async fn once<F>(
    state: &AppState,
    caller: &Caller,
    endpoint: &str,
    txnid: &str,
    compared: &[u8],
    replay: Replay,
    work: F,
) -> Result<HttpResponse, RebitError>
where
    F: Future<Output = Result<Value, RebitError>>,
{
    let key = TxnKey {
        caller_id: &caller.entity_id,
        endpoint,
        txnid: txnid.trim(),
    };
    let pepper = state.otp.pepper.expose().as_bytes();
    let body = canonical(compared);
    let digest = otp::hash(pepper, &body).map_err(|e| RebitError::internal(&e))?;
    let store = &state.store;
    // Two rounds: a claim released between our insert and our read is claimed again.
    let mut claimed = false;
    for _ in 0..2 {
        if store
            .claim_txn(key, &digest, store.clock().now_millis())
            .await?
        {
            claimed = true;
            break;
        }
        let Some(seen) = store.answered_txn(key).await? else {
            continue;
        };
        if !otp::verify(pepper, &seen.digest, &body) {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "txnid was already used for another request to this endpoint",
            ));
        }
        match (seen.status, seen.answer) {
            (Some(_), Some(answer)) => {
                tracing::info!(txn.id = %key.txnid, "repeated request answered as before");
                return Ok(ok(answer));
            }
            (Some(_), None) => return Ok(ok(work.await?.to_string())),
            (None, _) => {
                let now = store.clock().now_millis();
                claimed = seen.claimed_at_ms <= now - STALE_CLAIM_MS
                    && store.take_over_txn(key, seen.claimed_at_ms, now).await?;
                break;
            }
        }
    }
    if !claimed {
        return Err(RebitError::new(
            ErrorCode::ServiceUnavailable,
            "a request with this txnid is still being processed; send it again",
        ));
    }
    match work.await {
        Ok(value) => {
            let text = value.to_string();
            let stored = (replay == Replay::Stored).then(|| text.clone());
            if let Err(error) = store.answer_txn(key, 200, stored).await {
                tracing::error!(%error, txn.id = %key.txnid, "the answer could not be recorded");
            }
            Ok(ok(text))
        }
        Err(refused) => {
            if let Err(error) = store.release_txn(key).await {
                tracing::error!(%error, txn.id = %key.txnid, "a refused request's claim stays");
            }
            Err(refused)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_compare_without_their_timestamp_and_key_order() {
        let a =
            br#"{"ver":"2.0.0","timestamp":"2024-01-01T00:00:00Z","txnid":"t","B":{"y":1,"x":2}}"#;
        let b =
            br#"{"txnid":"t","B":{"x":2,"y":1},"ver":"2.0.0","timestamp":"2025-01-01T00:00:00Z"}"#;
        assert_eq!(canonical(a), canonical(b));
        let c = br#"{"txnid":"t","B":{"x":3,"y":1},"ver":"2.0.0"}"#;
        assert_ne!(canonical(a), canonical(c));
    }
}
