//! `aa ts serve`: a local Sahamati token service (`aa_launch::token_service`) issuing 24-hour
//! access tokens in Sahamati's shape to the clients of a file, for services set to
//! `identity.api_keys.mode: token_service`. Runs until Ctrl-C.

use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use aa_launch::token_service::{Client, LocalTokenService};

#[derive(Subcommand)]
pub enum TsCommand {
    /// Serve `POST /iam/v1/entity/token/generate`, the OpenID Connect token grant and the JWKS.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The RSA private key (PEM) that signs the tokens.
    #[arg(long)]
    key: PathBuf,
    /// The `kid` of that key in the tokens and the JWKS.
    #[arg(long, default_value = "local-token-service-1")]
    kid: String,
    /// The clients, one per line: `ENTITY-ID ROLE SECRET` (`#` starts a comment).
    #[arg(long)]
    clients: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7011")]
    bind: String,
}

/// The clients of a clients file.
fn clients(text: &str) -> Result<Vec<Client>, String> {
    let mut clients = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [id, role, secret] = fields.as_slice() else {
            return Err(format!("line {}: expected ENTITY-ID ROLE SECRET", n + 1));
        };
        if !["AA", "FIP", "FIU"].contains(role) {
            return Err(format!("line {}: the role is AA, FIP or FIU", n + 1));
        }
        clients.push(Client {
            id: (*id).to_owned(),
            role: (*role).to_owned(),
            secret: (*secret).to_owned(),
        });
    }
    if clients.is_empty() {
        return Err("the clients file names no client".into());
    }
    Ok(clients)
}

pub fn run(command: TsCommand) -> Result<Vec<u8>, String> {
    let TsCommand::Serve(args) = command;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let clients =
        clients(&read(&args.clients)?).map_err(|e| format!("{}: {e}", args.clients.display()))?;
    let key = read(&args.key)?;
    let listener = TcpListener::bind(&args.bind).map_err(|e| format!("{}: {e}", args.bind))?;
    let ts = LocalTokenService::serve(listener, &key, &args.kid, clients)?;
    eprintln!(
        "aa: local token service at {} (IAM API {}, JWKS {}, issuer {}; Ctrl-C stops it)",
        ts.url(),
        ts.iam_url(),
        ts.jwks_url(),
        ts.issuer()
    );
    crate::input::until_ctrl_c()?;
    drop(ts);
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_file_is_read_strictly() {
        let read = clients("# demo\nAA-1 AA s1\nFIU-1 FIU s2 # the lender\n").unwrap_or_default();
        assert_eq!(read.len(), 2);
        assert_eq!(
            (read[1].id.as_str(), read[1].role.as_str()),
            ("FIU-1", "FIU")
        );
        assert!(clients("AA-1 AA").is_err());
        assert!(clients("AA-1 BANK s").is_err());
        assert!(clients("# nothing\n").is_err());
    }
}
