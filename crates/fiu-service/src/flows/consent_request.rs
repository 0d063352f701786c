//! Asking a customer for consent: the customer's AA found in the registry, the template's terms
//! as a ConsentDetail, `POST /Consent` to the AA, and the request stored under the handle the
//! AA returns (`PENDING`). An answer that breaks the AA's 2.0.0 schema or does not fit the
//! request ([`crate::domain::answers`]) stores nothing and is 502 `aa_bad_answer` with the reason.

use aa_core::registry::Role;
use actix_web::http::StatusCode;
use tracing::field::Empty;

use crate::domain::customer::CustomerHandle;
use crate::domain::terms::ConsentTerms;
use crate::persistence::consents::NewConsentRequest;
use crate::routes::app::error::AppError;
use crate::state::AppState;

/// Asks `customer`'s AA for a consent on `template`; returns the consent handle.
#[tracing::instrument(
    name = "create_consent",
    skip_all,
    fields(template = Empty, peer.id = Empty, txn.id = Empty, consent.handle = Empty)
)]
pub async fn request(state: &AppState, customer: &str, template: &str) -> Result<String, AppError> {
    let span = tracing::Span::current();
    let customer = CustomerHandle::parse(customer)
        .map_err(|e| AppError::bad_request("invalid_customer", e.to_string()))?;
    let registry = state.registry.current();
    let aa = registry
        .entity(customer.aa_id())
        .filter(|entity| entity.role == Role::Aa)
        .ok_or_else(|| {
            AppError::bad_request(
                "unknown_aa",
                format!("{:?} is not an AA in the registry", customer.aa_id()),
            )
        })?;
    span.record("peer.id", aa.id.as_str());
    let template = state.templates.get(template).ok_or_else(|| {
        AppError::bad_request(
            "unknown_template",
            format!("there is no template {template:?}; see GET /app/templates"),
        )
    })?;
    span.record("template", template.name());
    let terms = ConsentTerms::from_template(template, state.clock.now())
        .map_err(|e| AppError::internal(&e))?;
    let detail = terms.to_consent_detail(&customer, &state.fiu_id);
    let txnid = uuid::Uuid::new_v4().to_string();
    span.record("txn.id", txnid.as_str());
    let handle = state
        .aa
        .request_consent(&aa.id, &txnid, detail)
        .await
        .map_err(|e| match (e.refusal(), e.bad_answer()) {
            (_, Some(why)) => AppError::new(
                StatusCode::BAD_GATEWAY,
                "aa_bad_answer",
                format!("{} answered the consent request badly: {why}", aa.id),
            ),
            (Some(refusal), _) => {
                tracing::warn!(%refusal, "the AA refused the consent request");
                AppError::bad_request(
                    "aa_refused",
                    format!("{} refused the consent request: {refusal}", aa.id),
                )
            }
            (None, _) => {
                tracing::warn!(error = %e, "the consent request did not reach a usable answer");
                AppError::new(StatusCode::BAD_GATEWAY, "aa_unavailable", e.summary())
            }
        })?;
    span.record("consent.handle", handle.as_str());
    let new = NewConsentRequest {
        handle: handle.clone(),
        aa_id: aa.id.clone(),
        customer: customer.as_str().to_owned(),
        template: template.name().to_owned(),
        txnid,
        terms,
    };
    state
        .store
        .insert_consent_request(&new, state.clock.now())
        .await
        .map_err(|e| AppError::internal(&e))?;
    tracing::info!("consent requested");
    Ok(handle)
}
