//! What every consent-manager page shares: the visitor (session cookie and CSRF cookie, read
//! once per request by [`Visitor`]), the logged-in [`Customer`] (whose absence sends the browser
//! to the login page), the forms' CSRF check ([`Form::checked`]), the page frame with its
//! navigation ([`Visitor::page`]) and the error page ([`PageError`]). The CSRF token is a
//! double-submit cookie: a random token in an HttpOnly cookie, repeated in a hidden field of
//! every form; a form whose field differs from the cookie is refused (403).

use std::future::Future;
use std::pin::Pin;

pub use aa_runtime::http::forms::encode;
use aa_runtime::http::forms::{self, CSRF_FIELD};
use aa_runtime::http::pages::{self, escape};
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::routes::app::auth::{session_of, Session};
use crate::routes::app::error::CustomerError;
use crate::state::AppState;

/// The consent manager's session cookie: the customer API's session token.
pub const SESSION_COOKIE: &str = "aa_cm_session";
/// The double-submit CSRF cookie and the forms' hidden field of the same value.
pub const CSRF_COOKIE: &str = "aa_cm_csrf";
const CSRF_MAX_AGE: i64 = 12 * 3600;

/// Why a page could not be shown: an error page (status and a message for people), or the login
/// page first (`next`: where to come back to).
#[derive(Debug)]
pub enum PageError {
    Page(StatusCode, String),
    Login(String),
}

impl PageError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::Page(StatusCode::BAD_REQUEST, message.into())
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Page(status, message) => write!(f, "{status}: {message}"),
            Self::Login(_) => f.write_str("log in first"),
        }
    }
}

/// The customer API's errors show their message (a 5xx only "internal error"; its cause is
/// logged here, once, as the JSON API logs it).
impl From<CustomerError> for PageError {
    fn from(e: CustomerError) -> Self {
        if e.cause().is_some() {
            let _logged = e.error_response();
        }
        Self::Page(e.status, e.message)
    }
}

impl From<crate::persistence::StoreError> for PageError {
    fn from(e: crate::persistence::StoreError) -> Self {
        CustomerError::from(e).into()
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Page(status, _) => *status,
            Self::Login(_) => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Login(next) => pages::see_other(&format!("/cm/login?next={}", encode(next))),
            Self::Page(status, message) => {
                let title = if status.is_server_error() {
                    "Something went wrong"
                } else {
                    "This cannot be done"
                };
                let body = format!(
                    "{}<main><h1>{title}</h1><p class=\"error\" role=\"alert\">{}</p>\
                     <p><a href=\"/cm\">Back to your consents</a></p></main>",
                    bar(""),
                    escape(message)
                );
                pages::html(*status, pages::page(title, &body))
            }
        }
    }
}

fn bar(nav: &str) -> String {
    format!(
        "<header class=\"bar\"><a class=\"brand\" href=\"/cm\">Consent manager</a>{nav}</header>"
    )
}

/// Whoever asks for a page: their CSRF token (fresh when they had none) and their session, if
/// the session cookie opens one.
pub struct Visitor {
    pub csrf: String,
    fresh_csrf: bool,
    pub session: Option<Session>,
    secure: bool,
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = pages::cookie(req, SESSION_COOKIE).map(str::to_owned);
        let csrf = pages::cookie(req, CSRF_COOKIE)
            .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| CustomerError::internal(&"AppState is missing"))?;
            let session = match token {
                Some(token) => match session_of(&state, &token).await {
                    Ok(session) => Some(session),
                    Err(e) if e.status == StatusCode::UNAUTHORIZED => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            let fresh_csrf = csrf.is_none();
            Ok(Visitor {
                csrf: csrf.unwrap_or_else(pages::new_token),
                fresh_csrf,
                session,
                secure: state.auth.secure_cookies,
            })
        })
    }
}

impl Visitor {
    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{}\">",
            escape(&self.csrf)
        )
    }

    /// A page: the bar (with navigation and log-out when logged in), `body` (markup, escaped by
    /// the caller) inside `<main>`, and the CSRF cookie when it is new.
    pub fn page(&self, title: &str, body: &str) -> HttpResponse {
        let nav = match &self.session {
            Some(s) => format!(
                "<nav aria-label=\"Main\"><a href=\"/cm\">Home</a><a href=\"/cm/fips\">Link \
                 accounts</a><span>{}</span></nav><form class=\"inline\" \
                 method=\"post\" action=\"/cm/logout\">{}<button type=\"submit\" \
                 class=\"secondary\">Log out</button></form>",
                escape(&s.customer.handle),
                self.csrf_field()
            ),
            None => String::new(),
        };
        let document = pages::page(
            title,
            &format!("{}<main><h1>{}</h1>{body}</main>", bar(&nav), escape(title)),
        );
        let mut answer = pages::html(StatusCode::OK, document);
        if self.fresh_csrf {
            self.set_csrf(&mut answer);
        }
        answer
    }

    fn set_csrf(&self, answer: &mut HttpResponse) {
        let cookie = pages::session_cookie(CSRF_COOKIE, &self.csrf, self.secure, CSRF_MAX_AGE);
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            answer.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// A logged-in visitor; anyone else is sent to the login page, to come back here after.
pub struct Customer {
    pub visitor: Visitor,
    pub session: Session,
}

impl FromRequest for Customer {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        // After a form's POST, come back to the page it was on (the referrer is not sent).
        let next = if req.method() == actix_web::http::Method::GET {
            match req.query_string() {
                "" => req.path().to_owned(),
                query => format!("{}?{query}", req.path()),
            }
        } else {
            "/cm".to_owned()
        };
        Box::pin(async move {
            let visitor = visitor.await?;
            match visitor.session.clone() {
                Some(session) => Ok(Customer { visitor, session }),
                None => Err(PageError::Login(next)),
            }
        })
    }
}

impl Customer {
    pub fn page(&self, title: &str, body: &str) -> HttpResponse {
        self.visitor.page(title, body)
    }

    pub fn csrf_field(&self) -> String {
        self.visitor.csrf_field()
    }
}

/// A submitted form whose CSRF field matched (`aa_runtime::http::forms::Form`: `get`, `all`).
pub struct Form(forms::Form);

impl std::ops::Deref for Form {
    type Target = forms::Form;

    fn deref(&self) -> &forms::Form {
        &self.0
    }
}

impl Form {
    /// The form, once its CSRF field matches the visitor's cookie; 403 otherwise.
    pub fn checked(
        form: web::Form<Vec<(String, String)>>,
        visitor: &Visitor,
    ) -> Result<Self, PageError> {
        let cookie = (!visitor.fresh_csrf).then_some(visitor.csrf.as_str());
        forms::Form::verified(form.into_inner(), cookie)
            .map(Form)
            .map_err(|forms::Forged| PageError::Page(StatusCode::FORBIDDEN, forms::FORGED.into()))
    }
}

/// The message of a `?done=` notice after a form (fixed texts: nothing from the URL is shown).
pub fn notice(done: Option<&str>) -> String {
    let text = match done.unwrap_or("") {
        "linked" => "Your accounts are linked.",
        "direct" => "The bank will confirm this link; it shows here once it has.",
        "approved" => "You approved the consent request.",
        "rejected" => "You rejected the consent request.",
        "paused" => "The consent is paused: no data can be fetched under it until you resume it.",
        "resumed" => "The consent is active again.",
        "revoked" => "The consent is revoked: no more data can be fetched under it.",
        "delinked" => "The account is delinked.",
        _ => return String::new(),
    };
    format!("<p class=\"notice\" role=\"status\">{text}</p>")
}

/// The `?done=` query of the pages a form returns to.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}
