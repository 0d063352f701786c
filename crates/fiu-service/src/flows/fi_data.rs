//! A data request read back: its sessions (one per FIP) and their accounts, each account's
//! document unsealed here (contract A's JSON form of `aa_core::fi_data::Account`) and never
//! logged. What the app API's `GET /app/data-requests/{requestId}` answers ([`json`]) and what
//! the dashboard's data-request page and its exports show, so the two cannot disagree. An
//! account whose data could not be had has no `data` and an `error`. A session says until when
//! its data may be kept (`keep_until`) and, once purged, when and why (`purged`; its accounts
//! are gone).

use aa_core::timefmt;
use serde_json::{json, Value};

use crate::clients::aa::MAX_ID_LEN;
use crate::domain::data_request::request_status;
use crate::persistence::fi_requests::{AccountRecord, DataRequestRecord, SessionRecord};
use crate::routes::app::error::AppError;
use crate::state::AppState;
use crate::vault::{open_account, VaultError};

/// A data request with every session's accounts opened.
pub struct OpenedRequest {
    pub request: DataRequestRecord,
    pub sessions: Vec<OpenedSession>,
}

/// One session and its accounts.
pub struct OpenedSession {
    pub session: SessionRecord,
    pub accounts: Vec<OpenedAccount>,
}

/// One account: its record, its document (when it was fetched and opens) or why not.
pub struct OpenedAccount {
    pub record: AccountRecord,
    pub data: Option<Value>,
    pub error: Option<String>,
}

impl OpenedRequest {
    /// The request's status, from its sessions' (`COMPLETED`, `PARTIAL`, `FAILED`, `PENDING`).
    pub fn status(&self) -> &'static str {
        let states: Vec<_> = self.sessions.iter().map(|s| s.session.status).collect();
        request_status(&states)
    }

    /// The `DataGone` message when every session's data was purged, else `None`.
    pub fn all_purged(&self) -> Option<String> {
        let purged: Vec<_> = self
            .sessions
            .iter()
            .filter_map(|s| s.session.purged)
            .collect();
        if purged.is_empty() || purged.len() < self.sessions.len() {
            return None;
        }
        let (at, rule) = purged.iter().max_by_key(|(at, _)| *at)?;
        Some(format!(
            "the data of this request was purged at {}: {}",
            timefmt::format_millis(*at),
            rule.describe()
        ))
    }
}

/// The data request `id` with its accounts unsealed; 404 for an unknown id.
pub async fn open(state: &AppState, id: &str) -> Result<OpenedRequest, AppError> {
    let not_found = || AppError::not_found(format!("no data request {id:?}"));
    if id.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    let store = &state.store;
    let request = store
        .data_request(id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let mut sessions = Vec::new();
    for session in store.sessions_of(&request.id).await.map_err(internal)? {
        let accounts = store.accounts_of(&session.id).await.map_err(internal)?;
        let accounts = open_accounts(state, &session, accounts).await?;
        sessions.push(OpenedSession { session, accounts });
    }
    Ok(OpenedRequest { request, sessions })
}

/// A session's accounts, their documents unsealed under the consent's data key.
async fn open_accounts(
    state: &AppState,
    s: &SessionRecord,
    accounts: Vec<AccountRecord>,
) -> Result<Vec<OpenedAccount>, AppError> {
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
    let unopened = || Some("the stored data cannot be opened".to_owned());
    let mut list = Vec::with_capacity(accounts.len());
    for record in accounts {
        let mut error = record.error.clone();
        let data = match (&record.sealed_data, &data_key) {
            (Some(sealed), Some(key)) => {
                let value = open_account(key, &record.id, sealed)
                    .ok()
                    .and_then(|json| serde_json::from_slice::<Value>(&json).ok());
                if value.is_none() {
                    tracing::error!(account.link_ref = %record.link_ref_number, "sealed FI data does not open");
                    error = unopened();
                }
                value
            }
            (Some(_), None) => {
                error = unopened();
                None
            }
            (None, _) => None,
        };
        list.push(OpenedAccount {
            record,
            data,
            error,
        });
    }
    Ok(list)
}

/// The request as the app API shows it.
pub fn json(opened: &OpenedRequest) -> Value {
    let r = &opened.request;
    let updated = opened
        .sessions
        .iter()
        .map(|s| s.session.updated_at)
        .chain([r.updated_at])
        .max()
        .unwrap_or(r.updated_at);
    let fips: Vec<Value> = opened.sessions.iter().map(session_json).collect();
    json!({
        "requestId": r.id,
        "consentHandle": r.handle,
        "trigger": r.trigger,
        "status": opened.status(),
        "createdAt": timefmt::format_millis(r.created_at),
        "updatedAt": timefmt::format_millis(updated),
        "fips": fips,
    })
}

fn session_json(opened: &OpenedSession) -> Value {
    let s = &opened.session;
    let accounts: Vec<Value> = opened
        .accounts
        .iter()
        .map(|a| {
            json!({
                "linkRefNumber": a.record.link_ref_number,
                "maskedAccNumber": a.record.masked_acc_number,
                "fiType": a.record.fi_type,
                "fiStatus": a.record.fi_status,
                "error": a.error,
                "data": a.data.clone().unwrap_or(Value::Null),
            })
        })
        .collect();
    json!({
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
        "accounts": accounts,
    })
}
