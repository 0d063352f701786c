//! Log-in and log-out: `GET /cm/login` asks for the handle, `POST /cm/login` sends the login OTP
//! (`app::otp::send`, the customer API's), `GET /cm/login/otp` asks for it and `POST
//! /cm/login/otp` opens the session (`app::session::open`) and sets the HttpOnly session cookie.
//! `next` (a path of this consent manager only) is where the browser goes after.

use aa_runtime::http::pages::{self, escape};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::shell::{encode, Form, PageError, Visitor, SESSION_COOKIE};
use crate::routes::app::{otp, session};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default, rename = "ref")]
    pub otp_ref: Option<String>,
}

/// `next` when it is a path of the consent manager (never another site); else home.
pub fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/cm") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        _ => "/cm".to_owned(),
    }
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
        escape(value)
    )
}

/// `GET /cm/login[?next=&handle=]`.
pub async fn form(visitor: Visitor, query: web::Query<LoginQuery>) -> HttpResponse {
    let next = local_next(query.next.as_deref());
    let handle = query.handle.as_deref().unwrap_or("");
    visitor.page(
        "Log in",
        &format!(
            "<p>Log in with your AA handle: your mobile number and this AA's name. We send a \
             one-time password (OTP) to that mobile.</p>\
             <form method=\"post\" action=\"/cm/login\">{}{}\
             <label for=\"handle\">Your AA handle</label>\
             <input type=\"text\" id=\"handle\" name=\"handle\" inputmode=\"email\" \
             autocomplete=\"username\" required placeholder=\"9999988888@aa\" value=\"{}\">\
             <button type=\"submit\">Send OTP</button></form>",
            visitor.csrf_field(),
            hidden("next", &next),
            escape(handle)
        ),
    )
}

/// `POST /cm/login` (handle): sends the OTP, then the OTP form.
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &visitor)?;
    let handle = form.get("handle");
    let otp_ref = otp::send(&req, &state, handle).await?;
    Ok(pages::see_other(&format!(
        "/cm/login/otp?handle={}&ref={}&next={}",
        encode(handle),
        encode(&otp_ref),
        encode(&local_next(Some(form.get("next"))))
    )))
}

/// `GET /cm/login/otp?handle=&ref=&next=`.
pub async fn otp_form(
    visitor: Visitor,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, PageError> {
    let (Some(handle), Some(otp_ref)) = (query.handle.as_deref(), query.otp_ref.as_deref()) else {
        return Err(PageError::bad_request(
            "this page needs the handle and the OTP reference; start again at the login page",
        ));
    };
    Ok(visitor.page(
        "Enter your OTP",
        &format!(
            "<p>We sent a one-time password to the mobile of <strong>{}</strong>.</p>\
             <form method=\"post\" action=\"/cm/login/otp\">{}{}{}{}\
             <label for=\"otp\">One-time password</label>\
             <input type=\"text\" id=\"otp\" name=\"otp\" inputmode=\"numeric\" \
             autocomplete=\"one-time-code\" required pattern=\"[0-9]{{6}}\">\
             <button type=\"submit\">Log in</button></form>\
             <p><a href=\"/cm/login?handle={}\">Send a new OTP</a></p>",
            escape(handle),
            visitor.csrf_field(),
            hidden("handle", handle),
            hidden("ref", otp_ref),
            hidden("next", &local_next(query.next.as_deref())),
            encode(handle)
        ),
    ))
}

/// `POST /cm/login/otp` (handle, ref, otp): the session cookie, then `next`.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &visitor)?;
    let login = session::LoginRequest {
        handle: form.get("handle").to_owned(),
        otp_ref: form.get("ref").to_owned(),
        otp: form.get("otp").to_owned(),
    };
    let (token, _customer) = session::open(&req, &state, &login).await?;
    let max_age = i64::try_from(state.auth.session_ttl.as_secs()).unwrap_or(3600);
    let cookie = pages::session_cookie(SESSION_COOKIE, &token, state.auth.secure_cookies, max_age);
    let mut answer = pages::see_other(&local_next(Some(form.get("next"))));
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        answer.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(answer)
}

/// `POST /cm/logout`: the session cookie removed, then the login page.
pub async fn logout(
    visitor: Visitor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &visitor)?;
    let mut answer = pages::see_other("/cm/login");
    if let Ok(value) = header::HeaderValue::from_str(&pages::cleared_cookie(SESSION_COOKIE)) {
        answer.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(answer)
}
