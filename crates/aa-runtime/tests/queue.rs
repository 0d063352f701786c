//! The queue and the outbox on real databases (SQLite and PostgreSQL) against a real loopback
//! callee that signs its answers: order per callee without a stall, a callee that comes back,
//! two workers on one database, dead letters and their replay through the admin endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aa_core::registry::Role;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, SignedClient};
use aa_runtime::identity::Identity;
use aa_runtime::outbox::{self, Deliver, Notification};
use aa_runtime::queue::admin::{self, AdminSettings};
use aa_runtime::queue::{
    enqueue, Handler, Job, JobError, JobFuture, NewJob, Queue, QueueSettings, Waker, Worker,
};
use aa_runtime::settings::Secret;
use aa_testkit::{keys, Ecosystem, Party};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};
use sea_orm::{Database, DatabaseConnection, TransactionTrait};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(aa_runtime::queue::MIGRATION)]
    }
}

/// A migrated database; holds the SQLite file's directory for as long as the test runs.
struct Db {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
        Self::migrated(url, Some(dir)).await
    }

    async fn postgres() -> Self {
        Self::migrated(aa_testkit::fresh_postgres_database().await, None).await
    }

    async fn migrated(url: String, dir: Option<tempfile::TempDir>) -> Self {
        let db = Database::connect(&url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        Self { url, _dir: dir }
    }

    async fn connect(&self) -> DatabaseConnection {
        Database::connect(&self.url).await.unwrap()
    }
}

/// What the callee received, in order.
type Inbox = Arc<Mutex<Vec<serde_json::Value>>>;

/// The AA sending, and FIU-1 on a reserved port that is not listening until [`Callee::start`].
struct Ecosys {
    eco: Ecosystem,
    port: u16,
}

fn ecosystem() -> Ecosys {
    let port = aa_testkit::free_port();
    let eco = Ecosystem::new(vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, "http://127.0.0.1:1"),
        Party::new(
            "FIU-1",
            Role::Fiu,
            keys::FIU_1,
            &format!("http://127.0.0.1:{port}"),
        ),
    ]);
    Ecosys { eco, port }
}

impl Ecosys {
    fn client(&self) -> SignedClient {
        Identity::load(&self.eco.identity("AA-1"), Role::Aa)
            .unwrap()
            .client
    }

