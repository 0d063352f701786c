//! What the dashboard's tests share: a cookie-keeping HTTP client that does not follow
//! redirects, the CSRF token of a page, and a data request brought to COMPLETED through the
//! fake AA (as `fi_flow` does), with a chosen narration.

use std::collections::HashMap;

use crate::fi_flow::{deposit, fip, wait_session_known, xml};
use crate::helpers::{fi_notification, TestApp};

/// A browser-less client of the pages: keeps cookies, never follows redirects.
pub struct PageClient {
    base: String,
    http: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

/// A page's answer: status, headers and body.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

/// `text` percent-encoded for a form or a query.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl PageClient {
    pub fn new(app: &TestApp) -> Self {
        Self {
            base: app.address.clone(),
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
        let headers = answer.headers().clone();
        let location = headers
            .get(reqwest::header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = String::from_utf8(answer.bytes().await.unwrap().to_vec()).unwrap();
        Page {
            status,
            location,
            headers,
            body,
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
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body.join("&"))
            .send()
            .await
            .unwrap();
        self.keep(answer).await
    }

    /// Logs in through the login page with `token`; returns the answer to the form.
    pub async fn login_with(&mut self, token: &str) -> Page {
        let form = self.get("/dashboard/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = csrf_of(&form.body);
        self.post(
            "/dashboard/login",
            &[("csrf", &csrf), ("token", token), ("next", "/dashboard")],
        )
        .await
    }

    /// The CSRF token the client holds (its cookie).
    pub fn csrf(&self) -> String {
        self.cookies
            .get("fiu_dash_csrf")
            .cloned()
            .unwrap_or_default()
    }
}

/// The value of the first `name="csrf"` hidden field of `html`.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + 64].to_owned()
}

/// Carries the data request `request_id` of `consent_id` (FIP-1, account `link-1`) to
/// COMPLETED: the FIU's `FI/request` awaited at the fake AA, a deposit document with
/// `narration` delivered, `FI/Notification` sent, the fetch awaited.
pub async fn complete(app: &TestApp, request_id: &str, consent_id: &str, narration: &str) {
    let session = app.aa.wait_fi_request(consent_id).await;
    wait_session_known(app, request_id, consent_id, &session).await;
    let document = deposit("link-1", "XXXXXXXX1111", narration);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let done = app
        .wait_data_request(request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(fip(&done, consent_id)["status"], "COMPLETED");
}
