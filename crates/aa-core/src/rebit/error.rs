//! The error model: [`ErrorCode`], every `errorCode` the AA, FIP and FIU specs (1.1.2 and
//! 2.0.0) define, with the HTTP status of the response the spec attaches it to; and
//! [`ErrorResponse`], the body of every non-2xx response.

use serde::{Deserialize, Serialize};

use super::wire::{self, wire_enum};

wire_enum! {
    /// An `errorCode`. Variant names are the wire spellings.
    #[allow(clippy::upper_case_acronyms)]
    pub enum ErrorCode {
        /// 404: the FIP has no such linked account (`NotFoundLink`).
        AccountNotFound = "AccountNotFound",
        /// 404: discovery could not match the identifiers to a customer.
        CannotIdentifyCustomer = "CannotIdentifyCustomer",
        /// 403 (`ForbiddenFIRequest`, `ForbiddenFIFetch`).
        ConsentExpired = "ConsentExpired",
        /// 403.
        ConsentPaused = "ConsentPaused",
        /// 403.
        ConsentRevoked = "ConsentRevoked",
        /// 403: the FI data is not ready yet.
        DataFetchRequestInProgress = "DataFetchRequestInProgress",
        /// 410: the FI data is no longer available.
        DataGone = "DataGone",
        /// 404: the key material's `expiry` has passed.
        ExpiredKeyMaterial = "ExpiredKeyMaterial",
        /// 409: a `txnid` (or other id) was reused.
        IdempotencyError = "IdempotencyError",
        /// 500.
        InternalError = "InternalError",
        /// 400.
        InvalidConsentDetail = "InvalidConsentDetail",
        /// 400.
        InvalidConsentHandle = "InvalidConsentHandle",
        /// 400.
        InvalidConsentId = "InvalidConsentId",
        /// 400.
        InvalidConsentPurpose = "InvalidConsentPurpose",
        /// 400.
        InvalidConsentStatus = "InvalidConsentStatus",
        /// 400.
        InvalidConsentUse = "InvalidConsentUse",
        /// 400.
        InvalidCustomerAddress = "InvalidCustomerAddress",
        /// 400.
        InvalidDateRange = "InvalidDateRange",
        /// 400.
        InvalidFIPId = "InvalidFIPId",
        /// 400 (FIU `POST /FI/Notification`).
        InvalidFIStatus = "InvalidFIStatus",
        /// 400 (AA `POST /FI/Notification`).
        InvalidFIStatusNotification = "InvalidFIStatusNotification",
        /// 400: unusable key material.
        InvalidKey = "InvalidKey",
        /// 400.
        InvalidLinkRefNumber = "InvalidLinkRefNumber",
        /// 400: wrong OTP.
        InvalidLinkToken = "InvalidLinkToken",
        /// 400.
        InvalidNotifier = "InvalidNotifier",
        /// 400: the catch-all for a malformed request.
        InvalidRequest = "InvalidRequest",
        /// 400.
        InvalidSecurity = "InvalidSecurity",
        /// 400.
        InvalidSessionId = "InvalidSessionId",
        /// 400.
        InvalidSessionStatus = "InvalidSessionStatus",
        /// 400.
        InvalidURI = "InvalidURI",
        /// 401: the OTP expired (`UnauthorizedLinkToken`).
        LinkTokenExpired = "LinkTokenExpired",
        /// 404.
        NoAccountsFound = "NoAccountsFound",
        /// 404.
        NoDataFound = "NoDataFound",
        /// 404: the requested `ver` is not served.
        NoSuchVersion = "NoSuchVersion",
        /// 501.
        NotImplemented = "NotImplemented",
        /// 412.
        PreconditionFailed = "PreconditionFailed",
        /// 503.
        ServiceUnavailable = "ServiceUnavailable",
        /// 400: the `x-jws-signature` does not verify.
        SignatureDoesNotMatch = "SignatureDoesNotMatch",
        /// 401: missing or invalid API key.
        Unauthorized = "Unauthorized",
        /// 404.
        UnsupportedFIType = "UnsupportedFIType",
    }
}

impl ErrorCode {
    /// The HTTP status of the response schema the specs list this code under.
    pub fn http_status(&self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidConsentDetail
            | InvalidConsentHandle
            | InvalidConsentId
            | InvalidConsentPurpose
            | InvalidConsentStatus
            | InvalidConsentUse
            | InvalidCustomerAddress
            | InvalidDateRange
            | InvalidFIPId
            | InvalidFIStatus
            | InvalidFIStatusNotification
            | InvalidKey
            | InvalidLinkRefNumber
            | InvalidLinkToken
            | InvalidNotifier
            | InvalidRequest
            | InvalidSecurity
            | InvalidSessionId
            | InvalidSessionStatus
            | InvalidURI
            | SignatureDoesNotMatch => 400,
            LinkTokenExpired | Unauthorized => 401,
            ConsentExpired | ConsentPaused | ConsentRevoked | DataFetchRequestInProgress => 403,
            AccountNotFound
            | CannotIdentifyCustomer
            | ExpiredKeyMaterial
            | NoAccountsFound
            | NoDataFound
            | NoSuchVersion
            | UnsupportedFIType => 404,
            IdempotencyError => 409,
            DataGone => 410,
            PreconditionFailed => 412,
            InternalError => 500,
            NotImplemented => 501,
            ServiceUnavailable => 503,
        }
    }
}

/// `ErrorResponse`: the body of every error response (`BadRequest`, `NotFound`,
/// `ForbiddenFIFetch`, ... differ only in which codes they allow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub ver: String,
    #[serde(deserialize_with = "wire::timestamp")]
    pub timestamp: String,
    /// The request's `txnid`, echoed.
    pub txnid: String,
    #[serde(rename = "errorCode")]
    pub error_code: ErrorCode,
    /// Must not carry sensitive information.
    #[serde(rename = "errorMsg")]
    pub error_msg: String,
}

impl ErrorResponse {
    /// An error response stamped with the current UTC time (`yyyy-MM-ddTHH:mm:ss.SSSZ`).
    pub fn new(
        ver: impl Into<String>,
        txnid: impl Into<String>,
        code: ErrorCode,
        msg: impl Into<String>,
    ) -> Self {
        Self {
            ver: ver.into(),
            timestamp: crate::timefmt::now_millis(),
            txnid: txnid.into(),
            error_code: code,
            error_msg: msg.into(),
        }
    }

    /// The HTTP status to send this body with.
    pub fn http_status(&self) -> u16 {
        self.error_code.http_status()
    }
}
