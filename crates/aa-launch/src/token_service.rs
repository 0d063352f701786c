//! A local Sahamati token service, so the services' token client and their verification of
//! callers' tokens run for real: clients (entity id, secret, role) issue themselves 24-hour
//! RS256 access tokens in the shape Sahamati's access-token schema documents (`iss` a URL,
//! `sub` a UUID, `azp` the client id, `roles` a string, `typ`, `acr`, `scope`, `jti`), by the
//! IAM v1 form (`POST /iam/v1/entity/token/generate`, `id` and `secret`) or the OpenID Connect
//! client-credentials grant (`POST {realm}/protocol/openid-connect/token`, HTTP Basic), and the
//! signing key is published as a JWKS (`GET {realm}/protocol/openid-connect/certs`). A wrong
//! id or secret is 401 as the IAM API answers it.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aa_core::apikey::Issuer;
use aa_core::jws::{SigningKey, VerifyingKey};
use base64::Engine;
use serde_json::{json, Value};

use crate::small_server::{Request, SmallServer};

/// The realm path, as Sahamati's Keycloak names it.
pub const REALM: &str = "/auth/realms/sahamati";
/// The IAM v1 base path.
pub const IAM: &str = "/iam/v1";
/// How long a token is valid (Sahamati: 24 hours).
pub const TOKEN_SECONDS: i64 = 24 * 3600;

/// One client of the token service.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret: String,
    /// `AA`, `FIP` or `FIU`.
    pub role: String,
}

/// A running local token service; stopped when dropped.
pub struct LocalTokenService {
    server: SmallServer,
    issued: Arc<AtomicUsize>,
    key: VerifyingKey,
}

struct State {
    issuer: Issuer,
    jwks: Value,
    /// Client id -> (secret, role, sub).
    clients: HashMap<String, (String, String, String)>,
    issued: Arc<AtomicUsize>,
    ttl: i64,
}

