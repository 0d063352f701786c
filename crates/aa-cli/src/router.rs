//! `aa router serve`: a local SahamatiNet Router (`aa_launch::router`) that forwards every call
//! under `/router/v2` to the entity its `x-request-meta` names, found in a registry file (read
//! again on every call). For services set to `identity.router.url`. Runs until Ctrl-C.

use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use aa_launch::router::LocalRouter;

#[derive(Subcommand)]
pub enum RouterCommand {
    /// Forward calls by `x-request-meta` to the registry's base URLs.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The registry file whose entities are the recipients (`aa init` writes one).
    #[arg(long)]
    registry: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7012")]
    bind: String,
}

pub fn run(command: RouterCommand) -> Result<Vec<u8>, String> {
    let RouterCommand::Serve(args) = command;
    aa_core::registry::Registry::load(&args.registry)
        .map_err(|e| format!("{}: {e}", args.registry.display()))?;
    let listener = TcpListener::bind(&args.bind).map_err(|e| format!("{}: {e}", args.bind))?;
    let router = LocalRouter::serve(listener, args.registry.clone())?;
    eprintln!(
        "aa: local router at {} (recipients from {}; Ctrl-C stops it)",
        router.url(),
        args.registry.display()
    );
    crate::input::until_ctrl_c()?;
    drop(router);
    Ok(Vec::new())
}
