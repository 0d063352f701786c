//! Idempotency of the signed ReBIT `POST`s, one mechanism for the three roles (the pattern of
//! zero-to-production's `try_processing` / `save_response`). A request is keyed by (caller,
//! endpoint, txnid): one txnid may be reused across the steps of a flow, or by another party,
//! but not twice on one endpoint by one caller.
//!
//! 1. [`Idempotency::try_processing`] claims the key (a row committed at once, so that a
//!    duplicate arriving meanwhile is told 503 "still being processed" instead of waiting on a
//!    lock) and opens the work's transaction. A key seen before is either replayed (its stored
//!    answer, byte for byte), recomputed ([`Replay::Recompute`]), or refused: another request
//!    under it is 409 `IdempotencyError`, one still in flight 503 `ServiceUnavailable`. A claim
//!    unanswered for [`STALE_CLAIM_MS`] belongs to a request that died and is taken over.
//! 2. The handler does its writes in [`Claim::transaction`] (begun on first use, so that work
//!    which writes nothing there holds no connection while it runs: the FIP's SQLite store has
//!    one).
//! 3. [`Claim::save_response`] records the answer in that transaction and commits it: the
//!    effect and the answer commit together or not at all. [`Claim::release`] (or
//!    [`Claim::finish`] with a refusal) rolls the work back and frees the key, since a refused
//!    request had no effect and is evaluated afresh when sent again.
//!
//! What counts as the same request and what a repeat gets are data on [`Endpoint`]
//! ([`Endpoint::policy`]). Only a salted, keyed digest of what is compared is stored, never the
//! body; answers are stored as sent, except where the policy recomputes them. Keys are kept for
//! [`KEEP_MS`]; an expired key is claimed afresh, and [`Idempotency::purge`] drops old ones.

pub mod migration;
pub mod persistence;
mod policy;

use aa_core::otp;
use aa_core::rebit::ErrorCode;
use aa_core::registry::Role;
use actix_web::HttpResponse;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use serde::Serialize;

pub use policy::{canonical, Endpoint, Policy, Replay, Same, KEEP_MS, STALE_CLAIM_MS};

use crate::http::{Caller, RebitError};
use persistence::Key;

/// A request to serve once.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The caller's entity id.
    pub caller: &'a str,
    pub role: Role,
    pub endpoint: Endpoint,
    pub txnid: &'a str,
    /// The exact bytes received (compared, under [`Same::Body`], less their `timestamp`).
    pub body: &'a [u8],
    /// The `consentId` or `sessionId` (compared under [`Same::Subject`]).
    pub subject: &'a str,
}

impl<'a> Incoming<'a> {
    /// A request of `caller` to `endpoint` under `txnid`, with the exact bytes received.
    pub fn new(caller: &'a Caller, endpoint: Endpoint, txnid: &'a str, body: &'a [u8]) -> Self {
        Self {
            caller: &caller.entity_id,
            role: caller.role,
            endpoint,
            txnid,
            body,
            subject: "",
        }
    }

    /// The same request, about `subject` (its `consentId` or `sessionId`).
    pub fn about(self, subject: &'a str) -> Self {
        Self { subject, ..self }
    }
}

/// What to do with a request.
pub enum NextAction<'a> {
    /// First time: do the work (its writes in [`Claim::transaction`]), then save the answer.
    StartProcessing(Claim<'a>),
    /// Answered before: send this again.
    ReturnSavedResponse(HttpResponse),
    /// Answered before, and its answer is not stored: compute it again, without a second effect.
    Recompute,
}

/// The idempotency keys of one service's database.
#[derive(Clone, Copy)]
pub struct Idempotency<'a> {
    db: &'a DatabaseConnection,
    digest_key: &'a [u8],
}

/// A claimed key and the transaction its work runs in.
pub struct Claim<'a> {
    db: &'a DatabaseConnection,
    transaction: Option<DatabaseTransaction>,
    caller: String,
    endpoint: Endpoint,
    txnid: String,
    claimed_at_ms: i64,
    replay: Replay,
}

fn now_ms() -> i64 {
    crate::clock::Clock::system().now_millis()
}

