//! OTP delivery through the SMS gateway adapter, against a real database and a tiny HTTP
//! server standing in for the gateway: the queued job holds no clear OTP, the gateway gets the
//! templated message with the configured header, a failing gateway is retried, and an OTP
//! whose time ran out is not sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use aa_runtime::otp_delivery::{DeliverySettings, Mode, OtpDelivery, OtpMessage, KIND};
use aa_runtime::queue::{Queue, QueueSettings, Waker, Worker};
use aa_runtime::settings::Secret;
use sea_orm::{Database, DatabaseConnection};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(aa_runtime::queue::Migration)]
    }
}

async fn database() -> (DatabaseConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
    let db = Database::connect(url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    (db, dir)
}

/// A gateway that answers each request with the next status of `statuses` (then 200) and
/// keeps every request it got, headers and body.
async fn fake_gateway(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        let mut statuses = statuses.into_iter();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            loop {
                let n = socket.read(&mut buffer).await.unwrap();
                request.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request).to_string());
            let status = statuses.next().unwrap_or(200);
            let answer =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            socket.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    (url, seen)
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
    let (url, seen) = fake_gateway(vec![503]).await;
    let settings = settings(&url);
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
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    let last = requests[1].to_ascii_lowercase();
    assert!(last.starts_with("post /send "), "{last}");
    assert!(
        last.contains("x-gateway-key: gateway-token-of-thirty-two-bytes!"),
        "{last}"
    );
    assert!(
        requests[1].contains(r#""message":"Your AA code is 493817. Do not share it.""#),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].contains(r#""to":"9999999999""#),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn an_expired_otp_or_another_pepper_is_not_sent_and_a_4xx_is_final() {
    let (db, _dir) = database().await;
    let (url, seen) = fake_gateway(vec![400]).await;
    let settings = settings(&url);
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
    assert_eq!(seen.lock().unwrap().len(), 1);
}
