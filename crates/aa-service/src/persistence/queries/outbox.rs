//! The outbox table as an `aa_runtime::outbox::OutboxStore`. A claim is a lease: it moves the
//! message's due time forward by [`LEASE_MILLIS`] with a compare-and-set, so among several
//! replicas exactly one takes it, and a worker that dies mid-delivery only delays it.
//!
//! Each counterparty gets its messages in the order they were written: a message is not claimed
//! while an older one to the same callee is still pending (being retried, or leased). So a
//! PAUSED can never overtake the ACTIVE or the artefact it is about, however the retries fall.

use aa_runtime::outbox::{OutboxMessage, OutboxStore};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;

use super::super::entities::outbox;
use aa_runtime::clock::millis;

use super::super::{Store, StoreError};

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_MILLIS: i64 = 60_000;

const PENDING: &str = "PENDING";

fn text(e: StoreError) -> String {
    e.to_string()
}

impl Store {
    async fn claim_due(&self, now: i64, limit: u64) -> Result<Vec<OutboxMessage>, StoreError> {
        let due = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(PENDING))
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            if self.older_pending(&row).await? {
                continue;
            }
            let result = outbox::Entity::update_many()
                .col_expr(
                    outbox::Column::NextAttemptAt,
                    Expr::value(now + LEASE_MILLIS),
                )
                .filter(outbox::Column::Id.eq(&row.id))
                .filter(outbox::Column::Status.eq(PENDING))
                .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
                .exec(&self.db)
                .await?;
            if result.rows_affected == 1 {
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

    /// Whether a message to the same callee, written before `row`, is still pending.
    async fn older_pending(&self, row: &outbox::Model) -> Result<bool, StoreError> {
        let older = outbox::Entity::find()
            .filter(outbox::Column::Callee.eq(&row.callee))
            .filter(outbox::Column::Status.eq(PENDING))
            .filter(outbox::Column::CreatedAt.lt(row.created_at))
            .count(&self.db)
            .await?;
        Ok(older > 0)
    }

    async fn finish(
        &self,
        id: &str,
        status: &str,
        attempts: Option<u32>,
        next_at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut update = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(status))
            .filter(outbox::Column::Id.eq(id));
        if let Some(attempts) = attempts {
            update = update.col_expr(
                outbox::Column::Attempts,
                Expr::value(i32::try_from(attempts).unwrap_or(i32::MAX)),
            );
        }
        if let Some(at) = next_at {
            update = update.col_expr(outbox::Column::NextAttemptAt, Expr::value(at));
        }
        if let Some(error) = error {
            // Keep the row small: the cause is also in the log.
            let error: String = error.chars().take(500).collect();
            update = update.col_expr(outbox::Column::LastError, Expr::value(error));
        }
        update.exec(&self.db).await?;
        Ok(())
    }
}

impl OutboxStore for Store {
    async fn claim(&self, now: OffsetDateTime, limit: u64) -> Result<Vec<OutboxMessage>, String> {
        self.claim_due(millis(now), limit).await.map_err(text)
    }

    async fn delivered(&self, id: &str) -> Result<(), String> {
        self.finish(id, "DELIVERED", None, None, None)
            .await
            .map_err(text)
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
            .map_err(text)
    }

    async fn give_up(&self, id: &str, attempts: u32, error: &str) -> Result<(), String> {
        self.finish(id, "FAILED", Some(attempts), None, Some(error))
            .await
            .map_err(text)
    }
}
