//! The sweeps that are not queue jobs, each run through the runtime's one periodic loop
//! (`aa_runtime::periodic::every`, started in `startup.rs`): sessions past
//! `fi.session_lifetime_seconds` become `EXPIRED` with their sealed data removed (and the
//! consent's data key deleted once none is left), recorded answers of the idempotency
//! table older than a day are forgotten, and discoveries older than
//! `linking.discovery_lifetime_seconds` (which allow no linking any more) are purged. Each
//! decides by the store's clock.

use crate::persistence::{Store, StoreError};

/// How long the answer of a ReBIT request is kept for replays of its txnid.
pub const ANSWER_RETENTION_MS: i64 = 24 * 3_600_000;

/// Sessions expired per sweep; the rest wait for the next one.
const EXPIRE_BATCH: u64 = 100;

/// Expires the sessions older than `lifetime` (their prepared data purged).
pub async fn expire_sessions(store: &Store, lifetime: time::Duration) -> Result<(), StoreError> {
    let lifetime = i64::try_from(lifetime.whole_milliseconds()).unwrap_or(i64::MAX);
    let created_by = store.clock().now_millis().saturating_sub(lifetime);
    for session_id in store.expire_fi_sessions(created_by, EXPIRE_BATCH).await? {
        tracing::info!(session.id = %session_id, "fi session expired; its data purged");
    }
    Ok(())
}

/// Forgets recorded answers older than [`ANSWER_RETENTION_MS`].
pub async fn purge_answers(store: &Store) -> Result<(), StoreError> {
    let before = store
        .clock()
        .now_millis()
        .saturating_sub(ANSWER_RETENTION_MS);
    store.idempotency(&[]).purge(before).await?;
    Ok(())
}

/// Purges the discoveries older than `lifetime` (`linking.discovery_lifetime_seconds`): a
/// discovery allows linking only that long, so the table keeps no older ones.
pub async fn purge_discoveries(store: &Store, lifetime: time::Duration) -> Result<(), StoreError> {
    let lifetime = i64::try_from(lifetime.whole_milliseconds()).unwrap_or(i64::MAX);
    let before = store.clock().now_millis().saturating_sub(lifetime);
    let purged = store.purge_discoveries(before).await?;
    if purged > 0 {
        tracing::info!(purged, "old account discoveries purged");
    }
    Ok(())
}
