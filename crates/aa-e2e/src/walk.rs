//! The customer's and the FIU's side of the flow for the end-to-end tests: the launcher's
//! walkthrough client ([`aa_launch::walk::Walker`]) with every failure turned into a panic that
//! carries each service's log, and plain JSON calls.

use serde_json::Value;

pub use aa_launch::walk::{Consented, Linked, HANDLE};

use crate::Local;

/// Sends a JSON request, returning the status and the JSON body (`Null` if not JSON).
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    aa_launch::http::send(method, url, token, body.as_ref())
        .await
        .unwrap()
}

/// [`call`], asserting a 2xx answer (every service log in the message otherwise).
pub async fn ok(
    local: &Local,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let (status, value) = call(method, url, token, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {url} -> {status} {value}\n{}",
        local.logs()
    );
    value
}

/// A JSON string's value.
pub fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

fn or_logs<T>(local: &Local, result: Result<T, String>) -> T {
    result.unwrap_or_else(|e| panic!("{e}\n{}", local.logs()))
}

/// Logs the customer in (sandbox OTP) and links every account found at both FIPs.
pub async fn login_and_link(local: &Local) -> Linked {
    or_logs(local, local.walker().login_and_link().await)
}

/// Has the FIU ask for consent from `template`, approves it for every linked account, and
/// waits for the FIU to hold every artefact (one per FIP) ACTIVE and verified.
pub async fn consent_to_active(local: &Local, customer: &Linked, template: &str) -> Consented {
    or_logs(
        local,
        local.walker().consent_to_active(customer, template).await,
    )
}

/// Waits until the FIU's newest data request on `handle` is COMPLETED and returns it.
pub async fn completed_data_request(local: &Local, handle: &str) -> Value {
    let walker = local.walker();
    let id = or_logs(local, walker.data_request_id(handle).await);
    or_logs(local, walker.completed(&id).await)
}
