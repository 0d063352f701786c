//! FI data requests, their sessions and accounts: creating a request with its sessions and
//! the `fi_request` jobs that carry them out (one transaction), recording what the AA answered
//! and notified (the `fi_fetch` job queued in the same transaction as the change that calls
//! for it), and storing each account's sealed document as it is fetched.

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{data_request, fi_account, fi_session};
use super::jobs::{clip, finish_job, insert_job, Job, JobKind, DONE, FAILED};
use super::{Store, StoreError};
use crate::domain::data_request::{settle, SessionPlan, SessionState, Settle};
use crate::domain::retention::PurgeRule;
use aa_runtime::clock::{instant, millis};

/// Who asked for data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The consent's automatic request, once its artefacts were `ACTIVE` and verified.
    Auto,
    /// `POST /app/consents/{handle}/data-requests`.
    App,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "AUTO",
            Self::App => "APP",
        }
    }
}

/// A stored data request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRequestRecord {
    pub id: String,
    pub handle: String,
    pub aa_id: String,
    pub trigger: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub request_id: String,
    pub handle: String,
    pub consent_id: String,
    pub aa_id: String,
    pub fip_id: String,
    pub session_id: Option<String>,
    pub status: SessionState,
    pub error: Option<String>,
    pub data_from: String,
    pub data_to: String,
    pub sealed_key: Option<Vec<u8>>,
    pub updated_at: OffsetDateTime,
    /// Until when its data may be kept, and the rule that says so.
    pub keep_until: Option<(OffsetDateTime, PurgeRule)>,
    /// When its data was purged, and why.
    pub purged: Option<(OffsetDateTime, PurgeRule)>,
}

/// A stored account of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: String,
    pub session_row: String,
    pub link_ref_number: String,
    pub masked_acc_number: Option<String>,
    pub fi_type: Option<String>,
    pub fi_status: String,
    pub error: Option<String>,
    pub sealed_data: Option<Vec<u8>>,
}

/// A session to create: the artefact and what it asks for.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub consent_id: String,
    pub plan: SessionPlan,
}

/// What a notification did to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationOutcome {
    /// The session's state afterwards.
    pub state: SessionState,
    /// Whether this notification queued the fetch.
    pub fetch_queued: bool,
}

impl From<data_request::Model> for DataRequestRecord {
    fn from(m: data_request::Model) -> Self {
        Self {
            id: m.id,
            handle: m.handle,
            aa_id: m.aa_id,
            trigger: m.trigger,
            created_at: instant(m.created_at),
            updated_at: instant(m.updated_at),
        }
    }
}

impl TryFrom<fi_session::Model> for SessionRecord {
    type Error = StoreError;

    fn try_from(m: fi_session::Model) -> Result<Self, StoreError> {
        let rule = m
            .purge_rule
            .as_deref()
            .map(|text| {
                PurgeRule::parse(text)
                    .ok_or_else(|| StoreError::Corrupt(format!("purge rule {text:?}")))
            })
            .transpose()?;
        let with_rule = |at: Option<i64>| match (at, rule) {
            (Some(at), Some(rule)) => Ok(Some((instant(at), rule))),
            (None, _) => Ok(None),
            (Some(_), None) => Err(StoreError::Corrupt(format!(
                "session {} has a purge time without a rule",
                m.id
            ))),
        };
        let keep_until = with_rule(m.purge_at)?;
        let purged = with_rule(m.purged_at)?;
        Ok(Self {
            keep_until,
            purged,
            status: SessionState::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("session state {:?}", m.status)))?,
            id: m.id,
            request_id: m.request_id,
            handle: m.handle,
            consent_id: m.consent_id,
            aa_id: m.aa_id,
            fip_id: m.fip_id,
            session_id: m.session_id,
            error: m.error,
            data_from: m.data_from,
            data_to: m.data_to,
            sealed_key: m.sealed_key,
            updated_at: instant(m.updated_at),
        })
    }
}

impl From<fi_account::Model> for AccountRecord {
    fn from(m: fi_account::Model) -> Self {
        Self {
            id: m.id,
            session_row: m.session_row,
            link_ref_number: m.link_ref_number,
            masked_acc_number: m.masked_acc_number,
            fi_type: m.fi_type,
            fi_status: m.fi_status,
            error: m.error,
            sealed_data: m.sealed_data,
        }
    }
}

