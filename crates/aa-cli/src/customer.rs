//! `aa customer`: drive an AA's customer API from a terminal (what the AA's app would do), so a
//! person can walk the consent flow by hand. See docs/SERVICES.md for the API.

use aa_launch::walk::text;
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::{api, input};

#[derive(Args)]
pub struct CustomerArgs {
    /// Base URL of the AA.
    #[arg(long, env = "AA_URL", default_value = "http://127.0.0.1:7001")]
    aa: String,
    /// Session token from `aa customer login` (or AA_TOKEN).
    #[arg(long, env = "AA_TOKEN")]
    token: Option<String>,
    #[command(subcommand)]
    command: CustomerCommand,
}

#[derive(Subcommand)]
pub enum CustomerCommand {
    /// Ask the AA for a login OTP; prints {"otpRef"}.
    Otp {
        #[arg(long)]
        handle: String,
    },
    /// Log in (registering on first login); prints {"token","handle"}.
    Login {
        #[arg(long)]
        handle: String,
        /// The otpRef from `aa customer otp` (omit with --sandbox).
        #[arg(long)]
        otp_ref: Option<String>,
        /// The OTP received (omit with --sandbox).
        #[arg(long)]
        otp: Option<String>,
        /// Request the OTP and read it from the AA's sandbox endpoint (local set-ups only).
        #[arg(long)]
        sandbox: bool,
    },
    /// List the FIPs the AA knows.
    Fips,
    /// Discover accounts at one or more FIPs.
    Discover {
        #[arg(long = "fip", required = true)]
        fips: Vec<String>,
        #[arg(long)]
        pan: Option<String>,
    },
    /// Start linking accounts at a FIP (the FIP sends an OTP); prints {"fipId","refNumber"}.
    Link {
        #[arg(long)]
        fip: String,
        /// accRefNumber from discovery; repeat for several.
        #[arg(long = "account", required = true)]
        accounts: Vec<String>,
    },
    /// Finish linking with the FIP's OTP.
    LinkVerify {
        #[arg(long)]
        fip: String,
        #[arg(long)]
        ref_number: String,
        #[arg(long)]
        otp: String,
    },
    /// List linked accounts.
    Accounts,
    /// End the link of an account (the AA asks the FIP); a consent left with no linked
    /// account is revoked.
    Delink {
        #[arg(long)]
        fip: String,
        #[arg(long)]
        link_ref_number: String,
    },
    /// List consent requests (default: pending ones; `all`: every request), with their
    /// artefacts' consent ids and statuses once approved.
    Consents {
        /// PENDING, ACTIVE, REJECTED, EXPIRED or all.
        #[arg(long, default_value = "PENDING")]
        status: String,
    },
    /// Pause an ACTIVE consent (one artefact: a consentId from `consents`).
    Pause { consent_id: String },
    /// Resume a PAUSED consent.
    Resume { consent_id: String },
    /// Revoke an ACTIVE or PAUSED consent (final).
    Revoke { consent_id: String },
    /// Approve a consent request, sharing the given linked accounts.
    Approve {
        handle: String,
        /// linkRefNumber; repeat for several.
        #[arg(long = "account", required = true)]
        accounts: Vec<String>,
    },
    /// Reject a consent request.
    Reject { handle: String },
    /// Leave the AA: every consent revoked, every pending request rejected, every link delinked
    /// at its FIP, and the customer forgotten (the token stops working).
    Deregister,
}

fn output(value: &Value) -> Result<Vec<u8>, String> {
    input::json_output(value)
}

/// `POST /customer/consents/{consentId}/{action}`, the id checked so it cannot change the path.
fn consent_change(
    consent_id: &str,
    action: &str,
) -> Result<(&'static str, String, Option<Value>), String> {
    let id = consent_id.trim();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("{consent_id:?} is not a consent id"));
    }
    Ok(("POST", format!("/consents/{id}/{action}"), Some(json!({}))))
}

