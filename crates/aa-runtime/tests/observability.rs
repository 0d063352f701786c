//! The request boundary and `/metrics` over real loopback HTTP: a ReBIT route behind the access
//! middleware and the ReBIT scope, called with real signed requests. The metrics text parses as
//! Prometheus exposition and its counters move; histogram buckets are cumulative; the access
//! line names the route pattern, caller and txnid but no body, key or signature; a refused
//! request is one WARN line with its error code; the request id is echoed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use aa_core::jws::detached;
use aa_core::registry::Role;
use aa_runtime::http::{access, metrics, RebitScope, Verified};
use aa_runtime::identity::Identity;
use aa_runtime::queue::admin::AdminSettings;
use aa_runtime::queue::{NewJob, Queue};
use aa_runtime::settings::Secret;
use aa_testkit::{keys, logs, Ecosystem, Party};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};
use sea_orm::Database;
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use serde_json::{json, Value};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(aa_runtime::queue::MIGRATION)]
    }
}

/// The captured lines that carry `request.id` = `id`.
fn lines_of(id: &str) -> Vec<(String, Value)> {
    logs::lines()
        .into_iter()
        .filter(|(_, v)| v["request.id"] == id)
        .collect()
}

async fn ping(request: Verified<Value>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"ver": "2.0.0", "txnid": request.body["txnid"]}))
}

struct Server {
    url: String,
    eco: Ecosystem,
    queue: Queue,
    _dir: tempfile::TempDir,
}

