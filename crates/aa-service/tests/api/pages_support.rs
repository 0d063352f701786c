//! What the consent-manager tests share: a cookie-keeping HTTP client that does not follow
//! redirects (for the non-browser tests), the CSRF token of a page, logging in by the pages
//! (the OTP read from the sandbox endpoint, as the walkthrough reads it), a consent request with
//! a chosen purpose text, and a loopback "FIU" page to be sent back to.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use aa_testkit::browser::Browser;
use serde_json::Value;

use crate::helpers::{consent_request, txnid, World};

/// A browser-less client of the pages: keeps cookies, never follows redirects.
pub struct PageClient {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

/// A page's answer: status, `Location` (of a redirect) and body.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
}

impl PageClient {
    pub fn new(world: &World) -> Self {
        Self {
            base: world.aa_url.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("; ")
    }

    async fn keep(&mut self, answer: reqwest::Response) -> Page {
        for set in answer.headers().get_all(reqwest::header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = answer.status().as_u16();
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Page {
            status,
            location,
            body: answer.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let answer = self
            .http
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(answer).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(answer).await
    }

    /// Logs `handle` in through the login pages.
    pub async fn login(&mut self, world: &World, handle: &str) {
        let form = self.get("/cm/login").await;
        let csrf = csrf_of(&form.body);
        let sent = self
            .post(
                "/cm/login",
                &[("csrf", &csrf), ("handle", handle), ("next", "/cm")],
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let otp_ref = query_value(&sent.location, "ref");
        let otp = sandbox_otp(world, &otp_ref).await;
        let done = self
            .post(
                "/cm/login/otp",
                &[
                    ("csrf", &csrf),
                    ("handle", handle),
                    ("ref", &otp_ref),
                    ("otp", &otp),
                    ("next", "/cm"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location, "/cm");
    }

    /// The CSRF token the client holds (its cookie).
    pub fn csrf(&self) -> String {
        self.cookies.get("aa_cm_csrf").cloned().unwrap_or_default()
    }
}

/// The value of the first `name="csrf"` hidden field of `html`.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + 64].to_owned()
}

/// The decoded value of `name` in the query of `url`.
pub fn query_value(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// The login OTP of `otp_ref`, from the sandbox endpoint (as `aa demo`'s walkthrough reads it).
pub async fn sandbox_otp(world: &World, otp_ref: &str) -> String {
    let (status, read) = world.get(&format!("/sandbox/otp/{otp_ref}"), None).await;
    assert_eq!(status, 200, "{read}");
    read["otp"].as_str().unwrap().to_owned()
}

/// `fiu` asks for a consent of `customer` with `purpose_text`: the consent handle.
pub async fn request_with_purpose(
    world: &World,
    fiu: &str,
    customer: &str,
    purpose_text: &str,
) -> String {
    let mut body: Value = consent_request(fiu, customer, &txnid());
    body["ConsentDetail"]["Purpose"]["text"] = Value::String(purpose_text.to_owned());
    let answer = world.rebit_post(fiu, "/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["ConsentHandle"].as_str().unwrap().to_owned()
}

/// Logs `handle` in with a real browser, on the login page it is on now (the handle typed unless
/// `prefilled`).
pub async fn browser_login(browser: &Browser, world: &World, handle: &str, prefilled: bool) {
    browser.find("#handle").await.unwrap();
    if !prefilled {
        browser.fill("#handle", handle).await.unwrap();
    }
    browser.click("button[type=submit]").await.unwrap();
    browser.find("#otp").await.unwrap();
    let otp_ref = query_value(&browser.url().await.unwrap(), "ref");
    let otp = sandbox_otp(world, &otp_ref).await;
    browser.fill("#otp", &otp).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
}

/// Screenshot `name` of the page the browser is on, and its axe-core check: no serious or
/// critical violation.
pub async fn look(browser: &Browser, name: &str) {
    browser.screenshot(name).await.unwrap();
    let violations = browser.axe().await.unwrap();
    assert!(violations.is_empty(), "{name}: {violations:?}");
}

/// A loopback server answering every GET with a small page (the FIU's return address).
pub fn fiu_return_page() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let body = "<!doctype html><html lang=\"en\"><head><title>Back at the FIU</title>\
                        </head><body><main><h1 id=\"back\">Back at the FIU</h1></main></body>\
                        </html>";
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}/back")
}
