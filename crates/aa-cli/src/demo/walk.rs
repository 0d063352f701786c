//! The walk itself: one customer, as the AA's app and the FIU's back office would drive it,
//! over the real services. Each step is timed and told through `say`; the result is what the
//! FIU decrypted, per FIP and account.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::ecosystem::{Ecosystem, FIU_APP_TOKEN};
use crate::api::call;

/// The customer known to both demo banks.
pub const MOBILE: &str = "9999999999";
/// What the lender asks for: a year of statements with profile and summary, once.
pub const TEMPLATE: &str = "loan-underwriting";

/// What the walk ends with.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub consent_handle: String,
    /// The FIU's data request, as `GET /app/data-requests/{id}` returns it.
    pub data_request: Value,
}

fn text(value: &Value, field: &str) -> Result<String, String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no {field} in {value}"))
}

/// Polls `probe` every 200 ms until it returns `Some`; fails after `limit`, or as soon as a
/// service of the ecosystem has stopped.
fn until<T>(
    eco: &Ecosystem,
    what: &str,
    limit: Duration,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = probe()? {
            return Ok(found);
        }
        eco.check_running()?;
        if Instant::now() > deadline {
            return Err(format!(
                "gave up waiting for {what} after {}s",
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn walk(eco: &Ecosystem, say: &mut dyn FnMut(&str, Duration)) -> Result<Outcome, String> {
    let aa = eco.party("AA-1")?.base_url();
    let fiu = eco.party("FIU-1")?.base_url();
    let handle = format!("{MOBILE}@AA-1");
    let mut step = Instant::now();
    let mut done = |message: String, step: &mut Instant| {
        say(&message, step.elapsed());
        *step = Instant::now();
    };

    // 1. Log in to the AA with an OTP (the sandbox endpoint stands in for the SMS).
    let asked = call(
        "POST",
        &format!("{aa}/customer/otp"),
        None,
        Some(&json!({"handle": handle})),
    )?;
    let otp_ref = text(&asked, "otpRef")?;
    let otp = call("GET", &format!("{aa}/sandbox/otp/{otp_ref}"), None, None)?;
    let session = call(
        "POST",
        &format!("{aa}/customer/session"),
        None,
        Some(&json!({"handle": handle, "otpRef": otp_ref, "otp": text(&otp, "otp")?})),
    )?;
    let token = text(&session, "token")?;
    let token = Some(token.as_str());
    done(format!("{handle} logged in to AA-1 with an OTP"), &mut step);

    // 2. Discover at both banks.
    let found = call(
        "POST",
        &format!("{aa}/customer/discover"),
        token,
        Some(&json!({"fipIds": ["FIP-1", "FIP-2"]})),
    )?;
    let fips = found["fips"].as_array().cloned().unwrap_or_default();
    let counts: Vec<String> = fips
        .iter()
        .map(|f| {
            format!(
                "{} at {}",
                f["accounts"].as_array().map_or(0, Vec::len),
                f["fipId"].as_str().unwrap_or("?")
            )
        })
        .collect();
    done(
        format!(
            "discovered accounts by mobile number: {}",
            counts.join(", ")
        ),
        &mut step,
    );

    // 3. Link every account at each bank with the bank's own OTP.
    let mut linked = Vec::new();
    for fip in &fips {
        let fip_id = text(fip, "fipId")?;
        let refs: Vec<Value> = fip["accounts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| a["accRefNumber"].clone())
            .collect();
        if refs.is_empty() {
            return Err(format!("no accounts found at {fip_id}"));
        }
        let started = call(
            "POST",
            &format!("{aa}/customer/link"),
            token,
            Some(&json!({"fipId": fip_id, "accounts": refs})),
        )?;
        let ref_number = text(&started, "refNumber")?;
        let bank = eco.party(&fip_id)?.base_url();
        let otp = call(
            "GET",
            &format!("{bank}/sandbox/otp/{ref_number}"),
            None,
            None,
        )?;
        let verified = call(
            "POST",
            &format!("{aa}/customer/link/verify"),
            token,
            Some(&json!({"fipId": fip_id, "refNumber": ref_number, "otp": text(&otp, "otp")?})),
        )?;
        let accounts = verified["accounts"].as_array().cloned().unwrap_or_default();
        for account in &accounts {
            linked.push(account["linkRefNumber"].clone());
        }
        done(
            format!(
                "linked {} account(s) at {fip_id} with its OTP",
                accounts.len()
            ),
            &mut step,
        );
    }

    // 4. The lender asks for consent.
    let requested = call(
        "POST",
        &format!("{fiu}/app/consents"),
        Some(FIU_APP_TOKEN),
        Some(&json!({"customer": handle, "template": TEMPLATE})),
    )?;
    let consent_handle = text(&requested, "consentHandle")?;
    done(
        format!("FIU-1 asked for consent ({TEMPLATE}): handle {consent_handle}"),
        &mut step,
    );

    // 5. The customer sees it pending and approves it for every linked account.
    let pending = call(
        "GET",
        &format!("{aa}/customer/consents?status=PENDING"),
        token,
        None,
    )?;
    let listed = pending.as_array().is_some_and(|l| {
        l.iter()
            .any(|c| c["consentHandle"] == consent_handle.as_str())
    });
    if !listed {
        return Err(format!(
            "the consent request is not pending at the AA: {pending}"
        ));
    }
    let approved = call(
        "POST",
        &format!("{aa}/customer/consents/{consent_handle}/approve"),
        token,
        Some(&json!({"accounts": linked})),
    )?;
    let artefacts = approved["consentIds"].as_array().map_or(0, Vec::len);
    done(
        format!(
            "customer approved it for {} account(s): {artefacts} signed consent(s), one per bank",
            linked.len()
        ),
        &mut step,
    );

    // 6. The artefacts reach the FIU, which verifies the AA's signature.
    until(
        eco,
        "the FIU to hold the signed consents",
        Duration::from_secs(60),
        || {
            let status = call(
                "GET",
                &format!("{fiu}/app/consents/{consent_handle}"),
                Some(FIU_APP_TOKEN),
                None,
            )?;
            let list = status["artefacts"].as_array().cloned().unwrap_or_default();
            let ready = list.len() == artefacts
                && list
                    .iter()
                    .all(|a| a["status"] == "ACTIVE" && a["verified"] == true);
            Ok(ready.then_some(()))
        },
    )?;
    done(
        "FIU-1 holds both consent artefacts, ACTIVE, AA signature verified".into(),
        &mut step,
    );

    // 7. The FIU asks for the data (automatically once ACTIVE); the banks prepare and encrypt
    // it for the FIU's ephemeral key; the FIU fetches it through the AA and decrypts it.
    let request_id = until(
        eco,
        "the FIU's data request",
        Duration::from_secs(30),
        || {
            let list = call(
                "GET",
                &format!("{fiu}/app/consents/{consent_handle}/data-requests"),
                Some(FIU_APP_TOKEN),
                None,
            )?;
            Ok(list["dataRequests"][0]["requestId"]
                .as_str()
                .map(str::to_owned))
        },
    )?;
    done(
        format!("FIU-1 requested the data (request {request_id})"),
        &mut step,
    );
    let data_request = until(
        eco,
        "the data to be fetched and decrypted",
        Duration::from_secs(120),
        || {
            let request = call(
                "GET",
                &format!("{fiu}/app/data-requests/{request_id}"),
                Some(FIU_APP_TOKEN),
                None,
            )?;
            match request["status"].as_str() {
                Some("COMPLETED") => Ok(Some(request)),
                Some(status @ ("FAILED" | "PARTIAL")) => {
                    Err(format!("the data request ended {status}: {request}"))
                }
                _ => Ok(None),
            }
        },
    )?;
    done(
        "both banks prepared and encrypted the data; FIU-1 fetched it through AA-1 and decrypted it".into(),
        &mut step,
    );
    Ok(Outcome {
        consent_handle,
        data_request,
    })
}
