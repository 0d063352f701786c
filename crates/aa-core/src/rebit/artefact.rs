//! The consent artefact: `ConsentArtefact` (the AA's `POST /Consent/fetch` response and
//! deprecated `GET /Consent/{id}`, and the body the AA posts to the FIP's `POST /Consent`),
//! its `ConsentUse`, and `SignedConsentDetail`, the JSON inside `signedConsent`'s JWS.

use serde::{Deserialize, Serialize};

use super::common::{CustomerRef, FiDataRange, Purpose};
use super::consent::{DataConsumer, DataFilter, DataLife, DataProvider, Frequency};
use super::status::ConsentStatus;
use super::terms::{AccType, ConsentMode, ConsentType, FetchType, FiType};
use super::wire::{self, Open};

/// `ConsentArtefact`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentArtefact {
    pub ver: String,
    pub txnid: String,
    #[serde(rename = "consentId")]
    pub consent_id: String,
    pub status: ConsentStatus,
    #[serde(rename = "createTimestamp", deserialize_with = "wire::timestamp")]
    pub create_timestamp: String,
    /// Compact JWS whose payload is a [`SignedConsentDetail`].
    #[serde(rename = "signedConsent")]
    pub signed_consent: String,
    /// Accepted as `consentUse` too (seen in 1.x sample code).
    #[serde(rename = "ConsentUse", alias = "consentUse")]
    pub consent_use: ConsentUse,
}

/// `ConsentArtefact.ConsentUse`: consent usage tracking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentUse {
    /// Any URI, an email address included.
    #[serde(rename = "logUri")]
    pub log_uri: String,
    #[serde(deserialize_with = "wire::count")]
    pub count: u32,
    #[serde(rename = "lastUseDateTime", deserialize_with = "wire::timestamp")]
    pub last_use_date_time: String,
}

/// `SignedConsentDetail` (1.1.2: `ConsentDetail`): the consent as signed by the AA.
/// Timestamps inside may arrive as epoch milliseconds from 1.1.x AAs; they are read as
/// `yyyy-MM-ddTHH:mm:ss.SSSZ` strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedConsentDetail {
    #[serde(rename = "consentStart", deserialize_with = "wire::timestamp")]
    pub consent_start: String,
    #[serde(rename = "consentExpiry", deserialize_with = "wire::timestamp")]
    pub consent_expiry: String,
    #[serde(rename = "consentMode")]
    pub consent_mode: ConsentMode,
    #[serde(rename = "fetchType")]
    pub fetch_type: FetchType,
    #[serde(rename = "consentTypes")]
    pub consent_types: Vec<ConsentType>,
    #[serde(rename = "fiTypes")]
    pub fi_types: Vec<FiType>,
    #[serde(rename = "DataConsumer")]
    pub data_consumer: DataConsumer,
    #[serde(rename = "DataProvider")]
    pub data_provider: DataProvider,
    #[serde(rename = "Customer")]
    pub customer: CustomerRef,
    #[serde(rename = "Accounts")]
    pub accounts: Vec<ConsentAccount>,
    #[serde(rename = "Purpose")]
    pub purpose: Purpose,
    #[serde(rename = "FIDataRange")]
    pub fi_data_range: FiDataRange,
    #[serde(rename = "DataLife")]
    pub data_life: DataLife,
    #[serde(rename = "Frequency")]
    pub frequency: Frequency,
    #[serde(rename = "DataFilter", skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<Vec<DataFilter>>,
}

/// `SignedConsentDetail.Accounts[]`. The spec leaves `fiType` and `accType` as free
/// strings here, so unknown values are kept ([`Open`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentAccount {
    #[serde(rename = "fiType")]
    pub fi_type: Open<FiType>,
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "accType")]
    pub acc_type: Open<AccType>,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
}
