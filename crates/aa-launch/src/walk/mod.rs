//! The walkthrough client: one customer, as the AA's app and the FIU's back office would drive
//! them, over the running services. [`Walker`] has each step; [`walk`] is the whole loop
//! `aa demo` tells step by step.

mod steps;

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::ecosystem::Ecosystem;

pub use steps::{text, Consented, Linked, Walker, HANDLE, MOBILE, TEMPLATE};

/// What [`walk`] ends with.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub consent_handle: String,
    /// The FIU's data request, as `GET /app/data-requests/{id}` returns it.
    pub data_request: Value,
}

/// The whole loop, each step timed and told through `say`: log in, discover and link at both
/// banks, consent, approval, the artefacts at the FIU, and the data fetched and decrypted.
pub async fn walk(eco: &Ecosystem, say: &mut dyn FnMut(&str, Duration)) -> Result<Outcome, String> {
    let walker = Walker::new(eco)?;
    let mut step = Instant::now();
    let mut done = |message: String, step: &mut Instant| {
        say(&message, step.elapsed());
        *step = Instant::now();
    };

    // 1. Log in to the AA with an OTP.
    let token = walker.login(HANDLE).await?;
    done(format!("{HANDLE} logged in to AA-1 with an OTP"), &mut step);

    // 2. Discover at both banks.
    let fips = walker.discover(&token, &["FIP-1", "FIP-2"]).await?;
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
        let (fip_id, accounts) = walker.link(&token, fip).await?;
        done(
            format!(
                "linked {} account(s) at {fip_id} with its OTP",
                accounts.len()
            ),
            &mut step,
        );
        linked.extend(accounts);
    }

    // 4. The lender asks for consent.
    let consent_handle = walker.request_consent(TEMPLATE).await?;
    done(
        format!("FIU-1 asked for consent ({TEMPLATE}): handle {consent_handle}"),
        &mut step,
    );

    // 5. The customer sees it pending and approves it for every linked account.
    let artefacts = walker
        .approve(&token, &consent_handle, &linked)
        .await?
        .len();
    done(
        format!(
            "customer approved it for {} account(s): {artefacts} signed consent(s), one per bank",
            linked.len()
        ),
        &mut step,
    );

    // 6. The artefacts reach the FIU, which verifies the AA's signature.
    walker.artefacts_active(&consent_handle, artefacts).await?;
    done(
        "FIU-1 holds both consent artefacts, ACTIVE, AA signature verified".into(),
        &mut step,
    );

    // 7. The FIU asks for the data (automatically once ACTIVE); the banks prepare and encrypt
    // it for the FIU's ephemeral key; the FIU fetches it through the AA and decrypts it.
    let request_id = walker.data_request_id(&consent_handle).await?;
    done(
        format!("FIU-1 requested the data (request {request_id})"),
        &mut step,
    );
    let data_request = walker.completed(&request_id).await?;
    done(
        "both banks prepared and encrypted the data; FIU-1 fetched it through AA-1 and decrypted it".into(),
        &mut step,
    );
    Ok(Outcome {
        consent_handle,
        data_request,
    })
}
