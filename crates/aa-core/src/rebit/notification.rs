//! Notifications and their acknowledgement: `ConsentStatusNotification` (AA, FIP and FIU
//! `POST /Consent/Notification`), `FIStatusNotification` (AA and FIU
//! `POST /FI/Notification`), `AccountLinkStatusNotification` (AA
//! `POST /Account/link/Notification`), and `NotificationResponse`.

use serde::{Deserialize, Serialize};

use super::parties::Notifier;
use super::status::{ConsentNotificationStatus, FiStatus, LinkStatus, SessionStatus};
use super::wire;

/// `ConsentStatusNotification` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentStatusNotification {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Notifier")]
    pub notifier: Notifier,
    #[serde(rename = "ConsentStatusNotification")]
    pub consent_status_notification: ConsentStatusUpdate,
}

/// `ConsentStatusNotification.ConsentStatusNotification`. The AA and FIP specs require
/// `consentId`; the FIU spec makes it optional and adds `consentHandle` (a consent that
/// is still pending or was rejected has no id yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentStatusUpdate {
    #[serde(rename = "consentId", skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    #[serde(rename = "consentHandle", skip_serializing_if = "Option::is_none")]
    pub consent_handle: Option<String>,
    #[serde(rename = "consentStatus")]
    pub consent_status: ConsentNotificationStatus,
}

/// `FIStatusNotification` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiStatusNotification {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Notifier")]
    pub notifier: Notifier,
    #[serde(rename = "FIStatusNotification")]
    pub fi_status_notification: FiStatusUpdate,
}

/// `FIStatusNotification.FIStatusNotification`: a fetch session's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiStatusUpdate {
    #[serde(rename = "sessionId")]
    pub session_id: String,
    #[serde(rename = "sessionStatus")]
    pub session_status: SessionStatus,
    #[serde(rename = "FIStatusResponse")]
    pub fi_status_response: Vec<FipFiStatus>,
}

/// `FIStatusResponse[]`: one FIP's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FipFiStatus {
    /// Spelled `fipID`; `fipId` is accepted.
    #[serde(rename = "fipID", alias = "fipId")]
    pub fip_id: String,
    #[serde(rename = "Accounts")]
    pub accounts: Vec<AccountFiStatus>,
}

/// `FIStatusResponse[].Accounts[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFiStatus {
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "FIStatus")]
    pub fi_status: FiStatus,
    pub description: String,
}

/// `AccountLinkStatusNotification` body, sent by an FIP to the AA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLinkStatusNotification {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    #[serde(rename = "Notifier")]
    pub notifier: Notifier,
    #[serde(rename = "AccountLinkStatusNotification")]
    pub account_link_status_notification: AccountLinkStatus,
}

/// `AccountLinkStatusNotification.AccountLinkStatusNotification`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLinkStatus {
    /// Required by 1.1.2 and 2.0.0; optional here because the Finvu 1.1.3 sandbox sends
    /// `maskedAccNumber` (not a spec field, so not kept) instead. Always set it when
    /// sending.
    #[serde(rename = "accRefNumber", skip_serializing_if = "Option::is_none")]
    pub acc_ref_number: Option<String>,
    #[serde(rename = "customerAddress")]
    pub customer_address: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "linkStatus")]
    pub link_status: LinkStatus,
}

/// `NotificationResponse` (the FIP spec's `ConsentNotificationResponse`): the `200`
/// acknowledgement of a notification, and of the FIP's `POST /Consent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    pub txnid: String,
    /// `OK`.
    pub response: String,
}

/// The FIP spec's name for [`NotificationResponse`].
pub type ConsentNotificationResponse = NotificationResponse;
