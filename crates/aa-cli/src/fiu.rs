//! `aa fiu`: drive an FIU's app API from a terminal: templates, consent requests, status.

use clap::{Args, Subcommand};
use serde_json::json;

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
            &format!("{base}/app/consents/{handle}"),
            Some(&token),
            None,
        )?,
    };
    input::json_output(&value)
}
