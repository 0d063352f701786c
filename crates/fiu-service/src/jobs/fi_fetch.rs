//! The FI fetch job, queued once every account of a session is ready or denied: the session's
//! ephemeral key is unsealed, the AA asked for the data (`POST /FI/fetch`, or the 1.1.x GET),
//! the answer checked ([`crate::domain::answers::fetched_fi`]: the session's FIP and accounts,
//! every KeyMaterial well formed, unexpired and on our curve; else the session fails and
//! nothing is kept), and every account decrypted with its FIP's KeyMaterial, parsed as an FI document (XML or
//! JSON), sealed under the consent's data key and stored. An account that fails (bad
//! ciphertext, an expired or unreadable FIP key, not a valid document, missing from the
//! answer) is recorded as failed; the others keep their data. The session is `COMPLETED` when
//! every ready account was stored, else `FAILED` with the count; either way the session
//! records until when its data may be kept ([`crate::domain::retention`]). Decrypted data and
//! keys are never logged.

use std::collections::HashSet;

use aa_core::fi_crypto::{self, key_material, PrivateKey};
use aa_core::fi_data::Account;
use aa_core::rebit::{EncryptedFi, FiStatus, FipFi};
use aa_core::seal::DataKey;
use time::OffsetDateTime;

use super::Worker;
use crate::domain::answers;
use crate::domain::data_request::{is_fetchable, SessionState};
use crate::domain::retention::{PurgeRule, Retention};
use crate::persistence::fi_requests::SessionRecord;
use crate::persistence::jobs::Job;
use crate::persistence::StoreError;
use crate::vault::{open_session_key, seal_account, VaultError};

/// Runs one FI fetch job to its recorded outcome.
#[tracing::instrument(
    name = "fi_fetch",
    skip_all,
    fields(consent.handle = %job.handle, consent.id = %job.consent_id, peer.id = %job.aa_id)
)]
pub async fn run(worker: &Worker, job: Job) -> Result<(), StoreError> {
    let store = &worker.store;
    let now = worker.clock.now();
    let Some(session) = worker.session_of(&job).await? else {
        return Ok(());
    };
    let Some(session_id) = session.session_id.clone() else {
        return store
            .job_done(&job, Some("the session was never opened"), now)
            .await;
    };
    if session.status != SessionState::Ready {
        return store.job_done(&job, None, now).await;
    }
    let keys = match unseal(worker, &session, now).await {
        Ok(keys) => keys,
        Err(VaultError::Store(error)) => return Err(error),
        Err(error) => {
            let reason = format!("the session key cannot be unsealed: {error}");
            tracing::error!(%reason, "FI fetch impossible");
            return fail_session(worker, &job, &session, &reason).await;
        }
    };
    let fi = match worker
        .aa
        .fetch_fi(&session.aa_id, &session_id, worker.fi.fetch)
        .await
    {
        Ok(fi) => fi,
        Err(error) => {
            if worker
                .retried(&job, error.is_retryable(), &error.to_string())
                .await?
            {
                return Ok(());
            }
            let reason = error.refusal().unwrap_or_else(|| error.to_string());
            return fail_session(worker, &job, &session, &reason).await;
        }
    };
    use_answer(worker, &job, &session, &keys, &fi).await
}

/// Checks the AA's answer `fi` for `session`, decrypts and keeps every account, and closes
/// `job` with the session's outcome (the fetch job's, and the poll's when the data came
/// without an `FI/Notification`).
pub(super) async fn use_answer(
    worker: &Worker,
    job: &Job,
    session: &SessionRecord,
    keys: &SessionKeys,
    fi: &[FipFi],
) -> Result<(), StoreError> {
    let store = &worker.store;
    let now = worker.clock.now();
    let accounts = store.accounts_of(&session.id).await?;
    let links: Vec<&str> = accounts
        .iter()
        .map(|a| a.link_ref_number.as_str())
        .collect();
    let checked = answers::fetched_fi(
        fi,
        &session.fip_id,
        &links,
        keys.private.curve(),
        worker.clock.now(),
    );
    if let Err(refused) = checked {
        tracing::warn!(%refused, "the AA's FI/fetch answer was refused; nothing is kept");
        let reason = format!("the AA's FI/fetch answer was refused: {refused}");
        return fail_session(worker, job, session, &reason).await;
    }
    let mut stored = 0usize;
    let mut failed = 0usize;
    let mut delivered = HashSet::new();
    for fip in fi {
        for (link, result) in decrypt_fip(keys, fip, worker.clock.now()) {
            delivered.insert(link.link_ref_number.clone());
            let (number, masked) = (&link.link_ref_number, &link.masked_acc_number);
            let row = store.account_row(&session.id, number, masked, now).await?;
            let outcome = match result {
                Ok(account) => keep(worker, &keys.data_key, &row, &account, now).await,
                Err(reason) => Err(reason),
            };
            match outcome {
                Ok(()) => stored += 1,
                Err(reason) => {
                    failed += 1;
                    tracing::warn!(account.link_ref = %link.link_ref_number, "an account's FI could not be used");
                    store.account_failed(&row, &reason, now).await?;
                }
            }
        }
    }
    for account in accounts {
        let ready = account
            .fi_status
            .parse::<FiStatus>()
            .is_ok_and(is_fetchable);
        if ready && !delivered.contains(&account.link_ref_number) {
            failed += 1;
            store
                .account_failed(
                    &account.id,
                    "the AA's FI/fetch answer did not carry this account",
                    now,
                )
                .await?;
        }
    }
    let now = worker.clock.now();
    let keep_until = keep_until(worker, session, now).await?;
    let (state, reason) = if failed == 0 {
        tracing::info!(accounts = stored, "FI fetched, decrypted and sealed");
        (SessionState::Completed, None)
    } else {
        tracing::warn!(accounts = stored, failed, "FI fetched in part");
        let total = stored + failed;
        let reason =
            format!("{failed} of {total} accounts could not be fetched, decrypted or read");
        (SessionState::Failed, Some(reason))
    };
    let reason = reason.as_deref();
    store
        .session_fetched(job, &session.id, state, reason, keep_until, now)
        .await
}

