//! `aa jws`: sign and verify detached `x-jws-signature` values and compact JWS.

use aa_core::jws::{compact, detached, SigningKey, VerifyingKey};
use clap::Subcommand;

use crate::input;

#[derive(Subcommand)]
pub enum JwsCommand {
    /// Sign stdin; prints the detached x-jws-signature (or, with --compact, a compact JWS).
    Sign {
        /// RSA private key: PKCS#8/PKCS#1 PEM or private JWK.
        #[arg(long)]
        key: String,
        /// Key id for the header (required for PEM keys; a JWK's own kid is the default).
        #[arg(long)]
        kid: Option<String>,
        /// Produce header.payload.signature over stdin instead of a detached signature.
        #[arg(long)]
        compact: bool,
    },
    /// Verify a signature over stdin (or a compact JWS, stdin unused); exit 1 if invalid.
    Verify {
        /// RSA public key (SPKI/PKCS#1 PEM or JWK) or private key (its public half is used).
        #[arg(long)]
        key: String,
        /// The x-jws-signature value, or with --compact the compact JWS.
        #[arg(long)]
        signature: String,
        #[arg(long)]
        compact: bool,
    },
}

fn verifying_key(text: &str) -> Result<VerifyingKey, String> {
    // The kid is taken from the JWS header; the single key given is the one to use.
    VerifyingKey::from_text(text, Some("cli"))
        .or_else(|_| SigningKey::from_text(text, Some("cli")).map(|k| k.verifying_key()))
        .map_err(|e| format!("--key: {e}"))
}

pub fn run(command: JwsCommand) -> Result<Vec<u8>, String> {
    match command {
        JwsCommand::Sign { key, kid, compact } => {
            let key = SigningKey::from_text(&input::value(&key)?, kid.as_deref())
                .map_err(|e| format!("--key: {e}"))?;
            let body = input::stdin_bytes()?;
            let mut out = if compact {
                compact::sign(&key, &body)
            } else {
                detached::sign(&key, &body)
            }
            .into_bytes();
            out.push(b'\n');
            Ok(out)
        }
        JwsCommand::Verify {
            key,
            signature,
            compact,
        } => {
            let key = verifying_key(&input::value(&key)?)?;
            let signature = input::line(&signature)?;
            if compact {
                let verified =
                    compact::verify(&signature, |_| Some(&key)).map_err(|e| e.to_string())?;
                let payload = serde_json::from_slice::<serde_json::Value>(&verified.payload)
                    .unwrap_or_else(|_| {
                        serde_json::Value::String(String::from_utf8_lossy(&verified.payload).into())
                    });
                input::json_output(&serde_json::json!({
                    "valid": true,
                    "kid": verified.header.kid,
                    "payload": payload,
                }))
            } else {
                let body = input::stdin_bytes()?;
                let header = detached::verify(&signature, &body, |_| Some(&key))
                    .map_err(|e| e.to_string())?;
                input::json_output(&serde_json::json!({ "valid": true, "kid": header.kid }))
            }
        }
    }
}
