//! The FIP's account discovery and linking API: `POST /Accounts/discover`,
//! `POST /Accounts/link`, `POST /Accounts/delink` (and the deprecated
//! `DELETE /Accounts/link`), and `POST /Accounts/link/verify` (and the deprecated
//! `GET /Accounts/link/{RefNumber}/{Token}`).

use serde::{Deserialize, Serialize};

use super::parties::{AuthenticatorType, IdentifierCategory, IdentifierType};
use super::status::LinkStatus;
use super::terms::{AccType, FiType};
use super::wire::{self, Open};

/// `POST /Accounts/discover` request body (`AccDiscoveryRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccDiscoveryRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Customer")]
    pub customer: DiscoveryCustomer,
    #[serde(rename = "FITypes")]
    pub fi_types: Vec<FiType>,
}

/// `AccDiscoveryRequest.Customer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryCustomer {
    pub id: String,
    #[serde(rename = "Identifiers")]
    pub identifiers: Vec<DiscoveryIdentifier>,
}

/// `AccDiscoveryRequest.Customer.Identifiers[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryIdentifier {
    pub category: IdentifierCategory,
    #[serde(rename = "type")]
    pub kind: IdentifierType,
    pub value: String,
}

/// `POST /Accounts/discover` response body (`AccDiscoveryResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccDiscoveryResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "DiscoveredAccounts")]
    pub discovered_accounts: Vec<FipAccount>,
}

/// The FIP spec's `Account`: an account as discovered, and as named for linking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FipAccount {
    #[serde(rename = "FIType")]
    pub fi_type: FiType,
    #[serde(rename = "accType")]
    pub acc_type: AccType,
    #[serde(rename = "accRefNumber")]
    pub acc_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
}

/// `POST /Accounts/link` request body (`AccLinkRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccLinkRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Customer")]
    pub customer: LinkCustomer,
}

/// `AccLinkRequest.Customer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCustomer {
    pub id: String,
    #[serde(rename = "Accounts")]
    pub accounts: Vec<FipAccount>,
}

/// `POST /Accounts/link` response body (`AccLinkResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccLinkResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "AuthenticatorType")]
    pub authenticator_type: AuthenticatorType,
    /// Temporary reference for confirming the link with a token.
    #[serde(rename = "RefNumber")]
    pub ref_number: String,
}

/// `POST /Accounts/delink` request body (`AccDeLinkRequest`); also the body of the
/// deprecated `DELETE /Accounts/link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccDeLinkRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Account")]
    pub account: DelinkAccount,
}

/// `AccDeLinkRequest.Account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelinkAccount {
    #[serde(rename = "customerAddress")]
    pub customer_address: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
}

/// `POST /Accounts/delink` response body (`AccDeLinkResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccDeLinkResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "AccLinkDetails")]
    pub acc_link_details: DelinkDetails,
}

/// `AccDeLinkResponse.AccLinkDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelinkDetails {
    #[serde(rename = "customerAddress")]
    pub customer_address: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    /// A free string in the spec (example `DELINKED`); unknown values are kept.
    pub status: Open<LinkStatus>,
}

/// `POST /Accounts/link/verify` request body (`LinkDelinkTokenRequest`, new in 2.0.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDelinkTokenRequest {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "refNumber")]
    pub ref_number: String,
    /// The OTP. A number here (as in the spec's example) is kept as its decimal text,
    /// so leading zeros only survive when sent as a string.
    #[serde(deserialize_with = "wire::string_or_number")]
    pub token: String,
}

/// `POST /Accounts/link/verify` response body (`LinkDelinkTokenResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDelinkTokenResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "AccLinkDetails")]
    pub acc_link_details: Vec<LinkedAccount>,
}

/// `LinkDelinkTokenResponse.AccLinkDetails[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedAccount {
    #[serde(rename = "customerAddress")]
    pub customer_address: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "accRefNumber")]
    pub acc_ref_number: String,
    pub status: LinkStatus,
}