/// The fetch ends `FAILED` for `reason`, storing nothing.
pub(super) async fn fail_session(
    worker: &Worker,
    job: &Job,
    session: &SessionRecord,
    reason: &str,
) -> Result<(), StoreError> {
    let now = worker.clock.now();
    worker
        .store
        .session_fetched(
            job,
            &session.id,
            SessionState::Failed,
            Some(reason),
            None,
            now,
        )
        .await
}

/// Until when data fetched `now` for `session` may be kept, by its consent's signed terms. A
/// consent whose terms cannot be read keeps nothing: its data is purged at the next sweep.
async fn keep_until(
    worker: &Worker,
    session: &SessionRecord,
    now: OffsetDateTime,
) -> Result<Option<(OffsetDateTime, PurgeRule)>, StoreError> {
    let artefacts = worker.store.artefacts(&session.handle).await?;
    let retention = artefacts
        .iter()
        .find(|a| a.consent_id == session.consent_id)
        .and_then(|a| a.detail.as_ref())
        .ok_or_else(|| "the consent's signed terms are not stored".to_owned())
        .and_then(Retention::from_json);
    Ok(match retention {
        Ok(retention) => retention.keep_until(now, worker.fi.view),
        Err(error) => {
            tracing::error!(%error, "the consent's DataLife is unknown; its data is kept no longer");
            Some((now, PurgeRule::DataLife))
        }
    })
}

/// What decrypting a session's data needs.
pub(super) struct SessionKeys {
    data_key: DataKey,
    private: PrivateKey,
    nonce: [u8; 32],
}

pub(super) async fn unseal(
    worker: &Worker,
    session: &SessionRecord,
    now: OffsetDateTime,
) -> Result<SessionKeys, VaultError> {
    let sealed = session
        .sealed_key
        .as_deref()
        .ok_or_else(|| VaultError::KeyMaterial("the session key is gone".into()))?;
    let data_key = worker
        .vault
        .data_key(&worker.store, &session.consent_id, now)
        .await?;
    let (private, nonce) = open_session_key(&data_key, &session.id, sealed)?;
    Ok(SessionKeys {
        data_key,
        private,
        nonce,
    })
}

/// Each account of one FIP's answer, decrypted and parsed, or why not.
fn decrypt_fip<'a>(
    keys: &SessionKeys,
    fip: &'a FipFi,
    now: OffsetDateTime,
) -> Vec<(&'a EncryptedFi, Result<Account, String>)> {
    let peer = key_material::read(&fip.key_material, now)
        .map_err(|e| format!("the FIP's KeyMaterial: {e}"));
    fip.data
        .iter()
        .map(|data| {
            let result = peer.as_ref().map_err(Clone::clone).and_then(|peer| {
                let plain = aa_runtime::metrics::time("fi_decrypt", || {
                    fi_crypto::decrypt(
                        &keys.private,
                        &keys.nonce,
                        &peer.public,
                        &peer.nonce,
                        &data.encrypted_fi,
                    )
                })
                .map_err(|e| e.to_string())?;
                Account::parse(&plain).map_err(|e| format!("not a valid FI document: {e}"))
            });
            (data, result)
        })
        .collect()
}

/// Seals and stores one account's document.
async fn keep(
    worker: &Worker,
    data_key: &DataKey,
    row: &str,
    account: &Account,
    now: OffsetDateTime,
) -> Result<(), String> {
    let json = serde_json::to_vec(account).map_err(|e| format!("cannot write the account: {e}"))?;
    let sealed = seal_account(data_key, row, &json).map_err(|e| e.to_string())?;
    worker
        .store
        .account_fetched(
            row,
            &account.masked_acc_number,
            account.fi_type.as_str(),
            &sealed,
            now,
        )
        .await
        .map_err(|e| e.to_string())
}
