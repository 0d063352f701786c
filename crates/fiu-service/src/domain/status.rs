//! Where a consent stands, as the FIU records it: the state of a consent request (by handle) and
//! of each artefact (by consent id), the moves allowed between states, and how far the FIU got
//! with fetching and verifying an artefact.
//!
//! Notifications can arrive late, twice, or out of order (an outbox retrying an `ACTIVE` after
//! the customer already revoked), so the rules only ever move forward: `REVOKED`, `EXPIRED`,
//! `REJECTED` and `FAILED` are final, `PENDING` never comes back, and a repeat is no change.

use aa_core::rebit::{ConsentHandleStatus, ConsentNotificationStatus, ConsentStatus};

/// The state of a consent request or of one artefact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentState {
    Pending,
    Active,
    Paused,
    Revoked,
    Expired,
    Rejected,
    /// The AA reports the request failed (`POST /Consent/handle`).
    Failed,
}

impl ConsentState {
    pub const ALL: [ConsentState; 7] = [
        Self::Pending,
        Self::Active,
        Self::Paused,
        Self::Revoked,
        Self::Expired,
        Self::Rejected,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Active => "ACTIVE",
            Self::Paused => "PAUSED",
            Self::Revoked => "REVOKED",
            Self::Expired => "EXPIRED",
            Self::Rejected => "REJECTED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No move leaves a final state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Revoked | Self::Expired | Self::Rejected | Self::Failed
        )
    }

    /// Whether this state concerns a request as a whole rather than one artefact.
    pub fn is_request_level(self) -> bool {
        matches!(self, Self::Pending | Self::Rejected | Self::Failed)
    }

    /// The state `incoming` leads to from `self`, or None when nothing changes.
    pub fn next(self, incoming: ConsentState) -> Option<ConsentState> {
        use ConsentState::*;
        match (self, incoming) {
            (current, incoming) if current == incoming => None,
            (current, _) if current.is_final() => None,
            (_, Pending) => None,
            // A customer who approved cannot reject afterwards; this is a stale message.
            (Active | Paused, Rejected) => None,
            (_, incoming) => Some(incoming),
        }
    }

    /// A request's state once it has artefacts: active if any artefact is, else paused if
    /// any is, else revoked if any is, else expired.
    pub fn of_request(current: ConsentState, artefacts: &[ConsentState]) -> ConsentState {
        if artefacts.is_empty() {
            return current;
        }
        [Self::Active, Self::Paused, Self::Revoked, Self::Expired]
            .into_iter()
            .find(|s| artefacts.contains(s))
            .unwrap_or(current)
    }
}

impl From<ConsentNotificationStatus> for ConsentState {
    fn from(status: ConsentNotificationStatus) -> Self {
        match status {
            ConsentNotificationStatus::Active => Self::Active,
            ConsentNotificationStatus::Pending => Self::Pending,
            ConsentNotificationStatus::Revoked => Self::Revoked,
            ConsentNotificationStatus::Paused => Self::Paused,
            ConsentNotificationStatus::Rejected => Self::Rejected,
            ConsentNotificationStatus::Expired => Self::Expired,
        }
    }
}

impl From<ConsentStatus> for ConsentState {
    fn from(status: ConsentStatus) -> Self {
        match status {
            ConsentStatus::Active => Self::Active,
            ConsentStatus::Paused => Self::Paused,
            ConsentStatus::Revoked => Self::Revoked,
            ConsentStatus::Expired => Self::Expired,
        }
    }
}

impl From<ConsentHandleStatus> for ConsentState {
    /// `READY` and `APPROVED` mean the customer approved: the consent is active.
    fn from(status: ConsentHandleStatus) -> Self {
        match status {
            ConsentHandleStatus::Approved | ConsentHandleStatus::Ready => Self::Active,
            ConsentHandleStatus::Expired => Self::Expired,
            ConsentHandleStatus::Rejected => Self::Rejected,
            ConsentHandleStatus::Failed => Self::Failed,
            ConsentHandleStatus::Pending => Self::Pending,
        }
    }
}

/// How far the FIU got with an artefact it was told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FetchState {
    /// A fetch job is queued or running.
    Pending,
    /// Fetched, signature and terms verified, stored.
    Verified,
    /// Fetched but refused: not signed by the AA, or not what was asked for.
    Refused,
    /// The AA could not be reached or refused the fetch, and retries ran out.
    Failed,
}

impl FetchState {
    pub const ALL: [FetchState; 4] = [Self::Pending, Self::Verified, Self::Refused, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Verified => "VERIFIED",
            Self::Refused => "REFUSED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::ConsentState::*;
    use super::*;

    #[test]
    fn a_pending_request_can_go_anywhere_but_back_to_pending() {
        for to in [Active, Paused, Revoked, Expired, Rejected, Failed] {
            assert_eq!(Pending.next(to), Some(to));
        }
        assert_eq!(Pending.next(Pending), None);
        assert_eq!(Active.next(Pending), None);
    }

    #[test]
    fn active_and_paused_alternate_until_revoked_or_expired() {
        assert_eq!(Active.next(Paused), Some(Paused));
        assert_eq!(Paused.next(Active), Some(Active));
        assert_eq!(Paused.next(Revoked), Some(Revoked));
        assert_eq!(Active.next(Expired), Some(Expired));
        assert_eq!(Active.next(Rejected), None);
    }

    #[test]
    fn final_states_never_change_and_repeats_are_no_change() {
        for from in [Revoked, Expired, Rejected, Failed] {
            for to in ConsentState::ALL {
                assert_eq!(from.next(to), None, "{from:?} -> {to:?}");
            }
        }
        assert_eq!(Active.next(Active), None);
    }

    #[test]
    fn a_request_is_as_alive_as_its_liveliest_artefact() {
        assert_eq!(ConsentState::of_request(Pending, &[]), Pending);
        assert_eq!(ConsentState::of_request(Active, &[Revoked, Active]), Active);
        assert_eq!(ConsentState::of_request(Active, &[Revoked, Paused]), Paused);
        assert_eq!(
            ConsentState::of_request(Active, &[Expired, Revoked]),
            Revoked
        );
        assert_eq!(ConsentState::of_request(Active, &[Expired]), Expired);
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in ConsentState::ALL {
            assert_eq!(ConsentState::parse(state.as_str()), Some(state));
        }
        for state in FetchState::ALL {
            assert_eq!(FetchState::parse(state.as_str()), Some(state));
        }
        assert_eq!(ConsentState::parse("active"), None);
    }

    #[test]
    fn ready_and_approved_handles_mean_active() {
        assert_eq!(ConsentState::from(ConsentHandleStatus::Ready), Active);
        assert_eq!(ConsentState::from(ConsentHandleStatus::Approved), Active);
        assert_eq!(ConsentState::from(ConsentHandleStatus::Failed), Failed);
    }
}
