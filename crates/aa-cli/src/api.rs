//! A small JSON-over-HTTP helper for the commands that drive the AA customer API and the FIU app
//! API (plain JSON APIs with bearer tokens, not ReBIT).

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
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = client.request(method, url);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{url}: {}", e.without_url()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("{url}: {}", e.without_url()))?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            let message = value
                .get("message")
                .or_else(|| value.get("errorMsg"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let code = value
                .get("error")
                .or_else(|| value.get("errorCode"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Err(format!("{url}: {} {code} {message}", status.as_u16())
                .trim_end()
                .to_owned())
        }
    })
}
