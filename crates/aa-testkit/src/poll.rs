//! Waiting for something to become true without sleeping a guessed time: poll a probe until it
//! gives a value, with a deadline that fails the test naming what never happened.

use std::future::Future;
use std::time::Duration;

/// How long a test waits for anything by default.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// How often it looks.
pub const EVERY: Duration = Duration::from_millis(20);

/// Polls `probe` every 20 ms until it returns `Some`; panics after 10 s naming `what`.
pub async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    eventually_async(what, || std::future::ready(probe())).await
}

/// [`eventually`] with an async probe (one that calls the service under test).
pub async fn eventually_async<T, F>(what: &str, probe: impl FnMut() -> F) -> T
where
    F: Future<Output = Option<T>>,
{
    eventually_within(what, DEADLINE, probe).await
}

/// [`eventually_async`] with its own deadline.
pub async fn eventually_within<T, F>(what: &str, limit: Duration, mut probe: impl FnMut() -> F) -> T
where
    F: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn eventually_returns_the_first_value_the_probe_gives() {
        let mut calls = 0;
        let found = eventually("the third call", || {
            calls += 1;
            (calls == 3).then_some(calls)
        })
        .await;
        assert_eq!(found, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "timed out waiting for nothing")]
    async fn eventually_fails_naming_what_never_happened() {
        eventually_within::<(), _>("nothing", Duration::from_millis(50), || async { None }).await;
    }
}
