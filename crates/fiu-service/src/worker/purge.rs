//! The purge sweep: every `fi.purge_interval_ms`, the FI data whose time is up (a `STORE`
//! consent's `DataLife`, the view session of other modes, the consent's expiry; see
//! [`crate::domain::retention`]) is deleted with [`crate::persistence::Store::purge_due`].
//! Several instances may sweep one database: each session is purged once. The same sweep
//! forgets idempotency keys older than `aa_runtime::idempotency::KEEP_MS` (a day).

use std::time::Duration;

use time::OffsetDateTime;

use aa_runtime::idempotency::KEEP_MS;

use crate::persistence::Store;

/// Sweeps forever.
pub async fn run(store: Store, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match store.purge_due(OffsetDateTime::now_utc()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(sessions = purged, "FI data purged"),
            Err(error) => tracing::error!(%error, "purge sweep failed"),
        }
        let cutoff = crate::persistence::millis(OffsetDateTime::now_utc()) - KEEP_MS;
        if let Err(error) = store.idempotency(&[]).purge(cutoff).await {
            tracing::error!(%error, "forgetting old idempotency keys failed");
        }
    }
}
