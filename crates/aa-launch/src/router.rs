//! A local stand-in for the SahamatiNet Router (router 2.1.0 files, `basePath: /router/v2`):
//! it takes any ReBIT call under `/router/v2`, reads `x-request-meta`
//! ([`aa_core::request_meta`]) for the recipient, finds the recipient's base URL in the registry
//! file (read again on every call, so a registry change applies at once), and forwards the call
//! unchanged (method, path, headers, body: the caller's API key and `x-jws-signature` pass
//! through, so the recipient verifies the caller as usual) and the recipient's answer back
//! unchanged (status, `x-jws-signature`, bytes).
//!
//! What it refuses it answers itself, in JSON with an `errorCode`: no or unreadable
//! `x-request-meta` (400), a recipient the registry does not list (404), a path outside
//! `/router/v2` (404), a recipient that does not answer (502).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::json;

use crate::small_server::{Reply, Request, SmallServer};
use aa_core::registry::Registry;
use aa_core::request_meta::{RequestMeta, HEADER};

/// The router's base path, as its files give it.
pub const BASE_PATH: &str = "/router/v2";

/// Headers that belong to one hop and are not forwarded.
const HOP_BY_HOP: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "upgrade",
];

/// One call the router forwarded and had answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// The path after the router's base path, e.g. `/FI/request`.
    pub path: String,
    pub recipient: String,
    /// The body's top-level `ver`, where it has one.
    pub ver: Option<String>,
    pub status: u16,
}

type Log = Arc<Mutex<Vec<Routed>>>;

/// A running local router; stopped when dropped.
pub struct LocalRouter {
    server: SmallServer,
    log: Log,
}

impl LocalRouter {
    /// Serves on `listener`, finding recipients in `registry_file`.
    pub fn serve(listener: TcpListener, registry_file: PathBuf) -> Result<Self, String> {
        let log = Log::default();
        let written = log.clone();
        let client = Arc::new(OnceLock::new());
        let server = SmallServer::serve_raw(
            listener,
            "local-router",
            Arc::new(move |request: &Request| route(request, &registry_file, &client, &written)),
        )?;
        Ok(Self { server, log })
    }

    /// The URL the services are given (`identity.router.url`): base URL and base path.
    pub fn url(&self) -> String {
        format!("{}{BASE_PATH}", self.server.url())
    }

    /// How many calls it has forwarded and had answered.
    pub fn forwarded(&self) -> usize {
        self.routed().len()
    }

