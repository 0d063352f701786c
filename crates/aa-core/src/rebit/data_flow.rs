//! The FI data flow, identical in shape at the AA and the FIP: `POST /FI/request`
//! (`FIRequest` → `FIResponse`) and `POST /FI/fetch` (`FIFetchRequest` →
//! `FIFetchResponse`, also the body of the deprecated `GET /FI/fetch/{sessionId}`).

use serde::{Deserialize, Serialize};

use super::common::{FiDataRange, KeyMaterial};
use super::wire;

/// `POST /FI/request` request body (`FIRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "FIDataRange")]
    pub fi_data_range: FiDataRange,
    #[serde(rename = "Consent")]
    pub consent: ConsentProof,
    /// Accepted as `KeyMaterials` too.
    #[serde(rename = "KeyMaterial", alias = "KeyMaterials")]
    pub key_material: KeyMaterial,
}

/// `FIRequest.Consent`: the consent id and the signature part of its JWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentProof {
    pub id: String,
    #[serde(rename = "digitalSignature")]
    pub digital_signature: String,
}

/// `POST /FI/request` response body (`FIResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "consentId")]
    pub consent_id: String,
    #[serde(rename = "sessionId")]
    pub session_id: String,
}

/// `POST /FI/fetch` request body (`FIFetchRequest`, new in 2.0.0; replaces the path and
/// query parameters of `GET /FI/fetch/{sessionId}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiFetchRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "sessionId")]
    pub session_id: String,
    #[serde(rename = "fipId", skip_serializing_if = "Option::is_none")]
    pub fip_id: Option<String>,
    #[serde(rename = "linkRefNumber", skip_serializing_if = "Option::is_none")]
    pub link_ref_number: Option<Vec<LinkRef>>,
}

/// `FIFetchRequest.linkRefNumber[]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinkRef {
    pub id: String,
}

/// `POST /FI/fetch` response body (`FIFetchResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiFetchResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "FI")]
    pub fi: Vec<FipFi>,
}

/// `FIFetchResponse.FI[]`: one FIP's encrypted data and the key material to decrypt it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FipFi {
    /// Spelled `fipID` here (but `fipId` in `FIFetchRequest`); `fipId` is accepted.
    #[serde(rename = "fipID", alias = "fipId")]
    pub fip_id: String,
    pub data: Vec<EncryptedFi>,
    /// Accepted as `KeyMaterials` too.
    #[serde(rename = "KeyMaterial", alias = "KeyMaterials")]
    pub key_material: KeyMaterial,
}

/// `FIFetchResponse.FI[].data[]`: one account's encrypted FI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedFi {
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
    #[serde(rename = "encryptedFI")]
    pub encrypted_fi: String,
}
