//! JSON over HTTP for the plain APIs with bearer tokens (the AA's customer API, the FIU's app
//! API, health and sandbox endpoints), not ReBIT.

use serde_json::Value;

/// One request: method, URL, optional bearer token, optional JSON body. Returns the status and
/// the JSON answer (`Null` if the body is not JSON); fails only when no answer came.
pub async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = reqwest::Client::new().request(method, url);
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
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("{url}: {}", e.without_url()))?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// [`send`], expecting a 2xx answer: the JSON answer, or an error naming the URL, the status
/// and the service's error code and message.
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Value, String> {
    let (status, value) = send(method, url, token, body).await?;
    if (200..300).contains(&status) {
        return Ok(value);
    }
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
    Err(format!("{url}: {status} {code} {message}")
        .trim_end()
        .to_owned())
}
