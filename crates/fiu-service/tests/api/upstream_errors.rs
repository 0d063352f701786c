//! What the lender's app is told when an AA cannot be used: the failure's category and the
//! AA's code, never only "internal error".

use crate::helpers::{spawn, TOKEN};

#[tokio::test]
async fn an_unreachable_aa_is_named_with_the_cause() {
    let app = spawn().await;
    let (status, body) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(serde_json::json!({"customer": "9999999999@AA-2", "template": "wealth-monthly"})),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"], "aa_unavailable");
    assert_eq!(
        body["message"],
        "AA-2 could not be reached: connection refused"
    );
}
