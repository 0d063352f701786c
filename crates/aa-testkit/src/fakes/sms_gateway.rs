//! A fake SMS gateway for the OTP delivery tests: a real HTTP server on loopback that keeps
//! every request it gets (the header the service authenticates with, and the JSON body) and
//! answers each with the next status it was given (then 200).

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

/// One request the gateway received.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub path: String,
    /// The value of the header named when the gateway was started, if sent.
    pub auth: Option<String>,
    pub body: serde_json::Value,
}

#[derive(Debug, Default)]
struct State {
    received: Vec<SmsRequest>,
    statuses: VecDeque<u16>,
}

/// The gateway; clone it freely (all clones see the same requests).
#[derive(Debug, Clone)]
pub struct FakeSmsGateway {
    /// `http://127.0.0.1:<port>/send`.
    pub url: String,
    header: String,
    state: Arc<Mutex<State>>,
}

impl FakeSmsGateway {
    /// Serves on a free port; `auth_header` is the header whose value is kept, `statuses` the
    /// answers to the first requests.
    pub fn start(auth_header: &str, statuses: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            received: Vec::new(),
            statuses: statuses.iter().copied().collect(),
        }));
        let shared = state.clone();
        let header = auth_header.to_owned();
        let server = HttpServer::new(move || {
            let state = shared.clone();
            let header = header.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let state = state.clone();
                let header = header.clone();
                async move {
                    let mut state = state.lock().unwrap();
                    state.received.push(SmsRequest {
                        path: req.path().to_owned(),
                        auth: req
                            .headers()
                            .get(header.as_str())
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned),
                        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
                    });
                    let status = state.statuses.pop_front().unwrap_or(200);
                    HttpResponse::build(StatusCode::from_u16(status).unwrap()).finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            url,
            header: auth_header.to_owned(),
            state,
        }
    }

    /// The settings (`OTP__DELIVERY__...`, without the role's prefix) that point a role's
    /// binary at this gateway in `http` mode, authenticated by `token`.
    pub fn delivery_vars(&self, token: &str, template: &str) -> Vec<(&'static str, String)> {
        vec![
            ("OTP__DELIVERY__MODE", "http".to_owned()),
            ("OTP__DELIVERY__URL", self.url.clone()),
            ("OTP__DELIVERY__HEADER", self.header.clone()),
            ("OTP__DELIVERY__TOKEN", token.to_owned()),
            ("OTP__DELIVERY__TEMPLATE", template.to_owned()),
        ]
    }

    /// Every request so far, oldest first.
    pub fn received(&self) -> Vec<SmsRequest> {
        self.state.lock().unwrap().received.clone()
    }

    /// The OTP in the `index`th message: its first run of six digits.
    pub fn otp(&self, index: usize) -> Option<String> {
        let message = self.received().get(index)?.body["message"]
            .as_str()?
            .to_owned();
        message
            .as_bytes()
            .windows(6)
            .find(|w| w.iter().all(u8::is_ascii_digit))
            .map(|w| String::from_utf8_lossy(w).into_owned())
    }
}
