//! The AA's own state machines: where a consent request stands, and where an account stands
//! with respect to linking. Stored as their upper-case names. The lifecycle of an approved
//! artefact (ACTIVE, PAUSED, REVOKED, EXPIRED) is in [`super::lifecycle`].

use aa_core::rebit::ConsentHandleStatus;

/// A consent request (one consent handle): `PENDING` until the customer decides, then
/// `ACTIVE` (approved: artefacts signed) or `REJECTED`; `EXPIRED` when the expiry scheduler
/// finds it still pending past its deadline. All three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Pending,
    Active,
    Rejected,
    Expired,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "PENDING",
            RequestStatus::Active => "ACTIVE",
            RequestStatus::Rejected => "REJECTED",
            RequestStatus::Expired => "EXPIRED",
        }
    }

    /// Reads a stored or requested name (case-insensitive); unknown names are `None`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "PENDING" => Some(RequestStatus::Pending),
            "ACTIVE" => Some(RequestStatus::Active),
            "REJECTED" => Some(RequestStatus::Rejected),
            "EXPIRED" => Some(RequestStatus::Expired),
            _ => None,
        }
    }

    /// What `POST /Consent/handle` reports: `READY` once artefacts exist, `FAILED` when the
    /// customer rejected or the request expired unanswered (the 1.1.x enum has only READY,
    /// FAILED, PENDING, and 2.0.0 keeps them).
    pub fn handle_status(self) -> ConsentHandleStatus {
        match self {
            RequestStatus::Pending => ConsentHandleStatus::Pending,
            RequestStatus::Active => ConsentHandleStatus::Ready,
            RequestStatus::Rejected | RequestStatus::Expired => ConsentHandleStatus::Failed,
        }
    }
}

/// An account the customer discovered at an FIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Discovered,
    Linked,
    Delinked,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Discovered => "DISCOVERED",
            AccountState::Linked => "LINKED",
            AccountState::Delinked => "DELINKED",
        }
    }

    /// Reads a stored name; anything unknown reads as `Discovered` (not shareable).
    pub fn parse(text: &str) -> Self {
        match text {
            "LINKED" => AccountState::Linked,
            "DELINKED" => AccountState::Delinked,
            _ => AccountState::Discovered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_statuses_round_trip_and_map_to_handle_statuses() {
        for status in [
            RequestStatus::Pending,
            RequestStatus::Active,
            RequestStatus::Rejected,
            RequestStatus::Expired,
        ] {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(
            RequestStatus::parse("pending"),
            Some(RequestStatus::Pending)
        );
        assert_eq!(RequestStatus::parse("DONE"), None);
        assert_eq!(
            RequestStatus::Active.handle_status(),
            ConsentHandleStatus::Ready
        );
        assert_eq!(
            RequestStatus::Rejected.handle_status(),
            ConsentHandleStatus::Failed
        );
        assert_eq!(
            RequestStatus::Expired.handle_status(),
            ConsentHandleStatus::Failed
        );
    }

    #[test]
    fn unknown_account_states_are_not_linked() {
        assert_eq!(AccountState::parse("LINKED"), AccountState::Linked);
        assert_eq!(AccountState::parse("weird"), AccountState::Discovered);
    }
}
