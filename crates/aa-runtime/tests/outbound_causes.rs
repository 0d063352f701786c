//! The outbound client over real sockets: a transport failure names its cause (refused, timed
//! out, DNS) and is counted by counterparty and outcome; a 401 drops the minted API key and is
//! retried once at once with a fresh one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use aa_core::rebit::error::ErrorCode;
use aa_core::registry::Role;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{sign_responses, OutboundError, RebitError, SignedClient, TransportCause};
use aa_runtime::identity::Identity;
use aa_testkit::{keys, Ecosystem, Party};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, ResponseError};
use serde_json::{json, Value};

fn ecosystem(callee: &str, key: &'static str, url: &str) -> Ecosystem {
    Ecosystem::new(vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, "http://127.0.0.1:1"),
        Party::new(callee, Role::Fiu, key, url),
    ])
}

fn client(eco: &Ecosystem, timeout_seconds: u64) -> SignedClient {
    let mut settings = eco.identity("AA-1");
    settings.outbound_timeout_seconds = timeout_seconds;
    Identity::load(&settings, Role::Aa).unwrap().client
}

async fn call(client: &SignedClient, callee: &str) -> Result<Value, OutboundError> {
    client
        .post(callee, "/Consent/Notification", &json!({"ver": "2.0.0"}))
        .await
}

fn counted(counterparty: &str, outcome: &str) -> bool {
    let mut text = String::new();
    aa_runtime::metrics::global().render(&mut text);
    text.contains(&format!(
        "aa_outbound_requests_total{{counterparty=\"{counterparty}\",outcome=\"{outcome}\"}} 1\n"
    ))
}

fn cause(result: &Result<Value, OutboundError>) -> TransportCause {
    match result {
        Err(OutboundError::Transport { cause, .. }) => *cause,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_port_nobody_listens_on_is_connection_refused() {
    let port = aa_testkit::free_port();
    let eco = ecosystem("FIU-1", keys::FIU_1, &format!("http://127.0.0.1:{port}"));
    let result = call(&client(&eco, 5), "FIU-1").await;
    assert_eq!(cause(&result), TransportCause::Refused);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("request to FIU-1 failed: connection refused: "),
        "{message}"
    );
    assert!(
        !message.contains("127.0.0.1"),
        "the URL stays out: {message}"
    );
    assert!(counted("FIU-1", "refused"));
}

#[tokio::test]
async fn a_callee_that_never_answers_is_timed_out() {
    // Accepted by the kernel's backlog, never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let eco = ecosystem("FIU-2", keys::FIU_2, &url);
    let result = call(&client(&eco, 1), "FIU-2").await;
    assert_eq!(cause(&result), TransportCause::TimedOut);
    assert!(result.unwrap_err().to_string().contains("timed out"));
    assert!(counted("FIU-2", "timed_out"));
    drop(silent);
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_dns() {
    let eco = ecosystem("FIU-3", keys::FIU_3, "http://no-such-host.invalid");
    let result = call(&client(&eco, 5), "FIU-3").await;
    assert_eq!(cause(&result), TransportCause::Dns, "{result:?}");
    assert!(counted("FIU-3", "dns"));
}

/// The API keys the callee received, in order.
type Seen = Arc<Mutex<Vec<String>>>;

/// FIU-1 answering signed 401s to its first `refusals` requests, then a signed 2.0.0
/// acknowledgement (`NotificationResponse`, as the FIU's file has it).
fn start_refusing(eco: &Ecosystem, listener: TcpListener, refusals: usize) -> Seen {
    let seen: Seen = Arc::default();
    let signer = ResponseSigner(Arc::new(eco.signer("FIU-1")));
    let recorded = seen.clone();
    let server = HttpServer::new(move || {
        let recorded = recorded.clone();
        App::new()
            .app_data(web::Data::new(signer.clone()))
            .wrap(from_fn(sign_responses))
            .default_service(web::to(move |req: HttpRequest| {
                let recorded = recorded.clone();
                async move {
                    let key = req.headers().get("aa_api_key").unwrap().to_str().unwrap();
                    let mut seen = recorded.lock().unwrap();
                    seen.push(key.to_owned());
                    if seen.len() <= refusals {
                        RebitError::new(ErrorCode::Unauthorized, "API key has expired")
                            .error_response()
                    } else {
                        HttpResponse::Ok().json(json!({
                            "ver": "2.0.0",
                            "timestamp": aa_core::timefmt::now_millis(),
                            "txnid": "0b811819-9044-4856-b0ee-8c88035f8858",
                            "response": "OK",
                        }))
                    }
                }
            }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    seen
}

#[tokio::test]
async fn a_401_drops_the_minted_key_and_is_retried_once_at_once_with_a_fresh_one() {
    let (listener, url) = aa_testkit::free_listener();
    let eco = ecosystem("FIU-1", keys::FIU_1, &url);
    let seen = start_refusing(&eco, listener, 1);
    let client = client(&eco, 5);
    let answer = call(&client, "FIU-1").await.unwrap();
    assert_eq!(answer["response"], "OK");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one refusal, one retry");
    assert_ne!(seen[0], seen[1], "the retry carries a freshly minted key");
}

#[tokio::test]
async fn a_401_that_persists_is_retried_once_then_left_to_the_queue_to_retry() {
    let (listener, url) = aa_testkit::free_listener();
    let eco = ecosystem("FIU-1", keys::FIU_1, &url);
    let seen = start_refusing(&eco, listener, usize::MAX);
    let error = call(&client(&eco, 5), "FIU-1").await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error}");
    assert!(error.is_retryable(), "a 401 is not abandoned at once");
    assert_eq!(seen.lock().unwrap().len(), 2, "exactly one immediate retry");
}
