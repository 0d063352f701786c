//! `aa cr serve`: a local Sahamati Central Registry serving a registry file's entities in the
//! CR's shapes (`aa_launch::central_registry`), for services set to
//! `identity.registry_source: central_registry`. Runs until Ctrl-C; the file is read at every
//! request, so editing it publishes a change.

use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use aa_launch::central_registry::LocalCentralRegistry;

#[derive(Subcommand)]
pub enum CrCommand {
    /// Serve `GET /entityInfo/{AA|FIP|FIU}` and `GET /v2/entityInfo/{type}` from a registry file.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The registry file whose entities (and token issuers, which verify callers' tokens) are served.
    #[arg(long)]
    registry: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7010")]
    bind: String,
}

pub fn run(command: CrCommand) -> Result<Vec<u8>, String> {
    let CrCommand::Serve(args) = command;
    aa_core::registry::Registry::load(&args.registry).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(&args.bind).map_err(|e| format!("{}: {e}", args.bind))?;
    let cr = LocalCentralRegistry::serve(listener, args.registry)?;
    eprintln!(
        "aa: local central registry at {} (Ctrl-C stops it)",
        cr.url()
    );
    crate::input::until_ctrl_c()?;
    drop(cr);
    Ok(Vec::new())
}