    /// Starts the callee: it records every body and answers a signed acknowledgement.
    fn start_callee(&self) -> Inbox {
        let inbox: Inbox = Arc::default();
        let signer = ResponseSigner(Arc::new(self.eco.signer("FIU-1")));
        let listener = TcpListener::bind(("127.0.0.1", self.port)).unwrap();
        let recorded = inbox.clone();
        let server = HttpServer::new(move || {
            let recorded = recorded.clone();
            App::new()
                .app_data(web::Data::new(signer.clone()))
                .wrap(from_fn(sign_responses))
                .default_service(web::to(move |body: web::Bytes| {
                    let recorded = recorded.clone();
                    async move {
                        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        recorded.lock().unwrap().push(value);
                        HttpResponse::Ok().json(ack())
                    }
                }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        inbox
    }
}

/// A 2.0.0 `NotificationResponse`, as the FIU's file has it answer a notification.
fn ack() -> serde_json::Value {
    serde_json::json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": "0b811819-9044-4856-b0ee-8c88035f8858",
        "response": "OK",
    })
}

fn settings() -> QueueSettings {
    QueueSettings {
        // Long on purpose: delivery must never wait for the poll.
        poll_ms: 5_000,
        first_retry_ms: 50,
        max_retry_ms: 200,
        max_attempts: 100,
        lease_ms: 10_000,
    }
}

fn notification(seq: usize) -> Notification {
    Notification {
        callee: "FIU-1".into(),
        path: "/Consent/Notification".into(),
        body: format!(r#"{{"ver":"2.0.0","timestamp":"2020-01-01T00:00:00.000Z","seq":{seq}}}"#),
    }
}

/// Writes `count` notifications to FIU-1 in one transaction.
async fn queue_notifications(db: &DatabaseConnection, count: usize) {
    let txn = db.begin().await.unwrap();
    for seq in 0..count {
        enqueue(&txn, notification(seq).job()).await.unwrap();
    }
    txn.commit().await.unwrap();
}

fn worker(db: DatabaseConnection, client: SignedClient, waker: Waker) -> Worker {
    Worker::new(Queue::new(db), settings(), waker).handle(outbox::KIND, Deliver(client))
}

/// Polls until the callee holds `count` bodies; returns them and the time it took.
async fn wait_for(
    inbox: &Inbox,
    count: usize,
    limit: Duration,
) -> (Vec<serde_json::Value>, Duration) {
    let started = Instant::now();
    loop {
        let got = inbox.lock().unwrap().clone();
        if got.len() >= count {
            return (got, started.elapsed());
        }
        assert!(
            started.elapsed() < limit,
            "only {} of {count} arrived",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn sequence(bodies: &[serde_json::Value]) -> Vec<u64> {
    bodies.iter().map(|b| b["seq"].as_u64().unwrap()).collect()
}

async fn ten_notifications_to_one_callee_arrive_within_a_second_in_order(db: Db) {
    let eco = ecosystem();
    let inbox = eco.start_callee();
    let conn = db.connect().await;
    queue_notifications(&conn, 10).await;
    let waker = Waker::default();
    tokio::spawn(worker(conn, eco.client(), waker.clone()).run());
    waker.wake();
    let (got, took) = wait_for(&inbox, 10, Duration::from_secs(1)).await;
    println!("ten notifications to one callee delivered in {took:?}");
    assert_eq!(sequence(&got), (0..10).collect::<Vec<_>>());
    // Restamped on the way out, everything else as stored.
    assert_ne!(got[0]["timestamp"], "2020-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn ten_notifications_to_one_callee_arrive_within_a_second_in_order_on_sqlite() {
    ten_notifications_to_one_callee_arrive_within_a_second_in_order(Db::sqlite().await).await;
}

#[tokio::test]
async fn ten_notifications_to_one_callee_arrive_within_a_second_in_order_on_postgres() {
    ten_notifications_to_one_callee_arrive_within_a_second_in_order(Db::postgres().await).await;
}

async fn a_callee_that_was_down_gets_everything_in_order_once_it_is_up(db: Db) {
    let eco = ecosystem();
    let conn = db.connect().await;
    let queue = Queue::new(conn.clone());
    queue_notifications(&conn, 5).await;
    let waker = Waker::default();
    tokio::spawn(worker(conn, eco.client(), waker.clone()).run());
    waker.wake();
    // Wait until the first notification has failed at least twice against the closed port.
    let started = Instant::now();
    loop {
        let jobs = queue.jobs(outbox::KIND).await.unwrap();
        assert!(jobs.iter().skip(1).all(|j| j.attempts == 0), "{jobs:?}");
        if jobs[0].attempts >= 2 && jobs[0].last_error.is_some() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{jobs:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    queue_more(&queue, 3).await;
    waker.wake();
    let inbox = eco.start_callee();
    let (got, _) = wait_for(&inbox, 8, Duration::from_secs(5)).await;
    assert_eq!(sequence(&got), vec![0, 1, 2, 3, 4, 0, 1, 2]);
    let started = Instant::now();
    while queue.count("done").await.unwrap() < 8 {
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Writes `count` more notifications to FIU-1, one transaction each.
async fn queue_more(queue: &Queue, count: usize) {
    for seq in 0..count {
        queue.enqueue(notification(seq).job()).await.unwrap();
    }
}

#[tokio::test]
async fn a_callee_that_was_down_gets_everything_in_order_once_it_is_up_on_sqlite() {
    a_callee_that_was_down_gets_everything_in_order_once_it_is_up(Db::sqlite().await).await;
}

#[tokio::test]
async fn a_callee_that_was_down_gets_everything_in_order_once_it_is_up_on_postgres() {
    a_callee_that_was_down_gets_everything_in_order_once_it_is_up(Db::postgres().await).await;
}

#[tokio::test]
async fn two_workers_on_one_postgres_database_deliver_each_message_exactly_once() {
    let db = Db::postgres().await;
    let eco = ecosystem();
    let inbox = eco.start_callee();
    let conn = db.connect().await;
    queue_notifications(&conn, 30).await;
    let (a, b) = (Waker::default(), Waker::default());
    tokio::spawn(worker(db.connect().await, eco.client(), a.clone()).run());
    tokio::spawn(worker(db.connect().await, eco.client(), b.clone()).run());
    a.wake();
    b.wake();
    let (_, _) = wait_for(&inbox, 30, Duration::from_secs(10)).await;
    let queue = Queue::new(conn);
    let started = Instant::now();
    while queue.count("done").await.unwrap() < 30 {
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Let a duplicate, if there were one, arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got = inbox.lock().unwrap().clone();
    assert_eq!(sequence(&got), (0..30).collect::<Vec<_>>());
}

/// Fails with a retryable error until `healthy` is set.
struct Flaky {
    healthy: Arc<AtomicBool>,
}

impl Handler for Flaky {
    fn run<'a>(&'a self, _job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            if self.healthy.load(Ordering::SeqCst) {
                Ok(())
            } else {
                Err(JobError::Retry("downstream unavailable".into()))
            }
        })
    }
}

async fn a_job_out_of_attempts_is_dead_listed_and_replayed(db: Db) {
    let conn = db.connect().await;
    let queue = Queue::new(conn.clone());
    let id = queue
        .enqueue(NewJob {
            kind: "flaky".into(),
            key: Some("k".into()),
            payload: "{}".into(),
        })
        .await
        .unwrap();
    let healthy = Arc::new(AtomicBool::new(false));
    let waker = Waker::default();
    let settings = QueueSettings {
        max_attempts: 3,
        ..settings()
    };
    let worker = Worker::new(queue.clone(), settings, waker.clone()).handle(
        "flaky",
        Flaky {
            healthy: healthy.clone(),
        },
    );
    tokio::spawn(worker.run());
    waker.wake();
    let started = Instant::now();
    while queue.count("dead").await.unwrap() < 1 {
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let token = AdminSettings {
        token: Some(Secret::new("admin-secret")),
    };
    let app = actix_web::test::init_service(
        App::new().configure(admin::configure(queue.clone(), &token)),
    )
    .await;
    let list = || {
        actix_web::test::TestRequest::get()
            .uri("/admin/dead-letters")
            .insert_header(("authorization", "Bearer admin-secret"))
            .to_request()
    };
    let body: serde_json::Value = actix_web::test::call_and_read_body_json(&app, list()).await;
    let dead = &body["deadLetters"];
    assert_eq!(dead.as_array().unwrap().len(), 1, "{body}");
    assert_eq!(dead[0]["id"], id);
    assert_eq!(dead[0]["kind"], "flaky");
    assert_eq!(dead[0]["attempts"], 3);
    assert_eq!(dead[0]["lastError"], "downstream unavailable");

    let wrong = actix_web::test::TestRequest::get()
        .uri("/admin/dead-letters")
        .insert_header(("authorization", "Bearer not-it"))
        .to_request();
    assert_eq!(
        actix_web::test::call_service(&app, wrong).await.status(),
        401
    );
    let missing = actix_web::test::TestRequest::post()
        .uri("/admin/dead-letters/999999/replay")
        .insert_header(("authorization", "Bearer admin-secret"))
        .to_request();
    assert_eq!(
        actix_web::test::call_service(&app, missing).await.status(),
        404
    );

    healthy.store(true, Ordering::SeqCst);
    let replay = actix_web::test::TestRequest::post()
        .uri(&format!("/admin/dead-letters/{id}/replay"))
        .insert_header(("authorization", "Bearer admin-secret"))
        .to_request();
    assert_eq!(
        actix_web::test::call_service(&app, replay).await.status(),
        200
    );
    waker.wake();
    let started = Instant::now();
    loop {
        let jobs = queue.jobs("flaky").await.unwrap();
        if jobs[0].status == "done" {
            // Attempts were reset: the replayed run is the first.
            assert_eq!(jobs[0].attempts, 1, "{jobs:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{jobs:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let body: serde_json::Value = actix_web::test::call_and_read_body_json(&app, list()).await;
    assert_eq!(body["deadLetters"], serde_json::json!([]));
}

#[tokio::test]
async fn a_job_out_of_attempts_is_dead_listed_and_replayed_on_sqlite() {
    a_job_out_of_attempts_is_dead_listed_and_replayed(Db::sqlite().await).await;
}

#[tokio::test]
async fn a_job_out_of_attempts_is_dead_listed_and_replayed_on_postgres() {
    a_job_out_of_attempts_is_dead_listed_and_replayed(Db::postgres().await).await;
}

#[tokio::test]
async fn without_an_admin_token_the_dead_letter_routes_are_not_mounted() {
    let db = Db::sqlite().await;
    let queue = Queue::new(db.connect().await);
    let app = actix_web::test::init_service(
        App::new().configure(admin::configure(queue, &AdminSettings::default())),
    )
    .await;
    let request = actix_web::test::TestRequest::get()
        .uri("/admin/dead-letters")
        .insert_header(("authorization", "Bearer "))
        .to_request();
    assert_eq!(
        actix_web::test::call_service(&app, request).await.status(),
        404
    );
}

#[tokio::test]
async fn a_job_waiting_for_an_older_one_with_its_key_does_not_hold_up_other_keys() {
    let db = Db::sqlite().await;
    let queue = Queue::new(db.connect().await);
    for key in ["a", "a", "b"] {
        queue
            .enqueue(NewJob {
                kind: "flaky".into(),
                key: Some(key.into()),
                payload: "{}".into(),
            })
            .await
            .unwrap();
    }
    let healthy = Arc::new(AtomicBool::new(false));
    let worker =
        Worker::new(queue.clone(), settings(), Waker::default()).handle("flaky", Flaky { healthy });
    // One round claims the first job of each key only.
    assert_eq!(worker.run_once().await.unwrap(), 2);
    let jobs = queue.jobs("flaky").await.unwrap();
    let attempts: Vec<u32> = jobs.iter().map(|j| j.attempts).collect();
    assert_eq!(attempts, vec![1, 0, 1]);
}

/// Dead-letters at once.
struct Hopeless;

impl Handler for Hopeless {
    fn run<'a>(&'a self, _job: &'a Job) -> JobFuture<'a> {
        Box::pin(async { Err(JobError::Final("callee refused the payload".into())) })
    }
}

async fn a_dead_letter_is_discarded_for_good(db: Db) {
    let queue = Queue::new(db.connect().await);
    let mut ids = Vec::new();
    for key in ["a", "b"] {
        let job = NewJob {
            kind: "hopeless".into(),
            key: Some(key.into()),
            payload: "{}".into(),
        };
        ids.push(queue.enqueue(job).await.unwrap());
    }
    let worker =
        Worker::new(queue.clone(), settings(), Waker::default()).handle("hopeless", Hopeless);
    assert_eq!(worker.run_once().await.unwrap(), 2);
    let token = AdminSettings {
        token: Some(Secret::new("admin-secret")),
    };
    let app = actix_web::test::init_service(
        App::new().configure(admin::configure(queue.clone(), &token)),
    )
    .await;
    let call = |method: actix_web::http::Method, uri: String| {
        actix_web::test::TestRequest::default()
            .method(method)
            .uri(&uri)
            .insert_header(("authorization", "Bearer admin-secret"))
            .to_request()
    };
    use actix_web::http::Method;
    let body: serde_json::Value = actix_web::test::call_and_read_body_json(
        &app,
        call(Method::GET, "/admin/dead-letters".into()),
    )
    .await;
    assert_eq!(body["deadLetters"][0]["attempts"], 1, "{body}");
    assert_eq!(
        body["deadLetters"][0]["lastError"],
        "callee refused the payload"
    );

    let deleted = call(Method::DELETE, format!("/admin/dead-letters/{}", ids[0]));
    let body: serde_json::Value = actix_web::test::call_and_read_body_json(&app, deleted).await;
    assert_eq!(body["status"], "discarded");
    let posted = call(
        Method::POST,
        format!("/admin/dead-letters/{}/discard", ids[1]),
    );
    assert_eq!(
        actix_web::test::call_service(&app, posted).await.status(),
        200
    );
    let again = call(Method::DELETE, format!("/admin/dead-letters/{}", ids[0]));
    assert_eq!(
        actix_web::test::call_service(&app, again).await.status(),
        404
    );
    let replay = call(
        Method::POST,
        format!("/admin/dead-letters/{}/replay", ids[0]),
    );
    assert_eq!(
        actix_web::test::call_service(&app, replay).await.status(),
        404
    );
    let body: serde_json::Value = actix_web::test::call_and_read_body_json(
        &app,
        call(Method::GET, "/admin/dead-letters".into()),
    )
    .await;
    assert_eq!(body["deadLetters"], serde_json::json!([]));
    let states: Vec<String> = queue
        .jobs("hopeless")
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.status)
        .collect();
    assert_eq!(states, vec!["discarded", "discarded"]);
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "a discarded job never runs again"
    );
}

#[tokio::test]
async fn a_dead_letter_is_discarded_for_good_on_sqlite() {
    a_dead_letter_is_discarded_for_good(Db::sqlite().await).await;
}

#[tokio::test]
async fn a_dead_letter_is_discarded_for_good_on_postgres() {
    a_dead_letter_is_discarded_for_good(Db::postgres().await).await;
}

#[tokio::test]
async fn a_notification_answered_401_is_retried_later_not_dead_lettered() {
    let db = Db::sqlite().await;
    let conn = db.connect().await;
    let eco = ecosystem();
    let signer = ResponseSigner(Arc::new(eco.eco.signer("FIU-1")));
    let listener = TcpListener::bind(("127.0.0.1", eco.port)).unwrap();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let server = HttpServer::new(move || {
        let counted = counted.clone();
        App::new()
            .app_data(web::Data::new(signer.clone()))
            .wrap(from_fn(sign_responses))
            .default_service(web::to(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async {
                    use actix_web::ResponseError;
                    let code = aa_core::rebit::error::ErrorCode::Unauthorized;
                    aa_runtime::http::RebitError::new(code, "API key has expired").error_response()
                }
            }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    queue_notifications(&conn, 1).await;
    let queue = Queue::new(conn.clone());
    let worker = worker(conn, eco.client(), Waker::default());
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let jobs = queue.jobs(outbox::KIND).await.unwrap();
    assert_eq!(jobs[0].status, "pending", "{jobs:?}");
    assert_eq!(
        jobs[0].attempts, 1,
        "the immediate retry with a fresh key is one attempt"
    );
    assert!(
        jobs[0].last_error.as_deref().unwrap().contains("401"),
        "{jobs:?}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "sent, refused, sent again with a fresh key"
    );
}
