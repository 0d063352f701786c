//! `aa fi`: keygen, encrypt, decrypt.

use aa_core::fi_crypto::{self, key_material, Curve, PrivateKey, PublicKey};
use clap::{Args, Subcommand};
use time::{Duration, OffsetDateTime};

use crate::input;

#[derive(Subcommand)]
pub enum FiCommand {
    /// Generate a key pair and nonce; prints {"privateKey", "KeyMaterial"} as JSON.
    Keygen {
        /// Curve form: X25519 (RFC 7748) or Curve25519 (BouncyCastle Weierstrass form).
        #[arg(long, default_value = "X25519")]
        curve: String,
        /// Hours until the KeyMaterial's DHPublicKey.expiry.
        #[arg(long, default_value_t = 24)]
        expiry_hours: i64,
    },
    /// Encrypt stdin; prints base64 encryptedFI.
    Encrypt(Exchange),
    /// Decrypt base64 encryptedFI from stdin; prints the plaintext.
    Decrypt(Exchange),
}

#[derive(Args)]
pub struct Exchange {
    /// Our private key: PKCS#8 PEM, or raw hex/base64 (then the curve comes from the remote key).
    #[arg(long)]
    private_key: String,
    /// Our nonce (base64, 32 bytes).
    #[arg(long)]
    nonce: String,
    /// The peer's public key (KeyValue): PEM, or raw 32-byte / 04||X||Y in hex or base64.
    #[arg(long)]
    remote_key: String,
    /// The peer's nonce (base64, 32 bytes).
    #[arg(long)]
    remote_nonce: String,
    /// Override the curve inferred from the key forms.
    #[arg(long)]
    curve: Option<String>,
}

struct Keys {
    ours: PrivateKey,
    our_nonce: [u8; 32],
    theirs: PublicKey,
    their_nonce: [u8; 32],
}

impl Exchange {
    fn keys(&self) -> Result<Keys, String> {
        let err = |what: &str, e: fi_crypto::FiCryptoError| format!("{what}: {e}");
        let curve = match &self.curve {
            Some(c) => Some(c.parse::<Curve>().map_err(|e| err("--curve", e))?),
            None => None,
        };
        let theirs = PublicKey::parse(&input::value(&self.remote_key)?, curve)
            .map_err(|e| err("--remote-key", e))?;
        let ours = PrivateKey::parse(&input::value(&self.private_key)?, Some(theirs.curve()))
            .map_err(|e| err("--private-key", e))?;
        Ok(Keys {
            ours,
            our_nonce: fi_crypto::decode_nonce(&input::line(&self.nonce)?)
                .map_err(|e| err("--nonce", e))?,
            theirs,
            their_nonce: fi_crypto::decode_nonce(&input::line(&self.remote_nonce)?)
                .map_err(|e| err("--remote-nonce", e))?,
        })
    }
}

pub fn run(command: FiCommand) -> Result<Vec<u8>, String> {
    match command {
        FiCommand::Keygen {
            curve,
            expiry_hours,
        } => {
            let curve: Curve = curve.parse().map_err(|e| format!("--curve: {e}"))?;
            let expiry = OffsetDateTime::now_utc() + Duration::hours(expiry_hours);
            let ours = key_material::generate(curve, expiry).map_err(|e| e.to_string())?;
            let private = ours.private.to_pem().map_err(|e| e.to_string())?;
            #[derive(serde::Serialize)]
            struct Keygen<'a> {
                #[serde(rename = "privateKey")]
                private_key: &'a str,
                #[serde(rename = "KeyMaterial")]
                key_material: &'a aa_core::rebit::KeyMaterial,
            }
            let output = Keygen {
                private_key: &private,
                key_material: &ours.key_material,
            };
            let mut out = serde_json::to_vec_pretty(&output).map_err(|e| e.to_string())?;
            out.push(b'\n');
            Ok(out)
        }
        FiCommand::Encrypt(exchange) => {
            let keys = exchange.keys()?;
            let plaintext = input::stdin_bytes()?;
            let mut out = fi_crypto::encrypt(
                &keys.ours,
                &keys.our_nonce,
                &keys.theirs,
                &keys.their_nonce,
                &plaintext,
            )
            .map_err(|e| e.to_string())?
            .into_bytes();
            out.push(b'\n');
            Ok(out)
        }
        FiCommand::Decrypt(exchange) => {
            let keys = exchange.keys()?;
            let encrypted = String::from_utf8(input::stdin_bytes()?)
                .map_err(|_| "stdin is not base64 text".to_owned())?;
            fi_crypto::decrypt(
                &keys.ours,
                &keys.our_nonce,
                &keys.theirs,
                &keys.their_nonce,
                &encrypted,
            )
            .map_err(|e| e.to_string())
        }
    }
}
