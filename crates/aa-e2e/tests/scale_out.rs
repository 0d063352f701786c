//! Scale-out: two replicas of every role (AA-1, FIP-1, FIP-2, FIU-1) on one PostgreSQL, each
//! role behind a round-robin proxy that sends every request to the next replica, run 200 full
//! loops (16 in flight; the customer logs in and links once before, through one replica, as the
//! OTP sandbox is per process): every loop completes with decrypted data for every linked account;
//! every replica served requests; no notification is accepted twice (one 2xx per message, the
//! body less its timestamp, which a retry renews); every
//! queued job of every role ends done (none pending, none dead); and each effect exists exactly
//! once per loop in the databases (artefacts, consents at the FIPs, sessions, data requests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aa_e2e::proxy::Proxy;
use aa_e2e::{bin_dir, Local, Storage};
use aa_launch::walk::Walker;
use aa_launch::Ecosystem;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

const LOOPS: usize = 200;
const IN_FLIGHT: usize = 16;

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_per_role_behind_a_round_robin_proxy_run_200_loops_exactly_once() {
    let mut options = Local::options(Storage::Postgres).await;
    options.replicas = 2;
    let urls: HashMap<&str, String> = options.database_urls.iter().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    let eco = Arc::new(Ecosystem::prepare(dir.path(), Default::default(), &options).unwrap());
    let mut proxies = Vec::new();
    for party in &eco.parties {
        assert_eq!(party.replicas.len(), 2);
        proxies.push((
            party.id,
            Proxy::start(party.port, party.replicas.clone()).await,
        ));
    }
    if let Err(e) = eco.start(&bin_dir()).await {
        panic!("the ecosystem did not start: {e}\n{}", eco.logs());
    }
    // Logging in and linking read OTPs from the sandbox endpoints, which answer from the
    // replica's own memory (they stand in for an SMS): that one-time set-up goes to replica 0.
    for (_, proxy) in &proxies {
        proxy.pin(Some(0));
    }
    let customer = Walker::new(&eco).unwrap().login_and_link().await.unwrap();
    for (_, proxy) in &proxies {
        proxy.pin(None);
    }

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (eco, customer, next) = (eco.clone(), customer.clone(), next.clone());
        workers.spawn(async move {
            let walker = Walker::new(&eco).unwrap();
            let mut done = Vec::new();
            while next.fetch_add(1, Ordering::SeqCst) < LOOPS {
                done.push(walker.full_loop(&customer).await.map(|(handle, _)| handle));
            }
            done
        });
    }
    let mut handles = Vec::new();
    while let Some(joined) = workers.join_next().await {
        for outcome in joined.unwrap() {
            match outcome {
                Ok(handle) => handles.push(handle),
                Err(e) => panic!("a loop failed: {e}\n{}", eco.log_tails_for(&e)),
            }
        }
    }
    let took = started.elapsed();
    handles.sort();
    handles.dedup();
    assert_eq!(
        handles.len(),
        LOOPS,
        "every loop completed, each its own consent"
    );
    println!(
        "{LOOPS} loops, {IN_FLIGHT} in flight, 2 replicas per role: {:.1} s, {:.2} loops/s",
        took.as_secs_f64(),
        LOOPS as f64 / took.as_secs_f64()
    );

    // Every queued job of every role ends done: nothing pending (lost in flight), nothing dead.
    let mut dbs = HashMap::new();
    for (id, url) in &urls {
        dbs.insert(*id, Database::connect(url.as_str()).await.unwrap());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    for (id, db) in &dbs {
        loop {
            let open = count(
                db,
                "SELECT COUNT(*) FROM runtime_queue WHERE status <> 'done'",
            )
            .await;
            if open == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{id}: {open} jobs never ended done"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    // Each replica took requests, and no notification was accepted twice.
    for (id, proxy) in &proxies {
        let seen = proxy.seen();
        let per_replica: Vec<usize> = (0..2)
            .map(|r| seen.iter().filter(|s| s.replica == r).count())
            .collect();
        assert!(
            per_replica.iter().all(|n| *n >= seen.len() / 4),
            "{id}: requests per replica {per_replica:?}"
        );
        let mut accepted: HashMap<(String, String), usize> = HashMap::new();
        for s in &seen {
            if s.method == "POST"
                && s.path.ends_with("/Notification")
                && (200..300).contains(&s.status)
            {
                let message = s.message.clone().unwrap_or_default();
                *accepted.entry((s.path.clone(), message)).or_default() += 1;
            }
        }
        let twice: Vec<_> = accepted.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            twice.is_empty(),
            "{id}: notifications accepted twice: {twice:?}"
        );
        println!(
            "{id}: {} requests, per replica {per_replica:?}, {} notifications accepted once each",
            seen.len(),
            accepted.len()
        );
    }
    // Two FIPs: one consent artefact per FIP per loop, one FI session per artefact.
    let per_loop = |n: i64| n * LOOPS as i64;
    let expect = [
        (
            "AA-1",
            "SELECT COUNT(*) FROM consent_artefacts",
            per_loop(2),
        ),
        ("AA-1", "SELECT COUNT(*) FROM fi_sessions", per_loop(2)),
        ("FIP-1", "SELECT COUNT(*) FROM consents", per_loop(1)),
        ("FIP-1", "SELECT COUNT(*) FROM fi_sessions", per_loop(1)),
        ("FIP-2", "SELECT COUNT(*) FROM consents", per_loop(1)),
        ("FIP-2", "SELECT COUNT(*) FROM fi_sessions", per_loop(1)),
        (
            "FIU-1",
            "SELECT COUNT(*) FROM fiu_consent_artefacts",
            per_loop(2),
        ),
        (
            "FIU-1",
            "SELECT COUNT(*) FROM fiu_data_requests",
            per_loop(1),
        ),
        ("FIU-1", "SELECT COUNT(*) FROM fiu_fi_sessions", per_loop(2)),
    ];
    for (id, sql, wanted) in expect {
        assert_eq!(count(&dbs[id], sql).await, wanted, "{id}: {sql}");
    }
}
