//! The walkthrough client's steps: log in with an OTP, discover, link with each FIP's OTP, the
//! FIU asks for consent, approve, wait for the artefacts and the data. Every wait polls with a
//! deadline and fails as soon as a service of the ecosystem has stopped.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::ecosystem::{Ecosystem, FIU_APP_TOKEN};
use crate::http::call;

/// The customer known to both demo banks.
pub const MOBILE: &str = "9999999999";
/// Their address at AA-1.
pub const HANDLE: &str = "9999999999@AA-1";
/// What the lender asks for: a year of statements with profile and summary, once.
pub const TEMPLATE: &str = "loan-underwriting";

/// A logged-in customer with accounts linked.
#[derive(Debug, Clone)]
pub struct Linked {
    pub session_token: String,
    /// Every linked account's `linkRefNumber`, in the order the FIPs were asked.
    pub linked: Vec<String>,
}

/// Where [`Walker::consent_to_active`] left the flow.
#[derive(Debug, Clone)]
pub struct Consented {
    pub handle: String,
    /// One per FIP.
    pub consent_ids: Vec<String>,
    /// The FIU's view of the consent once every artefact is ACTIVE and verified.
    pub status: Value,
}

/// A JSON field's string value, or an error naming what is missing.
pub fn text(value: &Value, field: &str) -> Result<String, String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no {field} in {value}"))
}

/// The customer's and the lender's client for one ecosystem.
pub struct Walker<'a> {
    eco: &'a Ecosystem,
    pub aa: String,
    pub fiu: String,
}

impl<'a> Walker<'a> {
    pub fn new(eco: &'a Ecosystem) -> Result<Self, String> {
        Ok(Self {
            aa: eco.party("AA-1")?.base_url.clone(),
            fiu: eco.party("FIU-1")?.base_url.clone(),
            eco,
        })
    }

    /// A call to the FIU's app API with the app token.
    pub async fn fiu_app(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        call(
            method,
            &format!("{}{path}", self.fiu),
            Some(FIU_APP_TOKEN),
            body,
        )
        .await
    }