/// AA-1 serving `POST /Ping/{id}` in its ReBIT scope and `/metrics` (token `token`, if any).
async fn start(token: Option<&str>) -> Server {
    logs::capture();
    let (listener, url) = aa_testkit::free_listener();
    let eco = Ecosystem::new(vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, &url),
        Party::new("FIU-1", Role::Fiu, keys::FIU_1, "http://127.0.0.1:1"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
    let db = Database::connect(&db_url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let queue = Queue::new(db);
    let identity = Identity::load(&eco.identity("AA-1"), Role::Aa).unwrap();
    let rebit = RebitScope::of(&identity);
    let admin = AdminSettings {
        token: token.map(Secret::new),
    };
    let scrape = metrics::configure(queue.clone(), &admin);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(access::observe))
            .configure(scrape.clone())
            .service(
                rebit
                    .scope("")
                    .route("/Ping/{id}", web::post().to(ping))
                    // Only the metrics test calls it: its counters move by that test alone.
                    .route("/Metered/{id}", web::post().to(ping)),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    Server {
        url,
        eco,
        queue,
        _dir: dir,
    }
}

struct Sent {
    status: u16,
    request_id: Option<String>,
    body: Value,
}

/// POSTs `body` to `/{path}` as FIU-1, with an API key when `with_key`.
async fn send(server: &Server, path: &str, body: &Value, with_key: bool, rid: &str) -> Sent {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut request = reqwest::Client::new()
        .post(format!("{}/{path}?q=query-marker", server.url))
        .header("content-type", "application/json")
        .header("x-request-id", rid)
        .header(
            "x-jws-signature",
            detached::sign(&server.eco.signer("FIU-1"), &bytes),
        );
    if with_key {
        request = request.header("client_api_key", server.eco.api_key("FIU-1"));
    }
    let response = request.body(bytes).send().await.unwrap();
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Sent {
        status,
        request_id,
        body,
    }
}

/// A sample line: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// Parses the text exposition format strictly enough to fail on a malformed line: comments are
/// `# HELP name text` or `# TYPE name counter|gauge|histogram`; samples are
/// `name{label="value",...} number`, and every sample belongs to a declared family.
fn parse(text: &str) -> Vec<Sample> {
    let mut families: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name, tail) = (parts.next(), parts.next(), parts.next());
            match (kind, name, tail) {
                (Some("HELP"), Some(_), Some(_)) => {}
                (Some("TYPE"), Some(name), Some(t @ ("counter" | "gauge" | "histogram"))) => {
                    families.insert(name.to_owned(), t.to_owned());
                }
                _ => panic!("bad comment line {line:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("value of {line:?}"));
        let (name, labels) = match series.split_once('{') {
            None => (series.to_owned(), BTreeMap::new()),
            Some((name, rest)) => {
                let inner = rest.strip_suffix('}').unwrap_or_else(|| panic!("{line:?}"));
                let mut labels = BTreeMap::new();
                for pair in inner.split("\",").filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("{line:?}"));
                    labels.insert(k.to_owned(), v.trim_end_matches('"').to_owned());
                }
                (name.to_owned(), labels)
            }
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "metric name {name:?}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| families.get(*f).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(&name);
        assert!(
            families.contains_key(family),
            "undeclared {name} in {line:?}"
        );
        samples.push((name, labels, value));
    }
    samples
}

async fn scrape(server: &Server, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(format!("{}/metrics", server.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn value(samples: &[Sample], name: &str, want: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, labels, _)| {
            n == name
                && want
                    .iter()
                    .all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

const PING: &[(&str, &str)] = &[
    ("endpoint", "/Metered/{id}"),
    ("status", "200"),
    ("caller", "fiu"),
];

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_move_after_traffic() {
    let server = start(None).await;
    let (status, before) = scrape(&server, None).await;
    assert_eq!(status, 200);
    let before = parse(&before);
    let body = json!({"ver": "2.0.0", "txnid": "t-metrics", "value": 1});
    for path in ["Metered/a1", "Metered/b2"] {
        assert_eq!(send(&server, path, &body, true, "m-1").await.status, 200);
    }
    server
        .queue
        .enqueue(NewJob {
            kind: "probe".into(),
            key: None,
            payload: "{}".into(),
        })
        .await
        .unwrap();
    let (_, text) = scrape(&server, None).await;
    let after = parse(&text);
    let moved = value(&after, "aa_http_requests_total", PING)
        - value(&before, "aa_http_requests_total", PING);
    assert_eq!(moved, 2.0, "{text}");
    assert!(
        !text.contains("/Metered/a1"),
        "a raw path became a label: {text}"
    );
    assert!(!text.contains("query-marker"), "{text}");
    assert!(
        value(
            &after,
            "aa_operation_duration_seconds_count",
            &[("op", "jws_verify")]
        ) >= 2.0
    );
    assert!(
        value(
            &after,
            "aa_operation_duration_seconds_count",
            &[("op", "jws_sign")]
        ) >= 2.0
    );
    let probe = [("kind", "probe"), ("state", "pending")];
    assert_eq!(value(&after, "aa_queue_jobs", &probe), 1.0, "{text}");
    assert!(
        value(&after, "aa_db_pool_max_connections", &[]) >= 1.0,
        "{text}"
    );

    // Every histogram series: buckets non-decreasing in `le`, `+Inf` equal to `_count`.
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for (name, labels, v) in &after {
        let Some(family) = name.strip_suffix("_bucket") else {
            continue;
        };
        let mut rest = labels.clone();
        let le = rest.remove("le").unwrap();
        let le = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse().unwrap()
        };
        series
            .entry(format!("{family}{rest:?}"))
            .or_default()
            .push((le, *v));
    }
    assert!(series.len() >= 3, "{text}");
    for (key, buckets) in &series {
        assert!(
            buckets
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
            "{key}: {buckets:?}"
        );
    }
    let inf = value(
        &after,
        "aa_http_request_duration_seconds_bucket",
        &[PING[0], PING[1], PING[2], ("le", "+Inf")],
    );
    assert_eq!(
        inf,
        value(&after, "aa_http_request_duration_seconds_count", PING)
    );
}

#[tokio::test]
async fn with_an_admin_token_metrics_want_it() {
    let server = start(Some("metrics-token")).await;
    assert_eq!(scrape(&server, None).await.0, 401);
    assert_eq!(scrape(&server, Some("wrong")).await.0, 401);
    let (status, text) = scrape(&server, Some("metrics-token")).await;
    assert_eq!(status, 200);
    assert!(!parse(&text).is_empty());
}

#[tokio::test]
async fn one_access_line_per_request_with_no_body_key_or_signature() {
    let server = start(None).await;
    let body = json!({"ver": "2.0.0", "txnid": "t-access-1", "secret": "BODY-MARKER-77"});
    let sent = send(&server, "Ping/x9", &body, true, "access-line-1").await;
    assert_eq!(sent.status, 200);
    assert_eq!(sent.request_id.as_deref(), Some("access-line-1"));
    let lines = lines_of("access-line-1");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let (raw, line) = &lines[0];
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["message"], "request");
    assert_eq!(line["http.endpoint"], "/Ping/{id}");
    assert_eq!(line["http.status"], 200);
    assert_eq!(line["caller.id"], "FIU-1");
    assert_eq!(line["caller.role"], "fiu");
    assert_eq!(line["txn.id"], "t-access-1");
    assert!(line["elapsed_ms"].is_u64());
    for secret in [
        "BODY-MARKER-77",
        "query-marker",
        "x9",
        &server.eco.api_key("FIU-1")[..20],
    ] {
        assert!(!raw.contains(secret), "{secret:?} in {raw}");
    }
    assert!(!raw.contains("eyJ"), "a JWS or API key in {raw}");
}

#[tokio::test]
async fn a_refused_request_is_one_warn_line_with_its_error_code() {
    let server = start(None).await;
    let body = json!({"ver": "2.0.0", "txnid": "t-refused-1"});
    let sent = send(&server, "Ping/r1", &body, false, "refused-1").await;
    assert_eq!(sent.status, 401);
    assert_eq!(sent.body["errorCode"], "Unauthorized");
    let lines = lines_of("refused-1");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0].1;
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["message"], "request refused");
    assert_eq!(line["error.code"], "Unauthorized");
    assert_eq!(line["error.reason"], "API key is missing");
    assert_eq!(line["http.status"], 401);
    assert_eq!(line["txn.id"], "t-refused-1");
    assert_eq!(line["caller.role"], "none");
}

#[tokio::test]
async fn a_sane_request_id_is_echoed_and_anything_else_replaced() {
    let server = start(None).await;
    let body = json!({"ver": "2.0.0", "txnid": "t-rid"});
    let kept = send(&server, "Ping/a", &body, true, "rid-kept-1").await;
    assert_eq!(kept.request_id.as_deref(), Some("rid-kept-1"));
    let long = "x".repeat(129);
    let replaced = send(&server, "Ping/a", &body, true, &long).await;
    let id = replaced.request_id.unwrap();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(lines_of(&id).len(), 1);
}
