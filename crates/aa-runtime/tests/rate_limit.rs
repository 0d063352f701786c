//! The rate limiter against real databases (SQLite and PostgreSQL): a fixed window per key
//! that rolls over, shared by two connections (two replicas), with the seconds left to wait.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_runtime::clock::Clock;
use aa_runtime::rate_limit::{Action, LimitError, Limiter, RateLimitSettings};
use sea_orm::{Database, DatabaseConnection};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(aa_runtime::rate_limit::MIGRATION)]
    }
}

fn settings() -> RateLimitSettings {
    RateLimitSettings {
        window_seconds: 60,
        otp_sends_per_customer: 3,
        otp_sends_per_client: 5,
        otp_checks_per_customer: 0,
        otp_checks_per_client: 0,
    }
}

/// Two connections to one database, as two replicas have.
async fn two_connections(url: &str) -> (DatabaseConnection, DatabaseConnection) {
    let one = Database::connect(url).await.unwrap();
    Migrator::up(&one, None).await.unwrap();
    (one, Database::connect(url).await.unwrap())
}

fn start() -> time::OffsetDateTime {
    // 10 s into a 60 s window.
    time::OffsetDateTime::from_unix_timestamp(1_800_000_010).unwrap()
}

async fn limits_roll_over_and_are_shared(url: &str) {
    let (one, two) = two_connections(url).await;
    let (clock, test_clock) = Clock::manual(start());
    let a = Limiter::new(one, settings(), clock.clone());
    let b = Limiter::new(two, settings(), clock);
    a.hit(Action::OtpSend, "c1", "ip1").await.unwrap();
    b.hit(Action::OtpSend, "c1", "ip1").await.unwrap();
    a.hit(Action::OtpSend, "c1", "ip1").await.unwrap();
    match b.hit(Action::OtpSend, "c1", "ip1").await {
        Err(LimitError::Limited(limited)) => {
            assert_eq!(limited.scope, "customer");
            assert_eq!(limited.retry_after_seconds, 50);
            assert_eq!(
                limited.to_string(),
                "too many OTP requests for this customer; try again in 50 seconds"
            );
        }
        other => panic!("the fourth send in a window must be refused: {other:?}"),
    }
    // Another customer from the same client: the client's limit (5) counts every hit, the
    // refused one included.
    a.hit(Action::OtpSend, "c2", "ip1").await.unwrap();
    match b.hit(Action::OtpSend, "c3", "ip1").await {
        Err(LimitError::Limited(limited)) => assert_eq!(limited.scope, "client"),
        other => panic!("the client's sixth send must be refused: {other:?}"),
    }
    // A limit of 0 is off.
    for _ in 0..10 {
        a.hit(Action::OtpCheck, "c1", "ip1").await.unwrap();
    }
    // The next window starts afresh.
    test_clock.advance(time::Duration::seconds(50));
    a.hit(Action::OtpSend, "c1", "ip1").await.unwrap();
    b.hit(Action::OtpSend, "c1", "ip1").await.unwrap();
}

#[tokio::test]
async fn sqlite_windows_roll_over_and_two_connections_share_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
    limits_roll_over_and_are_shared(&url).await;
}

#[tokio::test]
async fn postgres_windows_roll_over_and_two_connections_share_the_counts() {
    limits_roll_over_and_are_shared(&aa_testkit::fresh_postgres_database().await).await;
}
