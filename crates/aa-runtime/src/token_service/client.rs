//! One call to the token service for this entity's access token ([`obtain`]), in either of its
//! API forms ([`super::TokenApi`]). The secret and the token never reach a log or an error.

use base64::Engine;
use serde_json::Value;

use super::{TokenApi, TokenServiceSettings};
use crate::settings::{redact_url, Secret};

/// The largest answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// An access token and when it stops being valid (Unix seconds).
#[derive(Debug, Clone)]
pub struct Token {
    pub value: Secret,
    pub expires_at: i64,
    /// Its lifetime as issued, in seconds.
    pub lifetime: i64,
}

/// Why no token was obtained. Never carries the secret or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token service {url}: {cause}")]
    Transport { url: String, cause: String },
    /// The service refused (a wrong or expired secret is 401); `code` is its error code.
    #[error("token service {url} answered {status} {code}: {message}")]
    Refused {
        url: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("token service {url}: the answer is not a token answer: {cause}")]
    Malformed { url: String, cause: String },
}

impl TokenError {
    /// Our credentials were refused: trying again with the same ones will not help soon.
    pub fn is_refusal(&self) -> bool {
        matches!(self, TokenError::Refused { status, .. } if *status < 500 && *status != 429)
    }
}

/// Asks the token service for a token for `client_id`, at `now` (Unix seconds).
pub async fn obtain(
    http: &reqwest::Client,
    settings: &TokenServiceSettings,
    client_id: &str,
    now: i64,
) -> Result<Token, TokenError> {
    let base = settings.url.trim_end_matches('/');
    let secret = settings.client_secret.expose();
    let (url, request) = match settings.api {
        TokenApi::Iam => {
            let url = format!("{base}/entity/token/generate");
            let body = format!("id={}&secret={}", form(client_id), form(secret));
            (url.clone(), http.post(url).body(body))
        }
        TokenApi::OpenidConnect => {
            let url = format!("{base}/token");
            let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                form(client_id),
                form(secret)
            ));
            let request = http
                .post(url.clone())
                .header("authorization", format!("Basic {basic}"))
                .body("grant_type=client_credentials&scope=openid");
            (url, request)
        }
    };
    let shown = redact_url(&url);
    let transport = |e: reqwest::Error| TokenError::Transport {
        url: shown.clone(),
        cause: e.without_url().to_string(),
    };
    let response = request
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .send()
        .await
        .map_err(transport)?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(transport)?;
    let malformed = |cause: &str| TokenError::Malformed {
        url: shown.clone(),
        cause: cause.to_owned(),
    };
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(malformed("larger than 64 KiB"));
    }
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !(200..300).contains(&status) {
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| body.get(*k).and_then(Value::as_str))
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>()
        };
        return Err(TokenError::Refused {
            url: shown,
            status,
            code: text(&["errorCode", "error"]),
            message: text(&["errorMsg", "error_description"]),
        });
    }
    let (token_key, expiry_key) = match settings.api {
        TokenApi::Iam => ("accessToken", "expiresIn"),
        TokenApi::OpenidConnect => ("access_token", "expires_in"),
    };
    let value = body
        .get(token_key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| malformed(&format!("no {token_key}")))?;
    let lifetime = body
        .get(expiry_key)
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
        .filter(|s| *s > 0)
        .ok_or_else(|| malformed(&format!("no positive {expiry_key}")))?;
    Ok(Token {
        value: Secret::new(value),
        expires_at: now.saturating_add(lifetime),
        lifetime,
    })
}

/// `text` as one `application/x-www-form-urlencoded` value.
pub fn form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(form("AA-1_x.y~"), "AA-1_x.y~");
        assert_eq!(form("a b&c=d+/"), "a%20b%26c%3Dd%2B%2F");
    }
}
