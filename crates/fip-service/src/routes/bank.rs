//! The bank's back office (`/bank/...`, JSON, bearer token `bank_api.token`): what the bank
//! does on its own, outside ReBIT. Today: `POST /bank/links/{linkRefNumber}/delink`, which ends
//! a link (say, the customer closed the account at the branch) and tells the AA with
//! `POST /Account/link/Notification`, queued in the outbox in the same transaction.
//!
//! Errors are `{"error": "<code>", "message": "..."}` with 401 or 404.

use aa_core::rebit::{
    AccountLinkStatus, AccountLinkStatusNotification, LinkStatus, Notifier, NotifierType, Open,
};
use aa_core::settings::Secret;
use aa_core::timefmt;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::persistence::outbox::NewOutboxMessage;
use crate::persistence::StoreError;
use crate::state::AppState;

/// The back office's bearer token.
#[derive(Debug, Clone)]
pub struct BankToken(pub Secret);

fn error(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "error": code, "message": message }))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorised(req: &HttpRequest, token: &BankToken) -> bool {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same(given.trim().as_bytes(), token.0.expose().as_bytes()))
}

#[tracing::instrument(name = "bank.delink", skip_all)]
pub async fn delink(
    req: HttpRequest,
    path: web::Path<String>,
    token: web::Data<BankToken>,
    state: web::Data<AppState>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    if !authorised(&req, &token) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "a valid bearer token is required",
        );
    }
    let link_ref = path.into_inner();
    let fip_id = state.fip_id.clone();
    let outcome = state
        .store
        .delink_by_bank(&link_ref, |link| {
            let notification = AccountLinkStatusNotification {
                ver: "2.0.0".to_owned(),
                timestamp: timefmt::now_millis(),
                txnid: uuid::Uuid::new_v4().to_string(),
                notifier: Notifier {
                    kind: Open::Known(NotifierType::Fip),
                    id: fip_id.clone(),
                },
                account_link_status_notification: AccountLinkStatus {
                    acc_ref_number: Some(link.acc_ref_number.clone()),
                    customer_address: link.customer_address.clone(),
                    link_ref_number: link.link_ref_number.clone(),
                    link_status: LinkStatus::Delinked,
                },
            };
            let body = serde_json::to_string(&notification)
                .map_err(|e| StoreError::Corrupt(format!("notification: {e}")))?;
            Ok(NewOutboxMessage {
                callee: link.aa_id.clone(),
                path: "/Account/link/Notification".to_owned(),
                body,
            })
        })
        .await;
    match outcome {
        Ok(Some((link, changed))) => {
            if changed {
                state.waker.wake();
                tracing::info!(peer.id = %link.aa_id, "link ended by the bank; AA notification queued");
            }
            HttpResponse::Ok().json(serde_json::json!({
                "linkRefNumber": link.link_ref_number,
                "status": "DELINKED",
                "notified": changed,
            }))
        }
        Ok(None) => error(StatusCode::NOT_FOUND, "NotFound", "no such link"),
        Err(e) => {
            tracing::error!(error = %e, "bank delink failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "internal error",
            )
        }
    }
}