async fn insert_request<C: ConnectionTrait>(
    db: &C,
    id: &str,
    handle: &str,
    aa_id: &str,
    trigger: Trigger,
    range: Option<(&str, &str)>,
    now: i64,
) -> Result<(), StoreError> {
    data_request::ActiveModel {
        id: Set(id.to_owned()),
        handle: Set(handle.to_owned()),
        aa_id: Set(aa_id.to_owned()),
        trigger: Set(trigger.as_str().to_owned()),
        data_from: Set(range.map(|r| r.0.to_owned())),
        data_to: Set(range.map(|r| r.1.to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Inserts a session, its accounts (`PENDING`), and the job that sends its `POST /FI/request`.
async fn insert_session<C: ConnectionTrait>(
    db: &C,
    request_id: &str,
    handle: &str,
    aa_id: &str,
    new: &NewSession,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    fi_session::ActiveModel {
        id: Set(id.clone()),
        request_id: Set(request_id.to_owned()),
        handle: Set(handle.to_owned()),
        consent_id: Set(new.consent_id.clone()),
        aa_id: Set(aa_id.to_owned()),
        fip_id: Set(new.plan.fip_id.clone()),
        session_id: Set(None),
        status: Set(SessionState::Pending.as_str().to_owned()),
        error: Set(None),
        data_from: Set(new.plan.from.clone()),
        data_to: Set(new.plan.to.clone()),
        txnid: Set(None),
        sealed_key: Set(None),
        key_expiry: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        purge_at: Set(new.plan.keep_until.map(|(at, _)| millis(at))),
        purge_rule: Set(new
            .plan
            .keep_until
            .map(|(_, rule)| rule.as_str().to_owned())),
        purged_at: Set(None),
    }
    .insert(db)
    .await?;
    for account in &new.plan.accounts {
        insert_account(
            db,
            &id,
            &account.link_ref_number,
            Some(&account.masked_acc_number),
            Some(&account.fi_type),
            now,
        )
        .await?;
    }
    insert_job(
        db,
        JobKind::FiRequest,
        aa_id,
        handle,
        &new.consent_id,
        Some(&id),
        now,
    )
    .await?;
    Ok(id)
}

async fn insert_account<C: ConnectionTrait>(
    db: &C,
    session_row: &str,
    link_ref_number: &str,
    masked: Option<&str>,
    fi_type: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    fi_account::ActiveModel {
        id: Set(id.clone()),
        session_row: Set(session_row.to_owned()),
        link_ref_number: Set(link_ref_number.to_owned()),
        masked_acc_number: Set(masked.map(str::to_owned)),
        fi_type: Set(fi_type.map(str::to_owned)),
        fi_status: Set(FiStatus::Pending.as_str().to_owned()),
        error: Set(None),
        sealed_data: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Adds the session of `consent_id` to the consent's automatic data request (made on first
/// use) unless it has one already; returns whether a session was queued.
pub(super) async fn queue_auto_session<C: ConnectionTrait>(
    db: &C,
    handle: &str,
    aa_id: &str,
    consent_id: &str,
    plan: &SessionPlan,
    now: i64,
) -> Result<bool, StoreError> {
    let existing = data_request::Entity::find()
        .filter(data_request::Column::Handle.eq(handle))
        .filter(data_request::Column::Trigger.eq(Trigger::Auto.as_str()))
        .one(db)
        .await?;
    let request_id = match existing {
        Some(request) => {
            let has_session = fi_session::Entity::find()
                .filter(fi_session::Column::RequestId.eq(request.id.as_str()))
                .filter(fi_session::Column::ConsentId.eq(consent_id))
                .one(db)
                .await?
                .is_some();
            if has_session {
                return Ok(false);
            }
            data_request::Entity::update_many()
                .col_expr(data_request::Column::UpdatedAt, Expr::value(now))
                .filter(data_request::Column::Id.eq(request.id.as_str()))
                .exec(db)
                .await?;
            request.id
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            insert_request(db, &id, handle, aa_id, Trigger::Auto, None, now).await?;
            id
        }
    };
    let new = NewSession {
        consent_id: consent_id.to_owned(),
        plan: plan.clone(),
    };
    insert_session(db, &request_id, handle, aa_id, &new, now).await?;
    Ok(true)
}

async fn set_session<C: ConnectionTrait>(
    db: &C,
    session_row: &str,
    state: SessionState,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    fi_session::Entity::update_many()
        .col_expr(fi_session::Column::Status, Expr::value(state.as_str()))
        .col_expr(fi_session::Column::Error, Expr::value(error.map(clip)))
        .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
        .filter(fi_session::Column::Id.eq(session_row))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether an account's FI status may move from `current` to `incoming` (never back to
/// `PENDING`; a repeat is no change).
fn moves(current: &str, incoming: FiStatus) -> bool {
    incoming != FiStatus::Pending && current != incoming.as_str()
}

impl Store {
    /// Creates a data request with one session per artefact, and queues their FI requests.
    /// Returns the request id and the session ids, in the order given.
    pub async fn create_data_request(
        &self,
        handle: &str,
        aa_id: &str,
        trigger: Trigger,
        range: Option<(&str, &str)>,
        sessions: &[NewSession],
        now: OffsetDateTime,
    ) -> Result<(String, Vec<String>), StoreError> {
        let now = millis(now);
        let id = uuid::Uuid::new_v4().to_string();
        let txn = self.db().begin().await?;
        insert_request(&txn, &id, handle, aa_id, trigger, range, now).await?;
        let mut rows = Vec::with_capacity(sessions.len());
        for session in sessions {
            rows.push(insert_session(&txn, &id, handle, aa_id, session, now).await?);
        }
        txn.commit().await?;
        Ok((id, rows))
    }

    /// The data requests of a consent handle, newest first, each with its sessions' states.
    pub async fn data_requests(
        &self,
        handle: &str,
    ) -> Result<Vec<(DataRequestRecord, Vec<SessionState>)>, StoreError> {
        let requests = data_request::Entity::find()
            .filter(data_request::Column::Handle.eq(handle))
            .order_by_desc(data_request::Column::CreatedAt)
            .order_by_desc(data_request::Column::Id)
            .all(self.db())
            .await?;
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            let states = self
                .sessions_of(&request.id)
                .await?
                .into_iter()
                .map(|s| s.status)
                .collect();
            out.push((request.into(), states));
        }
        Ok(out)
    }

    pub async fn data_request(&self, id: &str) -> Result<Option<DataRequestRecord>, StoreError> {
        Ok(data_request::Entity::find_by_id(id.to_owned())
            .one(self.db())
            .await?
            .map(Into::into))
    }

    /// A request's sessions, in creation order.
    pub async fn sessions_of(&self, request_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        fi_session::Entity::find()
            .filter(fi_session::Column::RequestId.eq(request_id))
            .order_by_asc(fi_session::Column::CreatedAt)
            .order_by_asc(fi_session::Column::FipId)
            .all(self.db())
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    pub async fn session(&self, session_row: &str) -> Result<Option<SessionRecord>, StoreError> {
        fi_session::Entity::find_by_id(session_row.to_owned())
            .one(self.db())
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// The session the AA `aa_id` knows as `session_id`.
    pub async fn session_by_aa_id(
        &self,
        aa_id: &str,
        session_id: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        fi_session::Entity::find()
            .filter(fi_session::Column::AaId.eq(aa_id))
            .filter(fi_session::Column::SessionId.eq(session_id))
            .one(self.db())
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Whether an FI request to `aa_id` is in flight: sent (its key stored) but not answered.
    pub async fn fi_request_in_flight(&self, aa_id: &str) -> Result<bool, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::AaId.eq(aa_id))
            .filter(fi_session::Column::SessionId.is_null())
            .filter(fi_session::Column::Txnid.is_not_null())
            .filter(fi_session::Column::Status.eq(SessionState::Pending.as_str()))
            .one(self.db())
            .await?
            .is_some())
    }

    /// A session's accounts, in link reference order.
    pub async fn accounts_of(&self, session_row: &str) -> Result<Vec<AccountRecord>, StoreError> {
        Ok(fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.eq(session_row))
            .order_by_asc(fi_account::Column::LinkRefNumber)
            .all(self.db())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Keeps the sealed ephemeral key about to be sent with `POST /FI/request`.
    pub async fn store_session_key(
        &self,
        session_row: &str,
        sealed: &[u8],
        expiry: OffsetDateTime,
        txnid: &str,
    ) -> Result<(), StoreError> {
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SealedKey,
                Expr::value(Some(sealed.to_vec())),
            )
            .col_expr(
                fi_session::Column::KeyExpiry,
                Expr::value(Some(millis(expiry))),
            )
            .col_expr(
                fi_session::Column::Txnid,
                Expr::value(Some(txnid.to_owned())),
            )
            .col_expr(
                fi_session::Column::UpdatedAt,
                Expr::value(millis(OffsetDateTime::now_utc())),
            )
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// The AA accepted the FI request: its session id is kept and the job closed.
    pub async fn session_requested(
        &self,
        job: &Job,
        session_row: &str,
        session_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SessionId,
                Expr::value(Some(session_id.to_owned())),
            )
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        finish_job(&txn, job, DONE, None, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A session failed for good (`error` says why); the job closes `FAILED` when
    /// `job_failed`, else `DONE` (the job did its work: the failure is the session's).
    pub async fn session_failed(
        &self,
        job: &Job,
        session_row: &str,
        error: &str,
        job_failed: bool,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        set_session(&txn, session_row, SessionState::Failed, Some(error), now).await?;
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SealedKey,
                Expr::value(Option::<Vec<u8>>::None),
            )
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        let state = if job_failed { FAILED } else { DONE };
        finish_job(&txn, job, state, Some(error), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Applies an FI status notification to a session: the accounts' statuses move forward,
    /// and once [`settle`] says so the session moves on (its fetch queued in the same
    /// transaction). A repeated notification changes nothing.
    pub async fn apply_fi_notification(
        &self,
        session: &SessionRecord,
        accounts: &[(String, FiStatus)],
        session_over: bool,
        now: OffsetDateTime,
    ) -> Result<NotificationOutcome, StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        let current: SessionRecord = fi_session::Entity::find_by_id(session.id.clone())
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("session {} vanished", session.id)))?
            .try_into()?;
        if current.purged.is_some() {
            txn.rollback().await?;
            return Ok(NotificationOutcome {
                state: current.status,
                fetch_queued: false,
            });
        }
        let known: Vec<AccountRecord> = fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.eq(current.id.as_str()))
            .all(&txn)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let mut statuses = Vec::with_capacity(accounts.len());
        for (link, incoming) in accounts {
            match known.iter().find(|a| &a.link_ref_number == link) {
                Some(account) => {
                    let merged = if moves(&account.fi_status, *incoming) {
                        fi_account::Entity::update_many()
                            .col_expr(fi_account::Column::FiStatus, Expr::value(incoming.as_str()))
                            .col_expr(fi_account::Column::UpdatedAt, Expr::value(now))
                            .filter(fi_account::Column::Id.eq(account.id.as_str()))
                            .exec(&txn)
                            .await?;
                        *incoming
                    } else {
                        account.fi_status.parse().unwrap_or(*incoming)
                    };
                    statuses.push(merged);
                }
                None => {
                    let id = insert_account(&txn, &current.id, link, None, None, now).await?;
                    fi_account::Entity::update_many()
                        .col_expr(fi_account::Column::FiStatus, Expr::value(incoming.as_str()))
                        .filter(fi_account::Column::Id.eq(id.as_str()))
                        .exec(&txn)
                        .await?;
                    statuses.push(*incoming);
                }
            }
        }
        let mut outcome = NotificationOutcome {
            state: current.status,
            fetch_queued: false,
        };
        if current.status == SessionState::Pending {
            match settle(&statuses, session_over) {
                Settle::Wait => {}
                Settle::Fetch => {
                    set_session(&txn, &current.id, SessionState::Ready, None, now).await?;
                    insert_job(
                        &txn,
                        JobKind::FiFetch,
                        &current.aa_id,
                        &current.handle,
                        &current.consent_id,
                        Some(&current.id),
                        now,
                    )
                    .await?;
                    outcome = NotificationOutcome {
                        state: SessionState::Ready,
                        fetch_queued: true,
                    };
                }
                Settle::AllDenied => {
                    set_session(&txn, &current.id, SessionState::Completed, None, now).await?;
                    outcome.state = SessionState::Completed;
                }
                Settle::Fail(reason) => {
                    set_session(&txn, &current.id, SessionState::Failed, Some(&reason), now)
                        .await?;
                    outcome.state = SessionState::Failed;
                }
            }
        }
        txn.commit().await?;
        Ok(outcome)
    }

    /// The account `link_ref_number` of a session (recorded now if the fetch brought an account
    /// no notification named); returns its row id, for sealing its data.
    pub async fn account_row(
        &self,
        session_row: &str,
        link_ref_number: &str,
        masked: &str,
    ) -> Result<String, StoreError> {
        let existing = fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.eq(session_row))
            .filter(fi_account::Column::LinkRefNumber.eq(link_ref_number))
            .one(self.db())
            .await?;
        match existing {
            Some(row) => Ok(row.id),
            None => {
                let now = millis(OffsetDateTime::now_utc());
                insert_account(
                    self.db(),
                    session_row,
                    link_ref_number,
                    Some(masked),
                    None,
                    now,
                )
                .await
            }
        }
    }

    /// Stores an account's sealed document (and what the document says of the account).
    pub async fn account_fetched(
        &self,
        account_row: &str,
        masked: &str,
        fi_type: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        fi_account::Entity::update_many()
            .col_expr(
                fi_account::Column::SealedData,
                Expr::value(Some(sealed.to_vec())),
            )
            .col_expr(
                fi_account::Column::MaskedAccNumber,
                Expr::value(Some(masked.to_owned())),
            )
            .col_expr(
                fi_account::Column::FiType,
                Expr::value(Some(fi_type.to_owned())),
            )
            .col_expr(
                fi_account::Column::Error,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                fi_account::Column::UpdatedAt,
                Expr::value(millis(OffsetDateTime::now_utc())),
            )
            .filter(fi_account::Column::Id.eq(account_row))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Records why an account's data could not be had.
    pub async fn account_failed(&self, account_row: &str, error: &str) -> Result<(), StoreError> {
        fi_account::Entity::update_many()
            .col_expr(fi_account::Column::Error, Expr::value(Some(clip(error))))
            .col_expr(
                fi_account::Column::UpdatedAt,
                Expr::value(millis(OffsetDateTime::now_utc())),
            )
            .filter(fi_account::Column::Id.eq(account_row))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// The fetch is over: the session's final state, until when its data may be kept
    /// (`keep_until`; `None` keeps the bound it had), its ephemeral key forgotten, the job
    /// closed. A session purged while its fetch ran keeps nothing of what the fetch stored.
    pub async fn session_fetched(
        &self,
        job: &Job,
        session_row: &str,
        state: SessionState,
        error: Option<&str>,
        keep_until: Option<(OffsetDateTime, PurgeRule)>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        let purged = fi_session::Entity::find_by_id(session_row.to_owned())
            .lock_exclusive()
            .one(&txn)
            .await?
            .is_some_and(|row| row.purged_at.is_some());
        if purged {
            fi_account::Entity::delete_many()
                .filter(fi_account::Column::SessionRow.eq(session_row))
                .exec(&txn)
                .await?;
            finish_job(&txn, job, DONE, Some("the session's data was purged"), now).await?;
            txn.commit().await?;
            return Ok(());
        }
        set_session(&txn, session_row, state, error, now).await?;
        let mut forget = fi_session::Entity::update_many().col_expr(
            fi_session::Column::SealedKey,
            Expr::value(Option::<Vec<u8>>::None),
        );
        if let Some((at, rule)) = keep_until {
            forget = forget
                .col_expr(fi_session::Column::PurgeAt, Expr::value(Some(millis(at))))
                .col_expr(
                    fi_session::Column::PurgeRule,
                    Expr::value(Some(rule.as_str().to_owned())),
                );
        }
        forget
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        finish_job(&txn, job, DONE, error, now).await?;
        txn.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_statuses_move_forward_only() {
        assert!(moves("PENDING", FiStatus::Ready));
        assert!(moves("READY", FiStatus::Delivered));
        assert!(!moves("READY", FiStatus::Pending));
        assert!(!moves("READY", FiStatus::Ready));
    }
}
