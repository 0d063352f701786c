//! The bank's back office (`/bank/...`, JSON, bearer token `bank_api.token`): what the bank
//! does on its own, outside ReBIT: `POST /bank/links/{linkRefNumber}/delink`, which ends a link
//! (say, the customer closed the account at the branch) and tells the AA with
//! `POST /Account/link/Notification`, queued in the outbox in the same transaction; and
//! `GET /bank/links/{linkRefNumber}/statement?from=&to=`, the account's own statement; and
//! `POST /bank/link-requests/{refNumber}/confirm`, the customer's own confirmation of a DIRECT
//! link request, notified to the AA the same way.
//!
//! Errors are the runtime's app-API body (`aa_runtime::http::AppError`),
//! `{"error": "<code>", "message": "..."}` with 400, 401 or 404, or 500 `internal_error`
//! (the cause logged once, when it is answered).

use aa_core::rebit::{
    AccountLinkStatus, AccountLinkStatusNotification, LinkStatus, Notifier, NotifierType, Open,
};
use aa_core::timefmt;
use aa_runtime::http::bearer::bearer_is;
use aa_runtime::http::AppError;
use aa_runtime::settings::Secret;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::domain::link::AccountLink;
use crate::persistence::direct_links::Confirmed;
use crate::persistence::StoreError;
use crate::state::AppState;
use aa_runtime::outbox::Notification;

/// The back office's bearer token.
#[derive(Debug, Clone)]
pub struct BankToken(pub Secret);

/// A back-office error answer, in the runtime's app-API error body.
fn error(status: StatusCode, code: &'static str, message: &str) -> HttpResponse {
    AppError::new(status, code, message).error_response()
}

/// The 401 answer, unless `req` carries the back office's bearer token.
fn refused(req: &HttpRequest, token: &BankToken) -> Option<HttpResponse> {
    (!bearer_is(req, &token.0)).then(|| {
        error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "a valid bearer token is required",
        )
    })
}

#[tracing::instrument(name = "bank.delink", skip_all)]
pub async fn delink(
    req: HttpRequest,
    path: web::Path<String>,
    token: web::Data<BankToken>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if let Some(refusal) = refused(&req, &token) {
        return refusal;
    }
    let link_ref = path.into_inner();
    let fip_id = state.fip_id.clone();
    let outcome = state
        .store
        .delink_by_bank(&link_ref, &fip_id, |link| {
            link_notice(&state, &fip_id, link, &link.aa_id, LinkStatus::Delinked)
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
        Err(e) => AppError::internal(&e).error_response(),
    }
}

/// `POST /bank/link-requests/{refNumber}/confirm`: the customer confirms a DIRECT link request
/// with the bank (this stands in for the bank's own channel: net banking, a branch). Its
/// accounts are linked and the AA told of each link with `POST /Account/link/Notification`
/// (`LINKED`), queued in the same transaction. Unknown, or not DIRECT: 404; expired or locked:
/// 400; confirmed before: its links again, no notification.
#[tracing::instrument(name = "bank.confirm_link", skip_all)]
pub async fn confirm_link(
    req: HttpRequest,
    path: web::Path<String>,
    token: web::Data<BankToken>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if let Some(refusal) = refused(&req, &token) {
        return refusal;
    }
    let ref_number = path.into_inner();
    let fip_id = state.fip_id.clone();
    let outcome = state
        .store
        .confirm_direct_link(&ref_number, |link, aa_id| {
            link_notice(&state, &fip_id, link, aa_id, LinkStatus::Linked)
        })
        .await;
    match outcome {
        Ok(Confirmed::Linked(links, notified)) => {
            if notified {
                state.waker.wake();
                tracing::info!(
                    accounts = links.len(),
                    "link confirmed at the bank; AA notifications queued"
                );
            }
            HttpResponse::Ok().json(serde_json::json!({
                "refNumber": ref_number,
                "status": "LINKED",
                "notified": notified,
                "links": links.iter().map(|l| serde_json::json!({
                    "linkRefNumber": l.link_ref_number,
                    "accRefNumber": l.acc_ref_number,
                    "customerAddress": l.customer_address,
                })).collect::<Vec<_>>(),
            }))
        }
        Ok(Confirmed::Closed(_)) => error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "the link request has expired or is locked; the AA must start linking again",
        ),
        Ok(Confirmed::Unknown) => error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "no DIRECT link request with this reference",
        ),
        Err(e) => AppError::internal(&e).error_response(),
    }
}

/// The AA's `POST /Account/link/Notification` of `link`'s new `status`, as an outbox entry.
fn link_notice(
    state: &AppState,
    fip_id: &str,
    link: &AccountLink,
    aa_id: &str,
    status: LinkStatus,
) -> Result<Notification, StoreError> {
    let notification = AccountLinkStatusNotification {
        ver: "2.0.0".to_owned(),
        timestamp: state.timestamp(),
        txnid: uuid::Uuid::new_v4().to_string(),
        notifier: Notifier {
            kind: Open::Known(NotifierType::Fip),
            id: fip_id.to_owned(),
        },
        account_link_status_notification: AccountLinkStatus {
            acc_ref_number: Some(link.acc_ref_number.clone()),
            customer_address: link.customer_address.clone(),
            link_ref_number: link.link_ref_number.clone(),
            link_status: status,
        },
    };
    let body = serde_json::to_string(&notification)
        .map_err(|e| StoreError::Corrupt(format!("notification: {e}")))?;
    Ok(Notification {
        callee: aa_id.to_owned(),
        path: "/Account/link/Notification".to_owned(),
        body,
    })
}

/// `GET /bank/links/{linkRefNumber}/statement?from=&to=` query (RFC 3339; both optional).
#[derive(Debug, serde::Deserialize)]
pub struct StatementQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The bank's own statement of a linked account inside `from..=to` (no consent filtering),
/// each line written as the FI documents write it, to compare with what a FIU decrypts.
#[tracing::instrument(name = "bank.statement", skip_all)]
pub async fn statement(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<StatementQuery>,
    token: web::Data<BankToken>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if let Some(refusal) = refused(&req, &token) {
        return refusal;
    }
    let bound = |text: &Option<String>, default: i64| match text.as_deref() {
        None | Some("") => Some(default),
        Some(t) => timefmt::parse(t).map(aa_runtime::clock::millis),
    };
    let (Some(from), Some(to)) = (bound(&query.from, i64::MIN), bound(&query.to, i64::MAX)) else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "from and to must be RFC 3339 date-times",
        );
    };
    let link_ref = path.into_inner();
    let outcome = async {
        let Some(link) = state
            .store
            .links_by_ref(std::slice::from_ref(&link_ref))
            .await?
            .pop()
        else {
            return Ok(None);
        };
        let Some((facts, _)) = state.store.account_facts(&link.account_id).await? else {
            return Ok(None);
        };
        let lines = state
            .store
            .statement_between(&link.account_id, from, to)
            .await?;
        Ok::<_, StoreError>(Some((facts, lines)))
    };
    match outcome.await {
        Ok(Some((facts, lines))) => HttpResponse::Ok().json(serde_json::json!({
            "linkRefNumber": link_ref,
            "maskedAccNumber": facts.masked_acc_number,
            "fiType": facts.fi_type.as_str(),
            "transactions": lines
                .iter()
                .map(|l| crate::fi::document::statement_entry(facts.fi_type, l))
                .collect::<Vec<_>>(),
        })),
        Ok(None) => error(StatusCode::NOT_FOUND, "NotFound", "no such link"),
        Err(e) => AppError::internal(&e).error_response(),
    }
}
