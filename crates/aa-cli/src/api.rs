//! A blocking JSON-over-HTTP call for the commands that drive the AA customer API and the FIU app
//! API (plain JSON APIs with bearer tokens, not ReBIT): [`aa_launch::http::call`] on a runtime of
//! its own.

use serde_json::Value;

/// One call: method, URL, optional bearer token, optional JSON body. Returns the JSON answer, or
/// an error naming the status and the service's message.
pub fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Value, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
    runtime.block_on(aa_launch::http::call(method, url, token, body))
}
