//! Status enums: of a consent artefact, of a consent request (by handle), of a consent in a
//! notification, of an FI fetch session and its accounts, of an account link, and of a
//! service (heartbeat).

use super::wire::wire_enum;

wire_enum! {
    /// `ConsentArtefact.status`: the lifecycle of an approved consent.
    pub enum ConsentStatus {
        Active = "ACTIVE",
        Paused = "PAUSED",
        Revoked = "REVOKED",
        Expired = "EXPIRED",
    }
}

wire_enum! {
    /// `ConsentHandleResponse.ConsentStatus.status` (the spec's `Consent` schema): where a
    /// consent request stands. The deprecated `GET /Consent/handle/{consentHandle}` lists
    /// only `READY`, `FAILED`, `PENDING`.
    pub enum ConsentHandleStatus {
        Approved = "APPROVED",
        Expired = "EXPIRED",
        Rejected = "REJECTED",
        Ready = "READY",
        Failed = "FAILED",
        Pending = "PENDING",
    }
}

wire_enum! {
    /// `ConsentStatusNotification.consentStatus`. The union of what the three specs list:
    /// the AA accepts `ACTIVE`, `REVOKED`, `PAUSED`, `REJECTED`; the FIP accepts `REVOKED`,
    /// `PAUSED`, `ACTIVE`, `EXPIRED`; the FIU accepts all six.
    pub enum ConsentNotificationStatus {
        Active = "ACTIVE",
        Pending = "PENDING",
        Revoked = "REVOKED",
        Paused = "PAUSED",
        Rejected = "REJECTED",
        Expired = "EXPIRED",
    }
}

wire_enum! {
    /// `FIStatusNotification.sessionStatus`.
    pub enum SessionStatus {
        Active = "ACTIVE",
        Completed = "COMPLETED",
        Expired = "EXPIRED",
        Failed = "FAILED",
    }
}

wire_enum! {
    /// `FIStatusResponse[].Accounts[].FIStatus`.
    pub enum FiStatus {
        Ready = "READY",
        Denied = "DENIED",
        Pending = "PENDING",
        Delivered = "DELIVERED",
        Timeout = "TIMEOUT",
    }
}

wire_enum! {
    /// Account link status (`AccLinkDetails[].status`, `linkStatus`). The link
    /// notification lists only `LINKED`.
    pub enum LinkStatus {
        Linked = "LINKED",
        Delinked = "DELINKED",
    }
}

wire_enum! {
    /// `HeartbeatResponse.Status`.
    pub enum HeartbeatStatus {
        Up = "UP",
        Down = "DOWN",
    }
}
