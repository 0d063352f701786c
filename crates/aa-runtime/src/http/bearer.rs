//! `Authorization: Bearer <token>` for the operator endpoints (`/admin`, `/metrics`), the
//! lender's app API and the bank's back office: one reading of the header (scheme in any case)
//! and one comparison, which takes the same time wherever the tokens differ. An empty
//! expected token admits no one.

use actix_web::http::header::AUTHORIZATION;
use actix_web::HttpRequest;

use crate::settings::Secret;

/// Compares without stopping at the first difference.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Whether `req` carries `Authorization: Bearer <expected>`; never when `expected` is empty.
pub fn bearer_is(req: &HttpRequest, expected: &Secret) -> bool {
    let expected = expected.expose().as_bytes();
    !expected.is_empty() && bearer(req).is_some_and(|given| same(given.as_bytes(), expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn only_equal_tokens_are_the_same() {
        assert!(same(b"secret", b"secret"));
        assert!(!same(b"secret", b"secreT"));
        assert!(!same(b"secret", b"secret2"));
        assert!(!same(b"", b"x"));
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_the_token_required() {
        let with = |value: &str| {
            TestRequest::default()
                .insert_header((AUTHORIZATION, value))
                .to_http_request()
        };
        assert_eq!(bearer(&with("bearer abc")), Some("abc"));
        assert_eq!(bearer(&with("Basic abc")), None);
        assert_eq!(bearer(&with("Bearer ")), None);
        assert_eq!(bearer(&TestRequest::default().to_http_request()), None);
    }

    #[test]
    fn an_empty_expected_token_admits_no_one() {
        let req = TestRequest::default()
            .insert_header((AUTHORIZATION, "Bearer abc"))
            .to_http_request();
        assert!(bearer_is(&req, &Secret::new("abc")));
        assert!(!bearer_is(&req, &Secret::new("abd")));
        assert!(!bearer_is(&req, &Secret::new(String::new())));
    }
}
