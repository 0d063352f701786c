//! `POST /Consent`: the AA sends a consent artefact. Kept only when `signedConsent` is a
//! compact JWS signed by the calling AA with a key the registry publishes for it (else 400
//! `SignatureDoesNotMatch`), and its detail names this FIP and accounts linked here, through
//! this AA, to the consent's customer (else 400 `InvalidConsentDetail`). Idempotent on
//! `consentId`: the same artefact again is OK; another artefact under a used id is 409
//! `IdempotencyError`.

use aa_core::jws::compact;
use aa_core::rebit::{ConsentArtefact, ErrorCode, NotificationResponse, SignedConsentDetail};
use aa_core::registry::Role;
use aa_core::timefmt;
use aa_core::validate::{self, ApiVersion};
use aa_runtime::http::{RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};

use crate::domain::consent;
use crate::persistence::consents::{NewConsent, Stored};
use crate::routes::rebit::{self, Echo};
use crate::state::AppState;

#[tracing::instrument(
    name = "consent.artefact",
    skip_all,
    fields(
        txn.id = %request.body.txnid,
        consent.id = %request.body.consent_id,
        peer.id = %request.caller.entity_id,
    )
)]
pub async fn artefact(
    request: Verified<ConsentArtefact>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let echo = Echo::new(&request.body.ver, &request.body.txnid);
    answer(&request, &state).await.map_err(|e| echo.error(e))
}

fn bad_signature(message: impl Into<String>) -> RebitError {
    RebitError::new(ErrorCode::SignatureDoesNotMatch, message)
}

/// Verifies `signedConsent` against the calling AA's registered keys; returns the detail
/// (parsed) and the JWS's signature segment.
pub(crate) fn verify_signed_consent(
    jws: &str,
    aa_id: &str,
    state: &AppState,
) -> Result<(SignedConsentDetail, serde_json::Value, String), RebitError> {
    let kid = compact::kid(jws).map_err(|e| bad_signature(format!("signedConsent: {e}")))?;
    let (owner, key) = state
        .registry
        .by_kid(&kid)
        .ok_or_else(|| bad_signature("signedConsent is signed with an unregistered key"))?;
    if owner.id != aa_id {
        return Err(bad_signature(
            "signedConsent is not signed by the calling AA",
        ));
    }
    let verified = compact::verify(jws, |k| (k == kid).then_some(key))
        .map_err(|e| bad_signature(format!("signedConsent: {e}")))?;
    let detail: SignedConsentDetail = serde_json::from_slice(&verified.payload).map_err(|e| {
        RebitError::new(
            ErrorCode::InvalidConsentDetail,
            format!("signedConsent does not hold a consent detail: {e}"),
        )
    })?;
    let value = serde_json::from_slice(&verified.payload).map_err(|e| RebitError::internal(&e))?;
    Ok((detail, value, verified.signature_segment))
}

async fn answer(
    request: &Verified<ConsentArtefact>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Aa])?;
    let body = &request.body;
    let aa_id = &request.caller.entity_id;
    let version = ApiVersion::parse(validate::required("ver", Some(&body.ver))?)?;
    validate::uuid("txnid", Some(&body.txnid))?;
    let work = async {
        validate::uuid("consentId", Some(&body.consent_id))?;
        let consent_id = body.consent_id.trim().to_owned();
        validate::timestamp("createTimestamp", Some(&body.create_timestamp))?;
        let jws = validate::required("signedConsent", Some(&body.signed_consent))?;
        let (detail, detail_json, signature) = verify_signed_consent(jws, aa_id, state)?;
        let terms = consent::terms_of(&detail, &state.fip_id)?;
        let links = state.store.links_by_ref(&terms.link_refs).await?;
        consent::check_links(&terms, &links, aa_id)?;
        let stored = state
            .store
            .store_consent(NewConsent {
                consent_id: consent_id.clone(),
                aa_id: aa_id.clone(),
                status: body.status,
                signed_consent: jws.to_owned(),
                signature,
                detail: detail_json,
                create_timestamp: body.create_timestamp.clone(),
                txnid: body.txnid.clone(),
                terms,
            })
            .await?;
        match stored {
            Stored::New => {
                tracing::info!(consent.id = %consent_id, status = %body.status, "consent artefact stored");
            }
            Stored::Existing(existing)
                if existing.aa_id == *aa_id && existing.signed_consent == jws =>
            {
                tracing::info!(consent.id = %consent_id, "consent artefact already stored");
            }
            Stored::Existing(_) => {
                return Err(RebitError::new(
                    ErrorCode::IdempotencyError,
                    "consentId is already used by another artefact",
                ));
            }
        }
        rebit::answer(
            version,
            &NotificationResponse {
                ver: version.as_str().to_owned(),
                timestamp: timefmt::now_millis(),
                txnid: body.txnid.clone(),
                response: "OK".to_owned(),
            },
        )
    };
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::Consent,
        &body.txnid,
        &request.raw,
    );
    state.idempotency().once(&incoming, work).await
}
