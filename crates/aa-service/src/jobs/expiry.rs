//! The expiry scheduler: a background task that, once at start-up and then every
//! `lifecycle.sweep_millis`, expires ACTIVE and PAUSED artefacts whose `consentExpiry` has
//! passed (EXPIRED, the FIU and the FIP notified through the outbox in the same transaction)
//! and lets pending consent requests lapse (EXPIRED, the handle shows FAILED, the FIU
//! notified) once past their `consentExpiry` or `lifecycle.pending_lifetime_seconds`, and fails
//! FI sessions whose forward to the FIP died (`REQUESTED` for `FORWARD_ABANDONED_MILLIS`:
//! FAILED, the FIU told by `FI/Notification`, as `flows::fi_forward` does on its last attempt).
//!
//! Every change is a conditional UPDATE from the status read, so a sweep that runs twice, or
//! on two AA instances sharing one database, applies and announces each change once.

use std::time::Duration;

use aa_core::rebit::ConsentStatus;
use aa_runtime::clock::Clock;
use aa_runtime::queue::Waker;
use time::OffsetDateTime;

use crate::configuration::LifecycleSettings;
use crate::domain::fi_session::FORWARD_ABANDONED_MILLIS;
use crate::domain::lifecycle::{self, Parties};
use crate::flows::fi_forward::NOT_FORWARDED;
use crate::flows::fiu_notification;
use aa_runtime::clock::millis;

use crate::persistence::records::{Failing, FiAccountRecord, FiSessionRecord};
use crate::persistence::{Store, StoreError};

/// Rows looked at per query; a full batch is followed by another at once.
const BATCH: u64 = 200;

/// What the scheduler needs besides the store.
#[derive(Debug, Clone)]
pub struct Expiry {
    pub aa_id: String,
    pub every: Duration,
    /// `None`: pending requests lapse only at `consentExpiry`.
    pub pending_lifetime: Option<Duration>,
}

impl Expiry {
    /// The scheduler of the AA `aa_id` as configured.
    pub fn new(aa_id: &str, settings: &LifecycleSettings) -> Self {
        Self {
            aa_id: aa_id.to_owned(),
            every: Duration::from_millis(settings.sweep_millis),
            pending_lifetime: Some(settings.pending_lifetime_seconds)
                .filter(|seconds| *seconds > 0)
                .map(Duration::from_secs),
        }
    }
}

/// What one sweep changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub artefacts: usize,
    pub requests: usize,
    /// FI sessions failed because their forward died.
    pub forwards: usize,
}

/// Expires what is due at `now`.
pub async fn sweep(
    store: &Store,
    expiry: &Expiry,
    now: OffsetDateTime,
) -> Result<Swept, StoreError> {
    let now_ms = millis(now);
    let mut swept = Swept::default();
    loop {
        let due = store.artefacts_past_expiry(now_ms, BATCH).await?;
        let full = due.len() as u64 == BATCH;
        let mut changed = 0;
        for artefact in due {
            let Ok(from) = artefact.status.parse::<ConsentStatus>() else {
                continue;
            };
            let notices = lifecycle::artefact_notices(
                &expiry.aa_id,
                Parties {
                    consent_id: &artefact.consent_id,
                    consent_handle: &artefact.consent_handle,
                    fiu_id: &artefact.fiu_id,
                    fip_id: &artefact.fip_id,
                },
                ConsentStatus::Expired,
            );
            if store
                .change_artefact_status(&artefact.consent_id, from, ConsentStatus::Expired, notices)
                .await?
            {
                tracing::info!(consent.id = %artefact.consent_id, from = from.as_str(), "consent expired");
                changed += 1;
            }
        }
        swept.artefacts += changed;
        // A full batch in which nothing changed is another instance's work: leave it to it.
        if !full || changed == 0 {
            break;
        }
    }
    let created_before = expiry.pending_lifetime.map(|lifetime| {
        now_ms.saturating_sub(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX))
    });
    loop {
        let lapsed = store.lapsed_requests(now_ms, created_before, BATCH).await?;
        let full = lapsed.len() as u64 == BATCH;
        let mut changed = 0;
        for request in lapsed {
            let notice =
                lifecycle::lapsed_request_notice(&expiry.aa_id, &request.fiu_id, &request.handle);
            if store
                .expire_request(&request.handle, vec![notice], now_ms)
                .await?
            {
                tracing::info!(consent.handle = %request.handle, "consent request lapsed");
                changed += 1;
            }
        }
        swept.requests += changed;
        if !full || changed == 0 {
            break;
        }
    }
    swept.forwards = fail_abandoned_forwards(store, expiry, now_ms).await?;
    Ok(swept)
}

/// Fails the sessions whose forward died (see the module documentation); returns how many.
async fn fail_abandoned_forwards(
    store: &Store,
    expiry: &Expiry,
    now_ms: i64,
) -> Result<usize, StoreError> {
    let opened_before = now_ms.saturating_sub(FORWARD_ABANDONED_MILLIS);
    let mut failed = 0;
    loop {
        let abandoned = store.abandoned_forwards(opened_before, BATCH).await?;
        let full = abandoned.len() as u64 == BATCH;
        let mut changed = 0;
        for session in abandoned {
            let failing = Failing::Forward {
                opened_at: session.created_at,
            };
            let notify =
                |s: &FiSessionRecord, a: &[FiAccountRecord]| fiu_notification(&expiry.aa_id, s, a);
            if store
                .fail_fi_session_notified(&session.id, failing, NOT_FORWARDED, notify, now_ms)
                .await?
            {
                tracing::warn!(session.id = %session.id, "FI session FAILED: its forward to the FIP died; the FIU is notified");
                changed += 1;
            }
        }
        failed += changed;
        if !full || changed == 0 {
            return Ok(failed);
        }
    }
}

/// Sweeps now and then every `expiry.every`, at the time `clock` tells, waking the outbox when
/// something changed. Runs until aborted; a failed sweep is logged and tried again at the next
/// tick.
pub async fn run(store: Store, expiry: Expiry, waker: Waker, clock: Clock) {
    let mut ticks = tokio::time::interval(expiry.every.max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep(&store, &expiry, clock.now()).await {
            Ok(swept) if swept != Swept::default() => {
                tracing::info!(
                    artefacts = swept.artefacts,
                    requests = swept.requests,
                    forwards = swept.forwards,
                    "expiry sweep"
                );
                waker.wake();
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "expiry sweep failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_lifetime_of_zero_means_requests_lapse_only_at_consent_expiry() {
        let settings = LifecycleSettings {
            sweep_millis: 250,
            pending_lifetime_seconds: 0,
        };
        let expiry = Expiry::new("AA-1", &settings);
        assert_eq!(expiry.pending_lifetime, None);
        assert_eq!(expiry.every, Duration::from_millis(250));
        let settings = LifecycleSettings {
            pending_lifetime_seconds: 90,
            ..settings
        };
        assert_eq!(
            Expiry::new("AA-1", &settings).pending_lifetime,
            Some(Duration::from_secs(90))
        );
    }
}
