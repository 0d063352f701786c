//! The happy paths on PostgreSQL (a fresh database from `aa_testkit`): consents and FI data.

use crate::consent_flow::approve_happy_path;
use crate::helpers::{Options, World};

#[tokio::test]
async fn the_consent_flow_runs_on_postgresql() {
    let url = aa_testkit::fresh_postgres_database().await;
    let world = World::with(Options {
        database_url: Some(url),
        ..Options::default()
    })
    .await;
    approve_happy_path(&world).await;
}

#[tokio::test]
async fn the_fi_flow_runs_on_postgresql() {
    let url = aa_testkit::fresh_postgres_database().await;
    let world = World::with(Options {
        database_url: Some(url),
        ..Options::default()
    })
    .await;
    crate::fi_support::request_notify_fetch(&world).await;
}
