//! FI sessions: where an AA session stands, how an account's `FIStatus` may move when an FIP
//! reports it, and whether a session's accounts can be fetched. No HTTP, no SQL.

use aa_core::rebit::{FiStatus, SessionStatus};

/// How long a request may stay `REQUESTED` (being forwarded to the FIP; the outbound timeout
/// is far shorter). Older, it was interrupted (e.g. a restart) and may be tried again.
pub const FORWARD_WINDOW_MILLIS: i64 = 60_000;

/// How long after it was opened a session still `REQUESTED` is given up for: its forward has
/// died (the job dead-lettered, discarded or lost), since a live one ends within
/// [`FORWARD_WINDOW_MILLIS`] plus an outbound call. The expiry sweep fails it and tells the FIU.
pub const FORWARD_ABANDONED_MILLIS: i64 = 2 * FORWARD_WINDOW_MILLIS;

/// An FI session of the AA. `REQUESTED` while the AA forwards the FIU's request to the FIP
/// (the FIU has no session id yet); then the FIP's `sessionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Requested,
    Active,
    Completed,
    Expired,
    Failed,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Requested => "REQUESTED",
            SessionState::Active => "ACTIVE",
            SessionState::Completed => "COMPLETED",
            SessionState::Expired => "EXPIRED",
            SessionState::Failed => "FAILED",
        }
    }

    /// Reads a stored name; anything unknown reads as `Failed` (not usable).
    pub fn parse(text: &str) -> Self {
        match text {
            "REQUESTED" => SessionState::Requested,
            "ACTIVE" => SessionState::Active,
            "COMPLETED" => SessionState::Completed,
            "EXPIRED" => SessionState::Expired,
            _ => SessionState::Failed,
        }
    }

    /// The state an FIP's `sessionStatus` puts the session in.
    pub fn from_rebit(status: SessionStatus) -> Self {
        match status {
            SessionStatus::Active => SessionState::Active,
            SessionStatus::Completed => SessionState::Completed,
            SessionStatus::Expired => SessionState::Expired,
            SessionStatus::Failed => SessionState::Failed,
        }
    }

    /// The `sessionStatus` told to the FIU (`REQUESTED` is never told: read as ACTIVE).
    pub fn to_rebit(self) -> SessionStatus {
        match self {
            SessionState::Requested | SessionState::Active => SessionStatus::Active,
            SessionState::Completed => SessionStatus::Completed,
            SessionState::Expired => SessionStatus::Expired,
            SessionState::Failed => SessionStatus::Failed,
        }
    }

    /// The state at `now`: an `ACTIVE` or `COMPLETED` session created before `expired_before`
    /// (its lifetime over) is `EXPIRED`, whatever the FIP last said.
    pub fn at(self, created_at: i64, expired_before: i64) -> SessionState {
        match self {
            SessionState::Active | SessionState::Completed if created_at < expired_before => {
                SessionState::Expired
            }
            other => other,
        }
    }

    /// A session that ended stays ended: an FIP's late `ACTIVE` does not revive it.
    pub fn next(self, reported: SessionState) -> SessionState {
        match self {
            SessionState::Completed | SessionState::Expired | SessionState::Failed => self,
            _ => reported,
        }
    }
}

/// An account's `FIStatus` after the FIP reports `reported`. `DENIED`, `TIMEOUT` and
/// `DELIVERED` are final, and a repeated `READY` after delivery (a retried notification)
/// does not undo the delivery; `PENDING` never follows `READY`.
pub fn next_fi_status(current: FiStatus, reported: FiStatus) -> FiStatus {
    match (current, reported) {
        (FiStatus::Denied | FiStatus::Timeout | FiStatus::Delivered, _) => current,
        (FiStatus::Ready, FiStatus::Pending) => current,
        _ => reported,
    }
}

/// Whether the chosen accounts of a session can be fetched now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// At least one account has data and none is still being prepared.
    Ready,
    /// Some account is still `PENDING` at the FIP.
    InProgress,
    /// No account has data (all denied or timed out).
    NoData,
}

/// Whether a session holds up another request for its consent (403
/// `DataFetchRequestInProgress`): it is being forwarded (`REQUESTED` since `stale_before` or
/// later), or it is `ACTIVE` with some account still `PENDING`. A session that failed, expired,
/// completed, outlived its lifetime (created before `expired_before`), or whose accounts are
/// all READY, DENIED, TIMEOUT or DELIVERED does not.
pub fn in_progress(
    state: SessionState,
    created_at: i64,
    accounts: impl IntoIterator<Item = FiStatus>,
    stale_before: i64,
    expired_before: i64,
) -> bool {
    match state.at(created_at, expired_before) {
        SessionState::Requested => created_at >= stale_before,
        SessionState::Active => accounts.into_iter().any(|s| s == FiStatus::Pending),
        SessionState::Completed | SessionState::Expired | SessionState::Failed => false,
    }
}

