//! What this implementation adds to the YAML, in one place: the identifiers that must be
//! canonical UUIDs (the YAML types them as plain strings and says "UUID" only in descriptions;
//! issue 13 asks for hyphenated UUIDs only), the one enum value we accept beyond a file's list,
//! and the specific error code a malformed identifier or status gets where the endpoint's `400`
//! list names one.

use crate::rebit::error::ErrorCode;

/// True for the fields that carry a UUID: `txnid`, the consent handle, the consent id (also as
/// `Consent.id` in an FI request and `ConsentStatus.id` in a consent-handle answer) and the
/// FI session id.
pub(super) fn is_uuid_field(name: &str, parent: Option<&str>) -> bool {
    match name {
        "txnid" | "ConsentHandle" | "consentHandle" | "consentId" | "sessionId" => true,
        "id" => matches!(parent, Some("Consent" | "ConsentStatus")),
        _ => false,
    }
}

/// Values accepted beyond a file's `enum`: the AA's 2.0.0 file lists only `LINKED` as a
/// `linkStatus` of `POST /Account/link/Notification`, but an FIP tells the AA of a delink
/// made at the bank with the same notification (`DELINKED`, the value the FIP's own file lists
/// for a link's status), and the AA must hear it.
pub(super) fn also_allowed(name: Option<&str>, value: &str) -> bool {
    name == Some("linkStatus") && value == "DELINKED"
}

/// The code a failure at field `name` (under `parent`) gets: for a present but malformed
/// identifier, its own code when the endpoint's `400` answer lists it (`InvalidConsentHandle`,
/// `InvalidConsentId`, `InvalidSessionId`); for a status outside its enum, the status code the
/// endpoint lists (`InvalidSessionStatus` or `InvalidFIStatus` before
/// `InvalidFIStatusNotification`), else the status's own code (the FIP's consent notification
/// lists none, and answers `InvalidConsentStatus` as it did before the schema); a missing field,
/// and anything else, is `InvalidRequest`.
pub(super) fn code_for(
    name: Option<&str>,
    parent: Option<&str>,
    missing: bool,
    listed: &[String],
) -> ErrorCode {
    use ErrorCode::*;
    if missing {
        return InvalidRequest;
    }
    let preferred: &[ErrorCode] = match (name, parent) {
        (Some("ConsentHandle" | "consentHandle"), _) => &[InvalidConsentHandle],
        (Some("consentId"), _) | (Some("id"), Some("Consent")) => &[InvalidConsentId],
        (Some("sessionId"), _) => &[InvalidSessionId],
        (Some("consentStatus"), _) => &[InvalidConsentStatus],
        (Some("sessionStatus"), _) => &[InvalidSessionStatus, InvalidFIStatusNotification],
        (Some("FIStatus"), _) => &[InvalidFIStatus, InvalidFIStatusNotification],
        _ => &[],
    };
    let is_status = matches!(name, Some("consentStatus" | "sessionStatus" | "FIStatus"));
    preferred
        .iter()
        .find(|code| listed.iter().any(|l| l == code.as_str()))
        .or(preferred.first().filter(|_| is_status))
        .cloned()
        .unwrap_or(InvalidRequest)
}
