//! `POST /Consent`: the AA sends a consent artefact. Kept only when `signedConsent` is a
//! compact JWS signed by the calling AA with a key the registry publishes for it (else 400
//! `SignatureDoesNotMatch`), and its detail names this FIP and accounts linked here, through
//! this AA, to the consent's customer (else 400 `InvalidRequest`: this endpoint's 400 list has no
//! `InvalidConsentDetail`); its terms must be
//! usable (`crate::domain::consent_rules`: else 400 `InvalidRequest`), and each account listed
//! as the bank holds it (`fiType`, `accType`, `maskedAccNumber`, an FI type among `fiTypes`:
//! `crate::domain::consent_accounts`, else 400 `InvalidRequest`). Nothing is stored when any
//! check fails. Idempotent on
//! `consentId`: the same artefact again is OK; another artefact under a used id is 409
//! `IdempotencyError`.

use aa_core::rebit::{ConsentArtefact, ErrorCode, NotificationResponse};
use aa_core::signed_consent;
use aa_core::validate::{self, ApiVersion};
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};

use crate::domain::{consent, consent_accounts, consent_rules};
use crate::persistence::consents::{NewConsent, Stored};
use crate::routes::rebit;
use crate::state::{AppState, Claimed};

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
    request: Verified<ConsentArtefact, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

async fn answer(
    request: &Verified<ConsentArtefact, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let aa_id = &request.caller.entity_id;
    let version = ApiVersion::parse(validate::required("ver", Some(&body.ver))?)?;
    validate::uuid("txnid", Some(&body.txnid))?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::Consent,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        validate::uuid("consentId", Some(&body.consent_id))?;
        let consent_id = body.consent_id.trim().to_owned();
        let created = validate::timestamp("createTimestamp", Some(&body.create_timestamp))?;
        let jws = validate::required("signedConsent", Some(&body.signed_consent))?;
        let signed_consent::SignedConsent {
            detail,
            json: detail_json,
            signature,
        } = signed_consent::verify(jws, aa_id, &state.registry.current())?;
        let terms = consent::terms_of(&detail, &state.fip_id)?;
        consent_rules::check_artefact(
            &detail,
            created,
            terms.expiry,
            state.store.clock().now(),
            &state.registry.current(),
        )?;
        // From here every read and write goes through the claim's transaction (the SQLite
        // store has one connection).
        let txn = claim.transaction().await?;
        let links = state.store.links_by_ref_in(txn, &terms.link_refs).await?;
        consent::check_links(&terms, &links, aa_id)?;
        let ids: Vec<String> = links.iter().map(|l| l.account_id.clone()).collect();
        let accounts = state.store.accounts_by_id_in(txn, &ids).await?;
        consent_accounts::check_accounts(&detail, &links, &accounts)?;
        let stored = state
            .store
            .store_consent_in(
                txn,
                NewConsent {
                consent_id: consent_id.clone(),
                aa_id: aa_id.clone(),
                status: body.status,
                signed_consent: jws.to_owned(),
                signature,
                detail: detail_json,
                create_timestamp: body.create_timestamp.clone(),
                    txnid: body.txnid.clone(),
                    terms,
                },
            )
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
                timestamp: state.timestamp(),
                txnid: body.txnid.clone(),
                response: "OK".to_owned(),
            },
        )
    }
    .await;
    claim.finish(result).await
}
