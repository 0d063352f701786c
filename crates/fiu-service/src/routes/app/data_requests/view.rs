//! How the app API shows a data request: per FIP session its state and accounts, and per
//! account its FI status and its document (contract A's JSON form of
//! `aa_core::fi_data::Account`), unsealed here for the answer and never logged. An account
//! whose data could not be had has `data: null` and an `error`. A session says until when its
//! data may be kept (`keepUntil`) and, once purged, when and why (`purged`; its accounts are
//! gone).

use aa_core::timefmt;
use serde_json::{json, Value};

use crate::domain::data_request::request_status;
use crate::persistence::fi_requests::{AccountRecord, DataRequestRecord, SessionRecord};
use crate::routes::app::error::AppError;
use crate::state::AppState;
use crate::vault::{open_account, VaultError};

/// The `DataGone` message when every session of a request was purged, else `None`.
pub fn all_purged(sessions: &[SessionRecord]) -> Option<String> {
    let purged: Vec<_> = sessions.iter().filter_map(|s| s.purged).collect();
    if purged.is_empty() || purged.len() < sessions.len() {
        return None;
    }
    let (at, rule) = purged.iter().max_by_key(|(at, _)| *at)?;
    Some(format!(
        "the data of this request was purged at {}: {}",
        timefmt::format_millis(*at),
        rule.describe()
    ))
}

/// The whole request.
pub fn request(r: &DataRequestRecord, sessions: &[SessionRecord], fips: Vec<Value>) -> Value {
    let states: Vec<_> = sessions.iter().map(|s| s.status).collect();
    let updated = sessions
        .iter()
        .map(|s| s.updated_at)
        .chain([r.updated_at])
        .max()
        .unwrap_or(r.updated_at);
    json!({
        "requestId": r.id,
        "consentHandle": r.handle,
        "trigger": r.trigger,
        "status": request_status(&states),
        "createdAt": timefmt::format_millis(r.created_at),
        "updatedAt": timefmt::format_millis(updated),
        "fips": fips,
    })
}

/// One session with its accounts, their documents unsealed.
pub async fn session(
    state: &AppState,
    s: &SessionRecord,
    accounts: &[AccountRecord],
) -> Result<Value, AppError> {
    let sealed = accounts.iter().any(|a| a.sealed_data.is_some());
    let data_key = if sealed {
        let now = state.clock.now();
        match state.vault.data_key(&state.store, &s.consent_id, now).await {
            Ok(key) => Some(key),
            Err(VaultError::Store(e)) => return Err(AppError::internal(&e)),
            Err(e) => {
                tracing::error!(consent.id = %s.consent_id, error = %e, "a consent's data key cannot be unwrapped");
                None
            }
        }
    } else {
        None
    };
    let mut list = Vec::with_capacity(accounts.len());
    for a in accounts {
        let mut error = a.error.clone();
        let data = match (&a.sealed_data, &data_key) {
            (Some(sealed), Some(key)) => match open_account(key, &a.id, sealed)
                .ok()
                .and_then(|json| serde_json::from_slice::<Value>(&json).ok())
            {
                Some(value) => value,
                None => {
                    tracing::error!(account.link_ref = %a.link_ref_number, "sealed FI data does not open");
                    error = Some("the stored data cannot be opened".into());
                    Value::Null
                }
            },
            (Some(_), None) => {
                error = Some("the stored data cannot be opened".into());
                Value::Null
            }
            (None, _) => Value::Null,
        };
        list.push(json!({
            "linkRefNumber": a.link_ref_number,
            "maskedAccNumber": a.masked_acc_number,
            "fiType": a.fi_type,
            "fiStatus": a.fi_status,
            "error": error,
            "data": data,
        }));
    }
    Ok(json!({
        "fipId": s.fip_id,
        "consentId": s.consent_id,
        "sessionId": s.session_id,
        "status": s.status.as_str(),
        "error": s.error,
        "fiDataRange": {"from": s.data_from, "to": s.data_to},
        "keepUntil": s.keep_until.map(|(at, _)| timefmt::format_millis(at)),
        "purged": s.purged.map(|(at, rule)| json!({
            "at": timefmt::format_millis(at),
            "rule": rule.as_str(),
        })),
        "accounts": list,
    }))
}
