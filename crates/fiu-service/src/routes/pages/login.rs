//! `GET`/`POST /dashboard/login` and `POST /dashboard/logout`: the lender's people log in with
//! the app API token (`app_api.token`, compared in constant time by
//! `aa_runtime::http::bearer::same`), which sets the session cookie ([`super::session`]), then
//! return to `next` (a `/dashboard` path only).

use aa_runtime::http::bearer;
use aa_runtime::http::pages::{self, escape};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::session;
use super::shell::{notice, Form, PageError, Visitor};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// `next` when it is a page of the dashboard, else the dashboard (never another site).
fn safe_next(next: &str) -> &str {
    let inside = next == "/dashboard"
        || ((next.starts_with("/dashboard/") || next.starts_with("/dashboard?"))
            && !next.contains("//")
            && !next.contains('\\'));
    if inside && !next.starts_with("/dashboard/login") {
        next
    } else {
        "/dashboard"
    }
}

fn form_page(visitor: &Visitor, next: &str, wrong: bool, done: Option<&str>) -> HttpResponse {
    let error = if wrong {
        "<p class=\"error\" role=\"alert\" id=\"token-error\">That is not the app API token.</p>"
    } else {
        ""
    };
    let described = if wrong {
        " aria-describedby=\"token-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let body = format!(
        "{}{error}<form method=\"post\" action=\"/dashboard/login\" class=\"card\">{}\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\
         <label for=\"token\">App API token</label>\
         <input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" \
         required{described}>\
         <p class=\"muted\">The lender's app API token (<code>app_api.token</code>).</p>\
         <button type=\"submit\">Log in</button></form>",
        notice(done),
        visitor.csrf_field(),
        escape(safe_next(next)),
    );
    visitor.page("Log in", &body)
}

/// `GET /dashboard/login[?next=]`.
pub async fn form(visitor: Visitor, query: web::Query<Next>) -> HttpResponse {
    let next = query.next.as_deref().unwrap_or("/dashboard");
    form_page(&visitor, next, false, query.done.as_deref())
}

/// `POST /dashboard/login`: the token, then the session cookie and `next`; a wrong token gets
/// the form again (401).
pub async fn login(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = Form::checked(form, &visitor)?;
    let next = safe_next(form.get("next")).to_owned();
    let expected = state.app_token.expose().as_bytes();
    let given = form.get("token").as_bytes();
    if expected.is_empty() || !bearer::same(given, expected) {
        tracing::warn!("dashboard log-in with a wrong token");
        let mut page = form_page(&visitor, &next, true, None);
        *page.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(page);
    }
    let value = session::new(state.app_token.expose(), state.clock.now())
        .ok_or_else(|| PageError::internal(&"no randomness for the session cookie"))?;
    let cookie = pages::session_cookie(
        session::COOKIE,
        &value,
        visitor.secure(),
        session::LIFETIME_SECONDS,
    );
    let mut answer = pages::see_other(&next);
    let value = header::HeaderValue::from_str(&cookie).map_err(|e| PageError::internal(&e))?;
    answer.headers_mut().append(header::SET_COOKIE, value);
    tracing::info!("dashboard log-in");
    Ok(answer)
}

/// `POST /dashboard/logout`: the session cookie removed.
pub async fn logout(
    visitor: Visitor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Form::checked(form, &visitor)?;
    let mut answer = pages::see_other("/dashboard/login?done=logged-out");
    let value = header::HeaderValue::from_str(&pages::cleared_cookie(session::COOKIE))
        .map_err(|e| PageError::internal(&e))?;
    answer.headers_mut().append(header::SET_COOKIE, value);
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_dashboard_pages_are_places_to_come_back_to() {
        assert_eq!(safe_next("/dashboard/consents/x"), "/dashboard/consents/x");
        assert_eq!(
            safe_next("/dashboard?done=created"),
            "/dashboard?done=created"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/dashboard//evil.example",
            "/dashboardx",
            "/dashboard/login",
            "/app/consents",
            "",
        ] {
            assert_eq!(safe_next(bad), "/dashboard", "{bad}");
        }
    }
}
