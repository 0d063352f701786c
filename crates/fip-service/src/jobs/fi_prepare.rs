//! The `fi_prepare` job of the runtime queue (`aa_runtime::queue`), queued with its session:
//! it builds every account's FI document, encrypts it for the FIU, seals the result under the
//! consent's data key, and stores it with the AA's `POST /FI/Notification` in one transaction.
//! A failed attempt is retried with the `queue` section's backoff; the last attempt
//! (`queue.max_attempts`) that fails still ends the session: it is `FAILED`, and the AA told so.
//!
//! Account outcomes: `READY`, or `DENIED` with a reason when the account cannot be served (no
//! longer linked through this AA, or of an FI type the consent does not cover).

use std::sync::Arc;

use aa_core::key_ring::KeyRing;
use aa_core::rebit::{FiStatus, KeyMaterial, SessionStatus, SignedConsentDetail};
use aa_core::seal::DataKey;
use aa_runtime::clock::instant;
use aa_runtime::queue::{Handler, Job, JobError, JobFuture, Waker};
use serde::Deserialize;

use crate::domain::fi_notification::{self, AccountStatus};
use crate::fi::encrypt::{self, Recipient};
use crate::fi::{document, request};
use crate::persistence::fi_sessions::{FiJob, PreparedAccount, FAILED, READY};
use crate::persistence::{Store, StoreError};

pub use crate::persistence::fi_sessions::PREPARE_KIND as KIND;

/// Everything the preparation needs; the handler of [`KIND`].
#[derive(Clone)]
pub struct Preparer {
    pub store: Store,
    pub fip_id: String,
    pub key_ring: Arc<KeyRing>,
    pub key_validity: time::Duration,
    /// `queue.max_attempts`: a failure on this attempt fails the session.
    pub max_attempts: u32,
    /// Wakes the queue's worker for the AA's notification.
    pub outbox: Waker,
}

/// The job's payload.
#[derive(Deserialize)]
struct Payload {
    session_id: String,
}

/// Why one attempt failed (retried); never carries data or keys.
#[derive(Debug, thiserror::Error)]
enum PrepareError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

fn other(e: impl std::fmt::Display) -> PrepareError {
    PrepareError::Other(e.to_string())
}

fn retry(error: StoreError) -> JobError {
    JobError::Retry(error.to_string())
}

impl Handler for Preparer {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let payload: Payload = serde_json::from_str(&job.payload)
                .map_err(|_| JobError::Final("the job's payload is not readable".into()))?;
            // Prepared (or expired) meanwhile: nothing left to do.
            let Some(session) = self
                .store
                .fi_job(&payload.session_id)
                .await
                .map_err(retry)?
            else {
                return Ok(());
            };
            self.attempt(&session, job.attempts).await
        })
    }
}

impl Preparer {
    /// One attempt: prepared, retried, or, on the last attempt, the session `FAILED`.
    async fn attempt(&self, job: &FiJob, attempts: u32) -> Result<(), JobError> {
        let session_id = &job.session_id;
        match self.prepare(job).await {
            Ok((status, accounts)) => self.finish(job, status, accounts).await.map_err(retry),
            Err(error) if attempts < self.max_attempts => {
                tracing::warn!(session.id = %session_id, %error, attempts, "fi preparation failed; will retry");
                Err(JobError::Retry(error.to_string()))
            }
            Err(error) => {
                tracing::error!(session.id = %session_id, %error, attempts, "fi preparation failed for good");
                let accounts = self.denied_all(job, "the data could not be prepared").await;
                self.finish(job, SessionStatus::Failed, accounts)
                    .await
                    .map_err(retry)
            }
        }
    }

    async fn denied_all(&self, job: &FiJob, reason: &str) -> Vec<PreparedAccount> {
        let detail = match self.detail(job).await {
            Ok(detail) => detail,
            Err(_) => return Vec::new(),
        };
        detail
            .accounts
            .iter()
            .map(|a| denied(&a.link_ref_number, &a.masked_acc_number, reason))
            .collect()
    }

    async fn detail(&self, job: &FiJob) -> Result<SignedConsentDetail, PrepareError> {
        let consent = self
            .store
            .consent_record(&job.consent_id)
            .await?
            .ok_or_else(|| other("the session's consent is gone"))?;
        serde_json::from_value(consent.detail).map_err(other)
    }

