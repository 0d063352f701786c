//! The FI poll job, for an AA that never sends `FI/Notification` (many 1.1.x AAs in the field):
//! queued with every accepted `POST /FI/request`, due `fi.poll_after_seconds` later. When it
//! runs and the session is still `PENDING` (no notification moved it), the AA is asked for the
//! data as the fetch job asks; an answer with data is used exactly as the fetch job uses it
//! ([`super::fi_fetch::use_answer`]); 404 `NoDataFound` (not ready yet) or a retryable failure
//! puts the poll back with the interval doubled, up to `fi.poll_max_interval_seconds`, until the
//! session key's validity (`fi.key_validity_minutes`) is spent, when the session fails saying
//! so. A session a notification moved on closes the poll with nothing done.

use std::time::Duration;

use super::fi_fetch::{fail_session, unseal, use_answer};
use super::Worker;
use crate::domain::data_request::SessionState;
use crate::persistence::jobs::Job;
use crate::persistence::StoreError;
use crate::vault::VaultError;

/// When polls are made: the first `after` the request, then at doubling intervals up to `max`,
/// for no longer than `budget` in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPlan {
    pub after: Duration,
    pub max: Duration,
    pub budget: Duration,
}

impl PollPlan {
    /// The wait before the poll following poll number `made` (0 = the first poll, just made),
    /// or `None` once the time spent waiting would pass the budget.
    pub fn next_wait(&self, made: u32) -> Option<Duration> {
        let wait = |n: u32| {
            let factor = 2u32.saturating_pow(n.min(30));
            self.after.saturating_mul(factor).min(self.max)
        };
        // Past 2^31 the wait is `max` for certain: count those polls without walking them.
        let doubling = made.min(31);
        let spent: Duration =
            (0..=doubling).map(wait).sum::<Duration>() + self.max.saturating_mul(made - doubling);
        let next = wait(made + 1);
        (spent + next <= self.budget).then_some(next)
    }
}

/// Runs one poll to its recorded outcome.
#[tracing::instrument(
    name = "fi_poll",
    skip_all,
    fields(consent.handle = %job.handle, consent.id = %job.consent_id, peer.id = %job.aa_id)
)]
pub async fn run(worker: &Worker, job: Job) -> Result<(), StoreError> {
    let store = &worker.store;
    let now = worker.clock.now();
    let Some(session) = worker.session_of(&job).await? else {
        return Ok(());
    };
    let (Some(session_id), Some(plan)) = (session.session_id.clone(), worker.fi.poll) else {
        return store.job_done(&job, Some("nothing to poll"), now).await;
    };
    if session.status != SessionState::Pending {
        return store
            .job_done(&job, Some("an FI/Notification came first"), now)
            .await;
    }
    let keys = match unseal(worker, &session, now).await {
        Ok(keys) => keys,
        Err(VaultError::Store(error)) => return Err(error),
        Err(error) => {
            let reason = format!("the session key cannot be unsealed: {error}");
            return fail_session(worker, &job, &session, &reason).await;
        }
    };
    let error = match worker
        .aa
        .fetch_fi(&session.aa_id, &session_id, worker.fi.fetch)
        .await
    {
        Ok(fi) => {
            tracing::info!("no FI/Notification came; the data was fetched by polling");
            return use_answer(worker, &job, &session, &keys, &fi).await;
        }
        Err(error) => error,
    };
    if !error.not_ready() && !error.is_retryable() {
        let reason = error.refusal().unwrap_or_else(|| error.summary());
        tracing::warn!(%reason, "the AA refused the poll");
        return fail_session(worker, &job, &session, &reason).await;
    }
    let Some(wait) = plan.next_wait(job.attempts) else {
        let reason = format!(
            "no FI/Notification came and the AA had no data before the session key expired \
             (last answer: {})",
            error.summary()
        );
        tracing::warn!(%reason, "polling given up");
        return fail_session(worker, &job, &session, &reason).await;
    };
    tracing::info!(next_poll_in_s = wait.as_secs(), "the AA has no data yet");
    store
        .retry_job(&job, now + wait, &error.summary(), now)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_double_up_to_the_maximum_within_the_budget() {
        let plan = PollPlan {
            after: Duration::from_secs(30),
            max: Duration::from_secs(300),
            budget: Duration::from_secs(1_000),
        };
        // First poll at 30 s; then 60, 120, 240, 300 (capped); 30+60+120+240+300 = 750 s spent.
        assert_eq!(plan.next_wait(0), Some(Duration::from_secs(60)));
        assert_eq!(plan.next_wait(1), Some(Duration::from_secs(120)));
        assert_eq!(plan.next_wait(2), Some(Duration::from_secs(240)));
        assert_eq!(plan.next_wait(3), Some(Duration::from_secs(300)));
        // 750 + 300 passes the budget: no more polls.
        assert_eq!(plan.next_wait(4), None);
        assert_eq!(plan.next_wait(u32::MAX - 1), None);
    }
}
