//! `POST /customer/discover {"fipIds":[...], "pan"?, "fiTypes"?}`: account discovery at each
//! FIP at once (ReBIT `POST /Accounts/discover`, Customer id = the handle, MOBILE from the
//! handle as the STRONG identifier, PAN as a WEAK one when given). One FIP failing does not
//! fail the others: its entry carries `error` instead of accounts.

use aa_core::rebit::FiType;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::auth::Session;
use super::error::CustomerError;
use super::fip_error;
use crate::persistence::records::DiscoveredAccount;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct DiscoverRequest {
    #[serde(rename = "fipIds")]
    pub fip_ids: Vec<String>,
    #[serde(default)]
    pub pan: Option<String>,
    /// FI types to look for; all of them when absent.
    #[serde(rename = "fiTypes", default)]
    pub fi_types: Option<Vec<FiType>>,
}

#[derive(Debug, Serialize)]
pub struct FoundAccount {
    #[serde(rename = "accRefNumber")]
    pub acc_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
    #[serde(rename = "fiType")]
    pub fi_type: String,
    #[serde(rename = "accType")]
    pub acc_type: String,
}

#[derive(Debug, Serialize)]
pub struct FipResult {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    pub accounts: Vec<FoundAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Discovery at one FIP, as the accounts to store.
async fn discover_at(
    state: web::Data<AppState>,
    customer: (String, String),
    fip_id: String,
    pan: Option<String>,
    fi_types: Vec<FiType>,
) -> (String, Result<Vec<DiscoveredAccount>, CustomerError>) {
    let (handle, mobile) = customer;
    let answer = state
        .fip()
        .discover(&fip_id, &handle, &mobile, pan.as_deref(), &fi_types)
        .await;
    let result = answer
        .map(|accounts| {
            accounts
                .into_iter()
                .map(|acc| DiscoveredAccount {
                    acc_ref_number: acc.acc_ref_number,
                    masked_acc_number: acc.masked_acc_number,
                    fi_type: acc.fi_type.as_str().to_owned(),
                    acc_type: acc.acc_type.as_str().to_owned(),
                })
                .collect()
        })
        .map_err(|e| fip_error::from_fip(&fip_id, &e));
    (fip_id, result)
}

#[tracing::instrument(name = "customer discover", skip_all, fields(session.id = %session.id))]
pub async fn discover(
    state: web::Data<AppState>,
    session: Session,
    body: web::Json<DiscoverRequest>,
) -> Result<HttpResponse, CustomerError> {
    let results = discover_at_fips(&state, &session, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "fips": results })))
}

/// Discovery at each FIP of `body` at once, what was found stored: one entry per FIP, in the
/// order asked. The customer API's and the consent manager's discovery.
pub async fn discover_at_fips(
    state: &web::Data<AppState>,
    session: &Session,
    body: DiscoverRequest,
) -> Result<Vec<FipResult>, CustomerError> {
    if body.fip_ids.is_empty() {
        return Err(CustomerError::invalid("fipIds must name at least one FIP"));
    }
    let pan = body.pan.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let fi_types = body.fi_types.unwrap_or_else(|| FiType::ALL.to_vec());
    let mut fip_ids: Vec<String> = Vec::new();
    for id in body.fip_ids {
        let id = id.trim().to_owned();
        if !fip_ids.contains(&id) {
            fip_ids.push(id);
        }
    }
    let mut calls = JoinSet::new();
    let mut results: Vec<FipResult> = Vec::with_capacity(fip_ids.len());
    for fip_id in &fip_ids {
        if let Err(e) = fip_error::known_fip(&state.identity.registry.current(), fip_id) {
            results.push(FipResult {
                fip_id: fip_id.clone(),
                accounts: Vec::new(),
                error: Some(format!("{}: {}", e.code, e.message)),
            });
            continue;
        }
        calls.spawn(
            discover_at(
                state.clone(),
                (
                    session.customer.handle.clone(),
                    session.customer.mobile.clone(),
                ),
                fip_id.clone(),
                pan.map(str::to_owned),
                fi_types.clone(),
            )
            .instrument(tracing::Span::current()),
        );
    }
    let now = state.now_millis();
    while let Some(joined) = calls.join_next().await {
        let (fip_id, result) = joined.map_err(|e| CustomerError::internal(&e))?;
        let entry = match result {
            Ok(found) => {
                state
                    .store
                    .save_discovered(&session.customer.id, &fip_id, &found, now)
                    .await?;
                FipResult {
                    fip_id,
                    accounts: found
                        .into_iter()
                        .map(|a| FoundAccount {
                            acc_ref_number: a.acc_ref_number,
                            masked_acc_number: a.masked_acc_number,
                            fi_type: a.fi_type,
                            acc_type: a.acc_type,
                        })
                        .collect(),
                    error: None,
                }
            }
            Err(e) => FipResult {
                fip_id,
                accounts: Vec::new(),
                error: Some(format!("{}: {}", e.code, e.message)),
            },
        };
        results.push(entry);
    }
    results.sort_by_key(|r| fip_ids.iter().position(|f| *f == r.fip_id));
    Ok(results)
}