fn store_error(error: DbErr) -> RebitError {
    RebitError::internal(&format!("idempotency store: {error}"))
}

fn in_flight() -> RebitError {
    RebitError::new(
        ErrorCode::ServiceUnavailable,
        "a request with this txnid is still being processed; send it again",
    )
}

fn json(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

impl<'a> Idempotency<'a> {
    /// Keys in `db`, with bodies digested under `digest_key` (a server secret where the role
    /// has one, such as the FIP's OTP pepper; an empty key still stores only a salted digest).
    pub fn new(db: &'a DatabaseConnection, digest_key: &'a [u8]) -> Self {
        Self { db, digest_key }
    }

    fn compared(incoming: &Incoming<'_>) -> String {
        match incoming.endpoint.policy(incoming.role).same {
            Same::Body => canonical(incoming.body),
            Same::Subject => incoming.subject.trim().to_owned(),
        }
    }

    fn key<'k>(incoming: &Incoming<'k>) -> Key<'k> {
        Key {
            caller: incoming.caller,
            endpoint: incoming.endpoint.path(),
            txnid: incoming.txnid.trim(),
        }
    }

    /// Claims the request's key, or says how a repeat is answered (see the module documentation).
    pub async fn try_processing(
        &self,
        incoming: &Incoming<'_>,
    ) -> Result<NextAction<'a>, RebitError> {
        let policy = incoming.endpoint.policy(incoming.role);
        let key = Self::key(incoming);
        let compared = Self::compared(incoming);
        let digest = otp::hash(self.digest_key, &compared).map_err(|e| RebitError::internal(&e))?;
        // Three rounds: a claim released, or an expired key forgotten, between our insert and
        // our read is claimed again.
        for _ in 0..3 {
            let now = now_ms();
            if persistence::claim(self.db, key, &digest, now)
                .await
                .map_err(store_error)?
            {
                return Ok(self.start(incoming, now, policy.replay));
            }
            let Some(seen) = persistence::find(self.db, key).await.map_err(store_error)? else {
                continue;
            };
            if seen.created_at_ms < now - policy.keep_ms {
                persistence::forget_expired(self.db, key, now - policy.keep_ms)
                    .await
                    .map_err(store_error)?;
                continue;
            }
            if !otp::verify(self.digest_key, &seen.digest, &compared) {
                return Err(RebitError::new(
                    ErrorCode::IdempotencyError,
                    format!(
                        "txnid was already used for another {} request",
                        key.endpoint
                    ),
                ));
            }
            return match (seen.status, seen.answer) {
                (Some(_), Some(answer)) => {
                    tracing::info!(txn.id = %key.txnid, "repeated request answered as before");
                    Ok(NextAction::ReturnSavedResponse(json(answer)))
                }
                (Some(_), None) => Ok(NextAction::Recompute),
                (None, _) => {
                    let stale = seen.claimed_at_ms <= now - STALE_CLAIM_MS;
                    if stale
                        && persistence::take_over(self.db, key, seen.claimed_at_ms, now)
                            .await
                            .map_err(store_error)?
                    {
                        Ok(self.start(incoming, now, policy.replay))
                    } else {
                        Err(in_flight())
                    }
                }
            };
        }
        Err(in_flight())
    }

    fn start(&self, incoming: &Incoming<'_>, claimed_at_ms: i64, replay: Replay) -> NextAction<'a> {
        let key = Self::key(incoming);
        NextAction::StartProcessing(Claim {
            db: self.db,
            transaction: None,
            caller: key.caller.to_owned(),
            endpoint: incoming.endpoint,
            txnid: key.txnid.to_owned(),
            claimed_at_ms,
            replay,
        })
    }

    /// Claims `incoming`'s key as if a request with it were being processed since
    /// `claimed_at_ms` (for tests and operators); false when the key is taken.
    pub async fn hold(
        &self,
        incoming: &Incoming<'_>,
        claimed_at_ms: i64,
    ) -> Result<bool, RebitError> {
        let digest = otp::hash(self.digest_key, &Self::compared(incoming))
            .map_err(|e| RebitError::internal(&e))?;
        persistence::claim(self.db, Self::key(incoming), &digest, claimed_at_ms)
            .await
            .map_err(store_error)
    }

    /// Whether `incoming`'s key is taken by this same request (`None`: the key is free).
    pub async fn matches(&self, incoming: &Incoming<'_>) -> Result<Option<bool>, RebitError> {
        let seen = persistence::find(self.db, Self::key(incoming))
            .await
            .map_err(store_error)?;
        let compared = Self::compared(incoming);
        Ok(seen.map(|seen| otp::verify(self.digest_key, &seen.digest, &compared)))
    }

    /// Forgets every key created before `before_ms`; returns how many.
    pub async fn purge(&self, before_ms: i64) -> Result<u64, DbErr> {
        persistence::purge(self.db, before_ms).await
    }
}

