//! What the services' web pages share (the AA's consent manager, the FIU's dashboard): escaping
//! of every value put into HTML ([`escape`]), the page shell ([`page`]) with the one stylesheet
//! ([`STYLESHEET`], served by [`stylesheet`] at [`STYLESHEET_PATH`]; no asset from a CDN), the
//! answer with the headers every page carries ([`html`]: no caching, a strict content security
//! policy, no referrer, so a redirect's parameters never leak to another site), POST-redirect-GET
//! ([`see_other`]), session cookies ([`session_cookie`], HttpOnly, SameSite=Lax; [`cookie`]) and the forms'
//! CSRF tokens ([`new_token`], [`same_token`]).

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

/// Where [`stylesheet`] is mounted.
pub const STYLESHEET_PATH: &str = "/assets/pages.css";

/// The pages' one stylesheet: mobile first, system fonts, contrast of at least 4.5:1.
pub const STYLESHEET: &str = include_str!("pages.css");

/// `text` with `& < > " '` escaped, safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole HTML document: `title` (escaped here) and `body` (already-escaped markup), in
/// English, with the viewport set for phones and the shared stylesheet.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{STYLESHEET_PATH}\"></head>\
         <body>{body}</body></html>\n",
        escape(title)
    )
}

/// An HTML answer with the headers every page carries.
pub fn html(status: StatusCode, document: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(document)
}

/// `303 See Other` to `location` (after a form's POST, or to another site's return address).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .finish()
}

/// `GET` [`STYLESHEET_PATH`].
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// The `Set-Cookie` value of a session cookie: HttpOnly, SameSite=Lax, for the whole site,
/// `Secure` outside local set-ups (plain-HTTP loopback), lasting `max_age_seconds`. `value` must
/// be a token of [`new_token`] (hex: nothing to quote).
pub fn session_cookie(name: &str, value: &str, secure: bool, max_age_seconds: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie `name`.
pub fn cleared_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The value of cookie `name` in the request's `Cookie` header(s).
pub fn cookie<'r>(req: &'r actix_web::HttpRequest, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A fresh unguessable token (244 random bits, hex): session ids and CSRF tokens.
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Whether a form's token is the session's, compared in constant time; never when empty.
pub fn same_token(given: &str, expected: &str) -> bool {
    !expected.is_empty() && super::bearer::same(given.as_bytes(), expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("Rs 1,000 ₹"), "Rs 1,000 ₹");
    }

    #[test]
    fn the_title_is_escaped_and_the_stylesheet_linked() {
        let doc = page("<x>", "<main></main>");
        assert!(doc.contains("<title>&lt;x&gt;</title>"));
        assert!(doc.contains(STYLESHEET_PATH));
        assert!(doc.starts_with("<!doctype html>"));
    }

    #[test]
    fn tokens_are_fresh_and_compared_exactly() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token("", ""));
    }

    #[test]
    fn session_cookies_are_http_only_and_read_back() {
        let set = session_cookie("cm", "abc", true, 600);
        assert_eq!(
            set,
            "cm=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=600; Secure"
        );
        assert!(cleared_cookie("cm").contains("Max-Age=0"));
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "other=1; cm=abc"))
            .to_http_request();
        assert_eq!(cookie(&req, "cm"), Some("abc"));
        assert_eq!(cookie(&req, "c"), None);
    }

    #[test]
    fn pages_are_not_cached_and_send_no_referrer() {
        let answer = html(StatusCode::OK, page("t", ""));
        let headers = answer.headers();
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
        assert_eq!(headers.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
        assert!(headers.get(header::CONTENT_SECURITY_POLICY).is_some());
    }
}
