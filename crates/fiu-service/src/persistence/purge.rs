//! Purging FI data (see [`crate::domain::retention`]): a session's accounts (with their sealed
//! documents) are deleted, its sealed ephemeral key cleared, an unfinished session failed (so
//! no job asks for or stores its data again), and the session marked purged with the rule that
//! purged it. Once no unpurged session of a consent is left, the consent's data key is deleted
//! too, which leaves anything sealed under it unreadable.
//!
//! Each session is purged in its own transaction by a conditional update (`purged_at IS
//! NULL`), so two instances sweeping the same database purge each session once; deleting
//! what is already gone is no error.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{data_key, fi_account, fi_session};
use super::jobs::clip;
use super::{Store, StoreError};
use crate::domain::data_request::SessionState;
use crate::domain::retention::PurgeRule;
use aa_runtime::clock::millis;

/// Sessions purged per sweep round.
const BATCH: u64 = 100;

/// Purges one session; returns whether this call purged it (false: it already was).
async fn purge_session<C: ConnectionTrait>(
    db: &C,
    session: &fi_session::Model,
    rule: PurgeRule,
    now: i64,
) -> Result<bool, StoreError> {
    let unfinished = SessionState::parse(&session.status).is_none_or(|s| !s.is_final());
    let mut update = fi_session::Entity::update_many()
        .col_expr(fi_session::Column::PurgedAt, Expr::value(Some(now)))
        .col_expr(
            fi_session::Column::PurgeRule,
            Expr::value(Some(rule.as_str().to_owned())),
        )
        .col_expr(
            fi_session::Column::SealedKey,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(fi_session::Column::UpdatedAt, Expr::value(now));
    if unfinished {
        let why = format!("DataGone: {}; the data was purged", rule.describe());
        update = update
            .col_expr(
                fi_session::Column::Status,
                Expr::value(SessionState::Failed.as_str()),
            )
            .col_expr(fi_session::Column::Error, Expr::value(Some(clip(&why))));
    }
    let result = update
        .filter(fi_session::Column::Id.eq(session.id.as_str()))
        .filter(fi_session::Column::PurgedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    fi_account::Entity::delete_many()
        .filter(fi_account::Column::SessionRow.eq(session.id.as_str()))
        .exec(db)
        .await?;
    let left = fi_session::Entity::find()
        .filter(fi_session::Column::ConsentId.eq(session.consent_id.as_str()))
        .filter(fi_session::Column::PurgedAt.is_null())
        .count(db)
        .await?;
    if left == 0 {
        data_key::Entity::delete_by_id(session.consent_id.clone())
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// Purges every session of `consent_id` (the AA said `REVOKED` or `EXPIRED`) and deletes its
/// data key, in the caller's transaction; returns how many sessions were purged.
pub(super) async fn purge_consent<C: ConnectionTrait>(
    db: &C,
    consent_id: &str,
    rule: PurgeRule,
    now: i64,
) -> Result<usize, StoreError> {
    let sessions = fi_session::Entity::find()
        .filter(fi_session::Column::ConsentId.eq(consent_id))
        .filter(fi_session::Column::PurgedAt.is_null())
        .all(db)
        .await?;
    let mut purged = 0;
    for session in &sessions {
        if purge_session(db, session, rule, now).await? {
            purged += 1;
        }
    }
    // A key made for a session that was never stored goes too.
    data_key::Entity::delete_by_id(consent_id.to_owned())
        .exec(db)
        .await?;
    Ok(purged)
}

impl Store {
    /// Purges the sessions whose `purge_at` is at or before `now`, a batch at a time; returns
    /// how many this call purged.
    pub async fn purge_due(&self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let now = millis(now);
        let mut purged = 0;
        loop {
            let due = fi_session::Entity::find()
                .filter(fi_session::Column::PurgedAt.is_null())
                .filter(fi_session::Column::PurgeAt.lte(now))
                .order_by_asc(fi_session::Column::PurgeAt)
                .limit(BATCH)
                .all(self.db())
                .await?;
            let round = due.len();
            for session in due {
                let rule = session
                    .purge_rule
                    .as_deref()
                    .and_then(PurgeRule::parse)
                    .unwrap_or(PurgeRule::DataLife);
                let txn = self.db().begin().await?;
                if purge_session(&txn, &session, rule, now).await? {
                    purged += 1;
                }
                txn.commit().await?;
            }
            if (round as u64) < BATCH {
                return Ok(purged);
            }
        }
    }

    /// Whether a data key is stored for `consent_id` (tests and operations).
    pub async fn has_data_key(&self, consent_id: &str) -> Result<bool, StoreError> {
        Ok(self.wrapped_data_key(consent_id).await?.is_some())
    }

    /// How many account rows the sessions of `consent_id` hold (tests and operations).
    pub async fn account_rows_of_consent(&self, consent_id: &str) -> Result<u64, StoreError> {
        let sessions: Vec<String> = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(consent_id))
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        Ok(fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.is_in(sessions))
            .count(self.db())
            .await?)
    }
}
