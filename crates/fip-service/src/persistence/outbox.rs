//! The notification outbox and its `aa_runtime::outbox::OutboxStore` implementation.
//!
//! Messages are written by [`enqueue`] inside the transaction of the change they announce. A
//! worker claims due messages with a lease: a conditional update that only one worker can win
//! per message, so several replicas may run the worker against one database. A worker that
//! dies mid-delivery leaves a lease that expires, and the message is delivered again
//! (receivers are idempotent).

use aa_runtime::outbox::{OutboxMessage, OutboxStore};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

use super::entities::outbox;
use super::{Store, StoreError};
use aa_runtime::clock::millis;

/// How long a claimed message is reserved for the worker delivering it; longer than any
/// outbound call's timeout.
const LEASE_MS: i64 = 60_000;

const PENDING: &str = "PENDING";
const DELIVERED: &str = "DELIVERED";
const FAILED: &str = "FAILED";

/// A notification to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    /// The callee's entity id.
    pub callee: String,
    /// The ReBIT path, e.g. `/Account/link/Notification`.
    pub path: String,
    /// The exact JSON to send.
    pub body: String,
}

/// Where a message stands (for operations and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxState {
    pub id: String,
    pub callee: String,
    pub path: String,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// Writes `message` in the caller's transaction; returns its id.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    message: NewOutboxMessage,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(id.clone()),
        callee: Set(message.callee),
        path: Set(message.path),
        body: Set(message.body),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        due_at_ms: Set(now),
        lease_until_ms: Set(None),
        last_error: Set(None),
        created_at_ms: Set(now),
        delivered_at_ms: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

fn clip(error: &str) -> String {
    error.chars().take(500).collect()
}

impl Store {
    async fn claim_due(&self, now: i64, limit: u64) -> Result<Vec<OutboxMessage>, StoreError> {
        let free = Condition::any()
            .add(outbox::Column::LeaseUntilMs.is_null())
            .add(outbox::Column::LeaseUntilMs.lt(now));
        let due = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(PENDING))
            .filter(outbox::Column::DueAtMs.lte(now))
            .filter(free.clone())
            .order_by_asc(outbox::Column::DueAtMs)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            let won = outbox::Entity::update_many()
                .col_expr(outbox::Column::LeaseUntilMs, Expr::value(now + LEASE_MS))
                .filter(outbox::Column::Id.eq(&row.id))
                .filter(outbox::Column::Status.eq(PENDING))
                .filter(free.clone())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if won {
                claimed.push(OutboxMessage {
                    id: row.id,
                    callee: row.callee,
                    path: row.path,
                    body: row.body.into_bytes(),
                    attempts: u32::try_from(row.attempts).unwrap_or(0),
                });
            }
        }
        Ok(claimed)
    }

    async fn finish(
        &self,
        id: &str,
        status: &str,
        attempts: Option<u32>,
        due_at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut update = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(status))
            .col_expr(
                outbox::Column::LeaseUntilMs,
                Expr::value(Option::<i64>::None),
            );
        update = match attempts {
            Some(n) => update.col_expr(
                outbox::Column::Attempts,
                Expr::value(i32::try_from(n).unwrap_or(i32::MAX)),
            ),
            None => update.col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            ),
        };
        if let Some(due) = due_at {
            update = update.col_expr(outbox::Column::DueAtMs, Expr::value(due));
        }
        if let Some(error) = error {
            update = update.col_expr(outbox::Column::LastError, Expr::value(clip(error)));
        }
        if status == DELIVERED {
            update = update.col_expr(
                outbox::Column::DeliveredAtMs,
                Expr::value(self.clock.now_millis()),
            );
        }
        update
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Every outbox message, oldest first.
    pub async fn outbox_messages(&self) -> Result<Vec<OutboxState>, StoreError> {
        Ok(outbox::Entity::find()
            .order_by_asc(outbox::Column::CreatedAtMs)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| OutboxState {
                id: row.id,
                callee: row.callee,
                path: row.path,
                status: row.status,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
                last_error: row.last_error,
            })
            .collect())
    }
}

impl OutboxStore for Store {
    async fn claim(&self, now: OffsetDateTime, limit: u64) -> Result<Vec<OutboxMessage>, String> {
        self.claim_due(millis(now), limit)
            .await
            .map_err(|e| e.to_string())
    }

    async fn delivered(&self, id: &str) -> Result<(), String> {
        self.finish(id, DELIVERED, None, None, None)
            .await
            .map_err(|e| e.to_string())
    }

    async fn retry_at(
        &self,
        id: &str,
        attempts: u32,
        at: OffsetDateTime,
        error: &str,
    ) -> Result<(), String> {
        self.finish(id, PENDING, Some(attempts), Some(millis(at)), Some(error))
            .await
            .map_err(|e| e.to_string())
    }

    async fn give_up(&self, id: &str, attempts: u32, error: &str) -> Result<(), String> {
        self.finish(id, FAILED, Some(attempts), None, Some(error))
            .await
            .map_err(|e| e.to_string())
    }
}
