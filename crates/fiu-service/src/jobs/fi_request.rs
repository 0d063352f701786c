//! The FI request job: for one session, a fresh ephemeral key pair and nonce on the configured
//! curve (the private half sealed under the consent's data key before anything is sent), then
//! `POST /FI/request` to the AA with the consent id, the signature segment of the signed
//! consent, the session's range and our KeyMaterial; the AA's `sessionId` is stored. A
//! transport failure or 5xx is retried with backoff (with a new key each time); a refusal
//! fails the session.

use aa_core::fi_crypto::key_material;
use aa_core::rebit::{ConsentProof, FiDataRange};

use super::Worker;
use crate::domain::data_request::digital_signature;
use crate::domain::status::FetchState;
use crate::persistence::jobs::Job;
use crate::persistence::StoreError;
use crate::vault::{seal_session_key, VaultError};

/// What the AA made of the request.
enum Outcome {
    Asked(String),
    Refused(String),
}

/// Runs one FI request job to its recorded outcome.
#[tracing::instrument(
    name = "fi_request",
    skip_all,
    fields(consent.handle = %job.handle, consent.id = %job.consent_id, peer.id = %job.aa_id)
)]
pub async fn run(worker: &Worker, job: Job) -> Result<(), StoreError> {
    let store = &worker.store;
    let Some(session) = worker.session_of(&job).await? else {
        return Ok(());
    };
    if session.session_id.is_some() || session.status.is_final() {
        return store.job_done(&job, None, worker.clock.now()).await;
    }
    let outcome = match ask(worker, &session).await {
        Ok(outcome) => outcome,
        Err(error) => {
            if worker
                .retried(&job, error.retryable, &error.message)
                .await?
            {
                return Ok(());
            }
            let now = worker.clock.now();
            return store
                .session_failed(&job, &session.id, &error.message, true, now)
                .await;
        }
    };
    let now = worker.clock.now();
    match outcome {
        Outcome::Asked(session_id) => {
            let poll_after = worker.fi.poll.map(|plan| plan.after);
            tracing::info!(fip.id = %session.fip_id, "FI requested; the AA opened a session");
            store
                .session_requested(&job, &session.id, &session_id, poll_after, now)
                .await
        }
        Outcome::Refused(reason) => {
            tracing::warn!(reason = %reason, "FI request refused");
            store
                .session_failed(&job, &session.id, &reason, false, now)
                .await
        }
    }
}

/// A failure worth another attempt, or the last one.
struct CallFailure {
    retryable: bool,
    message: String,
}

async fn ask(
    worker: &Worker,
    session: &crate::persistence::fi_requests::SessionRecord,
) -> Result<Outcome, CallFailure> {
    let store_failure = |e: StoreError| CallFailure {
        retryable: true,
        message: e.to_string(),
    };
    let store = &worker.store;
    let artefacts = store
        .artefacts(&session.handle)
        .await
        .map_err(store_failure)?;
    let Some(artefact) = artefacts
        .iter()
        .find(|a| a.consent_id == session.consent_id && a.fetch == FetchState::Verified)
    else {
        return Ok(Outcome::Refused(
            "the consent artefact is not verified".into(),
        ));
    };
    let Some(signature) = artefact
        .signed_consent
        .as_deref()
        .and_then(digital_signature)
    else {
        return Ok(Outcome::Refused(
            "the signed consent has no signature segment".into(),
        ));
    };
    let now = worker.clock.now();
    let expiry = now + worker.fi.key_validity;
    let ours = match key_material::generate(worker.fi.curve_for(&session.fip_id), expiry) {
        Ok(ours) => ours,
        Err(e) => {
            return Err(CallFailure {
                retryable: true,
                message: format!("cannot make a key pair: {e}"),
            })
        }
    };
    let sealed = async {
        let data_key = worker
            .vault
            .data_key(store, &session.consent_id, now)
            .await?;
        let sealed = seal_session_key(&data_key, &session.id, &ours)?;
        Ok::<_, VaultError>(sealed)
    }
    .await
    .map_err(|e| CallFailure {
        retryable: true,
        message: e.to_string(),
    })?;
    let txnid = uuid::Uuid::new_v4().to_string();
    store
        .store_session_key(&session.id, &sealed, expiry, &txnid, now)
        .await
        .map_err(store_failure)?;
    let proof = ConsentProof {
        id: session.consent_id.clone(),
        digital_signature: signature.to_owned(),
    };
    let range = FiDataRange {
        from: session.data_from.clone(),
        to: session.data_to.clone(),
    };
    match worker
        .aa
        .request_fi(&session.aa_id, &txnid, proof, range, ours.key_material)
        .await
    {
        Ok(session_id) => Ok(Outcome::Asked(session_id)),
        Err(error) if error.is_retryable() => Err(CallFailure {
            retryable: true,
            message: error.to_string(),
        }),
        Err(error) => Ok(Outcome::Refused(
            error.refusal().unwrap_or_else(|| error.to_string()),
        )),
    }
}
