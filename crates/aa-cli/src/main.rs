//! `aa`: the command-line tool for FIU and FIP integrators. Generate FI keys, encrypt and
//! decrypt FI data, sign and verify `x-jws-signature` and signed consents, issue and verify API
//! keys, and walk the consent flow as a customer (`aa customer`) or an FIU (`aa fiu`), or run the whole
//! ecosystem locally and walk it (`aa demo`), or write it for containers (`aa init`), or serve a local Central Registry (`aa cr serve`), token service (`aa ts serve`) or router
//! (`aa router serve`). Values may be given as `@path` to read them from a file. On failure: the reason on
//! stderr, exit 1, nothing on stdout.

mod api;
mod cr;
mod customer;
mod demo;
mod fi;
mod fiu;
mod init;
mod input;
mod jws;
mod router;
mod token;
mod ts;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "aa",
    version,
    about = "Account Aggregator (ReBIT) tool: FI crypto, JWS, API keys"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// End-to-end FI encryption (ECDH + HKDF-SHA256 + AES-256-GCM, rahasya-compatible).
    #[command(subcommand)]
    Fi(fi::FiCommand),
    /// Detached `x-jws-signature` and compact (signed consent) RS256 JWS.
    #[command(subcommand)]
    Jws(jws::JwsCommand),
    /// API keys: RS256 JWTs with iss, sub, azp, roles, iat, exp, jti.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Act as a customer of an AA: log in, discover, link, approve or reject consents.
    Customer(customer::CustomerArgs),
    /// Act as an FIU's back office: consent requests and their status.
    Fiu(fiu::FiuArgs),
    /// Run the whole ecosystem locally (AA, two FIPs, FIU) and walk one customer through it,
    /// or walk one that already runs (--against).
    Demo(demo::DemoArgs),
    /// Write the ecosystem's keys, registry and per-service settings into a directory, for
    /// services that run elsewhere (containers): the same ecosystem `aa demo` runs.
    Init(init::InitArgs),
    /// A local Sahamati Central Registry serving a registry file (`aa cr serve`).
    #[command(subcommand)]
    Cr(cr::CrCommand),
    /// A local Sahamati token service issuing access tokens to a clients file (`aa ts serve`).
    #[command(subcommand)]
    Ts(ts::TsCommand),
    /// A local SahamatiNet Router forwarding calls by `x-request-meta` (`aa router serve`).
    #[command(subcommand)]
    Router(router::RouterCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fi(command) => fi::run(command),
        Command::Jws(command) => jws::run(command),
        Command::Token(command) => token::run(command),
        Command::Customer(args) => customer::run(args),
        Command::Fiu(args) => fiu::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Init(args) => init::run(args),
        Command::Cr(command) => cr::run(command),
        Command::Ts(command) => ts::run(command),
        Command::Router(command) => router::run(command),
    };
    match result {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(&output)
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("aa: {message}");
            ExitCode::FAILURE
        }
    }
}
