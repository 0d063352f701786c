//! `aa fiu`: drive an FIU's app API from a terminal: templates, consent requests, status, data
//! requests and the decrypted data (JSON, or `--table` as `aa demo` prints it).

use clap::{Args, Subcommand};
use serde_json::json;

use crate::demo::report;
use crate::{api, input};

#[derive(Args)]
pub struct FiuArgs {
    /// Base URL of the FIU.
    #[arg(long, env = "FIU_URL", default_value = "http://127.0.0.1:7004")]
    fiu: String,
    /// The FIU app API token (or FIU_APP_TOKEN).
    #[arg(long, env = "FIU_APP_TOKEN")]
    token: String,
    #[command(subcommand)]
    command: FiuCommand,
}

#[derive(Subcommand)]
pub enum FiuCommand {
    /// List the consent templates.
    Templates,
    /// Ask a customer for consent from a template; prints {"consentHandle","status"}.
    Request {
        /// Customer handle, e.g. 9999999999@AA-1.
        #[arg(long)]
        customer: String,
        #[arg(long)]
        template: String,
    },
    /// Show a consent request's status and artefacts.
    Status { handle: String },
    /// Ask for the data of an ACTIVE consent again (whole range, or --from/--to within it);
    /// prints {"requestId","status","sessions"}.
    DataRequest {
        handle: String,
        /// RFC 3339, with --to.
        #[arg(long, requires = "to")]
        from: Option<String>,
        #[arg(long, requires = "from")]
        to: Option<String>,
    },
    /// List a consent's data requests, newest first.
    DataRequests { handle: String },
    /// Show a data request with the decrypted accounts (profile, summary, transactions).
    Data {
        request_id: String,
        /// A table of the decrypted accounts instead of JSON.
        #[arg(long)]
        table: bool,
    },
}

/// A handle or request id, checked so that it cannot change the path.
fn id(value: &str) -> Result<&str, String> {
    let value = value.trim();
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("{value:?} is not a consent handle or request id"));
    }
    Ok(value)
}

pub fn run(args: FiuArgs) -> Result<Vec<u8>, String> {
    let base = args.fiu.trim_end_matches('/');
    let token = input::line(&args.token)?;
    let value = match args.command {
        FiuCommand::Templates => {
            api::call("GET", &format!("{base}/app/templates"), Some(&token), None)?
        }
        FiuCommand::Request { customer, template } => api::call(
            "POST",
            &format!("{base}/app/consents"),
            Some(&token),
            Some(&json!({ "customer": customer, "template": template })),
        )?,
        FiuCommand::Status { handle } => api::call(
            "GET",
            &format!("{base}/app/consents/{}", id(&handle)?),
            Some(&token),
            None,
        )?,
        FiuCommand::DataRequest { handle, from, to } => {
            let body = match (from, to) {
                (Some(from), Some(to)) => Some(json!({ "from": from, "to": to })),
                _ => None,
            };
            api::call(
                "POST",
                &format!("{base}/app/consents/{}/data-requests", id(&handle)?),
                Some(&token),
                body.as_ref(),
            )?
        }
        FiuCommand::DataRequests { handle } => api::call(
            "GET",
            &format!("{base}/app/consents/{}/data-requests", id(&handle)?),
            Some(&token),
            None,
        )?,
        FiuCommand::Data { request_id, table } => {
            let value = api::call(
                "GET",
                &format!("{base}/app/data-requests/{}", id(&request_id)?),
                Some(&token),
                None,
            )?;
            if table {
                let rows = report::rows(&value, &[])?;
                let status = value["status"].as_str().unwrap_or("?");
                return Ok(format!("{}\nstatus {status}\n", report::table(&rows)).into_bytes());
            }
            value
        }
    };
    input::json_output(&value)
}