impl LocalTokenService {
    /// Serves on `listener` until dropped, signing with `key_pem` under `kid`.
    pub fn serve(
        listener: TcpListener,
        key_pem: &str,
        kid: &str,
        clients: Vec<Client>,
    ) -> Result<Self, String> {
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let iss = format!("http://{addr}{REALM}");
        let issuer = Issuer::from_pem(&iss, kid, key_pem).map_err(|e| e.to_string())?;
        let key = SigningKey::from_pem(key_pem, kid)
            .map_err(|e| e.to_string())?
            .verifying_key();
        let mut public = key.to_jwk();
        if let Value::Object(fields) = &mut public {
            fields.insert("use".into(), json!("sig"));
            fields.insert("alg".into(), json!("RS256"));
        }
        let issued = Arc::new(AtomicUsize::new(0));
        let state = State {
            issuer,
            jwks: json!({ "keys": [public] }),
            clients: clients
                .into_iter()
                .map(|c| (c.id, (c.secret, c.role, uuid::Uuid::new_v4().to_string())))
                .collect(),
            issued: issued.clone(),
            ttl: TOKEN_SECONDS,
        };
        let handler = move |request: &Request| state.answer(request);
        let server = SmallServer::serve(listener, "local-ts", Arc::new(handler))?;
        Ok(Self {
            server,
            issued,
            key,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:7006`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The `iss` of its tokens.
    pub fn issuer(&self) -> String {
        format!("{}{REALM}", self.url())
    }

    /// The IAM v1 base URL (`identity.token_service.url`).
    pub fn iam_url(&self) -> String {
        format!("{}{IAM}", self.url())
    }

    /// The JWKS URL (`identity.token_service.jwks_url`).
    pub fn jwks_url(&self) -> String {
        format!("{}{REALM}/protocol/openid-connect/certs", self.url())
    }

    /// The public key its tokens verify under (what its JWKS publishes).
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// How many tokens it has issued.
    pub fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

impl State {
    fn answer(&self, request: &Request) -> (u16, Value) {
        let path = request.path();
        let certs = format!("{REALM}/protocol/openid-connect/certs");
        let oidc = format!("{REALM}/protocol/openid-connect/token");
        let iam = format!("{IAM}/entity/token/generate");
        match (request.method.as_str(), path) {
            ("GET", p) if p == certs => (200, self.jwks.clone()),
            ("POST", p) if p == iam => {
                let form = form(&request.body);
                let id = form.get("id").map(String::as_str).unwrap_or("");
                let secret = form.get("secret").map(String::as_str).unwrap_or("");
                if id.is_empty() || secret.is_empty() {
                    return iam_error(400, "Bad Request", "id and secret are required");
                }
                match self.token(id, secret) {
                    Some(token) => (
                        200,
                        json!({
                            "ver": "1.0.0", "timestamp": now_text(), "txnId": uuid::Uuid::new_v4().to_string(),
                            "accessToken": token, "expiresIn": self.ttl, "tokenType": "Bearer",
                        }),
                    ),
                    None => iam_error(
                        401,
                        "Unauthorized",
                        "Invalid entity id/secret or secret is expired",
                    ),
                }
            }
            ("POST", p) if p == oidc => {
                let form = form(&request.body);
                if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
                    return (400, json!({"error": "unsupported_grant_type"}));
                }
                let basic = request
                    .header("authorization")
                    .and_then(|v| v.strip_prefix("Basic "))
                    .and_then(|b| {
                        base64::engine::general_purpose::STANDARD
                            .decode(b.trim())
                            .ok()
                    })
                    .and_then(|b| String::from_utf8(b).ok());
                let Some((id, secret)) = basic.as_deref().and_then(|b| b.split_once(':')) else {
                    return (401, json!({"error": "invalid_client"}));
                };
                match self.token(&decode(id), &decode(secret)) {
                    Some(token) => (
                        200,
                        json!({
                            "access_token": token, "token_type": "Bearer",
                            "expires_in": self.ttl, "scope": "openid email profile",
                        }),
                    ),
                    None => (
                        401,
                        json!({"error": "invalid_client", "error_description": "Invalid client credentials"}),
                    ),
                }
            }
            (_, p) if p == certs || p == oidc || p == iam => (405, json!("Method not allowed")),
            _ => (404, json!("Resource not found")),
        }
    }

    /// A token for `id` when `secret` is its secret.
    fn token(&self, id: &str, secret: &str) -> Option<String> {
        let (expected, role, sub) = self.clients.get(id)?;
        if !constant_time_eq(expected.as_bytes(), secret.as_bytes()) {
            return None;
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = json!({
            "exp": now + self.ttl, "iat": now, "jti": uuid::Uuid::new_v4().to_string(),
            "iss": self.issuer.iss(), "sub": sub, "typ": "Bearer", "azp": id, "acr": "1",
            "scope": "openid email profile", "roles": role,
        });
        let token = self.issuer.sign(&claims).ok()?;
        self.issued.fetch_add(1, Ordering::SeqCst);
        Some(token)
    }
}

fn iam_error(status: u16, code: &str, message: &str) -> (u16, Value) {
    (
        status,
        json!({
            "ver": "1.0.0", "timestamp": now_text(), "txnId": uuid::Uuid::new_v4().to_string(),
            "errorCode": code, "errorMsg": message,
        }),
    )
}

fn now_text() -> String {
    aa_core::timefmt::now_millis()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An `application/x-www-form-urlencoded` body's fields.
fn form(body: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Percent-decoding (and `+` as a space) of one form value; a bad escape stays as it is.
fn decode(text: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        let fields = form(b"id=AA-1&secret=a%2Bb+c%zz%E2%82%AC");
        assert_eq!(fields["id"], "AA-1");
        assert_eq!(fields["secret"], "a+b c%zz\u{20ac}");
    }
}