pub fn run(args: CustomerArgs) -> Result<Vec<u8>, String> {
    let base = args.aa.trim_end_matches('/');
    let token = || -> Result<String, String> {
        args.token
            .as_deref()
            .map(input::line)
            .transpose()?
            .ok_or_else(|| {
                "--token (or AA_TOKEN) is required; get one with `aa customer login`".to_owned()
            })
    };
    let ask_otp = |handle: &str| {
        let body = json!({ "handle": handle });
        api::call("POST", &format!("{base}/customer/otp"), None, Some(&body))
    };
    // The log-in calls go without a token; every other call is the customer's, with it.
    let (method, path, body) = match args.command {
        CustomerCommand::Otp { handle } => return output(&ask_otp(&handle)?),
        CustomerCommand::Login {
            handle,
            otp_ref,
            otp,
            sandbox,
        } => {
            let (otp_ref, otp) = match (otp_ref, otp, sandbox) {
                (Some(r), Some(o), false) => (r, o),
                (None, None, true) => {
                    let otp_ref = text(&ask_otp(&handle)?, "otpRef")?;
                    let read =
                        api::call("GET", &format!("{base}/sandbox/otp/{otp_ref}"), None, None)?;
                    (otp_ref, text(&read, "otp")?)
                }
                _ => return Err("give --otp-ref and --otp, or --sandbox".into()),
            };
            return output(&api::call(
                "POST",
                &format!("{base}/customer/session"),
                None,
                Some(&json!({ "handle": handle, "otpRef": otp_ref, "otp": otp })),
            )?);
        }
        CustomerCommand::Fips => ("GET", "/fips".into(), None),
        CustomerCommand::Discover { fips, pan } => {
            let mut body = json!({ "fipIds": fips });
            if let Some(pan) = pan {
                body["pan"] = json!(pan);
            }
            ("POST", "/discover".into(), Some(body))
        }
        CustomerCommand::Link { fip, accounts } => (
            "POST",
            "/link".into(),
            Some(json!({ "fipId": fip, "accounts": accounts })),
        ),
        CustomerCommand::LinkVerify {
            fip,
            ref_number,
            otp,
        } => (
            "POST",
            "/link/verify".into(),
            Some(json!({ "fipId": fip, "refNumber": ref_number, "otp": otp })),
        ),
        CustomerCommand::Accounts => ("GET", "/accounts".into(), None),
        CustomerCommand::Delink {
            fip,
            link_ref_number,
        } => (
            "POST",
            "/accounts/delink".into(),
            Some(json!({ "fipId": fip, "linkRefNumber": link_ref_number })),
        ),
        CustomerCommand::Consents { status } if status.eq_ignore_ascii_case("all") => {
            ("GET", "/consents".into(), None)
        }
        CustomerCommand::Consents { status } => {
            let status = status.trim().to_ascii_uppercase();
            if !status.chars().all(|c| c.is_ascii_uppercase()) || status.is_empty() {
                return Err(format!(
                    "--status {status:?}: give PENDING, ACTIVE, REJECTED, EXPIRED or all"
                ));
            }
            ("GET", format!("/consents?status={status}"), None)
        }
        CustomerCommand::Pause { consent_id } => consent_change(&consent_id, "pause")?,
        CustomerCommand::Resume { consent_id } => consent_change(&consent_id, "resume")?,
        CustomerCommand::Revoke { consent_id } => consent_change(&consent_id, "revoke")?,
        CustomerCommand::Approve { handle, accounts } => (
            "POST",
            format!("/consents/{handle}/approve"),
            Some(json!({ "accounts": accounts })),
        ),
        CustomerCommand::Reject { handle } => (
            "POST",
            format!("/consents/{handle}/reject"),
            Some(json!({})),
        ),
        CustomerCommand::Deregister => ("POST", "/deregister".into(), Some(json!({}))),
    };
    output(&api::call(
        method,
        &format!("{base}/customer{path}"),
        Some(&token()?),
        body.as_ref(),
    )?)
}
