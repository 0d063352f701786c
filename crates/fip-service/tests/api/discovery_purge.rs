//! Account discoveries (`account_discoveries`) live `linking.discovery_lifetime_seconds`: after
//! that they allow no linking (404 `AccountNotFound`, nothing started) and the periodic sweep
//! (`fip_service::jobs::sweeps::purge_discoveries`, on the store's clock) deletes them. On a
//! manual clock: no test waits for the time to pass.

use aa_runtime::clock::Clock;
use fip_service::jobs::sweeps;

use crate::helpers::{assert_error, link_body, Options, TestApp, HANDLE};

#[actix_web::test]
async fn discoveries_past_their_lifetime_are_purged_and_allow_no_linking() {
    let (clock, hand) = Clock::manual(time::OffsetDateTime::now_utc());
    let lifetime = time::Duration::seconds(60);
    let app = TestApp::spawn_with(Options {
        clock: Some(clock),
        discovery_lifetime_seconds: 60,
        ..Options::default()
    })
    .await;
    let accounts = app.discover().await;
    assert_eq!(app.store.discovery_count().await.unwrap(), 1);

    // Within its lifetime a sweep keeps it.
    hand.advance(lifetime - time::Duration::seconds(1));
    sweeps::purge_discoveries(&app.store, lifetime)
        .await
        .unwrap();
    assert_eq!(app.store.discovery_count().await.unwrap(), 1);

    // Past it, it allows no linking, whether or not the sweep has run.
    hand.advance(time::Duration::seconds(2));
    let body = link_body(HANDLE, &accounts);
    let answer = app.post("/Accounts/link", &body).await;
    assert_error(&answer, 404, "AccountNotFound", Some(&body));
    sweeps::purge_discoveries(&app.store, lifetime)
        .await
        .unwrap();
    assert_eq!(app.store.discovery_count().await.unwrap(), 0);
    let answer = app
        .post("/Accounts/link", &link_body(HANDLE, &accounts))
        .await;
    assert_error(&answer, 404, "AccountNotFound", None);

    // A fresh discovery allows linking again.
    app.discover().await;
    assert_eq!(app.store.discovery_count().await.unwrap(), 1);
    let answer = app
        .post("/Accounts/link", &link_body(HANDLE, &accounts))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
