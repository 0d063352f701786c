//! OTP delivery through the SMS gateway adapter, against a real database and a fake gateway
//! on loopback (`aa_testkit::fakes::FakeSmsGateway`): the queued job holds no clear OTP, the gateway gets the
//! templated message with the configured header, a failing gateway is retried, and an OTP
//! whose time ran out is not sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_runtime::otp_delivery::{DeliverySettings, Mode, OtpDelivery, OtpMessage, KIND};
use aa_runtime::queue::{Queue, QueueSettings, Waker, Worker};
use aa_runtime::settings::Secret;
use aa_testkit::fakes::FakeSmsGateway;
use sea_orm::{Database, DatabaseConnection};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(aa_runtime::queue::MIGRATION)]
    }
}

async fn database() -> (DatabaseConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
    let db = Database::connect(url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    (db, dir)
}

fn settings(url: &str) -> DeliverySettings {
    DeliverySettings {
        mode: Mode::Http,
        url: Some(url.into()),
        header: Some("X-Gateway-Key".into()),
        token: Some(Secret::new("gateway-token-of-thirty-two-bytes!")),
        template: Some("Your AA code is {otp}. Do not share it.".into()),
        timeout_seconds: Some(5),
    }
}

fn message(expires_at_ms: i64) -> OtpMessage {
    OtpMessage {
        reference: "ref-1".into(),
        recipient: "9999999999".into(),
        code: "493817".into(),
        expires_at_ms,
    }
}

fn later() -> i64 {
    aa_runtime::clock::Clock::system().now_millis() + 300_000
}

fn quick() -> QueueSettings {
    QueueSettings {
        first_retry_ms: 1,
        max_retry_ms: 1,
        ..QueueSettings::default()
    }
}

#[tokio::test]
async fn the_gateway_gets_the_templated_otp_and_the_queue_holds_it_only_sealed() {
    let (db, _dir) = database().await;
    let fake = FakeSmsGateway::start("X-Gateway-Key", &[503]);
    let settings = settings(&fake.url);
    let pepper = Secret::new("a pepper of thirty-two bytes or more");
    let queue = Queue::new(db.clone());
    let waker = Waker::default();
    let delivery = OtpDelivery::new(&settings, &pepper, queue.clone(), waker.clone()).unwrap();
    delivery.send(&message(later())).await.unwrap();
    let jobs = queue.jobs(KIND).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(!jobs[0].payload.contains("493817"), "{}", jobs[0].payload);
    let gateway = OtpDelivery::gateway(&settings, &pepper).unwrap().unwrap();
    let worker = Worker::new(queue.clone(), quick(), waker).handle(KIND, gateway);
    // The first answer is a 503: the job is retried, not lost.
    worker.run_once().await.unwrap();
    assert_eq!(queue.jobs(KIND).await.unwrap()[0].status, "pending");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    worker.run_once().await.unwrap();
    let job = &queue.jobs(KIND).await.unwrap()[0];
    assert_eq!(job.status, "done", "{:?}", job.last_error);
    let requests = fake.received();
    assert_eq!(requests.len(), 2);
    let last = &requests[1];
    assert_eq!(last.path, "/send");
    assert_eq!(
        last.auth.as_deref(),
        Some("gateway-token-of-thirty-two-bytes!")
    );
    assert_eq!(
        last.body["message"],
        "Your AA code is 493817. Do not share it."
    );
    assert_eq!(last.body["to"], "9999999999");
    assert_eq!(last.body["reference"], "ref-1");
}

#[tokio::test]
async fn an_expired_otp_or_another_pepper_is_not_sent_and_a_4xx_is_final() {
    let (db, _dir) = database().await;
    let fake = FakeSmsGateway::start("X-Gateway-Key", &[400]);
    let settings = settings(&fake.url);
    let pepper = Secret::new("a pepper of thirty-two bytes or more");
    let queue = Queue::new(db.clone());
    let waker = Waker::default();
    let delivery = OtpDelivery::new(&settings, &pepper, queue.clone(), waker.clone()).unwrap();
    delivery.send(&message(0)).await.unwrap();
    let other = OtpDelivery::new(
        &settings,
        &Secret::new("another pepper"),
        queue.clone(),
        waker.clone(),
    )
    .unwrap();
    other.send(&message(later())).await.unwrap();
    delivery.send(&message(later())).await.unwrap();
    let gateway = OtpDelivery::gateway(&settings, &pepper).unwrap().unwrap();
    Worker::new(queue.clone(), quick(), waker)
        .handle(KIND, gateway)
        .run_once()
        .await
        .unwrap();
    let jobs = queue.jobs(KIND).await.unwrap();
    let errors: Vec<_> = jobs
        .iter()
        .map(|j| (j.status.as_str(), j.last_error.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        errors[0],
        (
            "dead",
            "the OTP expired before it could be delivered".to_owned()
        )
    );
    assert_eq!(errors[1].0, "dead");
    assert!(errors[1].1.contains("does not open"), "{errors:?}");
    assert_eq!(
        errors[2],
        ("dead", "SMS gateway answered 400 Bad Request".to_owned())
    );
    assert_eq!(fake.received().len(), 1);
}
