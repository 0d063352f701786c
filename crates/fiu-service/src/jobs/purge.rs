//! The purge sweep: every `fi.purge_interval_ms`, the FI data whose time is up (a `STORE`
//! consent's `DataLife`, the view session of other modes, the consent's expiry; see
//! [`crate::domain::retention`]) is deleted with [`crate::persistence::Store::purge_due`].
//! Several instances may sweep one database: each session is purged once. The same sweep
//! forgets idempotency keys older than `aa_runtime::idempotency::KEEP_MS` (a day).

use std::time::Duration;

use aa_runtime::clock::Clock;

use aa_runtime::idempotency::KEEP_MS;

use crate::persistence::Store;

/// Sweeps forever, at the time `clock` tells.
pub async fn run(store: Store, interval: Duration, clock: Clock) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match store.purge_due(clock.now()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(sessions = purged, "FI data purged"),
            Err(error) => tracing::error!(%error, "purge sweep failed"),
        }
        let cutoff = clock.now_millis() - KEEP_MS;
        if let Err(error) = store.idempotency(&[]).purge(cutoff).await {
            tracing::error!(%error, "forgetting old idempotency keys failed");
        }
    }
}
