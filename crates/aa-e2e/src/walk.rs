//! The customer's and the FIU's side of the flow, as HTTP calls against a running [`Local`]:
//! log in to the AA, discover and link at both FIPs, ask for consent from a template, approve,
//! and wait until the FIU holds every artefact ACTIVE and verified. Shared by the end-to-end
//! tests so that each can start from an ACTIVE consent.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{Local, FIU_APP_TOKEN};

/// The customer every seed file knows at both FIPs.
pub const HANDLE: &str = "9999999999@AA-1";

/// Sends a JSON request, returning the status and the JSON body (`Null` if not JSON).
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
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

/// A logged-in customer with every account at both FIPs linked.
pub struct Linked {
    pub session_token: String,
    /// Every linked account's `linkRefNumber`, both FIPs.
    pub linked: Vec<String>,
}

/// Where [`consent_to_active`] left the flow.
pub struct Consented {
    pub handle: String,
    /// One per FIP.
    pub consent_ids: Vec<String>,
    /// The FIU's view of the consent once both artefacts are ACTIVE and verified.
    pub status: Value,
}

/// Logs the customer in (sandbox OTP) and links every account found at both FIPs.
pub async fn login_and_link(local: &Local) -> Linked {
    let aa = local.service("aa-service").base_url.clone();

    let asked = ok(
        local,
        "POST",
        &format!("{aa}/customer/otp"),
        None,
        Some(json!({"handle": HANDLE})),
    )
    .await;
    let otp_ref = s(&asked["otpRef"]);
    let otp = ok(
        local,
        "GET",
        &format!("{aa}/sandbox/otp/{otp_ref}"),
        None,
        None,
    )
    .await;
    let session = ok(
        local,
        "POST",
        &format!("{aa}/customer/session"),
        None,
        Some(json!({"handle": HANDLE, "otpRef": otp_ref, "otp": s(&otp["otp"])})),
    )
    .await;
    let session_token = s(&session["token"]);
    let token = Some(session_token.as_str());

    let found = ok(
        local,
        "POST",
        &format!("{aa}/customer/discover"),
        token,
        Some(json!({"fipIds": ["FIP-1", "FIP-2"]})),
    )
    .await;
    let mut linked = Vec::new();
    for fip in found["fips"].as_array().unwrap() {
        let fip_id = s(&fip["fipId"]);
        let refs: Vec<String> = fip["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| s(&a["accRefNumber"]))
            .collect();
        assert!(!refs.is_empty(), "no accounts at {fip_id}: {found}");
        let started = ok(
            local,
            "POST",
            &format!("{aa}/customer/link"),
            token,
            Some(json!({"fipId": fip_id, "accounts": refs})),
        )
        .await;
        let ref_number = s(&started["refNumber"]);
        let fip_url = local.eco.party(&fip_id).base_url.clone();
        let fip_otp = ok(
            local,
            "GET",
            &format!("{fip_url}/sandbox/otp/{ref_number}"),
            None,
            None,
        )
        .await;
        let verified = ok(
            local,
            "POST",
            &format!("{aa}/customer/link/verify"),
            token,
            Some(json!({"fipId": fip_id, "refNumber": ref_number, "otp": s(&fip_otp["otp"])})),
        )
        .await;
        for account in verified["accounts"].as_array().unwrap() {
            linked.push(s(&account["linkRefNumber"]));
        }
    }
    Linked {
        session_token,
        linked,
    }
}

/// Has the FIU ask for consent from `template`, approves it for every linked account, and
/// waits for the FIU to hold every artefact (one per FIP) ACTIVE and verified.
pub async fn consent_to_active(local: &Local, customer: &Linked, template: &str) -> Consented {
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    let token = Some(customer.session_token.as_str());
    let linked = &customer.linked;

    let requested = ok(
        local,
        "POST",
        &format!("{fiu}/app/consents"),
        Some(FIU_APP_TOKEN),
        Some(json!({"customer": HANDLE, "template": template})),
    )
    .await;
    let handle = s(&requested["consentHandle"]);
    let pending = ok(
        local,
        "GET",
        &format!("{aa}/customer/consents?status=PENDING"),
        token,
        None,
    )
    .await;
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["consentHandle"] == handle.as_str()),
        "{pending}"
    );
    let approved = ok(
        local,
        "POST",
        &format!("{aa}/customer/consents/{handle}/approve"),
        token,
        Some(json!({"accounts": linked})),
    )
    .await;
    let consent_ids: Vec<String> = approved["consentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        let status = ok(
            local,
            "GET",
            &format!("{fiu}/app/consents/{handle}"),
            Some(FIU_APP_TOKEN),
            None,
        )
        .await;
        let artefacts = status["artefacts"].as_array().cloned().unwrap_or_default();
        let done = artefacts.len() == consent_ids.len()
            && artefacts
                .iter()
                .all(|a| a["status"] == "ACTIVE" && a["verified"] == true);
        if done {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "FIU never held the artefacts: {status}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    Consented {
        handle,
        consent_ids,
        status,
    }
}

/// Waits until the FIU's newest data request on `handle` is COMPLETED and returns it.
pub async fn completed_data_request(local: &Local, handle: &str) -> Value {
    let fiu = local.service("fiu-service").base_url.clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = ok(
            local,
            "GET",
            &format!("{fiu}/app/consents/{handle}/data-requests"),
            Some(FIU_APP_TOKEN),
            None,
        )
        .await;
        if let Some(id) = list["dataRequests"][0]["requestId"].as_str() {
            let request = ok(
                local,
                "GET",
                &format!("{fiu}/app/data-requests/{id}"),
                Some(FIU_APP_TOKEN),
                None,
            )
            .await;
            match request["status"].as_str() {
                Some("COMPLETED") => return request,
                Some("FAILED" | "PARTIAL") => {
                    panic!("data request ended {request}\n{}", local.logs())
                }
                _ => {}
            }
        }
        assert!(
            Instant::now() < deadline,
            "no completed data request for {handle}: {list}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
