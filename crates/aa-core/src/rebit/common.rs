//! Blocks that several messages share: `FIDataRange`, `KeyMaterial` with its
//! `DHPublicKey`, `Purpose`, and the bare `Customer { id }`.

use serde::{Deserialize, Serialize};

use super::wire::{self, wire_enum, Open};

/// `FIDataRange`: the period financial information is requested for. The bounds are kept
/// as sent (see [`wire::timestamp`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiDataRange {
    #[serde(deserialize_with = "wire::timestamp")]
    pub from: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub to: String,
}

wire_enum! {
    /// `KeyMaterial.curve` (enumerated from 2.0.0; a free string in 1.1.x, hence the
    /// [`Open`] in [`KeyMaterial`]).
    pub enum Curve {
        Curve25519 = "Curve25519",
        X25519 = "X25519",
    }
}

/// `KeyMaterial`: the sender's ephemeral ECDH public key and nonce for end-to-end FI
/// encryption. Accepted under the 1.1.x-era name `KeyMaterials` as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyMaterial {
    /// `ECDH`. Required by 2.0.0; optional here only because 1.1.3 sandboxes have sent
    /// `null`. Always set it when sending.
    #[serde(rename = "cryptoAlg", skip_serializing_if = "Option::is_none")]
    pub crypto_alg: Option<String>,
    pub curve: Open<Curve>,
    /// Cipher parameters, e.g. `cipher=AES/GCM/NoPadding;KeyPairGenerator=ECDH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<String>,
    #[serde(rename = "DHPublicKey")]
    pub dh_public_key: DhPublicKey,
    #[serde(rename = "Nonce")]
    pub nonce: String,
}

/// `KeyMaterial.DHPublicKey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhPublicKey {
    #[serde(deserialize_with = "wire::timestamp")]
    pub expiry: String,
    /// Public parameters; accepted under the older name `Parameter` too.
    #[serde(
        rename = "Parameters",
        alias = "Parameter",
        skip_serializing_if = "Option::is_none"
    )]
    pub parameters: Option<String>,
    /// The ephemeral public key.
    #[serde(rename = "KeyValue")]
    pub key_value: String,
}

/// `Purpose` of a consent (codes defined in the AA technical specification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purpose {
    pub code: String,
    #[serde(rename = "refUri", skip_serializing_if = "Option::is_none")]
    pub ref_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(rename = "Category", skip_serializing_if = "Option::is_none")]
    pub category: Option<PurposeCategory>,
}

/// `Purpose.Category`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeCategory {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `Customer { id }`: the customer's AA address (`user@aa`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    pub id: String,
}
