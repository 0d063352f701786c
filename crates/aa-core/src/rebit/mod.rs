//! ReBIT wire types: serde models of every request, response and notification body of the
//! AA, FIP and FIU APIs, version 2.0.0.
//!
//! Conventions:
//!
//! - Field names are the spec's, exactly (`ver`, `txnid`, `Notifier`, `ConsentDetail`,
//!   `FIDataRange`, `KeyMaterial`, `DHPublicKey`, `KeyValue`, `Parameters`, ...).
//! - Output is 2.0.0. Input is tolerant of 1.1.x: older spellings are serde aliases
//!   (`TERM-DEPOSIT`, `KeyMaterials`, `Parameter`, `consentUse`, `AADHAAR`, ...), numbers
//!   are read where 2.0.0 has strings, epoch milliseconds where it has timestamps.
//! - Timestamps are `String`s, kept byte for byte; [`crate::validate`] checks them.
//! - Optional fields are `Option`s and are omitted when `None`. A few fields 2.0.0
//!   requires are `Option`s because 1.1.x senders omit them; their docs say so.
//! - Every enumerated value is an enum (made by `wire_enum!`); fields the spec leaves as
//!   free strings use [`Open`], which keeps unknown values instead of dropping them.
//!
//! Each endpoint's bodies, by module:
//!
//! | endpoint | request | response |
//! | --- | --- | --- |
//! | AA `POST /Consent` | [`ConsentsRequest`] | [`ConsentsResponse`] |
//! | AA `POST /Consent/handle` | [`ConsentHandleRequest`] | [`ConsentHandleResponse`] |
//! | AA `POST /Consent/fetch` | [`ConsentFetchRequest`] | [`ConsentArtefact`] |
//! | AA, FIP `POST /FI/request` | [`FiRequest`] | [`FiResponse`] |
//! | AA, FIP `POST /FI/fetch` | [`FiFetchRequest`] | [`FiFetchResponse`] |
//! | AA, FIP, FIU `POST /Consent/Notification` | [`ConsentStatusNotification`] | [`NotificationResponse`] |
//! | AA, FIU `POST /FI/Notification` | [`FiStatusNotification`] | [`NotificationResponse`] |
//! | AA `POST /Account/link/Notification` | [`AccountLinkStatusNotification`] | [`NotificationResponse`] |
//! | FIP `POST /Accounts/discover` | [`AccDiscoveryRequest`] | [`AccDiscoveryResponse`] |
//! | FIP `POST /Accounts/link` | [`AccLinkRequest`] | [`AccLinkResponse`] |
//! | FIP `POST /Accounts/delink` | [`AccDeLinkRequest`] | [`AccDeLinkResponse`] |
//! | FIP `POST /Accounts/link/verify` | [`LinkDelinkTokenRequest`] | [`LinkDelinkTokenResponse`] |
//! | FIP `POST /Consent` | [`ConsentArtefact`] | [`NotificationResponse`] |
//! | AA, FIP `GET /Heartbeat` | none | [`HeartbeatResponse`] |
//! | any, on error | | [`ErrorResponse`] |
//!
//! The deprecated `GET /Consent/handle/{consentHandle}`, `GET /Consent/{id}`,
//! `GET /FI/fetch/{sessionId}`, `DELETE /Accounts/link` and
//! `GET /Accounts/link/{RefNumber}/{Token}` carry the same bodies as their replacements.

pub mod accounts;
pub mod artefact;
pub mod common;
pub mod consent;
pub mod data_flow;
pub mod error;
pub mod heartbeat;
pub mod notification;
pub mod parties;
pub mod status;
pub mod terms;
pub mod wire;

pub use accounts::{
    AccDeLinkRequest, AccDeLinkResponse, AccDiscoveryRequest, AccDiscoveryResponse, AccLinkRequest,
    AccLinkResponse, DelinkAccount, DelinkDetails, DiscoveryCustomer, DiscoveryIdentifier,
    FipAccount, LinkCustomer, LinkDelinkTokenRequest, LinkDelinkTokenResponse, LinkedAccount,
};
pub use artefact::{ConsentAccount, ConsentArtefact, ConsentUse, SignedConsentDetail};
pub use common::{
    Curve, CustomerRef, DhPublicKey, FiDataRange, KeyMaterial, Purpose, PurposeCategory,
};
pub use consent::{
    ConsentCustomer, ConsentCustomerIdentifier, ConsentDetail, ConsentFetchRequest,
    ConsentHandleRequest, ConsentHandleResponse, ConsentHandleState, ConsentsRequest,
    ConsentsResponse, DataConsumer, DataFilter, DataLife, DataProvider, Frequency,
};
pub use data_flow::{
    ConsentProof, EncryptedFi, FiFetchRequest, FiFetchResponse, FiRequest, FiResponse, FipFi,
    LinkRef,
};
pub use error::{ErrorCode, ErrorResponse};
pub use heartbeat::{HeartbeatError, HeartbeatResponse};
pub use notification::{
    AccountFiStatus, AccountLinkStatus, AccountLinkStatusNotification, ConsentNotificationResponse,
    ConsentStatusNotification, ConsentStatusUpdate, FiStatusNotification, FiStatusUpdate,
    FipFiStatus, NotificationResponse,
};
pub use parties::{
    AuthenticatorType, CustomerIdentifierType, IdentifierCategory, IdentifierType, Notifier,
    NotifierType,
};
pub use status::{
    ConsentHandleStatus, ConsentNotificationStatus, ConsentStatus, FiStatus, HeartbeatStatus,
    LinkStatus, SessionStatus,
};
pub use terms::{
    AccType, ConsentMode, ConsentType, DataConsumerType, DataFilterOperator, DataFilterType,
    DataLifeUnit, DataProviderType, FetchType, FiType, FrequencyUnit,
};
pub use wire::{Open, UnknownValue, WireName};
