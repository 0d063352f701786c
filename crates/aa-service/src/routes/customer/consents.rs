//! `GET /customer/consents[?status=PENDING|ACTIVE|REJECTED]`: the consent requests FIUs made
//! to this customer, newest first, with the terms the customer is asked to accept.

use aa_core::rebit::ConsentDetail;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Session;
use super::error::CustomerError;
use crate::domain::status::RequestStatus;
use crate::persistence::records::ConsentRequestRecord;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
}

/// Reads the stored terms of a request.
pub fn terms_of(record: &ConsentRequestRecord) -> Result<ConsentDetail, CustomerError> {
    serde_json::from_str(&record.detail).map_err(|e| CustomerError::internal(&e))
}

fn view(record: &ConsentRequestRecord, detail: &ConsentDetail, consent_ids: Vec<String>) -> Value {
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
    if !consent_ids.is_empty() {
        item["consentIds"] = json!(consent_ids);
    }
    item
}

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, CustomerError> {
    let status =
        match query.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(RequestStatus::parse(text).ok_or_else(|| {
                CustomerError::invalid("status must be PENDING, ACTIVE or REJECTED")
            })?),
        };
    let requests = state
        .store
        .consent_requests_for(&session.customer.handle, status)
        .await?;
    let mut items = Vec::with_capacity(requests.len());
    for record in &requests {
        let detail = terms_of(record)?;
        let consent_ids = if record.status == RequestStatus::Active {
            state
                .store
                .artefacts_for(&record.handle)
                .await?
                .into_iter()
                .map(|a| a.consent_id)
                .collect()
        } else {
            Vec::new()
        };
        items.push(view(record, &detail, consent_ids));
    }
    Ok(HttpResponse::Ok().json(items))
}
