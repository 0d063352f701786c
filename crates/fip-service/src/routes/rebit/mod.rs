//! The ReBIT API the FIP serves to AAs, one file per ReBIT endpoint (see [`crate::routes`] for
//! the table), and what every ReBIT handler shares: envelope validation and the 1.1.x spellings
//! a 1.1.x request gets back. Error answers echo `ver` and `txnid` without the handlers: the
//! ReBIT scope does it (`aa_runtime::http::RebitScope`).

pub mod accounts_delink;
pub mod accounts_discover;
pub mod accounts_link;
pub mod accounts_link_verify;
pub mod consent;
pub mod consent_notification;
pub mod fi_fetch;
pub mod fi_request;

use aa_core::validate::{self, ApiVersion};
use aa_runtime::http::RebitError;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::state::AppState;

/// Checks `ver`, `timestamp` (within 15 minutes of the state's clock) and `txnid` (a UUID), in
/// that order.
pub fn envelope(
    state: &AppState,
    ver: &str,
    timestamp: &str,
    txnid: &str,
) -> Result<ApiVersion, RebitError> {
    Ok(validate::envelope(
        Some(ver),
        Some(timestamp),
        Some(txnid),
        state.store.clock().now(),
    )?)
}

/// A 200 answer in the request's version: 1.1.x callers get `TERM-DEPOSIT`, the only FI type
/// spelling of their spec.
pub fn ok<T: Serialize>(version: ApiVersion, body: &T) -> Result<HttpResponse, RebitError> {
    Ok(HttpResponse::Ok().json(answer(version, body)?))
}

/// The body of a 200 answer in the request's version (see [`ok`]).
pub fn answer<T: Serialize>(
    version: ApiVersion,
    body: &T,
) -> Result<serde_json::Value, RebitError> {
    let mut value = serde_json::to_value(body).map_err(|e| RebitError::internal(&e))?;
    if version.is_legacy() {
        respell(&mut value);
    }
    Ok(value)
}

/// Rewrites `FIType`/`fiType` values `TERM_DEPOSIT` to `TERM-DEPOSIT`, at any depth.
fn respell(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if (key == "FIType" || key == "fiType") && item == "TERM_DEPOSIT" {
                    *item = serde_json::Value::from("TERM-DEPOSIT");
                } else {
                    respell(item);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(respell),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_answers_spell_term_deposit_with_a_hyphen() {
        let mut value =
            json!({"DiscoveredAccounts": [{"FIType": "TERM_DEPOSIT"}, {"FIType": "DEPOSIT"}]});
        respell(&mut value);
        assert_eq!(value["DiscoveredAccounts"][0]["FIType"], "TERM-DEPOSIT");
        assert_eq!(value["DiscoveredAccounts"][1]["FIType"], "DEPOSIT");
    }
}
