//! The AA consent flow: `POST /Consent` (`ConsentsRequest` → `ConsentsResponse`),
//! `POST /Consent/handle` (and the deprecated `GET /Consent/handle/{consentHandle}`), and
//! `POST /Consent/fetch`'s request; plus the consent terms blocks (`DataConsumer`,
//! `DataProvider`, `DataLife`, `Frequency`, `DataFilter`) that the signed artefact reuses.

use serde::{Deserialize, Serialize};

use super::common::{CustomerRef, FiDataRange, Purpose};
use super::parties::CustomerIdentifierType;
use super::status::ConsentHandleStatus;
use super::terms::{
    ConsentMode, ConsentType, DataConsumerType, DataFilterOperator, DataFilterType, DataLifeUnit,
    DataProviderType, FetchType, FiType, FrequencyUnit,
};
use super::wire;

/// `POST /Consent` request body (`ConsentsRequest`), sent by an FIU / AA client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentsRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "ConsentDetail")]
    pub consent_detail: ConsentDetail,
}

/// `ConsentsRequest.ConsentDetail`: the consent being asked for. (In 1.1.2 the name
/// `ConsentDetail` also denoted the signed artefact body, now [`SignedConsentDetail`].)
///
/// [`SignedConsentDetail`]: super::artefact::SignedConsentDetail
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDetail {
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
    #[serde(rename = "Customer")]
    pub customer: ConsentCustomer,
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

/// `DataConsumer`: who receives the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataConsumer {
    pub id: String,
    /// Required by 2.0.0; 1.1.x consent requests carry only `id`. Always set it when
    /// sending.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<DataConsumerType>,
}

/// `DataProvider`: who provides the data (signed consents only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataProvider {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: DataProviderType,
}

/// `ConsentDetail.Customer` of a consent request: the AA address and, new in 2.0.0,
/// verified identifiers. Both are optional in 2.0.0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCustomer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "Identifiers", skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<Vec<ConsentCustomerIdentifier>>,
}

/// `ConsentDetail.Customer.Identifiers[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCustomerIdentifier {
    #[serde(rename = "type")]
    pub kind: CustomerIdentifierType,
    /// A number here (as in the spec's own example) is kept as its decimal text.
    #[serde(deserialize_with = "wire::string_or_number")]
    pub value: String,
}

/// `DataLife`: how long the consumer may keep the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataLife {
    pub unit: DataLifeUnit,
    #[serde(deserialize_with = "wire::count")]
    pub value: u32,
}

/// `Frequency`: how many fetches are allowed per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frequency {
    pub unit: FrequencyUnit,
    #[serde(deserialize_with = "wire::count")]
    pub value: u32,
}

/// `DataFilter[]`: a rule the FIP applies to transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFilter {
    #[serde(rename = "type")]
    pub kind: DataFilterType,
    pub operator: DataFilterOperator,
    /// A string on the wire; a number (1.1.x senders, the spec example) is accepted and
    /// written back as a string.
    #[serde(deserialize_with = "wire::string_or_number")]
    pub value: String,
}

/// `POST /Consent` response body (`ConsentsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentsResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Customer")]
    pub customer: CustomerRef,
    #[serde(rename = "ConsentHandle")]
    pub consent_handle: String,
}

/// `POST /Consent/handle` request body (`ConsentHandleRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentHandleRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "ConsentHandle")]
    pub consent_handle: String,
}

/// `POST /Consent/handle` response body (`ConsentHandleResponse`); also the body of the
/// deprecated `GET /Consent/handle/{consentHandle}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentHandleResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "ConsentHandle")]
    pub consent_handle: String,
    #[serde(rename = "ConsentStatus")]
    pub consent_status: ConsentHandleState,
}

/// `ConsentHandleResponse.ConsentStatus` (the spec's `Consent` schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentHandleState {
    /// The consent id, once the customer has approved. A `null` reads as absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub status: ConsentHandleStatus,
}

/// `POST /Consent/fetch` request body (`ConsentFetchRequest`); the response is a
/// [`ConsentArtefact`](super::artefact::ConsentArtefact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFetchRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "consentId")]
    pub consent_id: String,
}
