//! `aa token`: issue and verify API keys.

use aa_core::apikey::{Issuer, Verifier};
use aa_core::jws::{SigningKey, VerifyingKey};
use clap::Subcommand;

use crate::input;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an API key (prints the raw JWT, as sent in client_api_key / fip_api_key / aa_api_key).
    Issue {
        /// Issuer RSA private key (PKCS#8 or PKCS#1 PEM).
        #[arg(long)]
        key: String,
        /// Issuer key id (the JWT header's kid).
        #[arg(long)]
        kid: String,
        /// Issuer name (the iss claim).
        #[arg(long)]
        iss: String,
        /// The entity the key is for (sub and azp).
        #[arg(long)]
        entity: String,
        /// Roles (AA, FIP, FIU); repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: i64,
    },
    /// Verify an API key; prints its claims as JSON, exit 1 if invalid.
    Verify {
        /// Issuer public key (SPKI PEM or JWK) or private key.
        #[arg(long)]
        key: String,
        /// Issuer key id.
        #[arg(long)]
        kid: String,
        /// Expected issuer (iss).
        #[arg(long)]
        iss: String,
        /// The API key.
        #[arg(long)]
        token: String,
        /// Require this role.
        #[arg(long)]
        role: Option<String>,
        /// Require the key to belong to this entity (azp).
        #[arg(long)]
        entity: Option<String>,
    },
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn run(command: TokenCommand) -> Result<Vec<u8>, String> {
    match command {
        TokenCommand::Issue {
            key,
            kid,
            iss,
            entity,
            roles,
            ttl,
        } => {
            let issuer = Issuer::from_pem(&iss, &kid, &input::value(&key)?)
                .map_err(|e| format!("--key: {e}"))?;
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            let mut token = issuer
                .issue(&entity, &roles, now(), ttl)
                .map_err(|e| e.to_string())?
                .into_bytes();
            token.push(b'\n');
            Ok(token)
        }
        TokenCommand::Verify {
            key,
            kid,
            iss,
            token,
            role,
            entity,
        } => {
            let text = input::value(&key)?;
            let public = VerifyingKey::from_text(&text, Some(&kid))
                .or_else(|_| SigningKey::from_text(&text, Some(&kid)).map(|k| k.verifying_key()))
                .map_err(|e| format!("--key: {e}"))?;
            let mut verifier = Verifier::new();
            verifier
                .add_issuer_key(&iss, &public)
                .map_err(|e| e.to_string())?;
            let claims = verifier
                .verify(&input::line(&token)?, now())
                .map_err(|e| e.to_string())?;
            if let Some(role) = role {
                claims.require_role(&role).map_err(|e| e.to_string())?;
            }
            if let Some(entity) = entity {
                claims.ensure_entity(&entity).map_err(|e| e.to_string())?;
            }
            input::json_output(&serde_json::to_value(&claims).map_err(|e| e.to_string())?)
        }
    }
}