    async fn prepare(
        &self,
        job: &FiJob,
    ) -> Result<(SessionStatus, Vec<PreparedAccount>), PrepareError> {
        let detail = self.detail(job).await?;
        let key_material: KeyMaterial = serde_json::from_str(&job.key_material).map_err(other)?;
        // Checked unexpired when the session was created; read as of then.
        let recipient =
            encrypt::recipient(&key_material, instant(job.created_at_ms)).map_err(other)?;
        let wanted = request::wanted(&detail, instant(job.from_ms), instant(job.to_ms))
            .map_err(|e| other(e.message))?;
        let data_key = self
            .store
            .consent_data_key(&job.consent_id, &self.key_ring)
            .await?;
        let expiry = self.store.clock().now() + self.key_validity;
        let mut accounts = Vec::with_capacity(detail.accounts.len());
        for account in &detail.accounts {
            let link_ref = account.link_ref_number.as_str();
            let masked = account.masked_acc_number.as_str();
            let links = self.store.links_by_ref(&[link_ref.to_owned()]).await?;
            let Some(link) = links.into_iter().find(|l| {
                l.linked && l.aa_id == job.aa_id && l.customer_address == detail.customer.id
            }) else {
                accounts.push(denied(link_ref, masked, "the account is no longer linked"));
                continue;
            };
            let Some((facts, holder)) = self.store.account_facts(&link.account_id).await? else {
                accounts.push(denied(link_ref, masked, "no such account"));
                continue;
            };
            if !detail.fi_types.contains(&facts.fi_type) {
                accounts.push(denied(
                    link_ref,
                    masked,
                    "the consent does not cover the account's FI type",
                ));
                continue;
            }
            let lines = if wanted.transactions {
                self.store
                    .statement_between(&link.account_id, job.from_ms, job.to_ms)
                    .await?
            } else {
                Vec::new()
            };
            let context = seal_context(&job.session_id, link_ref);
            let (wanted, recipient, data_key, link_ref_owned) = (
                wanted.clone(),
                recipient.clone(),
                data_key.clone(),
                link_ref.to_owned(),
            );
            // Building, encrypting and sealing a large statement is CPU work: off the runtime.
            let sealed = tokio::task::spawn_blocking(move || {
                seal_account(
                    &facts,
                    &holder,
                    &link_ref_owned,
                    lines,
                    &wanted,
                    &recipient,
                    expiry,
                    &data_key,
                    &context,
                )
            })
            .await
            .map_err(other)??;
            accounts.push(PreparedAccount {
                link_ref_number: link_ref.to_owned(),
                masked_acc_number: masked.to_owned(),
                fi_status: FiStatus::Ready.as_str().to_owned(),
                description: "data ready".to_owned(),
                sealed: Some(sealed),
            });
        }
        let any_ready = accounts
            .iter()
            .any(|a| a.fi_status == FiStatus::Ready.as_str());
        let status = if any_ready {
            SessionStatus::Active
        } else {
            SessionStatus::Failed
        };
        Ok((status, accounts))
    }

    async fn finish(
        &self,
        job: &FiJob,
        status: SessionStatus,
        accounts: Vec<PreparedAccount>,
    ) -> Result<(), StoreError> {
        let told: Vec<AccountStatus> = accounts
            .iter()
            .map(|a| AccountStatus {
                link_ref_number: a.link_ref_number.clone(),
                ready: a.fi_status == FiStatus::Ready.as_str(),
                description: a.description.clone(),
            })
            .collect();
        let notification = fi_notification::build(
            &self.fip_id,
            &job.aa_id,
            &job.session_id,
            status,
            &told,
            self.store.clock().now(),
        )
        .map_err(|e| StoreError::Corrupt(format!("notification: {e}")))?;
        let session_status = if status == SessionStatus::Failed {
            FAILED
        } else {
            READY
        };
        let ready = accounts
            .iter()
            .filter(|a| a.fi_status == FiStatus::Ready.as_str())
            .count();
        let stored = self
            .store
            .finish_fi_job(&job.session_id, session_status, accounts, notification)
            .await?;
        if stored {
            self.outbox.wake();
            tracing::info!(
                session.id = %job.session_id,
                consent.id = %job.consent_id,
                status = session_status,
                accounts_ready = ready,
                "fi session prepared; AA notification queued"
            );
        }
        Ok(())
    }
}

fn denied(link_ref: &str, masked: &str, reason: &str) -> PreparedAccount {
    PreparedAccount {
        link_ref_number: link_ref.to_owned(),
        masked_acc_number: masked.to_owned(),
        fi_status: FiStatus::Denied.as_str().to_owned(),
        description: reason.to_owned(),
        sealed: None,
    }
}

/// What a sealed account is bound to: moved to another row, it does not open.
pub fn seal_context(session_id: &str, link_ref: &str) -> Vec<u8> {
    format!("fi_session_accounts:{session_id}:{link_ref}").into_bytes()
}

/// Builds, encrypts and seals one account.
#[allow(clippy::too_many_arguments)]
fn seal_account(
    facts: &crate::domain::account::AccountFacts,
    holder: &crate::domain::account::Holder,
    link_ref: &str,
    lines: Vec<crate::domain::account::StatementLine>,
    wanted: &document::Wanted,
    recipient: &Recipient,
    expiry: time::OffsetDateTime,
    data_key: &DataKey,
    context: &[u8],
) -> Result<Vec<u8>, PrepareError> {
    let xml = document::build_xml(facts, holder, link_ref, lines, wanted).map_err(other)?;
    let encrypted = aa_runtime::metrics::time("fi_encrypt", || {
        encrypt::encrypt(recipient, xml.into_bytes(), expiry)
    })
    .map_err(other)?;
    let json = serde_json::to_vec(&encrypted).map_err(other)?;
    Ok(data_key.seal(context, &json).map_err(StoreError::from)?)
}
