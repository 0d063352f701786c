//! What every dashboard page shares: the visitor (session cookie and CSRF cookie, read once per
//! request by [`Visitor`]), the logged-in [`Lender`] (whose absence sends the browser to the
//! login page), the forms' CSRF check ([`Form::checked`]), the page frame with its navigation
//! ([`Visitor::page`]) and the error page ([`PageError`]). The CSRF token is a double-submit
//! cookie: a random token in an HttpOnly cookie, repeated in a hidden field of every form; a
//! form whose field differs from the cookie is refused (403). The session itself is
//! [`super::session`].

use std::future::{ready, Ready};

pub use aa_runtime::http::forms::encode;
use aa_runtime::http::forms::{self, CSRF_FIELD};
use aa_runtime::http::pages::{self, escape};
use aa_runtime::http::AppError;
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::session;
use crate::state::AppState;

/// The double-submit CSRF cookie and the forms' hidden field of the same value.
pub const CSRF_COOKIE: &str = "fiu_dash_csrf";
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

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::Page(StatusCode::NOT_FOUND, message.into())
    }

    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        AppError::internal(cause).into()
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

/// The app API's errors show their message; a 5xx only "internal error" (its cause, or the
/// upstream's message, is logged here, once, as the JSON API logs it).
impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        if e.status.is_server_error() {
            if e.cause().is_some() {
                let _logged = e.error_response();
            } else {
                tracing::warn!(error.code = %e.code, error = %e.message, "dashboard page failed");
            }
            return Self::Page(e.status, "internal error".into());
        }
        Self::Page(e.status, e.message)
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
            Self::Login(next) => {
                pages::see_other(&format!("/dashboard/login?next={}", encode(next)))
            }
            Self::Page(status, message) => {
                let title = if status.is_server_error() {
                    "Something went wrong"
                } else {
                    "This cannot be done"
                };
                let body = format!(
                    "{}<main><h1>{title}</h1><p class=\"error\" role=\"alert\">{} {}</p>\
                     <p><a href=\"/dashboard\">Back to the consent requests</a></p></main>",
                    bar(""),
                    status.as_u16(),
                    escape(message)
                );
                pages::html(*status, pages::page(title, &body))
            }
        }
    }
}

fn bar(nav: &str) -> String {
    format!(
        "<header class=\"bar\"><a class=\"brand\" href=\"/dashboard\">Lender dashboard</a>{nav}\
         </header>"
    )
}

/// Whoever asks for a page: their CSRF token (fresh when they had none) and whether their
/// session cookie is a live session.
pub struct Visitor {
    pub csrf: String,
    fresh_csrf: bool,
    pub logged_in: bool,
    secure: bool,
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(PageError::internal(&"AppState is missing")));
        };
        let csrf = pages::cookie(req, CSRF_COOKIE)
            .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_owned);
        let logged_in = pages::cookie(req, session::COOKIE).is_some_and(|value| {
            session::is_live(state.app_token.expose(), value, state.clock.now())
        });
        let fresh_csrf = csrf.is_none();
        ready(Ok(Visitor {
            csrf: csrf.unwrap_or_else(pages::new_token),
            fresh_csrf,
            logged_in,
            secure: state.secure_cookies,
        }))
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

    /// Whether the session cookie goes out `Secure`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// A page: the bar (with navigation and log-out when logged in), `body` (markup, escaped by
    /// the caller) inside `<main>`, and the CSRF cookie when it is new.
    pub fn page(&self, title: &str, body: &str) -> HttpResponse {
        let nav = if self.logged_in {
            format!(
                "<nav aria-label=\"Main\"><a href=\"/dashboard\">Consent requests</a>\
                 <a href=\"/dashboard/consents/new\">New request</a></nav>\
                 <form class=\"inline\" method=\"post\" action=\"/dashboard/logout\">{}\
                 <button type=\"submit\" class=\"secondary\">Log out</button></form>",
                self.csrf_field()
            )
        } else {
            String::new()
        };
        let document = pages::page(
            title,
            &format!("{}<main><h1>{}</h1>{body}</main>", bar(&nav), escape(title)),
        );
        let mut answer = pages::html(StatusCode::OK, document);
        if self.fresh_csrf {
            let cookie = pages::session_cookie(CSRF_COOKIE, &self.csrf, self.secure, CSRF_MAX_AGE);
            if let Ok(value) = header::HeaderValue::from_str(&cookie) {
                answer.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        answer
    }
}

/// A logged-in visitor; anyone else is sent to the login page, to come back here after.
pub struct Lender {
    pub visitor: Visitor,
}

impl FromRequest for Lender {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // After a form's POST, come back to the dashboard (the referrer is not sent).
        let next = if req.method() == actix_web::http::Method::GET {
            match req.query_string() {
                "" => req.path().to_owned(),
                query => format!("{}?{query}", req.path()),
            }
        } else {
            "/dashboard".to_owned()
        };
        let visitor = match Visitor::from_request(req, payload).into_inner() {
            Ok(visitor) => visitor,
            Err(e) => return ready(Err(e)),
        };
        ready(if visitor.logged_in {
            Ok(Lender { visitor })
        } else {
            Err(PageError::Login(next))
        })
    }
}

impl Lender {
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
        "created" => "The consent request was sent to the customer's AA.",
        "requested" => "The data request is queued; it shows here as the FIPs answer.",
        "logged-out" => "You are logged out.",
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

/// A status as a badge (the stylesheet colours it by its value).
pub fn status(value: &str) -> String {
    let class: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    format!("<span class=\"status {class}\">{}</span>", escape(value))
}
