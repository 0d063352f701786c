//! The purge sweep: every `fi.purge_interval_ms` (through `aa_runtime::periodic::every`), the FI
//! data whose time is up (a `STORE` consent's `DataLife`, the view session of other modes, the
//! consent's expiry; see [`crate::domain::retention`]) is deleted with
//! [`crate::persistence::Store::purge_due`]. Several instances may sweep one database: each
//! session is purged once. The same sweep forgets idempotency keys older than
//! `aa_runtime::idempotency::KEEP_MS` (a day). Both decide by the clock they are given.

use std::time::Duration;

use aa_runtime::clock::Clock;
use aa_runtime::idempotency::KEEP_MS;
use aa_runtime::periodic;

use crate::persistence::{Store, StoreError};

/// One sweep, at the time `clock` tells; returns how many sessions it purged.
pub async fn sweep(store: &Store, clock: &Clock) -> Result<usize, StoreError> {
    let purged = store.purge_due(clock.now()).await?;
    if purged > 0 {
        tracing::info!(sessions = purged, "FI data purged");
    }
    store
        .idempotency(&[])
        .purge(clock.now_millis() - KEEP_MS)
        .await?;
    Ok(purged)
}

/// Sweeps every `interval`, forever.
pub async fn run(store: Store, interval: Duration, clock: Clock) {
    periodic::every("fiu purge", interval, move || {
        let (store, clock) = (store.clone(), clock.clone());
        async move { sweep(&store, &clock).await.map(|_| ()) }
    })
    .await;
}