struct OwnedKey {
    caller: String,
    endpoint: &'static str,
    txnid: String,
}

impl OwnedKey {
    fn as_key(&self) -> Key<'_> {
        Key {
            caller: &self.caller,
            endpoint: self.endpoint,
            txnid: &self.txnid,
        }
    }
}

fn to_json(answer: &impl Serialize) -> Result<String, RebitError> {
    serde_json::to_string(answer).map_err(|e| RebitError::internal(&e))
}

impl Claim<'_> {
    /// The transaction the work writes in (begun on first use); it commits with the answer.
    pub async fn transaction(&mut self) -> Result<&DatabaseTransaction, RebitError> {
        let transaction = match self.transaction.take() {
            Some(transaction) => transaction,
            None => self.db.begin().await.map_err(store_error)?,
        };
        Ok(self.transaction.insert(transaction))
    }

    fn key_owned(&self) -> OwnedKey {
        OwnedKey {
            caller: self.caller.clone(),
            endpoint: self.endpoint.path(),
            txnid: self.txnid.clone(),
        }
    }

    /// Records `answer` in the work's transaction, commits both, and returns the answer to send.
    /// If the claim went stale and another request took it over, nothing is committed and the
    /// caller is told to try again (the other request's answer is the one that counts).
    pub async fn save_response(
        mut self,
        answer: &impl Serialize,
    ) -> Result<HttpResponse, RebitError> {
        let text = to_json(answer)?;
        let stored = (self.replay == Replay::Stored).then(|| text.clone());
        let (key, claimed_at_ms) = (self.key_owned(), self.claimed_at_ms);
        let transaction = self.transaction().await?;
        let ours = persistence::answer(transaction, key.as_key(), claimed_at_ms, 200, stored)
            .await
            .map_err(store_error)?;
        let Some(transaction) = self.transaction.take() else {
            return Err(RebitError::internal(
                &"idempotency: the transaction vanished",
            ));
        };
        if !ours {
            transaction.rollback().await.map_err(store_error)?;
            return Err(in_flight());
        }
        transaction.commit().await.map_err(store_error)?;
        Ok(json(text))
    }

    /// Rolls the work back and frees the key: the request had no effect.
    pub async fn release(self) -> Result<(), RebitError> {
        let Claim {
            db,
            transaction,
            caller,
            endpoint,
            txnid,
            claimed_at_ms,
            ..
        } = self;
        if let Some(transaction) = transaction {
            transaction.rollback().await.map_err(store_error)?;
        }
        let key = Key {
            caller: &caller,
            endpoint: endpoint.path(),
            txnid: &txnid,
        };
        persistence::release(db, key, claimed_at_ms)
            .await
            .map_err(store_error)
    }

    /// Saves the answer of a successful `result`, or releases the key of a refused one.
    pub async fn finish<T: Serialize>(
        self,
        result: Result<T, RebitError>,
    ) -> Result<HttpResponse, RebitError> {
        match result {
            Ok(answer) => self.save_response(&answer).await,
            Err(refused) => {
                let txnid = self.txnid.clone();
                if let Err(error) = self.release().await {
                    tracing::error!(error = %error.message, txn.id = %txnid, "a refused request's claim stays");
                }
                Err(refused)
            }
        }
    }
}
