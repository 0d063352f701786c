//! The artefact fetch job: `POST /Consent/fetch` to the AA, then the checks of
//! [`crate::domain::artefact::verify`], then the outcome stored: verified, refused (final), or,
//! when the AA cannot be reached, retried with backoff until the attempts run out. A verified
//! `ACTIVE` artefact joins the consent's automatic data request when `fi.auto_request` is on.

use super::Worker;
use crate::domain::artefact::{verify, Expected};
use crate::domain::data_request::plan_session;
use crate::domain::status::{ConsentState, FetchState};
use crate::persistence::jobs::Job;
use crate::persistence::StoreError;

/// Runs one fetch job to its recorded outcome.
#[tracing::instrument(
    name = "fetch_artefact",
    skip_all,
    fields(consent.handle = %job.handle, consent.id = %job.consent_id, peer.id = %job.aa_id)
)]
pub async fn run(worker: &Worker, job: Job) -> Result<(), StoreError> {
    let store = &worker.store;
    let Some(request) = store.consent_request(&job.handle).await? else {
        let reason = "the consent request of this artefact is not known";
        tracing::warn!(reason, "consent artefact refused");
        return store
            .artefact_not_fetched(&job, FetchState::Refused, reason, worker.clock.now())
            .await;
    };
    let artefact = match worker.aa.fetch_artefact(&job.aa_id, &job.consent_id).await {
        Ok(artefact) => artefact,
        Err(error) => {
            let error_text = error.to_string();
            if worker
                .retried(&job, error.is_retryable(), &error_text)
                .await?
            {
                return Ok(());
            }
            // An answer out of schema or not fitting the fetch is refused for good, like a bad
            // artefact.
            let state = match error.bad_answer() {
                Some(_) => FetchState::Refused,
                None => FetchState::Failed,
            };
            return store
                .artefact_not_fetched(&job, state, &error_text, worker.clock.now())
                .await;
        }
    };
    let expected = Expected {
        aa_id: &request.aa_id,
        fiu_id: &worker.fiu_id,
        consent_id: &job.consent_id,
        customer: &request.customer,
        terms: &request.terms,
    };
    let now = worker.clock.now();
    match verify(&worker.registry.current(), expected, &artefact) {
        Ok(verified) => {
            tracing::info!(fip.id = %verified.fip_id, signer.kid = %verified.signer_kid, "consent artefact verified and stored");
            let auto = if worker.fi.auto_request && verified.status == ConsentState::Active {
                plan_session(&verified.detail, None)
                    .map_err(|error| tracing::warn!(%error, "no automatic FI request"))
                    .ok()
            } else {
                None
            };
            let queued = store
                .artefact_verified(&job, &verified, auto.as_ref(), now)
                .await?;
            if queued {
                tracing::info!("automatic FI request queued");
                worker.waker.wake();
            }
            Ok(())
        }
        Err(refusal) => {
            tracing::warn!(reason = %refusal, "consent artefact refused");
            store
                .artefact_not_fetched(&job, FetchState::Refused, &refusal.to_string(), now)
                .await
        }
    }
}
