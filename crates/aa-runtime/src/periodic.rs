//! The one periodic loop: sweeps that are not jobs of the [`crate::queue`] (expiry, purges,
//! forgetting idempotency keys) run through [`every`], so each service writes only the sweep.
//!
//! A sweep runs once at once and then every `period`; a tick that falls behind is delayed, not
//! bunched. A failed sweep is logged with its name and tried again at the next tick. The time a
//! sweep decides by comes from the [`crate::clock::Clock`] it is given, never from the tick.

use std::future::Future;
use std::time::Duration;

/// The shortest period accepted; a smaller one is raised to it.
pub const MIN_PERIOD: Duration = Duration::from_millis(10);

/// Runs `sweep` now and then every `period`, until the task is aborted. `name` labels the
/// failure log line.
pub async fn every<F, Fut, E>(name: &'static str, period: Duration, mut sweep: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut ticks = tokio::time::interval(period.max(MIN_PERIOD));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = sweep().await {
            tracing::error!(sweep = name, %error, "periodic sweep failed");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn a_sweep_runs_at_once_then_every_period_and_a_failure_does_not_stop_it() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let task = tokio::spawn(every("test", Duration::from_secs(10), move || {
            let counted = Arc::clone(&counted);
            async move {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                if n == 1 {
                    Err("boom")
                } else {
                    Ok(())
                }
            }
        }));
        tokio::task::yield_now().await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        task.abort();
    }
}
