//! `POST /customer/consents/{handle}/approve {"accounts":[linkRefNumber...]}`: the customer
//! approves a pending consent request, sharing the chosen linked accounts. Per FIP, the AA
//! signs the artefact and, in the same transaction as the status change, queues `POST
//! /Consent` to that FIP and an ACTIVE `POST /Consent/Notification` to the FIU.

use aa_core::rebit::{ConsentNotificationStatus, ConsentStatus};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::Session;
use super::error::CustomerError;
use super::views::{pending_request, terms_of};
use crate::domain::approval::{self, SharedAccount, SignedArtefact};
use crate::domain::messages::{self, ArtefactView};
use crate::persistence::records::{ArtefactRecord, ConsentRequestRecord, NewOutboxMessage};
use crate::state::AppState;
use aa_runtime::clock::millis;

#[derive(Debug, Deserialize)]
pub struct ApproveRequest {
    pub accounts: Vec<String>,
}

fn json_bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, CustomerError> {
    serde_json::to_vec(value).map_err(|e| CustomerError::internal(&e))
}

/// The outbox messages announcing `artefacts`: the artefact to its FIP, ACTIVE to the FIU.
fn announcements(
    state: &AppState,
    request: &ConsentRequestRecord,
    artefacts: &[SignedArtefact],
) -> Result<Vec<NewOutboxMessage>, CustomerError> {
    let mut out = Vec::with_capacity(artefacts.len() * 2);
    for a in artefacts {
        let view = ArtefactView {
            consent_id: &a.consent_id,
            status: ConsentStatus::Active,
            create_timestamp: &a.create_timestamp,
            signed_consent: &a.signed_consent,
            use_count: 0,
            last_used_at: None,
        };
        // The artefact pushed to the FIP is a request of the AA's: it speaks the AA's version.
        let ver = state.identity.client.version().as_str();
        let body = messages::artefact(view, ver, &uuid::Uuid::new_v4().to_string());
        out.push(NewOutboxMessage {
            callee: a.fip_id.clone(),
            path: "/Consent".to_owned(),
            body: json_bytes(&body)?,
        });
    }
    for a in artefacts {
        let body = messages::consent_notification(
            state.aa_id(),
            &request.txnid,
            &request.handle,
            Some(&a.consent_id),
            ConsentNotificationStatus::Active,
        );
        out.push(NewOutboxMessage {
            callee: request.fiu_id.clone(),
            path: "/Consent/Notification".to_owned(),
            body: json_bytes(&body)?,
        });
    }
    Ok(out)
}

#[tracing::instrument(name = "customer approve", skip_all, fields(session.id = %session.id, consent.handle = %handle))]
pub async fn approve(
    state: web::Data<AppState>,
    session: Session,
    handle: web::Path<String>,
    body: web::Json<ApproveRequest>,
) -> Result<HttpResponse, CustomerError> {
    let consent_ids = approve_request(&state, &session, &handle, &body.accounts).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "consentHandle": handle.as_str(),
        "status": "ACTIVE",
        "consentIds": consent_ids,
    })))
}

/// Approves the customer's pending request `handle`, sharing the linked accounts `accounts`
/// (linkRefNumbers): the consent ids of the signed artefacts, one per FIP. The customer API's
/// and the consent manager's approval.
pub async fn approve_request(
    state: &AppState,
    session: &Session,
    handle: &str,
    accounts: &[String],
) -> Result<Vec<String>, CustomerError> {
    let request = pending_request(state, session, handle).await?;
    let terms = terms_of(&request)?;
    let now = state.now();
    let expired = aa_core::timefmt::parse(&terms.consent_expiry).is_none_or(|e| e <= now);
    if expired {
        return Err(CustomerError::conflict("the consent request has expired"));
    }
    let mut chosen: Vec<String> = Vec::new();
    for link_ref in accounts {
        let link_ref = link_ref.trim().to_owned();
        if !link_ref.is_empty() && !chosen.contains(&link_ref) {
            chosen.push(link_ref);
        }
    }
    if chosen.is_empty() {
        return Err(CustomerError::invalid(
            "accounts must name at least one linked account (linkRefNumber)",
        ));
    }
    let linked = state.store.linked_accounts(&session.customer.id).await?;
    let mut shared = Vec::with_capacity(chosen.len());
    for link_ref in &chosen {
        let account = linked
            .iter()
            .find(|a| a.link_ref_number.as_deref() == Some(link_ref.as_str()))
            .ok_or_else(|| {
                CustomerError::invalid(format!(
                    "account {link_ref} is not one of your linked accounts"
                ))
            })?;
        if !terms.fi_types.iter().any(|t| t.as_str() == account.fi_type) {
            return Err(CustomerError::invalid(format!(
                "account {link_ref} holds {} data, which this consent does not ask for",
                account.fi_type
            )));
        }
        shared.push(SharedAccount {
            fip_id: account.fip_id.clone(),
            link_ref_number: link_ref.clone(),
            masked_acc_number: account.masked_acc_number.clone(),
            fi_type: account.fi_type.clone(),
            acc_type: account.acc_type.clone(),
        });
    }
    let artefacts = approval::sign_artefacts(
        &state.identity.signer,
        &terms,
        &session.customer.handle,
        &shared,
        now,
    )
    .map_err(|e| CustomerError::internal(&e))?;
    let outbox = announcements(state, &request, &artefacts)?;
    let records = artefacts
        .iter()
        .map(|a| ArtefactRecord {
            consent_id: a.consent_id.clone(),
            consent_handle: request.handle.clone(),
            fiu_id: request.fiu_id.clone(),
            fip_id: a.fip_id.clone(),
            customer_handle: session.customer.handle.clone(),
            signed_consent: a.signed_consent.clone(),
            status: ConsentStatus::Active.as_str().to_owned(),
            create_timestamp: a.create_timestamp.clone(),
            use_count: 0,
            last_used_at: None,
        })
        .collect();
    if !state
        .store
        .approve_consent(&request.handle, records, outbox, millis(now))
        .await?
    {
        return Err(CustomerError::conflict(
            "the consent request was decided meanwhile",
        ));
    }
    state.waker.wake();
    let consent_ids: Vec<String> = artefacts.iter().map(|a| a.consent_id.clone()).collect();
    tracing::info!(consent.ids = ?consent_ids, "consent approved");
    Ok(consent_ids)
}