    /// Polls `probe` every 200 ms until it returns `Some`; fails after `limit`, or as soon as a
    /// service of the ecosystem has stopped.
    pub async fn until<T, F, P>(
        &self,
        what: &str,
        limit: Duration,
        mut probe: P,
    ) -> Result<T, String>
    where
        F: Future<Output = Result<Option<T>, String>>,
        P: FnMut() -> F,
    {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(found) = probe().await? {
                return Ok(found);
            }
            self.eco.check_running()?;
            if Instant::now() > deadline {
                return Err(format!(
                    "gave up waiting for {what} after {}s",
                    limit.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Logs `handle` in to the AA with an OTP (the sandbox endpoint stands in for the SMS);
    /// returns the session token.
    pub async fn login(&self, handle: &str) -> Result<String, String> {
        let aa = &self.aa;
        let asked = call(
            "POST",
            &format!("{aa}/customer/otp"),
            None,
            Some(&json!({"handle": handle})),
        )
        .await?;
        let otp_ref = text(&asked, "otpRef")?;
        let otp = call("GET", &format!("{aa}/sandbox/otp/{otp_ref}"), None, None).await?;
        let session = call(
            "POST",
            &format!("{aa}/customer/session"),
            None,
            Some(&json!({"handle": handle, "otpRef": otp_ref, "otp": text(&otp, "otp")?})),
        )
        .await?;
        text(&session, "token")
    }

    /// Discovers the customer's accounts at `fip_ids`: the `fips` entries of the answer.
    pub async fn discover(&self, token: &str, fip_ids: &[&str]) -> Result<Vec<Value>, String> {
        let found = call(
            "POST",
            &format!("{}/customer/discover", self.aa),
            Some(token),
            Some(&json!({"fipIds": fip_ids})),
        )
        .await?;
        Ok(found["fips"].as_array().cloned().unwrap_or_default())
    }

    /// Links every account of one discovered `fip` entry with that FIP's own OTP; returns the
    /// FIP id and the `linkRefNumber`s.
    pub async fn link(&self, token: &str, fip: &Value) -> Result<(String, Vec<String>), String> {
        let fip_id = text(fip, "fipId")?;
        let refs: Vec<Value> = fip["accounts"]
            .as_array()
            .map(|list| list.iter().map(|a| a["accRefNumber"].clone()).collect())
            .unwrap_or_default();
        if refs.is_empty() {
            return Err(format!("no accounts found at {fip_id}"));
        }
        let aa = &self.aa;
        let started = call(
            "POST",
            &format!("{aa}/customer/link"),
            Some(token),
            Some(&json!({"fipId": fip_id, "accounts": refs})),
        )
        .await?;
        let ref_number = text(&started, "refNumber")?;
        let bank = &self.eco.party(&fip_id)?.base_url;
        let otp = call(
            "GET",
            &format!("{bank}/sandbox/otp/{ref_number}"),
            None,
            None,
        )
        .await?;
        let verified = call(
            "POST",
            &format!("{aa}/customer/link/verify"),
            Some(token),
            Some(&json!({"fipId": fip_id, "refNumber": ref_number, "otp": text(&otp, "otp")?})),
        )
        .await?;
        let mut linked = Vec::new();
        for account in verified["accounts"].as_array().into_iter().flatten() {
            linked.push(text(account, "linkRefNumber")?);
        }
        Ok((fip_id, linked))
    }

    /// Logs [`HANDLE`] in and links every account found at FIP-1 and FIP-2.
    pub async fn login_and_link(&self) -> Result<Linked, String> {
        let session_token = self.login(HANDLE).await?;
        let mut linked = Vec::new();
        for fip in self.discover(&session_token, &["FIP-1", "FIP-2"]).await? {
            linked.extend(self.link(&session_token, &fip).await?.1);
        }
        Ok(Linked {
            session_token,
            linked,
        })
    }

    /// The FIU asks for consent from `template` for [`HANDLE`]; returns the consent handle.
    pub async fn request_consent(&self, template: &str) -> Result<String, String> {
        let requested = self
            .fiu_app(
                "POST",
                "/app/consents",
                Some(&json!({"customer": HANDLE, "template": template})),
            )
            .await?;
        text(&requested, "consentHandle")
    }

    /// The customer sees `handle` pending and approves it for `linked`; returns the consent ids
    /// (one artefact per FIP).
    pub async fn approve(
        &self,
        token: &str,
        handle: &str,
        linked: &[String],
    ) -> Result<Vec<String>, String> {
        let aa = &self.aa;
        let pending = call(
            "GET",
            &format!("{aa}/customer/consents?status=PENDING"),
            Some(token),
            None,
        )
        .await?;
        let listed = pending
            .as_array()
            .is_some_and(|l| l.iter().any(|c| c["consentHandle"] == handle));
        if !listed {
            return Err(format!(
                "the consent request is not pending at the AA: {pending}"
            ));
        }
        let approved = call(
            "POST",
            &format!("{aa}/customer/consents/{handle}/approve"),
            Some(token),
            Some(&json!({"accounts": linked})),
        )
        .await?;
        approved["consentIds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|id| {
                id.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("no consent id in {approved}"))
            })
            .collect()
    }

    /// Waits until the FIU holds `count` artefacts of `handle`, ACTIVE and verified; returns the
    /// FIU's view of the consent.
    pub async fn artefacts_active(&self, handle: &str, count: usize) -> Result<Value, String> {
        self.until(
            "the FIU to hold the signed consents",
            Duration::from_secs(60),
            || async {
                let status = self
                    .fiu_app("GET", &format!("/app/consents/{handle}"), None)
                    .await?;
                let list = status["artefacts"].as_array().cloned().unwrap_or_default();
                let ready = list.len() == count
                    && list
                        .iter()
                        .all(|a| a["status"] == "ACTIVE" && a["verified"] == true);
                Ok(ready.then_some(status))
            },
        )
        .await
    }

    /// The FIU asks for consent from `template`, the customer approves it for every linked
    /// account, and the FIU holds every artefact ACTIVE and verified.
    pub async fn consent_to_active(
        &self,
        customer: &Linked,
        template: &str,
    ) -> Result<Consented, String> {
        let handle = self.request_consent(template).await?;
        let consent_ids = self
            .approve(&customer.session_token, &handle, &customer.linked)
            .await?;
        let status = self.artefacts_active(&handle, consent_ids.len()).await?;
        Ok(Consented {
            handle,
            consent_ids,
            status,
        })
    }

    /// One full loop for a customer whose accounts are linked: the FIU asks for consent, the
    /// customer approves it for every linked account, the FIU holds the artefacts ACTIVE and its
    /// data request ends COMPLETED with decrypted data for every linked account. Returns the
    /// consent handle and the data request.
    pub async fn full_loop(&self, customer: &Linked) -> Result<(String, Value), String> {
        let handle = self.request_consent(TEMPLATE).await?;
        let consent_ids = self
            .approve(&customer.session_token, &handle, &customer.linked)
            .await?;
        self.artefacts_active(&handle, consent_ids.len()).await?;
        let request_id = self.data_request_id(&handle).await?;
        let request = self.completed(&request_id).await?;
        let with_data = request["fips"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|fip| fip["accounts"].as_array().into_iter().flatten())
            .filter(|account| account["data"].is_object())
            .count();
        if with_data < customer.linked.len() {
            return Err(format!(
                "data request {request_id} completed with data for {with_data} of {} accounts",
                customer.linked.len()
            ));
        }
        Ok((handle, request))
    }

    /// The id of the FIU's newest data request on `handle`, once there is one.
    pub async fn data_request_id(&self, handle: &str) -> Result<String, String> {
        self.until(
            "the FIU's data request",
            Duration::from_secs(30),
            || async {
                let list = self
                    .fiu_app(
                        "GET",
                        &format!("/app/consents/{handle}/data-requests"),
                        None,
                    )
                    .await?;
                Ok(list["dataRequests"][0]["requestId"]
                    .as_str()
                    .map(str::to_owned))
            },
        )
        .await
    }

    /// Waits until data request `id` is COMPLETED and returns it; fails if it ends otherwise.
    pub async fn completed(&self, id: &str) -> Result<Value, String> {
        self.until(
            "the data to be fetched and decrypted",
            Duration::from_secs(120),
            || async {
                let request = self
                    .fiu_app("GET", &format!("/app/data-requests/{id}"), None)
                    .await?;
                match request["status"].as_str() {
                    Some("COMPLETED") => Ok(Some(request)),
                    Some(status @ ("FAILED" | "PARTIAL")) => {
                        Err(format!("the data request ended {status}: {request}"))
                    }
                    _ => Ok(None),
                }
            },
        )
        .await
    }
}