/// Whether a session counts as a use of its consent (usage limits): the FIP accepted it and it
/// did not fail. A request the FIP refused, or a session it reports FAILED, is not the FIU's use
/// (Sahamati: "you will not be charged"); one still being forwarded is not a use yet.
pub fn counts_as_use(state: SessionState) -> bool {
    matches!(
        state,
        SessionState::Active | SessionState::Completed | SessionState::Expired
    )
}

pub fn readiness(statuses: impl IntoIterator<Item = FiStatus>) -> Readiness {
    let mut any_data = false;
    for status in statuses {
        match status {
            FiStatus::Pending => return Readiness::InProgress,
            FiStatus::Ready | FiStatus::Delivered => any_data = true,
            FiStatus::Denied | FiStatus::Timeout => {}
        }
    }
    if any_data {
        Readiness::Ready
    } else {
        Readiness::NoData
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_statuses_stay_and_ready_does_not_go_back_to_pending() {
        assert_eq!(
            next_fi_status(FiStatus::Pending, FiStatus::Ready),
            FiStatus::Ready
        );
        assert_eq!(
            next_fi_status(FiStatus::Ready, FiStatus::Pending),
            FiStatus::Ready
        );
        assert_eq!(
            next_fi_status(FiStatus::Delivered, FiStatus::Ready),
            FiStatus::Delivered
        );
        assert_eq!(
            next_fi_status(FiStatus::Denied, FiStatus::Ready),
            FiStatus::Denied
        );
        assert_eq!(
            next_fi_status(FiStatus::Ready, FiStatus::Delivered),
            FiStatus::Delivered
        );
    }

    #[test]
    fn readiness_waits_for_pending_and_needs_some_data() {
        use FiStatus::*;
        assert_eq!(readiness([Ready, Denied]), Readiness::Ready);
        assert_eq!(readiness([Ready, Pending]), Readiness::InProgress);
        assert_eq!(readiness([Denied, Timeout]), Readiness::NoData);
        assert_eq!(readiness([]), Readiness::NoData);
        assert_eq!(readiness([Delivered]), Readiness::Ready);
    }

    #[test]
    fn only_a_session_being_forwarded_or_waiting_for_data_is_in_progress() {
        use FiStatus::*;
        let (stale_before, expired_before) = (1_000, 0);
        let progress = |state, created_at, accounts: &[FiStatus]| {
            in_progress(
                state,
                created_at,
                accounts.iter().copied(),
                stale_before,
                expired_before,
            )
        };
        assert!(progress(SessionState::Requested, 1_000, &[]));
        assert!(!progress(SessionState::Requested, 999, &[]));
        assert!(progress(SessionState::Active, 0, &[Ready, Pending]));
        assert!(!progress(
            SessionState::Active,
            0,
            &[Ready, Denied, Delivered, Timeout]
        ));
        assert!(
            !progress(SessionState::Active, -1, &[Pending]),
            "past its lifetime"
        );
        for ended in [
            SessionState::Completed,
            SessionState::Expired,
            SessionState::Failed,
        ] {
            assert!(!progress(ended, 2_000, &[Pending]));
        }
    }

    #[test]
    fn active_and_completed_sessions_expire_after_their_lifetime() {
        assert_eq!(SessionState::Active.at(99, 100), SessionState::Expired);
        assert_eq!(SessionState::Completed.at(99, 100), SessionState::Expired);
        assert_eq!(SessionState::Active.at(100, 100), SessionState::Active);
        assert_eq!(SessionState::Failed.at(0, 100), SessionState::Failed);
        assert_eq!(SessionState::Requested.at(0, 100), SessionState::Requested);
    }

    #[test]
    fn session_states_round_trip_and_ended_sessions_stay_ended() {
        for state in [
            SessionState::Requested,
            SessionState::Active,
            SessionState::Completed,
            SessionState::Expired,
            SessionState::Failed,
        ] {
            assert_eq!(SessionState::parse(state.as_str()), state);
        }
        assert_eq!(
            SessionState::Completed.next(SessionState::Active),
            SessionState::Completed
        );
        assert_eq!(
            SessionState::Requested.next(SessionState::Active),
            SessionState::Active
        );
    }
}