    /// Every call it has forwarded and had answered, in order.
    pub fn routed(&self) -> Vec<Routed> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

fn refuse(status: u16, code: &str, message: String) -> Reply {
    Reply::json(status, &json!({"errorCode": code, "errorMsg": message}))
}

fn route(
    request: &Request,
    registry_file: &Path,
    client: &OnceLock<Option<reqwest::blocking::Client>>,
    log: &Mutex<Vec<Routed>>,
) -> Reply {
    let Some(rest) = request
        .target
        .strip_prefix(BASE_PATH)
        .filter(|rest| rest.starts_with('/'))
    else {
        return refuse(
            404,
            "NotFound",
            format!("the router serves {BASE_PATH}/... only"),
        );
    };
    let Some(meta) = request.header(HEADER) else {
        return refuse(400, "InvalidRequest", format!("{HEADER} is missing"));
    };
    let meta = match RequestMeta::decode(meta) {
        Ok(meta) => meta,
        Err(e) => return refuse(400, "InvalidRequest", e.to_string()),
    };
    let registry = match Registry::load(registry_file) {
        Ok(registry) => registry,
        Err(e) => return refuse(500, "InternalError", format!("the registry: {e}")),
    };
    let Some(recipient) = registry.entity(&meta.recipient_id) else {
        return refuse(
            404,
            "NotFound",
            format!("recipient {:?} is not registered", meta.recipient_id),
        );
    };
    // Built on first use, on a connection thread: a blocking client must not be made or
    // dropped inside an async runtime.
    let Some(client) = client.get_or_init(|| {
        reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .ok()
    }) else {
        return refuse(500, "InternalError", "no HTTP client".into());
    };
    let method = match reqwest::Method::from_bytes(request.method.as_bytes()) {
        Ok(method) => method,
        Err(_) => return refuse(405, "InvalidRequest", "unknown method".into()),
    };
    let mut outgoing = client.request(method, format!("{}{rest}", recipient.base_url));
    for (name, value) in request.headers() {
        if !HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.body(request.body.clone()).send() {
        Ok(answer) => answer,
        Err(_) => {
            return refuse(
                502,
                "ServiceUnavailable",
                format!("recipient {:?} did not answer", recipient.id),
            )
        }
    };
    let status = answer.status().as_u16();
    let headers = answer
        .headers()
        .iter()
        .filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
        .collect();
    match answer.bytes() {
        Ok(body) => {
            let ver = serde_json::from_slice::<serde_json::Value>(&request.body)
                .ok()
                .and_then(|b| b.get("ver")?.as_str().map(str::to_owned));
            if let Ok(mut log) = log.lock() {
                log.push(Routed {
                    path: rest.split('?').next().unwrap_or(rest).to_owned(),
                    recipient: recipient.id.clone(),
                    ver,
                    status,
                });
            }
            Reply {
                status,
                headers,
                body: body.to_vec(),
            }
        }
        Err(_) => refuse(
            502,
            "ServiceUnavailable",
            format!("recipient {:?} broke off its answer", recipient.id),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn router(dir: &tempfile::TempDir, target: &str) -> LocalRouter {
        let file = dir.path().join("registry.json");
        let registry = json!({
            "entities": [{"id": "FIP-1", "role": "FIP", "name": "Bank", "base_url": target, "keys": []}],
            "token_issuers": []
        });
        std::fs::write(&file, registry.to_string()).unwrap();
        LocalRouter::serve(TcpListener::bind("127.0.0.1:0").unwrap(), file).unwrap()
    }

    fn post(url: &str, meta: Option<&str>) -> (u16, Vec<(String, String)>, String) {
        let client = reqwest::blocking::Client::new();
        let mut request = client
            .post(url)
            .header("x-jws-signature", "sig")
            .body("{\"a\":1}");
        if let Some(meta) = meta {
            request = request.header(HEADER, meta);
        }
        let answer = request.send().unwrap();
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        (status, headers, answer.text().unwrap())
    }

    #[test]
    fn a_call_is_forwarded_to_the_recipient_and_its_answer_comes_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        // The recipient: echoes what it was sent, with its own signature header.
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let upstream = SmallServer::serve_raw(
            TcpListener::bind("127.0.0.1:0").unwrap(),
            "upstream",
            Arc::new(move |r: &Request| {
                log.lock().unwrap().push((
                    r.target.clone(),
                    r.header("x-jws-signature").map(str::to_owned),
                    r.header(HEADER).map(str::to_owned),
                    r.body.clone(),
                ));
                Reply {
                    status: 409,
                    headers: vec![("x-jws-signature".into(), "answer-sig".into())],
                    body: b"{\"errorCode\":\"Conflict\"}".to_vec(),
                }
            }),
        )
        .unwrap();
        let router = router(&dir, &upstream.url());
        let meta = RequestMeta::for_recipient("FIP-1").encode();
        let (status, headers, body) = std::thread::spawn({
            let url = format!("{}/FI/request", router.url());
            move || post(&url, Some(&meta))
        })
        .join()
        .unwrap();
        assert_eq!(status, 409);
        assert!(headers.contains(&("x-jws-signature".into(), "answer-sig".into())));
        assert_eq!(body, "{\"errorCode\":\"Conflict\"}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0, "/FI/request");
        assert_eq!(seen[0].1.as_deref(), Some("sig"));
        assert!(seen[0].2.is_some(), "x-request-meta is passed on");
        assert_eq!(seen[0].3, b"{\"a\":1}");
        assert_eq!(
            router.routed(),
            [Routed {
                path: "/FI/request".into(),
                recipient: "FIP-1".into(),
                ver: None,
                status: 409
            }]
        );
    }

    #[test]
    fn what_cannot_be_routed_is_refused_by_the_router() {
        let dir = tempfile::tempdir().unwrap();
        let router = router(&dir, "http://127.0.0.1:9");
        let url = format!("{}/FI/request", router.url());
        let (unknown, unreachable) = (
            RequestMeta::for_recipient("FIP-9").encode(),
            RequestMeta::for_recipient("FIP-1").encode(),
        );
        let answers = std::thread::spawn(move || {
            [
                post(&url, None),
                post(&url, Some("%%")),
                post(&url, Some(&unknown)),
                post(&url, Some(&unreachable)),
            ]
        })
        .join()
        .unwrap();
        let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
        assert_eq!(statuses, [400, 400, 404, 502]);
        assert!(answers[0].2.contains("x-request-meta is missing"));
        let message = |i: usize| {
            let body: serde_json::Value = serde_json::from_str(&answers[i].2).unwrap();
            body["errorMsg"].as_str().unwrap().to_owned()
        };
        assert_eq!(message(2), "recipient \"FIP-9\" is not registered");
        assert_eq!(message(3), "recipient \"FIP-1\" did not answer");
        assert_eq!(router.forwarded(), 0);
    }
}
