//! The preparation worker: claims due sessions ([`Store::claim_fi_job`]), builds every account's
//! FI document, encrypts it for the FIU, seals the result under the consent's data key, and
//! stores it with the AA's `POST /FI/Notification` in one transaction. A failed attempt is
//! retried with backoff; after `fi.max_attempts` the session is `FAILED` and the AA told so.
//!
//! Account outcomes: `READY`, or `DENIED` with a reason when the account cannot be served (no
//! longer linked through this AA, or of an FI type the consent does not cover).
//!
//! Between jobs it also sweeps: sessions past `fi.session_lifetime_seconds` become `EXPIRED`
//! with their sealed data removed (and the consent's data key deleted once none is left), and
//! recorded answers of the idempotency table older than a day are forgotten.

use std::sync::Arc;
use std::time::Duration;

use aa_core::key_ring::KeyRing;
use aa_core::rebit::{
    AccountFiStatus, FiStatus, FiStatusNotification, FiStatusUpdate, FipFiStatus, KeyMaterial,
    Notifier, NotifierType, Open, SessionStatus, SignedConsentDetail,
};
use aa_core::seal::DataKey;
use aa_core::timefmt;
use tokio::sync::Notify;

use crate::fi::encrypt::{self, Recipient};
use crate::fi::{document, request};
use crate::persistence::fi_sessions::{FiJob, PreparedAccount, FAILED, READY};
use crate::persistence::{Store, StoreError};
use aa_runtime::clock::instant;
use aa_runtime::outbox::Notification;
use aa_runtime::queue::Waker;

/// How long a claimed job is reserved for its worker.
const LEASE_MS: i64 = 5 * 60_000;

/// How long the answer of a ReBIT request is kept for replays of its txnid.
pub const ANSWER_RETENTION_MS: i64 = 24 * 3_600_000;

/// Everything the worker needs.
#[derive(Clone)]
pub struct Worker {
    pub store: Store,
    pub fip_id: String,
    pub key_ring: Arc<KeyRing>,
    pub key_validity: time::Duration,
    /// Sessions older than this are expired and purged ([`Worker::sweep`]).
    pub session_lifetime: time::Duration,
    pub max_attempts: u32,
    pub wake: Arc<Notify>,
    pub outbox: Waker,
    pub poll: Duration,
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

impl Worker {
    /// Runs forever: on every wake-up, and at least every `poll`.
    pub async fn run(self) {
        loop {
            match self
                .store
                .claim_fi_job(self.store.clock().now_millis(), LEASE_MS)
                .await
            {
                Ok(Some(job)) => {
                    self.process(job).await;
                    continue;
                }
                Ok(None) => {}
                Err(error) => tracing::error!(%error, "fi preparation: claiming failed"),
            }
            self.sweep().await;
            let _ = tokio::time::timeout(self.poll, self.wake.notified()).await;
        }
    }

    /// Expires sessions past their lifetime (their prepared data purged) and forgets recorded
    /// answers older than [`ANSWER_RETENTION_MS`].
    pub async fn sweep(&self) {
        let now = self.store.clock().now_millis();
        let lifetime =
            i64::try_from(self.session_lifetime.whole_milliseconds()).unwrap_or(i64::MAX);
        match self
            .store
            .expire_fi_sessions(now.saturating_sub(lifetime), 100)
            .await
        {
            Ok(expired) => {
                for session_id in expired {
                    tracing::info!(session.id = %session_id, "fi session expired; its data purged");
                }
            }
            Err(error) => tracing::error!(%error, "fi sessions: expiring failed"),
        }
        if let Err(error) = self
            .store
            .idempotency(&[])
            .purge(now.saturating_sub(ANSWER_RETENTION_MS))
            .await
        {
            tracing::error!(%error, "recorded answers: purging failed");
        }
    }

    async fn process(&self, job: FiJob) {
        let session_id = job.session_id.clone();
        let outcome = self.prepare(&job).await;
        let result = match outcome {
            Ok((status, accounts)) => self.finish(&job, status, accounts).await,
            Err(error) => {
                let attempts = job.attempts + 1;
                if attempts >= self.max_attempts {
                    tracing::error!(session.id = %session_id, %error, attempts, "fi preparation failed for good");
                    let accounts = self
                        .denied_all(&job, "the data could not be prepared")
                        .await;
                    self.finish(&job, SessionStatus::Failed, accounts).await
                } else {
                    tracing::warn!(session.id = %session_id, %error, attempts, "fi preparation failed; will retry");
                    let delay = 500i64.saturating_mul(1 << attempts.min(10));
                    self.store
                        .retry_fi_job(
                            &session_id,
                            attempts,
                            self.store.clock().now_millis() + delay,
                            &error.to_string(),
                        )
                        .await
                }
            }
        };
        if let Err(error) = result {
            tracing::error!(session.id = %session_id, %error, "fi preparation: storing the outcome failed");
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
        let expiry = time::OffsetDateTime::now_utc() + self.key_validity;
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
        let notification = FiStatusNotification {
            ver: "2.0.0".to_owned(),
            timestamp: timefmt::now_millis(),
            txnid: uuid::Uuid::new_v4().to_string(),
            notifier: Notifier {
                kind: Open::Known(NotifierType::Fip),
                id: self.fip_id.clone(),
            },
            fi_status_notification: FiStatusUpdate {
                session_id: job.session_id.clone(),
                session_status: status,
                fi_status_response: vec![FipFiStatus {
                    fip_id: self.fip_id.clone(),
                    accounts: accounts
                        .iter()
                        .map(|a| AccountFiStatus {
                            link_ref_number: a.link_ref_number.clone(),
                            fi_status: if a.fi_status == FiStatus::Ready.as_str() {
                                FiStatus::Ready
                            } else {
                                FiStatus::Denied
                            },
                            description: a.description.clone(),
                        })
                        .collect(),
                }],
            },
        };
        let body = serde_json::to_string(&notification)
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
            .finish_fi_job(
                &job.session_id,
                session_status,
                accounts,
                Notification {
                    callee: job.aa_id.clone(),
                    path: "/FI/Notification".to_owned(),
                    body,
                },
            )
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
    let encrypted = encrypt::encrypt(recipient, xml.into_bytes(), expiry).map_err(other)?;
    let json = serde_json::to_vec(&encrypted).map_err(other)?;
    Ok(data_key.seal(context, &json).map_err(StoreError::from)?)
}
