//! The token-service client and the JWKS verifier against the local token service
//! (`aa_launch::token_service`) over real HTTP: tokens in Sahamati's shape obtained in both API
//! forms, verified through the published keys only, a wrong secret refused with its reason,
//! and a renewal after a 401 obtaining a new token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::apikey::Verifier;
use aa_core::registry::{Entity, Role};
use aa_launch::token_service::{Client, LocalTokenService};
use aa_runtime::http::ApiKeySource;
use aa_runtime::token_service::keys::TokenServiceKeys;
use aa_runtime::token_service::{jwks, TokenServiceSettings};
use aa_testkit::keys;

fn token_service() -> LocalTokenService {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let clients = vec![Client {
        id: "FIU-1".into(),
        secret: "right secret&=+".into(),
        role: "FIU".into(),
    }];
    LocalTokenService::serve(listener, keys::ISSUER, "ts-key-1", clients).unwrap()
}

fn settings(ts: &LocalTokenService, api: &str, secret: &str) -> TokenServiceSettings {
    let url = match api {
        "iam" => ts.iam_url(),
        _ => format!("{}/auth/realms/sahamati/protocol/openid-connect", ts.url()),
    };
    serde_json::from_value(serde_json::json!({
        "url": url, "api": api, "client_secret": secret,
        "issuer": ts.issuer(), "jwks_url": ts.jwks_url(), "timeout_seconds": 2,
    }))
    .unwrap()
}

fn callee() -> Entity {
    Entity {
        id: "AA-1".into(),
        name: "AA-1".into(),
        role: Role::Aa,
        base_url: "http://127.0.0.1:1".into(),
        keys: Vec::new(),
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[test]
fn tokens_of_both_api_forms_verify_through_the_published_keys_only() {
    let ts = token_service();
    for api in ["iam", "openid_connect"] {
        let settings = settings(&ts, api, "right secret&=+");
        let keys = TokenServiceKeys::start(settings.clone(), "FIU-1").unwrap();
        let token = keys.api_key(&callee()).unwrap();
        // An empty registry trusts nobody; the JWKS makes the token service trusted.
        assert!(Verifier::new().verify(&token, now()).is_err());
        let verifier = jwks::start(Verifier::new(), settings).unwrap();
        let claims = verifier.current().verify(&token, now()).unwrap();
        assert_eq!(claims.azp, "FIU-1", "{api}");
        assert_eq!(claims.roles, vec!["FIU".to_owned()]);
        assert_eq!(claims.iss, ts.issuer());
        assert_ne!(
            claims.sub, "FIU-1",
            "sub is the client's UUID, as Sahamati issues it"
        );
        assert_eq!(claims.exp - claims.iat, 24 * 3600);
    }
    assert_eq!(ts.issued(), 2);
}

#[test]
fn a_wrong_secret_gets_no_token_and_says_why() {
    let ts = token_service();
    let keys = TokenServiceKeys::start(settings(&ts, "iam", "wrong"), "FIU-1").unwrap();
    let refused = keys.api_key(&callee()).unwrap_err().to_string();
    assert!(refused.contains("401 Unauthorized"), "{refused}");
    assert!(
        !refused.contains("wrong"),
        "the secret never shows: {refused}"
    );
    assert_eq!(ts.issued(), 0);
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_close_401s_share_the_renewal() {
    let ts = token_service();
    let keys = TokenServiceKeys::start(settings(&ts, "iam", "right secret&=+"), "FIU-1").unwrap();
    let first = keys.api_key(&callee()).unwrap();
    assert_eq!(ts.issued(), 1);
    // Just obtained: a 401 now is answered by the token at hand.
    assert!(keys.renew(&callee()).await);
    assert_eq!(ts.issued(), 1);
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    assert!(keys.renew(&callee()).await);
    assert!(keys.renew(&callee()).await);
    assert_eq!(ts.issued(), 2, "two close 401s, one renewal");
    assert_ne!(keys.api_key(&callee()).unwrap(), first);
}

#[test]
fn a_jwks_that_cannot_be_read_is_refused() {
    let base = Verifier::new();
    assert!(jwks::with_jwks(&base, "iss", b"{}").is_err());
    assert!(jwks::with_jwks(&base, "iss", br#"{"keys":[{"kty":"EC","kid":"e"}]}"#).is_err());
    assert!(jwks::with_jwks(
        &base,
        "iss",
        br#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#
    )
    .unwrap_err()
    .contains("kid"));
}
