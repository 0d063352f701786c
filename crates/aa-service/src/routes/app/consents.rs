//! `GET /customer/consents[?status=PENDING|ACTIVE|REJECTED|EXPIRED]`: the consent requests FIUs
//! made to this customer, newest first, with the terms the customer is asked to accept and, once
//! approved, each artefact with its FIP and lifecycle status.

use aa_core::rebit::ConsentDetail;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Session;
use super::error::CustomerError;
use super::views::terms_of;
use crate::domain::status::RequestStatus;
use crate::persistence::records::{ArtefactRecord, ConsentRequestRecord};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
}

fn view(
    record: &ConsentRequestRecord,
    detail: &ConsentDetail,
    artefacts: &[ArtefactRecord],
) -> Value {
    let mut item = json!({
        "consentHandle": record.handle,
        "fiuId": record.fiu_id,
        "purpose": detail.purpose,
        "fiTypes": detail.fi_types,
        "consentTypes": detail.consent_types,
        "consentMode": detail.consent_mode,
        "fetchType": detail.fetch_type,
        "fiDataRange": detail.fi_data_range,
        "consentStart": detail.consent_start,
        "consentExpiry": detail.consent_expiry,
        "dataLife": detail.data_life,
        "frequency": detail.frequency,
        "status": record.status.as_str(),
    });
    if !artefacts.is_empty() {
        let ids: Vec<&str> = artefacts.iter().map(|a| a.consent_id.as_str()).collect();
        item["consentIds"] = json!(ids);
        item["artefacts"] = artefacts
            .iter()
            .map(|a| json!({ "consentId": a.consent_id, "fipId": a.fip_id, "status": a.status }))
            .collect();
    }
    item
}

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, CustomerError> {
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(RequestStatus::parse(text).ok_or_else(|| {
            CustomerError::invalid("status must be PENDING, ACTIVE, REJECTED or EXPIRED")
        })?),
    };
    let requests = state
        .store
        .consent_requests_for(&session.customer.handle, status)
        .await?;
    let mut items = Vec::with_capacity(requests.len());
    for record in &requests {
        let detail = terms_of(record)?;
        let artefacts = if record.status == RequestStatus::Active {
            state.store.artefacts_for(&record.handle).await?
        } else {
            Vec::new()
        };
        items.push(view(record, &detail, &artefacts));
    }
    Ok(HttpResponse::Ok().json(items))
}
